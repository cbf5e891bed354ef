"""Reading `source/*.md`: YAML front matter and Markdown body into a frozen `Essay`.

Diagnostic codes of this stage:
  E201 the file cannot be read             E202 the file is not UTF-8
  E203 the front matter is not valid YAML  E204 the front matter is never closed
  E205 the title is missing or empty       E206 a front-matter value has the wrong type
  E207 an unknown front-matter key that looks like a typo (warning)
  E208 the essay has no text (warning)     E209 the front matter is not a mapping
  E211 the essay is very long (warning)   E212 control characters were left out (warning)
  E213 the essay's date is no real date    E214 a source's date is no real date (warning)
  E215 the front matter is nested too deep
  E218 the essay is larger than MAX_ESSAY
  E220 source/ cannot be listed
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..diagnostics import Diagnostics, fail, shorten
from ..store.paths import Gate, Refused, ignored
from .schema import MAX_NESTING, deepest_line, impossible_date, nearest

FIELDS = ("title", "subtitle", "author", "date", "source", "tags", "lang", "license", "summary",
          "bibliography", "nocite")
SOURCE_FIELDS = ("title", "publisher", "url", "date", "accessed")
_SPACE = " \t\r\n\f\v"  # what edges lose: a no-break space there is the author's own
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")
# Characters XML 1.0 does not allow, and so no XHTML or PDF text can hold.
# Control characters, and the noncharacters U+FDD0-U+FDEF, which pamphlet uses inside for
# the quotation marks it makes (locale/quotes.py): no page can show any of them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufdd0-\ufdef\ufffe\uffff]")


@dataclass(frozen=True)
class Source:
    """Where an essay first appeared."""

    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    accessed: str | None = None


@dataclass(frozen=True)
class Essay:
    """One essay of the library, as its file says, before any rendering."""

    slug: str
    path: Path
    title: str
    body: str
    body_line: int  # the file's line on which the body starts, for diagnostics
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    source: Source | None = None
    tags: tuple[str, ...] = ()
    lang: str | None = None
    license: str | None = None
    summary: str | None = None
    title_line: int = 1
    bibliography: tuple[str, ...] = ()  # its own bibliography files, beside the spec's
    bibliography_line: int | None = None
    nocite: tuple[str, ...] = ()  # works listed though not cited (pandoc's nocite; * is all)
    nocite_line: int | None = None

    @functools.cached_property
    def word_count(self) -> int:
        return len(_WORD.findall(_strip_markup(self.body)))


def essay_paths(source_dir: Path) -> dict[str, Path]:
    """Every essay file in source/, by slug, in slug order (unreadable ones too, to report).

    Hidden files and editor leftovers (`.#lock`, `#autosave#`, `backup~`) are passed over.
    A source/ that cannot be listed raises E220."""
    if not source_dir.is_dir():
        return {}
    try:
        names = sorted(entry.name for entry in os.scandir(source_dir))
    except OSError as error:
        raise fail("E220", f"cannot list the essays in {source_dir.name}/: "
                   f"{error.strerror or error}", source_dir,
                   hint="check the folder's permissions (it must be readable and searchable)"
                   ) from None
    return {Path(name).stem: source_dir / name for name in names
            if name.endswith(".md") and not ignored(Path(name))}


def read_essay(path: Path, diagnostics: Diagnostics, encoding: str = "utf-8",
               gate: Gate | None = None) -> Essay | None:
    """Parse one essay file, read through the project's path gate; on an error, report it
    and return None."""
    text = _read_text(path, diagnostics, encoding, gate or Gate.for_project(path.parent.parent))
    if text is None:
        return None
    split = _split_front_matter(text, path, diagnostics)
    if split is None:
        return None
    front, body, body_line = split
    meta, lines = _parse_yaml(front, path, diagnostics)
    if meta is None:
        return None
    return _essay(path, meta, lines, body, body_line, diagnostics)


def _read_text(path: Path, diagnostics: Diagnostics, encoding: str, gate: Gate) -> str | None:
    try:
        raw = gate.project_only().read_bytes(path, what="essay",
                                             codes={"missing": "E201"})
    except Refused as refused:
        diagnostics.extend(refused.diagnostics)
        return None
    if len(raw) > MAX_ESSAY:
        diagnostics.error("E218", f"the essay is {len(raw) / 1e6:.1f} MB, more than the "
                          f"{MAX_ESSAY / 1e6:g} MB an essay may be (some 3,000 pages)", path,
                          hint="split it into several essays")
        return None
    try:
        text = raw.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8")
                          else encoding)
    except (UnicodeDecodeError, LookupError) as error:
        line = raw[:getattr(error, "start", 0)].count(b"\n") + 1
        guess = guess_encoding(raw)
        diagnostics.error("E202", f"the file is not {encoding} text; it looks like {guess}", path,
                          line, hint=f"save it as UTF-8, or build with --encoding {guess}")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        first = _CONTROL.search(text)
        diagnostics.warning("E212", "control characters (which no page can show) were left out",
                            path, text[:first.start()].count("\n") + 1,
                            hint="they often come from pasting; the file itself is unchanged")
        text = _CONTROL.sub("", text)
    return text


def guess_encoding(raw: bytes) -> str:
    """A likely name for the encoding of bytes that are not UTF-8."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    try:
        raw.decode("cp1252")
        return "cp1252"  # Windows' Western European, the usual suspect for pasted text
    except UnicodeDecodeError:
        return "latin-1"


