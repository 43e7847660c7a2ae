"""What a respondent's pages keep in the session, and the headers they send.

The session holds `{"survey": {"invitation": pk, "token_hash": ..., "language": ...,
"answers": {code: value}}}`: never the token itself, so the URLs after the first and
the session store carry no usable link. Every page re-checks the invitation
(`respondent_context`), so a link used or expired meanwhile shows the friendly page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse

from surveys.errors import SurveyLinkUnavailable
from surveys.models import SurveyInvitation, SurveyQuestion, SurveyTemplate
from surveys.questions import Answer
from surveys.selectors import survey_question_list, template_languages
from surveys.services_responses import (
    OpenedLink,
    Submission,
    survey_invitation_for_respondent,
    survey_response_record,
    survey_response_submit,
)

SESSION_KEY = "survey"
CONTEXT_ATTRIBUTE = "_survey_respondent_context"


@dataclass(frozen=True)
class RespondentContext:
    invitation: SurveyInvitation
    template: SurveyTemplate
    questions: list[SurveyQuestion]
    language: str
    languages: list[str]
    answers: dict[str, Answer]

    @property
    def is_child(self) -> bool:
        return self.template.is_child

    @property
    def safety_notice(self) -> str:
        """What a child is told before answering (empty when the survey has no
        'feel safe' question)."""
        if not any(question.safety_place for question in self.questions):
            return ""
        notice = self.template.safety_notice
        return str(notice.get(self.language) or notice.get("en", ""))

    @property
    def title(self) -> str:
        return str(self.template.title.get(self.language) or self.template.title.get("en", ""))

    @property
    def intro(self) -> str:
        return str(self.template.intro.get(self.language) or self.template.intro.get("en", ""))

    def question(self, number: int) -> SurveyQuestion:
        """The question on page `number` (1-based); IndexError outside the survey."""
        if not 1 <= number <= len(self.questions):
            raise IndexError(number)
        return self.questions[number - 1]


def respondent_session_start(*, session: SessionBase, opened: OpenedLink) -> None:
    """Put an opened link in the session (a fresh start: answers of another survey in
    the same browser are dropped; reopening the same link keeps the answers)."""
    current = session.get(SESSION_KEY) or {}
    if current.get("invitation") == opened.invitation.pk:
        current["token_hash"] = opened.token_hash
    else:
        current = {
            "invitation": opened.invitation.pk,
            "token_hash": opened.token_hash,
            "language": opened.invitation.language or "en",
            "answers": {},
        }
    session[SESSION_KEY] = current
    session.cycle_key()


def _state(session: SessionBase) -> dict[str, Any]:
    state = session.get(SESSION_KEY)
    if not state:
        raise SurveyLinkUnavailable
    return dict(state)


def respondent_context(*, session: SessionBase) -> RespondentContext:
    """The survey the session holds, checked again (SurveyLinkUnavailable when it is
    gone, used, expired or closed)."""
    state = _state(session)
    invitation = survey_invitation_for_respondent(
        invitation_id=state["invitation"], token_hash=state["token_hash"]
    )
    template = invitation.campaign.template
    questions = survey_question_list(template=template)
    languages = template_languages(template=template, questions=questions)
    language = state.get("language") if state.get("language") in languages else "en"
    context = RespondentContext(
        invitation=invitation,
        template=template,
        questions=questions,
        language=str(language),
        languages=languages,
        answers=dict(state.get("answers") or {}),
    )
    # Kept on this request's session object, so that submitting in the same request
    # does not look the survey up again.
    setattr(session, CONTEXT_ATTRIBUTE, context)
    return context


def respondent_answer_store(*, session: SessionBase, code: str, value: Answer | None) -> None:
    """Keep an answer while the respondent moves between pages (None removes it)."""
    state = _state(session)
    answers = dict(state.get("answers") or {})
    if value is None:
        answers.pop(code, None)
    else:
        answers[code] = value
    state["answers"] = answers
    session[SESSION_KEY] = state


def respondent_language_set(*, session: SessionBase, language: str) -> None:
    state = _state(session)
    state["language"] = language
    session[SESSION_KEY] = state


def respondent_session_end(*, session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def survey_response_submit_from_session(
    *,
    session: SessionBase,
    share_comments: bool = True,
    context: RespondentContext | None = None,
) -> Submission:
    """Submit the answers the session holds, then forget them (SurveyLinkUnavailable
    when the session holds no survey or it was used already; ApplicationError with
    extra["question"] for a required question left unanswered). The survey found by
    `respondent_context` earlier in the same request (or passed as `context`) is not
    looked up again; the database claim decides either way."""
    state = _state(session)
    answers = dict(state.get("answers") or {})
    language = str(state.get("language") or "en")
    context = context or getattr(session, CONTEXT_ATTRIBUTE, None)
    try:
        if context is not None and context.invitation.pk == state["invitation"]:
            submission = survey_response_record(
                invitation=context.invitation,
                questions=context.questions,
                answers=answers,
                language=language,
                share_comments=share_comments,
            )
        else:
            submission = survey_response_submit(
                invitation_id=state["invitation"],
                token_hash=state["token_hash"],
                answers=answers,
                language=language,
                share_comments=share_comments,
            )
    except SurveyLinkUnavailable:
        respondent_session_end(session=session)
        raise
    respondent_session_end(session=session)
    return submission


def respondent_headers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No referrer, no caching, no indexing: for every respondent page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store, max-age=0"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped
