"""The site as one model, made from the shards' records: what every page and feed shows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from ..locale.words import Words
from ..project.clock import build_time
from .records import href
from .units import tag_slug


@dataclass
class Tag:
    name: str
    slug: str
    pamphlets: list[dict] = field(default_factory=list)
    essays: list[dict] = field(default_factory=list)

    @property
    def page(self) -> str:
        return href("tags", self.slug) + ".html"

    @property
    def feed(self) -> str:
        return href("opds", "tags", self.slug) + ".xml"


@dataclass
class Site:
    """Every pamphlet (newest first), every essay (by title), every tag (by name)."""

    title: str
    pamphlets: list[dict]
    essays: list[dict]
    tags: list[Tag]
    updated: str  # RFC 3339: the newest entry's date
    words: Words = field(default_factory=Words)  # the site's language and [words]

    @property
    def identifier(self) -> str:
        return stable_id("site", self.title)


def stable_id(*parts: str) -> str:
    """A URN that names the same thing in every build, on every machine."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'pamphlet-site:' + ':'.join(parts))}"


def site_model(title: str, records: list[dict], words: Words = Words()) -> Site:
    """Pages, dates and cross-references added to the records, sorted for showing."""
    fallback = build_time().strftime("%Y-%m-%dT%H:%M:%SZ")
    pamphlets = [r for r in records if r["kind_of_unit"] == "spec"]
    essays = [r for r in records if r["kind_of_unit"] == "essay"]
    by_slug = {essay["slug"]: essay for essay in essays}
    for record in pamphlets:
        record["page"] = href("pamphlets", record["name"]) + ".html"
        record["id"] = record["identifier"]
    for record in essays:
        record["page"] = href("essays", record["slug"]) + ".html"
        record["id"] = record.get("identifier") or stable_id("essay", record["slug"])
        record["in"] = []
    for record in [*pamphlets, *essays]:
        record["updated"] = f"{record['iso_date']}T00:00:00Z" if record.get("iso_date") \
            else fallback
    pamphlets = newest_first(pamphlets)
    for pamphlet in pamphlets:
        for chapter in pamphlet["chapters"]:
            chapter["page"] = by_slug[chapter["slug"]]["page"] if chapter["slug"] in by_slug \
                else None
            if chapter["slug"] in by_slug:
                by_slug[chapter["slug"]]["in"].append(pamphlet)
    essays = sorted(essays, key=lambda e: (e["title"].casefold(), e["slug"]))
    updated = max((r["updated"] for r in [*pamphlets, *essays]), default=fallback)
    return Site(title, pamphlets, essays, _tags(pamphlets, essays), updated, words)


def newest_first(records: list[dict]) -> list[dict]:
    """By date, newest first; undated ones last; then by title."""
    ordered = sorted(records, key=lambda r: (r["title"].casefold(), r.get("name") or r["slug"]))
    return sorted(ordered, key=lambda r: r.get("iso_date") or "", reverse=True)


def _tags(pamphlets: list[dict], essays: list[dict]) -> list[Tag]:
    tags: dict[str, Tag] = {}
    for kind, records in (("pamphlets", pamphlets), ("essays", essays)):
        for record in records:
            for name in record["tags"]:
                tag = tags.setdefault(name, Tag(name, tag_slug(name)))
                getattr(tag, kind).append(record)
    for record in [*pamphlets, *essays]:
        record["tag_links"] = [(name, tags[name].page) for name in record["tags"]]
    return sorted(tags.values(), key=lambda t: (t.name.casefold(), t.name))
