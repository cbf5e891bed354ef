"""The Kobo edition: every run of text in one koboSpan, in order, the text itself unchanged,
links that still land, EPUBCheck clean, and the plain EPUB byte for byte as it was."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from epubchecker import messages
from lxml import etree

from conftest import copy_project
from pamphlet.build.pipeline import build
from pamphlet.cli import main
from pamphlet.outputs import kepub
from test_diagnostics import make

XHTML = "{http://www.w3.org/1999/xhtml}"
KOBO_ID = re.compile(r"kobo\.(\d+)\.(\d+)")
SKIPPED = ("svg", "math", "script", "style")
KOBO_TABLE = "\n[ebook]\nkobo = true\n"


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """tests/projects/notes built with and without [ebook] kobo: (plain, kepub, plain-off)."""
    import os

    os.environ["SOURCE_DATE_EPOCH"] = "1767225600"
    try:
        where = tmp_path_factory.mktemp("kepub")
        off = copy_project("notes", where / "off")
        on = copy_project("notes", where / "on")
        with open(on / "pamphlet.toml", "a") as spec:
            spec.write(KOBO_TABLE)
        results = build(off, where / "out-off"), build(on, where / "out-on")
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    for result in results:
        assert result.ok, [d.format() for d in result.diagnostics]
    assert [p.name for p in results[1].outputs] == [
        "pamphlet.pdf", "pamphlet.epub", "pamphlet.kepub.epub"]
    assert [p.name for p in results[0].outputs] == ["pamphlet.pdf", "pamphlet.epub"]
    out = where / "out-on"
    return out / "pamphlet.epub", out / "pamphlet.kepub.epub", where / "out-off" / "pamphlet.epub"


def documents(path: Path) -> dict[str, etree._Element]:
    """The book's XHTML content documents (not the nav), parsed, by zip name."""
    with zipfile.ZipFile(path) as book:
        return {name: etree.fromstring(book.read(name)) for name in book.namelist()
                if name.endswith(".xhtml") and not name.endswith("nav.xhtml")}


def body_text(root) -> str:
    return "".join(root.find(f"{XHTML}body").itertext())


def kobo_spans(root) -> list:
    return root.xpath(".//*[local-name()='span'][@class='koboSpan']")


def uncovered_text(root) -> list[str]:
    """Runs of text in the body that are in no koboSpan (outside SVG and MathML)."""
    found = []
    for element in root.find(f"{XHTML}body").iter():
        if not isinstance(element.tag, str):
            continue
        inside = [a for a in element.iterancestors()] + [element]
        skipped = any(etree.QName(a).localname in SKIPPED for a in inside)
        spanned = any(a.get("class") == "koboSpan" for a in inside)
        if element.text and element.text.strip() and not spanned and not skipped:
            found.append(element.text)
        parent = element.getparent()
        tail_inside = [] if parent is None else [parent, *parent.iterancestors()]
        if element.tail and element.tail.strip() and not any(
                a.get("class") == "koboSpan" or etree.QName(a).localname in SKIPPED
                for a in tail_inside):
            found.append(element.tail)
    return found


def test_the_plain_epub_is_byte_identical_with_kobo_on_or_off(books):
    plain, _, plain_off = books
    assert plain.read_bytes() == plain_off.read_bytes()


def test_the_kepub_passes_epubcheck_with_no_messages(books):
    assert messages(books[1]) == []


def test_each_document_holds_the_same_text_as_the_plain_epub(books):
    plain, kobo = documents(books[0]), documents(books[1])
    assert plain.keys() == kobo.keys() and len(kobo) >= 7
    for name in plain:
        assert body_text(kobo[name]) == body_text(plain[name]), name


