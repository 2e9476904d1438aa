"""HTML to PDF with WeasyPrint (needs Pango: the Makefile's ``pango`` target and the
Dockerfile install it). The briefs' print stylesheet is ``static/css/brief.css``.

The stylesheet is parsed once per process (with the font configuration it is bound to),
not on every brief: it is the same file for every brief. A brief is made in two steps,
so that ``benchmarks/briefs.py`` can time them apart: :func:`brief_document` (HTML
parse, cascade and layout into pages) and :func:`pdf_of` (drawing the pages into a PDF).
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from django.contrib.staticfiles import finders

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.document import Document
    from weasyprint.text.fonts import FontConfiguration

BRIEF_STYLESHEET = "css/brief.css"


@lru_cache(maxsize=1)
def brief_stylesheet() -> tuple[CSS, FontConfiguration]:
    """The parsed brief stylesheet and the font configuration it was parsed with (the
    stylesheet has no ``@font-face``; the configuration is shared so that fonts found
    once are not looked up again)."""
    from weasyprint import CSS  # imported on use: loading Pango takes a moment
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return CSS(filename=finders.find(BRIEF_STYLESHEET), font_config=fonts), fonts


def brief_document(html: str, *, base_url: str) -> Document:
    """``html`` laid out in pages by the brief stylesheet (relative links resolved against
    ``base_url``, the portal's address, so that links in the PDF open the portal)."""
    from weasyprint import HTML

    stylesheet, fonts = brief_stylesheet()
    return HTML(string=html, base_url=base_url).render(stylesheets=[stylesheet], font_config=fonts)


def pdf_of(document: Document) -> bytes:
    """The PDF of a laid-out ``document`` (fonts embedded as subsets of the glyphs used)."""
    return document.write_pdf()


def pdf_from_html(html: str, *, base_url: str) -> bytes:
    """The PDF of ``html`` styled by the brief stylesheet (:func:`brief_document`)."""
    return pdf_of(brief_document(html, base_url=base_url))
