"""Where an assessment service's per-criterion errors go on the page."""
from __future__ import annotations

from django import forms

from infrastructure.form_errors import ErrorRoute


def criterion_error_route(criterion_forms) -> ErrorRoute:
    """``scores.<code>.<field>`` keys (``assessments.services.criterion_error_key``: score,
    justification, evidence_url) go to that field of the criterion's form; other keys are
    not routed."""
    by_code = {f.criterion.code: f for f in criterion_forms}

    def route(key: str) -> tuple[forms.BaseForm, str] | None:
        head, _, rest = key.partition(".")
        code, _, field = rest.rpartition(".")
        if head == "scores" and code in by_code and field in ("score", "justification", "evidence_url"):
            return by_code[code], field
        return None

    return route
