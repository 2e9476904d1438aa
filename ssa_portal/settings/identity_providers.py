"""OpenID Connect providers (one per agency) read from environment variables.

``OIDC_PROVIDERS=state,defense`` names them; each reads ``OIDC_<KEY>_*`` variables (the
README's configuration table lists them, docs/security.md gives the values per provider).
With ``OIDC_PROVIDERS`` unset the portal signs in with local accounts only, as before.
"""
from __future__ import annotations

import environ


def providers_from_env(env: environ.Env) -> dict[str, dict]:
    """Provider key -> its settings dictionary (the shape ``identity.providers.Provider`` reads)."""
    providers = {}
    for key in env.list("OIDC_PROVIDERS", default=[]):
        prefix = f"OIDC_{key.upper()}_"
        providers[key] = {
            "name": env.str(prefix + "NAME", default=key),
            "issuer": env.str(prefix + "ISSUER", default=""),
            "client_id": env.str(prefix + "CLIENT_ID", default=""),
            "client_auth": env.str(prefix + "CLIENT_AUTH", default="client_secret_basic"),
            "client_secret": env.str(prefix + "CLIENT_SECRET", default=""),
            "private_key_file": env.str(prefix + "PRIVATE_KEY_FILE", default=""),
            "private_key_id": env.str(prefix + "PRIVATE_KEY_ID", default=""),
            "scopes": env.str(prefix + "SCOPES", default="openid email profile"),
            "acr_values": env.str(prefix + "ACR_VALUES", default=""),
            "piv_acr_values": env.list(prefix + "PIV_ACR_VALUES", default=[]),
            "acr_claim": env.str(prefix + "ACR_CLAIM", default="acr"),
            "agency_claim": env.str(prefix + "AGENCY_CLAIM", default=""),
            "agency_domains": env.dict(prefix + "AGENCY_DOMAINS", default={}),
            "groups_claim": env.str(prefix + "GROUPS_CLAIM", default="groups"),
            "sign_algo": env.str(prefix + "SIGN_ALGO", default="RS256"),
        }
    return providers
