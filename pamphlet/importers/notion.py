"""Notion's export as "Markdown & CSV" (a zip, its folder, or its parts): one `.md` file a
page, named with the page's id (`On Leading 3f2a….md`), beside a folder of the same name for
its subpages and pictures; a database is a table (`Essays 2b1c….csv`, and `…_all.csv` with
every row) beside a folder of its rows' pages.

Each page becomes an essay named from its title, never its id. Links between pages (by file,
or by a notion.so address) become links between the essays. A database row's properties come
from its table: title, author, date, tags, subtitle, summary, language and address where a
column says so, the others under `properties`; the property lines Notion prints below a
row's title leave its text. A row whose status is not published (a draft, an idea, in
progress) is counted in N807, and so is a page that only lists other pages.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from .bundle import Bundle, open_bundle, single
from .article import Platform
from .draft import Draft, Run
from .exports import guarded
from .markdown_export import ExportMarkdown
from .records import loose_date, read_csv

MAX_TEXT_MB = 64
_ID = re.compile(r"[ _-]?([0-9a-f]{32})(?=(?:_all)?(?:\.\w+)?$)")
_ID_IN_LINK = re.compile(r"([0-9a-f]{32})(?![0-9a-f])")
_ASIDE = re.compile(r"(?ms)^<aside>\s*\n?(.*?)\n?\s*</aside>[ \t]*$")
_PROPERTY = re.compile(r"([^:\n]{1,60}):[ \t]*(.*)")
_LINK_ONLY = re.compile(r"\[[^\]\n]*\]\([^)\n]*\)|[\s*>\-•|]+")
# Columns that hold what the front matter has keys for, by the names people give them.
_FIELDS = {
    "author": ("author", "authors", "by", "writer", "created by", "byline"),
    "date": ("date", "published", "publish date", "date published", "published on",
             "publication date", "created", "created time", "created at"),
    "tags": ("tags", "tag", "topics", "topic", "categories", "category", "labels", "keywords"),
    "subtitle": ("subtitle", "sub-title", "dek", "standfirst"),
    "summary": ("summary", "description", "excerpt", "abstract"),
    "lang": ("language", "lang", "locale"),
    "url": ("url", "link", "canonical", "canonical url", "source", "original"),
}
_STATUS = ("status", "state", "stage")
_DRAFT_STATES = {"draft", "drafts", "idea", "ideas", "not started", "in progress", "writing",
                 "to do", "todo", "backlog", "in review", "review", "editing", "planned",
                 "outline", "wip"}
_PUBLISHED_FLAGS = ("published", "publish", "public", "live")


def read_export(export: Bundle, run: Run) -> list[Draft]:
    """Every page of a Notion export."""
    return _read(export, export.names(r"\.md$"), run)


@guarded
def read_file(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """One page of a Notion export, with the pictures in its own folder."""
    export = single(path, run.diagnostics)
    folder = path.with_suffix("")
    if folder.is_dir():
        inner = open_bundle(folder, None, run.diagnostics)
        if inner is not None:
            export.files.update({f"{folder.name}/{n}": p for n, p in inner.files.items()})
    return _read(export, [path.name], run)


def _read(export: Bundle, names: list[str], run: Run) -> list[Draft]:
    platform = Platform("Notion", export, run, key=_notion_key)
    rows = _databases(export, run)
    pages = []
    for name in names:
        page = _page(export, name, rows, run)
        if page is not None:
            pages.append(page)
            platform.posts[name] = page[0]
            if found := _ID.search(posixpath.basename(name)):
                platform.posts[f"notion:{found.group(1)}"] = page[0]
    drafts = []
    for draft, name, body in pages:
        draft.body = ExportMarkdown(draft, platform, name, body).markdown(body)
        drafts.append(draft)
    return drafts


def _notion_key(href: str) -> str | None:
    """A link to a page by its address on notion.so (or notion.site), by the page's id."""
    if not re.match(r"https?://(?:www\.)?[\w.-]*notion\.(?:so|site)/", href, re.I):
        return None
    found = _ID_IN_LINK.search(href.split("?")[0].replace("-", ""))
    return f"notion:{found.group(1)}" if found else None


