"""Page-number pagination with a bounded, validated page size."""
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

MAX_PAGE_SIZE = 1000


class PortalPagination(PageNumberPagination):
    """``?page=2&page_size=200``; page sizes above 1000 or below 1 are refused (400) rather
    than silently clipped, so a sync client knows its pages are not what it asked for."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({"page_size": f"'{raw}' is not a whole number."}) from None
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ValidationError({"page_size": f"Page size must be between 1 and {MAX_PAGE_SIZE}."})
        return size

    def paginate_queryset(self, queryset, request, view=None):
        if request.query_params.get(self.page_query_param) == "":
            raise ValidationError({self.page_query_param: "Give a page number, or leave the parameter out."})
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "results"]
        return response

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == "page_size":
                parameter["schema"].update({"minimum": 1, "maximum": MAX_PAGE_SIZE})
            if parameter["name"] == "page":
                parameter["schema"].update({"minimum": 1})
        return parameters
