"""A throwaway SQLite database (and media folder) for a benchmark's run."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connections


@contextmanager
def throwaway_database(folder: Path) -> Iterator[None]:
    """Point the default database and MEDIA_ROOT into `folder`, migrate, and put both
    back afterwards (the developer's own database is never touched)."""
    database = settings.DATABASES["default"]
    original, original_media = database["NAME"], settings.MEDIA_ROOT
    database["NAME"] = str(folder / "bench.sqlite3")
    settings.MEDIA_ROOT = folder / "media"
    connections.close_all()
    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        connections.close_all()
        database["NAME"] = original
        settings.MEDIA_ROOT = original_media
