from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Programs and reference data"

    def ready(self) -> None:
        from .services.roles import roles_ensure_after_migrate

        post_migrate.connect(roles_ensure_after_migrate, sender=self, dispatch_uid="programs-roles")
