"""Thin Celery tasks of the notifications app."""
from celery import shared_task


@shared_task(name="notifications.tasks.notifications_email", acks_late=True)
def notifications_email(notification_ids: list[int]) -> int:
    """E-mail notifications their recipients want at once."""
    from .services import notifications_email as send

    return send(notification_ids=notification_ids)


@shared_task(name="notifications.tasks.digest_send", acks_late=True)
def digest_send() -> int:
    """Daily (beat): reporting reminders, then each user's digest e-mail."""
    from .services import digest_send as send

    return send()
