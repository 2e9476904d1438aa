"""The query parameters an API list accepts, and the refusal of any other.

A misspelt parameter (``?countyr=KEN``) was ignored, so a data pull got every row and
looked right. Every list (``PortalViewSet``, action ``list``) now answers 400 naming each
unknown parameter and the accepted ones, in the API's error shape (``api.errors``)::

    {"errors": {"countyr": ["Unknown query parameter 'countyr'. This list accepts: agency, ..."]}}

Accepted are the parameters the OpenAPI schema states for the list, read from the same
objects the schema is generated from, so the two cannot drift apart: the filter
backends' (a FilterSet's filters, ``ordering``), the paginator's (``page``,
``page_size``), ``format`` (``URL_FORMAT_OVERRIDE``), and those the view reads itself,
named in its ``query_parameters``.
"""
from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.settings import api_settings

from infrastructure.text import typed_for_message


def _filter_parameters(backend, view) -> list[str]:
    if isinstance(backend, DjangoFilterBackend):
        filterset_class = backend.get_filterset_class(view, view.get_queryset())
        return list(filterset_class.base_filters) if filterset_class else []
    return [parameter["name"] for parameter in backend.get_schema_operation_parameters(view)]


def accepted_query_parameters(view) -> list[str]:
    """The names of the query parameters ``view`` (an API list) accepts, sorted."""
    names = {api_settings.URL_FORMAT_OVERRIDE, *getattr(view, "query_parameters", ())}
    for backend_class in view.filter_backends:
        names.update(_filter_parameters(backend_class(), view))
    if view.paginator is not None:
        names.update(parameter["name"] for parameter in view.paginator.get_schema_operation_parameters(view))
    return sorted(name for name in names if name)


def unknown_query_parameters_refuse(request, view) -> None:
    """Raise a 400 (``serializers.ValidationError``) naming each query parameter of
    ``request`` that ``view`` does not accept, with the accepted ones listed."""
    accepted = accepted_query_parameters(view)
    unknown = [typed_for_message(name) for name in request.query_params if name not in accepted]
    if unknown:
        listed = ", ".join(accepted)
        raise serializers.ValidationError({
            name: [f"Unknown query parameter '{name}'. This list accepts: {listed}."] for name in unknown
        })