def _split_front_matter(text: str, path: Path,
                        diagnostics: Diagnostics) -> tuple[str, str, int] | None:
    if not text.startswith("---\n"):
        diagnostics.error("E205", "the essay has no front matter with a title", path, 1,
                          hint="start the file with lines '---', 'title: ...', '---'")
        return None
    match = re.search(r"^(---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    if match is None:
        diagnostics.error("E204", "the front matter is never closed", path, 1,
                          hint="end the front matter with a line '---' before the text")
        return None
    front = text[4:4 + match.start()]
    body = text[4 + match.end():].lstrip("\n")
    body_line = text[:len(text) - len(body)].count("\n") + 1
    return front, body, body_line


# libyaml's parser where PyYAML has it: some ten times faster, and it bounds nesting itself.
_BASE = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


class _Loader(_BASE):
    """YAML's safe loader, but a date or number Python cannot hold stays the text written,
    and a value that cannot be what its tag says is a YAML error at its line.

    `date: 2026-02-30` is then reported, with its line, as an impossible date; a 5,000-digit
    number is just text. The stock loader raises ValueError, KeyError, ... for these.
    """

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError) as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {shorten(str(node.value), 40)!r} as {node.tag}",
                node.start_mark) from error

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)

    def construct_yaml_int(self, node):
        try:
            number = super().construct_yaml_int(node)
        except ValueError:
            return self.construct_scalar(node)
        # Past some 4,000 digits Python will not even print it: it stays text.
        return number if number.bit_length() < 10_000 else self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _parse_yaml(front: str, path: Path, diagnostics: Diagnostics):
    loader = _Loader(front)
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else {}
    except RecursionError:
        diagnostics.error("E215", f"the front matter is nested more than {MAX_NESTING} deep",
                          path, deepest_line(front) + 1,
                          hint="front matter holds 'key: value' lines and short lists")
        return None, {}
    except yaml.YAMLError as error:
        if "maximum nesting depth" in str(error):  # libyaml's own bound
            diagnostics.error("E215", f"the front matter is nested more than {MAX_NESTING} "
                              "deep", path, deepest_line(front) + 1,
                              hint="front matter holds 'key: value' lines and short lists")
            return None, {}
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error)
        diagnostics.error("E203", f"the front matter is not valid YAML: {problem}", path, line,
                          hint="check indentation, and quote values that contain ': '")
        return None, {}
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        diagnostics.error("E209", "the front matter must be a list of 'key: value' lines", path,
                          2, hint="write 'title: My essay' between the '---' lines")
        return None, {}
    lines = {str(key.value): key.start_mark.line + 2 for key, _ in node.value}
    for key, value in node.value:  # and source.date, source.accessed, ...
        if isinstance(value, yaml.MappingNode):
            lines.update({f"{key.value}.{inner.value}": inner.start_mark.line + 2
                          for inner, _ in value.value})
    return meta, lines


def _essay(path: Path, meta: dict, lines: dict[str, int], body: str, body_line: int,
           diagnostics: Diagnostics) -> Essay | None:
    errors_before = len(diagnostics.errors)
    for key in meta:
        near = nearest(str(key), FIELDS) if str(key) not in FIELDS else None
        if near:
            diagnostics.warning("E207", f"unknown front-matter key '{key}'", path,
                                lines.get(str(key)), hint=f"did you mean '{near}'?")
    field = _FieldReader(meta, lines, path, diagnostics)
    title = field.text("title")
    if not title:
        diagnostics.error("E205", "the essay has no title", path, lines.get("title", 1),
                          hint="add a line 'title: ...' to the front matter")
    essay = Essay(
        slug=path.stem, path=path.resolve(), title=title or "", body=body, body_line=body_line,
        subtitle=field.text("subtitle"), authors=field.names("author"), date=field.text("date"),
        source=field.source(), tags=field.names("tags"), lang=field.text("lang"),
        license=field.text("license"), summary=field.text("summary"),
        title_line=lines.get("title", 1), bibliography=field.names("bibliography"),
        bibliography_line=lines.get("bibliography"), nocite=field.nocite(),
        nocite_line=lines.get("nocite"))
    if len(diagnostics.errors) > errors_before:
        return None
    if not body.strip():
        diagnostics.warning("E208", "the essay has no text", path, body_line,
                            hint="write the essay below the front matter")
    size = len(body.encode("utf-8"))
    if size > LONG_ESSAY:
        diagnostics.warning(
            "E211", f"the essay is {size / 1e6:.1f} MB, about {essay.word_count:,} words: "
            "hundreds of pages, which take a minute or more to lay out", path, body_line,
            hint=f"to print part of it, name its sections under [essay.{path.stem}] sections "
                 "in the spec; or split it into several essays")
    return essay


