from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"
    verbose_name = "Programs and reference data"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from .history import copy_rationale_to_history

        pre_create_historical_record.connect(copy_rationale_to_history, dispatch_uid="programs_rationale")
