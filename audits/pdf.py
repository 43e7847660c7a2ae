"""Making a PDF from one of our templates with WeasyPrint, with no network fetches.

Imported when a PDF is asked for (WeasyPrint is slow to import and logs as it loads its
own stylesheets), not with the pages.
"""

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The base URL the PDF's relative links resolve against: a reserved name that never
# resolves, so that nothing but our own static files can ever be fetched.
PDF_BASE_URL = "https://sightline.invalid/"


class StaticOnlyFetcher(URLFetcher):
    """Serves our static files to WeasyPrint, and refuses everything else."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        prefix = "/" + settings.STATIC_URL.lstrip("/")
        base = f"{parts.scheme}://{parts.netloc}/"
        if base != PDF_BASE_URL or not parts.path.startswith(prefix):
            raise ValueError(f"Only our static files are fetched, not {url}")
        found = finders.find(parts.path.removeprefix(prefix))
        path = Path(found) if isinstance(found, str) else None
        if path is None or not path.is_file():
            raise ValueError(f"No static file {parts.path}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def pdf_from_html(html: str) -> bytes:
    """The PDF of an HTML page whose stylesheets and images are our static files."""
    pdf: bytes = HTML(
        string=html, base_url=PDF_BASE_URL, url_fetcher=StaticOnlyFetcher()
    ).write_pdf()
    return pdf
