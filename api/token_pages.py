"""The portal's API token page: issue (shown once), list and revoke one's own tokens;
administrators see and revoke everyone's. Thin: the rules live in api.tokens, the reads
in api.selectors."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from programs.views.paging import paginate

from .selectors import token_grants_visible, token_holders
from .token_forms import WRITE, TokenIssueForm
from .tokens import api_token_issue, api_token_revoke, may_hold_api_token, may_manage_all_tokens

TOKENS_PAGE_SIZE = 25


def _holder_filter(request: HttpRequest) -> int | None:
    value = request.GET.get("user", "")
    return int(value) if value.isascii() and value.isdigit() else None


def _list_context(request: HttpRequest, form: TokenIssueForm) -> dict:
    holder_id = _holder_filter(request) if may_manage_all_tokens(request.user) else None
    grants = token_grants_visible(viewer=request.user, holder_id=holder_id)
    page = paginate(request, grants, per_page=TOKENS_PAGE_SIZE)
    return {
        "form": form, "page": page, "manage_all": may_manage_all_tokens(request.user),
        "holders": token_holders(viewer=request.user), "holder_id": holder_id,
        "now": timezone.now(),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """List the viewer's tokens (administrators: everyone's, filterable by user) and issue
    a new one. The clear-text token is in this one response only (never cached, not kept in
    the session): reloading the page does not show it again."""
    if not may_hold_api_token(request.user):
        raise PermissionDenied("Only active users may hold API tokens.")
    form = TokenIssueForm(request.POST or None, user=request.user)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            grant, clear_text = api_token_issue(
                user=request.user, label=form.cleaned_data["label"], days=form.cleaned_data["days"],
                can_write=form.cleaned_data["scope"] == WRITE, issued_by=request.user, request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            issued = {"grant": grant, "token": clear_text}
            form = TokenIssueForm(user=request.user)
    status = 400 if request.method == "POST" and issued is None else 200
    return render(request, "api/tokens.html", {**_list_context(request, form), "issued": issued}, status=status)


@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET), then revoke (POST). A token the viewer may not see answers 404."""
    grant = get_object_or_404(token_grants_visible(viewer=request.user), pk=pk)
    if request.method == "POST":
        api_token_revoke(grant=grant, actor=request.user, request=request)
        messages.success(request, f"Token \"{grant.label}\" of {grant.user.get_username()} revoked: it no longer works.")
        return redirect("api-tokens:list")
    return render(request, "api/token_revoke.html", {"grant": grant})
