"""The reading PDF: the layout's HTML and CSS laid out whole (`render_pdf`, `save_pdf`) or
in parts and stitched (`write_parts`, see parts.py), through the WeasyPrint seam (weasy/).

Diagnostic codes: O503 the render failed; O513 warning: the layout ties essays together in a
way parts cannot show, so the book was laid out whole; O514 warning: the installed WeasyPrint
is not one the parts engine was tested with, so the book was laid out whole.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from ..book.assemble import Pamphlet
from ..book.context import template_context
from ..book.layouts import Layout
from ..diagnostics import Diagnostic, Diagnostics, Severity, fail, shorten_urls
from ..locale.formats import names
from ..locale.scripts import direction, faces, report_missing_glyphs
from ..locale.words import Words
from ..progress import Progress, silent
from ..project.clock import build_time
from ..project.library import estimated_pages
from ..store.atomic import atomic_output
from ..text.css import stylesheet
from ..text.markup import print_html
from ..text.sanitiser import clean_svg
from ..text.urls import breakable_html
from .linenumbers import number_lines
from .pagebreaks import PageStart, mark
from .tagged import finish_tags
from .weasy import guard
from .weasy.api import CSS, FONTS, HTML, ProjectFetcher, installed_families, weasyprint_log
from .weasy.boxes import line_positions, page_starts, top_level_roles


READING_VARIANT = "pdf/ua-1"  # the reading PDF is tagged for screen readers
# With render = "auto", a book estimated at this many pages or more is laid out in parts:
# below it, starting the workers and stitching cost more than they save (measured with
# bench/bench_render.py on two cores; see the README's [pdf] render).
PARTS_FROM_PAGES = 60
FRAME_PAGES = 8  # cover, title page, contents, Sources, colophon and back cover, about


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


def in_parts(pamphlet: Pamphlet) -> bool:
    """Whether the reading PDF is laid out in parts: as [pdf] render says, or with "auto"
    when the book is long enough for parts to pay (PARTS_FROM_PAGES)."""
    render = pamphlet.spec.pdf.render
    if render != "auto":
        return render == "parts"
    words = [chapter.essay.word_count for chapter in pamphlet.chapters]
    return estimated_book_pages(words, pamphlet.spec.pdf.page_size) >= PARTS_FROM_PAGES


def estimated_book_pages(words: list[int], page_size: str) -> int:
    """The pages a book of essays of these word counts takes, about, with its frame."""
    return FRAME_PAGES + sum(estimated_pages(count, page_size) for count in words)


def render_html(pamphlet: Pamphlet, layout: Layout) -> str:
    """The whole pamphlet as one HTML document for print."""
    link_notes, lang = pamphlet.spec.pdf.link_notes, pamphlet.lang
    # Numbered elements (pagebreaks.mark) let the e-book find where each printed page begins.
    bodies = {chapter.anchor: print_html(mark(chapter.body), link_notes, lang)
              for chapter in pamphlet.chapters}
    if pamphlet.intro is not None:
        bodies["introduction"] = print_html(mark(pamphlet.intro), link_notes, lang)
    if pamphlet.references is not None:
        bodies["references"] = print_html(mark(pamphlet.references), link_notes, lang)
    # Addresses break only at their slashes, dots and hyphens, never with a hyphen added.
    # The colophon names the faces the book's script is set in (Charis SIL, Noto Nastaliq Urdu).
    fonts = names(faces(lang, installed_families), lang)  # fc-list only for such a script
    return breakable_html(layout.render("pamphlet.html", pamphlet.words, fonts=fonts,
                                        **template_context(pamphlet, bodies)))


def render_pdf(pamphlet: Pamphlet, layout: Layout, diagnostics: Diagnostics,
               extra_css: str = "", loaded: dict[str, str] | None = None):
    """Lay out the reading PDF in memory: a WeasyPrint document, not yet written. `loaded`
    hears of the files it loaded, with their hashes."""
    html = render_html(pamphlet, layout)
    fetcher = ProjectFetcher(layout.gate, diagnostics, pamphlet.spec.path)
    sheets = [CSS(string=text, base_url=base, font_config=FONTS, url_fetcher=fetcher)
              for text, base in print_sheets(layout, diagnostics)]
    if extra_css:
        sheets.append(CSS(string=extra_css, font_config=FONTS, url_fetcher=fetcher))
    document = _lay_out(html, sheets, fetcher, pamphlet, diagnostics, "the PDF",
                        "check the layout's CSS and the essays' images")
    if loaded is not None:
        loaded.update(fetcher.loaded)
    return document


def print_sheets(layout: Layout, diagnostics: Diagnostics) -> list[tuple[str, str]]:
    """The layout's print stylesheets, each (its text, its URL), through the one CSS
    sanitiser (text/css.py) as the e-book's is: imports resolved inside the project or left
    out, no file: or network address, fonts and pictures checked by their bytes. The text
    holds what it imports, so a cache keyed on it (parts, the cover) sees an import change."""
    return [(stylesheet(path, layout.gate, diagnostics, svg=clean_svg), path.as_uri())
            for path in layout.stylesheets("print")]


def _lay_out(html: str, sheets: list, fetcher, pamphlet: Pamphlet, diagnostics: Diagnostics,
             what: str, hint: str):
    with weasyprint_log(diagnostics, pamphlet.spec.path):
        try:
            return HTML(string=html, base_url=f"{pamphlet.spec.root}/",
                        url_fetcher=fetcher).render(stylesheets=sheets, font_config=FONTS)
        except (OSError, ValueError, RecursionError) as error:
            raise fail("O503", f"{what} could not be rendered: {shorten_urls(str(error))}",
                       pamphlet.spec.path, hint=hint) from None


def _printed_text(pamphlet: Pamphlet):
    """(file, first line, text) for what the pamphlet prints, to find a character's source."""
    for path in (*(chapter.essay.path for chapter in pamphlet.chapters), pamphlet.spec.path):
        yield path, 1, pamphlet.spec.gate.read_bytes(path).decode("utf-8", errors="replace")


