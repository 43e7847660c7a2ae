from django.utils import timezone

from qa_system.models import Heartbeat

HEARTBEAT = "beat"


def heartbeat_record(*, name: str = HEARTBEAT) -> Heartbeat:
    """Record that the scheduled heartbeat ran now (idempotent: one row per name)."""
    heartbeat, _ = Heartbeat.objects.update_or_create(
        name=name, defaults={"last_run_at": timezone.now()}
    )
    return heartbeat
