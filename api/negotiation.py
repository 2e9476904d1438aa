"""Content negotiation: DRF's, except that ``?format=`` with no value is refused (404, as
DRF answers an unknown format) instead of being taken as "no format given"."""
from __future__ import annotations

from django.http import Http404
from rest_framework.negotiation import DefaultContentNegotiation


class PortalContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if not format_suffix and request.query_params.get(self.settings.URL_FORMAT_OVERRIDE) == "":
            raise Http404("Empty format: use format=json or format=csv.")
        return super().select_renderer(request, renderers, format_suffix)
