"""The site's feeds: an Atom feed of new pamphlets, OPDS 1.2 catalogs (a navigation root and
acquisition feeds: newest, per tag, single essays) and an OPDS 2.0 catalog.

Links are relative to each feed, or absolute under `base_url` (OPDS clients need that).
A publication's books (EPUB, Kobo edition, reading PDF, in that order of preference) are its
acquisitions; the files for the printer and the meeting (print PDFs, the press file, the
wraparound cover, the test sheet, the calendar event) are related links with their own
types and names, so that no reader app takes a calendar or a press file for a book.
Their titles and summaries are in the site's language, which each feed names (xml:lang).
"""

from __future__ import annotations

import json
from pathlib import Path

from lxml import etree

from .model import Site, stable_id

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
OPDS2 = "application/opds+json"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NEWEST = 100  # entries in the Atom feed and the "newest" catalog


class Urls:
    """URLs of site files as seen from one feed: relative to it, or absolute."""

    def __init__(self, base_url: str | None, feed: str):
        self.base = base_url.rstrip("/") + "/" if base_url else None
        self.up = "../" * feed.count("/")

    def __call__(self, path: str) -> str:
        return (self.base or self.up) + path


def write_feeds(site: Site, folder: Path, base_url: str | None) -> None:
    """Every feed of the site, into `folder`."""
    words = site.words
    _write(folder / "feed.xml", atom_feed(site, Urls(base_url, "feed.xml")))
    _write(folder / "opds.xml", opds_root(site, Urls(base_url, "opds.xml")))
    urls = Urls(base_url, "opds/newest.xml")
    _write(folder / "opds/newest.xml", acquisition_feed(
        site, "newest", words.pgettext("feed_newest", "Newest pamphlets"),
        site.pamphlets[:NEWEST], urls))
    _write(folder / "opds/essays.xml", acquisition_feed(
        site, "essays", words.pgettext("feed_single_essays", "Single essays"), site.essays,
        urls))
    for tag in site.tags:
        urls = Urls(base_url, tag.feed)
        _write(folder / "opds" / "tags" / f"{tag.slug}.xml", acquisition_feed(
            site, f"tags/{tag.slug}", words.pgettext("site_tag", "Tag: %(name)s", name=tag.name),
            tag.pamphlets + tag.essays, urls))
    _write_json(folder / "opds.json", opds2(site, Urls(base_url, "opds.json")))
    if site.essays:
        _write_json(folder / "opds" / "essays.json",
                    essays2(site, Urls(base_url, "opds/essays.json")))


def _write_json(path: Path, feed: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(feed, indent=1, ensure_ascii=False) + "\n")


def _write(path: Path, feed) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(etree.tostring(feed, xml_declaration=True, encoding="utf-8",
                                    pretty_print=True))


def _el(parent, tag: str, text: str | None = None, ns: str = ATOM, **attrs):
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", {k: v for k, v in attrs.items()
                                                          if v is not None})
    if text is not None:
        element.text = text
    return element


def _feed(site: Site, name: str, title: str, updated: str, urls: Urls, self_type: str,
          self_href: str):
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "dc": DC, "opds": OPDS})
    feed.set(XML_LANG, site.words.lang)
    _el(feed, "id", stable_id("feed", site.title, name))
    _el(feed, "title", title)
    _el(feed, "updated", updated)
    _el(_el(feed, "author"), "name", site.title)
    _el(feed, "link", rel="self", href=urls(self_href), type=self_type)
    _el(feed, "link", rel="start", href=urls("opds.xml"), type=NAVIGATION)
    return feed


def atom_feed(site: Site, urls: Urls):
    """New pamphlets, for any feed reader: each entry links its page and its downloads."""
    feed = _feed(site, "new", site.words.pgettext("site_feed_title", "%(site)s: new pamphlets",
                                                  site=site.title),
                 site.updated, urls, "application/atom+xml", "feed.xml")
    _el(feed, "link", rel="alternate", href=urls("index.html"), type="text/html")
    for record in site.pamphlets[:NEWEST]:
        _entry(feed, record, urls)
    return feed


def opds_root(site: Site, urls: Urls):
    """The OPDS 1.2 navigation root: newest, single essays, and one feed per tag."""
    feed = _feed(site, "root", site.title, site.updated, urls, NAVIGATION, "opds.xml")
    words = site.words
    sections = [("newest", words.pgettext("feed_newest", "Newest pamphlets"), "opds/newest.xml",
                 words.npgettext("feed_newest_summary", "%(num)s pamphlet or reading packet, "
                                 "newest first", "%(num)s pamphlets and reading packets, "
                                 "newest first", len(site.pamphlets)),
                 "http://opds-spec.org/sort/new"),
                ("essays", words.pgettext("feed_single_essays", "Single essays"),
                 "opds/essays.xml",
                 words.npgettext("feed_essays_summary", "%(num)s essay, on its own",
                                 "%(num)s essays, each on its own", len(site.essays)),
                 "subsection")]
    sections += [(f"tags/{tag.slug}", words.pgettext("site_tag", "Tag: %(name)s", name=tag.name),
                  tag.feed, words.pgettext(
                      "site_lede_counts", "%(pamphlets)s and %(essays)s",
                      pamphlets=words.npgettext("site_count_pamphlets", "%(num)s pamphlet",
                                                "%(num)s pamphlets", len(tag.pamphlets)),
                      essays=words.npgettext("site_count_essays", "%(num)s essay",
                                             "%(num)s essays", len(tag.essays))),
                  "subsection") for tag in site.tags]
    for name, title, path, summary, rel in sections:
        entry = _el(feed, "entry")
        _el(entry, "title", title)
        _el(entry, "id", stable_id("feed", site.title, name))
        _el(entry, "updated", site.updated)
        _el(entry, "content", summary, type="text")
        _el(entry, "link", rel=rel, href=urls(path), type=ACQUISITION)
    return feed


