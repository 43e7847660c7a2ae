"""The printable summary and its PDF: a real PDF, the child's ID only for the people who
work the case, nothing identifying in the URL or file name, the download logged, and no
fetch outside our static files."""

import io

import pytest
from pypdf import PdfReader

from audits.models import AuditState
from audits.pdf import PDF_BASE_URL, StaticOnlyFetcher
from tests.audits.factories import audit_in_state, new_audit
from tests.audits.pages import logged, signed_in, text


def _pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_pdf_of_a_completed_audit_is_a_pdf_with_the_child_id_for_the_auditor(world):
    audit = audit_in_state(world, AuditState.COMPLETED)

    response = signed_in(world.team_manager).get(f"/audits/{audit.pk}/summary.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == f'attachment; filename="audit-{audit.pk}.pdf"'
    content = _pdf_text(response)
    assert f"LA child ID {audit.child.child_id}" in content
    assert "Assessment and mapping" in content
    assert "A clear safety network." in content  # what's working well


def test_the_qa_leads_pdf_has_the_case_reference_but_not_the_child_id(world):
    audit = audit_in_state(world, AuditState.COMPLETED)

    response = signed_in(world.qa_lead).get(f"/audits/{audit.pk}/summary.pdf")

    content = _pdf_text(response)
    assert audit.child.pseudonym in content
    assert audit.child.child_id not in content


def test_the_download_is_written_to_the_access_log(world):
    audit = audit_in_state(world, AuditState.COMPLETED)

    signed_in(world.practitioner).get(f"/audits/{audit.pk}/summary.pdf")

    assert logged(world.practitioner, "audits:summary_pdf") == [
        ("audits.audit", str(audit.pk), "download")
    ]


def test_an_audit_under_way_has_a_printable_page_but_no_pdf(world):
    audit = new_audit(world)
    client = signed_in(world.practitioner)

    pdf = client.get(f"/audits/{audit.pk}/summary.pdf")
    page = client.get(f"/audits/{audit.pk}/summary/")

    assert pdf.status_code == 302
    assert pdf["Location"] == f"/audits/{audit.pk}/summary/"
    assert logged(world.practitioner, "audits:summary_pdf") == []
    assert "This audit is not completed" in text(page)
    assert "govuk-!-display-none-print" in page.content.decode()
    assert logged(world.practitioner, "audits:summary") == [("audits.audit", str(audit.pk), "view")]


def test_the_pdf_fetcher_serves_our_static_files_only():
    fetcher = StaticOnlyFetcher()

    stylesheet = fetcher.fetch(f"{PDF_BASE_URL}static/css/audit-print.css")

    assert stylesheet.read().startswith(b"/* The case audit summary")
    for url in (
        "https://example.org/static/css/audit-print.css",
        f"{PDF_BASE_URL}media/secret.txt",
        f"{PDF_BASE_URL}static/css/nothing-here.css",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError, match="static"):
            fetcher.fetch(url)
