"""Asking the providers whether the accounts they vouched for still exist.

For each active account with a kept refresh token, a refresh-token grant: a provider that
no longer knows the account, or has disabled it, answers ``invalid_grant`` (Entra ID,
Okta and the test provider revoke a disabled user's refresh tokens), and the account is
disabled here with its API tokens. Providers that give no refresh token (Login.gov) are
not asked: their accounts are refused at their next sign-in and show up in the
dormant-accounts report.
"""
from __future__ import annotations

import logging

import requests
from django.utils import timezone

from infrastructure.locks import scope_lock_held

from .models import ProviderAccount
from .oidc.token_endpoint import TokenEndpointError, token_request
from .providers import Provider, provider_get
from .refusals import SignInRefused
from .services import provider_account_disable
from .token_sealing import seal, unseal

logger = logging.getLogger(__name__)
LOCK_SCOPE = "identity.provider_accounts_check"


def provider_accounts_check() -> dict[str, int]:
    """Check every active provider account that has a refresh token; returns counts
    ``{"checked", "disabled", "unreachable"}`` (all 0 when another check is running). A
    provider that cannot be reached leaves its accounts as they are, checked again next
    time; after its first failure its other accounts are not tried in this run."""
    counts = {"checked": 0, "disabled": 0, "unreachable": 0}
    with scope_lock_held(LOCK_SCOPE) as acquired:
        if not acquired:
            return counts
        accounts = (ProviderAccount.objects.filter(disabled_at__isnull=True, user__is_active=True)
                    .exclude(refresh_token="").select_related("user"))
        unreachable: set[str] = set()
        for account in accounts.iterator():
            provider = provider_get(account.provider)
            refresh_token = unseal(account.refresh_token)
            if provider is None or not refresh_token:
                continue
            counts["checked"] += 1
            if provider.key in unreachable:
                counts["unreachable"] += 1
                continue
            outcome = _account_check(account, provider, refresh_token)
            if outcome != "vouched":
                counts[outcome] += 1
            if outcome == "unreachable":
                unreachable.add(provider.key)
    return counts


def _account_check(account: ProviderAccount, provider: Provider, refresh_token: str) -> str:
    """One account: ``"vouched"`` (refresh token renewed), ``"disabled"`` or ``"unreachable"``."""
    try:
        answer = token_request(provider, {"grant_type": "refresh_token", "refresh_token": refresh_token})
    except TokenEndpointError as exc:
        if exc.error != "invalid_grant":
            logger.warning("account check at %s failed: %s", provider.key, exc)
            return "unreachable"
        provider_account_disable(account=account, reason=f"{provider.name} no longer vouches for the "
                                                         f"account ({exc.error})")
        return "disabled"
    except (requests.RequestException, SignInRefused) as exc:
        logger.warning("account check at %s failed: %s", provider.key, exc)
        return "unreachable"
    account.checked_at = timezone.now()
    account.refresh_token = seal(answer.get("refresh_token") or refresh_token)  # providers rotate them
    account.save(update_fields=["checked_at", "refresh_token"])
    return "vouched"
