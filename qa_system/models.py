from django.db import models


class Heartbeat(models.Model):
    """The last time the scheduled heartbeat task ran: one row per beat-driven job name.

    Beat enqueues the task and a worker runs it, so a recent time proves both are alive.
    """

    name = models.CharField(max_length=64, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.last_run_at:%Y-%m-%d %H:%M:%S}"
