"""One part of the reading PDF (the front matter, an essay, the back matter) laid out as a
WeasyPrint document of its own, as if it stood at its place in the whole book.

Three things tie a part to the rest of the book, and each is settled here:
- Its page numbers. The part starts at a guessed page (`@page :first { counter-reset }`)
  and on that page's side. The running heads and page numbers (WeasyPrint's margin boxes)
  are made only when the part is finished, once its true first page and the book's page
  count are known, so a part that moved is numbered again without being laid out again.
- References to other parts: `target-counter()` to an essay laid out elsewhere (the
  contents, a cross-reference) takes the page given for it, and the link keeps its
  named destination, which the stitched PDF defines (stitch.py).
- Blank pages: a part ends with an empty copy of the next part's first element, so that
  WeasyPrint makes the same blank pages the whole book would have; the page that copy
  starts is left out.

WeasyPrint is reached only through its seam (weasy/): the parts are laid out, numbered
and written inside `patches.part()`, where the replaced margin boxes, target lookups, link
resolution, @page selectors and counters act (see weasy/__init__.py for each).
"""

from __future__ import annotations

import dataclasses
import io
import re
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from ..diagnostics import Diagnostics
from ..store.paths import Gate
from .linenumbers import number_lines
from .overlay import draw_over
from .pagebreaks import PageStart
from .tagged import SAVE, finish_tags
from .weasy.api import CSS, FONTS, HTML, ProjectFetcher, weasyprint_log
from .weasy.guard import installed_patches
from .weasy.boxes import line_positions, page_starts, top_level_roles


@dataclass(frozen=True)
class PartJob:
    """What a worker needs to lay out one part: all plain data, so it crosses processes."""

    name: str  # "front", an essay's anchor, "back"
    html: str
    base_url: str
    sheets: tuple[tuple[str, str], ...]  # (CSS text, base URL) of the layout's print sheets
    gate: Gate
    spec_path: object  # the spec's Path, where WeasyPrint's problems are reported
    ltr: bool  # the book reads left to right: its first page is a right-hand page
    shell: bool  # the part ends with the next part's empty first element (see above)
    lines: bool  # [pdf] line_numbers: where numbered lines begin is wanted too
    standin: str = ""  # the book's HTML with an empty body: the margin boxes' context


@dataclass
class Placement:
    """Where a part stands in the book: its first page, the book's page count, the page
    of each anchor in other parts that it refers to, and the named strings (string-set)
    as the parts before it left them, for its running heads."""

    start: int
    total: int
    foreign: dict[str, int]
    strings: dict[str, str] = field(default_factory=dict)


@dataclass
class Laid:
    """A part laid out: its page count, its anchors, and what its layout assumed."""

    name: str
    pages: int
    anchors: dict[str, int]  # anchor -> page within the part, from 1
    placement: Placement  # what the layout assumed
    used: dict[str, int]  # the foreign anchors it looked up, with the page it was given
    local_refs: bool  # it looks up anchors of its own (their numbers move with the part),
    # or the layout styles pages by their number (@page :nth): it depends on its exact place
    inputs: dict[str, str] = field(default_factory=dict)  # file loaded -> its SHA-256
    missing_glyphs: set[str] = field(default_factory=set)
    diagnostics: list = field(default_factory=list)
    strings: dict[str, str] = field(default_factory=dict)  # the last value of each string
    # What ties it to other parts beyond their pages: its CSS counters, and the anchors of
    # other parts whose text it shows (see _Ties.summary).
    ties: dict = field(default_factory=dict)


@dataclass
class Finished:
    """A part written: the PDF and what the stitched book needs to know of its pages."""

    name: str
    pdf: bytes
    pages: int
    anchors: dict[str, int]  # anchor -> page within the part, from 1
    starts: list[PageStart]  # page numbers within the book
    missing_glyphs: set[str] = field(default_factory=set)
    diagnostics: list = field(default_factory=list)
    laid_out: bool = False  # it was laid out (again) to be written
    body: bytes = b""  # the part without its margin boxes, to be numbered again later
    margins: dict | None = None  # what they are made from, if that needs no layout
    # The running elements (element()) it defines, and those its margin boxes looked for
    # in vain, which the whole book would find in the parts before it.
    running: dict = field(default_factory=dict)


def needs_layout_again(laid: Laid, placement: Placement, ltr_sides: bool = True) -> bool:
    """Whether the part must be laid out again at `placement`: a page it gave a foreign
    anchor is wrong, its own page references moved, or it starts on the other side."""
    if any(placement.foreign.get(name) != page for name, page in laid.used.items()):
        return True
    moved = placement.start != laid.placement.start
    return moved and (laid.local_refs or (placement.start - laid.placement.start) % 2 == 1)


