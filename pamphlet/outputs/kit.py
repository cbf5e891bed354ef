"""The outputs beside the reading PDF for the press and the meeting: the PDF/X press file,
the wraparound cover of a perfect-bound book, the calendar file and the printer test sheet."""

from __future__ import annotations

from pathlib import Path

from ..book.assemble import Pamphlet
from ..diagnostics import Diagnostics
from ..project.eventkit import event_warnings
from ..project.filenames import kit_names
from ..book.layouts import Layout
from ..project.spec import Spec
from .calendar import write_calendar
from ..engine.pdf import PdfResult, render_pdf
from .press import press_css, save_press
from .wrap import interior, write_cover
from .testsheet import write_test_sheet


def kit_outputs(spec: Spec, pamphlet: Pamphlet, layout: Layout, pdf: PdfResult, scratch: Path,
                diagnostics: Diagnostics, notes: list[str]) -> None:
    """Make every file `kit_names` lists, and the press PDF, in `scratch`."""
    settings = spec.printing
    event_warnings(spec, diagnostics)
    if settings and "press" in settings.variants:
        press_pdf(pamphlet, layout, scratch / f"{spec.stem}-press.pdf", diagnostics)
    for name in kit_names(spec):
        target = scratch / name
        if name.endswith("-cover.pdf"):
            notes.append(write_cover(pamphlet, layout, pdf.path, target, diagnostics))
        elif name.endswith("-test-sheet.pdf"):
            write_test_sheet(settings, spec.pdf.page_size, target)
        else:
            write_calendar(spec, pamphlet.identifier, target)


def press_pdf(pamphlet: Pamphlet, layout: Layout, target: Path,
              diagnostics: Diagnostics) -> None:
    """The reading PDF again, laid out with bleed, as PDF/X with crop marks and boxes; for
    a perfect-bound book, only its block."""
    # What WeasyPrint says about this content it has said for the reading PDF, and the
    # collector keeps one of each.
    document = render_pdf(pamphlet, layout, diagnostics, press_css(pamphlet.spec.printing))
    keep = interior(len(document.pages)) if pamphlet.spec.printing.scheme == "perfect" \
        else None
    save_press(document, pamphlet, layout, target, diagnostics, keep)
