from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ApiConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'api'

    def ready(self) -> None:
        from .program_representations import representations_install_after_migrate

        post_migrate.connect(
            representations_install_after_migrate, sender=self, dispatch_uid="api-program-representations"
        )
