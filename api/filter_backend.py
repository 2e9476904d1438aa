"""The API's filter backend: django-filter, plus the rules the OpenAPI schema states for
every filter parameter (api.schema.PortalFilterExtension), enforced before filtering:

- a parameter that is present has a value (``?updated_since=`` is a 400, not "no filter"),
  except an ordering, where an empty list is the default order;
- a boolean is ``true`` or ``false`` (``?open=null`` is a 400, not "no filter");
- no value holds a NUL character;
- an ordering names only the FilterSet's sort keys, and an unknown one is refused with the
  allowed keys named (``api.ordering.ordering_problem``, the rule of every API list);
- a value the FilterSet refuses is a 400 with the FilterSet's messages as written (a value
  quoted in one may hold a "%").

Violations answer 400 with the parameter named, in the API's error shape (api.errors).
"""
from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.request import Request

from infrastructure.forms import PortalFilterSet

from .ordering import ordering_problem, ordering_terms

BOOLEAN_VALUES = ("true", "false")
EMPTY_MEANS_DEFAULT = (django_filters.OrderingFilter, django_filters.BaseCSVFilter)  # an empty list: default order


def query_value_problem(value: str, *, boolean: bool = False, may_be_empty: bool = False) -> str | None:
    """Why ``value`` cannot be given for a query parameter, or None (also used by views
    whose parameters are not a FilterSet's)."""
    if value == "" and not may_be_empty:
        return "Give a value, or leave the parameter out."
    if "\x00" in value:
        return "Values cannot contain NUL characters."
    if boolean and value not in BOOLEAN_VALUES:
        return "Must be true or false."
    return None


def query_errors(request: Request, parameters: dict[str, dict[str, bool]]) -> dict[str, list[str]]:
    """The problems of the query parameters ``parameters`` (name -> query_value_problem
    options) that ``request`` carries, by name."""
    errors = {}
    for name, options in parameters.items():
        for value in request.query_params.getlist(name):
            problem = query_value_problem(value, **options)
            if problem:
                errors[name] = [problem]
    return errors


def ordering_errors(request: Request, filterset_class) -> dict[str, list[str]]:
    """The unknown sort keys of the FilterSet's ``OrderingFilter`` parameters, by name."""
    errors = {}
    for name, filter_field in filterset_class.base_filters.items():
        if isinstance(filter_field, django_filters.OrderingFilter):
            for value in request.query_params.getlist(name):
                problem = ordering_problem(ordering_terms(value), filter_field.param_map)
                if problem:
                    errors[name] = [problem]
    return errors


class PortalFilterBackend(DjangoFilterBackend):
    filterset_base = PortalFilterSet  # the FilterSets made from a view's filterset_fields refuse foreign digits too

    def filter_queryset(self, request: Request, queryset: QuerySet, view) -> QuerySet:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors = ordering_errors(request, filterset_class) | query_errors(request, {
                name: {"boolean": isinstance(filter_field, django_filters.BooleanFilter),
                       "may_be_empty": isinstance(filter_field, EMPTY_MEANS_DEFAULT)}
                for name, filter_field in filterset_class.base_filters.items()
            })
            if errors:
                raise serializers.ValidationError(errors)
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            # The messages as the form wrote them. django-filter's translate_validation
            # formats each again with "%", which a "%" in a quoted value broke (a 500).
            raise serializers.ValidationError({name: list(messages) for name, messages in filterset.errors.items()})
        return filterset.qs
