"""The inbox (read, mark read) and the notification preferences page."""
from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from programs.views.paging import paginate, selected_ids

from .forms import PreferencesForm
from .selectors import inbox, preferences_of
from .services import notifications_mark_read, preferences_set


def inbox_page(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = paginate(request, inbox(user=request.user, unread_only=unread_only))
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


@require_POST
def mark_read_page(request: HttpRequest) -> HttpResponse:
    """Mark the chosen notifications (or, with ``all``, every one) read."""
    ids = None if "all" in request.POST else selected_ids(request)
    count = notifications_mark_read(user=request.user, ids=ids)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
    return redirect("notifications:inbox")


def preferences_page(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, initial=preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, "Notification preferences saved.")
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form},
                  status=400 if request.method == "POST" else 200)
