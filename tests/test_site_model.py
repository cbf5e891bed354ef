"""The site's model and feeds from records, without building a shard: tags, the order of
pamphlets, the OPDS root's navigation, and which files a shard's record may name
(pamphlet/site/model.py, feeds.py, gather.py). tests/test_site.py checks the same on whole
sites; these are fast enough for mutation testing."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from pamphlet.site.feeds import ACQUISITION, NAVIGATION, Urls, opds_root
from pamphlet.site.gather import _own_paths
from pamphlet.site.model import site_model

A = {"a": "http://www.w3.org/2005/Atom"}


def essay(slug: str, title: str, tags=(), date: str | None = None) -> dict:
    return {"kind_of_unit": "essay", "slug": slug, "title": title, "tags": list(tags),
            "iso_date": date}


def pamphlet(name: str, title: str, chapters=(), tags=(), date: str | None = None) -> dict:
    return {"kind_of_unit": "spec", "name": name, "title": title, "identifier": f"urn:{name}",
            "tags": list(tags), "iso_date": date,
            "chapters": [{"slug": slug} for slug in chapters]}


@pytest.fixture
def site(source_date_epoch):  # an undated record is dated by the build: 2026-01-01
    return site_model("Field Notes", [
        essay("type", "Type", ["print", "Print"], "2024-01-02"),
        essay("ink", "ink", ["printing"], "2024-03-01"),
        essay("paper", "Paper", ["print"]),
        pamphlet("spring", "Spring", ["type", "ink"], ["printing"], "2024-04-01"),
        pamphlet("zine", "A Zine", ["paper", "gone"], ["print"], "2023-05-05"),
        pamphlet("undated", "Undated", []),
    ])


def test_a_tag_holds_exactly_the_records_that_carry_it(site):
    """A tag is matched whole: 'print' is neither 'printing' nor 'Print'."""
    tags = {tag.name: ([p["name"] for p in tag.pamphlets], [e["slug"] for e in tag.essays])
            for tag in site.tags}
    assert tags == {"print": (["zine"], ["paper", "type"]), "Print": ([], ["type"]),
                    "printing": (["spring"], ["ink"])}
    assert [tag.name for tag in site.tags] == ["Print", "print", "printing"]  # by name
    slugs = [tag.slug for tag in site.tags]
    assert len(set(slugs)) == 3 and slugs[1:] == ["print", "printing"]
    by_slug = {e["slug"]: e for e in site.essays}
    assert by_slug["type"]["tag_links"] == [("print", "tags/print.html"),
                                            ("Print", f"tags/{slugs[0]}.html")]


def test_pamphlets_newest_first_undated_last_and_essays_by_title(site):
    assert [p["name"] for p in site.pamphlets] == ["spring", "zine", "undated"]
    assert [e["slug"] for e in site.essays] == ["ink", "paper", "type"]
    undated = next(p for p in site.pamphlets if p["name"] == "undated")
    assert undated["updated"] == site.updated == "2026-01-01T00:00:00Z"
    assert site.pamphlets[0]["updated"] == "2024-04-01T00:00:00Z"


def test_chapters_link_the_essays_the_site_has_and_each_essay_its_pamphlets(site):
    zine = next(p for p in site.pamphlets if p["name"] == "zine")
    assert [c["page"] for c in zine["chapters"]] == ["essays/paper.html", None]
    by_slug = {e["slug"]: e for e in site.essays}
    assert [p["name"] for p in by_slug["ink"]["in"]] == ["spring"]
    assert zine["page"] == "pamphlets/zine.html" and zine["id"] == "urn:zine"


def links(feed) -> list[tuple]:
    return [(link.getparent().findtext("a:title", namespaces=A), link.get("rel"),
             link.get("href"), link.get("type"))
            for link in feed.xpath("//a:link", namespaces=A)]


def test_the_opds_root_leads_to_each_catalog_with_its_relation(site):
    slug = site.tags[0].slug
    assert links(opds_root(site, Urls(None, "opds.xml"))) == [
        ("Field Notes", "self", "opds.xml", NAVIGATION),
        ("Field Notes", "start", "opds.xml", NAVIGATION),
        ("Newest pamphlets", "http://opds-spec.org/sort/new", "opds/newest.xml", ACQUISITION),
        ("Single essays", "subsection", "opds/essays.xml", ACQUISITION),
        ("Tag: Print", "subsection", f"opds/tags/{slug}.xml", ACQUISITION),
        ("Tag: print", "subsection", "opds/tags/print.xml", ACQUISITION),
        ("Tag: printing", "subsection", "opds/tags/printing.xml", ACQUISITION)]


def test_the_opds_root_says_what_each_catalog_holds_and_has_stable_ids(site):
    feed = opds_root(site, Urls("https://example.org/notes/", "opds.xml"))
    entries = feed.xpath("a:entry", namespaces=A)
    assert [e.findtext("a:content", namespaces=A) for e in entries] == [
        "3 pamphlets and reading packets, newest first", "3 essays, each on its own",
        "0 pamphlets and 1 essay", "1 pamphlet and 2 essays", "1 pamphlet and 1 essay"]
    assert {e.findtext("a:updated", namespaces=A) for e in entries} == {site.updated}
    assert feed.findtext("a:updated", namespaces=A) == site.updated
    assert {e.find("a:content", namespaces=A).get("type") for e in entries} == {"text"}
    ids = [e.findtext("a:id", namespaces=A) for e in entries]
    assert len(set(ids)) == 5 and all(i.startswith("urn:uuid:") for i in ids)
    # as every earlier site gave them: a reader's client keeps catalogs by id
    assert feed.findtext("a:id", namespaces=A) == "urn:uuid:607ddeb3-c1a3-5bc3-9e9c-3fb7bc5aa27d"
    assert ids[:2] == ["urn:uuid:f982b57d-4912-55ff-8e19-8b786bf6a9b1",
                        "urn:uuid:8732c512-5e52-53ec-ab56-f000d26a9385"]
    again = opds_root(site_model("Field Notes", []), Urls(None, "opds.xml"))
    assert again.findtext("a:id", namespaces=A) == feed.findtext("a:id", namespaces=A)
    assert links(feed)[2][2] == "https://example.org/notes/opds/newest.xml"
    assert etree.QName(feed).localname == "feed"


def test_urls_are_relative_to_the_feed_or_under_the_base():
    assert Urls(None, "opds/tags/x.xml")("files/a.pdf") == "../../files/a.pdf"
    assert Urls(None, "opds.xml")("files/a.pdf") == "files/a.pdf"
    assert Urls("https://example.org/site", "opds/x.xml")("a.pdf") == "https://example.org/site/a.pdf"
    assert Urls("https://example.org/TeX//", "opds.xml")("a.pdf") == "https://example.org/TeX/a.pdf"


@pytest.mark.parametrize("path", ["files/book.pdf", "covers/book.png", "media/a/b.png",
                                  "media/caf%C3%A9.png"])
def test_a_record_may_name_files_in_the_shards_own_folders(path):
    assert _own_paths({"files": [path], "media": [path]})


@pytest.mark.parametrize("path", [
    "filesX/book.pdf", "media-old/a.png", "mediaeval.png", "covers.html", "index.html",
    "records/spec-x.json", "files/../index.html", "media/%2e%2e/x.png".replace("%2e%2e", ".."),
    "/etc/passwd", "media/a:b.png", "media/a%3Ab.png", "media\\a.png", "media/..\\..\\x.png",
    "", "file:///etc/passwd"])
def test_a_record_naming_anything_else_is_refused(path):
    assert not _own_paths({"files": [path]})
    assert not _own_paths({"media": [path]})
    assert not _own_paths({"downloads": [{"href": path}]})
    assert not _own_paths({"cover": {"href": "covers/a.png", "thumb": path}})


def test_a_record_whose_files_are_not_a_list_of_names_is_refused():
    assert not _own_paths({"files": [3]})
    assert not _own_paths({"downloads": [{"url": "files/a.pdf"}]})
    assert not _own_paths({"cover": "covers/a.png"})
    assert _own_paths({})


def test_a_tags_page_name_is_the_tag_only_when_the_whole_tag_is_plain():
    """A tag that merely starts plain ('print it', 'print/../x') gets a readable part and a
    hash, like any other: no two tags share a page, no tag makes an unsafe name."""
    from pamphlet.site.units import tag_slug

    tags = ["print", "print-2", "x" * 40, "Print", "print it", "print/../index", "print.html",
            "x" * 41, "-print", "", "../..", "print\n", "print\x00"]
    slugs = [tag_slug(tag) for tag in tags]
    assert slugs[:3] == tags[:3]
    assert len(set(slugs)) == len(tags)
    for tag, slug in zip(tags[3:], slugs[3:]):
        assert re.fullmatch(r"[a-z0-9-]{1,30}-[0-9a-f]{8}", slug), (tag, slug)
    assert slugs[4].startswith("print-it-") and slugs[9].startswith("tag-")
    assert tag_slug("(print)").startswith("print-")  # no dash left at either end
    assert tag_slug("¡Hola!").startswith("hola-")


def test_ids_are_those_every_earlier_site_gave():
    """A reader's OPDS client keeps a book and a catalog by its id: the same site title, essay
    or feed has the same id on every machine and in every version of pamphlet."""
    from pamphlet.site.model import stable_id

    assert site_model("Field Notes", []).identifier == \
        "urn:uuid:0d911570-7763-5109-9f16-05dd2044bf34"
    assert stable_id("essay", "paper") == "urn:uuid:5074055a-2b47-5886-b163-903e81ad7a03"


def test_an_essay_keeps_its_own_identifier_else_one_made_from_its_slug(site):
    from pamphlet.site.model import stable_id

    by_slug = {e["slug"]: e for e in site.essays}
    assert by_slug["paper"]["id"] == "urn:uuid:5074055a-2b47-5886-b163-903e81ad7a03"
    assert by_slug["ink"]["id"] == stable_id("essay", "ink") != by_slug["paper"]["id"]
    own = site_model("Field Notes", [{**essay("x", "X"), "identifier": "urn:isbn:9780000000002"}])
    assert own.essays[0]["id"] == "urn:isbn:9780000000002"


def test_an_empty_site_is_dated_by_its_build(source_date_epoch):
    assert site_model("Field Notes", []).updated == "2026-01-01T00:00:00Z"
