"""Writes of the identity app: signing someone in from a provider's claims (just-in-time
account), disabling an account the provider no longer vouches for, checking accounts
with their providers; and the administrators' changes of the sign-in policy, the role
mappings and accounts (the Django admin saves through these)."""
from __future__ import annotations

import logging
from collections.abc import Collection

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from api.tokens import api_tokens_revoke_all
from programs.models import Agency, User
from programs.permissions import ADMINISTRATOR, MANAGER, ROLES
from infrastructure.admin_protection import admin_change_reason
from infrastructure.saving import validated_save
from ssa_portal.security.audit import security_event

from . import claims as claim_rules
from .models import GroupRoleMapping, ProviderAccount, ProviderSignIn, SignInPolicy
from .providers import Provider
from .refusals import SignInRefused
from .selectors import role_mappings_for, sign_in_policy_get
from .token_sealing import seal

ELEVATED_ROLES = {MANAGER, ADMINISTRATOR}


def _agency_for(provider: Provider, claims: dict) -> Agency:
    code = claim_rules.agency_code_of(provider, claims)
    agency = Agency.objects.filter(code__iexact=code).first()
    if agency is None:
        raise SignInRefused("unknown_agency", f"SSA Portal does not know your agency {code!r} "
                                              f"(as {provider.name} names it). Ask the portal's administrators "
                                              "to add it; until then you cannot sign in.")
    return agency


def _roles_for(provider: Provider, claims: dict) -> set[str]:
    groups = claim_rules.groups_of(provider, claims)
    roles = claim_rules.roles_for_groups(groups, role_mappings_for(provider.key))
    if not roles:
        raise SignInRefused("no_role", f"None of your groups at {provider.name} ({', '.join(groups) or 'none'}) "
                                       "gives a role in SSA Portal. Ask the portal's administrators to map your "
                                       "group to a role.")
    return roles


def _new_user(provider: Provider, claims: dict, agency: Agency) -> User:
    username = claim_rules.email_of(provider, claims) or f"{provider.key}-{claims['sub']}"[:150]
    if User.objects.filter(username__iexact=username).exists():
        raise SignInRefused("username_taken", f"A portal account named {username} already exists and is not linked "
                                              f"to your {provider.name} account. Ask the portal's administrators "
                                              "to link or rename it.")
    user = User(username=username, agency=agency)
    user.set_unusable_password()  # signs in through the provider only
    return user


def provider_sign_in(*, provider: Provider, claims: dict, refresh_token: str = "") -> User:
    """Sign-in of the person the provider vouches for (see ``_provider_sign_in``); claims
    the account cannot hold (a malformed e-mail address, a subject unfit for a user name)
    are refused with the field named, never a server error."""
    try:
        return _provider_sign_in(provider=provider, claims=claims, refresh_token=refresh_token)
    except ValidationError as exc:
        fields = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in exc.message_dict.items()) \
            if hasattr(exc, "error_dict") else " ".join(exc.messages)
        raise SignInRefused("invalid_claims", f"The account {provider.name} describes cannot be used here "
                                              f"({fields}). Ask the portal's administrators.", status=400) from exc


@transaction.atomic
def _provider_sign_in(*, provider: Provider, claims: dict, refresh_token: str = "") -> User:
    """Sign-in of the person the provider vouches for: find their account by (provider,
    subject) or create it (just in time), bring agency, roles, name and e-mail up to date,
    and record the sign-in with its ``acr`` / ``amr``.

    ``claims``: the verified ID token's claims merged with the userinfo claims. Raises
    SignInRefused (nothing written) for a disabled account, an unknown agency, no mapped
    role, or an elevated role without the PIV/CAC level the policy requires."""
    subject = str(claims["sub"])
    account = ProviderAccount.objects.select_for_update().select_related("user").filter(
        provider=provider.key, subject=subject).first()
    if account is not None and (account.disabled_at or not account.user.is_active):
        raise SignInRefused("account_disabled", "Your SSA Portal account is disabled. If you still need access, "
                                                "ask the portal's administrators.")
    agency = _agency_for(provider, claims)
    roles = _roles_for(provider, claims)
    piv = claim_rules.is_piv_level(provider, claims)
    if roles & ELEVATED_ROLES and sign_in_policy_get().elevated_roles_require_piv and not piv:
        raise SignInRefused("piv_required", f"Your role ({', '.join(sorted(roles & ELEVATED_ROLES))}) needs a "
                                            f"PIV/CAC sign-in: sign in to {provider.name} with your card and try "
                                            "again.")
    user = account.user if account is not None else _new_user(provider, claims, agency)
    user.agency = agency
    user.email = claim_rules.email_of(provider, claims) or user.email
    user.first_name = str(claims.get("given_name") or user.first_name)[:150]
    user.last_name = str(claims.get("family_name") or user.last_name)[:150]
    user.is_staff = ADMINISTRATOR in roles  # the Django admin is the administrators' tool
    validated_save(user, exclude=["password"], actor=f"sign-in through {provider.key}")
    portal_roles = Group.objects.filter(name__in=ROLES)
    user.groups.remove(*portal_roles.exclude(name__in=roles))
    user.groups.add(*portal_roles.filter(name__in=roles))
    now = timezone.now()
    if account is None:
        account = ProviderAccount(user=user, provider=provider.key, subject=subject)
    account.last_seen_at = now
    if refresh_token:
        account.refresh_token = seal(refresh_token)
    validated_save(account)  # a concurrent first sign-in of the same subject: a field error, not a 500
    ProviderSignIn.objects.create(user=user, provider=provider.key, acr=" ".join(claim_rules.acr_of(provider, claims))[:300],
                                  amr=claim_rules.amr_of(claims), piv_level=piv)
    return user


