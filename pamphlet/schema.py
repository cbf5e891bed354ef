"""A small declarative schema for TOML specs: fields, types, choices, and the checks."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostics

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
    lines and string values. It handles what people write in specs, not every corner of TOML.
    """

    _HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    _KEY = re.compile(r"""^\s*("[^"]+"|'[^']+'|[A-Za-z0-9_.-]+)\s*=""")

    def __init__(self, text: str):
        self.keys: dict[tuple[str, ...], int] = {}
        self.lines = text.splitlines()
        table: tuple[str, ...] = ()
        for number, line in enumerate(self.lines, 1):
            if header := self._HEADER.match(line):
                table = tuple(_split_dotted(header.group(1)))
                self.keys.setdefault(table, number)
            elif key := self._KEY.match(line):
                self.keys.setdefault(table + tuple(_split_dotted(key.group(1))), number)

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


def _split_dotted(key: str) -> list[str]:
    return [part.strip().strip("\"'") for part in re.split(r"\.(?=(?:[^\"']*[\"'][^\"']*[\"'])*[^\"']*$)", key)]


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
        "unknown": "P102", "type": "P103", "required": "P105", "choice": "P106"})

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
            elif self._valid(key, prefix, value, spec):
                result[key] = value
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
        return True

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

