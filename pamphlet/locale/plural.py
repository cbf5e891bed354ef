"""Counted words: the one place a message chooses its form for a number.

Call it as gettext's `ngettext` is called, with both English forms written out and the count
as `{n}` (`ngettext("{n} pamphlet", "{n} pamphlets", count)`), so that a catalog can give
each language its own forms (Russian has three, Arabic six) without touching the callers.
"""

from __future__ import annotations


def ngettext(singular: str, plural: str, n: int) -> str:
    """The message for `n`, with `{n}` filled in (grouped in thousands)."""
    return (singular if n == 1 else plural).replace("{n}", f"{n:,}")
