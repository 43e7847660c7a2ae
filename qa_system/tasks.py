from celery import shared_task

from qa_system.services import heartbeat_record


@shared_task(name="qa_system.tasks.heartbeat", time_limit=30, soft_time_limit=20)
def heartbeat() -> None:
    heartbeat_record()
