"""The EPUB's decisions pinned exactly, fast enough for mutation testing: the spine, the nav
and its landmarks, each document's title, language and head, the notes, the links between
documents, the title page, Sources and colophon (see bench/equivalent.md).

The model is assembled once from a small project; `write_epub` runs with the cover stubbed
(the cover is a PDF page rendered by WeasyPrint, tested in test_epub.py), so each test
takes a fraction of a second.
"""

from __future__ import annotations

import io
import re
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from pamphlet.build.pipeline import _pamphlet
from pamphlet.diagnostics import Diagnostics, PamphletError
from pamphlet.book.layouts import find_layout
from pamphlet.outputs import epub as epub_module
from pamphlet.project.spec import Colophon, Event, load_spec
from test_epub import NS, XML_LANG, Book

SPEC = '''title = "The \\"Long\\" Walk -- Notes"
subtitle = "A \\"test\\" packet"
editor = ["Rosa Tester", "Ilse Probe"]
date = 2026-05-01
lang = "en"
essays = ["first", "second", "third"]
intro_file = "intro.md"

[essay.second]
intro = "Read this *aloud*."
questions = ["Why \\"here\\"?", "Who?"]
sections = ["Kept part"]

[event]
name = "Readers"
date = 2026-12-08
time = "19:00"
place = "Back room"
host = "Bo"
contact = "r@example.org"
agenda = ["Welcome", "Talk"]

[colophon]
license = "CC BY 4.0"
publisher = "Test Press"
contact = "press@example.org"
text = "Printed for tests."
'''
ESSAYS = {
    "intro": "## Welcome\n\nSee [the first](first.md#a-part) and [this](#welcome).\n\n"
             "![Intro pic](source/pic.png)\n",
    "first": '---\ntitle: "\\"First\\" Essay"\nsubtitle: Its "sub"\nauthor: [Ann, Bob]\n'
             "tags: [walking, notes]\n"
             "source:\n  url: https://e.org/first\n  title: Old First\n---\n\n"
             "## A part\n\nText[^n] and again[^n], see [the second](second.md#kept-part).\n\n"
             "![A pic](pic.png)\n\n[^n]: The *note*.\n",
    "second": '---\ntitle: Second\nauthor: Cleo\nlang: fr\n---\n\nLeft out.\n\n'
              "## Kept part\n\nGardé[^1], and [back](first.md).\n\n[^1]: Une note.\n",
    "third": "---\ntitle: Third\ntags: [notes, end]\n---\n\nThe end.\n\n![Old](old.bmp)\n",
}


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """The assembled pamphlet and its layout."""
    root = tmp_path_factory.mktemp("epubmodel")
    (root / "source").mkdir()
    (root / "pamphlet.toml").write_text(SPEC, encoding="utf-8")
    (root / "intro.md").write_text(ESSAYS["intro"], encoding="utf-8")
    for slug in ("first", "second", "third"):
        (root / "source" / f"{slug}.md").write_text(ESSAYS[slug], encoding="utf-8")
    png = io.BytesIO()
    Image.new("RGB", (2, 2)).save(png, "PNG")
    (root / "source" / "pic.png").write_bytes(png.getvalue())
    Image.new("RGB", (2, 2)).save(root / "source" / "old.bmp", "BMP")  # not for e-books
    spec = load_spec(root)
    diagnostics = Diagnostics()
    pamphlet, layout = _pamphlet(spec, diagnostics, "utf-8")
    assert not diagnostics.items, [d.format() for d in diagnostics]
    return pamphlet, layout


def png(size: int) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", (size, size)).save(data, "PNG")
    return data.getvalue()


COVER = png(1)


class Written(Book):
    """The EPUB as read back, with what `write_epub` returned and reported."""

    result: epub_module.EpubResult
    diagnostics: Diagnostics


