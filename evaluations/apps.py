from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluations"
    verbose_name = "Evaluations, rollups and coordination"

    def ready(self) -> None:
        from programs.signals import program_data_changed

        from .receivers import on_program_data_changed

        program_data_changed.connect(on_program_data_changed, dispatch_uid="evaluations_rollups")
