"""Between the pages and `packet_form`: the bookbuilder's posted form into a draft (through
`packet_form.draft_from_form`, the one sanitising path), and rows and estimates into what the
pages show."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from . import packet_form
from ..book.layouts import available_layouts
from .packet_form import EventDraft, PrintDraft, SpecDraft
from ..project.spec import PAGE_SIZES, PRINT_FIELDS

EDITED = ("title", "subtitle", "editor", "date", "layout", "page_size")
EVENT_KEYS = ("name", "date", "time", "end", "duration", "place", "host", "contact", "url")
# Where a spec's key stands in the page's form, when it is not the key itself.
FORM_FIELDS = {("pdf", "page_size"): "page_size", ("print", "scheme"): "scheme"}


def draft_from(body: dict, base: SpecDraft | None) -> SpecDraft:
    """The draft the page posted, laid over the draft it opened (`base`), so that the keys
    the page does not edit (print copies, an event's contact, ...) are kept as they were."""
    form = body.get("form")
    if not isinstance(form, dict):
        raise ValueError("no form")
    form = {str(k): v for k, v in form.items() if isinstance(v, (str, list))}
    posted = packet_form.draft_from_form({**form, "event": "on", "print": "on"})
    draft = dataclasses.replace(base) if base else SpecDraft()
    for name in EDITED:
        setattr(draft, name, getattr(posted, name))
    if base and ", ".join(base.editor) == form.get("editor", "").strip():
        draft.editor = list(base.editor)  # names with commas in them stay as they were
    if "essays" in form:
        draft.essays = posted.essays
        draft.essay = {slug: note for slug, note in posted.essay.items()
                       if slug in (posted.essays or ())}
    draft.event = _event(posted.event, base.event if base else None)
    draft.print = _print(posted.print, base.print if base else None)
    return draft


def _event(posted: EventDraft, base: EventDraft | None) -> EventDraft | None:
    """The event table: None when every field the page shows is empty and there was none;
    a key the page does not show (the time zone) is kept as it was."""
    values = {key: getattr(posted, key) for key in EVENT_KEYS}
    if not any(values.values()) and not posted.agenda:
        return None if base is None or not base.timezone else dataclasses.replace(
            base, **values, agenda=[])
    return dataclasses.replace(base or EventDraft(), **values, agenda=posted.agenda)


def _print(posted: PrintDraft, base: PrintDraft | None) -> PrintDraft | None:
    """The print table: None (no print PDF) when no scheme is chosen."""
    if not posted.scheme:
        return None
    return dataclasses.replace(base or PrintDraft(), scheme=posted.scheme)


def draft_json(draft: SpecDraft) -> dict:
    """The draft as the page's form shows it."""
    data = draft.as_data()
    data["editor"] = ", ".join(draft.editor)
    data["scheme"] = (draft.print.scheme or "saddle") if draft.print else ""
    return data


def row(data: dict) -> dict:
    """A library row as the pages show it."""
    author = ", ".join(data["author"])
    return {**data, "author": author, "date": data["date"] or "",
            "problems": sum(d["severity"] == "error" for d in data["diagnostics"]),
            # what a filter's text is looked for in, on the library page and the builder's
            "search": " ".join([data["title"], author, " ".join(data["tags"]), data["source"],
                                data["slug"]]).casefold()}


def filter_rows(rows: list[dict], tag: str, text: str, order: str) -> list[dict]:
    """The rows with `tag` whose title, author, tags or source hold `text`, sorted by title
    or by date (newest first, undated last)."""
    needle = text.casefold()
    kept = [r for r in rows if (not tag or tag in r["tags"]) and needle in r["search"]]
    kept.sort(key=lambda r: r["title"].casefold())
    if order == "date":
        kept.sort(key=lambda r: str(r["date"]), reverse=True)
        kept.sort(key=lambda r: not r["date"])
    return kept


def choices(root: Path) -> dict:
    """The choices the form offers: layouts (the project's and the built-in), page sizes and
    print schemes."""
    return {"layouts": available_layouts(root / "layouts"), "page_sizes": PAGE_SIZES,
            "schemes": PRINT_FIELDS["scheme"].choices}  # perfect binding too


def estimate_text(estimate) -> str:
    """The estimate in one or two sentences."""
    if not estimate.essays:
        return "No essays yet: add some to see pages and sheets."
    text = (f"{estimate.essays} essay{'s' * (estimate.essays != 1)}, {estimate.words:,} words "
            f"(about {estimate.minutes} min to read): about {estimate.pages} {estimate.page_size} "
            "pages.")
    if estimate.printing:
        text += f" Print: {estimate.printing.plan}."
    if estimate.missing:
        text += f" Not in source/: {', '.join(estimate.missing)}."
    return text


def shown_diagnostics(diagnostics, draft: SpecDraft) -> list:
    """What the page shows while a draft is edited: every finding but "selects no essays"
    for a packet that lists none yet (a new packet starts so; the estimate says to add some,
    and a build still refuses it with P112)."""
    empty = isinstance(draft.essays, list) and not draft.essays
    return [d for d in diagnostics if not (empty and d.code == "P112")]


_KEY = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_-]+)\s*=')
_TABLE = re.compile(r"\s*\[([^\[\]]+)\]\s*(?:#.*)?$")


def field_of(text: str, line: int | None) -> str | None:
    """The form field (its name in the page, like "event.url") of the spec key on `line` of
    `text`, the TOML the form was made into; None for a line that holds no key of the form."""
    lines = text.splitlines()
    if not line or line > len(lines) or not (key := _KEY.match(lines[line - 1])):
        return None
    table = next((m[1].strip() for row in reversed(lines[:line - 1])
                  if (m := _TABLE.match(row))), "")
    name = (*(part.strip().strip('"') for part in table.split(".") if table),
            key[1].strip('"'))
    if name in FORM_FIELDS:
        return FORM_FIELDS[name]
    if len(name) == 1 and name[0] in EDITED:
        return name[0]
    if len(name) == 2 and name[0] == "event" and (name[1] in EVENT_KEYS or name[1] == "agenda"):
        return ".".join(name)
    return None
