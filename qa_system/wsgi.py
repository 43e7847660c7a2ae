"""WSGI entry point (gunicorn qa_system.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_system.settings")

application = get_wsgi_application()
