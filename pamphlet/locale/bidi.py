"""Keeping each inserted value in its own direction: a name, a title or an address put into a
sentence of the book's language is isolated from it (Unicode's first-strong isolate, U+2068
before and U+2069 after, which browsers, e-book readers and Pango all honour), so that "Bo
Lenz، Ada Quill اور Cy Tan" reads from the right name by name, and "bo@example.org" stays
whole in an Urdu line. A value written wholly in the sentence's own direction, or with no
letter at all (a number, a date in the book's digits), is left as it is.
"""

from __future__ import annotations

import re
import unicodedata

from .scripts import direction

FSI, PDI = "\u2068", "\u2069"
OPENERS = "\u2066\u2067\u2068"  # LRI, RLI, FSI: each closed by PDI
_TAG = re.compile(r"<[^>]*>")
_STRONG = {"L": "ltr", "R": "rtl", "AL": "rtl"}


def isolate(value: str, lang: str | None) -> str:
    """`value` isolated from a sentence in `lang` where it holds a letter written the other
    way (outside the isolates it already has, and outside any markup tags in it). Safe
    markup stays safe markup."""
    if not crosses(value, direction(lang)):
        return value
    kind = type(value)  # str, or markupsafe's Markup, whose `+` keeps it markup
    return kind(FSI) + value + kind(PDI)


def crosses(value: str, way: str) -> bool:
    """Whether `value` has a letter written the other way than `way` ('ltr' or 'rtl'),
    counting none inside an isolate it holds or inside a tag."""
    depth = 0
    for char in _TAG.sub("", str(value)):
        if char in OPENERS:
            depth += 1
        elif char == PDI:
            depth = max(depth - 1, 0)
        elif depth == 0 and _STRONG.get(unicodedata.bidirectional(char), way) != way:
            return True
    return False
