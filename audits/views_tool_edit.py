"""A tool version's page, and editing a draft: its scale and notes, its sections and
items (add, change, remove, move). Published versions are shown read only; the services
refuse any change to them."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audits.forms import ItemForm, SectionForm, VersionForm
from audits.models import AuditToolItem, AuditToolSection, AuditToolVersion
from audits.selectors_work import tool_version_get_for_user, tool_version_list_for_user
from audits.services_tools import (
    PUBLISHED_MESSAGE,
    tool_item_add,
    tool_item_delete,
    tool_item_move,
    tool_item_update,
    tool_section_add,
    tool_section_delete,
    tool_section_move,
    tool_section_update,
    tool_version_update,
)
from audits.views_common import form_error, posted, require_qa_lead
from qa_system.errors import ApplicationError


def _section_for(request: HttpRequest, pk: int) -> AuditToolSection:
    """A section of a tool version the person may see (404 otherwise); QA leads only."""
    section = get_object_or_404(
        AuditToolSection.objects.select_related("version__tool"),
        pk=pk,
        version__in=tool_version_list_for_user(user=request.user),
    )
    require_qa_lead(request)
    return section


def _item_for(request: HttpRequest, pk: int) -> AuditToolItem:
    item = get_object_or_404(
        AuditToolItem.objects.select_related("section__version__tool"),
        pk=pk,
        section__version__in=tool_version_list_for_user(user=request.user),
    )
    require_qa_lead(request)
    return item


def _published(request: HttpRequest, version: AuditToolVersion) -> HttpResponse | None:
    """A published version cannot change: back to its page, saying so."""
    if version.is_draft:
        return None
    messages.error(request, PUBLISHED_MESSAGE)
    return _back(version)


def _back(version: AuditToolVersion, anchor: str = "") -> HttpResponse:
    response = redirect("audits:tool_version", pk=version.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@login_required
@require_GET
def tool_version(request: HttpRequest, pk: int) -> HttpResponse:
    version = tool_version_get_for_user(user=request.user, pk=pk)
    require_qa_lead(request)
    sections = version.sections.prefetch_related("items")
    return render(
        request,
        "audits/tool_version.html",
        {
            "version": version,
            "tool": version.tool,
            "sections": sections,
            "scale_label": version.get_rating_scale_display(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def tool_version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = tool_version_get_for_user(user=request.user, pk=pk)
    require_qa_lead(request)
    if refused := _published(request, version):
        return refused
    initial = {"rating_scale": version.rating_scale, "notes": version.notes}
    form = VersionForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tool_version_update(version=version, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, "The version's scale and notes are saved.")
            return _back(version)
    return _form_page(request, form, version, "Scale and notes", "Save")


def _form_page(
    request: HttpRequest, form: Any, version: AuditToolVersion, title: str, button: str
) -> HttpResponse:
    return render(
        request,
        "audits/tool_part_form.html",
        {"form": form, "version": version, "title": title, "button": button},
    )


@login_required
@require_http_methods(["GET", "POST"])
def tool_section_new(request: HttpRequest, pk: int) -> HttpResponse:
    version = tool_version_get_for_user(user=request.user, pk=pk)
    require_qa_lead(request)
    if refused := _published(request, version):
        return refused
    form = SectionForm(posted(request), initial={"kind": "rated"})
    if request.method == "POST" and form.is_valid():
        try:
            section = tool_section_add(version=version, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Section {section.code} is added.")
            return _back(version, f"section-{section.pk}")
    return _form_page(request, form, version, "Add a section", "Add the section")


@login_required
@require_http_methods(["GET", "POST"])
def tool_section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section_for(request, pk)
    if refused := _published(request, section.version):
        return refused
    initial = {name: getattr(section, name) for name in ("code", "title", "kind", "guidance")}
    form = SectionForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tool_section_update(section=section, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Section {section.code} is saved.")
            return _back(section.version, f"section-{section.pk}")
    return _form_page(request, form, section.version, f"Section {section.code}", "Save")


@login_required
@require_http_methods(["GET", "POST"])
def tool_section_remove(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section_for(request, pk)
    if refused := _published(request, section.version):
        return refused
    if request.method == "POST":
        try:
            tool_section_delete(section=section, by=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Section {section.code} is removed.")
        return _back(section.version)
    return render(
        request,
        "audits/tool_part_delete.html",
        {
            "version": section.version,
            "what": f"section {section.code}. {section.title}",
            "count": section.items.count(),
        },  # fmt: skip
    )


@login_required
@require_POST
def tool_section_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section_for(request, pk)
    try:
        tool_section_move(section=section, by=request.user, up=request.POST.get("to") == "up")
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back(section.version, f"section-{section.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def tool_item_new(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section_for(request, pk)
    if refused := _published(request, section.version):
        return refused
    form = ItemForm(posted(request), initial={"rating_scale": ""})
    if request.method == "POST" and form.is_valid():
        try:
            item = tool_item_add(section=section, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Item {item.code} is added.")
            return _back(section.version, f"item-{item.pk}")
    return _form_page(
        request, form, section.version, f"Add an item to section {section.code}", "Add the item"
    )


@login_required
@require_http_methods(["GET", "POST"])
def tool_item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for(request, pk)
    if refused := _published(request, item.section.version):
        return refused
    initial = {name: getattr(item, name) for name in ("code", "text", "guidance", "rating_scale")}
    form = ItemForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tool_item_update(item=item, by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"Item {item.code} is saved.")
            return _back(item.section.version, f"item-{item.pk}")
    return _form_page(request, form, item.section.version, f"Item {item.code}", "Save")


@login_required
@require_http_methods(["GET", "POST"])
def tool_item_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for(request, pk)
    if refused := _published(request, item.section.version):
        return refused
    version = item.section.version
    if request.method == "POST":
        try:
            tool_item_delete(item=item, by=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Item {item.code} is removed.")
        return _back(version, f"section-{item.section_id}")
    return render(
        request,
        "audits/tool_part_delete.html",
        {"version": version, "what": f"item {item.code}", "count": 0},
    )


@login_required
@require_POST
def tool_item_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item_for(request, pk)
    try:
        tool_item_move(item=item, by=request.user, up=request.POST.get("to") == "up")
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back(item.section.version, f"item-{item.pk}")
