"""Ordering of API lists: only the sort keys a list names, and the primary key always
breaks ties, so pages never skip or repeat rows.

``?ordering=`` takes comma-separated sort keys, each optionally prefixed with ``-`` for
descending. An unknown key is a 400 naming the allowed ones (``{"ordering": ["..."]}``),
never silently ignored: a sync client that misspells ``updated_at`` would otherwise page
through rows in an order it did not ask for. The rule holds for the lists ordered by
``StableOrderingFilter`` (``ordering_fields`` of the view) and for those ordered by their
FilterSet's ``django_filters.OrderingFilter`` (``api.filter_backend``) alike.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from rest_framework import filters, serializers


def stable_order(queryset: QuerySet) -> QuerySet:
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or [])
    if not any(str(field).lstrip("-") in ("pk", "id") for field in ordering):
        ordering.append("pk")
    return queryset.order_by(*ordering)


def ordering_terms(value: str) -> list[str]:
    """The sort keys of an ``ordering`` parameter ("id, -updated_at" -> ["id", "-updated_at"]);
    an empty value is no key (the list's default order)."""
    return [term.strip() for term in value.split(",")] if value.strip() else []


def ordering_problem(terms: Iterable[str], allowed: Iterable[str]) -> str | None:
    """Why the sort keys ``terms`` cannot be used on a list sorted by the keys ``allowed``
    (without sign; each also descending with ``-``), or None. The message names the
    unknown keys and every allowed one."""
    allowed = list(dict.fromkeys(allowed))
    unknown = [term for term in terms if term.removeprefix("-") not in allowed]
    if not unknown:
        return None
    named = ", ".join(f"'{term}'" for term in unknown)
    return (f"Unknown sort key {named}. Sort by one of: {', '.join(allowed)} "
            "(separate several with commas; prefix a key with '-' for descending order).")


class StableOrderingFilter(filters.OrderingFilter):
    """``?ordering=field,-other`` over the view's ``ordering_fields``, then the primary key;
    an unknown field is a 400 (``ordering_problem``)."""

    def allowed_fields(self, queryset: QuerySet, view) -> list[str]:
        return [name for name, _ in self.get_valid_fields(queryset, view, {"request": getattr(view, "request", None)})]

    def get_ordering(self, request, queryset, view):
        terms = ordering_terms(request.query_params.get(self.ordering_param, ""))
        problem = ordering_problem(terms, self.allowed_fields(queryset, view))
        if problem:
            raise serializers.ValidationError({self.ordering_param: [problem]})
        return terms or self.get_default_ordering(view)

    def filter_queryset(self, request, queryset, view):
        return stable_order(super().filter_queryset(request, queryset, view))

    def get_schema_operation_parameters(self, view):
        """The allowed sort keys as an enum, in the shape drf-spectacular gives a
        FilterSet's ordering (an array, comma-separated in one parameter)."""
        fields = [name if isinstance(name, str) else name[0] for name in getattr(view, "ordering_fields", None) or []]
        keys = sorted(fields + [f"-{name}" for name in fields])
        return [{
            "name": self.ordering_param,
            "required": False,
            "in": "query",
            "description": ("Sort keys, comma-separated; '-' before a key sorts descending. "
                            f"One of: {', '.join(fields)}. Ties are broken by id."),
            "schema": {"type": "array", "items": {"type": "string", "enum": keys}},
            "style": "form",
            "explode": False,
        }]
