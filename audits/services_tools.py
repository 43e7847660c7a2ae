"""Writing audit tools: drafts, sections, items and publishing.

A draft is the only editable version of a tool. Publishing fixes it (it can never change
again) and audits started afterwards use it; audits already under way keep the version
they started with. Only QA leads change tools.
"""

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from audits.models import (
    AuditTool,
    AuditToolItem,
    AuditToolSection,
    AuditToolVersion,
    RatingScale,
    SectionKind,
)
from audits.policy import refuse_qa_lead
from organisation.models import Organisation
from qa_system.errors import ApplicationError

DEFAULT_TOOL_PATH = Path(__file__).with_name("default_tool.json")
PUBLISHED_MESSAGE = "This version is published and cannot change. Start a new draft to edit it."


def _require_qa_lead(by: Any, organisation_id: int, doing: str) -> None:
    if reason := refuse_qa_lead(by, organisation_id, doing):
        raise ApplicationError(reason)


def _require_draft(version: AuditToolVersion, by: Any) -> None:
    _require_qa_lead(by, version.tool.organisation_id, "change audit tools")
    if not version.is_draft:
        raise ApplicationError(PUBLISHED_MESSAGE)


def _check_choice(value: str, choices: Any, what: str) -> None:
    if value not in choices.values:
        raise ApplicationError(f"{value!r} is not a known {what}.")


def tool_default_load(*, organisation: Organisation) -> AuditTool:
    """The shipped default tool as version 1 (published) of the organisation's default
    tool. Idempotent: an organisation that has it already keeps what it has."""
    from audits.services_tool_json import tool_version_build, tool_version_validate

    existing = AuditTool.objects.filter(organisation=organisation, is_default=True).first()
    if existing is not None:
        return existing
    data = tool_version_validate(json.loads(DEFAULT_TOOL_PATH.read_text(encoding="utf-8")))
    with transaction.atomic():
        tool = AuditTool.objects.create(
            organisation=organisation,
            name=data["name"],
            description=data.get("description", ""),
            is_default=True,
        )
        version = tool_version_build(tool=tool, data=data, number=1)
        version.status = AuditToolVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
    return tool


def tool_create(
    *,
    organisation: Organisation,
    by: Any,
    name: str,
    description: str = "",
    rating_scale: str = RatingScale.OFSTED,
) -> AuditTool:
    """A new tool with an empty draft (version 1)."""
    _require_qa_lead(by, organisation.pk, "create audit tools")
    _check_choice(rating_scale, RatingScale, "rating scale")
    name = name.strip()
    if not name:
        raise ApplicationError("Give the tool a name.")
    if AuditTool.objects.filter(organisation=organisation, name=name).exists():
        raise ApplicationError(f"There is already a tool called {name}.")
    with transaction.atomic():
        tool = AuditTool.objects.create(
            organisation=organisation, name=name, description=description.strip()
        )
        AuditToolVersion.objects.create(tool=tool, number=1, rating_scale=rating_scale)
    return tool


def tool_update(
    *, tool: AuditTool, by: Any, name: str | None = None, description: str | None = None
) -> AuditTool:
    _require_qa_lead(by, tool.organisation_id, "change audit tools")
    if name is not None:
        name = name.strip()
        if not name:
            raise ApplicationError("Give the tool a name.")
        clash = AuditTool.objects.filter(organisation_id=tool.organisation_id, name=name)
        if clash.exclude(pk=tool.pk).exists():
            raise ApplicationError(f"There is already a tool called {name}.")
        tool.name = name
    if description is not None:
        tool.description = description.strip()
    tool.save(update_fields=["name", "description"])
    return tool


