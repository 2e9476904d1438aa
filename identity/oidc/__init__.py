"""mozilla-django-oidc, extended for several providers (one per agency), ``private_key_jwt``
client authentication, issuer/audience/expiry checks and refusal pages; see
docs/decisions.md ("Signing in through identity providers")."""
