"""The reading PDF: the layout's HTML and CSS rendered by WeasyPrint (the only module that imports it).

Diagnostic codes: O501 WeasyPrint reported a problem (warning), O503 the render failed,
S901 a resource outside the project or on the network was refused (warning).
"""

from __future__ import annotations

import dataclasses
import hashlib
import datetime as dt
import logging
import mimetypes
import re
import warnings
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL.Image import DecompressionBombWarning
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..book.assemble import Pamphlet
from ..store.atomic import atomic_output
from ..project.clock import build_time
from ..book.context import template_context
from ..diagnostics import Diagnostic, Diagnostics, Severity, fail, shorten, shorten_urls
from ..book.layouts import Layout
from ..text.markup import print_html
from ..store.paths import Gate, Refused
from ..locale.scripts import report_missing_glyphs
from .linenumbers import EVERY, number_lines
from .pagebreaks import ATTR, PRINT_ONLY, PageStart, classes, mark, significant
from .tagged import finish_tags
from ..progress import Progress, silent


READING_VARIANT = "pdf/ua-1"  # the reading PDF is tagged for screen readers


@dataclass(frozen=True)
class PdfResult:
    path: Path
    pages: int
    anchors: dict[str, int] = field(default_factory=dict)  # element id -> page number
    # Where each page of an essay (and each numbered line) begins, for the e-book.
    starts: tuple[PageStart, ...] = ()

    @property
    def back_matter(self) -> int:
        """How many pages, from the colophon to the back cover, must stay at the end."""
        start = self.anchors.get("colophon")
        return self.pages - start + 1 if start else 1


def render_html(pamphlet: Pamphlet, layout: Layout) -> str:
    """The whole pamphlet as one HTML document for print."""
    link_notes = pamphlet.spec.pdf.link_notes
    # Numbered elements (pagebreaks.mark) let the e-book find where each printed page begins.
    bodies = {chapter.anchor: print_html(mark(chapter.body), link_notes)
              for chapter in pamphlet.chapters}
    if pamphlet.intro is not None:
        bodies["introduction"] = print_html(mark(pamphlet.intro), link_notes)
    return layout.render("pamphlet.html", **template_context(pamphlet, bodies))


def render_pdf(pamphlet: Pamphlet, layout: Layout, diagnostics: Diagnostics,
               extra_css: str = "", loaded: dict[str, str] | None = None):
    """Lay out the reading PDF in memory: a WeasyPrint document, not yet written. `loaded`
    hears of the files it loaded, with their hashes."""
    html = render_html(pamphlet, layout)
    fetcher = ProjectFetcher(layout.gate, diagnostics, pamphlet.spec.path)
    sheets = [CSS(string=layout.read(path).decode("utf-8", errors="replace"),
                  base_url=path.as_uri(), font_config=_FONTS, url_fetcher=fetcher)
              for path in layout.stylesheets("print")]
    if extra_css:
        sheets.append(CSS(string=extra_css, font_config=_FONTS, url_fetcher=fetcher))
    document = _lay_out(html, sheets, fetcher, pamphlet, diagnostics, "the PDF",
                        "check the layout's CSS and the essays' images")
    if loaded is not None:
        loaded.update(fetcher.loaded)
    return document


def _lay_out(html: str, sheets: list, fetcher, pamphlet: Pamphlet, diagnostics: Diagnostics,
             what: str, hint: str):
    with _weasyprint_log(diagnostics, pamphlet.spec.path):
        try:
            return HTML(string=html, base_url=f"{pamphlet.spec.root}/",
                        url_fetcher=fetcher).render(stylesheets=sheets, font_config=_FONTS)
        except (OSError, ValueError, RecursionError) as error:
            raise fail("O503", f"{what} could not be rendered: {shorten_urls(str(error))}",
                       pamphlet.spec.path, hint=hint) from None


def _printed_text(pamphlet: Pamphlet):
    """(file, first line, text) for what the pamphlet prints, to find a character's source."""
    for path in (*(chapter.essay.path for chapter in pamphlet.chapters), pamphlet.spec.path):
        yield path, 1, pamphlet.spec.gate.read_bytes(path).decode("utf-8", errors="replace")


