from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """Sign-in through agencies' OpenID Connect providers (docs/security.md, section 3a)."""

    name = "identity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the providers' system check)
