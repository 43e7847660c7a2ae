"""Survey templates: the list, a version, and a draft's editing and publishing.

Seeing templates: the whole-organisation roles (QA leads, senior leaders,
administrators); others get 403 on the list and 404 on a template. Changing them: QA
leads and administrators (403 for the rest who see them). Only a draft changes; a
published version is changed by making a new draft version.
"""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organisation.selectors import user_scope
from qa_system.errors import ApplicationError
from surveys.forms import QuestionForm, TemplateCreateForm, TemplateTextsForm
from surveys.models import SurveyQuestion, SurveyTemplate, TemplateStatus
from surveys.selectors import (
    survey_question_list,
    survey_template_get_for_user,
    survey_template_list_for_user,
    survey_user_can_manage,
    template_languages,
)
from surveys.services_templates import (
    survey_question_add,
    survey_question_move,
    survey_question_remove,
    survey_question_update,
    survey_template_create,
    survey_template_new_version,
    survey_template_publish,
    survey_template_update,
)
from surveys.views_common import form_error, require_manager, survey_nav


def _editable_template(request: HttpRequest, pk: int) -> SurveyTemplate:
    """A draft the user may change: 404 outside their templates, 403 when they may not
    change templates or the version is not a draft."""
    template = survey_template_get_for_user(user=request.user, pk=pk)
    require_manager(request)
    if not template.is_editable:
        raise PermissionDenied
    return template


def _question_for_user(request: HttpRequest, pk: int) -> SurveyQuestion:
    visible = SurveyQuestion.objects.filter(
        template__in=survey_template_list_for_user(user=request.user)
    ).select_related("template")
    question = get_object_or_404(visible, pk=pk)
    require_manager(request)
    if not question.template.is_editable:
        raise PermissionDenied
    return question


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    if not user_scope(user=request.user).sees_whole_organisation:
        raise PermissionDenied
    templates = survey_template_list_for_user(user=request.user).order_by("key", "-version")
    surveys = [(key, list(versions)) for key, versions in groupby(templates, lambda t: t.key)]
    return render(
        request,
        "surveys/template_list.html",
        {
            "surveys": surveys,
            "can_manage": survey_user_can_manage(user=request.user),
            "nav": survey_nav(request),
        },
    )


@login_required
@require_GET
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = survey_template_get_for_user(user=request.user, pk=pk)
    questions = survey_question_list(template=template)
    can_manage = survey_user_can_manage(user=request.user)
    has_draft = SurveyTemplate.objects.filter(
        organisation_id=template.organisation_id, key=template.key, status=TemplateStatus.DRAFT
    ).exists()
    return render(
        request,
        "surveys/template_detail.html",
        {
            "template": template,
            "questions": questions,
            "languages": template_languages(template=template, questions=questions),
            "can_edit": can_manage and template.is_editable,
            "can_new_version": can_manage and not template.is_editable and not has_draft,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    organisation = require_manager(request)
    form = TemplateCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        texts = form.texts()
        try:
            template = survey_template_create(
                organisation=organisation,
                key=form.cleaned_data["key"],
                audience=form.cleaned_data["audience"],
                title=texts["title"],
                intro=texts["intro"],
                safety_notice=texts["safety_notice"],
                by=request.user,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Draft survey created. Add its questions, then publish it.")
            return redirect("surveys:template_detail", pk=template.pk)
    return render(request, "surveys/template_form.html", {"form": form, "template": None})


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = _editable_template(request, pk)
    form = TemplateTextsForm(request.POST or None, initial=TemplateTextsForm.initial_for(template))
    if request.method == "POST" and form.is_valid():
        texts = form.texts()
        try:
            survey_template_update(
                template=template,
                title=texts["title"],
                intro=texts["intro"],
                safety_notice=texts["safety_notice"],
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("surveys:template_detail", pk=template.pk)
    return render(request, "surveys/template_form.html", {"form": form, "template": template})


@login_required
@require_POST
def template_publish(request: HttpRequest, pk: int) -> HttpResponse:
    template = _editable_template(request, pk)
    try:
        survey_template_publish(template=template, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Published. Campaigns can use this version; it can no longer change."
        )
    return redirect("surveys:template_detail", pk=template.pk)


@login_required
@require_POST
def template_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    template = survey_template_get_for_user(user=request.user, pk=pk)
    require_manager(request)
    try:
        draft = survey_template_new_version(template=template, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("surveys:template_detail", pk=template.pk)
    messages.success(request, f"Version {draft.version} is a draft: change it, then publish it.")
    return redirect("surveys:template_detail", pk=draft.pk)


@login_required
@require_http_methods(["GET", "POST"])
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    template = _editable_template(request, pk)
    form = QuestionForm(request.POST or None, adding=True)
    if request.method == "POST" and form.is_valid():
        try:
            survey_question_add(
                template=template, code=form.cleaned_data["code"], **form.service_fields()
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Question added.")
            return redirect("surveys:template_detail", pk=template.pk)
    return render(
        request,
        "surveys/question_form.html",
        {"form": form, "template": template, "question": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_for_user(request, pk)
    initial = {
        "kind": question.kind,
        "required": question.required,
        "safety_place": question.safety_place,
        "indicator": question.indicator,
        "column": question.column,
        "position": question.position,
        **{f"text_{code}": question.text.get(code, "") for code in ("en", "cy")},
        **{f"hint_{code}": question.hint.get(code, "") for code in ("en", "cy")},
    }
    form = QuestionForm(request.POST or None, initial=initial, adding=False)
    if request.method == "POST" and form.is_valid():
        try:
            survey_question_update(question=question, **form.service_fields())
            position = form.cleaned_data.get("position")
            if position and position != question.position:
                survey_question_move(question=question, position=position)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "Question saved.")
            return redirect("surveys:template_detail", pk=question.template_id)
    return render(
        request,
        "surveys/question_form.html",
        {"form": form, "template": question.template, "question": question},
    )


@login_required
@require_POST
def question_remove(request: HttpRequest, pk: int) -> HttpResponse:
    question = _question_for_user(request, pk)
    template_id = question.template_id
    try:
        survey_question_remove(question=question)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Question removed.")
    return redirect("surveys:template_detail", pk=template_id)
