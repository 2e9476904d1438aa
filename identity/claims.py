"""Reading who someone is from a provider's claims: agency, roles, PIV/CAC level.

Pure functions of the claims and the configuration (plus the mapping rows they are
given), so the rules are read in one place and tested without a provider.
"""
from __future__ import annotations

from collections.abc import Iterable

from .providers import Provider
from .refusals import SignInRefused


def email_of(provider: Provider, claims: dict) -> str:
    """The verified e-mail address in the claims, lower-cased ('' when there is none).

    Raises SignInRefused when the provider says the address is not verified."""
    email = str(claims.get("email") or "").strip().lower()
    if email and claims.get("email_verified") is False:
        raise SignInRefused("email_unverified", f"{provider.name} has not verified your e-mail address "
                                                f"{email}: verify it there, then sign in again.")
    return email


def agency_code_of(provider: Provider, claims: dict) -> str:
    """The agency code the claims name: the configured agency claim, else the e-mail
    domain's configured agency. Raises SignInRefused when neither names one (never a default)."""
    if provider.agency_claim and claims.get(provider.agency_claim):
        return str(claims[provider.agency_claim]).strip().upper()
    email = email_of(provider, claims)
    domain = email.rpartition("@")[2]
    if domain and domain in provider.agency_domains:
        return str(provider.agency_domains[domain]).strip().upper()
    said = f"agency {claims.get(provider.agency_claim)!r}" if provider.agency_claim and claims.get(provider.agency_claim) \
        else f"e-mail domain {domain!r}" if domain else "no agency and no e-mail address"
    raise SignInRefused("unknown_agency", f"SSA Portal does not know your agency ({provider.name} says: {said}). "
                                          "Ask the portal's administrators to add your agency; until then you "
                                          "cannot sign in.")


def groups_of(provider: Provider, claims: dict) -> list[str]:
    """The group names in the provider's group claim (a list, or one string)."""
    value = claims.get(provider.groups_claim) or []
    if isinstance(value, str):
        value = [value]
    return [str(group) for group in value]


ANY_GROUP = "*"


def roles_for_groups(groups: Iterable[str], mappings: Iterable[tuple[str, str]]) -> set[str]:
    """Portal roles granted by ``groups`` under ``mappings`` ((group, role) pairs); a
    mapping of group ``*`` grants its role to everyone the provider signs in (for
    providers with no group claim, such as Login.gov)."""
    names = set(groups)
    return {role for group, role in mappings if group in names or group == ANY_GROUP}


def amr_of(claims: dict) -> list[str]:
    """The authentication methods (``amr``) as a list of strings."""
    value = claims.get("amr") or []
    return [str(method) for method in ([value] if isinstance(value, str) else value)]


def acr_of(provider: Provider, claims: dict) -> list[str]:
    """The authentication context(s) in the provider's acr claim (``acr``; Entra ID's
    ``acrs`` is a list)."""
    value = claims.get(provider.acr_claim) or []
    return [str(context) for context in ([value] if isinstance(value, str) else value)]


def is_piv_level(provider: Provider, claims: dict) -> bool:
    """Whether the sign-in's authentication context is one of the provider's PIV/CAC-level values."""
    return any(context in provider.piv_acr_values for context in acr_of(provider, claims))
