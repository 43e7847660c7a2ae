"""Survey templates: the defaults that ship with the product, drafts, and publishing.

A template is versioned like an audit tool: a draft is edited freely; publishing
freezes it (responses refer to the version they answered); a change to a published
survey is made on a new draft (`survey_template_new_version`), version + 1, with the
same key, and published in its turn. Question texts are JSON of language → text,
English required; an authority adds its own translations (the defaults carry Welsh
for the parents' survey).
"""

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from organisation.models import Organisation
from qa_system.errors import ApplicationError
from surveys.models import (
    Audience,
    FreeTextColumn,
    QuestionKind,
    SafetyPlace,
    SurveyIndicator,
    SurveyQuestion,
    SurveyTemplate,
    TemplateStatus,
)

DEFAULTS_FILE = Path(__file__).with_name("default_templates.json")
QUESTION_FIELDS = ("kind", "text", "hint", "required", "safety_place", "indicator", "column")


def default_templates() -> list[dict[str, Any]]:
    """The default templates as shipped (surveys/default_templates.json)."""
    data: list[dict[str, Any]] = json.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    return data


def _texts(value: Any, what: str, *, required: bool = True) -> dict[str, str]:
    """A JSON of language → text, checked: English present when required."""
    if value is None:
        value = {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ApplicationError(f"The {what} must be texts by language.", {"field": what})
    cleaned = {k.strip(): v.strip() for k, v in value.items() if v.strip()}
    if required and not cleaned.get("en"):
        raise ApplicationError(f"The {what} needs an English text.", {"field": what})
    return cleaned


def _check_question(fields: dict[str, Any]) -> dict[str, Any]:
    kind = fields["kind"]
    if kind not in QuestionKind.values:
        raise ApplicationError("Choose a question type.", {"field": "kind"})
    fields["text"] = _texts(fields.get("text"), "question text")
    fields["hint"] = _texts(fields.get("hint"), "hint", required=False)
    place = fields.get("safety_place") or ""
    if place and (place not in SafetyPlace.values or kind == QuestionKind.FREE_TEXT):
        raise ApplicationError(
            "Only a question with answers can be a 'feel safe' question.",
            {"field": "safety_place"},
        )
    indicator = fields.get("indicator") or ""
    if indicator and (indicator not in SurveyIndicator.values or kind == QuestionKind.FREE_TEXT):
        raise ApplicationError(
            "Only a question with answers can count towards an indicator.", {"field": "indicator"}
        )
    column = fields.get("column") or ""
    if column and (column not in FreeTextColumn.values or kind != QuestionKind.FREE_TEXT):
        raise ApplicationError("Only a free-text question goes in a column.", {"field": "column"})
    fields.update(safety_place=place, indicator=indicator, column=column)
    fields["required"] = bool(fields.get("required", False))
    return fields


def _editable(template: SurveyTemplate) -> None:
    if not template.is_editable:
        raise ApplicationError(
            "A published survey cannot be changed. Make a new version to change it."
        )


def survey_template_create(
    *,
    organisation: Organisation,
    key: str,
    audience: str,
    title: dict[str, str],
    intro: dict[str, str] | None = None,
    safety_notice: dict[str, str] | None = None,
    by: Any = None,
) -> SurveyTemplate:
    """A new survey (version 1, draft). Refused when the key is taken."""
    if audience not in Audience.values:
        raise ApplicationError("Choose who the survey is for.", {"field": "audience"})
    if SurveyTemplate.objects.filter(organisation=organisation, key=key).exists():
        raise ApplicationError("A survey with that key exists already.", {"field": "key"})
    return SurveyTemplate.objects.create(
        organisation=organisation,
        key=key,
        audience=audience,
        title=_texts(title, "title"),
        intro=_texts(intro, "introduction", required=False),
        safety_notice=_texts(safety_notice, "safety notice", required=False),
        created_by=by if getattr(by, "pk", None) else None,
    )


def survey_template_update(
    *,
    template: SurveyTemplate,
    title: dict[str, str] | None = None,
    intro: dict[str, str] | None = None,
    safety_notice: dict[str, str] | None = None,
) -> SurveyTemplate:
    """Change a draft's texts (those given)."""
    _editable(template)
    if title is not None:
        template.title = _texts(title, "title")
    if intro is not None:
        template.intro = _texts(intro, "introduction", required=False)
    if safety_notice is not None:
        template.safety_notice = _texts(safety_notice, "safety notice", required=False)
    template.save(update_fields=["title", "intro", "safety_notice"])
    return template


def survey_question_add(
    *,
    template: SurveyTemplate,
    code: str,
    kind: str,
    text: dict[str, str],
    hint: dict[str, str] | None = None,
    required: bool = False,
    safety_place: str = "",
    indicator: str = "",
    column: str = "",
) -> SurveyQuestion:
    """Add a question at the end of a draft."""
    _editable(template)
    if template.questions.filter(code=code).exists():
        raise ApplicationError("Another question has that code.", {"field": "code"})
    fields = _check_question(
        {"kind": kind, "text": text, "hint": hint, "required": required,
         "safety_place": safety_place, "indicator": indicator, "column": column}
    )  # fmt: skip
    last = template.questions.aggregate(last=Max("position"))["last"] or 0
    return SurveyQuestion.objects.create(template=template, position=last + 1, code=code, **fields)


def survey_question_update(*, question: SurveyQuestion, **changes: Any) -> SurveyQuestion:
    """Change a draft question's fields (any of QUESTION_FIELDS)."""
    _editable(question.template)
    unknown = set(changes) - set(QUESTION_FIELDS)
    if unknown:
        raise ApplicationError(f"Unknown question fields: {', '.join(sorted(unknown))}.")
    fields = {name: getattr(question, name) for name in QUESTION_FIELDS} | changes
    for name, value in _check_question(fields).items():
        setattr(question, name, value)
    question.save()
    return question


def survey_question_remove(*, question: SurveyQuestion) -> None:
    """Remove a question from a draft; the later ones move up."""
    template = question.template
    _editable(template)
    with transaction.atomic():
        question.delete()
        _renumber(template, [q.pk for q in template.questions.order_by("position")])


def survey_question_move(*, question: SurveyQuestion, position: int) -> None:
    """Move a draft question to `position` (1-based, clamped to the survey)."""
    template = question.template
    _editable(template)
    ids = [q.pk for q in template.questions.order_by("position")]
    ids.remove(question.pk)
    ids.insert(max(0, min(position - 1, len(ids))), question.pk)
    with transaction.atomic():
        _renumber(template, ids)


def _renumber(template: SurveyTemplate, ids: list[int]) -> None:
    # Two passes so that the unique (template, position) holds at every step.
    offset = len(ids) + 1000
    for index, pk in enumerate(ids, start=1):
        SurveyQuestion.objects.filter(pk=pk).update(position=offset + index)
    for index, pk in enumerate(ids, start=1):
        SurveyQuestion.objects.filter(pk=pk).update(position=index)


def survey_template_publish(*, template: SurveyTemplate, by: Any = None) -> SurveyTemplate:
    """Freeze a draft. The previous published version of the same key is retired (its
    campaigns and responses keep it). Refused for a survey with no question."""
    _editable(template)
    if not template.questions.exists():
        raise ApplicationError("Add at least one question before publishing.")
    with transaction.atomic():
        SurveyTemplate.objects.filter(
            organisation_id=template.organisation_id,
            key=template.key,
            status=TemplateStatus.PUBLISHED,
        ).update(status=TemplateStatus.RETIRED)
        template.status = TemplateStatus.PUBLISHED
        template.published_at = timezone.now()
        template.save(update_fields=["status", "published_at"])
    return template


def survey_template_new_version(*, template: SurveyTemplate, by: Any = None) -> SurveyTemplate:
    """A draft copy of a published (or retired) version, numbered after the latest
    version of its key. Refused when a draft of the key exists already."""
    if template.is_editable:
        raise ApplicationError("This version is still a draft: change it directly.")
    siblings = SurveyTemplate.objects.filter(
        organisation_id=template.organisation_id, key=template.key
    )
    if siblings.filter(status=TemplateStatus.DRAFT).exists():
        raise ApplicationError("There is already a draft of this survey.")
    latest = siblings.aggregate(latest=Max("version"))["latest"] or template.version
    with transaction.atomic():
        draft = SurveyTemplate.objects.create(
            organisation_id=template.organisation_id,
            key=template.key,
            version=latest + 1,
            audience=template.audience,
            title=template.title,
            intro=template.intro,
            safety_notice=template.safety_notice,
            created_by=by if getattr(by, "pk", None) else None,
        )
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(
                template=draft,
                position=question.position,
                code=question.code,
                **{name: getattr(question, name) for name in QUESTION_FIELDS},
            )
            for question in template.questions.order_by("position")
        )
    return draft