def tool_draft_get_or_create(*, tool: AuditTool, by: Any) -> AuditToolVersion:
    """The tool's draft; or a new draft, a copy of the latest published version, numbered
    one more than the latest."""
    _require_qa_lead(by, tool.organisation_id, "change audit tools")
    with transaction.atomic():
        AuditTool.objects.select_for_update().filter(pk=tool.pk).first()
        draft = tool.versions.filter(status=AuditToolVersion.Status.DRAFT).first()
        if draft is not None:
            return draft
        latest = (
            tool.versions.filter(status=AuditToolVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )
        number = (tool.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        draft = AuditToolVersion.objects.create(
            tool=tool,
            number=number,
            rating_scale=latest.rating_scale if latest else RatingScale.OFSTED,
        )
        if latest is not None:
            _copy_sections(source=latest, target=draft)
    return draft


def _copy_sections(*, source: AuditToolVersion, target: AuditToolVersion) -> None:
    for section in source.sections.prefetch_related("items"):
        copy = AuditToolSection.objects.create(
            version=target,
            code=section.code,
            title=section.title,
            kind=section.kind,
            guidance=section.guidance,
            order=section.order,
        )
        AuditToolItem.objects.bulk_create(
            AuditToolItem(
                section=copy,
                code=item.code,
                text=item.text,
                guidance=item.guidance,
                rating_scale=item.rating_scale,
                order=item.order,
            )
            for item in section.items.all()
        )


def tool_version_update(
    *,
    version: AuditToolVersion,
    by: Any,
    rating_scale: str | None = None,
    notes: str | None = None,
) -> AuditToolVersion:
    _require_draft(version, by)
    if rating_scale is not None:
        _check_choice(rating_scale, RatingScale, "rating scale")
        version.rating_scale = rating_scale
    if notes is not None:
        version.notes = notes.strip()
    version.save(update_fields=["rating_scale", "notes"])
    return version


def _check_code(code: str) -> str:
    code = code.strip()
    if not code or len(code) > 8 or not code.replace(".", "").isalnum():
        raise ApplicationError("A code is 1 to 8 letters or digits, such as B or B1.")
    return code


def tool_section_add(
    *,
    version: AuditToolVersion,
    by: Any,
    code: str,
    title: str,
    kind: str = SectionKind.RATED,
    guidance: str = "",
) -> AuditToolSection:
    _require_draft(version, by)
    code = _check_code(code)
    _check_choice(kind, SectionKind, "section kind")
    if not title.strip():
        raise ApplicationError("Give the section a title.")
    if version.sections.filter(code=code).exists():
        raise ApplicationError(f"There is already a section {code} in this version.")
    order = (version.sections.aggregate(top=Max("order"))["top"] or 0) + 1
    return AuditToolSection.objects.create(
        version=version,
        code=code,
        title=title.strip(),
        kind=kind,
        guidance=guidance.strip(),
        order=order,
    )


def tool_section_update(
    *,
    section: AuditToolSection,
    by: Any,
    code: str | None = None,
    title: str | None = None,
    kind: str | None = None,
    guidance: str | None = None,
) -> AuditToolSection:
    _require_draft(section.version, by)
    if code is not None:
        code = _check_code(code)
        if section.version.sections.filter(code=code).exclude(pk=section.pk).exists():
            raise ApplicationError(f"There is already a section {code} in this version.")
        section.code = code
    if title is not None:
        if not title.strip():
            raise ApplicationError("Give the section a title.")
        section.title = title.strip()
    if kind is not None:
        _check_choice(kind, SectionKind, "section kind")
        section.kind = kind
    if guidance is not None:
        section.guidance = guidance.strip()
    section.save()
    return section


def tool_section_delete(*, section: AuditToolSection, by: Any) -> None:
    _require_draft(section.version, by)
    section.delete()


def _swap(rows: list[Any], index: int, up: bool) -> None:
    other = index - 1 if up else index + 1
    if other < 0 or other >= len(rows):
        return
    for position, row in enumerate(rows):
        row.order = position + 1
    rows[index].order, rows[other].order = rows[other].order, rows[index].order
    for row in rows:
        row.save(update_fields=["order"])


def tool_section_move(*, section: AuditToolSection, by: Any, up: bool) -> None:
    """Move a section one place up or down (nothing happens at either end)."""
    _require_draft(section.version, by)
    rows = list(section.version.sections.all())
    _swap(rows, [row.pk for row in rows].index(section.pk), up)


def tool_item_add(
    *,
    section: AuditToolSection,
    by: Any,
    code: str,
    text: str,
    guidance: str = "",
    rating_scale: str = "",
) -> AuditToolItem:
    _require_draft(section.version, by)
    code = _check_code(code)
    if rating_scale:
        _check_choice(rating_scale, RatingScale, "rating scale")
    if not text.strip():
        raise ApplicationError("Write the item's question or statement.")
    if AuditToolItem.objects.filter(section__version=section.version, code=code).exists():
        raise ApplicationError(f"There is already an item {code} in this version.")
    order = (section.items.aggregate(top=Max("order"))["top"] or 0) + 1
    return AuditToolItem.objects.create(
        section=section,
        code=code,
        text=text.strip(),
        guidance=guidance.strip(),
        rating_scale=rating_scale,
        order=order,
    )


def tool_item_update(
    *,
    item: AuditToolItem,
    by: Any,
    code: str | None = None,
    text: str | None = None,
    guidance: str | None = None,
    rating_scale: str | None = None,
) -> AuditToolItem:
    version = item.section.version
    _require_draft(version, by)
    if code is not None:
        code = _check_code(code)
        clash = AuditToolItem.objects.filter(section__version=version, code=code)
        if clash.exclude(pk=item.pk).exists():
            raise ApplicationError(f"There is already an item {code} in this version.")
        item.code = code
    if text is not None:
        if not text.strip():
            raise ApplicationError("Write the item's question or statement.")
        item.text = text.strip()
    if guidance is not None:
        item.guidance = guidance.strip()
    if rating_scale is not None:
        if rating_scale:
            _check_choice(rating_scale, RatingScale, "rating scale")
        item.rating_scale = rating_scale
    item.save()
    return item


def tool_item_delete(*, item: AuditToolItem, by: Any) -> None:
    _require_draft(item.section.version, by)
    item.delete()


def tool_item_move(*, item: AuditToolItem, by: Any, up: bool) -> None:
    _require_draft(item.section.version, by)
    rows = list(item.section.items.all())
    _swap(rows, [row.pk for row in rows].index(item.pk), up)


def tool_version_publish(*, version: AuditToolVersion, by: Any) -> AuditToolVersion:
    """Fix a draft as the tool's newest version: new audits use it from now on."""
    _require_draft(version, by)
    sections = list(version.sections.prefetch_related("items"))
    if not sections:
        raise ApplicationError("Add at least one section before publishing.")
    for section in sections:
        if section.kind == SectionKind.RATED and not section.items.all():
            raise ApplicationError(
                f"Section {section.code} has no items. Add items or remove the section."
            )
    version.status = AuditToolVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = by
    version.save(update_fields=["status", "published_at", "published_by"])
    return version
