"""`pamphlet site`: the static library site, its OPDS catalogs and feed, and shards.

Feeds are validated against the published schemas (tests/schemas: the OPDS 1.2 RELAX NG with
RFC 4287's Atom grammar, through jing; the OPDS 2.0 JSON Schemas), every e-book against
EPUBCheck, every link against the files of the site.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree, html

from conftest import EPOCH, copy_project
from pamphlet.cli import main
from pamphlet.site.units import Unit, owner, tag_slug

SCHEMAS = Path(__file__).parent / "schemas"
BASE = "https://library.example.org/zines/"
HOSTILE = ("---\ntitle: \"Up </title><script>alert(1)</script>\"\nauthor: \"<b>Mallory</b>\"\n"
           "tags: [\"../../evil tag\", \"<i>x</i>\"]\ndate: 2026-02-01\n---\n\n"
           "Text with <script>alert(2)</script> a script, and [a link](other.md).\n")
SOURCED = ("---\ntitle: Sourced\nauthor: Ann\nsource:\n  url: https://example.org/first\n"
           "  publisher: The Quarterly\n  date: 2025-05-02\n---\n\nText.\n")
ODD_NAME = ("---\ntitle: Ça va\nauthor: Zoé\ntags: [été]\n---\n\nSee [after hours](after-hours.md)"
            " and [the sourced one](sourced.md#nowhere).\n")
sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))


@pytest.fixture(scope="module")
def epoch():
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    yield EPOCH
    os.environ.pop("SOURCE_DATE_EPOCH", None)


@pytest.fixture(scope="module")
def library(tmp_path_factory, epoch):
    """tests/projects/library with a [print] table, booklets for every essay and a hostile
    essay, built into a site once: (project, site folder, stdout)."""
    project = copy_project("library", tmp_path_factory.mktemp("site"))
    spec = project / "pamphlet.toml"
    spec.write_text('date = 2026-03-01\n' + spec.read_text()
                    + '[print]\ncopies = 12\n[site]\neach_essay = true\n')
    (project / "source" / "up-title.md").write_text(HOSTILE)
    (project / "source" / "sourced.md").write_text(SOURCED)
    (project / "source" / "ça va & co #1.md").write_text(ODD_NAME)
    status = main(["site", str(project)])
    assert status == 0
    return project, project / "build" / "site"


def site_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file())


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in site_files(folder)}


# ---- what the site holds -------------------------------------------------------------------

def test_home_lists_every_pamphlet_newest_first_with_its_cover_thumbnail(library):
    project, site = library
    page = html.parse(str(site / "index.html")).getroot()
    titles = [a.text_content() for a in page.xpath("//article[@class='card']//h3/a")]
    assert titles == ["The Library", "Excerpts", "On Printing", "Reading Groups"][:1] + \
        titles[1:] and len(titles) == 4  # the dated pamphlet first, the undated by title
    assert titles[1:] == sorted(titles[1:], key=str.casefold)
    thumbs = page.xpath("//article[@class='card']//img/@src")
    assert len(thumbs) == 4 and all(t.startswith("covers/") and t.endswith("-thumb.jpg")
                                    for t in thumbs)
    # The thumbnail is made from the EPUB's own cover raster, not drawn again.
    with zipfile.ZipFile(site / "files" / "pamphlet.epub") as book:
        raster = book.read("EPUB/images/cover.jpg")
    assert (site / "covers" / "pamphlet.jpg").read_bytes() == raster
    from PIL import Image
    with Image.open(site / "covers" / "pamphlet-thumb.jpg") as thumb, \
            Image.open(site / "covers" / "pamphlet.jpg") as cover:
        assert thumb.height == 360 and abs(thumb.width / thumb.height
                                           - cover.width / cover.height) < 0.01
    event = page.xpath("//p[@class='event']")[0].text_content()
    assert "Second Tuesday Readers" in event and "8 December 2026" in event


def test_pamphlet_page_has_contents_event_and_downloads_with_sizes_and_plan(library):
    project, site = library
    page = html.parse(str(site / "pamphlets" / "pamphlet.html")).getroot()
    downloads = {a.text_content(): a.get("href") for a in page.xpath("//ul[@class='downloads']//a")}
    assert downloads == {"Reading PDF": "../files/pamphlet.pdf",
                         "Print PDF (imposed for folding)": "../files/pamphlet-print.pdf",
                         "EPUB": "../files/pamphlet.epub",
                         "Kobo edition (kepub)": "../files/pamphlet.kepub.epub"}
    sizes = page.xpath("//ul[@class='downloads']//span[@class='size']/text()")
    size = (site / "files" / "pamphlet.pdf").stat().st_size
    assert f"(PDF, {size / 1000:.0f} kB)" in sizes
    plan = page.xpath("//p[@class='plan']")[0].text_content()
    assert "sheets of A4" in plan and "12 copies" in plan
    contents = page.xpath("//ol[@class='contents']//a/@href")
    assert contents and all(h.startswith("../essays/") for h in contents)
    packet = html.parse(str(site / "pamphlets" / "groups.html")).getroot()
    rows = dict(zip(packet.xpath("//dl[@class='event']/dt/text()"),
                    packet.xpath("//dl[@class='event']/dd/text()")))
    assert rows["Where"] == "Back room, Central Library" and rows["Host"] == "Bo Lenz"


def test_essay_page_is_the_ebook_rendering_with_notes_pamphlets_and_booklet(library):
    project, site = library
    page = html.parse(str(site / "essays" / "a-stapler-of-ones-own.html")).getroot()
    assert page.xpath("//h1[@class='essay-title']/text()") == ["A Stapler of One’s Own"]
    assert page.xpath("//p[@class='author']/text()") == ["Cy Marr"]
    notes = page.xpath("//aside[@role='doc-footnote']")
    calls = page.xpath("//a[@role='doc-noteref']/@href")
    assert len(notes) == 3 and [f"#{n.get('id')}" for n in notes] == calls
    assert not page.xpath("//@*[contains(name(), 'epub')]")  # no EPUB-only markup on the web
    inside = page.xpath("//aside[@class='about']//ul[not(@class)]//a/text()")
    assert sorted(inside) == ["On Printing", "The Library"]
    booklet = page.xpath("//ul[@class='downloads']//a/@href")
    assert booklet == ["../files/essays/a-stapler-of-ones-own.epub",  # the books first
                       "../files/essays/a-stapler-of-ones-own.kepub.epub",
                       "../files/essays/a-stapler-of-ones-own.pdf",
                       "../files/essays/a-stapler-of-ones-own-print.pdf"]


def test_an_essay_without_a_summary_is_summed_up_by_its_first_words(library):
    project, site = library
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = etree.parse(str(site / "opds" / "essays.xml"))
    summary = feed.xpath("//a:entry[a:title='Sourced']/a:summary/text()", namespaces=ns)
    assert summary == ["Text."]
    long = feed.xpath("//a:entry[a:title='A Stapler of One’s Own']/a:summary/text()",
                      namespaces=ns)[0]
    assert long.startswith("The opening of A Stapler of One’s Own, before any heading")
    assert len(long.split()) == 41 and long.endswith(" …") and "[^" not in long


def test_source_line_is_shown(library):
    project, site = library
    page = html.parse(str(site / "essays" / "sourced.html")).getroot()
    assert page.xpath("//p[@class='source']")[0].text_content() == (
        "First published by The Quarterly on 2 May 2025 at https://example.org/first.")


def test_hostile_text_is_escaped_and_tags_make_safe_names(library):
    project, site = library
    for path in site.rglob("*.html"):
        text = path.read_text()
        assert "<script" not in text and "alert(1)</script>" not in text, path
    page = html.parse(str(site / "essays" / "up-title.html")).getroot()
    assert page.xpath("//h1/text()")[0] == "Up"  # the script's text goes with it
    tags = {p.name for p in (site / "tags").iterdir()}
    assert {tag_slug("../../evil tag") + ".html", tag_slug("<i>x</i>") + ".html"} <= tags
    odd = html.parse(str(site / "essays" / "ça va & co #1.html")).getroot()
    assert odd.xpath("//a[text()='after hours']/@href") == ["after-hours.html"]
    assert odd.xpath("//a[text()='the sourced one']/@href") == ["sourced.html"]
    listed = html.parse(str(site / "essays" / "index.html")).getroot()
    assert "../essays/%C3%A7a%20va%20%26%20co%20%231.html" in listed.xpath("//ul//a/@href")
    assert all("/" not in t and not t.startswith(".") for t in tags)


# ---- the catalogs --------------------------------------------------------------------------

def opds_feeds(site: Path) -> list[Path]:
    return [site / "opds.xml", *sorted((site / "opds").rglob("*.xml"))]


def jing(files: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(["jing", "-c", str(SCHEMAS / "opds.rnc"), *map(str, files)],
                          capture_output=True, text=True)


def test_opds_1_2_feeds_validate_against_the_relax_ng_schema(library):
    project, site = library
    feeds = opds_feeds(site) + [site / "feed.xml"]
    assert len(feeds) >= 4 + len(list((site / "tags").glob("*.html"))) - 1
    checked = jing(feeds)
    assert checked.returncode == 0 and not checked.stdout, checked.stdout


def test_jing_does_reject_a_feed_the_schema_forbids(library, tmp_path):
    project, site = library
    broken = tmp_path / "broken.xml"
    broken.write_text((site / "opds" / "newest.xml").read_text().replace(
        "<summary type=\"text\">", "<summary type=\"html\">", 1))
    assert "<summary type=\"html\">" in broken.read_text()
    assert jing([broken]).returncode != 0


def test_opds_entries_carry_the_metadata_and_acquisition_links(library):
    project, site = library
    ns = {"a": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/terms/"}
    feed = etree.parse(str(site / "opds" / "newest.xml"))
    entry = feed.xpath("//a:entry[a:title='The Library']", namespaces=ns)[0]
    assert entry.xpath("a:author/a:name/text()", namespaces=ns) == ["Test Collective"]
    assert entry.xpath("dc:language/text()", namespaces=ns) == ["en"]
    assert entry.xpath("dc:issued/text()", namespaces=ns) == ["2026-03-01"]
    assert entry.xpath("a:updated/text()", namespaces=ns) == ["2026-03-01T00:00:00Z"]
    assert entry.xpath("a:summary/text()", namespaces=ns)
    assert set(entry.xpath("a:category/@term", namespaces=ns)) >= {"zines", "printing"}
    links = {(l.get("rel").rsplit("/", 1)[-1], l.get("type"), l.get("href"))
             for l in entry.xpath("a:link", namespaces=ns)}
    assert links >= {("image", "image/jpeg", "../covers/pamphlet.jpg"),
                     ("thumbnail", "image/jpeg", "../covers/pamphlet-thumb.jpg"),
                     ("open-access", "application/pdf", "../files/pamphlet.pdf"),
                     ("open-access", "application/epub+zip", "../files/pamphlet.epub"),
                     ("open-access", "application/kepub+zip", "../files/pamphlet.kepub.epub"),
                     ("alternate", "text/html", "../pamphlets/pamphlet.html")}
    essays = etree.parse(str(site / "opds" / "essays.xml"))
    assert len(essays.xpath("//a:entry", namespaces=ns)) == 9
    root = etree.parse(str(site / "opds.xml"))
    assert set(root.xpath("//a:entry/a:link/@href", namespaces=ns)) >= {
        "opds/newest.xml", "opds/essays.xml", "opds/tags/printing.xml"}


def ecma(pattern: str) -> str:
    """A JSON Schema pattern (ECMA 262) in Python's dialect: named groups are (?P<name>...)."""
    return re.sub(r"\(\?<([A-Za-z]\w*)>", r"(?P<\1>", pattern)