def test_spans_cover_all_text_once_in_order_with_unique_ids(books):
    for name, root in documents(books[1]).items():
        spans = kobo_spans(root)
        assert spans, name
        numbers = [tuple(map(int, KOBO_ID.fullmatch(span.get("id")).groups())) for span in spans]
        assert numbers == sorted(set(numbers)), f"{name}: ids out of order or repeated"
        assert numbers[0] == (1, 1)
        ids = root.xpath("//@id")
        assert len(ids) == len(set(ids)), name
        assert not any(s.xpath("ancestor::*[@class='koboSpan']") for s in spans), name
        assert uncovered_text(root) == [], name
        # Read in order, the spans give the body's text (but for white space between blocks).
        assert re.sub(r"\s", "", "".join("".join(s.itertext()) for s in spans)) == \
            re.sub(r"\s", "", body_text(root)), name


def test_paragraphs_and_sentences_are_numbered_as_kobo_does(books):
    essay = documents(books[1])["EPUB/essay-001.xhtml"]
    first = essay.xpath("//*[local-name()='p'][not(@class)]")[0]
    ids = [span.get("id") for span in kobo_spans(first)]
    # Its two sentences, the note call (inside its link) and the words after it: one paragraph.
    assert ids == ["kobo.5.1", "kobo.5.2", "kobo.5.3", "kobo.5.4"]
    assert kobo_spans(first)[0].text.endswith("press. ")


def test_the_body_is_wrapped_in_book_columns_and_book_inner(books):
    for name, root in documents(books[1]).items():
        body = root.find(f"{XHTML}body")
        assert [(c.tag, c.get("id")) for c in body] == [(f"{XHTML}div", "book-columns")], name
        columns = body[0]
        assert [(c.tag, c.get("id")) for c in columns] == [(f"{XHTML}div", "book-inner")], name
        assert root.xpath("//*[local-name()='style'][@id='kobostylehacks']"), name


def test_images_sit_in_spans_of_their_own(books):
    kobo = documents(books[1])
    images = [img for root in kobo.values() for img in root.iter(f"{XHTML}img")]
    assert len(images) >= 2  # the cover and the essay's image
    for image in images:
        parent = image.getparent()
        assert parent.get("class") == "koboSpan" and len(parent) == 1 and not parent.text


def test_footnote_calls_backlinks_and_links_between_documents_resolve(books):
    kobo = documents(books[1])
    ids = {name: set(root.xpath("//@id")) for name, root in kobo.items()}
    notes = 0
    for name, root in kobo.items():
        for href in root.xpath("//*[local-name()='a']/@href"):
            if href.startswith(("http:", "https:", "mailto:")):
                continue
            document, _, fragment = href.partition("#")
            target = f"EPUB/{document}" if document else name
            if target.endswith("nav.xhtml"):
                continue
            assert target in kobo, href
            assert not fragment or fragment in ids[target], f"{name}: {href}"
            notes += "-note" in fragment
    assert notes >= 6  # three calls and three backlinks in the first essay
    plain = documents(books[0])
    for name in kobo:
        assert kobo[name].xpath("//@href") == plain[name].xpath("//@href"), name


def test_the_nav_stylesheet_and_images_are_copied_unchanged(books):
    with zipfile.ZipFile(books[0]) as plain, zipfile.ZipFile(books[1]) as kobo:
        assert plain.namelist() == kobo.namelist()
        assert kobo.infolist()[0].filename == "mimetype"
        assert kobo.infolist()[0].compress_type == zipfile.ZIP_STORED
        for name in plain.namelist():
            if not name.endswith(".xhtml") or name.endswith("nav.xhtml"):
                assert plain.read(name) == kobo.read(name), name
            assert plain.getinfo(name).date_time == kobo.getinfo(name).date_time


def test_the_kobo_edition_is_reproducible(books, tmp_path):
    again = kepub.write_kepub(books[0], tmp_path / "again.kepub.epub", tmp_path / "spec")
    assert again.read_bytes() == books[1].read_bytes()


def test_its_metadata_reads_back(books):
    """The title, authors and identifier, as an e-book reader reads them (ebooklib)."""
    from ebooklib import epub

    book = epub.read_epub(str(books[1]))
    plain = epub.read_epub(str(books[0]))
    assert book.get_metadata("DC", "title")[0][0] == "Notes and Margins"
    assert [c[0] for c in book.get_metadata("DC", "creator")] == ["Rosa Tester", "Ilse Probe"]
    assert book.get_metadata("DC", "identifier") == plain.get_metadata("DC", "identifier")


