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
(pinned in pyproject.toml) at five points, each active only while a part is rendered:
the margin boxes, the target lookups, the resolution of internal links, the matching of
@page selectors (`:first` is the book's first page, `:nth(5)` its fifth), and the CSS
counters, watched so that a layout whose counters run across essays is seen (_Ties).
"""

from __future__ import annotations

import contextvars
import dataclasses
import io
import re
import tempfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
import weasyprint.document
import weasyprint.formatting_structure.build
import weasyprint.layout
import weasyprint.pdf
from weasyprint import CSS, HTML
from weasyprint.css import StyleFor
from weasyprint.css.targets import TargetCollector, TargetLookupItem, anchor_name_from_token
from weasyprint.document import Page
from weasyprint.formatting_structure.boxes import PageBox
from weasyprint.layout.background import layout_box_backgrounds
from weasyprint.layout.page import (PageType, page_height, page_width,
                                    set_page_type_computed_styles)
from weasyprint.layout.percent import resolve_percentages
from weasyprint.logger import LOGGER
from weasyprint.pdf import _w3c_date_to_pdf
from weasyprint.urls import get_url_tuple

from ..diagnostics import Diagnostics
from ..store.paths import Gate
from .linenumbers import number_lines
from .overlay import draw_over
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
        self.documents: dict[str, tuple] = {}  # name -> (job, document, Laid)
        self.sheets: dict[tuple[str, str], tuple[CSS, dict]] = {}  # with the files it loaded
        self.standins: dict[tuple, tuple] = {}  # see _standin

    def lay_out(self, job: PartJob, placement: Placement) -> Laid:
        """Lay out `job` as if it started at `placement`; keep it to be finished."""
        from .pdf import ProjectFetcher, _FONTS, _weasyprint_log

        diagnostics = Diagnostics()
        fetcher = ProjectFetcher(job.gate, diagnostics, job.spec_path)
        state = _PartState(placement.foreign, offset=placement.start - 1)
        state.ties = _Ties(job.shell)
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
        # @page :nth(N) styles the book's page N: such a part depends on its exact place.
        exact = state.local_refs or any(":nth(" in text for text, _ in job.sheets) \
            or ":nth(" in job.standin
        laid = Laid(job.name, len(kept), anchors, placement, state.used, exact,
                    fetcher.loaded, set(log.missing_glyphs), list(diagnostics),
                    _last_strings(kept), state.ties.summary())
        self.documents[job.name] = (job, document, laid, state)
        return laid

    def finish(self, job: PartJob, placement: Placement, identifier: bytes, created: str,
               modified: str, variant: str) -> Finished:
        """Number the part for `placement` and write it: laid out here before, it is
        laid out again only if its layout depended on what moved. The part is written
        without its margin boxes (its body), which are drawn over it (see _overlay), so
        that a later build can number the body again without laying it out."""
        from .pdf import _weasyprint_log, line_positions, page_starts, top_level_roles

        held = self.documents.get(job.name)
        again = held is None or held[0] != job or needs_layout_again(held[2], placement)
        if again:
            self.lay_out(job, placement)
        job, document, laid, state = self.documents.pop(job.name)
        diagnostics = Diagnostics()
        kept = document.pages[:laid.pages]
        margins = _margins(kept, laid, placement)
        part = document.copy(kept)
        part.metadata.created, part.metadata.modified = created, modified
        token = _PART.set(_PartState(placement.foreign, links=True,
                                     offset=laid.placement.start - 1))
        try:
            with _weasyprint_log(diagnostics, job.spec_path) as log:
                body = part.write_pdf(pdf_identifier=identifier, pdf_variant=variant)
                context = kept[0]._page_box.pamphlet_margins[0]
                over, lookups = _overlay(context, document._html, document, margins,
                                         placement)
        finally:
            _PART.reset(token)
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
        from .pdf import _weasyprint_log

        document, context = self._standin(job)
        diagnostics = Diagnostics()
        token = _PART.set(_PartState({}, offset=margins["laid"] - 1))
        try:
            with _weasyprint_log(diagnostics, job.spec_path):
                over, _ = _overlay(context, document._html, document, margins, placement)
        finally:
            _PART.reset(token)
        return _composed(body, over, placement.start - margins["start"])

    def _standin(self, job: PartJob):
        """A document laid out from the job's stand-in, once a process: its layout context
        holds the page styles the margin boxes are made in."""
        from .pdf import ProjectFetcher, _FONTS, _weasyprint_log

        key = (job.standin, job.base_url, job.sheets)
        if key not in self.standins:
            diagnostics = Diagnostics()
            fetcher = ProjectFetcher(job.gate, diagnostics, job.spec_path)
            token = _PART.set(_PartState({}))
            try:
                with _weasyprint_log(diagnostics, job.spec_path):
                    sheets = [self._sheet(text, base, job, diagnostics, {})
                              for text, base in job.sheets]
                    document = HTML(string=job.standin, base_url=job.base_url,
                                    url_fetcher=fetcher).render(stylesheets=sheets,
                                                                font_config=_FONTS)
            finally:
                _PART.reset(token)
            self.standins[key] = (document, document.pages[0]._page_box.pamphlet_margins[0])
        return self.standins[key]

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
    return (f"@page :nth({start}) {{ counter-reset: page {start}; }} "
            f"html {{ break-before: {'right' if right else 'left'}; }}")


# ---- Where WeasyPrint is reached into (each only while a part is rendered) ----

class _PartState:
    def __init__(self, foreign: dict[str, int], links: bool = False, offset: int = 0):
        self.foreign = foreign
        self.links = links  # writing: links to foreign anchors are kept
        self.offset = offset  # pages of the book before the part's first
        self.used: dict[str, int] = {}
        self.local_refs = False
        self.ties: _Ties | None = None  # laying the part out: see _Ties


class _Ties:
    """What ties a part to the parts before it beyond their pages, seen as it is laid
    out: the anchors of other parts whose text it shows (target-text()), and its CSS
    counters (other than the page's), as WeasyPrint builds its boxes:
    their values where the part's content begins and ends (in the body), which ones the
    content changes, and which it reads (shows, or increments) before it sets them. A
    counter read so depends on the parts before it, as parts.crossing_counters checks."""

    def __init__(self, shell: bool):
        self.shell = shell  # the body's last child is the next part's (see the module)
        self.body = None  # the body element, once its boxes are being built
        self.children: set = set()
        self.start: dict[str, int] | None = None
        self.end: dict[str, int] = {}
        self.first: dict[str, str] = {}  # counter -> "set" or "read", its first use
        self.texts: set[str] = set()  # anchors in other parts whose text it shows
        self.done = False

    @property
    def open(self) -> bool:
        return self.start is not None and not self.done

    def use(self, name: str, kind: str) -> None:
        if self.open and name not in ("page", "pages"):
            self.first.setdefault(name, kind)

    def summary(self) -> dict:
        return {"start": self.start or {}, "end": self.end, "touched": sorted(self.first),
                "reads": sorted(name for name, kind in self.first.items() if kind == "read"),
                "texts": sorted(self.texts)}


def _values(counters: dict) -> dict[str, int]:
    return {name: values[-1] for name, values in counters.items() if values}


_PART: contextvars.ContextVar[_PartState | None] = contextvars.ContextVar("part", default=None)


class _Foreign:
    """Stands in for an element laid out in another part: its page is known, its text is
    not (target-text() of it is noted, and the book is then laid out whole)."""

    def __init__(self, page: int, name: str, ties: "_Ties | None"):
        self.cached_counter_values = {"page": [page]}
        self.name, self.ties = name, ties

    def extract_text(self, text_style) -> str:
        if self.ties is not None:
            self.ties.texts.add(self.name)
        return ""


class _MarginLookups:
    def __init__(self):
        self.found = False  # a margin box looked an anchor up
        self.wanted: set[str] = set()  # running elements looked for in vain


_MARGINS: contextvars.ContextVar[_MarginLookups | None] = contextvars.ContextVar(
    "margins", default=None)


class _PartTargets(TargetCollector):
    """The target lookups of a part: an anchor in another part has the page given for it."""

    def lookup_target(self, anchor_token, source_box, css_token, parse_again):
        if (margins := _MARGINS.get()) is not None:
            margins.found = True  # a margin box's target: its numbering needs the layout
        state = _PART.get()
        if state is not None:
            name = _anchor_name(anchor_token, source_box)
            if name in state.foreign:
                state.used[name] = state.foreign[name]
                item = TargetLookupItem("up-to-date")
                item.target_box = _Foreign(state.foreign[name], name, state.ties)
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


_original_page_type_match = StyleFor._page_type_match
_original_margin_boxes = weasyprint.layout.make_margin_boxes
_original_resolve_links = weasyprint.pdf.resolve_links


def _deferred_margin_boxes(context, page, state):
    """While a part is laid out, its margin boxes wait for its true page numbers."""
    if _PART.get() is None:
        return _original_margin_boxes(context, page, state)
    page.pamphlet_margins = (context, context.current_page, state)
    return ()


def _margins(pages, laid: Laid, placement: Placement) -> dict:
    """What a part's margin boxes are made from, page by page, as plain data (cached): the
    page's type, its number within the part, its counters, quotes and counter scopes as
    laid out, and the part's named strings."""
    context = pages[0]._page_box.pamphlet_margins[0]
    recipes = []
    for page in pages:
        _, number, state = page._page_box.pamphlet_margins
        kind = page._page_box.page_type
        recipes.append({"type": [kind.side, kind.blank, kind.name, kind.index,
                                 [list(group) for group in kind.groups]],
                        "number": number, "quotes": list(state[0]),
                        "counters": {name: list(values) for name, values in state[1].items()},
                        "scopes": [sorted(scope) for scope in state[2]]})
    strings = {name: {str(page): list(texts) for page, texts in by_page.items()}
               for name, by_page in context.string_set.items()}
    return {"laid": laid.placement.start, "start": placement.start, "pages": recipes,
            "strings": strings,
            "running": sorted(name for name, values in context.running_elements.items()
                              if values)}


def _last_strings(pages) -> dict[str, str]:
    """The value each named string has at the end of the part's pages."""
    context = pages[0]._page_box.pamphlet_margins[0]
    last = {}
    for name, by_page in context.string_set.items():
        numbers = [page for page, texts in by_page.items() if texts and page <= len(pages)]
        if numbers:
            last[name] = by_page[max(numbers)][-1]
    return last


def _overlay(context, html, document, margins: dict, placement: Placement
             ) -> tuple[bytes, "_MarginLookups"]:
    """The part's margin boxes alone, numbered for `placement`, as a PDF of as many pages
    (drawn over the body by _composed); and what they looked up (anchors, running elements
    looked for in vain). A named string not yet set in the part has the value the parts
    before it left."""
    shift = placement.start - margins["laid"]
    context.string_set = defaultdict(lambda: defaultdict(list))
    for name, by_page in margins["strings"].items():
        for page, texts in by_page.items():
            context.string_set[name][int(page)] = list(texts)
    lookups = _MarginLookups()
    context.get_string_set_for = _carried(context, placement.strings)
    context.get_running_element_for = _wanted(context, lookups)
    token = _MARGINS.set(lookups)
    try:
        pages = [Page(_margin_page(context, html, recipe, shift, placement.total))
                 for recipe in margins["pages"]]
    finally:
        _MARGINS.reset(token)
    return document.copy(pages).write_pdf(), lookups


def _carried(context, strings: dict[str, str]):
    """The context's get_string_set_for, falling back to the value of the string as the
    parts before this one left it where the whole book would look back to them."""
    def get_string_set_for(page, name, keyword="first"):
        found = type(context).get_string_set_for(context, page, name, keyword)
        here = bool(context.string_set[name].get(context.current_page))
        if found or name not in strings or keyword == "all-once" \
                or (here and keyword == "first-except"):
            return found  # WeasyPrint's answer is the book's
        return (strings[name],)  # it looked back to the part's first page in vain
    return get_string_set_for


def _wanted(context, lookups: "_MarginLookups"):
    """The context's get_running_element_for, noting the running elements it looked for
    back to the part's first page in vain."""
    def get_running_element_for(page, name, keyword="first"):
        found = type(context).get_running_element_for(context, page, name, keyword)
        here = bool(context.running_elements[name].get(context.current_page))
        if not found and keyword != "all-once" and not (here and keyword == "first-except"):
            lookups.wanted.add(name)
        return found
    return get_running_element_for


def _margin_page(context, html, recipe: dict, shift: int, total: int):
    """A page box of the recipe's page type with its margin boxes only: the body draws the
    page's own background, border and marks."""
    side, blank, name, index, groups = recipe["type"]
    kind = PageType(side, blank, name, index, tuple(tuple(group) for group in groups))
    set_page_type_computed_styles(kind, html, context.style_for)
    page = PageBox(kind, context.style_for(kind))
    width, height = page.style["size"]
    resolve_percentages(page, (width, height))
    page.position_x = page.position_y = 0
    page_width(page, context, width)
    page_height(page, context, height)
    counters = {name: list(values) for name, values in recipe["counters"].items()}
    counters["page"] = [value + shift for value in counters.get("page", [0])]
    counters["pages"] = [total]
    context.current_page = recipe["number"]
    state = (list(recipe["quotes"]), counters, [set(scope) for scope in recipe["scopes"]], [])
    page.children = tuple(_original_margin_boxes(context, page, state))
    for box in page.children:
        layout_box_backgrounds(page, box, context.get_image_from_uri)
    page.background = page.canvas_background = page.border_image = None
    for edge in ("top", "right", "bottom", "left"):
        setattr(page, f"border_{edge}_width", 0)
    return page


def _composed(body: bytes, over: bytes, shift: int = 0) -> bytes:
    try:
        return draw_over(body, over, shift)
    except OSError as error:
        raise WriteError(error.errno, error.strerror, error.filename) from None


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


_original_element_to_box = weasyprint.formatting_structure.build.element_to_box
_original_update_counters = weasyprint.formatting_structure.build.update_counters
_original_content_list = weasyprint.formatting_structure.build.compute_content_list


def _tracker() -> _Ties | None:
    state = _PART.get()
    return state.ties if state is not None else None


def _element_to_box(element, *arguments, **keywords):
    """WeasyPrint's element_to_box, watching where the body's children begin and end."""
    counters = _tracker()
    if counters is None or counters.done:
        return _original_element_to_box(element, *arguments, **keywords)
    if element.tag in ("body", "{http://www.w3.org/1999/xhtml}body") and counters.body is None:
        children = list(element)
        counters.body = element
        counters.children = set(children[:-1] if counters.shell else children)
        try:
            return _original_element_to_box(element, *arguments, **keywords)
        finally:
            counters.done = True
    if element not in counters.children:
        return _original_element_to_box(element, *arguments, **keywords)
    state = keywords.get("state", arguments[6] if len(arguments) > 6 else None)
    if counters.start is None:
        counters.start = _values(state[1])
    boxes = _original_element_to_box(element, *arguments, **keywords)
    counters.end = _values(state[1])
    return boxes


def _update_counters(state, style):
    if (counters := _tracker()) is not None and counters.open:
        for name, _ in (*style["counter_reset"], *style["counter_set"]):
            counters.use(name, "set")
        increments = style["counter_increment"]
        if increments == "auto":
            increments = [("list-item", 1)] if "list-item" in style["display"] else []
        for name, _ in increments:
            counters.use(name, "read")
    return _original_update_counters(state, style)


def _content_list(content_list, *arguments, **keywords):
    if (counters := _tracker()) is not None and counters.open:
        for kind, value in content_list or ():
            if kind in ("counter()", "counters()"):
                counters.use(value[0], "read")
    return _original_content_list(content_list, *arguments, **keywords)


def _page_type_match(selector, page_type) -> bool:
    """@page selectors match a part's pages as the book's: `:first` its first page only,
    `:nth(5)` its fifth."""
    state = _PART.get()
    if state is not None and state.offset:
        page_type = page_type._replace(index=page_type.index + state.offset)
    return _original_page_type_match(selector, page_type)


weasyprint.layout.make_margin_boxes = _deferred_margin_boxes
StyleFor._page_type_match = staticmethod(_page_type_match)
weasyprint.formatting_structure.build.element_to_box = _element_to_box
weasyprint.formatting_structure.build.update_counters = _update_counters
weasyprint.formatting_structure.build.compute_content_list = _content_list
weasyprint.document.TargetCollector = _PartTargets
weasyprint.pdf.resolve_links = _resolve_links
