"""Core data pages: the import pages. Each reads one selector or calls one service."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from coredata.forms import ImportForm
from coredata.models import ImportRun
from coredata.selectors import (
    import_problem_list,
    import_run_get_for_user,
    import_run_list_for_user,
    user_can_import,
)
from coredata.services.imports import import_run_create
from organisation.models import AccessLogEntry
from organisation.selectors import organisation_for_user
from organisation.services import access_log_record


def _require_importer(request: HttpRequest) -> None:
    if not user_can_import(user=request.user):
        raise PermissionDenied


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    runs = import_run_list_for_user(user=request.user)[:100]
    return render(request, "coredata/importrun_list.html", {"runs": runs})


@login_required
@require_http_methods(["GET", "POST"])
def import_create(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        organisation = organisation_for_user(user=request.user)
        assert organisation is not None  # user_can_import checked it  # noqa: S101
        run = import_run_create(
            organisation=organisation,
            user=request.user,  # type: ignore[arg-type]
            uploads=[(f.name, f) for f in form.cleaned_data["files"]],
            kind=form.cleaned_data["kind"] or None,
            collection_year=form.cleaned_data["collection_year"],
        )
        return redirect("coredata:import_detail", pk=run.pk)
    return render(request, "coredata/importrun_form.html", {"form": form})


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = import_run_get_for_user(user=request.user, pk=pk)
    problems = import_problem_list(run=run)
    if run.error_count or run.warning_count:
        # The report quotes values from the files, which may be child IDs.
        access_log_record(user=request.user, obj=run, route="coredata:import_detail")  # type: ignore[arg-type]
    return render(
        request,
        "coredata/importrun_detail.html",
        {
            "run": run,
            "errors": [p for p in problems[:500] if p.level == "error"],
            "warnings": [p for p in problems[:500] if p.level == "warning"],
            "in_progress": run.status in (ImportRun.Status.QUEUED, ImportRun.Status.RUNNING),
        },
    )


@login_required
@require_GET
def import_problems_csv(request: HttpRequest, pk: int) -> HttpResponse:
    run = import_run_get_for_user(user=request.user, pk=pk)
    access_log_record(
        user=request.user,  # type: ignore[arg-type]
        obj=run,
        route="coredata:import_problems_csv",
        action=AccessLogEntry.Action.DOWNLOAD,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-problems.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(["level", "file", "location", "field", "value", "reason"])
    for problem in import_problem_list(run=run).iterator():
        writer.writerow(
            [problem.level, problem.file, problem.location, problem.field, problem.value,
             problem.reason]
        )  # fmt: skip
    return response