class ProjectFetcher(URLFetcher):
    """Lets WeasyPrint load only data: URLs and files that pass the project's path gate.

    An essay or a layout that asks for /etc/passwd, a file beside the project, a FIFO or
    anything on the network gets nothing, and the build says so. Files are read here,
    through the gate, so nothing can be swapped between the check and the read.
    """

    def __init__(self, gate: Gate, diagnostics: Diagnostics, path: Path):
        super().__init__(allowed_protocols=("data",), timeout=5)
        self.gate, self.diagnostics, self.path = gate, diagnostics, path
        # Each file loaded, with the hash of what was read: a cached part made from a
        # picture or font that has since changed is laid out again (parts.py).
        self.loaded: dict[str, str] = {}

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            target = Path(unquote(urlsplit(url).path))
            try:
                data = self.gate.read_bytes(target, (self.path, None))
            except Refused as refused:
                self._refuse(url, refused.diagnostics[0].message)
            else:
                self.loaded[str(target)] = hashlib.sha256(data).hexdigest()
                kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, data, {"Content-Type": kind})
        self._refuse(url, "only files inside the project are used")

    def _refuse(self, url: str, why: str):
        self.diagnostics.warning(
            "S901", f"refused to load {shorten(url)}: {why}",
            self.path, hint="copy the file into the project and refer to it there")
        raise ValueError(f"refused: {shorten(url)}")


def save_pdf(document, pamphlet: Pamphlet, target: Path, diagnostics: Diagnostics,
             variant: str = READING_VARIANT) -> PdfResult:
    """Write a rendered document to `target`, atomically, with line numbers if the spec asks.

    Characters that no installed font has are drawn as empty boxes at this stage; they are
    reported (M307) against the essay and line where each first occurs.
    """
    spec = pamphlet.spec
    document.metadata.created, document.metadata.modified = _dates(spec)
    with _weasyprint_log(diagnostics, spec.path) as log, atomic_output(target) as temporary:
        # Tagged PDF/UA-1 (structure, language, alt text, title shown, bookmarks; see tagged),
        # unless a press file asks for its PDF/X variant.
        document.write_pdf(str(temporary), pdf_identifier=_identifier(pamphlet),
                           pdf_variant=variant)
        if spec.pdf.line_numbers:
            number_lines(temporary, line_positions(document))
        if variant == READING_VARIANT:
            finish_tags(temporary, top_level_roles(document))
    report_missing_glyphs(log.missing_glyphs, _printed_text(pamphlet), diagnostics, spec.path)
    anchors = {name: number for number, page in enumerate(document.pages, 1)
               for name in page.anchors}
    starts = page_starts(document, lines=spec.pdf.line_numbers)
    return PdfResult(target, len(document.pages), anchors, tuple(starts))


def _dates(spec) -> tuple[str, str]:
    """The PDF's creation date (the spec's date, if not later than the build) and its
    modification date (the build's, which SOURCE_DATE_EPOCH sets)."""
    stamp = build_time()
    created = dt.datetime.combine(spec.date, dt.time(), dt.timezone.utc) \
        if isinstance(spec.date, dt.date) else stamp
    return _utc(min(created, stamp)), _utc(stamp)


def _identifier(pamphlet: Pamphlet) -> bytes:
    return pamphlet.identifier.removeprefix("urn:uuid:").replace("-", "").encode()


