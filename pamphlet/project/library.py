"""The library workflow: starting a project, adding essays, and figures about essays.

Writes new files only, never over an existing one, and only inside the project: a
`source/` or `layouts/` that is a link leading out of it is refused (N821). Diagnostic codes:
N801 the folder already holds a project, N802 the essay file already exists, N803 a title
with no letters.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import unicodedata
from collections import Counter
from pathlib import Path

from .clock import build_time, reproducible
from ..diagnostics import fail
from ..store.paths import writable
from .essays import Essay, essay_paths
from .spec import SPEC_NAME

WORDS_PER_MINUTE = 230
# Words of running text on a page of the zine layout, measured on the sample.
WORDS_PER_PAGE = {"A5": 330, "half-letter": 330, "A6": 170, "quarter-letter": 170}

SPEC_TEMPLATE = '''# What goes into the pamphlet, in what order, and how it looks. See the README.
title = "{title}"
subtitle = "Essays on something that matters"
editor = "Your name"
date = {date}
lang = "en"
layout = "zine"
# Every essay in source/ goes in, by file name, until you list them here in your order
# (file names without .md); then a new essay goes in once it is listed:
# essays = ["welcome", "another-essay"]

[cover]
background = "#f4efe4"
accent = "#b3361e"

[colophon]
license = "CC BY-SA 4.0"
publisher = "Your collective"

[pdf]
page_size = "A5"

[print]
scheme = "saddle"
copies = 20
'''

ESSAY_TEMPLATE = '''---
title: {title}
author: {author}
date: {date}
tags: [{tags}]
source:{source}
---

{body}
'''

# Where a new essay first appeared, to fill in (an empty template counts as none: C101).
BLANK_SOURCE = "\n  title:\n  publisher:\n  url:"
# The example essay is the project's own: first published by the publisher of the spec.
OWN_SOURCE = "\n  publisher: Your collective"

WELCOME = """This is your first essay. Write in Markdown: *emphasis*, [links](https://example.org),
footnotes[^1] and lists.

## A heading

Each essay opens on a new page of the pamphlet.

[^1]: Notes go at the foot of the printed page."""


def init_project(folder: Path) -> list[Path]:
    """Make a new project in `folder`: a spec, source/ with one essay, layouts/, .gitignore."""
    folder = Path(folder)
    if (folder / SPEC_NAME).exists():
        raise fail("N801", f"{folder / SPEC_NAME} already exists", folder / SPEC_NAME,
                   hint="pamphlet init never overwrites a project; choose an empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    for inner in ("source", "layouts"):
        writable(folder / inner, folder, "N821", f"project's {inner}/ folder", hint=_HINT)
    made = [_write_new(folder / SPEC_NAME, SPEC_TEMPLATE.format(
        title=folder.resolve().name.replace("-", " ").title() or "My Pamphlet",
        date=today().isoformat()))]
    if not essay_paths(folder / "source"):  # a folder of essays gets no example beside them
        made.append(_write_new(folder / "source" / "welcome.md", ESSAY_TEMPLATE.format(
            title="Welcome", author="Your name", date=today().isoformat(), tags="",
            source=OWN_SOURCE, body=WELCOME)))
    if not any((folder / "layouts").iterdir()):
        made.append(_write_new(folder / "layouts" / ".gitkeep", ""))
    if not (folder / ".gitignore").exists():
        made.append(_write_new(folder / ".gitignore", "build/\n"))
    return made


def new_essay(root: Path, title: str, author: str = "", tags: tuple[str, ...] = ()) -> Path:
    """Create source/<slug>.md with front matter for `title`; never overwrite."""
    slug = slugify(title)
    if not slug:
        raise fail("N803", f"the title '{title}' gives no file name", None,
                   hint="use a title with letters or digits")
    path = Path(root) / "source" / f"{slug}.md"
    writable(path.parent, root, "N821", "essays' folder", hint=_HINT)
    if os.path.lexists(path):
        raise fail("N802", f"{path} already exists", path,
                   hint="choose another title; pamphlet never overwrites an essay")
    return _write_new(path, ESSAY_TEMPLATE.format(
        title=_yaml_text(title), author=_yaml_text(author), date=today().isoformat(),
        tags=", ".join(tags), source=BLANK_SOURCE, body="Write here."))


_HINT = "remove the link, or make it a folder of the project"


def slugify(title: str) -> str:
    """A file name from a title, in any script: its words in lower case joined by hyphens.

    Latin letters lose their accents ("Café" is `cafe`, "Straße" `strasse`); other scripts
    keep their letters and their vowel signs ("আমার সোনার বাংলা" is `আমার-সোনার-বাংলা`),
    in NFC. At most 80 characters and 200 bytes, never cut before a combining sign, and
    never a name Windows keeps for a device (`con`, `nul`, ...)."""
    text = unicodedata.normalize("NFKC", title).translate(_LATIN)
    out: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        kind = unicodedata.category(char)
        if kind[0] == "M":
            if out and out[-1] != "-" and not out[-1].isascii():
                out.append(char)  # a vowel sign, a virama: part of its letter
        elif kind[0] in "LN":
            out.append(char.lower())
        elif kind != "Cf":  # joiners and direction marks are invisible: not a word's end
            out.append("-")
    slug = re.sub(r"-+", "-", unicodedata.normalize("NFC", "".join(out))).strip("-")
    cut = min(len(slug), 80)
    while len(slug[:cut].encode()) > 200:
        cut -= 1
    whole = cut  # back to a letter's start, unless the whole name is one letter's signs
    while whole and whole < len(slug) and unicodedata.category(slug[whole])[0] == "M":
        whole -= 1
    slug = slug[:whole or cut].rstrip("-")
    return f"{slug}-essay" if slug in _DEVICES else slug


# Latin letters that Unicode does not decompose into a letter and an accent.
_LATIN = str.maketrans({"ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe",
                        "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l", "Ł": "l",
                        "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i", "ħ": "h",
                        "Ħ": "h", "ŧ": "t", "Ŧ": "t"})
_DEVICES = {"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt")
                                          for n in range(10))}


def today() -> dt.date:
    return build_time().date() if reproducible() else dt.date.today()


def reading_minutes(words: int) -> int:
    return max(1, round(words / WORDS_PER_MINUTE))


def estimated_pages(words: int, page_size: str) -> int:
    """Pages an essay takes in the zine layout: its text, plus its opening page's heading."""
    return max(1, math.ceil((words + 80) / WORDS_PER_PAGE.get(page_size, 330)))


def tag_counts(essays: list[Essay]) -> list[tuple[str, int]]:
    """Each tag with how many essays carry it, most used first."""
    counts = Counter(tag for essay in essays for tag in essay.tags)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"' if text else ""


def _write_new(path: Path, text: str) -> Path:
    """Create a file that must not exist yet (exclusive create, so nothing is overwritten)."""
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
    return path