def survey_template_retire(*, template: SurveyTemplate) -> SurveyTemplate:
    """Stop offering a published version for new campaigns (open ones carry on)."""
    if template.status != TemplateStatus.PUBLISHED:
        raise ApplicationError("Only a published survey can be retired.")
    template.status = TemplateStatus.RETIRED
    template.save(update_fields=["status"])
    return template


def survey_templates_install_defaults(*, organisation: Organisation) -> list[SurveyTemplate]:
    """Give the organisation the default surveys, published, as version 1 of their keys.
    Idempotent: a key the organisation already has (any version) is left alone."""
    installed = []
    for spec in default_templates():
        if SurveyTemplate.objects.filter(organisation=organisation, key=spec["key"]).exists():
            continue
        with transaction.atomic():
            template = survey_template_create(
                organisation=organisation,
                key=spec["key"],
                audience=spec["audience"],
                title=spec["title"],
                intro=spec.get("intro"),
                safety_notice=spec.get("safety_notice"),
            )
            for question in spec["questions"]:
                survey_question_add(template=template, **question)
            installed.append(survey_template_publish(template=template))
    return installed


def survey_template_published(*, organisation_id: int, key: str) -> SurveyTemplate | None:
    """The published version of a key, if any."""
    return SurveyTemplate.objects.filter(
        organisation_id=organisation_id, key=key, status=TemplateStatus.PUBLISHED
    ).first()
