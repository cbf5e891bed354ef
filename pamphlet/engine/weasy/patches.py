"""The seven places where WeasyPrint's layout is replaced, each active only while a part of
the reading PDF is laid out or numbered (`part()`), and the margin boxes made apart from the
part's body (`margins`, `overlay`). See the package's docstring for why each is needed; the
guard (guard.py) installs them only on a WeasyPrint they were tested with.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections import defaultdict

import weasyprint.document
import weasyprint.formatting_structure.build
import weasyprint.layout
import weasyprint.pdf
from weasyprint.css import StyleFor
from weasyprint.css.targets import TargetCollector, TargetLookupItem, anchor_name_from_token
from weasyprint.document import Page
from weasyprint.formatting_structure.boxes import PageBox
from weasyprint.layout.background import layout_box_backgrounds
from weasyprint.layout.page import (PageType, page_height, page_width,
                                    set_page_type_computed_styles)
from weasyprint.layout.percent import resolve_percentages
from weasyprint.logger import LOGGER
from weasyprint.urls import get_url_tuple

# WeasyPrint's own functions, kept as imported (before install() replaces them).
_original_page_type_match = StyleFor._page_type_match
_original_margin_boxes = weasyprint.layout.make_margin_boxes
_original_resolve_links = weasyprint.pdf.resolve_links
_original_element_to_box = weasyprint.formatting_structure.build.element_to_box
_original_update_counters = weasyprint.formatting_structure.build.update_counters
_original_content_list = weasyprint.formatting_structure.build.compute_content_list
_installed = False
# What install() replaces, by the guard's names for them: what the guard checks once they are
# replaced (guard.py).
ORIGINALS = {
    ("weasyprint.layout", "make_margin_boxes"): _original_margin_boxes,
    ("weasyprint.css", "StyleFor._page_type_match"): _original_page_type_match,
    ("weasyprint.formatting_structure.build", "element_to_box"): _original_element_to_box,
    ("weasyprint.formatting_structure.build", "update_counters"): _original_update_counters,
    ("weasyprint.formatting_structure.build", "compute_content_list"): _original_content_list,
    ("weasyprint.document", "TargetCollector.lookup_target"): TargetCollector.lookup_target,
    ("weasyprint.pdf", "resolve_links"): _original_resolve_links,
}
# The date form WeasyPrint writes in a PDF's info, for partlayout.redated.
pdf_date = weasyprint.pdf._w3c_date_to_pdf


def install() -> None:
    """Put the replacements in place (once a process)."""
    global _installed
    if _installed:
        return
    weasyprint.layout.make_margin_boxes = _deferred_margin_boxes
    StyleFor._page_type_match = staticmethod(_page_type_match)
    weasyprint.formatting_structure.build.element_to_box = _element_to_box
    weasyprint.formatting_structure.build.update_counters = _update_counters
    weasyprint.formatting_structure.build.compute_content_list = _content_list
    weasyprint.document.TargetCollector = _PartTargets
    weasyprint.pdf.resolve_links = _resolve_links
    _installed = True


def installed() -> bool:
    return _installed


@contextlib.contextmanager
def part(foreign: dict[str, int], offset: int = 0, links: bool = False,
         shell: bool | None = None):
    """While a part is laid out (`shell`: whether it ends with the next part's first
    element, see partlayout) or written (`links`: keep links to other parts' anchors): the
    replacements act, and the state they keep is yielded. `offset`: the book's pages
    before the part's first."""
    state = _PartState(foreign, links, offset)
    if shell is not None:
        state.ties = _Ties(shell)
    token = _PART.set(state)
    try:
        yield state
    finally:
        _PART.reset(token)


def margin_context(page):
    """The layout context a page of a part was laid out in, kept by its deferred margin
    boxes: what they are made in later."""
    return page._page_box.pamphlet_margins[0]


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


def _deferred_margin_boxes(context, page, state):
    """While a part is laid out, its margin boxes wait for its true page numbers."""
    if _PART.get() is None:
        return _original_margin_boxes(context, page, state)
    page.pamphlet_margins = (context, context.current_page, state)
    return ()


def margin_recipes(pages, laid: int, start: int) -> dict:
    """What a part's margin boxes are made from, page by page, as plain data (cached): the
    page's type, its number within the part, its counters, quotes and counter scopes as
    laid out, and the part's named strings."""
    context = margin_context(pages[0])
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
    return {"laid": laid, "start": start, "pages": recipes,
            "strings": strings,
            "running": sorted(name for name, values in context.running_elements.items()
                              if values)}


def last_strings(pages) -> dict[str, str]:
    """The value each named string has at the end of the part's pages."""
    context = margin_context(pages[0])
    last = {}
    for name, by_page in context.string_set.items():
        numbers = [page for page, texts in by_page.items() if texts and page <= len(pages)]
        if numbers:
            last[name] = by_page[max(numbers)][-1]
    return last


def overlay(context, document, margins: dict, placement) -> tuple[bytes, "_MarginLookups"]:
    """The part's margin boxes alone, numbered for `placement`, as a PDF of as many pages
    (drawn over the body by partlayout._composed); and what they looked up (anchors, running elements
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
        pages = [Page(_margin_page(context, document._html, recipe, shift, placement.total))
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
