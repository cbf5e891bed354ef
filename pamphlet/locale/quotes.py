"""Quotation marks by language: the straight quotes an author typed, made curly as the text's
language sets them (CLDR's delimiters): “…” in English, « … » in French, „…“ in German,
«…» in Russian, 「…」 in Japanese; single quotes as the language's inner quotes.

The Markdown conversion (text/) puts a mark where it made a quote curly, the same for every
language, so that a conversion is cached once for all; `curl` then sets each mark as the
language has it. Quotes an author pasted in already curly are never marks, and stay as
they are. The table of marks, delimiters.json, is CLDR's (see tools/cldr_delimiters.py and
LICENSE-CLDR.txt beside it): Babel carries most of CLDR, but not its delimiters.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from .tags import candidates

# Unicode noncharacters, which no text may hold (essays lose them on reading, with E212;
# spec fields before their conversion): where the conversion opened or closed a double or
# a single quote.
OPEN_DOUBLE, CLOSE_DOUBLE, OPEN_SINGLE, CLOSE_SINGLE = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3"
MARKS = OPEN_DOUBLE + CLOSE_DOUBLE + OPEN_SINGLE + CLOSE_SINGLE
NONCHARACTERS = re.compile("[\ufdd0-\ufdef]")
APOSTROPHE = "’"
_DATA = Path(__file__).with_name("delimiters.json")
# French sets a narrow no-break space inside its guillemets (the Imprimerie nationale's
# rule, and Word's and LibreOffice's habit in French); Swiss French sets none.
_SPACED = {"fr": "\u202f"}
_UNSPACED = {"fr_CH"}
_BLOCK_END = re.compile(r"(?=</(?:p|li|h[1-6]|blockquote|td|th|dt|dd|figcaption|div)>)")
_MARK = re.compile(f"[{MARKS}]")


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    return json.loads(_DATA.read_text(encoding="utf-8"))["delimiters"]


@lru_cache(maxsize=256)
def delimiters(lang: str | None) -> tuple[str, str, str, str]:
    """(open, close, inner open, inner close) for the language `lang` (English without
    one), with the spaces the language sets inside them."""
    table = _table()
    names = candidates(lang or "en")
    marks = table[next((name for name in names if name in table), "en")]
    space = "" if _UNSPACED.intersection(names) else next(
        (_SPACED[name] for name in names if name in _SPACED), "")
    if space and marks[0] == "«":
        return (marks[0] + space, space + marks[1], marks[2] + space, space + marks[3])
    return marks[0], marks[1], marks[2], marks[3]


def curl(text: str, lang: str | None) -> str:
    """`text` with the conversion's quote marks set as `lang` sets them; a closing single
    quote that closes no open one, or stands inside a word (don't, l'homme, the '80s), is
    an apostrophe."""
    if not _MARK.search(text):
        return text
    marks = delimiters(lang)
    curled = "".join(_block(piece, marks) for piece in _BLOCK_END.split(text))
    if marks[0][-1] == "\u202f":  # spaces typed inside the quotes give way to the thin one
        curled = re.sub(r"(\u202f)[ \u00a0]++|(?<![ \u00a0])[ \u00a0]++(\u202f)", r"\1\2",
                        curled)  # each run of spaces read once
    return curled


def _block(text: str, marks: tuple[str, str, str, str]) -> str:
    out: list[str] = []
    open_singles = 0
    last = 0
    for match in _MARK.finditer(text):
        out.append(text[last:match.start()])
        last = match.end()
        mark = match.group()
        if mark == OPEN_DOUBLE:
            out.append(marks[0])
        elif mark == CLOSE_DOUBLE:
            out.append(marks[1])
        elif mark == OPEN_SINGLE:
            open_singles += 1
            out.append(marks[2])
        elif open_singles and not _inside_word(text, match.start()):
            open_singles -= 1
            out.append(marks[3])
        else:
            out.append(APOSTROPHE)
    out.append(text[last:])
    return "".join(out)


def _inside_word(text: str, at: int) -> bool:
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    return before.isalnum() and after.isalnum()
