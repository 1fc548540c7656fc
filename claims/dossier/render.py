"""Step two of the dossier: ``DossierData`` → HTML (a Django template) → PDF/A-3b.

As django-weasyprint does it: render a normal template, then
``HTML(string=..., base_url=..., url_fetcher=...)``. The URL fetcher serves the
stylesheet from ``static/`` on disk through Django's staticfiles finders and refuses
everything else: a dossier never fetches anything over HTTP and never reaches the network,
so it renders the same offline, in a worker, or on a server without outbound access.

The PDF is PDF/A-3b (archival, fonts embedded) with the computation attached as JSON
(``claim-<id>.json``, relationship "Data"), so anyone can re-check the figures by machine.
Its metadata dates come from the claim, not the clock: one claim gives the same bytes.
"""

from __future__ import annotations

import gc
import json
import mimetypes
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from weasyprint import CSS, DEFAULT_OPTIONS, HTML, Attachment
from weasyprint.formatting_structure.boxes import MarginBox
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from claims.dossier.data import DossierData
from claims.dossier.seal import seal_configured
from outages.intervals import BRUSSELS

DOSSIER_TEMPLATE = "claims/dossier/dossier.html"
DOSSIER_STYLESHEET = "css/dossier.css"
PDF_VARIANT = "pdf/a-3b"
#: From this many pages, the garbage of the layout is collected before the file is written
#: (a full collection costs tens of milliseconds: not worth it for a typical dossier).
COLLECT_AFTER_PAGES = 20
#: A dossier whose annex lists more affected consultations than this is laid out in as few
#: parts of at most this many rows as can be, one after the other, and written as one PDF:
#: WeasyPrint keeps every laid-out page until it writes, so one long layout peaks far above
#: its parts (3,000 consultations, a process holding Django and the dossier's data: peak
#: 312 MiB in one piece, 232 MiB in parts; issue 13). Shorter dossiers are laid out in one
#: piece, as before.
PART_ROWS = 200
#: The page-number margin box of ``css/dossier.css`` ("X / Y"): parts are laid out without
#: it, since a part cannot know the total, and it is laid out once for the whole dossier.
PAGE_NUMBER_BOX = "@bottom-right"
#: Relative URLs of the template (``{% static %}`` gives ``/static/...``) resolve against
#: this base, so the fetcher only ever sees ``file:///static/...`` for our own files.
BASE_URL = "file:///"


class DossierResourceRefused(ValueError):
    """The dossier asked for something that is not one of our static files."""


