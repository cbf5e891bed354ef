"""Files `import` must not trust: binaries it cannot read, and Word, OpenDocument, EPUB and
Google Docs archives made to hurt (members named `../`, absolute or stored as links, XML
entity bombs, zip bombs, a "picture" that is a script). Each gets a diagnostic, never a
traceback, and nothing is written outside source/.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest
from office_docs import FIXTURES, docx, odt, pack, png

from pamphlet.cli import main
from pamphlet.importers.formats import FORMATS

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE office:document-content [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>
<text:p>&secret;</text:p></office:text></office:body></office:document-content>"""


def files_outside_source(root: Path, before: set[Path]) -> list[Path]:
    """Files that appeared under `root` since `before`, other than in root/project/source."""
    return [p for p in root.rglob("*") if p.is_file() and p not in before
            and "source" not in p.relative_to(root).parts]


def run_import(tmp_path: Path, capsys, *args) -> tuple[int, str, str]:
    code = main(["import", *map(str, args), "--project", str(tmp_path / "project")])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "N849" not in err, err
    return code, out, err


@pytest.mark.parametrize("name, data, kind", [
    ("essay.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF document"),
    ("essay.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "a Word 97–2003 document"),
    ("essay.docx", b"\x00\x01\x02\x03" * 400, "a binary file"),
    ("photo.md", png(), "a PNG image"),
    ("page.html", png(), "a PNG image"),
])
def test_a_binary_is_never_read_as_text(tmp_path, capsys, name, data, kind):
    (tmp_path / name).write_bytes(data)
    code, out, err = run_import(tmp_path, capsys, tmp_path / name)
    assert code == 1 and f"N805 cannot import {name}: it is {kind}" in err, err
    assert "utf-8" not in err and "codec" not in err
    assert "Word documents (.docx" in err and "EPUB books (.epub" in err  # what import reads
    assert not (tmp_path / "project" / "source").exists()  # nothing at all is written


def test_a_zip_of_an_unknown_kind_says_so(tmp_path, capsys):
    with zipfile.ZipFile(tmp_path / "data.zip", "w") as archive:
        archive.writestr("numbers.csv", "1,2,3\n")
    code, out, err = run_import(tmp_path, capsys, tmp_path / "data.zip")
    assert code == 1 and "it is a zip archive of a kind import does not know" in err


def test_a_file_is_known_by_what_it_holds_not_by_its_name(tmp_path, capsys):
    renamed = docx("word", tmp_path).rename(tmp_path / "essay.txt")
    book = pack(FIXTURES / "epub3", tmp_path / "book.zip", {"OEBPS/images/press.png": png()})
    code, out, err = run_import(tmp_path, capsys, renamed, book)
    assert code == 0 and "made " in out and "book.zip: 6 chapters" in out
    assert (tmp_path / "project" / "source" / "the-copier-in-the-back-room.md").is_file()


def test_every_format_has_a_reader():
    from importlib import import_module

    for found in FORMATS:
        module, function = found.reader.split(":")
        assert callable(getattr(import_module(f"pamphlet.importers.{module}"), function))


def _with_members(source: Path, out: Path, extra: list[tuple[zipfile.ZipInfo | str, bytes]]):
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as archive:
        for info in original.infolist():
            archive.writestr(info, original.read(info))
        for info, data in extra:
            archive.writestr(info, data)
    return out


def _link(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def test_members_named_to_leave_the_archive_are_never_read(tmp_path, capsys):
    """A DOCX with members named `../../escape.png`, `/etc/cron.d/x`, `C:x` and a link to
    /etc/passwd, and a relationship that names `../../../etc/passwd` as its picture: the
    essay is imported, the members are named in a warning, nothing is written outside."""
    rels = (FIXTURES / "docx-word" / "word" / "_rels" / "document.xml.rels").read_bytes()
    base = docx("word", tmp_path, {"word/_rels/document.xml.rels": rels.replace(
        b'Target="media/image1.png"', b'Target="../../../../etc/passwd"')})
    hostile = _with_members(base, tmp_path / "hostile.docx", [
        ("../../escape.png", png()), ("/etc/cron.d/pamphlet", b"* * * * * true"),
        ("C:evil.png", png()), _link("word/media/link.png", "/etc/passwd")])
    before = set(tmp_path.rglob("*"))
    code, out, err = run_import(tmp_path, capsys, hostile)
    assert code == 0, err
    assert "N851 warning: 4 members of hostile.docx with a name that leads out of the archive" \
        in err, err
    assert files_outside_source(tmp_path, before) == []
    text = next((tmp_path / "project" / "source").glob("*.md")).read_text()
    assert "root:x" not in text and "Every collective has a machine" in text
    assert "N818 warning: a picture of hostile.docx names ../../../../etc/passwd, which it " \
        "does not hold; it is left out" in err
    copied = [p for p in (tmp_path / "project" / "source").rglob("*") if p.is_file()]
    assert all(p.read_bytes() == png() for p in copied if p.suffix != ".md")


@pytest.mark.parametrize("make", [
    lambda tmp: docx("word", tmp, {"word/document.xml": BOMB}),
    lambda tmp: odt(tmp, {"content.xml": XXE}),
    lambda tmp: pack(FIXTURES / "epub3", tmp / "bomb.epub", replace={
        "OEBPS/text/chapter-1.xhtml": BOMB}),
], ids=["docx entity bomb", "odt external entity", "epub entity bomb"])
def test_xml_that_declares_entities_is_refused(tmp_path, capsys, make):
    path = make(tmp_path)
    args = [path, "--chapters", "3"] if path.suffix == ".epub" else [path]
    code, out, err = run_import(tmp_path, capsys, *args)
    assert code == 1 and "N853" in err and "declares XML entities" in err, err
    assert not list((tmp_path / "project").rglob("*.md"))


def test_a_zip_bomb_is_stopped_while_it_inflates(tmp_path, capsys):
    """A "picture" that inflates past the bound (101 MB of zeros in 100 kB) is left out
    with a warning; the essay's text is imported."""
    zeros = b"\0" * (101 * 1_000_000)
    path = docx("word", tmp_path, {"word/media/image1.png": zeros})
    assert path.stat().st_size < 1_000_000
    code, out, err = run_import(tmp_path, capsys, path)
    assert code == 0 and "N852 warning: word/media/image1.png in word.docx inflates to more " \
        "than 100 MB; it is left out" in err, err
    essay = next((tmp_path / "project" / "source").glob("*.md")).read_text()
    assert "Every collective has a machine" in essay


def test_a_picture_that_is_no_picture_is_not_copied(tmp_path, capsys):
    path = docx("word", tmp_path, {"word/media/image1.png": b"#!/bin/sh\nrm -rf ~\n"})
    code, out, err = run_import(tmp_path, capsys, path)
    assert code == 0 and "N818 warning: image word/media/image1.png not copied: it is not an " \
        "image" in err, err
    source = tmp_path / "project" / "source"
    essay = next(source.glob("*.md")).read_text()
    assert '<span class="missing-image">The grey copier, its side panel open</span>' in essay
    assert not [p for p in source.rglob("*") if p.is_file() and p.suffix != ".md"]


def test_an_epub_image_outside_the_book_is_not_followed(tmp_path, capsys):
    chapter = (FIXTURES / "epub3" / "OEBPS" / "text" / "chapter-1.xhtml").read_bytes()
    book = pack(FIXTURES / "epub3", tmp_path / "book.epub", {"OEBPS/images/press.png": png()},
                {"OEBPS/text/chapter-1.xhtml": chapter.replace(
                    b"../images/press.png", b"../../../../../etc/passwd")})
    before = set(tmp_path.rglob("*"))
    code, out, err = run_import(tmp_path, capsys, book, "--chapters", "3")
    assert code == 0 and "N818 warning: image ../../../../../etc/passwd not copied" in err, err
    assert files_outside_source(tmp_path, before) == []
