"""The printable summary of an audit and its PDF (WeasyPrint, `audits.pdf`: our own
template and stylesheet, no network fetches). The PDF's file name carries the audit's
number only; the download is written to the access log."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from audits.models import FINISHED_STATES, Audit, AuditRating, Grade
from audits.selectors import audit_get_for_user, scale_choices
from audits.views_audit import context_rows
from audits.views_common import may_see_child_id, viewed_audit
from organisation.models import AccessLogEntry
from organisation.services import access_log_record


def _label(value: str, choices: list[tuple[str, str]]) -> str:
    return dict(choices).get(value, value)


def summary_context(request: HttpRequest, audit: Audit) -> dict[str, Any]:
    """Everything of the audit, section by section, for the summary and the PDF."""
    ratings = {r.item_id: r for r in AuditRating.objects.filter(audit=audit)}
    scale = audit.tool_version.rating_scale
    sections = []
    for section in audit.tool_version.sections.prefetch_related("items"):
        rows = []
        for item in section.items.all():
            choices = scale_choices(item.scale(scale))
            rating = ratings.get(item.pk)
            rows.append({
                "item": item,
                "practitioner": _label(rating.practitioner_rating, choices) if rating else "",
                "practitioner_comment": rating.practitioner_comment if rating else "",
                "auditor": _label(rating.auditor_rating, choices) if rating else "",
                "auditor_comment": rating.auditor_comment if rating else "",
                "agreed": _label(rating.agreed_rating, choices) if rating else "",
                "agreed_comment": rating.agreed_comment if rating else "",
                "disagrees": bool(rating and rating.disagrees),
            })  # fmt: skip
        sections.append({"section": section, "rows": rows})
    moderation = getattr(audit, "moderation", None)
    return {
        "audit": audit,
        "sections": sections,
        "context_rows": context_rows(audit),
        "grade_label": Grade(audit.overall_grade).label if audit.overall_grade else "",
        "moderation": moderation,
        "original_grade_label": Grade(moderation.original_grade).label
        if moderation and moderation.original_grade
        else "",
        "actions": list(audit.actions.select_related("owner")),
        "escalations": list(audit.escalations.select_related("raised_by__staff_member",
                                                             "acknowledged_by__staff_member")),
        "show_child_id": may_see_child_id(request.user, audit),
        "finished": audit.state in FINISHED_STATES,
    }  # fmt: skip


@login_required
@require_GET
def audit_summary(request: HttpRequest, pk: int) -> HttpResponse:
    audit = viewed_audit(request, pk, "audits:summary")
    return render(request, "audits/audit_summary.html", summary_context(request, audit))


@login_required
@require_GET
def audit_summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary of a completed audit as a PDF. An audit under way has no PDF (a copy
    could travel as if it were final): the printable page shows it as it stands."""
    audit = audit_get_for_user(user=request.user, pk=pk)
    if audit.state not in FINISHED_STATES:
        messages.info(request, "The PDF is there once the audit is completed.")
        return redirect("audits:summary", pk=audit.pk)
    access_log_record(
        user=request.user,  # type: ignore[arg-type]
        obj=audit,
        route="audits:summary_pdf",
        action=AccessLogEntry.Action.DOWNLOAD,
    )
    html = render_to_string(
        "audits/audit_summary_pdf.html", summary_context(request, audit), request=request
    )
    from audits.pdf import pdf_from_html  # WeasyPrint is loaded only when a PDF is made

    response = HttpResponse(pdf_from_html(html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="audit-{audit.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