class Renderer:
    """Lays out and finishes parts in one process, keeping each laid-out part (and the
    parsed style sheets, shared by every part) until it is finished."""

    def __init__(self):
        self.patches = installed_patches()
        self.documents: dict[str, tuple] = {}  # name -> (job, document, Laid)
        self.sheets: dict[tuple[str, str], tuple[CSS, dict]] = {}  # with the files it loaded
        self.standins: dict[tuple, tuple] = {}  # see _standin

    def lay_out(self, job: PartJob, placement: Placement) -> Laid:
        """Lay out `job` as if it started at `placement`; keep it to be finished."""
        diagnostics = Diagnostics()
        fetcher = ProjectFetcher(job.gate, diagnostics, job.spec_path)
        with self.patches.part(placement.foreign, offset=placement.start - 1,
                          shell=job.shell) as state:
            with weasyprint_log(diagnostics, job.spec_path) as log:
                sheets = [self._sheet(text, base, job, diagnostics, fetcher.loaded)
                          for text, base in job.sheets]
                sheets.append(CSS(string=_placement_css(placement.start, job.ltr),
                                  font_config=FONTS))
                document = HTML(string=job.html, base_url=job.base_url,
                                url_fetcher=fetcher).render(stylesheets=sheets,
                                                            font_config=FONTS)
        kept = document.pages[:-1] if job.shell and len(document.pages) > 1 else document.pages
        anchors: dict[str, int] = {}
        for number, page in enumerate(kept, 1):  # an element split over pages: its first
            for name in page.anchors:
                anchors.setdefault(name, number)
        # @page :nth(N) styles the book's page N: such a part depends on its exact place.
        exact = state.local_refs or any(":nth(" in text for text, _ in job.sheets) \
            or ":nth(" in job.standin
        laid = Laid(job.name, len(kept), anchors, placement, state.used, exact,
                    fetcher.loaded, set(log.missing_glyphs), list(diagnostics),
                    self.patches.last_strings(kept), state.ties.summary())
        self.documents[job.name] = (job, document, laid, state)
        return laid

    def finish(self, job: PartJob, placement: Placement, identifier: bytes, created: str,
               modified: str, variant: str) -> Finished:
        """Number the part for `placement` and write it: laid out here before, it is
        laid out again only if its layout depended on what moved. The part is written
        without its margin boxes (its body), which are drawn over it (see _overlay), so
        that a later build can number the body again without laying it out."""
        held = self.documents.get(job.name)
        again = held is None or held[0] != job or needs_layout_again(held[2], placement)
        if again:
            self.lay_out(job, placement)
        job, document, laid, state = self.documents.pop(job.name)
        diagnostics = Diagnostics()
        kept = document.pages[:laid.pages]
        margins = self.patches.margin_recipes(kept, laid.placement.start, placement.start)
        part = document.copy(kept)
        part.metadata.created, part.metadata.modified = created, modified
        with self.patches.part(placement.foreign, offset=laid.placement.start - 1, links=True):
            with weasyprint_log(diagnostics, job.spec_path) as log:
                body = part.write_pdf(pdf_identifier=identifier, pdf_variant=variant)
                context = self.patches.margin_context(kept[0])
                over, lookups = self.patches.overlay(context, document, margins, placement)
        offset = placement.start - 1
        starts = [dataclasses.replace(start, page=start.page + offset)
                  for start in page_starts(part, lines=job.lines)]
        body = _numbered_and_tagged(body, line_positions(part) if job.lines else {},
                                    top_level_roles(part), placement.start)
        # Margin boxes that show a running element or look an anchor up need the layout.
        defines = margins.pop("running")
        again_later = not (defines or lookups.found or lookups.wanted)
        margins.update(used=laid.used, local_refs=laid.local_refs)
        return Finished(job.name, _composed(body, over), laid.pages, laid.anchors, starts,
                        laid.missing_glyphs | set(log.missing_glyphs),
                        laid.diagnostics + list(diagnostics), again,
                        body if again_later else b"", margins if again_later else None,
                        {"defines": defines, "wants": sorted(lookups.wanted)})

    def renumber(self, job: PartJob, placement: Placement, body: bytes,
                 margins: dict) -> bytes:
        """A part written by an earlier build (`body`, without margin boxes) numbered for
        `placement`, without its layout: its margin boxes are made from `margins`, in the
        context of a stand-in document (the book's head and an empty body)."""
        document, context = self._standin(job)
        diagnostics = Diagnostics()
        with self.patches.part({}, offset=margins["laid"] - 1):
            with weasyprint_log(diagnostics, job.spec_path):
                over, _ = self.patches.overlay(context, document, margins, placement)
        return _composed(body, over, placement.start - margins["start"])

    def _standin(self, job: PartJob):
        """A document laid out from the job's stand-in, once a process: its layout context
        holds the page styles the margin boxes are made in."""
        key = (job.standin, job.base_url, job.sheets)
        if key not in self.standins:
            diagnostics = Diagnostics()
            fetcher = ProjectFetcher(job.gate, diagnostics, job.spec_path)
            with self.patches.part({}):
                with weasyprint_log(diagnostics, job.spec_path):
                    sheets = [self._sheet(text, base, job, diagnostics, {})
                              for text, base in job.sheets]
                    document = HTML(string=job.standin, base_url=job.base_url,
                                    url_fetcher=fetcher).render(stylesheets=sheets,
                                                                font_config=FONTS)
            self.standins[key] = (document, self.patches.margin_context(document.pages[0]))
        return self.standins[key]

    def _sheet(self, text: str, base: str, job: PartJob, diagnostics, loaded: dict) -> CSS:
        """The layout's style sheet, parsed once a process (every part shares it); the
        files it loaded (fonts) count among each part's inputs."""
        key = (text, base)
        if key not in self.sheets:
            fetcher = ProjectFetcher(job.gate, diagnostics, job.spec_path)
            self.sheets[key] = (CSS(string=text, base_url=base, font_config=FONTS,
                                    url_fetcher=fetcher), fetcher.loaded)
        sheet, files = self.sheets[key]
        loaded.update(files)
        return sheet