def in_python_dialect(schema):
    """The schema (as read, the file unchanged) with its patterns in Python's dialect."""
    if isinstance(schema, list):
        return [in_python_dialect(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {key: in_python_dialect(value) for key, value in schema.items()}
    if isinstance(schema.get("pattern"), str):
        converted["pattern"] = ecma(schema["pattern"])
    if isinstance(schema.get("patternProperties"), dict):
        converted["patternProperties"] = {ecma(k): in_python_dialect(v)
                                          for k, v in schema["patternProperties"].items()}
    return converted


def opds2_validator():
    from jsonschema import Draft7Validator
    from referencing import Registry, Resource

    resources = []
    for path in (SCHEMAS / "opds2").rglob("*.schema.json"):
        schema = in_python_dialect(json.loads(path.read_text()))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    registry = Registry().with_resources(resources)
    feed = registry.contents("https://drafts.opds.io/schema/feed.schema.json")
    return Draft7Validator(feed, registry=registry)


def test_opds_2_feed_validates_against_the_json_schemas(library):
    project, site = library
    feed = json.loads((site / "opds.json").read_text())
    validator = opds2_validator()
    assert [e.message for e in validator.iter_errors(feed)] == []
    publication = next(p for p in feed["publications"] if p["metadata"]["title"] == "The Library")
    types = {link["type"] for link in publication["links"]}
    assert {"application/pdf", "application/epub+zip", "application/kepub+zip"} <= types
    assert {"author", "language", "description", "published", "modified", "subject"} <= \
        set(publication["metadata"])
    assert len(feed["groups"][0]["publications"]) == 9  # the booklets
    broken = {**feed, "publications": [{**publication, "links": publication["links"][-1:]}]}
    assert list(validator.iter_errors(broken))  # without an acquisition link: rejected


def test_with_base_url_the_feeds_carry_absolute_urls(library, tmp_path, capsys):
    project, site = library
    out = tmp_path / "absolute"
    assert main(["site", "--gather", str(project / "build" / ".site-work"), "--out", str(out),
                 "--base-url", BASE]) == 0
    for feed in [*opds_feeds(out), out / "feed.xml"]:
        hrefs = etree.parse(str(feed)).xpath("//*[local-name()='link']/@href")
        assert hrefs and all(h.startswith(BASE) for h in hrefs), feed
    text = (out / "opds.json").read_text()
    hrefs = [link["href"] for pub in json.loads(text)["publications"] for link in pub["links"]]
    assert all(h.startswith(BASE) for h in hrefs)
    assert jing(opds_feeds(out)).returncode == 0
    # The pages stay relative: the same bytes as the site without a base URL.
    assert (out / "index.html").read_bytes() == (site / "index.html").read_bytes()


# ---- every file linked is there, and every e-book is valid ----------------------------------

def references(path: Path) -> list[str]:
    if path.suffix == ".html":
        page = html.parse(str(path)).getroot()
        return page.xpath("//@href | //@src")
    if path.suffix == ".xml":
        return etree.parse(str(path)).xpath("//*[local-name()='link']/@href")
    data = json.loads(path.read_text())
    found = []
    def walk(value):
        if isinstance(value, dict):
            found.extend([value["href"]] if "href" in value else [])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    walk(data)
    return found


def test_every_href_and_src_resolves_to_a_file_of_the_site(library):
    project, site = library
    checked = 0
    for path in site_files(site):
        if path.suffix not in (".html", ".xml", ".json"):
            continue
        for ref in references(path):
            parts = urlsplit(ref)
            if parts.scheme or not parts.path:
                continue  # a web address written in an essay, or a link within the page
            target = (path.parent / unquote(parts.path)).resolve()
            assert target.is_file() and target.is_relative_to(site.resolve()), (path, ref)
            if parts.fragment and target.suffix == ".html":
                assert html.parse(str(target)).getroot().xpath(
                    f"//*[@id='{parts.fragment}']"), (path, ref)
            checked += 1
    assert checked > 300


def test_every_linked_ebook_passes_epubcheck(tmp_path, epoch, capsys):
    """On a small site (EPUBCheck takes seconds a book): a pamphlet and a packet, each with its
    Kobo edition, and two essays' booklets, each with its own."""
    from epubchecker import messages

    project = generated_library(tmp_path / "library", 5)
    spec = project / "pamphlet.toml"
    spec.write_text(spec.read_text().replace('"essay-003", "essay-004", "essay-005"', "")
                    + "[site]\neach_essay = true\n")
    for slug in ("essay-003", "essay-004", "essay-005"):
        (project / "source" / f"{slug}.md").unlink()
    (project / "packets" / "t3.toml").write_text('title = "Two"\nessays = ["essay-002"]\n')
    assert main(["site", str(project)]) == 0
    site = project / "build" / "site"
    linked = {unquote(ref).removeprefix("../") for page in site.rglob("*.html")
              for ref in references(page) if ref.endswith(".epub")}
    books = sorted((site / "files").rglob("*.epub"))
    assert len(books) == 8 and {b.relative_to(site).as_posix() for b in books} == linked
    for book in books:
        assert messages(book) == [], book


# ---- shards ---------------------------------------------------------------------------------

def generated_library(root: Path, essays: int) -> Path:
    """`essays` short generated essays, a pamphlet of five and a packet chosen by tag."""
    from corpus import essay_text

    (root / "source").mkdir(parents=True)
    (root / "packets").mkdir()
    for i in range(1, essays + 1):
        (root / "source" / f"essay-{i:03d}.md").write_text(essay_text(i, words=60))
    (root / "pamphlet.toml").write_text(
        'title = "Generated"\neditor = "Bench"\ndate = 2026-05-01\n'
        'essays = ["essay-001", "essay-002", "essay-003", "essay-004", "essay-005"]\n')
    (root / "packets" / "t3.toml").write_text(
        'title = "Tag three"\n[select]\ntags_all = ["t3"]\nlimit = 3\n')
    return root


@pytest.mark.slow(
    "builds the site on one machine and again as four shards and a gather, to compare the bytes")
def test_four_shards_gathered_are_the_one_machine_site_byte_for_byte(tmp_path, epoch, capsys):
    project = generated_library(tmp_path / "library", 200)
    assert main(["site", str(project)]) == 0
    shards = []
    for k in range(1, 5):
        shard = tmp_path / f"shard-{k}"
        # Each shard on a machine of its own: a fresh copy of the project.
        copy = tmp_path / f"machine-{k}" / "library"
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build"))
        assert main(["site", str(copy), "--shard", f"{k}/4", "--out", str(shard)]) == 0
        shards.append(shard)
    gathered = tmp_path / "gathered"
    assert main(["site", "--gather", *map(str, reversed(shards)), "--out", str(gathered)]) == 0
    one = tree(project / "build" / "site")
    assert len([p for p in one if p.startswith("essays/")]) == 201
    assert tree(gathered) == one
    # Every unit was done by exactly one shard.
    records = [p.name for s in shards for p in (s / "records").glob("*.json")]
    assert len(records) == len(set(records)) == 202


def test_a_units_share_depends_on_its_name_only():
    units = [Unit("essay", f"e{i}", Path(f"e{i}.md")) for i in range(400)]
    before = {u.name: owner(u, 4) for u in units}
    assert set(before.values()) == {1, 2, 3, 4}
    assert all(60 < list(before.values()).count(k) < 140 for k in range(1, 5))
    more = units + [Unit("essay", "new", Path("new.md"))]
    assert {u.name: owner(u, 4) for u in more if u.name != "new"} == before


def test_a_rebuild_after_one_essay_changes_redoes_only_that_essay_and_its_pamphlets(
        tmp_path, epoch, capsys):
    project = generated_library(tmp_path / "library", 12)
    assert main(["site", str(project)]) == 0
    assert "14 made afresh, 0 current" in capsys.readouterr().out
    first = tree(project / "build" / "site")
    built = {p.name: p.stat().st_mtime_ns for p in (project / "build").glob("*.*")
             if p.is_file()}

    def edit(slug: str) -> tuple[str, set[str]]:
        with (project / "source" / f"{slug}.md").open("a") as essay:
            essay.write("\nOne more paragraph.\n")
        assert main(["site", str(project)]) == 0
        now = tree(project / "build" / "site")
        return capsys.readouterr().out, {p for p, h in now.items() if first.get(p) != h}

    # essay-007 is in no pamphlet: only its page is made again, and no pamphlet rebuilt.
    out, changed = edit("essay-007")
    assert "1 made afresh, 13 current" in out
    assert changed == {"essays/essay-007.html"}
    assert {p.name: p.stat().st_mtime_ns for p in (project / "build").glob("*.*")
            if p.is_file()} == built
    # essay-003 is in the pamphlet and in the packet: both are built again.
    out, changed = edit("essay-003")
    assert "3 made afresh, 11 current" in out
    assert {"essays/essay-003.html", "files/pamphlet.pdf", "files/t3.epub"} <= changed
    assert not {p for p in changed if p.startswith("essays/") and "00" in p} - {
        "essays/essay-003.html", "essays/essay-007.html"}
    # A new essay: its page, and the packet whose [select] takes it; no other essay's page.
    (project / "source" / "essay-013.md").write_text(
        (project / "source" / "essay-008.md").read_text().replace("t3", "t3, new"))
    assert main(["site", str(project)]) == 0
    assert "2 made afresh, 13 current" in capsys.readouterr().out


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in folder.rglob("*") if p.is_file()}


def test_a_rebuild_with_nothing_changed_writes_nothing_and_reads_the_index(
        tmp_path, epoch, capsys):
    project = generated_library(tmp_path / "library", 12)
    site, work = project / "build" / "site", project / "build" / ".site-work"
    assert main(["site", str(project)]) == 0
    capsys.readouterr()
    before = stamps(site)
    assert main(["site", str(project)]) == 0
    out = capsys.readouterr().out
    assert "0 made afresh, 14 current" in out
    assert "up to date: " in out and "(2 pamphlets, 12 essays, 6 tags)" in out
    assert stamps(site) == before  # not one file of the site written again
    # Which records are current is the index's to say: a record written since the index was
    # (a run stopped before saving it) is made again; made as it was, the site stands.
    record = work / "records" / "essay-essay-004.json"
    record.write_text(record.read_text().replace("essay-004", "essay-004 "))
    assert main(["site", str(project)]) == 0
    out = capsys.readouterr().out
    assert "1 made afresh, 13 current" in out and "up to date: " in out
    assert json.loads(record.read_text())["slug"] == "essay-004"
    assert stamps(site) == before
    # Another base URL is another site, written again.
    assert main(["site", str(project), "--base-url", BASE]) == 0
    assert "wrote " in capsys.readouterr().out
    assert BASE in (site / "opds.xml").read_text()
    # A site removed by hand is made again, even with nothing changed.
    shutil.rmtree(site)
    assert main(["site", str(project), "--base-url", BASE]) == 0
    assert "0 made afresh, 14 current" in capsys.readouterr().out
    assert (site / "index.html").is_file()


# ---- bad input ------------------------------------------------------------------------------

def shard_of(tmp_path: Path, k: int, n: int, essays: int = 6, name: str = "library") -> Path:
    project = tmp_path / name
    if not project.exists():
        generated_library(project, essays)
    out = tmp_path / f"{name}-shard-{k}-of-{n}"
    assert main(["site", str(project), "--shard", f"{k}/{n}", "--out", str(out)]) == 0
    return out


def run_bad(args: list[str], capsys) -> tuple[int, str]:
    status = main(args)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


def test_gather_of_a_folder_that_is_no_shard_is_t101(tmp_path, capsys, epoch):
    (tmp_path / "junk").mkdir()
    status, err = run_bad(["site", "--gather", str(tmp_path / "junk"), "--out",
                           str(tmp_path / "site")], capsys)
    assert status == 1 and f"{tmp_path / 'junk'}: T101 " in err and "hint:" in err
    assert not (tmp_path / "site").exists()


def test_gather_takes_no_file_from_outside_the_shards_t101(tmp_path, capsys, epoch):
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    one, two = shard_of(tmp_path, 1, 2), shard_of(tmp_path, 2, 2)
    (one / "files" / "stolen.pdf").symlink_to(secret)
    status, err = run_bad(["site", "--gather", str(one), str(two), "--out",
                           str(tmp_path / "site")], capsys)
    assert status == 1 and f"{one}: T101 " in err and "stolen.pdf" in err
    (one / "files" / "stolen.pdf").unlink()
    record = next(p for s in (one, two) for p in (s / "records").glob("spec-*.json"))
    data = json.loads(record.read_text())
    data["downloads"][0]["href"] = "../../secret.txt"
    record.write_text(json.dumps(data))
    status, err = run_bad(["site", "--gather", str(one), str(two), "--out",
                           str(tmp_path / "site")], capsys)
    assert status == 1 and f"{record}: T101 " in err
    assert not (tmp_path / "site").exists()


def test_gather_of_an_incomplete_or_doubled_set_is_t102(tmp_path, capsys, epoch):
    one = shard_of(tmp_path, 1, 3)
    two = shard_of(tmp_path, 2, 3)
    status, err = run_bad(["site", "--gather", str(one), str(two), str(two), "--out",
                           str(tmp_path / "site")], capsys)
    assert status == 1 and "T102 " in err and "missing 3/3" in err and "twice 2/3" in err
    other = shard_of(tmp_path, 1, 2)
    status, err = run_bad(["site", "--gather", str(one), str(other), "--out",
                           str(tmp_path / "site")], capsys)
    assert status == 1 and "T102 " in err and "different numbers" in err
    assert not (tmp_path / "site").exists()


def test_gather_of_shards_of_different_projects_is_t103(tmp_path, capsys, epoch):
    one = shard_of(tmp_path, 1, 2)
    two = shard_of(tmp_path, 2, 2, essays=7, name="other")
    status, err = run_bad(["site", "--gather", str(one), str(two), "--out",
                           str(tmp_path / "site")], capsys)
    assert status == 1 and "T103 " in err
    # The same names, one essay edited between the two shards' runs.
    with (tmp_path / "library" / "source" / "essay-002.md").open("a") as essay:
        essay.write("\nAn edit.\n")
    two = shard_of(tmp_path, 2, 2)
    status, err = run_bad(["site", "--gather", str(one), str(two), "--out",
                           str(tmp_path / "site")], capsys)
    assert status == 1 and "T103 " in err and not (tmp_path / "site").exists()
    # The same project, stamped with another time.
    one = shard_of(tmp_path, 1, 2)
    os.environ["SOURCE_DATE_EPOCH"] = "1767225601"
    try:
        two = shard_of(tmp_path, 2, 2)
    finally:
        os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    status, err = run_bad(["site", "--gather", str(one), str(two), "--out",
                           str(tmp_path / "site")], capsys)
    assert status == 1 and "T103 " in err and "SOURCE_DATE_EPOCH 1767225601" in err


def test_a_shard_that_could_not_build_a_unit_stops_the_gather_t104(tmp_path, capsys, epoch):
    project = generated_library(tmp_path / "library", 6)
    (project / "packets" / "broken.toml").write_text('title = "Broken"\nessays = ["nonesuch"]\n')
    shards = [tmp_path / f"s{k}" for k in (1, 2)]
    statuses = [main(["site", str(project), "--shard", f"{k}/2", "--out", str(s)])
                for k, s in zip((1, 2), shards)]
    assert sorted(statuses) == [0, 1]
    err = capsys.readouterr().err
    assert f"{project / 'packets' / 'broken.toml'}:2: P104 " in err
    status, err = run_bad(["site", "--gather", *map(str, shards), "--out",
                           str(tmp_path / "site")], capsys)
    assert status == 1 and "T104 " in err and "spec:broken" in err
    assert not (tmp_path / "site").exists()


def test_a_failed_build_keeps_the_previous_site(tmp_path, capsys, epoch):
    project = generated_library(tmp_path / "library", 6)
    assert main(["site", str(project)]) == 0
    before = tree(project / "build" / "site")
    (project / "packets" / "t3.toml").write_text('title = "Tag three"\nessays = "oops"\n')
    status, err = run_bad(["site", str(project)], capsys)
    assert status == 1 and f"{project / 'packets' / 't3.toml'}:2: P103 " in err
    assert tree(project / "build" / "site") == before


def test_the_site_is_never_written_over_a_folder_pamphlet_did_not_make_t105(
        tmp_path, capsys, epoch):
    project = generated_library(tmp_path / "library", 6)
    mine = tmp_path / "my-notes"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work")
    status, err = run_bad(["site", str(project), "--out", str(mine)], capsys)
    assert status == 1 and f"{mine}: T105 " in err
    assert [p.name for p in mine.iterdir()] == ["thesis.txt"]
    status, err = run_bad(["site", str(project), "--shard", "1/2", "--out", str(project)], capsys)
    assert status == 1 and "T105 " in err and (project / "source").is_dir()


@pytest.mark.parametrize("url", ["ftp://x.org/", "library.example.org", "https://", 
                                 "https://x.org/a b", "https://x.org/?q=1", "javascript:alert(1)"])
def test_a_base_url_that_is_no_web_address_is_t107(url, tmp_path, capsys):
    status, err = run_bad(["site", str(tmp_path), "--base-url", url], capsys)
    assert status == 1 and "T107 " in err and "hint:" in err


def test_shard_and_gather_together_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["site", "--shard", "1/2", "--gather", str(tmp_path)])
    assert stop.value.code == 2
