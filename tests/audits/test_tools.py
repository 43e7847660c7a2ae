"""Audit tools: the shipped default, drafts, publishing and immutability, JSON round trip."""

import json

import pytest

from audits.models import AuditTool, AuditToolVersion, SectionKind
from audits.selectors_work import tool_version_current
from audits.services_tool_json import (
    ToolImportError,
    tool_version_export,
    tool_version_import,
)
from audits.services_tools import (
    tool_create,
    tool_default_load,
    tool_draft_get_or_create,
    tool_item_add,
    tool_item_update,
    tool_section_add,
    tool_section_move,
    tool_version_publish,
)
from qa_system.errors import ApplicationError
from tests.audits.factories import new_audit


def test_default_tool_has_sections_a_to_k_with_guidance(world):
    tool = tool_default_load(organisation=world.organisation)
    version = tool_version_current(tool=tool)

    sections = list(version.sections.prefetch_related("items"))
    assert [s.code for s in sections] == list("ABCDEFGHIJK")
    assert version.number == 1
    assert not version.is_draft
    rated_items = [item for s in sections if s.kind == SectionKind.RATED for item in s.items.all()]
    assert len(rated_items) >= 20
    assert all(item.guidance for item in rated_items)


def test_default_tool_load_is_idempotent(world):
    first = tool_default_load(organisation=world.organisation)
    second = tool_default_load(organisation=world.organisation)

    assert first.pk == second.pk
    assert AuditTool.objects.filter(organisation=world.organisation).count() == 1


def test_new_draft_copies_the_published_version_with_the_next_number(world):
    tool = tool_default_load(organisation=world.organisation)

    draft = tool_draft_get_or_create(tool=tool, by=world.qa_lead)

    assert draft.number == 2
    assert draft.is_draft
    assert draft.sections.count() == 11
    assert tool_draft_get_or_create(tool=tool, by=world.qa_lead).pk == draft.pk


def test_published_version_cannot_change(world):
    tool = tool_default_load(organisation=world.organisation)
    version = tool_version_current(tool=tool)

    with pytest.raises(ApplicationError, match="published and cannot change"):
        tool_section_add(version=version, by=world.qa_lead, code="L", title="More")
    item = version.sections.get(code="B").items.first()
    with pytest.raises(ApplicationError, match="published and cannot change"):
        tool_item_update(item=item, by=world.qa_lead, text="Changed")


def test_only_a_qa_lead_edits_tools(world):
    with pytest.raises(ApplicationError, match="Only a QA lead"):
        tool_create(organisation=world.organisation, by=world.team_manager, name="Mine")


def test_publishing_makes_a_new_version_and_audits_keep_theirs(world):
    audit = new_audit(world)
    tool = audit.tool_version.tool
    draft = tool_draft_get_or_create(tool=tool, by=world.qa_lead)
    section = draft.sections.get(code="B")
    tool_item_add(section=section, by=world.qa_lead, code="B7", text="A new item")

    published = tool_version_publish(version=draft, by=world.qa_lead)

    audit.refresh_from_db()
    assert published.number == 2
    assert tool_version_current(tool=tool).pk == published.pk
    assert audit.tool_version.number == 1
    assert not audit.tool_version.sections.get(code="B").items.filter(code="B7").exists()


def test_publish_refuses_a_rated_section_without_items(world):
    tool = tool_create(organisation=world.organisation, by=world.qa_lead, name="Small tool")
    draft = tool.versions.get()
    tool_section_add(version=draft, by=world.qa_lead, code="A", title="Empty")

    with pytest.raises(ApplicationError, match="Section A has no items"):
        tool_version_publish(version=draft, by=world.qa_lead)


def test_section_move_swaps_order(world):
    tool = tool_create(organisation=world.organisation, by=world.qa_lead, name="Order tool")
    draft = tool.versions.get()
    first = tool_section_add(version=draft, by=world.qa_lead, code="A", title="First")
    tool_section_add(version=draft, by=world.qa_lead, code="B", title="Second")

    tool_section_move(section=first, by=world.qa_lead, up=False)

    assert list(draft.sections.values_list("code", flat=True)) == ["B", "A"]


def test_export_import_round_trip(world):
    tool = tool_default_load(organisation=world.organisation)
    exported = tool_version_export(version=tool_version_current(tool=tool))
    exported["name"] = "Imported copy"

    draft = tool_version_import(
        organisation=world.organisation, by=world.qa_lead, data=json.dumps(exported)
    )

    assert draft.is_draft
    again = tool_version_export(version=draft)
    assert again == exported


def test_import_into_an_existing_tool_replaces_its_draft(world):
    tool = tool_default_load(organisation=world.organisation)
    exported = tool_version_export(version=tool_version_current(tool=tool))
    tool_draft_get_or_create(tool=tool, by=world.qa_lead)

    draft = tool_version_import(
        organisation=world.organisation, by=world.qa_lead, data=exported, tool=tool
    )

    assert draft.number == 2
    assert tool.versions.filter(status=AuditToolVersion.Status.DRAFT).count() == 1


def test_import_names_the_path_of_each_bad_field(world):
    tool = tool_default_load(organisation=world.organisation)
    data = tool_version_export(version=tool_version_current(tool=tool))
    data["name"] = "Broken"
    data["sections"][2]["items"][0]["rating_scale"] = "stars"
    data["sections"][1]["items"][1]["text"] = ""

    with pytest.raises(ToolImportError) as raised:
        tool_version_import(organisation=world.organisation, by=world.qa_lead, data=data)

    paths = [error["path"] for error in raised.value.extra["errors"]]
    assert paths == ["sections[1].items[1].text", "sections[2].items[0].rating_scale"]
    assert "sections[1].items[1].text" in raised.value.message
    assert not AuditTool.objects.filter(name="Broken").exists()


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ("not json", "(the file)"),
        ("[]", "(the file)"),
        ('{"format": "other"}', "format"),
    ],
)
def test_import_refuses_files_that_are_not_tools(world, data, path):
    with pytest.raises(ToolImportError) as raised:
        tool_version_import(organisation=world.organisation, by=world.qa_lead, data=data)

    assert raised.value.extra["errors"][0]["path"] == path


def test_import_refuses_duplicate_codes(world):
    data = {
        "format": "sightline-audit-tool",
        "format_version": 1,
        "name": "Dupes",
        "rating_scale": "zero_ten",
        "sections": [
            {"code": "A", "title": "One", "kind": "rated", "items": [{"code": "A1", "text": "x"}]},
            {"code": "A", "title": "Two", "kind": "rated", "items": [{"code": "A1", "text": "y"}]},
        ],
    }

    with pytest.raises(ToolImportError) as raised:
        tool_version_import(organisation=world.organisation, by=world.qa_lead, data=data)

    assert [e["path"] for e in raised.value.extra["errors"]] == [
        "sections[1].code",
        "sections[1].items[0].code",
    ]
