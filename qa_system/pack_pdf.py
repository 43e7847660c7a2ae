"""The self-evaluation pack as a PDF (WeasyPrint), made without the network.

WeasyPrint would fetch any URL a document names (stylesheets, images, fonts). The pack's
fetcher serves only the project's own static files, found by Django's static file
finders, under one made-up origin; anything else (http, https, file, data...) is refused,
so a rendering never leaves the machine or reads a file outside the static files.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The documents' base: relative and /static/ URLs resolve under it.
BASE_URL = "https://pack.sightline.invalid/"
STATIC_PREFIX = f"{BASE_URL}static/"


class StaticOnlyFetcher(URLFetcher):
    """Serves our static files and nothing else."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.startswith(STATIC_PREFIX):
            raise ValueError(f"The pack only loads its own static files, not {url[:60]}")
        relative = url.removeprefix(STATIC_PREFIX).split("?", 1)[0].split("#", 1)[0]
        if ".." in Path(relative).parts:
            raise ValueError("The pack only loads its own static files.")
        found = finders.find(relative)
        if not found or isinstance(found, list):
            raise ValueError(f"No static file {relative}")
        content_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, Path(found).read_bytes(), headers={"Content-Type": content_type}
        )


def pack_pdf(*, context: dict[str, Any]) -> bytes:
    """The pack's PDF, from the print template and the pack's context."""
    html = render_to_string("qa_system/pack_print.html", context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    pdf: bytes = document.write_pdf()
    return pdf