def write(pamphlet, layout, where: Path, monkeypatch) -> Written:
    """The EPUB written with a one-pixel cover, for this pamphlet in this layout, read back."""
    calls = []

    def cover_image(*args):
        calls.append(args)
        return "cover.png", COVER

    monkeypatch.setattr(epub_module, "cover_image", cover_image)
    diagnostics = Diagnostics()
    result = epub_module.write_epub(pamphlet, layout, where / "p.epub", diagnostics)
    assert len(calls) == 1 and [a is b for a, b in zip(calls[0], (
        pamphlet, layout, diagnostics, None), strict=True)] == [True] * 4, calls
    book = Written(result.path)
    book.result, book.diagnostics = result, diagnostics
    return book


@pytest.fixture
def book(model, tmp_path, monkeypatch) -> Written:
    return write(*model, tmp_path, monkeypatch)


def uncommented(css: bytes) -> bytes:
    """A layout's stylesheet as the EPUB holds it: through the CSS sanitiser, which drops
    its comments (and keeps the rest of the zine's as it is)."""
    return re.sub(rb"/\*.*?\*/", b"", css, flags=re.S)


def body(book: Book, name: str) -> str:
    """A document's body as written, without the XHTML around it."""
    text = book.zip.read(f"EPUB/{name}").decode()
    return text[text.index("<body"):text.index("</body>")]


def test_spine_and_documents(book):
    assert book.spine == ["cover", "titlepage", "nav", "introduction", "essay-001", "essay-002",
                          "essay-003", "sources", "colophon"]
    heads = []
    for name in ("cover", "titlepage", "introduction", "essay-001", "essay-002", "essay-003",
                 "sources", "colophon"):
        doc = book.doc(f"{name}.xhtml")
        heads.append((doc.get(XML_LANG), doc.get("dir"), doc.findtext("x:head/x:title",
                      namespaces=NS), doc.find("x:body", NS).get(f"{{{NS['epub']}}}type")))
    title = "The “Long” Walk – Notes"
    assert heads == [("en", "ltr", title, None), ("en", "ltr", title, "frontmatter"),
                     ("en", "ltr", "Introduction", "frontmatter"),
                     ("en", "ltr", "“First” Essay", "bodymatter"),
                     ("fr", "ltr", "Second", "bodymatter"), ("en", "ltr", "Third", "bodymatter"),
                     ("en", "ltr", "Sources", "backmatter"), ("en", "ltr", "Colophon", "backmatter")]


def test_nav_ncx_and_landmarks(book):
    nav = book.doc("nav.xhtml")
    toc = nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)
    assert [(a.get("href"), a.text) for a in toc] == [
        ("introduction.xhtml", "Introduction"), ("essay-001.xhtml", "“First” Essay"),
        ("essay-002.xhtml", "Second"), ("essay-003.xhtml", "Third"),
        ("sources.xhtml", "Sources"), ("colophon.xhtml", "Colophon")]
    landmarks = nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=NS)
    assert [(a.get(f"{{{NS['epub']}}}type"), a.get("href"), a.text) for a in landmarks] == [
        ("cover", "cover.xhtml", "The “Long” Walk – Notes"), ("toc", "nav.xhtml", "Contents"),
        ("bodymatter", "essay-001.xhtml", "“First” Essay")]
    ncx = etree.fromstring(book.zip.read("EPUB/toc.ncx"))
    ns = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
    assert [(p.get("id"), p.findtext("n:navLabel/n:text", namespaces=ns),
             p.find("n:content", ns).get("src")) for p in ncx.iterfind(".//n:navPoint", ns)] == [
        ("introduction", "Introduction", "introduction.xhtml"),
        ("essay-001", "“First” Essay", "essay-001.xhtml"), ("essay-002", "Second", "essay-002.xhtml"),
        ("essay-003", "Third", "essay-003.xhtml"), ("sources", "Sources", "sources.xhtml"),
        ("colophon", "Colophon", "colophon.xhtml")]
    assert nav.findtext(".//x:nav[@epub:type='toc']/x:h2", namespaces=NS) == "Contents"