@pytest.mark.skipif(shutil.which("ebook-meta") is None, reason="calibre's ebook-meta is not "
                    "installed (Debian's calibre pulls in Qt WebEngine: too heavy for the suite)")
def test_calibre_reads_its_metadata(books):
    shown = subprocess.run(["ebook-meta", str(books[1])], capture_output=True, text=True,
                           check=True).stdout
    assert re.search(r"Title\s*:\s*Notes and Margins", shown), shown
    assert "Rosa Tester" in shown and "Ilse Probe" in shown, shown


# The transform on its own, on documents shaped to catch what a walk can get wrong.
PAGE = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/'
        '1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>T</title></head>'
        '<body>{}</body></html>')


def transformed(body: str):
    return etree.fromstring(kepub.kobo_document(PAGE.format(body).encode()))


@pytest.mark.parametrize("text, pieces", [
    ("One. Two? Three!", ["One. ", "Two? ", "Three!"]),
    ("Pi is 3.14 and e is 2.72.", ["Pi is 3.14 and e is 2.72."]),
    ("“Go.” She went… “Now!” ", ["“Go.” ", "She went… ", "“Now!” "]),
    ("No end", ["No end"]),
    ("  lead. ", ["  lead. "]),
    ("", []),
])
def test_segments_join_back_to_the_text(text, pieces):
    assert kepub.segments(text) == pieces
    assert "".join(kepub.segments(text)) == text


@pytest.mark.parametrize("body, expected", [
    # The text after an image is wrapped too, in the paragraph after the image's own.
    ('<p>Before <img src="a.png" alt="a"/> after.</p>',
     [("kobo.1.1", "Before "), ("kobo.2.1", ""), ("kobo.3.1", " after.")]),
    # Whitespace between list items stays outside spans (a span may not stand in a list).
    ("<ul>\n<li>One. Two.</li>\n<li>Three</li>\n</ul>",
     [("kobo.1.1", "One. "), ("kobo.1.2", "Two."), ("kobo.2.1", "Three")]),
    # Preformatted text is one segment: its line breaks and full stops stay as written.
    ("<pre>a. b.\nc.</pre>", [("kobo.1.1", "a. b.\nc.")]),
    # Text inside SVG is drawing, not reading: left alone.
    ('<p>See <svg xmlns="http://www.w3.org/2000/svg"><text>label</text></svg> it.</p>',
     [("kobo.1.1", "See "), ("kobo.1.2", " it.")]),
    # An id the document already has is never repeated by a span.
    ('<p id="kobo.1.1">Taken. Free.</p>', [("kobo.1.2", "Taken. "), ("kobo.1.3", "Free.")]),
    # Nested inline markup: each run of text in its own span, inside the markup.
    ("<p>A <em>b <strong>c.</strong> d</em> e</p>",
     [("kobo.1.1", "A "), ("kobo.1.2", "b "), ("kobo.1.3", "c."), ("kobo.1.4", " d"),
      ("kobo.1.5", " e")]),
])
def test_the_transform_on_shapes_of_markup(body, expected):
    root = transformed(body)
    assert [(s.get("id"), s.text or "") for s in kobo_spans(root)] == expected
    plain = etree.fromstring(PAGE.format(body).encode())
    assert body_text(root) == body_text(plain)
    assert uncovered_text(root) == []


def test_kobo_key_with_the_wrong_type_names_its_line(tmp_path, capsys):
    project = make(tmp_path, 'title = "T"\nessays = ["one"]\n\n[ebook]\nkobo = "yes"\n')
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"{project / 'pamphlet.toml'}:5: P103 'ebook.kobo' must be true or false" in err, err
    assert not (project / "build").exists() or not list((project / "build").glob("*.epub"))


def test_a_mistyped_kobo_key_is_suggested(tmp_path, capsys):
    project = make(tmp_path, 'title = "T"\nessays = ["one"]\n[ebook]\nkobbo = true\n')
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"{project / 'pamphlet.toml'}:4: P102 unknown key 'ebook.kobbo'" in err, err
    assert "did you mean 'kobo'?" in err


