"""The essays and the pamphlet as CSL items, for the Sources and the colophon in the
[citations] style: an essay's author, title, where and when it first appeared, its URL and
the day it was read; the pamphlet's editors, title, publisher, date and address."""

from __future__ import annotations

import datetime as dt
import re

from ..project.essays import Essay, Source
from ..project.spec import Spec
from ..text import citeproc


def sources_job(spec: Spec, documents, people: tuple[str, ...]) -> citeproc.Job:
    """The essays as the works their Sources entries describe, and the pamphlet itself."""
    items = [essay_item(essay, anchor) for _, essay, anchor in documents]
    items.append(pamphlet_item(spec, people))
    return citeproc.Job("sources", "", tuple(items), tuple(item["id"] for item in items),
                        {"lang": spec.lang})


def essay_item(essay: Essay, anchor: str) -> dict:
    """An essay as a CSL item: its authors, title, where and when it first appeared."""
    source = essay.source or Source()
    item = {"id": anchor, "type": "webpage" if source.url else "article",
            "title": _plain(source.title or essay.title), "author": [_name(n) for n in essay.authors]}
    if source.publisher:  # as written: no style title-cases a name
        item["container-title"] = f'<span class="nocase">{_plain(source.publisher)}</span>'
    if source.url:
        item["URL"] = source.url
    for key, value in (("issued", source.date or essay.date), ("accessed", source.accessed)):
        if value:
            item[key] = _date(value)
    return item


def pamphlet_item(spec: Spec, people: tuple[str, ...]) -> dict:
    """The pamphlet as a CSL item, for "cite as" in the colophon."""
    title = spec.title + (f": {spec.subtitle}" if spec.subtitle else "")
    item = {"id": "pamphlet", "type": "book", "title": _plain(title)}
    if spec.editors:
        item["editor"] = [_name(n) for n in spec.editors]
    elif spec.authors or people:
        item["author"] = [_name(n) for n in (spec.authors or people)]
    if spec.colophon.publisher:
        item["publisher"] = _plain(spec.colophon.publisher)
    if spec.date:
        item["issued"] = _date(spec.date)
    if spec.url:
        item["URL"] = spec.url
    return item


# Lower-case words that belong to a family name ("Ursula van der Berg" is "van der Berg").
_PARTICLES = {"van", "von", "de", "der", "den", "da", "del", "della", "di", "du", "la", "le",
              "ter", "ten", "af", "zu", "dos", "das", "y", "bin", "ibn", "al"}


def _name(name: str) -> dict:
    """A name as CSL wants it: "Quill, Ada" or "Ada Quill" as family and given; a name of
    one word (a collective) is literal."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = name.partition(",")
        return {"family": family.strip(), "given": given.strip()}
    words = name.split(" ")
    if len(words) == 1 or words[0].lower() == "the" or any(
            word[:1].islower() and word.lower() not in _PARTICLES for word in words):
        return {"literal": name}  # a collective: "The pamphlet collective", "UNESCO"
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return {"family": " ".join(words[cut:]), "given": " ".join(words[:cut])}


def _date(value) -> dict:
    if isinstance(value, dt.date):
        value = value.isoformat()
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:[T ].*)?", str(value).strip())
    if match:
        return {"date-parts": [[int(part) for part in match.groups() if part]]}
    return {"literal": str(value)}


def _plain(text: str) -> str:
    """Text for a CSL field, where <, > and & would be read as CSL's own markup."""
    return text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")