def write_parts(pamphlet: Pamphlet, layout: Layout, target: Path, diagnostics: Diagnostics,
                jobs: int = 1, progress: Progress = silent, cache_folder: Path | None = None,
                laid_out=None) -> PdfResult | None:
    """The reading PDF laid out in parts, in `jobs` processes, cached in `cache_folder`,
    and stitched (see parts.py): the same pages as `write_pdf`, sooner. `laid_out(starts)`
    hears where the pages begin as soon as the parts are written, before the stitching.
    None, with a warning (O513), if the layout counts across essays with a CSS counter,
    carries a running element from essay to essay, or shows another essay's text
    (target-text()), which parts cannot show: the book is then to be laid out whole."""
    from . import parts
    from .partlayout import PartJob
    from .stitch import stitch

    spec = pamphlet.spec
    html = render_html(pamphlet, layout)
    sheets = tuple((layout.read(path).decode("utf-8", errors="replace"), path.as_uri())
                   for path in layout.stylesheets("print"))
    uses_total = bool(_PAGES_COUNTER.search(html + "".join(text for text, _ in sheets)))

    def job_for(source) -> PartJob:
        return PartJob(source.name, source.html, f"{spec.root}/", sheets, layout.gate,
                       spec.path, pamphlet.dir != "rtl", source.shell, spec.pdf.line_numbers,
                       source.standin)

    written = parts.render_parts(
        parts.split(html), job_for, (_identifier(pamphlet), *_dates(spec), READING_VARIANT),
        jobs, parts.PartCache(cache_folder), uses_total, progress, spec.path)
    if written.crossing or written.texts or written.running:
        names = ", ".join(f"'{name}'" for name in
                          written.crossing or written.running or written.texts[:3])
        tie = f"CSS counter {names} runs on from essay to essay" if written.crossing else \
            f"running element {names} (element()) runs on from essay to essay" \
            if written.running else f"target-text() shows the text of {names} in another part"
        diagnostics.add(Diagnostic(
            "O513", Severity.WARNING, f"the layout's {tie}, which the reading PDF laid out "
            "in parts cannot show; it was laid out as one document", spec.path,
            hint='set render = "whole" under [pdf] in the spec to skip laying it out in '
                 "parts first"))
        return None
    seen = set()
    for part in written.parts:
        for diagnostic in part.diagnostics:  # a problem of the layout shows in every part
            if (key := (diagnostic.code, diagnostic.message, diagnostic.path)) not in seen:
                seen.add(key)
                diagnostics.add(diagnostic)
    starts = [start for part in written.parts for start in part.starts]
    pages = sum(part.pages for part in written.parts)
    if laid_out is not None:
        laid_out(tuple(starts))
    with atomic_output(target) as temporary:  # (each part has its tags and line numbers)
        stitch([part.pdf for part in written.parts], temporary)
    glyphs = set().union(*(part.missing_glyphs for part in written.parts))
    report_missing_glyphs(glyphs, _printed_text(pamphlet), diagnostics, spec.path)
    return PdfResult(target, pages, written.anchors, tuple(starts))


# A layout that prints the book's page count: each part is numbered again when it changes.
_PAGES_COUNTER = re.compile(r"counters?\(\s*pages\b")


def _utc(moment: dt.datetime) -> str:
    """'0001-01-01T00:00:00Z': four-digit years always (strftime gives '1' for the year 1)."""
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat("T", "seconds") + "Z"


def line_positions(document) -> dict[int, list[tuple[float, float]]]:
    """For each page, the (baseline from the top, left edge) of every line of essay text,
    in points, read from WeasyPrint's layout."""
    positions = {}
    for index, page in enumerate(document.pages):
        found = _body_lines(page._page_box)
        if found:
            positions[index] = [(y, x) for y, x, _ in found]
    return positions


def _body_lines(page_box) -> list[tuple[float, float, object]]:
    """(baseline from the top, left edge, line box) of each line of essay text on a page,
    top to bottom: the lines that line numbers count."""
    from weasyprint.formatting_structure.boxes import LineBox, ParentBox

    px = 0.75  # WeasyPrint lays out in CSS pixels

    def walk(box, inside: bool, found: list) -> None:
        element = getattr(box, "element", None)
        if element is not None and "essay-body" in (element.get("class") or "").split():
            inside = True
        if isinstance(box, LineBox):
            if inside:
                found.append(((box.position_y + box.baseline) * px, box.position_x * px, box))
        elif isinstance(box, ParentBox):
            for child in box.children:
                walk(child, inside, found)

    found: list = []
    walk(page_box, False, found)
    return sorted(found, key=lambda line: line[:2])


