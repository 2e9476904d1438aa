"""Stable ordering: the primary key always breaks ties, so pages never skip or repeat rows."""
from django.db.models import QuerySet
from rest_framework import filters


def stable_order(queryset: QuerySet) -> QuerySet:
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or [])
    if not any(str(field).lstrip("-") in ("pk", "id") for field in ordering):
        ordering.append("pk")
    return queryset.order_by(*ordering)


class StableOrderingFilter(filters.OrderingFilter):
    """``?ordering=field,-other`` over the view's ``ordering_fields``, then the primary key."""

    def filter_queryset(self, request, queryset, view):
        return stable_order(super().filter_queryset(request, queryset, view))
