"""Pages of the identity app: the sign-in page (providers and, for break-glass
administrators, the password form) and the administrators' dormant-accounts report."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from programs.permissions import is_administrator
from programs.views.paging import paginate

from .forms import PortalAuthenticationForm
from .providers import providers_configured
from .selectors import DORMANT_AFTER_DAYS, accounts_not_seen

DORMANT_PAGE_SIZE = 50


class PortalLoginView(LoginView):
    """Sign-in: one button per configured identity provider, then the password form."""

    authentication_form = PortalAuthenticationForm

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["identity_providers"] = providers_configured()
        return context


@login_required
def dormant_accounts(request: HttpRequest) -> HttpResponse:
    """Active accounts not seen for 90 days (administrators only), the longest unseen first."""
    if not is_administrator(request.user):
        raise PermissionDenied("Only administrators may see the dormant-accounts report.")
    page = paginate(request, accounts_not_seen(), per_page=DORMANT_PAGE_SIZE)
    return render(request, "identity/dormant_accounts.html", {"page": page, "days": DORMANT_AFTER_DAYS})
