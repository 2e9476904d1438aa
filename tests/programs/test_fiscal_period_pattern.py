"""PERIOD_CODE_PATTERN (the API's period filter and its schema) matches exactly the codes
Period.parse accepts written without spaces, around every bound."""
import re

from programs.fiscal import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, PERIOD_CODE_PATTERN, Period


def _parses(code: str) -> bool:
    try:
        Period.parse(code)
    except ValueError:
        return False
    return True


def test_the_pattern_and_the_parser_agree():
    suffixes = ["", "-Q0", "-Q1", "-Q4", "-Q5", "-H0", "-H1", "-H2", "-H3", "-X1", "-q2", "-h1", "-Q12"]
    for year in [*range(MIN_FISCAL_YEAR - 11, MIN_FISCAL_YEAR + 11), *range(MAX_FISCAL_YEAR - 11, MAX_FISCAL_YEAR + 11), 999, 10000]:
        for prefix in ("FY", "fy", "Fy", "F", "FY-"):
            for suffix in suffixes:
                code = f"{prefix}{year}{suffix}"
                assert bool(re.match(PERIOD_CODE_PATTERN, code)) == _parses(code), code