def top_level_roles(document) -> list[list[tuple[str | None, str | None]]]:
    """Per page, (role, language) of each top-level structure element WeasyPrint's tagging
    makes there, in its order: an essay's article with its language, the notes at the
    foot of the page, and None for the rest."""
    from weasyprint.formatting_structure.boxes import (FootnoteAreaBox, LineBox, MarginBox,
                                                       PageBox, ParentBox)

    def tops(box):  # the boxes that pdf/tags.py makes the Document's children
        if isinstance(box, MarginBox):
            return
        tag = None if box.element is None else box.element_tag
        if (tag in ("html", "body") or isinstance(box, PageBox)) \
                and isinstance(box, ParentBox) and not isinstance(box, LineBox):
            for child in box.children:
                yield from tops(child)
        elif isinstance(box, FootnoteAreaBox):
            yield "notes", None
        else:
            yield ("article", box.element.get("lang")) if tag == "article" else (None, None)

    return [list(tops(page._page_box)) for page in document.pages]


def page_starts(document, lines: bool = False) -> list[PageStart]:
    """Where the first word of each page that begins in an essay stands in that essay
    (see pagebreaks), read from WeasyPrint's layout; pages are numbered from 1. With
    `lines`, also where each line that the line numbers number begins."""
    from weasyprint.formatting_structure.boxes import TextBox

    counts: dict[tuple[str, str | None], int] = {}
    starts = []
    for number, page in enumerate(document.pages, 1):
        first = True
        line_starts: dict[int, PageStart] = {}  # id of a line box -> where its text begins
        for box, essay, regions, line in _leaves(page._page_box.children[0], None, (), None):
            text = box.text if isinstance(box, TextBox) else None
            if text is None or text.strip():
                if essay is not None and regions:
                    key = regions[-1]
                    place = PageStart(number, essay, key[1], counts.get(key, 0),
                                      before=text is None)
                    starts += [place] if first else []
                    line_starts.setdefault(id(line), place)
                first = False
            for key in regions if text else ():
                counts[key] = counts.get(key, 0) + significant(text)
        if lines:
            starts += _numbered(page._page_box, line_starts)
    return starts


def _numbered(page_box, line_starts: dict[int, PageStart]) -> list[PageStart]:
    """Where each line that gets a number (see linenumbers) begins, as far as it has text."""
    return [dataclasses.replace(line_starts[id(box)], line=number)
            for number, (_, _, box) in enumerate(_body_lines(page_box), 1)
            if number % EVERY == 0 and id(box) in line_starts]


def _leaves(box, essay: str | None, regions: tuple, line):
    """(box, essay anchor, regions, line box) for each box of text or image in the main
    flow, in layout order, leaving out generated content and print-only elements."""
    from weasyprint.formatting_structure.boxes import LineBox, ParentBox, ReplacedBox, TextBox

    tag = box.element_tag or ""
    if "::" in tag and not tag.endswith("::first-letter"):
        return  # list markers, footnote calls, "(page 4)" after a cross-reference
    element = box.element
    if element is not None:
        kinds = classes(element)
        if kinds & PRINT_ONLY:
            return
        if "essay" in kinds and element.get("id"):
            essay = element.get("id")
            regions = ((essay, None),)
        elif "essay-body" in kinds:
            regions = ()
        number = element.get(ATTR)
        if number and essay is not None and (essay, number) not in regions:
            regions += ((essay, number),)
    if isinstance(box, (TextBox, ReplacedBox)):
        yield box, essay, regions, line
    elif tag == "hr":  # a section break is a place, and its "* * *" a numbered line
        yield box, essay, regions, next(_line_boxes(box), line)
    elif isinstance(box, ParentBox):
        line = box if isinstance(box, LineBox) else line
        for child in box.children:
            yield from _leaves(child, essay, regions, line)


def _line_boxes(box):
    from weasyprint.formatting_structure.boxes import LineBox, ParentBox

    if isinstance(box, LineBox):
        yield box
    elif isinstance(box, ParentBox):
        for child in box.children:
            yield from _line_boxes(child)


