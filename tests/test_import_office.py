"""Word (as Word, Google Docs and LibreOffice write it), OpenDocument, Google Docs web pages
and EPUB chapters imported as essays: their front matter, their text kept word for word,
their notes as Markdown footnotes in reading order, their images copied, and a book of them
all that EPUBCheck passes. The files are packed from tests/fixtures/office (see its README).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from office_docs import FIXTURES, docx, odt, pack, png, source_words

from pamphlet.cli import main
from pamphlet.diagnostics import Diagnostics
from pamphlet.project.essays import read_essay

COPIER = "The Copier in the Back Room"
NOTES = ("The hall’s committee lent us the room for a *peppercorn rent*",
         "The notebook now sits in the local history library, catalogued as *MS 2291*",
         "Among the entries read that night: “Tray two eats letterhead.")


def _import(project: Path, capsys, *args) -> tuple[int, list[Path], str, str]:
    """`pamphlet import ARGS`: its exit status, the essays it made, its output."""
    code = main(["import", *map(str, args), "--project", str(project)])
    out, err = capsys.readouterr()
    return code, _made(project, out), out, err


def _made(project: Path, out: str) -> list[Path]:
    """Each "made PATH" line's essay; a line may end in the specs that take it, " (in SPEC)"."""
    return [project / "source" / Path(match.group(1)).name
            for match in re.finditer(r"(?m)^made (.+?)(?: \(in [^()]*\))?$", out)]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Every fixture imported into one project: {name: (essay path, stdout, stderr)}."""
    project = tmp_path_factory.mktemp("office")
    files = tmp_path_factory.mktemp("files")
    main(["init", str(project)])
    (project / "source" / "welcome.md").unlink()
    inputs = {
        "word": [docx("word", files)], "google": [docx("google", files)],
        "libreoffice": [docx("libreoffice", files)], "odt": [odt(files)],
        "gdocs": [pack(FIXTURES / "gdocs", files / "Copier.zip", {"images/image1.png": png()})],
        "epub3": [pack(FIXTURES / "epub3", files / "letters.epub",
                       {"OEBPS/images/press.png": png()}), "--chapters", "3-5"],
        "epub2": [pack(FIXTURES / "epub2", files / "handbills.epub"), "--chapters", "2,3"],
    }
    found = {}
    for name, args in inputs.items():
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["import", *map(str, args), "--project", str(project)])
        found[name] = (code, _made(project, out.getvalue()), out.getvalue(), err.getvalue())
    return project, found, files


def _essay(path: Path):
    essay = read_essay(path, Diagnostics())
    assert essay is not None, path
    return essay


@pytest.mark.parametrize("name, meta", [
    ("word", {"author": ("Mara Okafor",), "date": "2024-03-09", "lang": "en-GB",
              "tags": ("printing", "zines", "history")}),
    ("libreoffice", {"author": ("Mara Okafor",), "date": "2024-03-09", "lang": "en-GB",
                     "tags": ("printing", "zines", "history")}),
    ("odt", {"author": ("Mara Okafor",), "date": "2024-03-09", "lang": "en-GB",
             "tags": ("printing", "zines", "history")}),
    ("google", {"author": (), "date": None, "lang": "en", "tags": ()}),
    ("gdocs", {"author": (), "date": None, "lang": None, "tags": ()}),
])
def test_documents_keep_their_properties_and_their_text(imported, name, meta):
    project, found, _ = imported
    code, made, out, err = found[name]
    assert code == 0 and len(made) == 1, err
    essay = _essay(made[0])
    text = made[0].read_text(encoding="utf-8")
    assert essay.title == COPIER
    assert "subtitle: Notes from ten years of a neighbourhood press" in text
    assert essay.authors == meta["author"]
    assert (str(essay.date) if essay.date else None) == meta["date"]
    assert essay.tags == meta["tags"]
    assert (essay.lang or None) == meta["lang"]
    body = essay.body
    # Headings at their levels, emphasis, the quote, the lists nested, the table.
    for heading in ("# Beginnings", "## The first machine", "# What we learned", "## Afterwards"):
        assert heading in body.split("\n"), heading
    for mark in ("**single sheet**", "*time*", "***surprised***", "~~dear~~"):
        assert mark in body, mark
    assert "> A pamphlet is a letter addressed to everybody" in body
    assert re.search(r"(?m)^>\s*— from the first issue’s editorial", body)
    assert re.search(r"(?m)^3\. anything the machine did", body)
    assert re.search(r"(?m)^\s+- The machine knows, and it will jam\.", body)
    assert re.search(r"(?m)^\|\s*(\*\*)?Paper(\*\*)?\s*\|", body)
    assert re.search(r"(?m)^\| Card \| 160 gsm \| Covers only, fed by hand \|", body)
    assert "[online](https://example.org/manuals/copier-3200)" in body
    # Footnotes and endnotes, numbered in reading order, each called where it was.
    calls = re.findall(r"(\w+\.)\[\^(\d+)\]", body)
    assert calls == [("say.", "1"), ("desperate.", "2"), ("unbearable.", "3")], calls
    for number, note in enumerate(NOTES, 1):
        assert f"[^{number}]: {note}" in body
    # The picture, copied beside the essay, with its alt text and caption.
    image = re.search(r"!\[The grey copier, its side panel open\]\(([^ )]+)", body)
    assert image, body
    copied = made[0].parent / image.group(1)
    assert copied.parent == made[0].parent / made[0].stem and copied.read_bytes() == png()
    assert "The copier in 2019, shortly before its last repair." in body
    # Comments and tracked changes stay out of the text: the deletion is gone.
    assert "Should we name the hall" not in text and "ever had trained" not in body
    assert "Nobody among us had trained" in body


def _not_the_essays(element) -> bool:
    """A note's back link ("[3]"), a title page's byline, a Google Docs comment."""
    return bool(re.fullmatch(r"\[\d+\]", "".join(element.itertext()).strip())) or \
        element.get("class") == "center" or any(
            (a.get("id") or "").startswith("cmnt") for a in element.iterchildren("a"))


@pytest.mark.parametrize("name, folder, members, tags", [
    ("word", "docx-word", ["word/document.xml", "word/footnotes.xml", "word/endnotes.xml"],
     ("t",)),
    ("google", "docx-google", ["word/document.xml", "word/footnotes.xml"], ("t",)),
    ("libreoffice", "docx-libreoffice",
     ["word/document.xml", "word/footnotes.xml", "word/endnotes.xml"], ("t",)),
    ("odt", "odt", ["content.xml"], ("p", "h")),
    ("epub3", "epub3", ["OEBPS/text/chapter-1.xhtml", "OEBPS/text/chapter-2.xhtml",
                        "OEBPS/text/chapter-3.xhtml"], ("p", "cite", "figcaption")),
    ("epub2", "epub2", ["OEBPS/0.html", "OEBPS/1.html"], ("p",)),
    ("gdocs", "gdocs", ["TheCopierintheBackRoom.html"], ("p", "h1", "h2", "li", "td")),
])
def test_at_least_99_percent_of_the_words_come_through(imported, name, folder, members, tags):
    """Every word of the source's text (deleted text and comments aside), counted with its
    repetitions, is in the essays' Markdown, notes and front matter included."""
    project, found, _ = imported
    code, made, out, err = found[name]
    wanted = Counter(w.casefold() for w in source_words(FIXTURES / folder, members, tags,
                                                        _not_the_essays))
    have = Counter(w.casefold() for path in made for w in re.findall(
        r"\w+", path.read_text(encoding="utf-8")))
    kept = sum((wanted & have).values()) / sum(wanted.values())
    assert kept >= 0.99, (kept, wanted - have)