# Another part of the code may add page-break markers to the documents; these tests are
# about everything else, so the markers are taken out before comparing.
PAGE_BREAK = re.compile(r'<(\w+)[^>]*epub:type="pagebreak"[^>]*?(/>|>[^<]*</\1>)')


def bodies(book: Book, *names: str) -> dict[str, str]:
    return {name: PAGE_BREAK.sub("", body(book, f"{name}.xhtml")) for name in names}


NOTEREF = '<sup><a href="#essay-00{0}-note-1" ' \
          'class="noteref" epub:type="noteref" role="doc-noteref"{1}>1</a></sup>'
NOTES = '<section class="footnotes" ' \
        'epub:type="footnotes"><aside id="essay-00{0}-note-1" epub:type="footnote" ' \
        'role="doc-footnote" class="footnote"><p><a href="#essay-00{0}-noteref-1" ' \
        'role="doc-backlink" class="backlink">1.</a> {1}</p></aside></section>'

CALL_1, AGAIN_1 = NOTEREF.format(1, ' id="essay-001-noteref-1"'), NOTEREF.format(1, "")
CALL_2 = NOTEREF.format(2, ' id="essay-002-noteref-1"')
NOTES_1, NOTES_2 = NOTES.format(1, "The <em>note</em>."), NOTES.format(2, "Une note.")


def test_the_front_matter(book):
    assert bodies(book, "cover", "titlepage", "introduction") == {
        "cover": '<body>\n<section class="cover" epub:type="cover"><img role="doc-cover" '
                 'src="images/cover.png" alt="Cover: The “Long” Walk – Notes. A “test” packet. '
                 'Edited by Rosa Tester and Ilse Probe"/></section>\n',
        "titlepage": '<body epub:type="frontmatter">\n<section class="titlepage" '
                     'epub:type="titlepage">\n<h1>The “Long” Walk – Notes</h1>\n'
                     '<p class="subtitle">A “test” packet</p>\n'
                     '<p class="credit">Edited by Rosa Tester and Ilse Probe</p>\n'
                     '<p class="event"><b>Meeting:</b> Readers</p>\n'
                     '<p class="event"><b>When:</b> 8 December 2026, 19:00</p>\n'
                     '<p class="event"><b>Where:</b> Back room</p>\n'
                     '<p class="event"><b>Host:</b> Bo</p>\n'
                     '<p class="event"><b>Contact:</b> <a class="url" dir="ltr" '
                     'href="mailto:r@example.org">r@example.org</a></p>\n'
                     '<h2>Schedule</h2><ol class="agenda"><li>Welcome</li><li>Talk</li></ol>\n'
                     '<p class="date">1 May 2026</p>\n</section>\n',
        "introduction": '<body epub:type="frontmatter">\n<section id="introduction" '
                        'epub:type="introduction" role="doc-introduction"><h1>Introduction</h1>'
                        '<h2 id="introduction-welcome">Welcome</h2>\n<p>See <a '
                        'href="essay-001.xhtml#essay-001-a-part" class="cross-ref">the first</a> '
                        'and <a href="#introduction-welcome">this</a>.</p>\n<figure><img '
                        'alt="Intro pic" src="images/image-001.png"/></figure></section>\n'}