def write_pdf(pamphlet: Pamphlet, layout: Layout, target: Path,
              diagnostics: Diagnostics) -> PdfResult:
    """Render the reading PDF to `target`, atomically."""
    document = render_pdf(pamphlet, layout, diagnostics)
    return save_pdf(document, pamphlet, target, diagnostics)


def instruction_page(title: str, plan: str, steps: list[str], size: tuple[float, float],
                     target: Path) -> None:
    """A one-page PDF telling whoever prints the job what to do."""
    items = "".join(f"<li>{escape(step)}</li>" for step in steps)
    html = (f"<html lang='en'><body><h1>How to print “{escape(title)}”</h1>"
            f"<p class='plan'>{escape(plan)}</p><ol>{items}</ol></body></html>")
    css = (f"@page {{ size: {size[0]}pt {size[1]}pt; margin: 20mm; }} "
           "body { font-family: 'Charis SIL', serif; font-size: 12pt; line-height: 1.5; } "
           "h1 { font-size: 18pt; } .plan { font-weight: bold; } li { margin-bottom: 0.6em; }")
    document = HTML(string=html).render(stylesheets=[CSS(string=css)], font_config=_FONTS)
    document.write_pdf(str(target))


_FONTS = FontConfiguration()
# WeasyPrint's notes about its own installation, which a pamphlet's author cannot act on.
# (An image without alt text is reported as M320, against the essay's line; the PDF makes
# it an artifact, see tagged.py.)
_NOT_THE_USERS_CONCERN = ("Using fontTools instead of HarfBuzz-Subset", "Image \"")


# WeasyPrint's warning for a character that no font has, one per character.
_NOTDEF = re.compile(r"\.notdef glyph rendered .*\(U\+([0-9A-F]+)\)$")


class _LogCollector(logging.Handler):
    def __init__(self, diagnostics: Diagnostics, path: Path):
        super().__init__(logging.WARNING)
        self.diagnostics, self.path = diagnostics, path
        self.missing_glyphs: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if notdef := _NOTDEF.match(message):
            self.missing_glyphs.add(chr(int(notdef[1], 16)))
        elif not message.startswith(_NOT_THE_USERS_CONCERN):
            self.diagnostics.warning("O501", f"WeasyPrint: {shorten_urls(message)}", self.path)


class _weasyprint_log:
    """Turn WeasyPrint's logged warnings into diagnostics while a render runs."""

    def __init__(self, diagnostics: Diagnostics, path: Path):
        self.handler = _LogCollector(diagnostics, path)
        self.logger = logging.getLogger("weasyprint")

    def __enter__(self) -> _LogCollector:
        # Pillow's own warning of a huge image; pamphlet has said so already (E217).
        self.warnings = warnings.catch_warnings()
        self.warnings.__enter__()
        warnings.simplefilter("ignore", DecompressionBombWarning)
        self.logger.addHandler(self.handler)
        self.propagate, self.logger.propagate = self.logger.propagate, False
        return self.handler

    def __exit__(self, *exc):
        self.logger.removeHandler(self.handler)
        self.logger.propagate = self.propagate
        self.warnings.__exit__(*exc)


def render_template(pamphlet: Pamphlet, layout: Layout, template: str, diagnostics: Diagnostics,
                    **extra):
    """Lay out another page of the layout (the wraparound cover, say) in memory: the
    template gets the pamphlet's context and `extra`; it brings its own CSS, and the fonts."""
    html = layout.render(template, **template_context(pamphlet, {}), **extra)
    fetcher = ProjectFetcher(layout.gate, diagnostics, pamphlet.spec.path)
    fonts = layout.find("fonts/fonts.css")
    sheets = [CSS(string=layout.read(fonts).decode("utf-8", errors="replace"),
                  base_url=fonts.as_uri(), font_config=_FONTS, url_fetcher=fetcher)] if fonts else []
    return _lay_out(html, sheets, fetcher, pamphlet, diagnostics, f"the page {template}",
                    "check the layout's template and CSS")
