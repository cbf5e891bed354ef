"""Pandoc's citation syntax in essays: `[@key]`, `[see @a, 12; @b]`, `@key [33]`, `[-@key]`.

The Markdown extension marks each citation where pandoc's reader would find one, never in
code (Python-Markdown has stashed code spans and blocks before it runs) and never in an
e-mail address (an in-text `@` must not follow a letter). A marked citation keeps the text
as written, so an essay whose book has no bibliography prints what its author wrote; the
book's citation step (book/cite.py) hands that text to pandoc's own reader and citeproc.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

import markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.util import AtomicString

# A key as pandoc reads it: a letter, digit or _, then word characters and internal
# punctuation (a key never ends in punctuation: `@doe99.` is doe99 and a full stop); or
# anything but braces between `@{` and `}`.
KEY = r"(?:\{[^{}\n]{1,500}\}|\w(?:[\w]|[:.#$%&\-+?<>~/]+(?=\w)){0,499})"
_CITE_KEY = re.compile(r"(?<![\w@])(-?)@(" + KEY + ")")
# The punctuation and letters an in-text `@` may not follow (e-mail addresses, handles in URLs).
_NOT_BEFORE = r"(?<![\w@.!#$%&'*+/=?^`{|}~-])"
# A bracketed group: brackets nested one deep inside it at most (`[see [p. 3] @a]`), on
# one paragraph, not a link (`[@a](url)`), not a footnote call (`[^1]`).
_BRACKETED = r"\[(?!\^)((?:[^\[\]\n]|\n(?!\s*\n)|\[[^\[\]\n]*\])*?@(?:[^\[\]]|\[[^\[\]\n]*\])*?)\](?![(\[:])"
_IN_TEXT = _NOT_BEFORE + r"@(" + KEY + r")(?:( \[)([^\[\]\n]*)\])?"
_PART = re.compile(r"^(?P<prefix>(?:[^@]|(?<=\w)@)*?)(?P<minus>-)?@(?P<key>" + KEY + r")(?P<rest>.*)$",
                   re.DOTALL)
CLASS = "citation-mark"  # the mark's class until the book's citation step replaces it


@dataclass(frozen=True)
class Citation:
    """One citation as its essay writes it: `[see @a, 12; @b]` or `@a [12]`."""

    text: str
    keys: tuple[str, ...]
    line: int | None = None
    note: int | None = None  # the essay's footnote it stands in, if any


def keys_of(text: str) -> tuple[str, ...]:
    """The keys a citation's text names, in order (braces taken off `@{...}`)."""
    return tuple(_bare(match.group(2)) for match in _CITE_KEY.finditer(text))


def _bare(key: str) -> str:
    return key[1:-1] if key.startswith("{") else key


def bracketed_group(inner: str) -> bool:
    """Whether the text inside `[...]` is a citation group: each part, split at `;`, names
    one key (with a prefix before it and a locator or suffix after it)."""
    parts = inner.split(";")
    return all(_PART.match(part.strip()) and len(_CITE_KEY.findall(part)) == 1
               for part in parts)


class CitationExtension(markdown.Extension):
    """Marks pandoc citations as `<span class="citation-mark" id="{mark}cite-N">text</span>`."""

    def __init__(self, mark: str):
        super().__init__()
        self.mark = mark

    def extendMarkdown(self, md):
        counter = [0]
        # After code spans (190), escapes (180) and footnote calls (175); before links (160),
        # which would otherwise take `[see @a]` for a link text.
        md.inlinePatterns.register(_Bracketed(_BRACKETED, md, self.mark, counter),
                                   "citation", 172)
        md.inlinePatterns.register(_InText(_IN_TEXT, md, self.mark, counter),
                                   "citation_in_text", 171)


class _Marker(InlineProcessor):
    def __init__(self, pattern: str, md, mark: str, counter: list[int]):
        super().__init__(pattern, md)
        self.mark, self.counter = mark, counter

    def element(self, text: str) -> ElementTree.Element:
        self.counter[0] += 1
        span = ElementTree.Element("span", {"class": CLASS,
                                            "id": f"cite{self.mark}{self.counter[0]}"})
        span.text = AtomicString(text)  # as written: no emphasis, quotes or links inside
        return span


class _Bracketed(_Marker):
    def handleMatch(self, m, data):
        if not bracketed_group(m.group(1)):
            return None, None, None
        return self.element(m.group(0)), m.start(0), m.end(0)


class _InText(_Marker):
    def handleMatch(self, m, data):
        return self.element(m.group(0)), m.start(0), m.end(0)


def unmark(text: str) -> str:
    """A citation's text without the backslash escapes Markdown would have removed."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!])", r"\1", text)
