"""What every API viewset shares: permissions, throttles, paging, JSON + CSV, stable order."""
from __future__ import annotations

from django.http import Http404
from rest_framework import viewsets
from rest_framework.decorators import api_view, permission_classes, renderer_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer

from ..filter_backend import PortalFilterBackend
from ..ordering import StableOrderingFilter, stable_order  # noqa: F401 (re-exported)
from ..pagination import PortalPagination
from ..permissions import ReadOrGrantedWrite
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

    def get_object(self):
        """Detail lookups ignore list filters (an archived record is still readable by id)."""
        pk = parse_pk(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field))
        queryset = self.get_queryset()
        try:
            obj = queryset.get(pk=pk)
        except queryset.model.DoesNotExist:
            raise Http404 from None
        self.check_object_permissions(self.request, obj)
        return obj


class ReadOnlyPortalViewSet(viewsets.mixins.ListModelMixin, viewsets.mixins.RetrieveModelMixin, PortalViewSet):
    pass


@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@renderer_classes([JSONRenderer])
def api_not_found(request, *args, **kwargs):
    """No such resource: the API's 404 in its error format."""
    raise NotFound(f"No API resource at {request.path}.")


api_not_found.cls.schema = None  # not part of the documented API
