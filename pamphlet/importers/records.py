"""Reading the data files of exports (CSV tables, JSON documents) and the dates they write,
each fault a diagnostic with its line, never an exception.

May import: `diagnostics` (as the importers do).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

from ..diagnostics import Diagnostics

MAX_FIELD = 4_000_000  # characters in one CSV field (a long text property); more is refused
_MONTHS = {m: n for n, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug",
                                       "sep", "oct", "nov", "dec"), start=1)}
# JavaScript's Date.toString(): "Thu Oct 07 2021 07:49:52 GMT+0000 (Coordinated Universal Time)"
_JS_DATE = re.compile(r"^\s*(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})\b")
_ISO = re.compile(r"^\s*(\d{4})-(\d\d)-(\d\d)")


def read_csv(text: str, where: Path, diagnostics: Diagnostics) -> list[dict] | None:
    """The rows of a CSV table with a header line, as {column: value}; None after an error
    (N890) that names the line, for a table that cannot be read."""
    before = csv.field_size_limit()
    csv.field_size_limit(MAX_FIELD)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        rows = [{(k or "").strip(): v for k, v in row.items() if isinstance(v, str)}
                | {"#line": reader.line_num} for row in reader]
    except csv.Error as error:
        diagnostics.error("N890", f"{where.name} is not a readable CSV table: {error}", where,
                          reader.line_num or None,
                          hint="export again; a table cut short or edited by hand can break")
        return None
    finally:
        csv.field_size_limit(before)
    return rows


def read_json(text: str, where: Path, diagnostics: Diagnostics):
    """The JSON document in `text`, or None after an error (N890) with its line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        diagnostics.error("N890", f"{where.name} is not valid JSON: {error.msg}", where,
                          error.lineno, hint="export again; a file cut short cannot be read")
    except RecursionError:
        diagnostics.error("N890", f"{where.name} nests its data too deep to read", where,
                          hint="this is no export a platform writes")
    return None


def iso_date(value) -> str | None:
    """A date as YYYY-MM-DD from what exports write: ISO 8601, JavaScript's `toString()`,
    a Unix time in milliseconds; None if it is none of these (or no real day)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return dt.datetime.fromtimestamp(value / 1000, dt.timezone.utc).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    if found := _ISO.match(value):
        return _day(*map(int, found.groups()))
    if (found := _JS_DATE.match(value)) and found.group(1).lower()[:3] in _MONTHS:
        return _day(int(found.group(3)), _MONTHS[found.group(1).lower()[:3]],
                    int(found.group(2)))
    return None


def loose_date(value: str) -> str | None:
    """A date as people write it in a table or a footer ("January 5, 2023 3:04 PM",
    "March 9th, 2015 11:40am", "2023/01/05", "@May 1, 2022 → May 3, 2022"), or None."""
    from dateutil import parser

    text = re.split(r"\s+(?:→|->)\s+", value.strip().lstrip("@").strip())[0]
    if not text or len(text) > 60:
        return None
    found = iso_date(text)
    if found:
        return found
    try:
        return parser.parse(text, fuzzy=False).date().isoformat()
    except (ValueError, OverflowError, parser.ParserError):
        return None


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def first_line(text: str, words: int = 16) -> str:
    """A title for an untitled post: its first line, up to the end of its first sentence
    or `words` words, with an ellipsis when cut."""
    line = next((" ".join(part.split()) for part in text.split("\n") if part.strip()), "")
    sentence = re.match(r"(.+?[.!?…])(?:\s|$)", line)
    if sentence and len(sentence.group(1).split()) <= words:
        return sentence.group(1).rstrip(".")
    kept = line.split()
    return " ".join(kept[:words]) + ("…" if len(kept) > words else "")
