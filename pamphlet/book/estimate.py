"""How many pages a pamphlet takes in its layout, told without laying it out (the
bookbuilder's estimate, while the organiser picks essays).

The reading PDF is counted as the layout builds it: the front matter (cover, the blank
behind it where the title page is a recto, title page, contents, the packet layout's
schedule), an introduction and each essay (from its words, its editor's intro and its
questions, at the words a page holds in that layout and size, each opening on a right-hand
page where the zine layout says so), Sources, the packet layout's lined notes pages (two,
each over one page or more, by the page's height), the colophon and the back cover (on a
left-hand page in the zine). A project's own layout counts as the built-in layout it
extends or includes. How well it agrees with real builds is tested in tests/test_estimate.py.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path


# Words an essay page holds, measured by bench/calibrate_pages.py on the sample essays and
# generated ones (headings, lists, notes, links), each layout at each page size.
WORDS_PER_PAGE = {
    ("zine", "A5"): 330, ("zine", "half-letter"): 295, ("zine", "A6"): 225,
    ("zine", "quarter-letter"): 200, ("zine", "A4"): 485, ("zine", "letter"): 445,
    # the packet's wide margin for notes leaves a narrow column on small pages
    ("packet", "A5"): 180, ("packet", "half-letter"): 165, ("packet", "A6"): 47,
    ("packet", "quarter-letter"): 51, ("packet", "A4"): 400, ("packet", "letter"): 355,
    ("pocket", "A6"): 235, ("pocket", "quarter-letter"): 210,
}
LINES_PER_PAGE = 32  # about, at each layout's own type size: a line holds words/page / 32
CONTENTS_ENTRY = 2.6  # lines: a title, its author, and the space between entries
SOURCE_ENTRY = 2.4  # lines of a Sources entry (a citation of one or two lines)
HEADING = 6  # lines: the space above and the heading of a back-matter page
QUESTION_LINES = {"zine": 1, "pocket": 1, "packet": 3}  # room to write after each question
# The packet's notes page is 26 lines of 7.4 mm and a heading (some 203 mm): on pages with
# less room than that between their margins it runs on to a second (or third) page.
NOTES_PAGES = 2
NOTES_SPAN = {"A4": 1, "letter": 1, "A5": 2, "half-letter": 2, "A6": 2, "quarter-letter": 3}


@dataclass(frozen=True)
class Shape:
    """What a built-in layout puts around the essays."""

    blank_after_cover: bool  # the title page is a recto: a blank page behind the cover
    recto_essays: bool  # with essay_start = "right", each essay opens on a right-hand page
    schedule: bool  # a page of its own for the event's agenda
    notes_pages: int  # lined pages before the colophon
    even: bool  # the back cover is a left-hand page, so the count is even


SHAPES = {
    "zine": Shape(True, True, False, 0, True),
    "pocket": Shape(True, True, False, 0, True),
    "packet": Shape(False, False, True, NOTES_PAGES, False),
}


@dataclass(frozen=True)
class Part:
    """One essay, as far as its length goes: its words, and the spec's intro and questions
    for it (their words)."""

    words: int
    intro: int = 0
    questions: tuple[int, ...] = ()


@dataclass(frozen=True)
class Book:
    """What the count needs of a pamphlet."""

    layout: str
    page_size: str
    essays: tuple[Part, ...]
    essay_start: str = "right"
    introduction: int | None = None  # the words of the spec's intro, if it has one
    agenda: int = 0  # items in the event's agenda
    parts: dict = field(default_factory=dict)  # pages counted for each part (filled in)


def family(layout: str | None, layouts_dir: Path | None = None) -> str:
    """The built-in layout `layout` is, or extends (a project's own layout whose template
    extends or includes one); the zine when it says none."""
    name = layout or "zine"
    if name in SHAPES:
        return name
    template = Path(layouts_dir) / name / "pamphlet.html" if layouts_dir else None
    try:
        text = template.read_text("utf-8", errors="replace")[:100_000] if template else ""
    except OSError:
        text = ""
    found = re.search(r"""\{%-?\s*(?:extends|include)\s+["'](\w+)/""", text)
    return found[1] if found and found[1] in SHAPES else "zine"


def words_per_page(kind: str, page_size: str) -> int:
    """The words an essay page holds in that layout (the zine's where none was measured)."""
    return WORDS_PER_PAGE.get((kind, page_size)) or WORDS_PER_PAGE.get(("zine", page_size), 330)


def page_count(book: Book, kind: str) -> int:
    """The pages of the reading PDF; `book.parts` says where they go."""
    shape, per_page = SHAPES[kind], words_per_page(kind, book.page_size)
    per_line = per_page / LINES_PER_PAGE
    entries = len(book.essays) + 1 + (book.introduction is not None)  # and Sources
    parts = book.parts
    parts.clear()
    parts["front"] = 1 + shape.blank_after_cover + 1 + _pages(
        HEADING + entries * CONTENTS_ENTRY, LINES_PER_PAGE)
    if shape.schedule and book.agenda:
        parts["schedule"] = 1
    pages = sum(parts.values())
    recto = shape.recto_essays and book.essay_start == "right"
    openings = ([Part(book.introduction)] if book.introduction is not None else []) + \
        list(book.essays)
    blanks = 0
    for part in openings:
        if recto and pages % 2:
            pages, blanks = pages + 1, blanks + 1
        lines = sum(words / per_line + QUESTION_LINES[kind] for words in part.questions)
        words = part.words + part.intro + (lines + 3 if part.questions else 0) * per_line
        pages += max(1, math.ceil(words / per_page))
    parts["essays"] = pages - sum(parts.values()) - blanks
    parts["blank"] = blanks
    parts["sources"] = _pages(HEADING + len(book.essays) * SOURCE_ENTRY, LINES_PER_PAGE)
    parts["notes"] = shape.notes_pages * NOTES_SPAN.get(book.page_size, 2)
    parts["colophon"] = 1
    parts["back cover"] = 1
    pages += parts["sources"] + parts["notes"] + 2
    if shape.even and pages % 2:
        parts["blank"] += 1
        pages += 1
    return pages


def _pages(lines: float, per_page: int) -> int:
    return max(1, math.ceil(lines / per_page))
