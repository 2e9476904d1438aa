from django.apps import AppConfig


class InfrastructureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "infrastructure"
    verbose_name = "Infrastructure (deferred work, history rationale)"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from .history import copy_rationale_to_history

        pre_create_historical_record.connect(copy_rationale_to_history, dispatch_uid="infrastructure_rationale")