class StaticFilesFetcher(URLFetcher):
    """Our static files from disk; nothing else, never over the network.

    ``fail_on_errors``: a refused or missing resource stops the rendering instead of
    giving a dossier that silently lacks its stylesheet.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=True)

    def static_name(self, url: str) -> str:
        """The static file name that ``url`` designates; refuses any other URL."""
        static_url = settings.STATIC_URL
        if static_url.startswith(("http://", "https://", "//")):
            # A CDN in production: {% static %} writes that URL, but the file is ours and
            # on disk, so it is read there and the CDN is never asked.
            if not url.startswith(static_url):
                raise DossierResourceRefused(f"Not a static file of the project: {url}")
            path = "/" + url.removeprefix(static_url)
            prefix = "/"
        else:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise DossierResourceRefused(f"The dossier fetches no URL: {url}")
            path = unquote(parts.path)
            prefix = "/" + static_url.strip("/") + "/"
        if not path.startswith(prefix):
            raise DossierResourceRefused(f"Not a static file of the project: {url}")
        name = path.removeprefix(prefix)
        if not name or ".." in PurePosixPath(name).parts:
            raise DossierResourceRefused(f"Not a static file of the project: {url}")
        return name

    def static_path(self, name: str) -> Path:
        found = finders.find(name)
        if not found and Path(settings.STATIC_ROOT).is_dir():
            # After collectstatic, {% static %} may write a hashed name that only the
            # collected folder holds.
            candidate = Path(staticfiles_storage.path(name))
            if candidate.is_file():
                found = str(candidate)
        if not found:
            raise DossierResourceRefused(f"No static file {name!r}.")
        return Path(found)

    def fetch(self, url, headers=None):
        name = self.static_name(url)
        path = self.static_path(name)
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def _associate_files_once(document, pdf) -> None:
    """WeasyPrint 70 lists the attachment twice in the catalogue's /AF (once from the
    embedded-files tree, once from the file specifications); PDF/A-3 wants each
    associated file once."""
    associated = pdf.catalog.get("AF")
    if associated:
        associated[:] = list(dict.fromkeys(associated))


@dataclass(frozen=True)
class DossierPart:
    """One part of the dossier to lay out: the affected consultations it lists, and whether
    it carries the sections before the annex rows (``first``) and after them (``last``)."""

    rows: Sequence
    first: bool = True
    last: bool = True


def dossier_parts(data: DossierData) -> list[DossierPart]:
    """The whole dossier in one part, or, past ``PART_ROWS`` affected consultations, the
    annex rows cut in as few parts of at most ``PART_ROWS`` as can be, of equal size (204
    rows: two of 102, not 200 and 4). Each part after the first starts a page with the
    table's header row, as a long table does on every page anyway."""
    rows = data.affected_consultations
    if len(rows) <= PART_ROWS:
        return [DossierPart(rows)]
    count = -(-len(rows) // PART_ROWS)
    size = -(-len(rows) // count)
    starts = range(0, len(rows), size)
    return [
        DossierPart(rows[start : start + size], first=start == 0, last=start == starts[-1])
        for start in starts
    ]


def dossier_html(
    data: DossierData, *, link_stylesheet: bool = False, part: DossierPart | None = None
) -> str:
    """The dossier as HTML, in the doctor's language, times in Europe/Brussels.

    The stylesheet is not linked: ``html_to_pdf`` applies it parsed once per process.
    ``link_stylesheet`` gives the self-contained page (what bare WeasyPrint would render,
    the benchmark's anchor). ``part``: only that part of the dossier (all of it if none)."""
    with translation.override(data.language), timezone.override(BRUSSELS):
        # A stored dossier is sealed after rendering when a certificate is configured; the
        # cover and the document properties say which, so an unsealed one is never taken
        # for a sealed one.
        sealed = seal_configured() and not data.is_draft
        verify_url = settings.SITE_URL + reverse("verify")
        return render_to_string(
            DOSSIER_TEMPLATE,
            {
                "data": data,
                "part": part or DossierPart(data.affected_consultations),
                "sealed": sealed,
                "verify_url": verify_url,
                "link_stylesheet": link_stylesheet,
            },
        )


def dossier_attachment_json(data: DossierData) -> str:
    return json.dumps(data.attachment, ensure_ascii=False, indent=2) + "\n"


@lru_cache(maxsize=2)
def _stylesheet(path: str, mtime: float) -> tuple[CSS, FontConfiguration]:
    # Parsed once per process (and again if the file changes), with the font configuration
    # every render then shares: part of WeasyPrint's fixed cost per dossier (issue 13).
    fonts = FontConfiguration()
    css = CSS(
        string=Path(path).read_text(encoding="utf-8"),
        base_url=BASE_URL + settings.STATIC_URL.lstrip("/"),
        url_fetcher=StaticFilesFetcher(),
        font_config=fonts,
    )
    return css, fonts


def dossier_stylesheet() -> tuple[CSS, FontConfiguration]:
    path = StaticFilesFetcher().static_path(DOSSIER_STYLESHEET)
    return _stylesheet(str(path), path.stat().st_mtime)


@contextmanager
def _fewer_collections():
    """Python's cyclic garbage collector, run less often while WeasyPrint lays out.

    A dossier allocates hundreds of thousands of short-lived objects (boxes, styles) with
    few cycles; at the default threshold (700) a collection runs every few hundred, and
    the older generations, which hold all of Django and WeasyPrint, get scanned again and
    again: about a fifth of a typical dossier's time in a profile. Restored afterwards.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(50_000, threshold[1], threshold[2])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def data_attachment(string: str, *, name: str, description: str, dated: datetime) -> Attachment:
    """A file attached to a PDF/A-3b as its data (relationship "Data"), dated ``dated``:
    without dates WeasyPrint writes "now", so one input would not give the same bytes; it
    writes them with a "Z", so they are given in UTC."""
    dated = dated.astimezone(UTC)
    return Attachment(
        string=string,
        name=name,
        description=description,
        relationship="Data",
        created=dated,
        modified=dated,
        url_fetcher=StaticFilesFetcher(),
    )


def _pdf_options(data: DossierData, stylesheet: CSS) -> dict:
    """WeasyPrint's options for the dossier: its stylesheet, PDF/A-3b, the JSON attached,
    dated by the claim."""
    attachment = data_attachment(
        dossier_attachment_json(data),
        name=data.attachment_name,
        description=f"claim_summary and breakdown of claim {data.claim_id}",
        dated=data.issued_at,
    )
    return {
        **DEFAULT_OPTIONS,
        "stylesheets": [stylesheet],
        "pdf_variant": PDF_VARIANT,
        "attachments": [attachment],
    }


def html_to_pdf(html: str, data: DossierData) -> bytes:
    """The HTML of ``dossier_html`` to PDF/A-3b with its attachment (WeasyPrint, with the
    dossier's stylesheet and fonts prepared once per process)."""
    stylesheet, fonts = dossier_stylesheet()
    fetcher = StaticFilesFetcher()
    # What ``HTML.write_pdf`` does (the same bytes), in its two steps, so that a long
    # dossier's garbage can be collected in between.
    options = _pdf_options(data, stylesheet)
    with _fewer_collections():
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
            font_config=fonts, **options
        )
        if len(document.pages) >= COLLECT_AFTER_PAGES:
            # Laying out leaves the box tree it started from, the styles and its own state
            # as cyclic garbage (about 50 MiB at 3,000 consultations). Left there, the file
            # is written on top of it and the process peaks above its layout; collected
            # first, the peak is the layout's (issue 13).
            gc.collect()
        return document.write_pdf(None, 1, _associate_files_once, **options)


@lru_cache(maxsize=1)
def _without_page_numbers() -> CSS:
    return CSS(string=f"@page {{ {PAGE_NUMBER_BOX} {{ content: none }} }}")


def parts_to_pdf(parts: Sequence[str], data: DossierData) -> bytes:
    """The HTML of several ``dossier_html`` parts to one PDF/A-3b, as ``html_to_pdf`` would
    write their concatenation: one file, one outline, links between the parts, the
    dossier's metadata and attachment, pages numbered "X / Y" over the whole.

    Each part is laid out on its own and its layout garbage collected before the next, so
    the process peaks at the pages kept plus one part's layout, not at one long layout.
    The pages of all parts are then written together by WeasyPrint (``Document.copy``, its
    documented way of joining documents): links and bookmarks resolve across parts.
    """
    stylesheet, fonts = dossier_stylesheet()
    fetcher = StaticFilesFetcher()
    options = _pdf_options(data, stylesheet)
    unnumbered = {**options, "stylesheets": [stylesheet, _without_page_numbers()]}
    documents = []
    for html in parts:
        with _fewer_collections():
            documents.append(
                HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
                    font_config=fonts, **unnumbered
                )
            )
        gc.collect()
    pages = [page for document in documents for page in document.pages]
    _number_pages(pages, fonts, options)
    return documents[0].copy(pages).write_pdf(None, 1, _associate_files_once, **options)


def _number_pages(pages: list, fonts: FontConfiguration, options: dict) -> None:
    """Give each page the page-number box it would have had in one document.

    A document of as many empty pages, with the dossier's stylesheet, lays out the boxes
    "1 / Y" to "Y / Y" (the page geometry is the same: one ``@page`` rule); each is added
    to the page of the same number."""
    empty_pages = '<div style="break-after: page"></div>' * (len(pages) - 1) + "<div></div>"
    numbered = HTML(string=f"<!doctype html><html><body>{empty_pages}</body></html>").render(
        font_config=fonts, **options
    )
    for page, numbered_page in zip(pages, numbered.pages, strict=True):
        number_boxes = tuple(
            box
            for box in numbered_page._page_box.children
            if isinstance(box, MarginBox) and box.at_keyword == PAGE_NUMBER_BOX
        )
        page._page_box.children = (*page._page_box.children, *number_boxes)


def page_pdf(html: str, *, attachment: Attachment | None = None) -> bytes:
    """Another of our pages to PDF (batch summary, membership estimate, SLA report): its
    HTML links its own stylesheet, which the static-files fetcher reads from disk. With an
    ``attachment`` (``data_attachment``), PDF/A-3b with that data attached,
    as the dossier."""
    fetcher = StaticFilesFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    if attachment is None:
        return document.write_pdf()
    return document.write_pdf(
        pdf_variant=PDF_VARIANT, attachments=[attachment], finisher=_associate_files_once
    )


def dossier_pdf(data: DossierData) -> bytes:
    """The dossier's PDF/A-3b bytes: laid out in one piece, or in parts when long."""
    parts = dossier_parts(data)
    if len(parts) == 1:
        return html_to_pdf(dossier_html(data), data)
    return parts_to_pdf([dossier_html(data, part=part) for part in parts], data)
