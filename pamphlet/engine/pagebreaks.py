"""The printed pages in the e-book: where each page of the reading PDF begins, as a place in
the essays that both outputs are made from, and the EPUB page-break markers put there.

A place is a *region* and a count: the region is one element of an essay's body (every body
element gets a `data-pb` number before either output is made, so both carry the same
numbers), or, for the essay's head, introduction and questions, the essay itself with its
body left out; the count is how many letters and digits of the region come before the place.
Only letters and digits are counted, so white space, hyphens that the layout adds at line
ends, and punctuation cannot put the two outputs out of step. Print-only text (footnotes
flowed to the foot of the page, link notes) and e-book-only text (note calls, the notes
section) are not counted on either side.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from lxml import etree

from ..locale.formats import digits
from ..locale.words import Words
from ..text.markup import EPUB_NS, Body, parse_fragment
from ..text.sanitiser import inner_xml

ATTR = "data-pb"
# Classes of print-only elements, whose text the e-book does not have in the same place.
PRINT_ONLY = frozenset({"footnote", "link-note", "link-ref", "link-endnotes"})
# Classes of e-book-only elements: note calls, the notes section, the notes themselves.
EBOOK_ONLY = frozenset({"noteref", "footnotes", "footnote"})


@dataclass(frozen=True)
class PageStart:
    """Where a printed page begins: in which essay, which region, after how many letters."""

    page: int  # the page's number, as printed
    essay: str  # the essay's anchor (its element's id)
    region: str | None  # a body element's `data-pb` number; None for the essay outside its body
    count: int  # letters and digits of the region before the page's first word
    before: bool = False  # the page begins with the region itself (an image): mark before it
    line: int = 0  # a numbered line of the page (see linenumbers) rather than the page itself


def significant(text: str) -> int:
    """How many characters of `text` count towards a place: its letters and digits."""
    return sum(1 for char in text if char.isalnum())


def mark(body: Body) -> Body:
    """`body` with every HTML element numbered (`data-pb`), in document order."""
    tree = parse_fragment(body.html)
    number = 0
    for element in tree.iter():
        if isinstance(element.tag, str) and not element.tag.startswith("{"):
            if element is not tree:
                number += 1
                element.set(ATTR, str(number))
    return dataclasses.replace(body, html=inner_xml(tree))


def unmark(xml: str) -> str:
    """The numbers taken out again."""
    return re.sub(rf'\s{ATTR}="\d+"', "", xml)


def classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def place(section_xml: str, starts: list[PageStart],
          words: Words = Words()) -> tuple[str, list[PageStart]]:
    """An essay's e-book XHTML with a page-break marker at each start, and the starts placed;
    the markers' numbers as the book's language writes them (`words`).

    A start whose words the e-book does not have is left out, rather than put in a guessed place.
    """
    root = etree.fromstring(f'<div xmlns:epub="{EPUB_NS}">{section_xml}</div>')
    placed = []
    for start in starts:
        region = _region(root, start.region)
        if region is not None and _insert(region, start, _marker(start, words)):
            placed.append(start)
    for element in root.iter():
        element.attrib.pop(ATTR, None)
    # The document's root declares the epub: prefix; inner_xml would repeat it on each child.
    return inner_xml(root).replace(f' xmlns:epub="{EPUB_NS}"', ""), placed


def marker_id(page: int, line: int = 0) -> str:
    return f"page-{page}-line-{line}" if line else f"page-{page}"


def _marker(start: PageStart, words: Words):
    """A page break; or, for a numbered line, a number the e-book's style sheet shows."""
    page, line = (digits(str(number), words.lang) for number in (start.page, start.line))
    if start.line:
        return etree.Element("span", {
            "class": "line-number", "id": marker_id(start.page, start.line), "data-line": line,
            # TRANSLATORS: the title of a line number in the e-book, "page 6, line 20".
            "title": words.pgettext("line_marker", "page %(page)s, line %(line)s", page=page,
                                    line=line)})
    return etree.Element("span", {
        f"{{{EPUB_NS}}}type": "pagebreak", "role": "doc-pagebreak", "id": marker_id(start.page),
        "title": page, "aria-label": page})


def _region(root, number: str | None):
    if number is None:
        return root[0] if len(root) else None  # the essay's section
    found = root.xpath(f"//*[@{ATTR}=$n]", n=number)
    return found[0] if found else None


def _slots(element, body: bool):
    """(owner, 'text' or 'tail', text) for each run of text in `element`, in reading order;
    `body` False leaves the essay's body elements out (the essay region)."""
    if element.text:
        yield element, "text", element.text
    for child in element:
        if not isinstance(child.tag, str):
            pass
        elif classes(child) & EBOOK_ONLY or child.tag.endswith("}sup") and _calls(child) \
                or not body and child.get(ATTR):
            pass
        else:
            yield from _slots(child, body)
        if child.tail:
            yield child, "tail", child.tail


def _calls(sup) -> bool:
    """A `sup` that holds a note call."""
    return any("noteref" in classes(a) for a in sup)


def _insert(region, start: PageStart, marker) -> bool:
    """Put `marker` before the word that holds the region's letter number `start.count`."""
    if start.before:
        region.addprevious(marker)
        return True
    seen = 0
    for owner, slot, text in _slots(region, start.region is not None):
        here = significant(text)
        if seen + here <= start.count:
            seen += here
            continue
        index = _nth_significant(text, start.count - seen)
        while index > 0 and not text[index - 1].isspace():
            index -= 1
        marker.tail = text[index:]
        if slot == "text":
            owner.text = text[:index]
            owner.insert(0, marker)
        else:
            owner.tail = text[:index]
            owner.addnext(marker)
        return True
    return False


def _nth_significant(text: str, n: int) -> int:
    """The index in `text` of its letter or digit number `n` (from 0)."""
    for index, char in enumerate(text):
        if char.isalnum():
            if n == 0:
                return index
            n -= 1
    raise ValueError(n)
