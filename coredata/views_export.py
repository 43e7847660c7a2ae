"""Downloading a unit's results for a period (CSV or XLSX), as the pages show them."""

import tempfile
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from coredata.selectors import unit_results_for_user
from coredata.services.export import suppress_for_publication, write_export

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
@require_GET
def results_download(request: HttpRequest) -> HttpResponse:
    """`unit_type`, `unit_code`, optional `period_start`/`period_end` (ISO), `format`
    (csv or xlsx) and `publication=1` for the suppressed extract. Units outside the
    user's scope do not exist (404)."""
    unit_type = request.GET.get("unit_type", "")
    unit_code = request.GET.get("unit_code", "")
    file_format = request.GET.get("format", "csv")
    found = unit_results_for_user(
        user=request.user,
        unit_type=unit_type,
        unit_code=unit_code,
        period_start=request.GET.get("period_start"),
        period_end=request.GET.get("period_end"),
    )
    if file_format not in CONTENT_TYPES or found is None or found[0] is None:
        raise Http404
    frame = found[1]
    if request.GET.get("publication") == "1":
        frame = suppress_for_publication(frame)
    name = f"{unit_type}-{unit_code}-results.{file_format}"
    if file_format == "xlsx":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            write_export(frame, path=path, file_format="xlsx")
            content = path.read_bytes()
    else:
        content = write_export(frame, path=None, file_format="csv") or b""
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
