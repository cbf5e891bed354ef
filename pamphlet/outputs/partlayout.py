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

This module, pdf.py and no other imports WeasyPrint. It reaches into WeasyPrint's layout
(pinned in pyproject.toml) at three points, each active only while a part is rendered:
the margin boxes, the target lookups and the resolution of internal links.
"""

from __future__ import annotations

import contextvars
import copy
import dataclasses
import io
import re
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import weasyprint.document
import weasyprint.layout
import weasyprint.pdf
from weasyprint import CSS, HTML
from weasyprint.css.targets import TargetCollector, TargetLookupItem, anchor_name_from_token
from weasyprint.layout.background import layout_backgrounds
from weasyprint.logger import LOGGER
from weasyprint.pdf import _w3c_date_to_pdf
from weasyprint.urls import get_url_tuple

from ..diagnostics import Diagnostics
from ..paths import Gate
from .linenumbers import number_lines
from .pagebreaks import PageStart
from .tagged import SAVE, finish_tags


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


@dataclass
class Placement:
    """Where a part stands in the book: its first page, the book's page count, and the
    page of each anchor in other parts that it refers to."""

    start: int
    total: int
    foreign: dict[str, int]


@dataclass
class Laid:
    """A part laid out: its page count, its anchors, and what its layout assumed."""

    name: str
    pages: int
    anchors: dict[str, int]  # anchor -> page within the part, from 1
    placement: Placement  # what the layout assumed
    used: dict[str, int]  # the foreign anchors it looked up, with the page it was given
    local_refs: bool  # it looks up anchors of its own (their numbers move with the part)
    inputs: dict[str, str] = field(default_factory=dict)  # file loaded -> its SHA-256
    missing_glyphs: set[str] = field(default_factory=set)
    diagnostics: list = field(default_factory=list)


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
        self.documents: dict[str, tuple] = {}  # name -> (job, document, Laid)
        self.sheets: dict[tuple[str, str], tuple[CSS, dict]] = {}  # with the files it loaded

    def lay_out(self, job: PartJob, placement: Placement) -> Laid:
        """Lay out `job` as if it started at `placement`; keep it to be finished."""
        from .pdf import ProjectFetcher, _FONTS, _weasyprint_log

        diagnostics = Diagnostics()
        fetcher = ProjectFetcher(job.gate, diagnostics, job.spec_path)
        state = _PartState(placement.foreign)
        token = _PART.set(state)
        try:
            with _weasyprint_log(diagnostics, job.spec_path) as log:
                sheets = [self._sheet(text, base, job, diagnostics, fetcher.loaded)
                          for text, base in job.sheets]
                sheets.append(CSS(string=_placement_css(placement.start, job.ltr),
                                  font_config=_FONTS))
                document = HTML(string=job.html, base_url=job.base_url,
                                url_fetcher=fetcher).render(stylesheets=sheets,
                                                            font_config=_FONTS)
        finally:
            _PART.reset(token)
        kept = document.pages[:-1] if job.shell and len(document.pages) > 1 else document.pages
        anchors: dict[str, int] = {}
        for number, page in enumerate(kept, 1):  # an element split over pages: its first
            for name in page.anchors:
                anchors.setdefault(name, number)
        laid = Laid(job.name, len(kept), anchors, placement, state.used, state.local_refs,
                    fetcher.loaded, set(log.missing_glyphs), list(diagnostics))
        self.documents[job.name] = (job, document, laid, state)
        return laid

    def finish(self, job: PartJob, placement: Placement, identifier: bytes, created: str,
               modified: str, variant: str) -> Finished:
        """Number the part for `placement` and write it: laid out here before, it is
        laid out again only if its layout depended on what moved."""
        from .pdf import _weasyprint_log, line_positions, page_starts, top_level_roles

        held = self.documents.get(job.name)
        again = held is None or held[0] != job or needs_layout_again(held[2], placement)
        if again:
            self.lay_out(job, placement)
        job, document, laid, state = self.documents.pop(job.name)
        diagnostics = Diagnostics()
        shift = placement.start - laid.placement.start
        for page in document.pages:
            _add_margin_boxes(page._page_box, shift, placement.total)
        kept = document.pages[:laid.pages]
        part = document.copy(kept)
        part.metadata.created, part.metadata.modified = created, modified
        token = _PART.set(_PartState(placement.foreign, links=True))
        try:
            with _weasyprint_log(diagnostics, job.spec_path) as log:
                pdf = part.write_pdf(pdf_identifier=identifier, pdf_variant=variant)
        finally:
            _PART.reset(token)
        offset = placement.start - 1
        starts = [dataclasses.replace(start, page=start.page + offset)
                  for start in page_starts(part, lines=job.lines)]
        pdf = _numbered_and_tagged(pdf, line_positions(part) if job.lines else {},
                                   top_level_roles(part), placement.start)
        return Finished(job.name, pdf, laid.pages, laid.anchors, starts,
                        laid.missing_glyphs | set(log.missing_glyphs),
                        laid.diagnostics + list(diagnostics), again)

    def _sheet(self, text: str, base: str, job: PartJob, diagnostics, loaded: dict) -> CSS:
        """The layout's style sheet, parsed once a process (every part shares it); the
        files it loaded (fonts) count among each part's inputs."""
        from .pdf import ProjectFetcher, _FONTS

        key = (text, base)
        if key not in self.sheets:
            fetcher = ProjectFetcher(job.gate, diagnostics, job.spec_path)
            self.sheets[key] = (CSS(string=text, base_url=base, font_config=_FONTS,
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
                document.docinfo[key] = pikepdf.String(_w3c_date_to_pdf(value, key))
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
    return (f"@page :first {{ counter-reset: page {start}; }} "
            f"html {{ break-before: {'right' if right else 'left'}; }}")


# ---- Where WeasyPrint is reached into (each only while a part is rendered) ----

class _PartState:
    def __init__(self, foreign: dict[str, int], links: bool = False):
        self.foreign = foreign
        self.links = links  # writing: links to foreign anchors are kept
        self.used: dict[str, int] = {}
        self.local_refs = False


_PART: contextvars.ContextVar[_PartState | None] = contextvars.ContextVar("part", default=None)


class _Foreign:
    """Stands in for an element laid out in another part: its page is known."""

    def __init__(self, page: int):
        self.cached_counter_values = {"page": [page]}

    def extract_text(self, text_style) -> str:
        return ""


class _PartTargets(TargetCollector):
    """The target lookups of a part: an anchor in another part has the page given for it."""

    def lookup_target(self, anchor_token, source_box, css_token, parse_again):
        state = _PART.get()
        if state is not None:
            name = _anchor_name(anchor_token, source_box)
            if name in state.foreign:
                state.used[name] = state.foreign[name]
                item = TargetLookupItem("up-to-date")
                item.target_box = _Foreign(state.foreign[name])
                return item
            state.local_refs = True
        return super().lookup_target(anchor_token, source_box, css_token, parse_again)


def _anchor_name(anchor_token, source_box) -> str | None:
    """The anchor a `target-*()` token points to (as TargetCollector.lookup_target reads it)."""
    if anchor_token[0] == "attr()":
        attr_name, type_, fallback = anchor_token[1]
        value = source_box.element.get(attr_name, fallback)
        anchor_token = ("string", value) if type_ == "string" else \
            ("url", get_url_tuple(value, source_box.style.base_url))
    return anchor_name_from_token(anchor_token)


_original_margin_boxes = weasyprint.layout.make_margin_boxes
_original_resolve_links = weasyprint.pdf.resolve_links


def _deferred_margin_boxes(context, page, state):
    """While a part is laid out, its margin boxes wait for its true page numbers."""
    if _PART.get() is None:
        return _original_margin_boxes(context, page, state)
    page.pamphlet_margins = (context, context.current_page, state)
    return ()


def _add_margin_boxes(page_box, shift: int, total: int) -> None:
    """Make a laid-out part's margin boxes, its page numbers moved by `shift` and the
    book's page count `total`."""
    context, number, state = page_box.pamphlet_margins
    counters = copy.deepcopy(state[1])
    counters["page"] = [value + shift for value in counters.get("page", [0])]
    counters["pages"] = [total]
    context.current_page = number
    page_box.children = (*page_box.children,
                         *_original_margin_boxes(context, page_box, (state[0], counters,
                                                                     state[2], state[3])))
    layout_backgrounds(page_box, context.get_image_from_uri)


def _resolve_links(pages):
    """WeasyPrint's resolve_links, except that a part keeps its links to anchors of other
    parts: they are named destinations that the stitched PDF defines (stitch.py)."""
    state = _PART.get()
    if state is None or not state.links:
        yield from _original_resolve_links(pages)
        return
    seen: set[str] = set()
    paged = []
    for page in pages:
        paged.append([(name, x, y) for name, (x, y, _, _) in page.anchors.items()
                      if name not in seen and not seen.add(name)])
    known = seen | set(state.foreign)
    for page, anchors in zip(pages, paged):
        links = []
        for link in page.links:
            if link[0] == "internal" and link[1] not in known:
                LOGGER.error("No anchor #%s for internal URI reference", link[1])
            else:
                links.append(link)
        yield links, anchors


weasyprint.layout.make_margin_boxes = _deferred_margin_boxes
weasyprint.document.TargetCollector = _PartTargets
weasyprint.pdf.resolve_links = _resolve_links
