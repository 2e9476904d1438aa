"""Where an assessment service's per-criterion errors go on the page."""
from __future__ import annotations

from django import forms

from infrastructure.form_errors import ErrorRoute


def criterion_error_route(criterion_forms) -> ErrorRoute:
    """``score_<code>``, ``justification_<code>`` and ``evidence_<code>`` keys go to that
    criterion's form (evidence on its ``evidence_url`` field); other keys are not routed."""
    by_code = {f.criterion.code: f for f in criterion_forms}

    def route(key: str) -> tuple[forms.BaseForm, str] | None:
        field, _, code = key.partition("_")
        if code in by_code and field in ("score", "justification", "evidence"):
            return by_code[code], "evidence_url" if field == "evidence" else field
        return None

    return route