LONG_ESSAY = 1_000_000  # bytes of Markdown: some 400 pages
# Bytes of Markdown an essay may have. Python-Markdown was made for pages, not books: parts
# of it take time by the square of a paragraph's markup or of a block's parts, which
# mdsafe.py bounds but cannot make free.
MAX_ESSAY = 8_000_000


@dataclass
class _FieldReader:
    """Reads typed front-matter values, reporting E206 for a wrong type."""

    meta: dict
    lines: dict[str, int]
    path: Path
    diagnostics: Diagnostics

    def text(self, key: str, meta: dict | None = None, label: str | None = None) -> str | None:
        value = (self.meta if meta is None else meta).get(key)
        if value is None:
            return None
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = _CONTROL.sub("", str(value)).strip(_SPACE)
            return self._real_date(label or key, text) if key in ("date", "accessed") else text
        self._wrong(label or key, "a line of text", value)
        return None

    def _real_date(self, key: str, text: str) -> str | None:
        """A date written as YYYY-MM-DD must be a real one: the essay's own date orders the
        pamphlet (an error); a source's date is only cited, so it is printed as written."""
        problem = impossible_date(text)
        if problem is None:
            return text
        report = self.diagnostics.error if key == "date" else self.diagnostics.warning
        report("E213" if key == "date" else "E214",
               f"'{key}' is not a real date: '{shorten(text, 40)}' ({problem})", self.path,
               self.lines.get(key) or self.lines.get(key.split(".")[0]),
               hint="write the date as YYYY-MM-DD, or in words, like 'Spring 2026'")
        return text

    def names(self, key: str) -> tuple[str, ...]:
        value = self.meta.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = _CONTROL.sub("", value)
            return tuple(v.strip(_SPACE) for v in value.split(",")) if key == "tags" else (
                value.strip(_SPACE),)
        if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
            return tuple(_CONTROL.sub("", str(v)).strip(_SPACE) for v in value)
        self._wrong(key, "a name or a list of names", value)
        return ()

    def nocite(self) -> tuple[str, ...]:
        """The keys of `nocite` as pandoc reads it: "@a, @b", a list of them, or "@*"."""
        value = self.meta.get("nocite")
        if value is None:
            return ()
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = " ".join(value)
        if not isinstance(value, str):
            self._wrong("nocite", "keys like '@smith2020, @doe1999' (or '@*')", value)
            return ()
        keys = re.findall(r"@(\*|\{[^{}]+\}|[\w][^\s,;]*\w|\w)", value)
        return tuple(dict.fromkeys(key.strip("{}") for key in keys))

    def source(self) -> Source | None:
        value = self.meta.get("source")
        if value is None:
            return None
        if isinstance(value, str):
            return Source(url=value.strip())
        if not isinstance(value, dict):
            self._wrong("source", "a URL or a mapping with title, publisher, url, date", value)
            return None
        for key in value:
            if key not in SOURCE_FIELDS:
                near = nearest(str(key), SOURCE_FIELDS)
                self.diagnostics.error(
                    "E206", f"unknown key 'source.{key}'", self.path, self.lines.get("source"),
                    hint=f"did you mean '{near}'?" if near else
                    "source takes: " + ", ".join(SOURCE_FIELDS))
        source = Source(**{key: self.text(key, value, f"source.{key}") for key in SOURCE_FIELDS})
        return source if any(vars(source).values()) else None  # an empty template is no source

    def _wrong(self, key: str, wanted: str, value) -> None:
        self.diagnostics.error(
            "E206", f"'{key}' must be {wanted}, not {type(value).__name__}", self.path,
            self.lines.get(key.split(".")[0]), hint=f"write '{key}: ...' as {wanted}")


# What the word count leaves out. No part can run past the next bracket, parenthesis or line
# it does not close, so a text of unclosed `![` or `[a](` is read once, not once a bracket.
_NOTE_LABEL = re.compile(r"(?m)^\[\^[^\[\]\n]*\]:")
_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")
_MARKUP = re.compile(r"<[^<>]*>|[*_`#>|]")


def _strip_markup(body: str) -> str:
    body = _NOTE_LABEL.sub(" ", body)
    body = _LINK.sub(r"\1", body)
    return _MARKUP.sub(" ", body)
