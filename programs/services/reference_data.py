"""Loading the portal's reference data from ISO 3166 (pycountry) and the CSV files in
``programs/reference_data``. Idempotent: a second run finds nothing to change and
writes nothing (set-based: a few queries whatever the number of rows)."""
from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
from django.db import models, transaction

from infrastructure.bulk_update import rows_update

from ..models import Agency, Country, Goal, Office, Region, RegionalOrganization, RegionScheme, Sector

DATA_DIR = Path(__file__).resolve().parent.parent / "reference_data"

STATE_BUREAUS = {
    "AF": "Bureau of African Affairs",
    "EAP": "Bureau of East Asian and Pacific Affairs",
    "EUR": "Bureau of European and Eurasian Affairs",
    "NEA": "Bureau of Near Eastern Affairs",
    "SCA": "Bureau of South and Central Asian Affairs",
    "WHA": "Bureau of Western Hemisphere Affairs",
}
COMBATANT_COMMANDS = {
    "AFRICOM": "U.S. Africa Command",
    "CENTCOM": "U.S. Central Command",
    "EUCOM": "U.S. European Command",
    "INDOPACOM": "U.S. Indo-Pacific Command",
    "NORTHCOM": "U.S. Northern Command",
    "SOUTHCOM": "U.S. Southern Command",
}
# Kosovo has no ISO 3166-1 entry; XKX is the user-assigned code used by the EU and IMF.
EXTRA_COUNTRIES = {"XKX": ("XK", "Kosovo")}


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())

    def __str__(self) -> str:
        parts = [
            f"{name}: {self.created.get(name, 0)} created, {self.updated.get(name, 0)} updated"
            for name in sorted(set(self.created) | set(self.updated))
        ]
        return "; ".join(parts)


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _sync(
    report: LoadReport,
    model: type[models.Model],
    key: str | tuple[str, ...],
    rows: Iterable[dict],
) -> dict:
    """Create missing rows and update changed ones, matching on ``key``; returns key -> obj."""
    keys = (key,) if isinstance(key, str) else key
    rows = list(rows)
    existing = {tuple(getattr(obj, k) for k in keys): obj for obj in model.objects.all()}
    to_create, to_update, fields = [], [], set()
    for row in rows:
        row_key = tuple(row[k] for k in keys)
        obj = existing.get(row_key)
        if obj is None:
            obj = model(**row)
            to_create.append(obj)
            existing[row_key] = obj
            continue
        changed = [name for name, value in row.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, row[name])
            fields.update(changed)
            to_update.append(obj)
    if to_create:
        model.objects.bulk_create(to_create)
        if not all(obj.pk for obj in to_create):  # SQLite before 3.35 returns no ids
            existing = {tuple(getattr(obj, k) for k in keys): obj for obj in model.objects.all()}
    if to_update:
        rows_update(model, to_update, sorted(fields))
    label = model._meta.verbose_name_plural
    report.created[label] = report.created.get(label, 0) + len(to_create)
    report.updated[label] = report.updated.get(label, 0) + len(to_update)
    return {k[0] if len(k) == 1 else k: obj for k, obj in existing.items()}


def country_codes() -> dict[str, tuple[str, str]]:
    """ISO alpha-3 -> (alpha-2, name) for every ISO 3166-1 country, plus Kosovo."""
    codes = {c.alpha_3: (c.alpha_2, c.name) for c in pycountry.countries}
    codes.update(EXTRA_COUNTRIES)
    return codes


@transaction.atomic
def reference_data_load() -> LoadReport:
    """Load or refresh regions, countries, goals, sectors, agencies and regional organizations."""
    report = LoadReport()
    regions = _sync(
        report,
        Region,
        ("scheme", "code"),
        [{"scheme": RegionScheme.STATE_BUREAU, "code": c, "name": n} for c, n in STATE_BUREAUS.items()]
        + [
            {"scheme": RegionScheme.COMBATANT_COMMAND, "code": c, "name": n}
            for c, n in COMBATANT_COMMANDS.items()
        ],
    )
    assignments = {row["alpha3"]: row for row in _read_csv("country_regions.csv")}
    codes = country_codes()
    missing = sorted(set(codes) - set(assignments))
    if missing:
        raise ValueError(f"country_regions.csv lacks region assignments for {', '.join(missing)}")
    countries = _sync(
        report,
        Country,
        "iso3",
        [
            {
                "iso3": iso3,
                "iso2": iso2,
                "name": name,
                "state_bureau_id": regions[(RegionScheme.STATE_BUREAU, assignments[iso3]["state_bureau"])].pk,
                "combatant_command_id": regions[
                    (RegionScheme.COMBATANT_COMMAND, assignments[iso3]["combatant_command"])
                ].pk,
            }
            for iso3, (iso2, name) in sorted(codes.items())
        ],
    )
    goal_rows = _read_csv("goals.csv")
    goals = _sync(
        report,
        Goal,
        "code",
        [{"code": r["code"], "title": r["title"], "sort_order": i} for i, r in enumerate(goal_rows)],
    )
    _sync(
        report,
        Goal,
        "code",
        [
            {"code": r["code"], "title": r["title"], "sort_order": i, "parent_id": goals[r["parent"]].pk if r["parent"] else None}
            for i, r in enumerate(goal_rows)
        ],
    )
    _sync(
        report,
        Sector,
        "dac_code",
        [{"dac_code": r["dac_code"], "name": r["name"], "category": r["dac_code"][:3]} for r in _read_csv("dac_sectors.csv")],
    )
    agency_rows = _read_csv("agencies.csv")
    agencies = _sync(
        report, Agency, "code", {r["agency"]: {"code": r["agency"], "name": r["agency_name"]} for r in agency_rows}.values()
    )
    _sync(
        report,
        Office,
        ("agency_id", "code"),
        [{"agency_id": agencies[r["agency"]].pk, "code": r["office"], "name": r["office_name"]} for r in agency_rows],
    )
    org_rows = _read_csv("regional_organizations.csv")
    orgs = _sync(report, RegionalOrganization, "code", [{"code": r["code"], "name": r["name"]} for r in org_rows])
    _sync_memberships(report, orgs, countries, org_rows)
    return report


def _sync_memberships(report: LoadReport, orgs: dict, countries: dict, org_rows: list[dict]) -> None:
    through = RegionalOrganization.members.through
    wanted = {
        (orgs[r["code"]].pk, countries[iso3].pk) for r in org_rows for iso3 in r["members"].split()
    }
    existing = set(through.objects.values_list("regionalorganization_id", "country_id"))
    missing = wanted - existing
    through.objects.bulk_create(
        [through(regionalorganization_id=o, country_id=c) for o, c in sorted(missing)]
    )
    report.created["memberships"] = len(missing)
