"""The spec's `[words]` table: a collective's own text for any word pamphlet writes, by the
message's key (`contents = "Readings"`), over the catalog of the book's language.

A message with a count takes one text for every count, or a table of CLDR's plural
categories that the language uses (`{ one = "%(num)s booklet", other = "%(num)s
booklets" }`). A text may use the message's placeholders (`%(names)s`), and no others.

Diagnostic codes: P102 a key that names no message (with the nearest one), P103 a value
that is not a text (or, for a message with a count, a table of texts), P179 a text with a
placeholder the message does not have, or a plural category the language does not use.
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import Diagnostics, shorten
from ..locale.tags import babel_locale
from ..locale.words import CATEGORIES, keys, placeholders
from .schema import TomlLocator, did_you_mean


def check_words(table: dict, lang: str, path: Path, locator: TomlLocator,
                diagnostics: Diagnostics) -> dict:
    """The [words] table with every entry that can be used; the others reported."""
    known = keys()
    used: dict = {}
    for key, value in table.items():
        line = locator.line_of("words", key)
        if key not in known:
            diagnostics.error("P102", f"unknown key 'words.{shorten(key, 40)}'", path, line,
                              hint=did_you_mean(key, known) or
                              "the keys are listed in docs/translations.md")
            continue
        english = known[key]
        if _checked(key, value, english, lang, path, line, diagnostics):
            used[key] = value
    return used


def _checked(key: str, value: object, english: tuple[str, ...], lang: str, path: Path,
             line: int | None, diagnostics: Diagnostics) -> bool:
    texts = _texts(value, len(english) > 1)
    if texts is None:
        wanted = "a text, or a table of texts by plural category" if len(english) > 1 \
            else "a text"
        diagnostics.error("P103", f"'words.{key}' must be {wanted}", path, line,
                          hint=f'like {key} = "{english[-1]}"')
        return False
    allowed = set().union(*(placeholders(text) for text in english))
    categories = set(babel_locale(lang).plural_form.tags) | {"other"}
    for category, text in texts:
        if category is not None and category not in categories:
            diagnostics.error(
                "P179", f"'words.{key}' gives the plural form '{category}', which the "
                f"language '{lang}' does not use", path, line,
                hint="its forms are " + ", ".join(c for c in CATEGORIES if c in categories))
            return False
        if stray := sorted(placeholders(text) - allowed):
            diagnostics.error(
                "P179", f"'words.{key}' uses %({stray[0]})s, which this message does not "
                "have", path, line, hint="it may use " + (", ".join(
                    f"%({name})s" for name in sorted(allowed)) or "no placeholder"))
            return False
    return True


def _texts(value: object, counted: bool) -> list[tuple[str | None, str]] | None:
    """(plural category or None, text) for each text of a [words] value; None if it is
    not of the shape the message takes."""
    if isinstance(value, str):
        return [(None, value)]
    if counted and isinstance(value, dict) and value and \
            all(isinstance(text, str) for text in value.values()):
        return [(str(category), text) for category, text in value.items()]
    return None