def test_a_kobo_edition_that_fails_leaves_every_output_as_it_was(tmp_path, capsys, monkeypatch):
    project = make(tmp_path, 'title = "T"\nessays = ["one"]\n')
    assert main(["build", str(project)]) == 0
    before = {p.name: p.read_bytes() for p in (project / "build").iterdir() if p.is_file()}
    with open(project / "pamphlet.toml", "a") as spec:
        spec.write(KOBO_TABLE)
    (project / "source" / "one.md").write_text("---\ntitle: One\n---\n\nChanged.\n")

    def broken(data: bytes) -> bytes:
        raise ValueError("no room for spans")
    monkeypatch.setattr(kepub, "kobo_document", broken)
    capsys.readouterr()
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"{project / 'pamphlet.toml'}: O530 the Kobo edition could not be written: " \
           "no room for spans" in err, err
    assert "Traceback" not in err
    after = {p.name: p.read_bytes() for p in (project / "build").iterdir() if p.is_file()}
    assert after == before and "pamphlet.kepub.epub" not in after
    assert not list((project / "build").glob(".pamphlet-scratch-*"))


# The whole conversion on a small EPUB made here: what it changes and what it keeps.
OPF = ('<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
       '<manifest><item id="a" href="text/a.xhtml" media-type="application/xhtml+xml"/>'
       '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
       '<item id="c" href="c.css" media-type="text/css"/>'
       '<item id="b" href="text/b.xhtml" media-type="application/xhtml+xml" '
       'properties="svg scripted"/></manifest></package>')


def small_epub(path: Path, opf_name: str = "OEBPS/content.opf") -> Path:
    folder = opf_name.rpartition("/")[0]
    prefix = f"{folder}/" if folder else ""
    entries = [
        ("mimetype", b"application/epub+zip", zipfile.ZIP_STORED, (2026, 1, 1, 0, 0, 0)),
        ("META-INF/container.xml", (
            '<?xml version="1.0"?><container xmlns="urn:oasis:names:tc:opendocument:xmlns:'
            f'container" version="1.0"><rootfiles><rootfile full-path="{opf_name}" '
            'media-type="application/oebps-package+xml"/></rootfiles></container>').encode(),
         zipfile.ZIP_DEFLATED, (2026, 1, 2, 3, 4, 6)),
        (opf_name, OPF.encode(), zipfile.ZIP_DEFLATED, (2026, 1, 2, 3, 4, 8)),
        (f"{prefix}nav.xhtml", PAGE.format("<nav><p>Contents.</p></nav>").encode(),
         zipfile.ZIP_DEFLATED, (2026, 1, 2, 3, 4, 10)),
        (f"{prefix}text/b.xhtml", PAGE.format("<p>Bee. Sea.</p>").encode(),
         zipfile.ZIP_DEFLATED, (2026, 1, 2, 3, 4, 12)),
        (f"{prefix}c.css", b"p { margin: 0 }", zipfile.ZIP_DEFLATED, (2026, 1, 2, 3, 4, 14)),
        (f"{prefix}text/a.xhtml", PAGE.format("<p>Ay.</p>").encode(), zipfile.ZIP_DEFLATED,
         (2026, 1, 2, 3, 4, 16)),
    ]
    with zipfile.ZipFile(path, "w") as book:
        for name, data, compression, when in entries:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = compression
            info.external_attr = 0o640 << 16
            book.writestr(info, data)
    return path


