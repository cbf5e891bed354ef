"""The outputs beside the reading PDF for the press and the meeting: the PDF/X press file,
the wraparound cover of a perfect-bound book, the calendar file and the printer test sheet."""

from __future__ import annotations

from pathlib import Path

from ..book.assemble import Pamphlet
from ..diagnostics import Diagnostics
from ..project.eventkit import event_warnings
from ..project.filenames import kit_names
from ..book.layouts import Layout
from ..locale.words import Words
from ..project.printing import page_multiple
from ..project.spec import Spec
from ..engine.pdf import PdfResult, render_pdf


def kit_outputs(spec: Spec, pamphlet: Pamphlet, layout: Layout, pdf: PdfResult, scratch: Path,
                diagnostics: Diagnostics, notes: list[str]) -> None:
    """Make every file `kit_names` lists, and the press PDF, in `scratch`."""
    # Each writer is imported when its file is asked for: most books ask for none, and
    # pypdf and icalendar cost a plain book's build a good part of its imports.
    settings = spec.printing
    event_warnings(spec, diagnostics)
    if settings and "press" in settings.variants:
        notes.append(press_pdf(pamphlet, layout, scratch / f"{spec.stem}-press.pdf",
                               diagnostics))
    for name in kit_names(spec):
        target = scratch / name
        if name.endswith("-cover.pdf"):
            from .wrap import write_cover
            notes.append(write_cover(pamphlet, layout, pdf.path, target, diagnostics))
        elif name.endswith("-test-sheet.pdf"):
            from .testsheet import write_test_sheet
            write_test_sheet(settings, spec.pdf.page_size, target, pamphlet.words)
        else:
            from .calendar import write_calendar
            write_calendar(spec, pamphlet.identifier, target, pamphlet.words)


def press_pdf(pamphlet: Pamphlet, layout: Layout, target: Path,
              diagnostics: Diagnostics) -> str:
    """The reading PDF again, laid out with bleed, as PDF/X with crop marks and boxes; for
    a perfect-bound book, only its block. Its pages are made up with blanks to the
    printer's multiple (page_multiple: even for a bound book, four for a stapled one): at
    the end of a block, else before the colophon, so the back cover stays last. Returns
    the plan's line for it."""
    from .press import press_css, save_press
    from .wrap import interior

    settings = pamphlet.spec.printing
    # What WeasyPrint says about this content it has said for the reading PDF, and the
    # collector keeps one of each.
    document = render_pdf(pamphlet, layout, diagnostics, press_css(settings))
    total = len(document.pages)
    keep = interior(total) if settings.scheme == "perfect" else range(total)
    if settings.scheme == "perfect":
        at = len(keep)
    else:  # before the colophon (or, in a layout without one, the back cover)
        at = next((number for number, page in enumerate(document.pages)
                   if "colophon" in page.anchors), total - 1)
    blanks = -len(keep) % page_multiple(settings)
    save_press(document, pamphlet, layout, target, diagnostics, keep, (at, blanks))
    return f"press: {_pages(pamphlet.words, len(keep) + blanks, blanks, at == len(keep))}, " \
           f"PDF/{settings.pdfx.upper()}"


def _pages(words: Words, pages: int, blanks: int, at_the_end: bool) -> str:
    """'28 pages (with 2 blank before the colophon)', in the book's language."""
    shown = words.npgettext("plan_pages", "%(num)s page", "%(num)s pages", pages)
    if not blanks:
        return shown
    if at_the_end:
        # TRANSLATORS: in the press file's line of the print plan: "28 pages (with 2 blank
        # at the end)", the pages added to make up the printer's multiple.
        return shown + " " + words.npgettext("plan_blank_end", "(with %(num)s blank at the end)",
                                             "(with %(num)s blank at the end)", blanks)
    # TRANSLATORS: as plan_blank_end, for blanks added before the colophon page.
    return shown + " " + words.npgettext(
        "plan_blank_colophon", "(with %(num)s blank before the colophon)",
        "(with %(num)s blank before the colophon)", blanks)
