"""HTML to PDF with WeasyPrint, in the worker only.

WeasyPrint can read local files (file://) and the network while rendering, and can embed what it reads
(WeasyPrint docs, "Security"; reliability notes §2.6). The fetcher below serves our bundled static files
(the print stylesheet and the fonts) and refuses everything else, so user text can never pull a file or a
URL into a paper, and no document depends on the fonts installed on the machine.
"""

import logging
import mimetypes
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)

# Documents are rendered as if served from this origin: "/static/css/print.css" becomes
# "https://documents.invalid/static/css/print.css", and only that prefix is ever answered.
# ".invalid" can never resolve (RFC 2606), so even a fetcher bug could not reach the network.
DOCUMENT_ORIGIN = "https://documents.invalid"
SERVED_SUFFIXES = {".css", ".ttf", ".otf", ".woff", ".woff2", ".png", ".svg"}


class RefusedURL(ValueError):
    """The fetcher does not serve this URL (WeasyPrint logs it and leaves the resource out)."""


def static_path_for(url: str) -> Path:
    """The bundled static file a URL names, or RefusedURL. The only URLs answered are
    DOCUMENT_ORIGIN + STATIC_URL + a path that the staticfiles finders (or STATIC_ROOT) resolve."""
    prefix = DOCUMENT_ORIGIN + settings.STATIC_URL
    if not url.startswith(prefix):
        raise RefusedURL(f"refused: {url[:200]}")
    relative = url[len(prefix) :].split("?", 1)[0].split("#", 1)[0]
    if (
        not relative
        or "\\" in relative
        or "%" in relative
        or any(p in ("", ".", "..") for p in relative.split("/"))
    ):
        raise RefusedURL(f"refused: {url[:200]}")
    if Path(relative).suffix.lower() not in SERVED_SUFFIXES:
        raise RefusedURL(f"refused: {url[:200]}")
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation as exc:
        raise RefusedURL(f"refused: {url[:200]}") from exc
    if not found:
        candidate = (Path(settings.STATIC_ROOT) / relative).resolve()
        if Path(settings.STATIC_ROOT).resolve() in candidate.parents and candidate.is_file():
            found = str(candidate)
    if not found:
        raise RefusedURL(f"not a bundled file: {url[:200]}")
    return Path(found)


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = static_path_for(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix == ".ttf":
                content_type = "font/ttf"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher


def url_fetcher():
    """A fresh fetcher for one rendering."""
    return _fetcher_class()()


def document_html(template: str, data: dict) -> str:
    """The HTML of a document from its data only (Vietnamese, whatever the requester's language)."""
    with translation.override("vi"):
        return render_to_string(template, {"doc": data})


def pdf_from_html(
    parts: Iterable[str], *, on_part: Callable[[int], None] | None = None, title: str = ""
) -> tuple[bytes, int]:
    """Render each HTML part as its own document (its own page numbers, its own first page) and join
    them into one PDF whose outline keeps every part's bookmarks. Returns (pdf bytes, page count)."""
    import weasyprint

    fetcher = url_fetcher()
    rendered = []
    for index, html in enumerate(parts):
        document = weasyprint.HTML(string=html, base_url=DOCUMENT_ORIGIN + "/", url_fetcher=fetcher).render()
        rendered.append(document)
        if on_part:
            on_part(index + 1)
    if not rendered:
        raise ValueError("nothing to render")
    pages = [page for document in rendered for page in document.pages]
    joined = rendered[0].copy(pages)
    if title:
        joined.metadata.title = title
    # Attachments are never wanted in our papers; say so explicitly rather than rely on the fetcher alone.
    joined.metadata.attachments = []
    pdf = joined.write_pdf(uncompressed_pdf=False)
    return pdf, len(pages)


def pdf_with_bookmarks(
    parts: Iterable[str], *, on_part: Callable[[int], None] | None = None
) -> tuple[bytes, int, list[list[int | str]]]:
    """Like `pdf_from_html`, for one slice of a long paper (issue #15): also returns every bookmark as
    [CSS bookmark-level, label, page within the slice], so the assembled paper's outline can be rebuilt whole
    (a slice that starts mid-list has nested entries whose parent is in an earlier slice)."""
    import weasyprint

    fetcher = url_fetcher()
    rendered = []
    for index, html in enumerate(parts):
        rendered.append(
            weasyprint.HTML(string=html, base_url=DOCUMENT_ORIGIN + "/", url_fetcher=fetcher).render()
        )
        if on_part:
            on_part(index + 1)
    if not rendered:
        raise ValueError("nothing to render")
    pages = [page for document in rendered for page in document.pages]
    bookmarks: list[list[int | str]] = [
        [level, label, number] for number, page in enumerate(pages) for level, label, *_rest in page.bookmarks
    ]
    joined = rendered[0].copy(pages)
    joined.metadata.attachments = []
    return joined.write_pdf(uncompressed_pdf=False), len(pages), bookmarks