@transaction.atomic
def provider_account_disable(*, account: ProviderAccount, reason: str) -> None:
    """The provider no longer vouches for this account: deactivate the user (their
    sessions end at the next request) and revoke their API tokens at once."""
    account.disabled_at = timezone.now()
    account.disabled_reason = reason[:300]
    account.refresh_token = ""
    account.save(update_fields=["disabled_at", "disabled_reason", "refresh_token"])
    user = account.user
    if user.is_active:
        user.is_active = False
        validated_save(user, exclude=["password"], actor=f"account check at {account.provider}")
    revoked = api_tokens_revoke_all(user=user)
    security_event("account_disabled", request=None, user=user.get_username(), provider=account.provider,
                   reason=reason, tokens_revoked=revoked, level=logging.WARNING)


# --- administrators' changes in the Django admin (infrastructure.admin_protection) ----


def _changes(record, changed: Collection[str]) -> dict[str, str]:
    return {name: str(getattr(record, name, "")) for name in changed if name not in ("password", "password1", "password2")}


@transaction.atomic
def sign_in_policy_save(*, user: User, record: SignInPolicy, changed: Collection[str]) -> SignInPolicy:
    """The administrators' sign-in switches: saved with history, and every save goes to
    the security log (event ``sign_in_policy_changed`` with both switches as saved)."""
    validated_save(record, user=user, rationale=admin_change_reason(record, changed))
    security_event("sign_in_policy_changed", request=None, user=user.get_username(), level=logging.WARNING,
                   changed=",".join(changed) or "-", local_password_sign_in=record.local_password_sign_in,
                   elevated_roles_require_piv=record.elevated_roles_require_piv)
    return record


@transaction.atomic
def group_role_mapping_save(*, user: User, record: GroupRoleMapping, changed: Collection[str]) -> GroupRoleMapping:
    """A provider group -> role mapping (applied at each sign-in): saved with history and
    logged (``role_mapping_changed``)."""
    adding = record._state.adding
    validated_save(record, user=user, rationale=admin_change_reason(record, changed))
    security_event("role_mapping_changed", request=None, user=user.get_username(), level=logging.WARNING,
                   mapping=str(record), action="added" if adding else "changed")
    return record


@transaction.atomic
def group_role_mapping_delete(*, user: User, record: GroupRoleMapping) -> None:
    """Remove a mapping (its group no longer grants the role at the next sign-in): the
    deletion is in its history with the administrator, and logged."""
    record._history_user = user
    record._change_reason = "removed in the admin"
    security_event("role_mapping_changed", request=None, user=user.get_username(), level=logging.WARNING,
                   mapping=str(record), action="removed")
    record.delete()


@transaction.atomic
def user_account_save(*, user: User, record: User, changed: Collection[str]) -> User:
    """An account added or changed by an administrator: saved with history (password
    excluded from it). Deactivating it revokes its API tokens at once (its sessions end
    at their next request); activation and staff or superuser changes are logged
    (``account_changed``). Roles (groups) are logged by :func:`user_roles_changed`."""
    stored = None if record._state.adding else User.objects.select_for_update().get(pk=record.pk)
    validated_save(record, user=user, exclude=["password"], rationale=admin_change_reason(record, changed))
    revoked = 0
    if stored is not None and stored.is_active and not record.is_active:
        revoked = api_tokens_revoke_all(user=record)
    flags = [name for name in ("is_active", "is_staff", "is_superuser") if name in changed]
    if stored is None or flags:
        security_event("account_changed", request=None, user=user.get_username(), level=logging.WARNING,
                       account=record.get_username(), action="added" if stored is None else "changed",
                       tokens_revoked=revoked, **_changes(record, flags))
    return record


def user_roles_changed(*, user: User, record: User) -> None:
    """Log an account's roles after an administrator changed them (``account_roles_changed``)."""
    security_event("account_roles_changed", request=None, user=user.get_username(), level=logging.WARNING,
                   account=record.get_username(), roles=",".join(sorted(record.groups.values_list("name", flat=True))))
