"""Bibliographies into one library of works by key: BibTeX and BibLaTeX (`.bib`), CSL JSON as
Zotero exports it (`.json`), CSL YAML (`.yaml`, `.yml`).

Every file is read through the project's path gate (its size bounded by `[limits]`). A
`.bib` is read by pandoc itself (text/citeproc.py), so that its works are what `pandoc
--citeproc` would make of them; this module finds each key's line, and the nesting no real
entry needs. JSON and YAML are read here, their nesting bounded likewise.

Diagnostic codes:
  R101 a bibliography cannot be read, or is of no format pamphlet knows
  R102 a BibTeX file does not parse (pandoc's message and line)
  R103 a CSL JSON or YAML file does not parse, or holds no CSL items
  R104 a key is given to two works
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..diagnostics import Diagnostics, shorten
from ..project.schema import MAX_NESTING, deepest_line
from ..store.paths import Gate, Refused
from ..store.usercache import Store
from .citeproc import Unreadable, to_csl_json

BIBTEX = (".bib", ".bibtex", ".biblatex")
CSL_JSON = (".json",)
CSL_YAML = (".yaml", ".yml")
# BibTeX entry heads: @type{key, -- the types that hold no work are left out.
_ENTRY = re.compile(r"@[ \t]*([A-Za-z]+)[ \t\n]*[{(][ \t\n]*([^,\s{}()\"#%'=]+)[ \t\n]*,")
_NO_WORK = {"string", "preamble", "comment"}
# An item's id in CSL JSON or YAML: "id": "key" (or id: key), for its line.
_ID = re.compile(r"""(?m)["']?\bid["']?\s*:\s*["']?([^"'\n,}]+?)["']?\s*(?:,|}|$)""")


@dataclass(frozen=True)
class Work:
    """One entry of a bibliography: its CSL JSON and where it is written."""

    key: str
    item: dict
    path: Path
    line: int | None


@dataclass
class Library:
    """The works a document may cite, by key, in the order their files list them."""

    works: dict[str, Work]

    def __contains__(self, key: str) -> bool:
        return key in self.works

    def items(self, keys) -> tuple[dict, ...]:
        """The CSL JSON of the works among `keys` (each once, in the library's order)."""
        wanted = set(keys)
        return tuple(work.item for key, work in self.works.items() if key in wanted)


def load(paths: list[tuple[Path, tuple[Path, int | None]]], gate: Gate, lang: str,
         diagnostics: Diagnostics, store: Store | None = None) -> Library:
    """The works of the files `paths` (each with where it is named), reporting what is wrong
    with each; a file that cannot be read adds no works."""
    works: dict[str, Work] = {}
    for path, where in paths:
        for work in _works(path, where, gate, lang, diagnostics, store):
            if work.key in works:
                first = works[work.key]
                diagnostics.error(
                    "R104", f"the key '{work.key}' is given to two works", work.path, work.line,
                    hint=f"it is also at {_place(first)}; rename one (and its citations)")
                continue
            works[work.key] = work
    return Library(works)


def _place(work: Work) -> str:
    return f"{work.path.name}:{work.line}" if work.line else work.path.name


def _works(path: Path, where: tuple[Path, int | None], gate: Gate, lang: str,
           diagnostics: Diagnostics, store: Store | None) -> list[Work]:
    suffix = path.suffix.lower()
    if suffix not in BIBTEX + CSL_JSON + CSL_YAML:
        diagnostics.error("R101", f"'{path.name}' is not a bibliography pamphlet can read",
                          *where, hint="give a BibTeX or BibLaTeX .bib, a CSL JSON .json (as "
                          "Zotero exports it) or a CSL YAML .yaml file")
        return []
    try:
        data = gate.project_only().read_bytes(path, where, "bibliography",
                                              {"missing": "R101", "outside": "S902"})
        text = data.decode("utf-8-sig")
    except Refused as refused:
        diagnostics.extend(refused.diagnostics)
        return []
    except UnicodeDecodeError as error:
        diagnostics.error("R101", f"the bibliography is not UTF-8 (byte {error.start})", path,
                          data[:error.start].count(b"\n") + 1, hint="export it as UTF-8")
        return []
    if suffix in BIBTEX:
        return _bibtex(path, data, text, lang, diagnostics, store)
    items = _json(path, text, diagnostics) if suffix in CSL_JSON else _yaml(path, text,
                                                                           diagnostics)
    return _csl_works(path, text, items, diagnostics)


def _bibtex(path: Path, data: bytes, text: str, lang: str, diagnostics: Diagnostics,
            store: Store | None) -> list[Work]:
    deep = _too_deep(text)
    if deep:
        diagnostics.error("R102", f"braces nest more than {MAX_NESTING} deep", path, deep,
                          hint="close the braces of the entry on that line")
        return []
    try:
        items = to_csl_json(data, path.name, lang, store)
    except Unreadable as error:
        diagnostics.error("R102", f"the BibTeX file does not parse: {error.message}", path,
                          error.line, hint="fix the entry there (a missing comma, brace or "
                          "quote), or export the library again")
        return []
    lines: dict[str, list[int]] = {}
    for key, line in _lines_of(_ENTRY, text):
        if key[0].lower() not in _NO_WORK:
            lines.setdefault(key[1], []).append(line)
    works = [Work(str(item.get("id")), item, path, (lines.get(str(item.get("id"))) or [None])[0])
             for item in items if isinstance(item, dict)]
    # pandoc keeps the last of two entries with one key: each one after the first is said.
    for key, found in lines.items():
        for line in found[1:]:
            diagnostics.error("R104", f"the key '{key}' is given to two works", path, line,
                              hint=f"it is also at line {found[0]}; rename one (and its "
                              "citations)")
    return works


def _lines_of(pattern: re.Pattern, text: str):
    """Each match's groups and the line it starts on, counting lines once through the text."""
    line, at = 1, 0
    for match in pattern.finditer(text):
        line += text.count("\n", at, match.start())
        at = match.start()
        yield match.groups(), line


def _too_deep(text: str) -> int | None:
    """The line where braces first nest MAX_NESTING deep (no entry needs a tenth of that)."""
    depth = deepest = 0
    for brace in re.sub(r"[^{}]+", "", text):
        depth = max(depth + (1 if brace == "{" else -1), 0)
        deepest = max(deepest, depth)
    if deepest < MAX_NESTING:
        return None
    depth = 0
    for match in re.finditer(r"[{}]", text):  # only now, the line where it happens
        depth = max(depth + (1 if match.group() == "{" else -1), 0)
        if depth >= MAX_NESTING:
            return text.count("\n", 0, match.start()) + 1
    return None


def _json(path: Path, text: str, diagnostics: Diagnostics) -> list | None:
    try:
        return json.loads(text)
    except RecursionError:
        diagnostics.error("R103", f"the CSL JSON nests more than {MAX_NESTING} deep", path,
                          deepest_line(text), hint="export the library again")
    except ValueError as error:
        line = getattr(error, "lineno", None)
        diagnostics.error("R103", f"not valid JSON: {getattr(error, 'msg', error)}", path, line,
                          hint="export the library again as CSL JSON")
    return None


def _yaml(path: Path, text: str, diagnostics: Diagnostics) -> list | None:
    try:
        data = yaml.safe_load(text)
    except RecursionError:
        diagnostics.error("R103", f"the CSL YAML nests more than {MAX_NESTING} deep", path,
                          deepest_line(text), hint="export the library again")
        return None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        diagnostics.error("R103", f"not valid YAML: {getattr(error, 'problem', None) or error}",
                          path, mark.line + 1 if mark else None,
                          hint="check indentation, and quote values that contain ': '")
        return None
    return data.get("references") if isinstance(data, dict) else data


def _csl_works(path: Path, text: str, items, diagnostics: Diagnostics) -> list[Work]:
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(
            i.get("id"), (str, int)) for i in items):
        diagnostics.error("R103", "the file holds no list of CSL items, each with an 'id'",
                          path, 1, hint="export the library as CSL JSON (Zotero: Export "
                          "Library..., format CSL JSON), or give a .bib file")
        return []
    works, seen = [], {}
    lines: dict[str, list[int]] = {}
    for (key,), line in _lines_of(_ID, text):
        lines.setdefault(key, []).append(line)
    for item in items:
        key = str(item["id"])
        found = lines.get(key) or [None]
        line = found.pop(0) if len(found) > 1 else found[0]
        if key in seen:
            diagnostics.error("R104", f"the key '{shorten(key, 80)}' is given to two works",
                              path, line, hint=f"it is also at line {seen[key]}; rename one")
            continue
        seen[key] = line
        works.append(Work(key, {**item, "id": key}, path, line))
    return works
