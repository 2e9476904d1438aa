from django.apps import AppConfig


class InfrastructureConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "infrastructure"
    verbose_name = "Infrastructure (deferred work, history rationale)"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from simple_history.signals import pre_create_historical_record

        from .history import copy_rationale_to_history
        from .sorting import sqlite_collation_register
        from .text import portal_app_configs, text_validators_attach

        pre_create_historical_record.connect(copy_rationale_to_history, dispatch_uid="infrastructure_rationale")
        connection_created.connect(sqlite_collation_register, dispatch_uid="infrastructure_name_collation")
        text_validators_attach(model for config in portal_app_configs() for model in config.get_models())
