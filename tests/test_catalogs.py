"""The site as reader apps and print shops meet it: `pamphlet site` with a perfect-bound book,
its catalogs read by the apps' own parsers (NYPL's and Readium's from npm, Palace's from
PyPI), the e-book's contents page, and a failed run that leaves nothing in the next one's
way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import system
from conftest import EPOCH
from pamphlet.cli import main
from test_diagnostics import essay_with, write_project
from test_site import jing, opds2_validator, opds_feeds

CLIENTS = Path(__file__).parent / "clients"
BASE = "https://library.example.org/zines/"
SPEC = ('title = "Bound Together"\neditor = "The Collective"\ndate = 2026-11-01\n'
        '[print]\nscheme = "perfect"\npaper = "0.1mm"\n'
        'variants = ["read", "print", "print-bw", "press"]\ntest_sheet = true\n'
        '[event]\nname = "Readers"\ndate = 2026-12-08\ntime = "19:00"\n'
        'timezone = "Europe/Berlin"\n[ebook]\nkobo = true\n[site]\neach_essay = true\n')
ESSAYS = {"source/glue.md": essay_with("On glue and paste.", "tags: [binding]\n"),
          "source/thread.md": essay_with("On thread.").replace("title: One", "title: Two")}
# Acquisitions: the books, in the order a reader app should prefer them.
BOOKS = [("application/epub+zip", "EPUB"), ("application/kepub+zip", "Kobo edition (kepub)"),
         ("application/pdf", "Reading PDF")]
RELATED = {("application/pdf", "Print PDF (the book block, for perfect binding)"),
           ("application/pdf", "Print PDF, black and white"),
           ("application/pdf", "Print-shop PDF (with bleed)"),
           ("application/pdf", "Wraparound cover (PDF)"),
           ("application/pdf", "Printer test sheet (PDF)"),
           ("text/calendar", "Calendar event")}
ACQUIRE = "http://opds-spec.org/acquisition/open-access"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The project's site, with --base-url: (project, site folder, what site printed)."""
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        project = write_project(tmp_path_factory.mktemp("bound") / "p", SPEC, ESSAYS)
        (project / "source" / "one.md").unlink()
        run = subprocess.run([sys.executable, "-m", "pamphlet", "site", str(project),
                              "--base-url", BASE],
                             capture_output=True, text=True, timeout=1800,
                             env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    assert run.returncode == 0, run.stderr
    return project, project / "build" / "site", run.stdout


def clients(files: list[Path]) -> dict:
    system.npm_file("opds-feed-parser"), system.npm_file("r2-opds-js")  # (or say how to get)
    modules = system.NPM_PREFIX / "node_modules"
    run = subprocess.run(["node", str(CLIENTS / "opds.cjs"), str(modules), *map(str, files)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def offered(links: list) -> tuple[list, set]:
    """(the acquisitions in order, the related links) as (type, title)."""
    return ([(type_, title) for rel, type_, title in links if rel == ACQUIRE],
            {(type_, title) for rel, type_, title in links if rel == "related"})


def test_a_site_with_a_perfect_bound_book_is_written_and_counted_in_words(site):
    project, folder, printed = site
    assert "(1 pamphlet, 2 essays, 1 tag)" in printed
    assert (folder / "files" / "pamphlet-press.pdf").is_file()
    assert not (project / "build" / ".site-work" / ".unfinished").exists()


def test_reader_apps_see_the_books_as_acquisitions_and_the_rest_as_related(site):
    _, folder, _ = site
    read = clients([folder / "opds" / "newest.xml", folder / "opds.json"])
    feed1, feed2 = read.values()
    for parser, publications in (("nypl", feed1["nypl"]), ("r2", feed1["r2"]),
                                 ("r2 (OPDS 2)", feed2["r2"])):
        books, related = offered(publications["Bound Together"])
        assert books == BOOKS, parser
        assert related == RELATED, parser


def test_an_essay_booklet_offers_its_books_first_and_its_print_files_as_related(site):
    _, folder, _ = site
    (feed,) = clients([folder / "opds" / "essays.xml"]).values()
    books, related = offered(feed["nypl"]["One"])
    assert [type_ for type_, _ in books] == [type_ for type_, _ in BOOKS]
    assert related and all(type_ == "application/pdf" for type_, _ in related)


def test_opds_2_groups_link_their_own_feed_and_palace_reads_the_catalog(site):
    from webpub_manifest_parser.opds2 import OPDS2FeedParserFactory

    _, folder, _ = site
    (feed,) = clients([folder / "opds.json"]).values()
    (group,) = feed["groups"]
    assert group[0] == "Single essays" and group[2] == 2
    assert group[1] == [["self", "application/opds+json", "Single essays"]]
    parser = OPDS2FeedParserFactory().create()
    for name in ("opds.json", "opds/essays.json"):
        data = json.loads((folder / name).read_text())
        assert [str(error) for error in parser.parse_json(data).errors] == [], name
        assert [e.message for e in opds2_validator().iter_errors(data)] == [], name
    linked = json.loads((folder / "opds.json").read_text())["groups"][0]["links"][0]["href"]
    assert linked == BASE + "opds/essays.json" and (folder / "opds" / "essays.json").is_file()


def test_the_opds_1_feeds_still_validate(site):
    _, folder, _ = site
    checked = jing(opds_feeds(folder) + [folder / "feed.xml"])
    assert checked.returncode == 0 and not checked.stdout, checked.stdout


def test_the_ebooks_contents_page_is_styled_and_hides_its_landmarks(site):
    project, _, _ = site
    with zipfile.ZipFile(project / "build" / "pamphlet.epub") as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
    assert nav.xpath("//x:head/x:link[@rel='stylesheet']/@href", namespaces=ns) == \
        ["style/ebook.css"]
    (landmarks,) = nav.xpath("//x:nav[@epub:type='landmarks']", namespaces=ns)
    assert landmarks.get("hidden") == "hidden"
    assert landmarks.xpath(".//x:a/@epub:type", namespaces=ns) == ["cover", "toc", "bodymatter"]
    (toc,) = nav.xpath("//x:nav[@epub:type='toc']", namespaces=ns)
    assert toc.get("hidden") is None


def test_a_crash_in_site_fails_cleanly_and_the_next_run_works(tmp_path, capsys, monkeypatch):
    from pamphlet.site import shard

    project = write_project(tmp_path / "p", SPEC.replace("[site]\neach_essay = true\n", ""),
                            ESSAYS)
    def broken(*args):
        raise ValueError("a planted bug")
    monkeypatch.setattr(shard, "print_plans", broken)
    assert main(["site", str(project)]) == 1
    err = capsys.readouterr().err
    assert "O510 internal error while building this unit of the site: ValueError: a planted " \
           "bug" in err and "Traceback" not in err
    assert not (project / "build" / "site").exists()
    monkeypatch.undo()
    assert main(["site", str(project)]) == 0, capsys.readouterr().err
    assert (project / "build" / "site" / "index.html").is_file()


def test_a_site_run_stopped_half_way_does_not_block_the_next(tmp_path, capsys, monkeypatch):
    from pamphlet.site import shard

    project = write_project(tmp_path / "p", SPEC.replace("[site]\neach_essay = true\n", ""),
                            ESSAYS)
    made = shard._essay_unit
    def interrupted(unit, *args):
        if unit.name == "thread":
            raise KeyboardInterrupt  # Ctrl-C, as the second essay's page is made
        return made(unit, *args)
    monkeypatch.setattr(shard, "_essay_unit", interrupted)
    assert main(["site", str(project)]) == 130
    assert (project / "build" / ".site-work" / "records").is_dir()
    monkeypatch.undo()
    capsys.readouterr()
    assert main(["site", str(project)]) == 0, capsys.readouterr().err
    assert "T105" not in capsys.readouterr().err


def test_the_catalog_counts_in_words(site):
    _, folder, _ = site
    root = etree.parse(str(folder / "opds.xml"))
    said = root.xpath("//a:entry/a:content/text()", namespaces={"a": "http://www.w3.org/2005/Atom"})
    assert "1 pamphlet or reading packet, newest first" in said
    assert "2 essays, each on its own" in said
    assert "1 pamphlet and 1 essay" in said  # the tag: its pamphlet and its essay
