"""The QA lead's tool pages: building a draft, publishing a new version, and the JSON
export and import (problems named, nothing saved on error)."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from audits.models import AuditTool, AuditToolVersion
from audits.services_tools import tool_default_load, tool_draft_get_or_create
from tests.audits.pages import error_summary, signed_in, text


def test_the_qa_lead_builds_a_tool_and_publishes_it(world):
    client = signed_in(world.qa_lead)

    created = client.post(
        "/audits/tools/new/", {"name": "Thematic audit", "rating_scale": "yes_partly_no"}
    )
    draft = AuditToolVersion.objects.get(tool__name="Thematic audit")
    client.post(f"/audits/tools/versions/{draft.pk}/sections/new/",
                {"code": "B", "title": "Planning", "kind": "rated"})  # fmt: skip
    section = draft.sections.get()
    client.post(f"/audits/tools/sections/{section.pk}/items/new/",
                {"code": "B1", "text": "The plan names who does what.",
                 "guidance": "Look at the latest plan.", "rating_scale": ""})  # fmt: skip
    page = text(client.get(f"/audits/tools/versions/{draft.pk}/"))
    published = client.post(f"/audits/tools/versions/{draft.pk}/publish/")

    assert created["Location"] == f"/audits/tools/versions/{draft.pk}/"
    assert "B. Planning" in page
    assert "B1 The plan names who does what. Look at the latest plan." in page
    assert published.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.number) == ("published", 1)


def test_publishing_a_section_without_items_is_refused_with_the_reason(world):
    tool = tool_default_load(organisation=world.organisation)
    draft = tool_draft_get_or_create(tool=tool, by=world.qa_lead)
    client = signed_in(world.qa_lead)
    client.post(f"/audits/tools/versions/{draft.pk}/sections/new/",
                {"code": "L", "title": "Empty", "kind": "rated"})  # fmt: skip

    response = client.post(f"/audits/tools/versions/{draft.pk}/publish/")

    assert response.status_code == 200
    assert error_summary(response) == ["Section L has no items. Add items or remove the section."]
    draft.refresh_from_db()
    assert draft.is_draft


def test_a_new_draft_is_a_copy_and_editing_a_published_version_is_sent_back(world):
    tool = tool_default_load(organisation=world.organisation)
    published = tool.versions.get()
    client = signed_in(world.qa_lead)

    refused = client.get(f"/audits/tools/versions/{published.pk}/sections/new/", follow=True)
    started = client.post(f"/audits/tools/{tool.pk}/draft/")

    assert "This version is published and cannot change" in text(refused)
    draft = tool.versions.get(status="draft")
    assert started["Location"] == f"/audits/tools/versions/{draft.pk}/"
    assert draft.number == 2
    assert draft.sections.count() == published.sections.count()


def test_export_then_import_makes_a_draft_of_the_same_tool(world):
    tool = tool_default_load(organisation=world.organisation)
    client = signed_in(world.qa_lead)

    exported = client.get(f"/audits/tools/versions/{tool.versions.get().pk}/export/")
    data = json.loads(exported.content)
    data["name"] = "Our licensed tool"
    upload = SimpleUploadedFile("tool.json", json.dumps(data).encode(), "application/json")
    imported = client.post("/audits/tools/import/", {"file": upload})

    assert exported["Content-Disposition"].startswith('attachment; filename="audit-tool-')
    assert data["format"] == "sightline-audit-tool"
    new = AuditTool.objects.get(name="Our licensed tool")
    draft = new.versions.get()
    assert imported["Location"] == f"/audits/tools/versions/{draft.pk}/"
    assert draft.is_draft
    assert [s.code for s in draft.sections.all()] == [s["code"] for s in data["sections"]]


def test_a_bad_file_names_each_problem_and_saves_nothing(world):
    tool = tool_default_load(organisation=world.organisation)
    data = json.loads(
        signed_in(world.qa_lead)
        .get(f"/audits/tools/versions/{tool.versions.get().pk}/export/")
        .content
    )
    data["name"] = "Broken"
    data["sections"][1]["items"][0]["rating_scale"] = "stars"
    upload = SimpleUploadedFile("tool.json", json.dumps(data).encode(), "application/json")

    response = signed_in(world.qa_lead).post("/audits/tools/import/", {"file": upload})

    assert response.status_code == 200
    page = text(response)
    assert "sections[1].items[0].rating_scale" in page
    assert "Nothing was saved" in page
    assert error_summary(response)[0].startswith("The file was not imported:")
    assert not AuditTool.objects.filter(name="Broken").exists()


def test_a_file_that_is_not_json_is_refused(world):
    upload = SimpleUploadedFile("tool.json", b"{not json", "application/json")

    response = signed_in(world.qa_lead).post("/audits/tools/import/", {"file": upload})

    assert error_summary(response) == ["The file was not imported: The file is not valid JSON."]
    assert AuditTool.objects.count() == 0
