"""SQL spellings of the programs app's rules, for the set-based reports (dashboard flags,
coordination checks, rollups): one definition of "running" and of who needs vetting,
taken from the models' constants."""
from __future__ import annotations

from infrastructure.sql import sql_literal_list

from ..models import RUNNING_STATUSES, VETTING_EXEMPT_INSTITUTION_TYPES

RUNNING_SQL = sql_literal_list(RUNNING_STATUSES)
VETTING_EXEMPT_SQL = sql_literal_list(VETTING_EXEMPT_INSTITUTION_TYPES)
