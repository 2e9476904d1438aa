"""The table of each flag list, over the rows of ``dashboards.selectors.flags.flag_rows``
(tuples in each kind's order, with ids / ISO codes for the links first)."""
from __future__ import annotations

from infrastructure.exports import cell_value
from infrastructure.sql import db_datetime
from programs.links import program_url

from .base import DashboardTable
from .columns import DateColumn, DateTimeColumn, NumberColumn, RecordLinkColumn, TextColumn, datetime_text
from .links import country_url


def _country_link() -> RecordLinkColumn:
    return RecordLinkColumn("Country", url=lambda record: country_url(record["iso3"]))


def _program_link() -> RecordLinkColumn:
    return RecordLinkColumn("Program", url=lambda record: program_url(record["program_id"]))


class FlagTable(DashboardTable):
    """One kind of flag; ``fields`` names the positions of a flag row."""

    fields: tuple[str, ...] = ()

    empty = "Nothing flagged here."

    @classmethod
    def from_rows(cls, rows: list, **kwargs) -> "FlagTable":
        return cls([dict(zip(cls.fields, row)) for row in rows], **kwargs)


class OverlapsTable(FlagTable):
    fields = ("country", "iso3", "on", "agencies", "programs", "first_fy")
    country = _country_link()
    on = TextColumn("Overlap on")
    agencies = TextColumn("Agencies")
    programs = TextColumn("Programs")
    first_fy = TextColumn("First common FY")

    def render_first_fy(self, value) -> str:
        return f"FY{value}"

    value_first_fy = render_first_fy


class GapsTable(FlagTable):
    fields = ("country", "iso3", "tier", "strategy", "objective")
    country = _country_link()
    tier = NumberColumn("Tier")
    strategy = TextColumn("Strategy")
    objective = TextColumn("Objective")


class SurgeTable(FlagTable):
    fields = ("program_id", "program", "countries", "missing")
    program = _program_link()
    countries = TextColumn("Countries")
    missing = TextColumn("Missing")


class VettingTable(FlagTable):
    fields = ("program_id", "program", "institution", "country", "iso3", "status")
    program = _program_link()
    institution = TextColumn("Partner institution")
    country = _country_link()
    status = TextColumn("Latest vetting status")


class StaleTable(FlagTable):
    fields = ("country", "iso3", "assessment_date", "computed_at")
    country = _country_link()
    assessment_date = DateColumn("Assessment date")
    computed_at = DateTimeColumn("Score computed at")

    def render_computed_at(self, value) -> str:
        return datetime_text(db_datetime(value))

    def value_computed_at(self, value):
        return cell_value(db_datetime(value))


class OverdueTable(FlagTable):
    fields = ("program_id", "program", "recommendation", "owner", "due_on", "follow_up")
    program = _program_link()
    recommendation = TextColumn("Recommendation")
    owner = TextColumn("Owner")
    due_on = DateColumn("Due on")
    follow_up = TextColumn("Follow-up")


class CrisesTable(FlagTable):
    fields = ("country", "iso3", "crisis", "occurred_on")
    country = _country_link()
    crisis = TextColumn("Crisis")
    occurred_on = DateColumn("Occurred on")


FLAG_TABLES: dict[str, type[FlagTable]] = {
    "overlaps": OverlapsTable, "gaps": GapsTable, "surge": SurgeTable, "vetting": VettingTable,
    "stale": StaleTable, "overdue": OverdueTable, "crises": CrisesTable,
}