def test_the_essays_heads_notes_and_links(book):
    """Each essay's head (title, subtitle, authors, source line in the book's language),
    its notes linked both ways with one id per call, links to the other documents."""
    assert bodies(book, "essay-001", "essay-002", "essay-003") == {
        "essay-001": '<body epub:type="bodymatter">\n<section id="essay-001" class="essay" '
                     'epub:type="chapter" role="doc-chapter"><header><h1 class="essay-title">'
                     '“First” Essay</h1><p class="subtitle">Its “sub”</p><p class="author">Ann '
                     'and Bob</p><p class="source">First published as “Old First” at '
                     '<a class="url" dir="ltr" href="https://e.org/first">https://e.org/first</a>.</p>'
                     '</header><h2 id="essay-001-a-part">A part</h2>\n'
                     f'<p>Text{CALL_1} and again{AGAIN_1}, see <a href="essay-002.xhtml#essay-002-kept-part" '
                     'class="cross-ref">the second</a>.</p>\n<figure><img alt="A pic" '
                     'src="images/image-001.png"/></figure>\n'
                     f'{NOTES_1}</section>\n',
        "essay-002": '<body epub:type="bodymatter">\n<section id="essay-002" class="essay" '
                     'epub:type="chapter" role="doc-chapter"><header><h1 class="essay-title">'
                     'Second</h1><p class="author">Cleo</p><p class="source" lang="en" '
                     'xml:lang="en" dir="ltr">Excerpts. </p></header><p class="editor-intro">'
                     'Read this <em>aloud</em>.</p><h2 id="essay-002-kept-part">Kept part</h2>\n'
                     f'<p>Gardé{CALL_2}, and '
                     '<a href="essay-001.xhtml" class="cross-ref">back</a>.</p>\n'
                     f'{NOTES_2}<section class="questions"><h2>For '
                     'discussion</h2><ol><li>Why “here”?</li><li>Who?</li></ol></section>'
                     '</section>\n',
        "essay-003": '<body epub:type="bodymatter">\n<section id="essay-003" class="essay" '
                     'epub:type="chapter" role="doc-chapter"><header><h1 class="essay-title">'
                     'Third</h1></header><p>The end.</p>\n<figure><span class="missing-image">'
                     'Old</span></figure></section>\n'}


def test_sources_and_colophon(book, model):
    assert bodies(book, "sources", "colophon") == {
        "sources": '<body epub:type="backmatter">\n<section class="sources" '
                   'epub:type="bibliography" role="doc-bibliography"><h1>Sources</h1><ol>'
                   '<li>Ann and Bob. ““First” Essay.” Old First. <a class="url" dir="ltr" '
                   'href="https://e.org/first">https://e.org/first</a>.</li>'
                   '<li>Cleo. “Second.” Source not recorded.</li>'
                   '<li>“Third.” Source not recorded.</li></ol></section>\n',
        "colophon": '<body epub:type="backmatter">\n<section class="colophon" '
                    'epub:type="colophon" role="doc-colophon"><h1>Colophon</h1>\n'
                    '<p><i>The “Long” Walk – Notes</i>: A “test” packet.</p>\n'
                    '<p>Edited by Rosa Tester and Ilse Probe</p>\n<p>1 May 2026</p>\n'
                    '<p>CC BY 4.0</p>\n<p>Printed for tests.</p>\n'
                    '<p>Published by Test Press.</p>\n<p>Contact: <a class="url" dir="ltr" '
                    'href="mailto:press@example.org">press@example.org</a></p>\n'
                    f'<p>Made with {model[0].generator}.</p>\n</section>\n'}


def test_metadata(model, tmp_path, monkeypatch, source_date_epoch):
    book = write(*model, tmp_path, monkeypatch)
    assert book.meta("dcterms:modified") == ["2026-01-01T00:00:00Z"]  # not the clock
    assert book.dc("subject") == ["walking", "notes", "end"]  # every essay's, once each
    assert book.dc("title") == ["The “Long” Walk – Notes"] and book.dc("language") == ["en"]
    assert [(c.get("id"), c.text) for c in book.opf.xpath("//dc:creator", namespaces=NS)] == [
        ("creator1", "Rosa Tester"), ("creator2", "Ilse Probe")]
    assert (book.dc("date"), book.dc("publisher"), book.dc("rights"), book.dc("source")) == (
        ["2026-05-01"], ["Test Press"], ["CC BY 4.0"], ["https://e.org/first"])
    assert book.dc("coverage") == ["Readers", "Back room", "8 December 2026, 19:00"]
    assert book.meta("schema:accessMode") == ["textual", "visual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert book.meta("schema:accessibilityFeature") == [
        "structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability",
        "alternativeText"]
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert book.meta("schema:accessibilitySummary") == [
        "This publication is a collection of essays in reflowable text with a table of "
        "contents, headings and page-foot notes linked both ways; images have text "
        "alternatives. It meets EPUB Accessibility 1.1 at WCAG 2.1 level AA."]
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert book.opf.xpath("//opf:spine/@page-progression-direction", namespaces=NS) == []


