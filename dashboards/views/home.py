"""Cross-app pages: the home page and (later) the managers' dashboards."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..selectors import overview


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/home.html", overview.home_overview())
