from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Notifications and reporting deadlines"

    def ready(self) -> None:
        from programs import signals

        from . import receivers

        signals.measurements_returned.connect(receivers.on_measurements_returned, dispatch_uid="notify-returned")
        signals.measurements_submitted.connect(receivers.on_measurements_submitted, dispatch_uid="notify-submitted")
        signals.proposal_decided.connect(receivers.on_proposal_decided, dispatch_uid="notify-proposal")