def test_a_bare_right_to_left_pamphlet(model, tmp_path, monkeypatch):
    """No subtitle, credit, date, event, intro, colophon text or images; in Arabic: the
    spine turns leftwards, the book's documents are right to left, each essay in its own
    language, an essay's source line carries the book's language and direction, and every
    word the book writes is Arabic, with Arabic quotation marks."""
    pamphlet, layout = model
    spec = replace(pamphlet.spec, subtitle=None, editors=(), authors=(), date=None, lang="ar",
                   event=None, colophon=Colophon(), description=None)
    bare = replace(pamphlet, spec=spec, intro=None, chapters=pamphlet.chapters[1:2])
    book = write(bare, layout, tmp_path, monkeypatch)
    assert book.spine == ["cover", "titlepage", "nav", "essay-002", "sources", "colophon"]
    assert book.opf.xpath("//opf:spine/@page-progression-direction", namespaces=NS) == ["rtl"]
    assert [(d.get(XML_LANG), d.get("dir")) for d in map(book.doc, (
        "cover.xhtml", "essay-002.xhtml", "colophon.xhtml"))] == [
        ("ar", "rtl"), ("fr", "ltr"), ("ar", "rtl")]
    got = bodies(book, "cover", "titlepage", "essay-002", "colophon")
    assert got["cover"] == ('<body>\n<section class="cover" epub:type="cover"><img '
                            'role="doc-cover" src="images/cover.png" alt="الغلاف: \u2068The '
                            '”Long“ Walk – Notes\u2069"/></section>\n')  # isolated: Latin
    assert got["titlepage"] == ('<body epub:type="frontmatter">\n<section class="titlepage" '
                                'epub:type="titlepage">\n<h1>The ”Long“ Walk – Notes</h1>\n'
                                '</section>\n')
    assert '<p class="source" lang="ar" xml:lang="ar" dir="rtl">مقتطفات. </p>' \
        in got["essay-002"]
    assert got["colophon"] == ('<body epub:type="backmatter">\n<section class="colophon" '
                               'epub:type="colophon" role="doc-colophon"><h1>بيانات النشر</h1>'
                               '\n<p>\u2068<i>The ”Long“ Walk – Notes</i>\u2069.</p>\n'
                               f'<p>أُعدّ ببرنامج \u2068{bare.generator}\u2069.</p>\n</section>\n')
    assert book.dc("creator") == ["Cleo"]
    assert (book.dc("date"), book.dc("publisher"), book.dc("rights"), book.dc("source"),
            book.dc("coverage"), book.dc("description"), book.dc("subject")) == (
        [], [], [], [], [], ["Second"], [])
    assert book.meta("schema:accessMode") == ["textual"]
    assert book.meta("schema:accessibilityFeature") == [
        "structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    landmarks = book.doc("nav.xhtml").xpath("//x:nav[@epub:type='landmarks']//x:a/@href",
                                            namespaces=NS)
    assert landmarks == ["cover.xhtml", "nav.xhtml", "essay-002.xhtml"]


def test_an_event_with_only_a_time(model, tmp_path, monkeypatch):
    pamphlet, layout = model
    spec = replace(pamphlet.spec, event=Event(time="19:00"))
    book = write(replace(pamphlet, spec=spec), layout, tmp_path, monkeypatch)
    assert book.dc("coverage") == ["19:00"]
    assert '<p class="event"><b>When:</b> 19:00</p>\n<p class="date">' in body(book,
                                                                          "titlepage.xhtml")


