"""Reading what WeasyPrint laid out, from its boxes: where each line of essay text stands
(for line numbers), the top-level structure of each page (for the PDF/UA tags), and where
each page and numbered line of an essay begins (for the e-book's page list)."""

from __future__ import annotations

import dataclasses

from weasyprint.formatting_structure.boxes import (FootnoteAreaBox, LineBox, MarginBox, PageBox,
                                                   ParentBox, ReplacedBox, TextBox)

from ..linenumbers import EVERY
from ..pagebreaks import ATTR, PRINT_ONLY, PageStart, classes, significant


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

    if isinstance(box, LineBox):
        yield box
    elif isinstance(box, ParentBox):
        for child in box.children:
            yield from _line_boxes(child)
