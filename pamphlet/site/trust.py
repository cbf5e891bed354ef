"""What `--gather` takes from a shard folder, which may come from a machine it cannot trust.

A record is read only if it is a plain file of the shard's records/ (no link), holds data of
the shape pamphlet writes, and names its page and files by plain names: no record can make the
site write outside its folder or link to a file elsewhere. An essay's page is sanitised again,
by the essays' own allow-list (sanitiser.sanitise_page), and links only to the web, to itself,
to the other essays' pages and to the site's media/.

The site's language and [words], from a shard's manifest, are taken only as a language tag
and texts for known words (`site_words`); the pages escape them as any text.

Diagnostic codes: T108 a shard record is a link, is not of pamphlet's shape, or names a page
outside the site; T109 markup that no build writes was removed from a shard's essay page
(warning).
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html as lxml_html

from ..diagnostics import Diagnostics, fail
from ..locale.words import Words, keys
from ..project.spec import CONTROL
from ..text.sanitiser import BCP47, sanitise_page

RECORD_LIMIT = 200_000_000  # bytes: an essay's record holds its page, and no more
NONE = type(None)
TEXT, MAYBE = str, (str, NONE)
DOWNLOAD = {"href": TEXT, "label": TEXT, "type": TEXT, "size": int, "note": TEXT,
            "book": bool}
COVER = {"href": TEXT, "type": TEXT, "thumb": TEXT, "thumb_size": [int]}
CHAPTER = {"slug": TEXT, "title": TEXT, "byline": MAYBE, "lang": TEXT, "dir": TEXT}
EVENT = {"name": MAYBE, "when": TEXT, "rows": [[str]], "agenda": [str]}
COMMON = {"title": TEXT, "subtitle": MAYBE, "lang": TEXT, "dir": TEXT, "date": MAYBE,
          "iso_date": MAYBE, "tags": [str], "downloads": [DOWNLOAD], "cover": (COVER, NONE)}
SHAPES = {
    "spec": {**COMMON, "name": TEXT, "description": MAYBE, "credit": MAYBE, "people": [str],
             "identifier": TEXT, "event": (EVENT, NONE), "chapters": [CHAPTER]},
    "essay": {**COMMON, "slug": TEXT, "authors": [str], "byline": MAYBE,
              "source_line": MAYBE, "summary": TEXT, "html": TEXT, "media": [str]},
}
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_SIBLING_PAGE = re.compile(r"[^/\\:?#]+\.html(#[^/\\]*)?")
_MEDIA = re.compile(r"\.\./media/[0-9a-f]{20}\.[A-Za-z0-9]{1,5}")


def read_record_text(path: Path) -> str:
    """A record's text: a plain file, not a link, and not huge (T108)."""
    if path.is_symlink() or not path.is_file():
        raise _refused(path, "it is a link or not a file")
    if path.stat().st_size > RECORD_LIMIT:
        raise _refused(path, f"it is larger than {RECORD_LIMIT // 1_000_000} MB")
    return path.read_text(encoding="utf-8")


def check_record(record, kind: str, path: Path) -> None:
    """T108 unless `record` has the shape pamphlet writes for a unit of `kind`, and names its
    page by a plain name."""
    shape = SHAPES.get(kind)
    problem = "it is of no kind of unit pamphlet writes" if shape is None else \
        _shape_problem(record, shape, "")
    if problem is None:
        problem = _detail_problem(record, kind)
    if problem is None and _holds_controls(record):  # no build writes one: the pages' XML
        problem = "it holds control characters, which no page or feed can hold"  # could not
    if problem:
        raise _refused(path, problem)


def clean_essay_page(record: dict, path: Path, diagnostics: Diagnostics) -> None:
    """The essay's page HTML, sanitised again in place; what that removed is a warning (T109)."""
    def keep(tag: str, name: str, value: str) -> bool:
        if name == "src":
            return tag == "img" and (bool(_MEDIA.fullmatch(value))
                                     or value.startswith("data:image/"))
        return value.startswith("#") or bool(_SIBLING_PAGE.fullmatch(value))
    cleaned = sanitise_page(record["html"], keep)
    removed = _difference(record["html"], cleaned)
    if removed:
        diagnostics.warning(
            "T109", f"the essay page of {record['slug']} held markup that no build writes, "
            f"removed: {removed}", path,
            hint="gather only shards built by pamphlet from your own project; build this "
            "shard again on a machine you trust")
    record["html"] = cleaned