@pytest.mark.parametrize("chapters, code, message, where, hint", [
    ((), "B701", "the e-book would have no essays", "spec", "select at least one essay"),
    ((" \u00a0",), "B702", "essay 'first' has an empty title", "essay",
     "give the essay a title in its front matter"),
    (("Fine", ""), "B702", "essay 'second' has an empty title", "essay",
     "give the essay a title in its front matter"),
])
def test_nothing_to_put_in_the_book(model, tmp_path, chapters, code, message, where, hint):
    pamphlet, layout = model
    kept = tuple(replace(chapter, title=title) for chapter, title in
                 zip(pamphlet.chapters, chapters))
    with pytest.raises(PamphletError) as raised:
        epub_module.write_epub(replace(pamphlet, chapters=kept), layout, tmp_path / "x.epub",
                               Diagnostics())
    path = pamphlet.spec.path if where == "spec" else kept[-1].essay.path
    assert [(d.code, d.message, d.path, d.line, d.hint) for d in raised.value.diagnostics] == [
        (code, message, path, None, hint)]
    assert not (tmp_path / "x.epub").exists()


@pytest.mark.parametrize("xml, changed", [
    ('<img alt="a" src="data:,x"/>', '<img alt="a" src="data:,x"/>'),
    ('<img alt="a"/>', '<img alt="a"/>'),
    ('<img alt="A &amp; B" src="source/a&amp;b.png"/>', '<img alt="A &amp; B" src="images/i1.png"/>'),
    ('<img src="source/gone.bmp" alt="Gone &amp; lost"/>',
     '<span class="missing-image">Gone &amp; lost</span>'),
    ('<p>x <img src="source/gone.bmp"/> y</p>', '<p>x <span class="missing-image"></span> y</p>'),
])
def test_images_by_their_names_in_the_book(xml, changed):
    assert epub_module._images_src(xml, {"source/a&b.png": "images/i1.png"}) == changed


@pytest.mark.parametrize("xml, changed", [
    ('<a href="#here-x">', '<a href="#here-x">'),  # an id in the same document
    ('<a href="#nowhere">', '<a href="#nowhere">'),  # not in any document: left alone
    ('<a href="#there-y">', '<a href="there.xhtml#there-y">'),
    ('<a href="#there">', '<a href="there.xhtml">'),  # the other document itself
    ('<a href="#there-y" class="c">, <a href="#here-x">',
     '<a href="there.xhtml#there-y" class="c">, <a href="#here-x">'),
])
def test_links_between_documents(xml, changed):
    homes = {"here-x": "here", "there-y": "there", "there": "there", "here": "here"}
    assert epub_module._links(xml, "here", homes) == changed


def test_manifest_files_and_what_write_epub_reports(model, tmp_path, monkeypatch):
    """Every file by its id, name and media type, each holding what it should; an image in
    a format e-books do not take is left out with B704 at its line.

    The media types are pamphlet's own: ebooklib would guess any it is not given from the
    machine's MIME table, which may not know WebP (Python's own table does not)."""
    import ebooklib.epub

    monkeypatch.setattr(ebooklib.epub, "guess_type", lambda name: (None, None))
    pamphlet, layout = model
    book = write(pamphlet, layout, tmp_path, monkeypatch)
    manifest = book.opf.xpath("//opf:manifest/opf:item", namespaces=NS)
    assert [(i.get("id"), i.get("href"), i.get("media-type"), i.get("properties"))
            for i in manifest] == [
        ("cover-img", "images/cover.png", "image/png", "cover-image"),
        *[(name, f"{name}.xhtml", "application/xhtml+xml", None) for name in (
            "cover", "titlepage", "introduction", "essay-001", "essay-002", "essay-003",
            "sources", "colophon")],
        ("style", "style/ebook.css", "text/css", None),
        ("img1", "images/image-001.png", "image/png", None),
        ("ncx", "toc.ncx", "application/x-dtbncx+xml", None),
        ("nav", "nav.xhtml", "application/xhtml+xml", "nav")]
    root = pamphlet.spec.root
    assert book.zip.read("EPUB/images/cover.png") == COVER
    assert book.zip.read("EPUB/images/image-001.png") == (root / "source" / "pic.png").read_bytes()
    assert book.zip.read("EPUB/style/ebook.css") == uncommented(
        layout.read(layout.find("zine/ebook.css")))
    assert (book.result.documents, book.result.identifier) == (8, pamphlet.identifier)
    assert [(d.code, d.severity.value, d.message, d.path, d.line, d.hint)
            for d in book.diagnostics] == [
        ("B704", "warning", "the image source/old.bmp is not in a format e-books take, so the "
         "EPUB shows its text instead", root / "source" / "third.md", 8,
         "convert it to PNG, JPEG, GIF, WebP or SVG")]


