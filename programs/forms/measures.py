"""MOE form with inline targets and disaggregation categories; the measurement grid;
the manager's return-with-reason form."""
from __future__ import annotations

from decimal import Decimal

from django import forms

from infrastructure.form_rendering import InlineHiddenInput, InlineTextInput
from infrastructure.numbers import USDecimalField

from ..fiscal import Period
from ..numbers import plain_decimal
from ..models import Frequency, MeasureOfEffectiveness, moe_periods_allowed
from ..services.measures import MOE_FIELDS
from .change_fields import RationaleMixin, VersionField
from infrastructure.forms import PortalForm, PortalModelForm

VALUE_MAX = Decimal("99999999999999.9999")  # 18 digits, 4 decimals: the column's limit


def value_field(**kwargs) -> USDecimalField:
    """A value, target or baseline of an MOE, typed as US users type numbers ("1,234.5")."""
    return USDecimalField(max_digits=18, decimal_places=4, max_value=VALUE_MAX, min_value=-VALUE_MAX, **kwargs)


class MoeForm(RationaleMixin, PortalModelForm):
    version = VersionField()
    categories = forms.CharField(
        label="Disaggregation categories",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "sex: female\nsex: male"}),
        help_text='One per line as "dimension: category", e.g. "sex: female".',
    )

    class Meta:
        model = MeasureOfEffectiveness
        fields = list(MOE_FIELDS)
        widgets = {
            "baseline_date": forms.DateInput(attrs={"type": "date"}),
            "means_of_verification": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["baseline_value"] = value_field(label="Baseline value")
        if self.instance.pk and not self.is_bound:
            self.initial["baseline_value"] = plain_decimal(self.instance.baseline_value)
        if self.instance.pk and not self.is_bound:
            self.initial["categories"] = "\n".join(
                f"{c.dimension}: {c.name}" for c in self.instance.disaggregation_categories.all()
            )
        self.order_fields([*MOE_FIELDS, "categories", "rationale_category", "rationale", "version"])

    def redraw_targets_from(self, url: str) -> None:
        """The frequency redraws the target grid at ``url`` as it changes (htmx), carrying
        the values typed so far."""
        self.fields["frequency"].widget.attrs.update({
            "hx-get": url, "hx-trigger": "change", "hx-target": "#target-grid", "hx-swap": "outerHTML",
            "hx-include": "[name=frequency],#target-grid input",
        })

    def clean_categories(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for number, line in enumerate(self.cleaned_data.get("categories", "").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            dimension, sep, name = line.partition(":")
            dimension, name = dimension.strip(), name.strip()
            if not sep or not dimension or not name:
                raise forms.ValidationError(f'Line {number}: write "dimension: category", e.g. "sex: female".')
            if len(dimension) > 60 or len(name) > 120:
                raise forms.ValidationError(f"Line {number}: dimension at most 60 and category at most 120 characters.")
            if (dimension, name) in pairs:
                raise forms.ValidationError(f'Line {number}: "{dimension}: {name}" appears twice.')
            pairs.append((dimension, name))
        return pairs

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in MOE_FIELDS if name in self.cleaned_data}


def target_periods(frequency: str, program) -> list[list[Period]]:
    """The periods an MOE of ``frequency`` takes targets for, one list per fiscal year of
    the program (a life-of-program MOE: its last year only), by the one rule
    ``moe_periods_allowed``."""
    probe = MeasureOfEffectiveness(program=program, frequency=frequency if frequency in Frequency.values else Frequency.QUARTERLY)
    years = []
    for fy in range(program.start_fy, program.end_fy + 1):
        periods = [p for p in moe_periods_allowed(probe, fy) if p.fiscal_year == fy]
        if periods:
            years.append(periods)
    return years


class TargetGridForm(PortalForm):
    """Targets in a grid: one input per period that the MOE's frequency and the program's
    fiscal years define (``target_<period code>``); a blank cell has no target (clearing
    one removes that target). Rebuilt for another frequency as the MOE form's frequency
    changes (htmx, ``moe_target_grid``)."""

    def __init__(self, *args, frequency: str, program, current: dict[str, Decimal] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = target_periods(frequency, program)
        current = current or {}
        for periods in self.years:
            for period in periods:
                self.fields[f"target_{period.code}"] = value_field(
                    label=f"Target {period.code}", required=False, initial=plain_decimal(current.get(period.code)),
                )

    def rows(self) -> list[dict]:
        """For the template: each fiscal year with its cells (period code and bound field)."""
        return [{"fiscal_year": periods[0].fiscal_year,
                 "cells": [{"period": p.code, "field": self[f"target_{p.code}"]} for p in periods]} for periods in self.years]

    def service_rows(self) -> list[dict]:
        return [
            {"period": name.removeprefix("target_"), "value": value}
            for name, value in self.cleaned_data.items() if value is not None
        ]


class ReturnForm(PortalForm):
    reason = forms.CharField(label="Reason", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()


class MeasurementGridForm(RationaleMixin, PortalForm):
    """One value field per (MOE, period) cell of the grid, plus the version it read.

    Field names: ``value_<moe id>_<period>`` and ``version_<moe id>_<period>``. A cell
    whose period has not started (``not_started``) has no field: it takes no value yet.
    A blank new cell records nothing; clearing a stored value removes it (the service
    allows it for drafts and returned values only).
    """

    def __init__(self, *args, cells: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = [cell for cell in cells if not cell.get("not_started")]
        for cell in self.cells:
            key = cell["key"]
            measurement = cell.get("measurement")
            self.fields[f"value_{key}"] = value_field(
                label=f"{cell['moe'].name} {cell['period']}",
                required=False,
                initial=plain_decimal(measurement.value) if measurement else None,
                widget=InlineTextInput,  # two inputs a cell: written without a template each
            )
            self.fields[f"version_{key}"] = VersionField(
                initial=measurement.version if measurement else "", widget=InlineHiddenInput
            )
        self.order_fields(["rationale_category", "rationale"])

    def changed_cells(self) -> list[dict]:
        """Cells with a value that differs from the stored one, a new value, or a stored
        value cleared (``value`` None: to be removed). A cell the post does not carry at
        all is left as it is (only an input sent empty clears)."""
        changed = []
        for cell in self.cells:
            value = self.cleaned_data.get(f"value_{cell['key']}")
            measurement = cell.get("measurement")
            if value is None and (measurement is None or self.add_prefix(f"value_{cell['key']}") not in self.data):
                continue
            if measurement is not None and measurement.value == value:
                continue
            changed.append({**cell, "value": value, "version": self.cleaned_data.get(f"version_{cell['key']}")})
        return changed


class BreakdownForm(RationaleMixin, PortalForm):
    """A measurement's value and its values per disaggregation category (``category_<id>``
    fields; a blank one has no value). The categories of a dimension sum to the value, or
    to at most it when ``breakdown_partial`` is ticked."""

    value = value_field(label="Value")
    breakdown_partial = forms.BooleanField(
        label="Partial breakdown (the categories cover only part of the value)", required=False
    )
    version = VersionField()

    def __init__(self, *args, categories, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for category in self.categories:
            self.fields[f"category_{category.pk}"] = value_field(
                label=f"{category.dimension}: {category.name}", required=False,
                initial=plain_decimal(current.get(category.pk)),
            )
        self.order_fields(
            ["value"] + [f"category_{c.pk}" for c in self.categories]
            + ["breakdown_partial", "rationale_category", "rationale", "version"]
        )

    def breakdown(self) -> dict[int, Decimal]:
        """Category id -> value, for every category with a value (the whole breakdown)."""
        return {
            c.pk: self.cleaned_data[f"category_{c.pk}"]
            for c in self.categories
            if self.cleaned_data.get(f"category_{c.pk}") is not None
        }
