"""The respondent's pages: no account, one question a page, in English or Welsh.

The link (`/s/<token>/`) is checked, moved into the session and left behind by a
redirect; it is not used up until the answers are sent. Every page checks the survey
again (`respondent_context`), sends no referrer, is never cached or indexed
(`respondent_headers`), accepts its forms' posts despite sending no referrer
(`respondent_form`), and renders on `surveys/respondent/base.html`: no staff
navigation and nothing from another site. Page furniture is translated with Django
i18n in the respondent's language; question texts come from the template.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qa_system.errors import ApplicationError
from surveys.errors import SurveyLinkUnavailable, SurveyRateLimited
from surveys.middleware import respondent_form
from surveys.models import Audience, QuestionKind, SurveyQuestion
from surveys.questions import answer_choices
from surveys.respondent import (
    RespondentContext,
    respondent_answer_store,
    respondent_context,
    respondent_headers,
    respondent_language_set,
    respondent_session_start,
    survey_response_submit_from_session,
)
from surveys.selectors import survey_settings_for
from surveys.services_responses import survey_answer_clean, survey_link_open

# What the thank-you page needs once the survey has left the session.
DONE_KEY = "survey_done"
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}
FACES = {
    QuestionKind.FACES3: {3: "happy", 2: "okay", 1: "sad"},
    QuestionKind.FACES5: {5: "very-happy", 4: "happy", 3: "okay", 2: "sad", 1: "very-sad"},
}
RADIO_KINDS = frozenset(FACES) | {QuestionKind.AGREE5, QuestionKind.YES_NO, QuestionKind.SCALE_0_10}


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    language: str = "en",
    status: int = 200,
) -> HttpResponse:
    with translation.override(language):
        return render(request, template, {"lang": language, **context}, status=status)


def _unavailable(request: HttpRequest) -> HttpResponse:
    """The one page for a link that is invalid, expired, used or closed, and for a page
    opened with no survey in the session: the same status and the same bytes for all
    (in English and Welsh, since nothing says which the reader prefers)."""
    return _render(request, "surveys/respondent/unavailable.html", {}, status=404)


def _rate_limited(request: HttpRequest) -> HttpResponse:
    return _render(request, "surveys/respondent/rate_limited.html", {}, status=429)


def _context_or_none(request: HttpRequest) -> RespondentContext | None:
    try:
        return respondent_context(session=request.session)
    except SurveyLinkUnavailable:
        return None


def _page(ctx: RespondentContext, request: HttpRequest, **extra: Any) -> dict[str, Any]:
    """What every page of a survey shows: its title, the organisation, the languages."""
    return {
        "ctx": ctx,
        "title": ctx.title,
        "organisation_name": ctx.template.organisation.name,
        "languages": [
            (code, LANGUAGE_NAMES.get(code, code)) for code in ctx.languages if code != ctx.language
        ],
        "here": request.path,
        "is_staff_survey": ctx.template.audience == Audience.STAFF,
        "is_young_child": ctx.template.audience == Audience.CHILD_4_7,
        **extra,
    }


def _question_url(number: int, *, change: bool = False) -> str:
    url = reverse("surveys:respond_question", args=[number])
    return f"{url}?change=1" if change else url


def _answer_text(question: SurveyQuestion, value: Any, language: str) -> str:
    if value is None:
        return ""
    if question.kind == QuestionKind.FREE_TEXT:
        return str(value)
    labels = dict(answer_choices(question.kind, language))
    return labels.get(value, str(value))


@respondent_headers
@require_GET
def start(request: HttpRequest, token: str) -> HttpResponse:
    """Check the link, keep it in the session and go on to a URL without it."""
    try:
        opened = survey_link_open(token=token, client_address=request.META.get("REMOTE_ADDR", ""))
    except SurveyRateLimited:
        return _rate_limited(request)
    except SurveyLinkUnavailable:
        return _unavailable(request)
    request.session.pop(DONE_KEY, None)
    respondent_session_start(session=request.session, opened=opened)
    return redirect("surveys:respond_intro")


@respondent_headers
@require_GET
def intro(request: HttpRequest) -> HttpResponse:
    ctx = _context_or_none(request)
    if ctx is None:
        return _unavailable(request)
    return _render(
        request,
        "surveys/respondent/intro.html",
        _page(
            ctx,
            request,
            first_question=_question_url(1),
            total=len(ctx.questions),
            min_responses=survey_settings_for(
                organisation_id=ctx.template.organisation_id
            ).min_responses,
        ),
        language=ctx.language,
    )


def _choices(question: SurveyQuestion, language: str) -> list[dict[str, Any]]:
    faces = FACES.get(question.kind, {})  # type: ignore[call-overload]
    return [
        {
            "value": value,
            "label": label,
            "face": f"images/faces/{faces[value]}.svg" if value in faces else "",
        }
        for value, label in answer_choices(question.kind, language)
    ]


def _question_error(question: SurveyQuestion, *, too_long: bool = False) -> str:
    if too_long:
        return _("Your answer is too long. Use 2,000 characters or fewer.")
    if question.kind == QuestionKind.FREE_TEXT:
        return _("Write your answer, or go back.")
    return _("Choose an answer.")


@respondent_form
@respondent_headers
@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, number: int) -> HttpResponse:
    """One question: GET shows it with the answer kept so far; POST keeps the answer (or
    forgets it, for 'Skip') and goes on to the next question or back to the review."""
    ctx = _context_or_none(request)
    if ctx is None:
        return _unavailable(request)
    try:
        current = ctx.question(number)
    except IndexError:
        return redirect("surveys:respond_intro")
    changing = request.GET.get("change") == "1"
    error = ""
    value = ctx.answers.get(current.code)
    if request.method == "POST":
        raw = request.POST.get("answer", "")
        try:
            value = (
                None if "skip" in request.POST else survey_answer_clean(question=current, raw=raw)
            )
        except ApplicationError:
            error = _question_error(current, too_long=current.kind == QuestionKind.FREE_TEXT)
            value = raw if current.kind == QuestionKind.FREE_TEXT else None
        if not error and value is None and current.required:
            error = _question_error(current)
        if not error:
            respondent_answer_store(session=request.session, code=current.code, value=value)
            if changing or number == len(ctx.questions):
                return redirect("surveys:respond_review")
            return redirect("surveys:respond_question", number=number + 1)
    elif request.GET.get("missing") == "1" and value is None:
        error = _question_error(current)
    if changing:
        back = reverse("surveys:respond_review")
    elif number > 1:
        back = _question_url(number - 1)
    else:
        back = reverse("surveys:respond_intro")
    context = _page(
        ctx,
        request,
        question=current,
        number=number,
        total=len(ctx.questions),
        question_text=current.text_in(ctx.language),
        hint=current.hint_in(ctx.language),
        choices=_choices(current, ctx.language),
        is_radios=current.kind in RADIO_KINDS,
        is_scale=current.kind == QuestionKind.SCALE_0_10,
        value=value,
        error=error,
        back=back,
        changing=changing,
        action=_question_url(number, change=changing),
        safety_reminder=bool(current.safety_place) and ctx.template.is_child,
    )
    return _render(
        request,
        "surveys/respondent/question.html",
        context,
        language=ctx.language,
        status=400 if error and request.method == "POST" else 200,
    )


@respondent_headers
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """Check your answers, with a link to change each, before sending them."""
    ctx = _context_or_none(request)
    if ctx is None:
        return _unavailable(request)
    rows = [
        {
            "number": number,
            "text": q.text_in(ctx.language),
            "answer": _answer_text(q, ctx.answers.get(q.code), ctx.language),
            "change": _question_url(number, change=True),
        }
        for number, q in enumerate(ctx.questions, start=1)
    ]
    wrote_comments = any(
        q.kind == QuestionKind.FREE_TEXT and ctx.answers.get(q.code) for q in ctx.questions
    )
    return _render(
        request,
        "surveys/respondent/review.html",
        _page(
            ctx,
            request,
            rows=rows,
            wrote_comments=wrote_comments,
            back=_question_url(len(ctx.questions)),
        ),
        language=ctx.language,
    )


@respondent_form
@respondent_headers
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    """Send the answers: this uses the link up, once. A second try, or a link used
    meanwhile, gets the same page as any other link that cannot be used."""
    ctx = _context_or_none(request)
    if ctx is None:
        return _unavailable(request)
    try:
        submission = survey_response_submit_from_session(
            session=request.session, share_comments=request.POST.get("share_comments") == "yes"
        )
    except SurveyLinkUnavailable:
        return _unavailable(request)
    except ApplicationError as error:
        code = error.extra.get("question")
        codes = [q.code for q in ctx.questions]
        number = codes.index(code) + 1 if code in codes else 1
        return redirect(f"{_question_url(number, change=True)}&missing=1")
    request.session[DONE_KEY] = {
        "language": ctx.language,
        "title": ctx.title,
        "organisation_name": ctx.template.organisation.name,
        "child": ctx.template.is_child,
        "staff": submission.kind == "staff",
        "alert": submission.safety_alert is not None,
    }
    return redirect("surveys:respond_done")


@respondent_headers
@require_GET
def done(request: HttpRequest) -> HttpResponse:
    finished = request.session.get(DONE_KEY)
    if not finished:
        return _unavailable(request)
    return _render(
        request,
        "surveys/respondent/done.html",
        {
            "title": finished["title"],
            "organisation_name": finished["organisation_name"],
            "finished": finished,
        },
        language=finished["language"],
    )


@respondent_form
@respondent_headers
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the survey's language and come back to the same page (answers kept)."""
    ctx = _context_or_none(request)
    if ctx is None:
        return _unavailable(request)
    chosen = request.POST.get("language", "")
    if chosen in ctx.languages:
        respondent_language_set(session=request.session, language=chosen)
    back = request.POST.get("next", "")
    # Only back to a page of this survey (never an address from outside).
    if not back.startswith("/s/") or "//" in back or "\\" in back:
        back = reverse("surveys:respond_intro")
    return redirect(back)
