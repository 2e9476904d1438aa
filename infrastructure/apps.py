from django.apps import AppConfig


class InfrastructureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "infrastructure"
    verbose_name = "Infrastructure (deferred work, history rationale)"

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from .history import copy_rationale_to_history
        from .text import portal_app_configs, text_validators_attach

        pre_create_historical_record.connect(copy_rationale_to_history, dispatch_uid="infrastructure_rationale")
        text_validators_attach(model for config in portal_app_configs() for model in config.get_models())
