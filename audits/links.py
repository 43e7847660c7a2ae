"""Paths the backend links to (notifications, home lists). The pages are built by the
audits UI; until a name exists the fallback path is used, so links never break a job."""

from typing import Any

from django.urls import NoReverseMatch, reverse


def _path(name: str, fallback: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def audit_path(audit_id: int) -> str:
    return _path("audits:detail", f"/audits/{audit_id}/", audit_id)


def moderate_path(audit_id: int) -> str:
    return _path("audits:moderate", f"/audits/{audit_id}/moderate/", audit_id)


def escalation_path(escalation_id: int) -> str:
    return _path("audits:escalation", f"/audits/escalations/{escalation_id}/", escalation_id)


def programme_list_path() -> str:
    return _path("audits:programme_list", "/audits/programme/")


def moderation_queue_path() -> str:
    return _path("audits:moderation_queue", "/audits/moderation/")


def action_list_path() -> str:
    return _path("audits:action_list", "/audits/actions/")
