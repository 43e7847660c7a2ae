"""Audit tools (QA leads): the list, a tool and its versions, creating a tool, starting a
draft, publishing it, and a version's JSON export and import.

A tool of another organisation does not exist (404); people of the organisation who are
not QA leads are refused (403): the tool pages are where the programme is run from.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audits.forms import ToolCreateForm, ToolEditForm, ToolImportForm
from audits.models import AuditTool, AuditToolVersion
from audits.selectors_work import (
    tool_get_for_user,
    tool_list_for_user,
    tool_version_current,
    tool_version_draft,
    tool_version_get_for_user,
)
from audits.services_tool_json import ToolImportError, tool_version_export, tool_version_import
from audits.services_tools import (
    tool_create,
    tool_draft_get_or_create,
    tool_update,
    tool_version_publish,
)
from audits.views_common import form_error, posted, require_qa_lead
from organisation.models import Organisation
from qa_system.errors import ApplicationError


@login_required
@require_GET
def tool_list(request: HttpRequest) -> HttpResponse:
    require_qa_lead(request)
    tools = tool_list_for_user(user=request.user).prefetch_related("versions")
    rows = [
        (tool, tool_version_current(tool=tool), tool_version_draft(tool=tool)) for tool in tools
    ]
    return render(request, "audits/tool_list.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def tool_new(request: HttpRequest) -> HttpResponse:
    organisation_id = require_qa_lead(request)
    form = ToolCreateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            tool = tool_create(
                organisation=Organisation.objects.get(pk=organisation_id),
                by=request.user,
                **form.cleaned_data,
            )
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{tool.name} is created. Add its sections, then publish it.")
            draft = tool_version_draft(tool=tool)
            if draft is not None:
                return redirect("audits:tool_version", pk=draft.pk)
            return redirect("audits:tool_detail", pk=tool.pk)
    return render(request, "audits/tool_form.html", {"form": form, "tool": None})


@login_required
@require_GET
def tool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tool = tool_get_for_user(user=request.user, pk=pk)
    require_qa_lead(request)
    return render(
        request,
        "audits/tool_detail.html",
        {
            "tool": tool,
            "versions": tool.versions.select_related("published_by__staff_member"),
            "current": tool_version_current(tool=tool),
            "draft": tool_version_draft(tool=tool),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tool_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tool = tool_get_for_user(user=request.user, pk=pk)
    require_qa_lead(request)
    initial = {"name": tool.name, "description": tool.description}
    form = ToolEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tool_update(tool=tool, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "The tool's name and description are saved.")
            return redirect("audits:tool_detail", pk=tool.pk)
    return render(request, "audits/tool_form.html", {"form": form, "tool": tool})


@login_required
@require_POST
def tool_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the tool's draft, starting one from the latest published version if needed."""
    tool = tool_get_for_user(user=request.user, pk=pk)
    require_qa_lead(request)
    try:
        draft = tool_draft_get_or_create(tool=tool, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("audits:tool_detail", pk=tool.pk)
    return redirect("audits:tool_version", pk=draft.pk)


@login_required
@require_http_methods(["GET", "POST"])
def tool_version_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    version = tool_version_get_for_user(user=request.user, pk=pk)
    require_qa_lead(request)
    refusal = ""
    if request.method == "POST":
        try:
            tool_version_publish(version=version, by=request.user)
        except ApplicationError as error:
            refusal = error.message
        else:
            messages.success(
                request,
                f"Version {version.number} of {version.tool.name} is published. New audits "
                "use it; audits already under way keep the version they started with.",
            )
            return redirect("audits:tool_detail", pk=version.tool_id)
    return render(request, "audits/tool_publish.html", {"version": version, "refusal": refusal})


@login_required
@require_GET
def tool_version_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    version = tool_version_get_for_user(user=request.user, pk=pk)
    require_qa_lead(request)
    body = json.dumps(tool_version_export(version=version), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-tool-{version.tool_id}-v{version.number}.json"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def tool_import(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Import a tool file: as a new tool, or (with `pk`) as the draft of that tool. Nothing
    is saved when the file has a problem: every problem is listed with where it is."""
    tool: AuditTool | None = tool_get_for_user(user=request.user, pk=pk) if pk else None
    organisation_id = require_qa_lead(request)
    form = ToolImportForm(posted(request), request.FILES or None)
    problems: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            version: AuditToolVersion = tool_version_import(
                organisation=Organisation.objects.get(pk=organisation_id),
                by=request.user,
                data=form.cleaned_data["file"],
                tool=tool,
            )
        except ToolImportError as error:
            problems = list(error.extra.get("errors", []))
            form.add_error("file", f"The file was not imported: {error.message}")
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(
                request, "The file is imported as a draft. Check it, then publish it to use it."
            )
            return redirect("audits:tool_version", pk=version.pk)
    return render(
        request, "audits/tool_import.html", {"form": form, "tool": tool, "problems": problems}
    )
