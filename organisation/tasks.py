"""Celery tasks of the organisation app. Tasks take database IDs only."""

from celery import Task, shared_task

from organisation.services import notification_email_deliver


@shared_task(acks_late=True, max_retries=5, default_retry_delay=60, bind=True)
def notify_by_email(self: Task, notification_id: int) -> bool:
    """Email one notification (idempotent: a notification is emailed at most once).
    A failed send is retried; the in-app notification is already there."""
    try:
        return notification_email_deliver(notification_id=notification_id)
    except OSError as error:  # SMTP unreachable: try again later
        raise self.retry(exc=error) from error