@pytest.mark.parametrize("own_css", [True, False])
def test_the_layouts_own_ebook_css_or_the_zine_one(model, tmp_path, monkeypatch, own_css):
    pamphlet, _ = model
    folder = tmp_path / "layouts" / "mine"
    folder.mkdir(parents=True)
    (folder / "pamphlet.html").write_text("<html></html>")
    if own_css:
        (folder / "ebook.css").write_text("body { margin: 0; }\n")
    layout = find_layout("mine", tmp_path / "layouts")
    book = write(pamphlet, layout, tmp_path, monkeypatch)
    zine = uncommented(layout.read(layout.find("zine/ebook.css")))
    assert book.zip.read("EPUB/style/ebook.css") == (b"body { margin: 0; }\n" if own_css else zine)


@pytest.mark.parametrize("failure, words", [
    ("raise", "disk full"),  # ebooklib's own error, passed on
    ("false", "ebooklib reported a failure")])
def test_an_epub_that_cannot_be_written(model, tmp_path, monkeypatch, failure, words):
    """B703 with the reason, at the spec; no EPUB and no scratch file is left behind."""
    pamphlet, layout = model
    if failure == "raise":
        def write(self):
            raise OSError("disk full")
        monkeypatch.setattr(epub_module.epub.EpubWriter, "write", write)
    else:
        monkeypatch.setattr(epub_module.epub, "write_epub", lambda *_: False)
    monkeypatch.setattr(epub_module, "cover_image", lambda *_: ("cover.png", COVER))
    with pytest.warns(UserWarning) if failure == "raise" else nullcontext():
        with pytest.raises(PamphletError) as raised:
            epub_module.write_epub(pamphlet, layout, tmp_path / "x.epub", Diagnostics())
    assert [(d.code, d.message, d.path, d.line, d.hint) for d in raised.value.diagnostics] == [
        ("B703", f"the EPUB could not be written: {words}", pamphlet.spec.path, None,
         "check that the output folder is writable")]
    assert list(tmp_path.iterdir()) == []


def test_a_webp_cover_on_a_machine_whose_mime_table_lacks_webp(model, tmp_path, monkeypatch):
    """Python's own MIME table (no /etc/mime.types) has no WebP; the cover is still image/webp."""
    import mimetypes

    import ebooklib.epub

    table = mimetypes.MimeTypes(filenames=())
    monkeypatch.setattr(ebooklib.epub, "guess_type", table.guess_type)
    monkeypatch.setattr(epub_module, "cover_image", lambda *_: ("cover.webp", b"RIFF"))
    pamphlet, layout = model
    epub_module.write_epub(pamphlet, layout, tmp_path / "w.epub", Diagnostics())
    assert Book(tmp_path / "w.epub").opf.xpath(
        "//opf:item[@id='cover-img']/@media-type", namespaces=NS) == ["image/webp"]
