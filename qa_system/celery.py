"""The Celery application, in the standard Django pattern.

Configuration comes from Django settings (the `CELERY_` names), including the one beat
schedule. Tasks live in each app's `tasks.py`, take database IDs only and call a service.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_system.settings")

app = Celery("qa_system")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
