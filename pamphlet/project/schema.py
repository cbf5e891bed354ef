"""A small declarative schema for TOML specs: fields, types, choices, and the checks."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostics, shorten

_TYPE_NAMES = {str: "a string", int: "a whole number", float: "a number", bool: "true or false",
               list: "a list", dict: "a table", dt.date: "a date"}

_PLURALS = {str: "strings", int: "whole numbers", float: "numbers", bool: "booleans",
            dt.date: "dates"}


@dataclass(frozen=True)
class Field:
    """One key of a table: the types it takes, its default and, for strings, its choices."""

    types: tuple[type, ...]
    default: Any = None
    required: bool = False
    choices: tuple[str, ...] = ()
    items: type | None = None  # for lists: the type of each item
    doc: str = ""
    minimum: int | float | None = None  # for numbers: the bounds, both included
    maximum: int | float | None = None

    def out_of_bounds(self, value: Any) -> str | None:
        """What the bounds ask for, when a number lies outside them; else None."""
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return None
        low, high = self.minimum, self.maximum
        if (low is None or value >= low) and (high is None or value <= high):
            return None
        if high is None:
            return f"at least {low:,}"
        return f"at most {high:,}" if low is None else f"between {low:,} and {high:,}"

    def describe(self) -> str:
        names = [_TYPE_NAMES.get(t, t.__name__) for t in self.types]
        if self.items is not None and list in self.types:
            names[self.types.index(list)] = f"a list of {_PLURALS[self.items]}"
        return " or ".join(names)


@dataclass(frozen=True)
class Table:
    """A table of fields; nested tables are fields of type `Table`."""

    fields: dict[str, "Field | Table | TableOf"]
    doc: str = ""


@dataclass(frozen=True)
class TableOf:
    """A table whose keys are the user's own (slugs, say), each value a `table`."""

    table: Table
    doc: str = ""


class TomlLocator:
    """Finds the line of a key (or of a value in a list) in TOML text, for diagnostics.

    tomllib keeps no positions, so this reads the text by line: table headers, `key =`
    lines and string values. It handles what people write in specs, not every corner of TOML,
    and reads each line once, whatever it holds (no pattern here tries a line more than once).
    A key of more than MAX_KEY_PARTS parts is no key of a spec, and is not located.
    """

    _HEADER = re.compile(r"\[\[?([^\[\]]+)\]\]?")
    _KEY = re.compile(r"""("[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)[ \t]*+=""")

    def __init__(self, text: str):
        self.keys: dict[tuple[str, ...], int] = {}
        self.lines = text.splitlines()
        table: tuple[str, ...] = ()
        for number, line in enumerate(self.lines, 1):
            line = line.strip()
            header = self._HEADER.match(line) if line.startswith("[") else None
            rest = line[header.end():].lstrip() if header else ""
            if header and (not rest or rest.startswith("#")):
                table = _split_dotted(header.group(1))
                self.keys.setdefault(table, number)
            elif key := self._KEY.match(line):
                self.keys.setdefault(table + _split_dotted(key.group(1)), number)

    def line_of(self, *path: str) -> int | None:
        """The line of `a.b.key`; of its table where the key is not written; else None."""
        while path:
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return None

    def line_of_value(self, value: str, *path: str) -> int | None:
        """The line where the string `value` stands at or after the key's line."""
        start = self.line_of(*path) or 1
        pattern = re.compile(r"""["']""" + re.escape(value) + r"""["']""")
        for number in range(start, len(self.lines) + 1):
            if pattern.search(self.lines[number - 1]):
                return number
        return start


MAX_KEY_PARTS = 32  # a spec's keys have three or four


def _split_dotted(key: str) -> tuple[str, ...]:
    """`a."b.c".d` as its parts ('a', 'b.c', 'd'): dots inside quotes do not split (read
    once, character by character)."""
    parts, part, quote = [], [], ""
    for char in key:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == ".":
            parts.append("".join(part))
            part = []
            if len(parts) >= MAX_KEY_PARTS:
                return ()
            continue
        part.append(char)
    parts.append("".join(part))
    return tuple(p.strip().strip("\"'") for p in parts)