def _shape_problem(value, shape, where: str) -> str | None:
    """What in `value` is not of `shape` (a type, a tuple of choices, [item], {key: shape})."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return f"{where or 'the record'} is not a table"
        for key, inner in shape.items():
            problem = _shape_problem(value.get(key), inner, f"{where}.{key}".lstrip("."))
            if problem:
                return problem
        return None
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{where} is not a list"
        return next((p for i, item in enumerate(value)
                     if (p := _shape_problem(item, shape[0], f"{where}[{i}]"))), None)
    if isinstance(shape, tuple):
        if any(_shape_problem(value, choice, where) is None for choice in shape):
            return None
        return f"{where} is not of the kind pamphlet writes"
    if isinstance(value, shape) and not (shape is int and isinstance(value, bool)):
        return None
    return f"{where} is not {'text' if shape is str else shape.__name__}"


def _holds_controls(record) -> bool:
    """Whether any text of the record holds a character XML cannot (spec.CONTROL)."""
    todo = [record]
    while todo:
        value = todo.pop()
        if isinstance(value, str):
            if CONTROL.search(value):
                return True
        elif isinstance(value, dict):
            todo.extend(value.keys())
            todo.extend(value.values())
        elif isinstance(value, list):
            todo.extend(value)
    return False


def _detail_problem(record: dict, kind: str) -> str | None:
    """What the shapes cannot say: plain names, dates, pairs."""
    name = record["name"] if kind == "spec" else record["slug"]
    if not plain_name(name):
        return f"its page would be named {name!r}, which is not a plain file name"
    if record["iso_date"] is not None and not _ISO.fullmatch(record["iso_date"]):
        return f"iso_date {record['iso_date']!r} is not a date"
    if record["cover"] is not None and len(record["cover"]["thumb_size"]) != 2:
        return "cover.thumb_size is not a width and a height"
    event = record.get("event")
    if event and any(len(row) != 2 for row in event["rows"]):
        return "event.rows are not pairs of a label and a value"
    return None


def plain_name(name: str) -> bool:
    """Whether `name` can name a page in its folder: no folder, no way up, no control."""
    return (0 < len(name) <= 200 and name not in (".", "..") and not name.startswith(".")
            and not any(c in name for c in "/\\") and name.isprintable())


def _difference(before: str, after: str) -> str:
    """The elements and attributes in `before` that `after` lacks, in words ('' if none)."""
    def parts(text: str) -> list[str]:
        tree = lxml_html.fragment_fromstring(text or "<div></div>", create_parent="div")
        found = []
        for element in tree.iter():
            if isinstance(element.tag, str):
                found += [f"<{element.tag}>"] + [f'{name}="{value}"' for name, value
                                                 in element.attrib.items()]
        return found
    kept = parts(after)
    gone = []
    for part in parts(before):
        if part in kept:
            kept.remove(part)
        elif part not in gone:
            gone.append(part)
    shown = ", ".join(gone[:5]) + (f" and {len(gone) - 5} more" if len(gone) > 5 else "")
    return shown[:300]


def _refused(path: Path, problem: str):
    return fail("T108", f"a record of the shard is refused: {problem}", path,
                hint="gather only shard folders that pamphlet wrote; build that shard again")


def site_words(manifest: dict) -> Words:
    """The site's words as a shard's manifest gives them: a BCP 47 tag (else English) and,
    of its [words], only texts (or tables of texts) for words pamphlet writes."""
    lang = manifest.get("lang")
    lang = lang if isinstance(lang, str) and BCP47.fullmatch(lang) else "en"
    given = manifest.get("words")
    known = keys()
    words = {key: value for key, value in (given.items() if isinstance(given, dict) else ())
             if key in known and (isinstance(value, str) or isinstance(value, list) and all(
                 isinstance(pair, list) and len(pair) == 2 and all(isinstance(part, str)
                                                                   for part in pair)
                 for pair in value))}
    return Words.for_language(lang, {key: dict(value) if isinstance(value, list) else value
                                     for key, value in words.items()})