def save_pdf(document, pamphlet: Pamphlet, target: Path, diagnostics: Diagnostics,
             variant: str = READING_VARIANT, laid_out=None) -> PdfResult:
    """Write a rendered document to `target`, atomically, with line numbers if the spec asks.
    `laid_out(starts)` hears where the pages begin before the writing starts (so that the
    e-book is written beside it, as write_parts lets it be beside the stitching).

    Characters that no installed font has are drawn as empty boxes at this stage; they are
    reported (M307) against the essay and line where each first occurs.
    """
    spec = pamphlet.spec
    starts = tuple(page_starts(document, lines=spec.pdf.line_numbers))
    if laid_out is not None:
        laid_out(starts)
    document.metadata.created, document.metadata.modified = _dates(spec)
    with weasyprint_log(diagnostics, spec.path) as log, atomic_output(target) as temporary:
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
    return PdfResult(target, len(document.pages), anchors, starts)


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
    (target-text()), which parts cannot show: the book is then to be laid out whole. None,
    with a warning (O514), if the installed WeasyPrint is not one the parts engine was
    tested with (weasy/guard.py)."""
    spec = pamphlet.spec
    if (reason := guard.unready()) is not None:
        diagnostics.add(Diagnostic(
            "O514", Severity.WARNING, f"{reason}, so the reading PDF was laid out as one "
            "document, more slowly", spec.path,
            hint=f"install a tested WeasyPrint (pip install 'weasyprint>={guard.LOWEST[0]},"
                 f"<{guard.ABOVE[0]}'), or set render = \"whole\" under [pdf]"))
        return None
    # Only now: the parts engine reaches WeasyPrint's internals, which the guard checked.
    from . import parts
    from .partlayout import PartJob
    from .stitch import stitch

    html = render_html(pamphlet, layout)
    sheets = tuple(print_sheets(layout, diagnostics))
    uses_total = bool(_PAGES_COUNTER.search(html + "".join(text for text, _ in sheets)))

    def job_for(source) -> PartJob:
        return PartJob(source.name, source.html, f"{spec.root}/", sheets, layout.gate,
                       spec.path, pamphlet.dir != "rtl", source.shell, spec.pdf.line_numbers,
                       source.standin)

    cache = parts.PartCache(cache_folder)
    written = parts.render_parts(
        parts.split(html), job_for, (_identifier(pamphlet), *_dates(spec), READING_VARIANT),
        jobs, cache, uses_total, progress, spec.path)
    if cache.damaged:
        diagnostics.warning("O516", f"{len(set(cache.damaged))} part(s) of the reading PDF kept "
                            "in the cache could not be read back, so they were laid out again",
                            cache.folder, hint="nothing to do; if it keeps happening, check "
                            "the disk")
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


def write_pdf(pamphlet: Pamphlet, layout: Layout, target: Path,
              diagnostics: Diagnostics) -> PdfResult:
    """Render the reading PDF to `target`, atomically."""
    document = render_pdf(pamphlet, layout, diagnostics)
    return save_pdf(document, pamphlet, target, diagnostics)


def instruction_page(title: str, plan: str, steps: list[str], size: tuple[float, float],
                     target: Path, words: Words = Words()) -> None:
    """A one-page PDF telling whoever prints the job what to do, in the book's language."""
    items = "".join(f"<li>{escape(step)}</li>" for step in steps)
    heading = words.pgettext("how_to_print", "How to print “%(title)s”", title=title)
    html = (f"<html lang='{escape(words.lang)}' dir='{direction(words.lang)}'><body>"
            f"<h1>{escape(heading)}</h1>"
            f"<p class='plan'>{escape(plan)}</p><ol>{items}</ol></body></html>")
    css = (f"@page {{ size: {size[0]}pt {size[1]}pt; margin: 20mm; }} "
           "body { font-family: 'Charis SIL', serif; font-size: 12pt; line-height: 1.5; } "
           "h1 { font-size: 18pt; } .plan { font-weight: bold; } li { margin-bottom: 0.6em; }")
    document = HTML(string=html).render(stylesheets=[CSS(string=css)], font_config=FONTS)
    document.write_pdf(str(target))


def render_template(pamphlet: Pamphlet, layout: Layout, template: str, diagnostics: Diagnostics,
                    **extra):
    """Lay out another page of the layout (the wraparound cover, say) in memory: the
    template gets the pamphlet's context and `extra`; it brings its own CSS, and the fonts."""
    html = layout.render(template, pamphlet.words, **template_context(pamphlet, {}), **extra)
    fetcher = ProjectFetcher(layout.gate, diagnostics, pamphlet.spec.path)
    fonts = layout.find("fonts/fonts.css")
    sheets = [CSS(string=stylesheet(fonts, layout.gate, diagnostics, svg=clean_svg),
                  base_url=fonts.as_uri(), font_config=FONTS, url_fetcher=fetcher)] if fonts else []
    return _lay_out(html, sheets, fetcher, pamphlet, diagnostics, f"the page {template}",
                    "check the layout's template and CSS")
