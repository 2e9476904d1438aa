"""Every API list refuses a query it cannot honor with a 400 naming the parameter: an
unknown sort key (the allowed ones named, as the OpenAPI schema lists them), a filter
value of the wrong kind, and a code or id that names no row (``?country=ZZZ`` was a 200
with ``count: 0``). The lists are read from the router, not listed by hand, so a new
resource is held by the same rule."""
import django_filters
import pytest
from drf_spectacular.generators import SchemaGenerator

from api.filters import IdFilter
from api.ordering import ordering_problem
from programs.filters import CodeFilter
from api.urls import router

pytestmark = pytest.mark.django_db

LISTS = [(prefix, viewset) for prefix, viewset, _ in router.registry if hasattr(viewset, "list")]
# Coordination findings are computed live in a fixed order (by check) and take no ordering.
ORDERED = [(prefix, viewset) for prefix, viewset in LISTS if prefix != "coordination-findings"]


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def _ordering(openapi, prefix: str) -> tuple[str, list[str]]:
    """The list's sort parameter (``ordering``; the selectivity scores' is ``sort``, as on
    their page) and the sort keys its schema allows."""
    parameters = openapi["paths"][f"/api/v1/{prefix}/"]["get"]["parameters"]
    schema = next(p for p in parameters if p["name"] in ("ordering", "sort"))
    assert (schema["style"], schema["explode"], schema["schema"]["type"]) == ("form", False, "array")
    return schema["name"], schema["schema"]["items"]["enum"]


def test_every_list_endpoint_is_covered():
    assert len(LISTS) == len(router.registry) >= 20


@pytest.mark.parametrize("prefix, viewset", ORDERED, ids=[prefix for prefix, _ in ORDERED])
def test_an_unknown_sort_key_is_a_400_naming_the_allowed_ones(token_client, manager, openapi, prefix, viewset):
    """Given a list whose schema names its sort keys, when a client sorts by each of them
    it gets a page, and when it sorts by a key not among them it gets a 400 naming it and
    every allowed one (it was silently ignored on every list but programs)."""
    client = token_client(manager)
    parameter, keys = _ordering(openapi, prefix)
    allowed = sorted({key.removeprefix("-") for key in keys})
    assert allowed and all(f"-{key}" in keys for key in allowed)
    for key in keys:
        assert client.get(f"/api/v1/{prefix}/", {parameter: key}).status_code == 200, (prefix, key)
    assert client.get(f"/api/v1/{prefix}/", {parameter: ",".join(keys[:2])}).status_code == 200
    assert client.get(f"/api/v1/{prefix}/", {parameter: ""}).status_code == 200  # the default order

    for query in ("bogus", f"{allowed[0]},-bogus"):
        response = client.get(f"/api/v1/{prefix}/", {parameter: query})
        assert response.status_code == 400, (prefix, query, response.content)
        [message] = response.json()["errors"][parameter]
        assert message.startswith("Unknown sort key '") and "bogus" in message
        assert sorted(message.split("Sort by one of: ")[1].split(" (")[0].split(", ")) == allowed


def test_the_message_names_each_unknown_key_and_the_allowed_ones():
    assert ordering_problem(["-updated", "id", "nme"], ["id", "name", "updated_at"]) == (
        "Unknown sort key '-updated', 'nme'. Sort by one of: id, name, updated_at "
        "(separate several with commas; prefix a key with '-' for descending order).")
    assert ordering_problem(["-id", "name"], ["id", "name"]) is None
    assert ordering_problem([], ["id"]) is None


WRONG_VALUES = [
    (django_filters.BooleanFilter, "maybe"),
    (django_filters.NumberFilter, "twelve"),
    (django_filters.DateTimeFilter, "yesterday"),
    (django_filters.DateFilter, "2026-13-45"),
    (django_filters.ChoiceFilter, "no-such-choice"),
    (django_filters.ModelChoiceFilter, "no-such-record"),
    (django_filters.ModelMultipleChoiceFilter, "no-such-record"),
    (django_filters.MultipleChoiceFilter, "no-such-choice"),
]


def _wrong_value(filter_field):
    return next((value for kind, value in WRONG_VALUES if isinstance(filter_field, kind)), None)


FILTERS = [
    (prefix, name, value)
    for prefix, viewset in LISTS
    for name, filter_field in (getattr(viewset, "filterset_class", None) and viewset.filterset_class.base_filters.items() or [])
    if (value := _wrong_value(filter_field)) is not None and not isinstance(filter_field, django_filters.OrderingFilter)
]


def test_the_filters_of_every_kind_are_tried():
    assert {name for _, name, _ in FILTERS} >= {"status", "updated_since", "archived", "program", "band", "fiscal_year"}


@pytest.mark.parametrize("prefix, name, value", FILTERS, ids=[f"{p}-{n}" for p, n, _ in FILTERS])
def test_a_filter_value_of_the_wrong_kind_is_a_400_naming_the_filter(token_client, manager, prefix, name, value):
    response = token_client(manager).get(f"/api/v1/{prefix}/", {name: value})
    assert response.status_code == 400, (prefix, name, value, response.status_code, response.content[:300])
    errors = response.json()["errors"]
    assert list(errors) == [name] and errors[name][0]


NUMBER_FILTERS = [
    (prefix, name)
    for prefix, viewset in LISTS
    for name, filter_field in (getattr(viewset, "filterset_class", None) and viewset.filterset_class.base_filters.items() or [])
    if isinstance(filter_field, django_filters.NumberFilter)
]


