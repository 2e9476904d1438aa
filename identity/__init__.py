"""Who you are here: sign-in through the agency's identity provider (OpenID Connect),
just-in-time accounts, role mapping, leaving, and the local break-glass sign-in policy."""
