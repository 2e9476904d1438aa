"""What every API viewset shares: permissions, throttles, paging, JSON + CSV, stable order."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404
from rest_framework import viewsets
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse

from ..filter_backend import PortalFilterBackend
from ..ordering import StableOrderingFilter, stable_order  # noqa: F401 (re-exported)
from ..pagination import PortalPagination
from ..permissions import ReadOrGrantedWrite
from ..query_parameters import unknown_query_parameters_refuse
from ..renderers import CSVRenderer
from ..throttling import ReadThrottle, WriteThrottle

ID_MAX = 2**63 - 1


def parse_pk(raw) -> int:
    """A path id as an integer, or 404 (never a database error for '1e9' or 2**80)."""
    text = str(raw)
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= ID_MAX:
        raise Http404
    return int(text)


class PortalViewSet(viewsets.GenericViewSet):
    permission_classes = [ReadOrGrantedWrite]
    throttle_classes = [ReadThrottle, WriteThrottle]
    pagination_class = PortalPagination
    renderer_classes = [JSONRenderer, CSVRenderer]
    filter_backends = [PortalFilterBackend, StableOrderingFilter]
    ordering_fields: list[str] = ["id", "updated_at"]
    # Who may call each write action, checked before the body is read, so that a caller
    # without the right gets the 403 whatever they send (not field errors first). Each
    # check is the portal's own rule (programs.permissions), raising PermissionDenied; the
    # services apply it again, with what only the body says (the program named, its agency).
    # role_checks: action -> check(user); record_checks: action -> check(user, record).
    role_checks: dict[str, Callable[[Any], None]] = {}
    record_checks: dict[str, Callable[[Any, Any], None]] = {}
    # Query parameters a list reads itself, beside its filters, ordering, paging and
    # format: any other is a 400 (api.query_parameters).
    query_parameters: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        if self.action == "list":
            unknown_query_parameters_refuse(request, self)
        check = self.role_checks.get(self.action) if request.method not in SAFE_METHODS else None
        if check is not None:
            check(request.user)

    def get_object(self):
        """Detail lookups ignore list filters (an archived record is still readable by id);
        a write action's ``record_checks`` run on the record found."""
        pk = parse_pk(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field))
        queryset = self.get_queryset()
        try:
            obj = queryset.get(pk=pk)
        except queryset.model.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, obj)
        check = self.record_checks.get(self.action) if self.request.method not in SAFE_METHODS else None
        if check is not None:
            check(self.request.user, obj)
        return obj


class ReadOnlyPortalViewSet(viewsets.mixins.ListModelMixin, viewsets.mixins.RetrieveModelMixin, PortalViewSet):
    pass


def api_root(router):
    """``/api/v1/``: the list endpoints of ``router`` (a router's registry: every resource
    of the schema), the schema and the docs page, as absolute links. For every
    authenticated client, like the lists; not itself part of the schema."""

    @api_view(["GET", "HEAD"])
    @permission_classes([ReadOrGrantedWrite])
    @renderer_classes([JSONRenderer])
    def root(request, *args, **kwargs):
        links = {prefix: reverse(f"{basename}-list", request=request) for prefix, _, basename in router.registry}
        return Response({
            "schema": reverse("api-schema", request=request),
            "docs": reverse("api-docs", request=request),
            "endpoints": links,
        })

    root.cls.schema = None
    return root


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def api_not_found(request, *args, **kwargs):
    """No such resource: the API's 404 in its error format."""
    raise NotFound(f"No API resource at {request.path}.")


api_not_found.cls.schema = None  # not part of the documented API