def test_every_number_filter_refuses_digits_other_than_0_to_9(token_client, manager):
    """"\u0662\u0660\u0662\u0667" was read as 2027 (ids and years alike); it is the filter's
    400, the digit shown by its code (infrastructure.numbers.foreign_digit_problem)."""
    assert {name for _, name in NUMBER_FILTERS} >= {"fiscal_year", "program", "moe", "framework_version"}
    client = token_client(manager)
    for prefix, name in NUMBER_FILTERS:
        response = client.get(f"/api/v1/{prefix}/", {name: "\u0662\u0660\u0662\u0667"})
        assert response.status_code == 400, (prefix, name, response.status_code)
        assert "has the digit U+0662 (arabic-indic digit two) at position 1" in response.json()["errors"][name][0]


# A code or id that names no row, by kind of filter (a CodeFilter's value may be a code or an id).
UNKNOWN_VALUES = [(CodeFilter, "ZZZ9"), (CodeFilter, "99999"), (IdFilter, "999999")]
UNKNOWN = [
    (prefix, name, value)
    for prefix, viewset in LISTS
    for name, filter_field in (getattr(viewset, "filterset_class", None) and viewset.filterset_class.base_filters.items() or [])
    for kind, value in UNKNOWN_VALUES if isinstance(filter_field, kind)
]
MESSAGES = {
    ("country", "ZZZ9"): "No country has the ISO code 'ZZZ9'; choose one from the list.",
    ("country", "99999"): "No country has the id '99999'; choose one from the list.",
    ("sector", "99999"): "No sector has the DAC code '99999'; choose one from the list.",
    ("agency", "ZZZ9"): "No agency has the code 'ZZZ9'; choose one from the list.",
    ("region", "ZZZ9"): "No region has the code 'ZZZ9'; use a State bureau (e.g. AF) or a combatant command (e.g. AFRICOM).",
    ("program", "999999"): "No program has the id 999999.",
    ("goal", "ZZZ9"): "No goal has the code 'ZZZ9'; use e.g. 1 or 1.a.",
}


def test_the_code_and_id_filters_of_every_list_are_tried():
    tried = {(prefix, name) for prefix, name, _ in UNKNOWN}
    assert {("programs", "country"), ("programs", "region"), ("programs", "agency"), ("programs", "goal"),
            ("programs", "sector"), ("moes", "country"), ("partner-institutions", "country"),
            ("country-rollups", "country"), ("countries", "region"), ("goals", "parent"),
            ("selectivity-scores", "region"), ("recommendations", "evaluation"), ("measurements", "moe")} <= tried


@pytest.mark.parametrize("prefix, name, value", UNKNOWN, ids=[f"{p}-{n}={v}" for p, n, v in UNKNOWN])
def test_an_unknown_code_or_id_is_a_400_naming_the_filter(token_client, manager, program_a, prefix, name, value):
    """Given a code or id that names no row, every list answers 400 with the filter's
    message, not 200 ``{"count": 0}``; a code that names a row still filters."""
    client = token_client(manager)
    response = client.get(f"/api/v1/{prefix}/", {name: value})
    assert response.status_code == 400, (prefix, name, value, response.status_code, response.content[:300])
    errors = response.json()["errors"]
    assert list(errors) == [name] and len(errors[name]) == 1
    [message] = errors[name]
    assert message == MESSAGES.get((name, value), message) and message.startswith("No ") and value in message


@pytest.mark.parametrize("name, value", [("country", "ken"), ("country", "KEN"), ("region", "AF"), ("region", "AFRICOM")])
def test_a_known_code_still_filters(token_client, manager, program_a, name, value):
    response = token_client(manager).get("/api/v1/programs/", {name: value})
    assert response.status_code == 200 and [row["code"] for row in response.json()["results"]] == [program_a.code]
    other = token_client(manager).get("/api/v1/programs/", {name: {"ken": "COL", "KEN": "COL", "AF": "WHA", "AFRICOM": "SOUTHCOM"}[value]})
    assert other.status_code == 200 and other.json()["count"] == 0


def test_schemathesis_names_existing_rows_for_every_filter_that_refuses_unknown_ones():
    """Each API filter that refuses an unknown code or id (a 400) gets an existing row's in
    Schemathesis' valid requests; a new such filter must be added there too."""
    import inspect

    import django_filters

    from api import filters as api_filters
    from programs.filters import CodeFilter

    from .schemathesis_support import QUERY_MODELS

    refusing = {
        name
        for filterset in vars(api_filters).values()
        if inspect.isclass(filterset) and issubclass(filterset, django_filters.FilterSet)
        for name, field in filterset.base_filters.items()
        if isinstance(field, (CodeFilter, api_filters.IdFilter))
    }
    assert refusing and refusing <= set(QUERY_MODELS), refusing - set(QUERY_MODELS)


def test_a_refused_value_holding_a_percent_sign_is_a_400_not_a_500(token_client, manager):
    """A quoted value with "%" in a filter's message (Schemathesis: ``?country=A%B``) was a
    500: django-filter formatted the message again with "%" (api.filter_backend)."""
    response = token_client(manager).get("/api/v1/country-rollups/", {"country": "A%B", "region": "%s"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "country": ["No country has the ISO code 'A%B'; choose one from the list."],
        "region": ["No region has the code '%s'; use a State bureau (e.g. AF) or a combatant command (e.g. AFRICOM)."],
    }
