"""Between the pages and `packet_form`: the bookbuilder's posted form into a draft (through
`packet_form.draft_from_form`, the one sanitising path), and rows and estimates into what the
pages show."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from . import packet_form
from ..project.imposition import SCHEMES
from ..book.layouts import available_layouts
from .packet_form import EventDraft, PrintDraft, SpecDraft
from ..project.spec import PAGE_SIZES

EDITED = ("title", "subtitle", "editor", "date", "layout", "page_size")
EVENT_KEYS = ("name", "date", "time", "place", "host")


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
    """The event table: None when every field the page shows is empty and there was none."""
    values = {key: getattr(posted, key) for key in EVENT_KEYS}
    if not any(values.values()) and not posted.agenda:
        return None if base is None or not base.contact else dataclasses.replace(
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
    return {**data, "author": ", ".join(data["author"]), "date": data["date"] or "",
            "problems": sum(d["severity"] == "error" for d in data["diagnostics"])}


def filter_rows(rows: list[dict], tag: str, text: str, order: str) -> list[dict]:
    """The rows with `tag` whose title, author, tags or source hold `text`, sorted by title
    or by date (newest first, undated last)."""
    needle = text.casefold()
    kept = [r for r in rows if (not tag or tag in r["tags"]) and (
        not needle or needle in " ".join([r["title"], r["author"], " ".join(r["tags"]),
                                          r["source"], r["slug"]]).casefold())]
    kept.sort(key=lambda r: r["title"].casefold())
    if order == "date":
        kept.sort(key=lambda r: str(r["date"]), reverse=True)
        kept.sort(key=lambda r: not r["date"])
    return kept


def choices(root: Path) -> dict:
    """The choices the form offers: layouts (the project's and the built-in), page sizes and
    print schemes."""
    return {"layouts": available_layouts(root / "layouts"), "page_sizes": PAGE_SIZES,
            "schemes": SCHEMES}


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