def _page(export: Bundle, name: str, rows: dict, run: Run):
    """(draft, name, Markdown body) of a page, or None when it is not imported."""
    where = export.where(name)
    text = export.text(name, MAX_TEXT_MB)
    if text is None:
        return None
    heading = re.match(r"\ufeff?[ \t]*# (.+?)[ \t]*(?:\n|$)", text)
    title = heading.group(1).strip() if heading else ""
    body = text[heading.end():] if heading else text
    folder = posixpath.dirname(name)
    row = rows.get(f"{folder}/{title}".casefold()) or rows.get(_row_key(name))
    if row is not None:
        title = row.get("#title") or title
        body = _without_properties(body, row)
    title = title or _ID.sub("", posixpath.splitext(posixpath.basename(name))[0]).strip()
    reason = _unpublished(row or {})
    if reason is None and not _LINK_ONLY.sub("", body).strip():
        reason = "index page"  # only links to its subpages and databases: no essay
    if reason:
        run.skip(reason, export.root)
        return None
    body = _ASIDE.sub(lambda m: "\n".join("> " + line for line in m.group(1).split("\n")), body)
    return _draft(title, row or {}, where), name, body


def _draft(title: str, row: dict, where: Path) -> Draft:
    fields = {key: _column(row, names) for key, names in _FIELDS.items()}
    used = {name for names in _FIELDS.values() for name in names} | set(_STATUS)
    rest = {key: value for key, value in row.items() if not key.startswith("#")
            and key != row.get("#title column") and key.casefold() not in used
            and value.strip()}
    date = loose_date(fields["date"]) if fields["date"] else None
    draft = Draft(title, "", _names(fields["author"]), date, _names(fields["tags"], True) or [],
                  fields["url"] if re.match(r"https?://\S+$", fields["url"] or "") else None,
                  where, lang=fields["lang"] or None, subtitle=fields["subtitle"] or None)
    draft.summary = fields["summary"] or None
    if rest:
        draft.extra["properties"] = rest
    return draft


def _column(row: dict, names: tuple[str, ...]) -> str:
    for key, value in row.items():
        if not key.startswith("#") and key.casefold() in names and value.strip():
            return " ".join(value.split())
    return ""


def _names(value: str, many: bool = False):
    """A comma-separated property as names; one name as itself."""
    names = [" ".join(_without_links(n).split()) for n in value.split(",")] if value else []
    names = list(dict.fromkeys(n for n in names if n))
    return names if many or len(names) != 1 else names[0] if names else None


def _without_links(value: str) -> str:
    """A relation's value without the file Notion names after it: `Ada (People/Ada 1f….md)`."""
    return re.sub(r"\s*\([^()]*\.md\)", "", value)


def _unpublished(row: dict) -> str | None:
    for key, value in row.items():
        if key.startswith("#"):
            continue
        folded, state = key.casefold(), " ".join(value.split()).casefold()
        if folded in _STATUS and state in _DRAFT_STATES:
            return "draft"
        if folded in _PUBLISHED_FLAGS and state in ("no", "false", "unchecked"):
            return "unpublished"
    return None


def _without_properties(body: str, row: dict) -> str:
    """The body without the `Key: value` lines Notion prints under a row's title, for the
    keys that are the table's columns (their values are the front matter's)."""
    columns = {key for key in row if not key.startswith("#")}
    lines = body.lstrip("\n").split("\n")
    kept = 0
    while kept < len(lines) and (found := _PROPERTY.fullmatch(lines[kept])) and \
            found.group(1).strip() in columns:
        kept += 1
    return "\n".join(lines[kept:]) if kept else body


def _databases(export: Bundle, run: Run) -> dict[str, dict]:
    """Every database row, by its page's folder and title: the table's columns, and its
    title column as `#title`. A table and its `_all` twin are read once (the `_all`)."""
    tables: dict[str, str] = {}
    for name in export.names(r"\.csv$"):
        base = re.sub(r"_all\.csv$", ".csv", name)
        if name.endswith("_all.csv") or base not in tables:
            tables[base] = name
    rows: dict[str, dict] = {}
    for base, name in tables.items():
        text = export.text(name, MAX_TEXT_MB)
        table = read_csv(text, export.where(name), run.diagnostics) if text is not None else None
        folder = base[:-len(".csv")]
        for row in table or []:
            columns = [k for k in row if not k.startswith("#")]
            if not columns:
                continue
            title = " ".join(row[columns[0]].split())
            row["#title"], row["#title column"] = title, columns[0]
            rows.setdefault(f"{folder}/{title}".casefold(), row)
    return rows


def _row_key(name: str) -> str:
    """The key of a row's page in `_databases`: its folder (the database's, by the table's
    name) and its title (the file's name without the page's id)."""
    folder, file = posixpath.split(name)
    title = _ID.sub("", posixpath.splitext(file)[0]).strip()
    return f"{folder}/{unquote(title)}".casefold()
