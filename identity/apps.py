from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """Sign-in through agencies' OpenID Connect providers (docs/security.md, section 3a)."""

    name = "identity"
    default_auto_field = "django.db.models.BigAutoField"