def nearest(word: str, candidates) -> str | None:
    """The candidate closest to a mistyped word, if one is close enough to suggest."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates) -> str | None:
    near = nearest(word, candidates)
    return f"did you mean '{near}'?" if near else None


@dataclass
class Checker:
    """Validates parsed TOML against a `Table`, reporting into diagnostics."""

    path: Path
    locator: TomlLocator
    diagnostics: Diagnostics
    codes: dict[str, str] = field(default_factory=lambda: {
        "unknown": "P102", "type": "P103", "required": "P105", "choice": "P106",
        "bounds": "P123", "date": "P124"})

    def check(self, data: dict, table: Table, prefix: tuple[str, ...] = ()) -> dict:
        """Return `data` with defaults filled in; report every problem found."""
        result: dict[str, Any] = {}
        for key, value in data.items():
            spec = table.fields.get(key)
            if spec is None:
                self._unknown(key, prefix, table)
            elif isinstance(spec, Table):
                if isinstance(value, dict):
                    result[key] = self.check(value, spec, prefix + (key,))
                else:
                    self._type(key, prefix, value, "a table")
            elif isinstance(spec, TableOf):
                result[key] = self._check_each(key, prefix, value, spec.table)
            else:  # a wrong value is reported; the default stands in so later checks run
                result[key] = value if self._valid(key, prefix, value, spec) else spec.default
        for key, spec in table.fields.items():
            if key in result:
                continue
            if isinstance(spec, Table):
                result[key] = self.check({}, spec, prefix + (key,))
            elif isinstance(spec, TableOf):
                result[key] = {}
            elif spec.required and key not in data:
                self.diagnostics.error(
                    self.codes["required"], f"'{_dotted(prefix + (key,))}' is required", self.path,
                    self.locator.line_of(*prefix) or 1,
                    hint=f"add a line like {key} = ... ({spec.describe()})")
            elif key not in data:
                result[key] = spec.default
        return result

    def _check_each(self, key: str, prefix: tuple[str, ...], value: Any,
                    table: Table) -> dict:
        if not isinstance(value, dict):
            self._type(key, prefix, value, "a table")
            return {}
        checked = {}
        for name, entry in value.items():
            if isinstance(entry, dict):
                checked[name] = self.check(entry, table, prefix + (key, name))
            else:
                self._type(name, prefix + (key,), entry, "a table")
        return checked

    def _valid(self, key: str, prefix: tuple[str, ...], value: Any, spec: Field) -> bool:
        if not _is_type(value, spec.types) or (
                isinstance(value, list) and spec.items and
                not all(_is_type(item, (spec.items,)) for item in value)):
            self._type(key, prefix, value, spec.describe())
            return False
        if spec.choices and value not in spec.choices:
            choices = ", ".join(f"'{c}'" for c in spec.choices)
            near = nearest(str(value), spec.choices)
            self.diagnostics.error(
                self.codes["choice"], f"'{_dotted(prefix + (key,))}' cannot be '{value}'",
                self.path, self.locator.line_of(*prefix, key),
                hint=(f"did you mean '{near}'? " if near else "") + f"choose one of {choices}")
            return False
        return self._in_bounds(key, prefix, value, spec) and self._real_date(key, prefix, value,
                                                                             spec)

    def _in_bounds(self, key: str, prefix: tuple[str, ...], value: Any, spec: Field) -> bool:
        wanted = spec.out_of_bounds(value)
        if wanted:
            self.diagnostics.error(
                self.codes["bounds"], f"'{_dotted(prefix + (key,))}' must be {wanted}, "
                f"not {shorten(str(value), 40)}", self.path, self.locator.line_of(*prefix, key),
                hint=spec.doc or None)
        return not wanted

    def _real_date(self, key: str, prefix: tuple[str, ...], value: Any, spec: Field) -> bool:
        problem = impossible_date(value) if dt.date in spec.types else None
        if problem:
            self.diagnostics.error(
                self.codes["date"], f"'{_dotted(prefix + (key,))}' is not a real date: "
                f"'{shorten(value, 40)}' ({problem})", self.path,
                self.locator.line_of(*prefix, key),
                hint="write the date as YYYY-MM-DD, or as words like \"Spring 2026\"")
        return not problem

    def _unknown(self, key: str, prefix: tuple[str, ...], table: Table) -> None:
        known = ", ".join(sorted(table.fields))
        self.diagnostics.error(
            self.codes["unknown"], f"unknown key '{_dotted(prefix + (key,))}'", self.path,
            self.locator.line_of(*prefix, key),
            hint=did_you_mean(key, table.fields) or f"known keys here: {known}")

    def _type(self, key: str, prefix: tuple[str, ...], value: Any, wanted: str) -> None:
        self.diagnostics.error(
            self.codes["type"],
            f"'{_dotted(prefix + (key,))}' must be {wanted}, not {_kind(value)}",
            self.path, self.locator.line_of(*prefix, key))


# What reads as an ISO date (YAML's and TOML's pattern): a year, a month and a day.
_ISO_DATE = re.compile(
    r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2}))?.*)?\s*")


def impossible_date(value: Any) -> str | None:
    """Why a string written as a date (2026-02-30, 2026-13-01) is no real date; else None.

    Free text such as "Spring 2026" is not a date pamphlet reads, and passes.
    """
    match = _ISO_DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    numbers = [int(part) if part else 0 for part in match.groups()]
    try:
        dt.datetime(*numbers)
    except ValueError as error:
        return str(error)
    return None


# The depth messages name: YAML's and TOML's parsers recurse, and run out of stack a little
# past it (some 300 levels); a real spec or front matter nests three or four.
MAX_NESTING = 100


def deepest_line(text: str) -> int:
    """The line (from 1) where brackets or indentation first nest MAX_NESTING deep."""
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        if (len(line) - len(line.lstrip(" "))) // 2 >= MAX_NESTING:
            return number
        for char in line:
            depth += (char in "[{") - (char in "]}")
            if depth >= MAX_NESTING:
                return number
    return 1


def _is_type(value: Any, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in types
    if isinstance(value, dt.datetime):
        return dt.date in types
    if isinstance(value, int) and float in types:
        return True
    return isinstance(value, types)


def _kind(value: Any) -> str:
    for kind, name in _TYPE_NAMES.items():
        if _is_type(value, (kind,)):
            return f"{name} ({value!r})" if kind in (str, int, float, bool) else name
    return type(value).__name__


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path)



# ---- Press-ready print files and the event kit (issue 16) ----
# Keys that join the spec's [print] and [event] tables and its top level; kept in one block
# here so that other additions to the schema merge without touching these lines.
PRESS_PRINT_FIELDS = {
    "pdfx": Field((str,), default="x-4", choices=("x-4", "x-1a"),
                  doc="the PDF/X standard of the press variant"),
    "bleed": Field((str,), default="3mm", doc='how far colour runs past the trim, like "3mm"'),
    "paper": Field((str,), doc='for the spine: a sheet\'s thickness like "0.1mm", or pages '
                   'per inch like "ppi 444"'),
    "test_sheet": Field((bool,), default=False, doc="a one-sheet printer test with the job"),
    "page_multiple": Field((int,), doc="the press file's (and a perfect-bound block's) pages "
                           "are made up with blanks to a multiple of this: 2 for perfect "
                           "binding, 4 for saddle stitching, unless the printer asks for more"),
}
EVENT_KIT_FIELDS = {
    "end": Field((str,), doc='when the meeting ends, like "20:30"'),
    "duration": Field((str,), doc='how long the meeting lasts, like "2h" or "90min"'),
    "timezone": Field((str,), doc='the place\'s time zone, like "Europe/Berlin"'),
    "url": Field((str,), doc="the meeting's or the packet's web address, printed as a QR code"),
}
SPEC_KIT_FIELDS = {
    "url": Field((str,), doc="where the packet can be downloaded; printed as a QR code"),
}