def redated(pdf: bytes, created: str, modified: str) -> bytes:
    """A written part's PDF with the dates `finish` would have given it (the first part
    lends the book its metadata, whose modification date is the build's): a cached first
    part is dated again rather than laid out again. ValueError if its dates are not where
    WeasyPrint writes them."""
    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            xmp = document.Root.Metadata.read_bytes()
            for key, element, value in (("/CreationDate", b"CreateDate", created),
                                        ("/ModDate", b"ModifyDate", modified)):
                document.docinfo[key] = pikepdf.String(installed_patches().pdf_date(value, key))
                pattern = re.compile(rb"(<xmp:%s>)[^<]*(</xmp:%s>)" % (element, element))
                xmp, found = pattern.subn(lambda match: match[1] + value.encode() + match[2],
                                          xmp)
                if found != 1:
                    raise ValueError(f"the part's XMP has {found} {element.decode()}")
            filters = document.Root.Metadata.get("/Filter")
            if filters not in (None, pikepdf.Name.FlateDecode):
                raise ValueError(f"the part's XMP is encoded with {filters}")
            document.Root.Metadata.write(zlib.compress(xmp) if filters else xmp,
                                         filter=filters)
            buffer = io.BytesIO()
            document.save(buffer, **SAVE)
    except pikepdf.PdfError as error:
        raise ValueError(str(error)) from None
    return buffer.getvalue()


class WriteError(OSError):
    """A part's file could not be written (a full disk, say): the build's error, not
    WeasyPrint's."""


def _numbered_and_tagged(pdf: bytes, lines: dict, roles: list, first_page: int) -> bytes:
    """The part's PDF with its line numbers drawn (if `lines`) and its tags finished, as
    pdf.save_pdf does for the whole book (see linenumbers and tagged)."""
    try:
        with tempfile.TemporaryDirectory(prefix="pamphlet-part-") as folder:
            path = Path(folder) / "part.pdf"
            path.write_bytes(pdf)
            if lines:
                number_lines(path, lines)
            finish_tags(path, roles, first_page)
            return path.read_bytes()
    except OSError as error:
        raise WriteError(error.errno, error.strerror, error.filename) from None


def _placement_css(start: int, ltr: bool) -> str:
    """The part's first page number, and its side: in a left-to-right book the odd pages
    are right-hand pages, in a right-to-left one the left-hand pages."""
    right = (start % 2 == 1) == ltr
    return (f"@page :nth({start}) {{ counter-reset: page {start}; }} "
            f"html {{ break-before: {'right' if right else 'left'}; }}")


def _composed(body: bytes, over: bytes, shift: int = 0) -> bytes:
    try:
        return draw_over(body, over, shift)
    except OSError as error:
        raise WriteError(error.errno, error.strerror, error.filename) from None
