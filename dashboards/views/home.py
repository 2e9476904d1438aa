"""The home page: the user's own work lists by role, and counts that mean something."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from infrastructure.models import DeferredTask

from ..selectors.worklists import headline_counts, work_lists


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboards/home.html", {
        "lists": work_lists(request.user),
        "tiles": headline_counts(request.user),
        "pending_deferred": DeferredTask.objects.count(),
    })
