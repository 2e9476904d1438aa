"""Country matching: ISO codes, names, short and former names, accents and case; unknown names."""
import pytest

from programs.importing.cells import CellError
from programs.importing.countries import CountryMatcher, normalise_name

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "cell, iso3",
    [
        ("KEN", "KEN"), ("ken", "KEN"), ("KE", "KEN"), ("Kenya", "KEN"),
        ("Burma", "MMR"), ("Myanmar", "MMR"),
        ("Cote d'Ivoire", "CIV"), ("Côte d’Ivoire", "CIV"), ("CÔTE D'IVOIRE", "CIV"), ("Ivory Coast", "CIV"),
        ("The Gambia", "GMB"), ("Gambia, The", "GMB"), ("Gambia", "GMB"),
        ("Swaziland", "SWZ"), ("Eswatini", "SWZ"),
        ("Macedonia", "MKD"), ("North Macedonia", "MKD"),
        ("Kyrgyz Republic", "KGZ"), ("Kyrgyzstan", "KGZ"),
        ("West Bank and Gaza", "PSE"),
        ("Korea, South", "KOR"), ("Republic of Korea", "KOR"),
        ("Bolivia", "BOL"), ("Iran", "IRN"), ("Turkey", "TUR"), ("Türkiye", "TUR"),
        ("Democratic Republic of the Congo", "COD"), ("Congo (Brazzaville)", "COG"),
        ("Kosovo", "XKX"), ("St. Lucia", "LCA"), ("Sao Tome and Principe", "STP"),
        ("  Tanzania  ", "TZA"),
    ],
)
def test_countries_match_by_code_or_name(cell, iso3):
    assert CountryMatcher().match(cell).iso3 == iso3


def test_unknown_country_is_an_error_with_suggestions():
    with pytest.raises(CellError, match="'Keyna' is not a known country.*Did you mean Kenya"):
        CountryMatcher().match("Keyna")


def test_unknown_code_is_an_error():
    with pytest.raises(CellError, match="'ZZZ' is not a known country"):
        CountryMatcher().match("ZZZ")


def test_matcher_reads_the_countries_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        matcher = CountryMatcher()
    with django_assert_num_queries(0):
        for name in ("Burma", "KEN", "The Gambia", "Swaziland"):
            matcher.match(name)


def test_normalised_names_ignore_accents_case_punctuation_and_the():
    assert normalise_name("  The GAMBIA ") == normalise_name("Gambia, The") == "gambia"
    assert normalise_name("Côte d'Ivoire") == "cote divoire"
