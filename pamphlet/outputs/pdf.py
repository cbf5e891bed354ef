"""The reading PDF: the layout's HTML and CSS rendered by WeasyPrint (the only module that imports it).

Diagnostic codes: O501 WeasyPrint reported a problem (warning), O503 the render failed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from ..assemble import Pamphlet
from ..atomic import atomic_output
from ..diagnostics import Diagnostics, fail
from ..layouts import Layout
from ..markup import print_html


@dataclass(frozen=True)
class PdfResult:
    path: Path
    pages: int


def render_html(pamphlet: Pamphlet, layout: Layout) -> str:
    """The whole pamphlet as one HTML document for print."""
    link_notes = pamphlet.spec.pdf.link_notes
    bodies = {chapter.anchor: print_html(chapter.body, link_notes) for chapter in pamphlet.chapters}
    if pamphlet.intro is not None:
        bodies["introduction"] = print_html(pamphlet.intro, link_notes)
    return layout.render("pamphlet.html", pamphlet=pamphlet, bodies=bodies,
                         settings=pamphlet.spec.pdf)


def write_pdf(pamphlet: Pamphlet, layout: Layout, target: Path,
              diagnostics: Diagnostics) -> PdfResult:
    """Render the reading PDF to `target`, atomically."""
    html = render_html(pamphlet, layout)
    with _weasyprint_log(diagnostics, pamphlet.spec.path):
        try:
            document = HTML(string=html, base_url=f"{pamphlet.spec.root}/").render(
                stylesheets=[CSS(filename=str(path), font_config=_FONTS)
                             for path in layout.stylesheets("print")],
                font_config=_FONTS)
        except (OSError, ValueError) as error:
            raise fail("O503", f"the PDF could not be rendered: {error}", pamphlet.spec.path,
                       hint="check the layout's CSS and the essays' images") from None
        with atomic_output(target) as temporary:
            document.write_pdf(str(temporary))
    return PdfResult(target, len(document.pages))


_FONTS = FontConfiguration()
# WeasyPrint's notes about its own installation, which a pamphlet's author cannot act on.
_NOT_THE_USERS_CONCERN = ("Using fontTools instead of HarfBuzz-Subset",)


class _LogCollector(logging.Handler):
    def __init__(self, diagnostics: Diagnostics, path: Path):
        super().__init__(logging.WARNING)
        self.diagnostics, self.path = diagnostics, path

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(_NOT_THE_USERS_CONCERN):
            self.diagnostics.warning("O501", f"WeasyPrint: {message}", self.path)


class _weasyprint_log:
    """Turn WeasyPrint's logged warnings into diagnostics while a render runs."""

    def __init__(self, diagnostics: Diagnostics, path: Path):
        self.handler = _LogCollector(diagnostics, path)
        self.logger = logging.getLogger("weasyprint")

    def __enter__(self):
        self.logger.addHandler(self.handler)
        self.propagate, self.logger.propagate = self.logger.propagate, False

    def __exit__(self, *exc):
        self.logger.removeHandler(self.handler)
        self.logger.propagate = self.propagate