def test_what_a_word_processor_keeps_beside_the_text_is_named(imported):
    _, found, _ = imported
    err = found["word"][3]
    assert "N855 warning: 1 comment in word.docx left out: “Should we name the hall here?”" \
        in err
    assert "N856 warning: word.docx has tracked changes (1 insertion, 1 deletion); they are " \
        "taken as accepted" in err
    assert "N855" in found["gdocs"][3] and "Should we name the hall here?" in found["gdocs"][3]


def test_epub_chapters_become_essays(imported):
    _, found, _ = imported
    code, made, out, err = found["epub3"]
    assert code == 0, err
    essays = {_essay(p).title: p for p in made}
    assert sorted(essays) == ["Afterword", "On Paper", "The Long Table"]
    paper = _essay(essays["On Paper"])
    assert paper.authors == ("Ada Quill",) and str(paper.date) == "2021-06-14"
    assert paper.lang == "en-GB" and paper.tags == ("Printing", "Zines")
    text = essays["On Paper"].read_text(encoding="utf-8")
    assert "license: Released under the CC BY-SA 4.0 licence." in text
    assert "title: Letters from the Print Shop" in text and "publisher: The Back Room Press" \
        in text and "url: https://example.org/ebooks/ada-quill/letters-from-the-print-shop" \
        in text
    # The epigraph keeps its attribution; endnotes in their own file are footnotes here.
    assert "> “Paper is patient.”" in paper.body and "— A saying of printers" in paper.body
    assert "on the table.[^1] We learned" in paper.body and "by name.[^2]" in paper.body
    assert "[^1]: A sheet torn both ways shows the grain" in paper.body
    assert "[^2]: Laid paper, whose wire marks show against the light." in paper.body
    assert "↩" not in paper.body and "Endnotes" not in paper.body
    image = re.search(r"!\[A hand-cranked press[^\]]*\]\(([^ )]+) \"The press on the long "
                      r"table", paper.body)
    assert image and (essays["On Paper"].parent / image.group(1)).read_bytes() == png()
    # A chapter runs into the next document up to the next entry: the coda, not the
    # afterword; its footnote (an aside in the chapter) is a footnote.
    table = _essay(essays["The Long Table"]).body
    assert "It holds other people’s stacks now." in table and "These letters" not in table
    assert "the folding.[^1]" in table and "[^1]: The table came from a chapel" in table
    after = _essay(essays["Afterword"]).body
    assert after.startswith("These letters were written") and "[^1]: Some of the friends" \
        in after


