"""Text hygiene (issue 11 item 8): control characters refused at input on every path,
exports robust to old data, and a control character in a URL path is a 404, never a 500."""
import io
import re
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from evaluations.services.rollups import rollups_recompute
from infrastructure.text import (
    control_characters_error,
    portal_app_configs,
    refuse_control_characters,
    refuse_control_characters_multiline,
    typed_for_message,
)
from programs.models import Program
from programs.services.programs import program_create
from tests import factories
from tests.api.conftest import token_client  # noqa: F401  (fixture)
from tests.programs.test_pages_programs import _program_post

pytestmark = pytest.mark.django_db
TITLE_ERROR = "Remove the control character U+0001 (position 4)."


def test_every_text_field_of_the_portal_carries_the_validator():
    checked = 0
    labels = {config.label for config in portal_app_configs()}
    assert {"programs", "assessments", "evaluations", "infrastructure", "identity"} <= labels
    assert not labels & {"auth", "admin", "simple_history", "django_celery_beat"}
    for config in portal_app_configs():
        for model in config.get_models():
            for field in model._meta.local_fields:
                if isinstance(field, models.TextField):
                    assert refuse_control_characters_multiline in field.validators, (model, field.name)
                    checked += 1
                elif isinstance(field, models.CharField):
                    assert refuse_control_characters in field.validators, (model, field.name)
                    checked += 1
    assert checked > 100


def test_the_rule_keeps_tab_and_line_breaks_in_long_text_only():
    assert control_characters_error("Bad\x01title") == TITLE_ERROR
    assert control_characters_error("a\tb") == "Remove the control character U+0009 (position 2) (line breaks and tabs only in long text)."
    assert control_characters_error("line one\r\nline two\tend", multiline=True) is None
    assert control_characters_error("nul\x00", multiline=True) == "Remove the control character U+0000 (position 4)."
    assert control_characters_error("Café – ok 😀") is None


def test_service_refuses_a_control_character_naming_the_field(analyst_a):
    data = {"code": "DOS-2026-0100", "title": "Bad\x01title", "lead_agency": analyst_a.agency, "purpose": "build_capacity",
            "start_fy": 2025, "end_fy": 2027, "countries": [factories.country("KEN")],
            "description": "Two lines\r\nand a\ttab"}
    with pytest.raises(ValidationError) as error:
        program_create(user=analyst_a, data=data)
    assert error.value.message_dict == {"title": [TITLE_ERROR]}
    assert program_create(user=analyst_a, data={**data, "title": "Good title"}).description == "Two lines\r\nand a\ttab"


def test_page_refuses_a_control_character(client, analyst_a):
    client.force_login(analyst_a)
    response = client.post(reverse("programs:program-create"), _program_post(title="Bad\x01title"))
    assert response.status_code == 400
    assert f"Title: {TITLE_ERROR}" in response.content.decode()
    assert not Program.objects.exists()


def test_api_refuses_a_control_character_and_keeps_line_breaks_in_long_text(token_client, analyst_a, program_a):
    client = token_client(analyst_a, write=True)
    rationale = {"rationale_category": "data_correction", "rationale": "typo"}
    bad = client.patch(f"/api/v1/programs/{program_a.pk}/", {"title": "Bad\x01title", "version": 1, **rationale}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"]["title"] == [TITLE_ERROR]
    ok = client.patch(f"/api/v1/programs/{program_a.pk}/", {"description": "One\nTwo", "version": 1, **rationale}, format="json")
    assert ok.status_code == 200 and ok.json()["description"] == "One\nTwo"


def test_admin_form_refuses_a_control_character(program_a):
    """The Django admin's ModelForm runs the model's validators (full_clean)."""
    from django.contrib.admin.sites import site

    form_class = site._registry[Program].get_form(request=None, obj=program_a, fields=["title"])
    form = form_class(data={"title": "Bad\x01title"}, instance=program_a)
    assert not form.is_valid() and form.errors["title"] == [TITLE_ERROR]


def test_exports_of_text_stored_before_the_rule_still_work(client, analyst_a, program_a):
    Program.objects.filter(pk=program_a.pk).update(title="Old\x01title\x1f")  # as stored before the rule
    moe = factories.MoeFactory(program=program_a, name="Officers\x02 trained")
    factories.TargetFactory(moe=moe, period="FY2026-Q1", value=D(10))
    factories.MeasurementFactory(moe=moe, period="FY2026-Q1", value=D(5))
    rollups_recompute()
    client.force_login(analyst_a)
    for url in (reverse("programs:program-export", args=["xlsx"]),
                reverse("evaluations:target-vs-actual") + f"?program={program_a.pk}&format=xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert any(cell is not None and "Oldtitle" in str(cell) for row in rows[:12] for cell in row), url
        assert not any("\x01" in str(cell) for row in rows for cell in row), url
    csv = client.get(reverse("programs:program-export", args=["csv"]))
    assert csv.status_code == 200 and "Oldtitle" in csv.content.decode("utf-8-sig")


def _routes(resolvers, prefix=""):
    """Every URL pattern as its route text (e.g. "dashboards/countries/<str:iso3>/")."""
    for entry in resolvers:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


CONVERTER = re.compile(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)")


def test_a_nul_in_any_path_converter_is_a_404(client, manager):
    client.force_login(manager)
    crawled = []
    for route in _routes(get_resolver().url_patterns):
        if not CONVERTER.search(route):
            continue
        path = "/" + CONVERTER.sub("%00", route).lstrip("^").rstrip("$").replace("\\", "")
        response = client.get(path)
        assert response.status_code == 404, (route, path, response.status_code)
        if path.startswith("/api/"):
            assert response.json()["code"] == "not_found", path  # the API's error shape
        crawled.append(path)
    assert "/dashboards/countries/%00/" in crawled and "/assessments/selectivity/%00/" in crawled
    assert len(crawled) > 20


def test_typed_text_is_quoted_in_messages_with_refused_characters_shown_not_echoed():
    """A message quoting what was typed (a picker's unknown name, a value that is no
    number) never carries a NUL or another control character into the page."""
    from infrastructure.numbers import NumberError, number_from_text

    assert typed_for_message("12\x00") == "12\\x00"
    assert typed_for_message("a\x1fb\ud800") == "a\\x1fb\\ud800"
    assert typed_for_message("x" * 70) == "x" * 60 + "..."
    with pytest.raises(NumberError) as error:
        number_from_text("12\x00")
    assert "'12\\x00' is not a number" in str(error.value) and "\x00" not in str(error.value)
    assert number_from_text("1" * 70) == D("1" * 70)  # the number itself is read whole
