"""What the staff survey pages share: refusals, and a service's refusal shown on a form."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from organisation.models import Organisation
from organisation.selectors import organisation_for_user, user_scope
from qa_system.errors import ApplicationError
from surveys.selectors import survey_user_can_manage

# The services name fields in their own words (`extra["field"]`); the forms' names.
SERVICE_FIELDS = {
    "title": "title_en",
    "introduction": "intro_en",
    "question text": "text_en",
    "hint": "hint_en",
    "kind": "kind",
    "audience": "audience",
    "key": "key",
    "safety_place": "safety_place",
    "indicator": "indicator",
    "column": "column",
    "contact": "contact",
    "channel": "channel",
    "closes_on": "closes_on",
    "opens_on": "opens_on",
    "template": "template",
    "teams": "teams",
    "events": "events",
}


def require_manager(request: HttpRequest) -> Organisation:
    """The organisation of a person who may manage surveys (403 for anyone else)."""
    organisation = organisation_for_user(user=request.user)
    if organisation is None or not survey_user_can_manage(user=request.user):
        raise PermissionDenied
    return organisation


def form_error(form: forms.Form, error: ApplicationError) -> None:
    """Put a service's refusal on the field it names, or on the whole form."""
    field = SERVICE_FIELDS.get(str(error.extra.get("field", "")))
    form.add_error(field if field in form.fields else None, error.message)


def survey_nav(request: HttpRequest) -> dict[str, bool]:
    """Which parts of the surveys pages' own navigation this person may open."""
    return {"templates": user_scope(user=request.user).sees_whole_organisation}