def acquisition_feed(site: Site, name: str, title: str, records: list[dict], urls: Urls):
    feed = _feed(site, name, title, site.updated, urls, ACQUISITION, f"opds/{name}.xml")
    _el(feed, "link", rel="up", href=urls("opds.xml"), type=NAVIGATION)
    for record in records:
        _entry(feed, record, urls)
    return feed


def _entry(feed, record: dict, urls: Urls) -> None:
    """One publication: title, authors, language, summary, dates, subjects, cover, downloads."""
    entry = _el(feed, "entry")
    _el(entry, "title", record["title"])
    _el(entry, "id", record["id"])
    _el(entry, "updated", record["updated"])
    for person in _people(record):
        _el(_el(entry, "author"), "name", person)
    _el(entry, "language", record["lang"], ns=DC)
    if record.get("iso_date"):
        _el(entry, "issued", record["iso_date"], ns=DC)
        _el(entry, "published", record["updated"])
    for tag in record["tags"]:
        _el(entry, "category", term=tag, label=tag)
    summary = _summary(record)
    if summary:
        _el(entry, "summary", summary, type="text")
    cover = record.get("cover")
    if cover:
        _el(entry, "link", rel="http://opds-spec.org/image", href=urls(cover["href"]),
            type=cover["type"])
        _el(entry, "link", rel="http://opds-spec.org/image/thumbnail",
            href=urls(cover["thumb"]), type="image/jpeg")
    for download in record["downloads"]:
        _el(entry, "link", rel=OPEN_ACCESS if download["book"] else "related",
            href=urls(download["href"]), type=download["type"], title=download["label"],
            length=str(download["size"]))
    _el(entry, "link", rel="alternate", href=urls(record["page"]), type="text/html")


def _people(record: dict) -> list[str]:
    return record.get("people") or record.get("authors") or []


def _summary(record: dict) -> str:
    return record.get("description") or record.get("summary") or record.get("subtitle") or ""


def opds2(site: Site, urls: Urls) -> dict:
    """The OPDS 2.0 catalog: every pamphlet, and every essay that has downloads of its own."""
    feed = {
        "metadata": {"title": site.title, "modified": site.updated,
                     "numberOfItems": len(site.pamphlets)},
        "links": [{"rel": "self", "href": urls("opds.json"), "type": OPDS2},
                  {"rel": "alternate", "href": urls("opds.xml"), "type": NAVIGATION},
                  {"rel": "alternate", "href": urls("index.html"), "type": "text/html"}],
        "publications": [_publication(r, urls) for r in site.pamphlets if r["downloads"]],
    }
    essays = [_publication(r, urls) for r in site.essays if r["downloads"]]
    if essays:  # a group links its own feed, where every one of them is (OPDS 2.0, 2.4)
        title = site.words.pgettext("feed_single_essays", "Single essays")
        feed["groups"] = [{"metadata": {"title": title, "numberOfItems": len(essays)},
                           "links": [{"rel": "self", "href": urls("opds/essays.json"),
                                      "type": OPDS2, "title": title}],
                           "publications": essays}]
    if not feed["publications"]:
        del feed["publications"]
        feed["navigation"] = [{"href": urls("opds.xml"),
                               "title": site.words.pgettext("feed_catalog", "Catalog"),
                               "type": NAVIGATION}]
    return feed


def essays2(site: Site, urls: Urls) -> dict:
    """The OPDS 2.0 feed of single essays, which the catalog's group of them links to."""
    publications = [_publication(r, urls) for r in site.essays if r["downloads"]]
    return {
        "metadata": {"title": site.words.pgettext("feed_single_essays", "Single essays"),
                     "modified": site.updated,
                     "numberOfItems": len(publications)},
        "links": [{"rel": "self", "href": urls("opds/essays.json"), "type": OPDS2},
                  {"rel": "up", "href": urls("opds.json"), "type": OPDS2},
                  {"rel": "start", "href": urls("opds.json"), "type": OPDS2}],
        **({"publications": publications} if publications else {
            "navigation": [{"href": urls("opds.json"), "type": OPDS2,
                            "title": site.words.pgettext("feed_catalog", "Catalog")}]}),
    }


def _publication(record: dict, urls: Urls) -> dict:
    metadata = {"@type": "http://schema.org/Book", "identifier": record["id"],
                "title": record["title"], "language": record["lang"],
                "modified": record["updated"]}
    people = _people(record)
    if people:
        metadata["author"] = [{"name": person} for person in people]
    if _summary(record):
        metadata["description"] = _summary(record)
    if record.get("iso_date"):
        metadata["published"] = record["iso_date"]
    if record["tags"]:
        metadata["subject"] = [{"name": tag} for tag in record["tags"]]
    links = [{"rel": OPEN_ACCESS if d["book"] else "related", "href": urls(d["href"]),
              "type": d["type"], "title": d["label"]} for d in record["downloads"]]
    links.append({"rel": "alternate", "href": urls(record["page"]), "type": "text/html"})
    publication = {"metadata": metadata, "links": links}
    cover = record.get("cover")
    if cover:
        width, height = cover["thumb_size"]
        publication["images"] = [
            {"href": urls(cover["href"]), "type": cover["type"]},
            {"href": urls(cover["thumb"]), "type": "image/jpeg", "width": width,
             "height": height}]
    return publication
