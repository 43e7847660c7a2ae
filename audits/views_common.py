"""What the audits pages share: fetching an audit the person may see (404 otherwise)
with the access log written, refusing members who may not act (403), and showing a
service's refusal as the page's error summary."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from audits.models import Audit
from audits.rules import (
    is_audit_auditor,
    is_audit_manager,
    is_audit_practitioner,
)
from audits.selectors import audit_get_for_user
from organisation.models import AccessLogEntry, Role
from organisation.selectors import user_scope
from organisation.services import access_log_record
from qa_system.errors import ApplicationError


def viewed_audit(request: HttpRequest, pk: int, route: str, *, action: str = "") -> Audit:
    """The audit (404 outside the person's visibility), with the view written to the
    access log: every page that shows an audit goes through here."""
    audit = audit_get_for_user(user=request.user, pk=pk)
    access_log_record(
        user=request.user,  # type: ignore[arg-type]
        obj=audit,
        route=route,
        action=action or AccessLogEntry.Action.VIEW,
    )
    return audit


def posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one, so that it is validated), else None."""
    return request.POST if request.method == "POST" else None


def require(allowed: bool) -> None:
    """403 for a member who can see the record but may not do this."""
    if not allowed:
        raise PermissionDenied


def require_qa_lead(request: HttpRequest) -> int:
    """The organisation of a QA lead; 403 for anyone else signed in."""
    scope = user_scope(user=request.user)
    if scope.organisation_id is None or not scope.has_role(Role.QA_LEAD):
        raise PermissionDenied
    return scope.organisation_id


def may_see_child_id(user: Any, audit: Audit) -> bool:
    """The authority's own child ID is shown to the people who work the case: the
    practitioner, the auditor and the team's managers. QA leads and moderators judge the
    practice and see the case reference (the keyed pseudonym) only, as on the core data
    pages, where they see aggregates and not lists of children."""
    return bool(
        is_audit_practitioner(user, audit)
        or is_audit_auditor(user, audit)
        or is_audit_manager(user, audit)
    )


class Refusal:
    """A service's refusal, in the shape `_partials/error_summary.html` reads (`form`)."""

    def __init__(self, error: ApplicationError, anchor: str = "") -> None:
        self.message = error.message
        self.anchor = anchor
        self.errors = True

    def non_field_errors(self) -> list[str]:
        return [self.message]

    @property
    def prefix(self) -> str:
        return self.anchor

    def __iter__(self) -> Any:
        return iter(())


def form_error(form: Any, error: ApplicationError) -> None:
    """Put a service's refusal on the form: on the field it names, else the whole form."""
    field = error.extra.get("field")
    if field and field in form.fields:
        form.add_error(field, error.message)
    else:
        form.add_error(None, error.message)