@pytest.mark.parametrize("opf_name", ["OEBPS/content.opf", "content.opf"])
def test_a_small_epub_keeps_its_entries_order_dates_and_compression(tmp_path, opf_name):
    source = small_epub(tmp_path / "plain.epub", opf_name)
    prefix = opf_name.rpartition("content.opf")[0]
    with zipfile.ZipFile(source) as book:
        assert kepub.content_documents(book) == {f"{prefix}text/a.xhtml", f"{prefix}text/b.xhtml"}
    target = kepub.write_kepub(source, tmp_path / "kobo.kepub.epub", tmp_path / "pamphlet.toml")
    assert target == tmp_path / "kobo.kepub.epub"
    with zipfile.ZipFile(source) as plain, zipfile.ZipFile(target) as kobo:
        old, new = plain.infolist(), kobo.infolist()
        assert [i.filename for i in new] == [i.filename for i in old]
        assert [i.date_time for i in new] == [i.date_time for i in old]
        assert [i.compress_type for i in new] == [i.compress_type for i in old]
        assert [i.external_attr for i in new] == [i.external_attr for i in old]
        for info in old:
            changed = info.filename.endswith(("a.xhtml", "b.xhtml"))
            assert (kobo.read(info.filename) != plain.read(info.filename)) == changed, info
        document = kobo.read(f"{prefix}text/b.xhtml")
        assert document.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n')
        assert document.endswith(b"</html>\n")
        root = etree.fromstring(document)
        assert [(s.get("id"), s.text) for s in kobo_spans(root)] == [
            ("kobo.1.1", "Bee. "), ("kobo.1.2", "Sea.")]
        [style] = root.xpath("//*[local-name()='style'][@id='kobostylehacks']")
        assert style.get("type") == "text/css" and style.text == kepub.STYLE_HACKS
        assert style.getparent().tag == f"{XHTML}head"


def test_a_document_that_is_not_xml_is_o530_and_no_file(tmp_path):
    from pamphlet.diagnostics import PamphletError

    source = small_epub(tmp_path / "plain.epub")
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(source) as plain, zipfile.ZipFile(broken, "w") as book:
        for info in plain.infolist():
            data = plain.read(info)
            book.writestr(info, data.replace(b"<p>Ay.</p>", b"<p>Ay.") if b"Ay." in data
                          else data)
    with pytest.raises(PamphletError) as raised:
        kepub.write_kepub(broken, tmp_path / "kobo.kepub.epub", tmp_path / "pamphlet.toml")
    [problem] = raised.value.diagnostics
    assert problem.code == "O530" and problem.path == tmp_path / "pamphlet.toml"
    assert "could not be written" in problem.message and problem.hint
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.epub", "plain.epub"]


@pytest.mark.parametrize("body, expected", [
    # A block starts a paragraph, and the text after it is another.
    ("<div>One.<p>Two.</p>Three.</div>",
     [("kobo.1.1", "One."), ("kobo.2.1", "Two."), ("kobo.3.1", "Three.")]),
    # Text between table cells is left out; each cell is a paragraph.
    ("<table><tr><td>A.</td><td>B.</td></tr></table>", [("kobo.1.1", "A."), ("kobo.2.1", "B.")]),
    # A script's and a style's text are not reading text.
    ('<p>Seen.<script>var x = "no.";</script> Too.</p>',
     [("kobo.1.1", "Seen."), ("kobo.1.2", " Too.")]),
    # Preformatted text inside markup stays whole too.
    ("<pre><code>x. y.\nz.</code> w. v.</pre>",
     [("kobo.1.1", "x. y.\nz."), ("kobo.1.2", " w. v.")]),
    # Ids taken by the document are skipped, each as it comes.
    ('<p id="kobo.1.2">A. B. C.</p><p id="kobo.2.1">D.</p>',
     [("kobo.1.1", "A. "), ("kobo.1.3", "B. "), ("kobo.1.4", "C."), ("kobo.2.2", "D.")]),
    # An image in a block: its own paragraph, between the text before and after.
    ('<p>A.<img src="x.png" alt="x"/></p><p>B.</p>',
     [("kobo.1.1", "A."), ("kobo.2.1", ""), ("kobo.3.1", "B.")]),
    # The body's own text outside any block: kept where it was, not spanned.
    ("Loose<p>In.</p>", [("kobo.1.1", "In.")]),
])
def test_paragraphs_start_at_blocks_and_images(body, expected):
    root = transformed(body)
    assert [(s.get("id"), s.text or "") for s in kobo_spans(root)] == expected
    assert uncovered_text(root) in ([], ["Loose"])
