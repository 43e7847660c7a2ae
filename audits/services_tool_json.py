"""Export and import of a tool version as JSON (so an authority can load its licensed
tool, or move a tool between installations).

The format:

    {"format": "sightline-audit-tool", "format_version": 1,
     "name": "...", "description": "...", "rating_scale": "ofsted", "notes": "...",
     "sections": [{"code": "B", "title": "...", "kind": "rated", "guidance": "...",
                   "items": [{"code": "B1", "text": "...", "guidance": "...",
                              "rating_scale": ""}]}]}

Validation collects every problem with the path of the bad field
(`sections[2].items[0].rating_scale`) before anything is written.
"""

import json
from typing import Any

from django.db import transaction

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

FORMAT = "sightline-audit-tool"
FORMAT_VERSION = 1
MAX_TEXT = 5000


class ToolImportError(ApplicationError):
    """A tool file that cannot be imported: `extra["errors"]` lists each problem as
    {"path": ..., "message": ...}."""


def tool_version_export(*, version: AuditToolVersion) -> dict[str, Any]:
    """The version as a JSON-ready dict (importable again as it is)."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "name": version.tool.name,
        "description": version.tool.description,
        "rating_scale": version.rating_scale,
        "notes": version.notes,
        "sections": [
            {
                "code": section.code,
                "title": section.title,
                "kind": section.kind,
                "guidance": section.guidance,
                "items": [
                    {
                        "code": item.code,
                        "text": item.text,
                        "guidance": item.guidance,
                        "rating_scale": item.rating_scale,
                    }
                    for item in section.items.all()
                ],
            }
            for section in version.sections.prefetch_related("items")
        ],
    }


class _Checker:
    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append({"path": path or "(the file)", "message": message})

    def text(
        self, data: dict[str, Any], key: str, path: str, *, required: bool, limit: int = MAX_TEXT
    ) -> str:
        value = data.get(key, "")
        where = f"{path}.{key}" if path else key
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(where, "must be text")
            return ""
        if required and not value.strip():
            self.add(where, "is required")
        if len(value) > limit:
            self.add(where, f"is longer than {limit} characters")
        return value.strip()

    def choice(self, data: dict[str, Any], key: str, path: str, choices: Any, blank: bool) -> str:
        value = data.get(key, "")
        where = f"{path}.{key}" if path else key
        if value in ("", None) and blank:
            return ""
        if value not in choices.values:
            self.add(where, f"must be one of {', '.join(choices.values)}")
            return ""
        return str(value)

    def code(self, data: dict[str, Any], path: str, seen: set[str]) -> str:
        code = self.text(data, "code", path, required=True, limit=8)
        if code and not code.replace(".", "").isalnum():
            self.add(f"{path}.code", "must be letters or digits, such as B or B1")
        if code in seen:
            self.add(f"{path}.code", f"{code} is used twice")
        seen.add(code)
        return code


def tool_version_validate(data: Any) -> dict[str, Any]:
    """The file's content cleaned, or ToolImportError listing every problem by path."""
    checker = _Checker()
    if not isinstance(data, dict):
        raise ToolImportError(
            "The file must hold one JSON object.",
            {"errors": [{"path": "(the file)", "message": "must be a JSON object"}]},
        )
    if data.get("format") != FORMAT:
        checker.add("format", f"must be {FORMAT!r}")
    if data.get("format_version") != FORMAT_VERSION:
        checker.add("format_version", f"must be {FORMAT_VERSION}")
    clean: dict[str, Any] = {
        "name": checker.text(data, "name", "", required=True, limit=200),
        "description": checker.text(data, "description", "", required=False),
        "notes": checker.text(data, "notes", "", required=False),
        "rating_scale": checker.choice(data, "rating_scale", "", RatingScale, blank=False),
        "sections": [],
    }
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        checker.add("sections", "must be a list of at least one section")
        sections = []
    section_codes: set[str] = set()
    item_codes: set[str] = set()
    for s_index, section in enumerate(sections):
        path = f"sections[{s_index}]"
        if not isinstance(section, dict):
            checker.add(path, "must be an object")
            continue
        clean_section: dict[str, Any] = {
            "code": checker.code(section, path, section_codes),
            "title": checker.text(section, "title", path, required=True, limit=200),
            "kind": checker.choice(section, "kind", path, SectionKind, blank=False),
            "guidance": checker.text(section, "guidance", path, required=False),
            "items": [],
        }
        items = section.get("items", [])
        if not isinstance(items, list):
            checker.add(f"{path}.items", "must be a list")
            items = []
        if clean_section["kind"] == SectionKind.RATED and not items:
            checker.add(f"{path}.items", "a rated section needs at least one item")
        for i_index, item in enumerate(items):
            item_path = f"{path}.items[{i_index}]"
            if not isinstance(item, dict):
                checker.add(item_path, "must be an object")
                continue
            clean_section["items"].append(
                {
                    "code": checker.code(item, item_path, item_codes),
                    "text": checker.text(item, "text", item_path, required=True),
                    "guidance": checker.text(item, "guidance", item_path, required=False),
                    "rating_scale": checker.choice(
                        item, "rating_scale", item_path, RatingScale, blank=True
                    ),
                }
            )
        clean["sections"].append(clean_section)
    if checker.errors:
        first = checker.errors[0]
        count = len(checker.errors)
        more = f" (and {count - 1} more problems)" if count > 1 else ""
        raise ToolImportError(
            f"The tool file has a problem at {first['path']}: {first['message']}{more}.",
            {"errors": checker.errors},
        )
    return clean


