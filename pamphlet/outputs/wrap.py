"""The wraparound cover of a perfect-bound book (`build/<stem>-cover.pdf`): back, spine and
front on one sheet, with bleed, crop marks and the press file's output intent.

The layout's `cover-wrap.html` (the zine's, for a layout without one) draws it; this module
works out the sizes. The spine is as wide as the book block is thick: the interior's pages,
rounded up to whole sheets, times the paper's thickness, or the pages over the paper's pages
per inch. Spine text turns to the convention of the spec's language.

Diagnostic codes: O561 the spine is too thin for text (warning; the cover has none),
O564 a cover wider than a PDF page can be (a spine metres thick), P177 a perfect-bound spec
without `[print] paper` (warning; 0.1mm paper is assumed).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from ..book.assemble import Pamphlet
from ..store.atomic import atomic_output
from ..diagnostics import Diagnostics, fail
from ..book.layouts import Layout
from ..locale.formats import millimetres
from ..locale.words import Words
from ..project.printing import Paper, PrintSettings, padded, page_multiple
from .impose import PAGE_SIDE, variant_identifier
from ..engine.pdf import PdfResult, render_template
from .press import MARK_ROOM, save_press

_MM = 72 / 25.4
DEFAULT_PAPER = Paper(thickness=0.1 * _MM)  # plain 80 g/m² office paper
MIN_SPINE_TEXT = 6 * _MM  # below about a quarter inch, print-on-demand services ask for none
# Where spine text runs top to bottom: English, Dutch and the Scandinavian languages
# (ANSI/NISO Z39.41, ISO 6357). Most of continental Europe and Latin America print it
# bottom to top.
TOP_TO_BOTTOM = {"en", "nl", "da", "sv", "no", "nb", "nn", "is", "fo", "fi"}
COVER_PAGES = (2, 1)  # pages the wraparound cover replaces: front cover and its back; back cover


def interior(pages: int) -> range:
    """The pages (from 0) of the reading PDF that a perfect-bound book's block holds: all
    but the front cover with its blank back, and the back cover."""
    front, back = COVER_PAGES
    return range(front, pages - back) if pages > front + back else range(pages)


def block_pages(reading_pages: int, settings: PrintSettings) -> tuple[int, int]:
    """The pages of a perfect-bound book's block, and how many of them are blank ones added
    at its end to make them even (or the printer's multiple)."""
    pages = len(interior(reading_pages))
    return padded(pages, page_multiple(settings)), -pages % page_multiple(settings)


def write_block(source: Path, target: Path, settings: PrintSettings) -> PdfResult:
    """The book block of a perfect-bound book: the reading PDF's interior pages, in order,
    and blank pages after them up to an even count (or the printer's multiple): a bound
    leaf has two sides, and print services refuse a block with an odd number of pages."""
    reader = PdfReader(str(source))
    writer = PdfWriter()
    for index in interior(len(reader.pages)):
        writer.add_page(reader.pages[index])
    for _ in range(block_pages(len(reader.pages), settings)[1]):
        writer.add_blank_page()  # the size of the page before it
    if reader.metadata:
        writer.add_metadata({**reader.metadata, "/Producer": "pamphlet (pypdf)"})
    variant_identifier(writer, reader.trailer.get("/ID"), "block")
    with atomic_output(target) as temporary, open(temporary, "wb") as handle:
        writer.write(handle)
    return PdfResult(target, len(writer.pages))


def perfect_plan(reading_pages: int, settings: PrintSettings, words: Words = Words()) -> str:
    """The print plan's line for a perfect-bound book whose reading PDF has `reading_pages`,
    in the book's language."""
    paper = settings.paper or DEFAULT_PAPER
    pages, blanks = block_pages(reading_pages, settings)
    side = words.pgettext("side_right", "right") if settings.binding == "right" else \
        words.pgettext("side_left", "left")
    shown = words.npgettext("plan_pages", "%(num)s page", "%(num)s pages", pages)
    if blanks:
        shown += " " + words.npgettext("plan_blank", "(with %(num)s blank)",
                                       "(with %(num)s blank)", blanks)
    return words.pgettext(
        "plan_perfect", "%(pages)s in reading order for perfect binding, both sides, spine on "
        "the %(side)s (%(spine)s); the wraparound cover is printed apart; %(copies)s",
        pages=shown, side=side, spine=millimetres(paper.spine(pages) / _MM, words.lang),
        copies=words.npgettext("plan_copies", "%(num)s copy", "%(num)s copies",
                               settings.copies))


def too_wide(page_width: float, spine: float, bleed: float) -> bool:
    """Whether a cover with its bleed and marks is wider than a PDF page can be (200 in)."""
    return 2 * page_width + spine + 2 * (bleed + MARK_ROOM) > PAGE_SIDE[1]


def spine_turn(lang: str) -> int:
    """90 (text read top to bottom) or -90 (bottom to top), by the language's convention."""
    return 90 if lang.split("-")[0].lower() in TOP_TO_BOTTOM else -90


def write_cover(pamphlet: Pamphlet, layout: Layout, reading: Path, target: Path,
                diagnostics: Diagnostics) -> str:
    """Render the wraparound cover to `target`; return a line for the print plan."""
    spec, settings = pamphlet.spec, pamphlet.spec.printing
    first = PdfReader(str(reading)).pages
    pages = block_pages(len(first), settings)[0]
    paper = settings.paper
    if paper is None:
        diagnostics.warning("P177", "the spine's width is worked out for 0.1mm paper, as "
                            "[print] paper is not given", spec.path, spec.line_of("print"),
                            hint='add paper = "0.1mm" (a sheet\'s thickness) or paper = '
                                 '"ppi 444" (pages per inch), as your printer quotes it')
        paper = DEFAULT_PAPER
    spine = paper.spine(pages)
    box = first[0].trimbox
    if too_wide(float(box.width), spine, settings.bleed):
        raise fail("O564", f"the cover would be {(2 * float(box.width) + spine) / _MM:,.0f}mm "
                   f"wide ({pages} pages, spine {spine / _MM:,.0f}mm), more than a PDF page can "
                   "be (5,080mm)", spec.path, spec.line_of("print", "paper"),
                   hint="check [print] paper: a sheet's thickness is a tenth of a millimetre "
                        "or so; split a book this thick into volumes")
    wrap = {"page_width": float(box.width), "page_height": float(box.height), "spine": spine,
            "bleed": settings.bleed, "front": "left" if settings.binding == "right" else "right",
            "spine_text": spine >= MIN_SPINE_TEXT, "spine_turn": spine_turn(spec.lang)}
    if spine < MIN_SPINE_TEXT:
        diagnostics.warning("O561", f"the spine is {spine / _MM:.1f}mm wide ({pages} pages), "
                            f"too thin for text, so it is left plain", spec.path,
                            spec.line_of("print", "paper") or spec.line_of("print"),
                            hint=f"spine text needs {MIN_SPINE_TEXT / _MM:.0f}mm or more: "
                                 "more pages or thicker paper")
    own = layout.find(f"{layout.name}/cover-wrap.html")
    document = render_template(pamphlet, layout if own else dataclasses.replace(
        layout, name="zine"), "cover-wrap.html", diagnostics, wrap=wrap)
    save_press(document, pamphlet, layout, target, diagnostics)
    return "cover: " + cover_plan(pages, spine, 2 * wrap["page_width"] + spine,
                                  wrap["page_height"], settings.bleed, pamphlet.words)


def cover_plan(pages: int, spine: float, width: float, height: float, bleed: float,
               words: Words) -> str:
    """The print plan's words for the wraparound cover (lengths in points), in the book's
    language: '200 pages inside, spine 10 mm; 306 mm × 210 mm plus 5 mm bleed'."""
    lang = words.lang
    return words.pgettext(
        # TRANSLATORS: the wraparound cover's line of the print plan; %(pages)s is
        # "200 pages", the others lengths ("10 mm").
        "plan_cover", "%(pages)s inside, spine %(spine)s; %(width)s × %(height)s plus "
        "%(bleed)s bleed",
        pages=words.npgettext("plan_pages", "%(num)s page", "%(num)s pages", pages),
        spine=millimetres(spine / _MM, lang), width=millimetres(width / _MM, lang),
        height=millimetres(height / _MM, lang), bleed=millimetres(bleed / _MM, lang))

