"""HTML to PDF with WeasyPrint (needs Pango: the Makefile's ``pango`` target and the
Dockerfile install it). The briefs' print stylesheet is ``static/css/brief.css``."""
from __future__ import annotations

from django.contrib.staticfiles import finders

BRIEF_STYLESHEET = "css/brief.css"


def pdf_from_html(html: str, *, base_url: str) -> bytes:
    """The PDF of ``html`` (relative links resolved against ``base_url``, the portal's
    address, so that links in the PDF open the portal), styled by the brief stylesheet."""
    from weasyprint import CSS, HTML  # imported on use: loading Pango takes a moment

    stylesheet = CSS(filename=finders.find(BRIEF_STYLESHEET))
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=[stylesheet])