def tool_version_build(*, tool: AuditTool, data: dict[str, Any], number: int) -> AuditToolVersion:
    """Write validated content as a new draft version of `tool`."""
    version = AuditToolVersion.objects.create(
        tool=tool, number=number, rating_scale=data["rating_scale"], notes=data.get("notes", "")
    )
    for s_order, section in enumerate(data["sections"], start=1):
        row = AuditToolSection.objects.create(
            version=version,
            code=section["code"],
            title=section["title"],
            kind=section["kind"],
            guidance=section["guidance"],
            order=s_order,
        )
        AuditToolItem.objects.bulk_create(
            AuditToolItem(
                section=row,
                code=item["code"],
                text=item["text"],
                guidance=item["guidance"],
                rating_scale=item["rating_scale"],
                order=i_order,
            )
            for i_order, item in enumerate(section["items"], start=1)
        )
    return version


def _parse(data: dict[str, Any] | str | bytes) -> Any:
    if isinstance(data, dict):
        return data
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ToolImportError(
            "The file is not valid JSON.",
            {"errors": [{"path": "(the file)", "message": f"not valid JSON: {error}"}]},
        ) from error


def tool_version_import(
    *,
    organisation: Organisation,
    by: Any,
    data: dict[str, Any] | str | bytes,
    tool: AuditTool | None = None,
) -> AuditToolVersion:
    """Import a tool file as a draft: of `tool` (replacing its draft, if any), or of a new
    tool named by the file. Publish the draft to use it."""
    if reason := refuse_qa_lead(by, organisation.pk, "import audit tools"):
        raise ApplicationError(reason)
    clean = tool_version_validate(_parse(data))
    with transaction.atomic():
        if tool is None:
            if AuditTool.objects.filter(organisation=organisation, name=clean["name"]).exists():
                raise ToolImportError(
                    f"There is already a tool called {clean['name']}. Import it into that "
                    "tool as a new version, or rename it in the file.",
                    {"errors": [{"path": "name", "message": "a tool with this name exists"}]},
                )
            tool = AuditTool.objects.create(
                organisation=organisation, name=clean["name"], description=clean["description"]
            )
            number = 1
        else:
            if tool.organisation_id != organisation.pk:
                raise ApplicationError("That tool belongs to another organisation.")
            draft = tool.versions.filter(status=AuditToolVersion.Status.DRAFT).first()
            if draft is not None:
                number = draft.number
                draft.delete()
            else:
                latest = tool.versions.order_by("-number").first()
                number = (latest.number if latest else 0) + 1
        return tool_version_build(tool=tool, data=clean, number=number)