def test_epub2_chapters_with_their_notes(imported):
    _, found, _ = imported
    code, made, out, err = found["epub2"]
    essays = {_essay(p).title: _essay(p) for p in made}
    assert sorted(essays) == ["THE BROADSIDE", "THE HANDBILL"], err
    handbill = essays["THE HANDBILL"]
    assert handbill.authors == ("Nell Marsh",) and str(handbill.date) == "1911-05-01"
    assert "in an\u00a0afternoon" in handbill.body and "sold — at a penny" in handbill.body
    assert "dry.[^1]" in handbill.body and "[^1]: Printers called the damp sheets" \
        in handbill.body
    assert "[^1]: Bill-stickers were fined" in essays["THE BROADSIDE"].body
    assert "NOTES" not in handbill.body and "##" not in handbill.body


def test_an_epub_without_chapters_asked_for_lists_them(tmp_path, capsys):
    book = pack(FIXTURES / "epub3", tmp_path / "letters.epub", {"OEBPS/images/press.png": png()})
    code, made, out, err = _import(tmp_path, capsys, book)
    assert code == 0 and not made and not list(tmp_path.glob("source/*.md"))
    assert out.splitlines() == [
        'letters.epub: 6 chapters; import some with --chapters 3,5-7 (or all) or --chapter '
        '"Title"', "  1  Titlepage", "  2  Letters from the Print Shop", "  3    I: On Paper",
        "  4    II: The Long Table", "  5    Afterword", "  6  Endnotes"]
    code, made, out, err = _import(tmp_path, capsys, book, "--chapter", "the long TABLE")
    assert code == 0 and [_essay(p).title for p in made] == ["The Long Table"]
    code, made, out, err = _import(tmp_path, capsys, book, "--chapters", "4,9")
    assert code == 1 and not made
    assert "N861 letters.epub has no chapter 9: its chapters are numbered 1 to 6" in err
    code, made, out, err = _import(tmp_path, capsys, book, "--chapters", "2,4")
    assert code == 0 and len(made) == 1 and "N862 warning: chapter 4 lies inside another" in err
    assert "It holds other people’s stacks now." in made[0].read_text(encoding="utf-8")


def test_the_imported_essays_build_into_a_book_epubcheck_passes(imported):
    from epubchecker import messages

    project, found, _ = imported
    slugs = [p.stem for name in found for p in found[name][1]]
    spec = project / "pamphlet.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        'essays = ["welcome"]', "essays = [" + ", ".join(f'"{s}"' for s in slugs) + "]"),
        encoding="utf-8")
    assert main(["build", str(project)]) == 0
    assert messages(project / "build" / "pamphlet.epub") == []
