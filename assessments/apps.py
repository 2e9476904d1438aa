from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = "Assessments and selectivity"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal receivers)
