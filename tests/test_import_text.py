"""pamphlet import of plain text and Project Gutenberg texts (real ones, public domain):
header and licence removed, title, author and ebook URL from the header, verse kept line
by line, indentation never made into code, and the imported texts built and checked."""

from __future__ import annotations

import re
import shutil
import zipfile

import pytest
from epubchecker import messages

from pamphlet.cli import main
from pamphlet.diagnostics import Diagnostics
from pamphlet.project.essays import read_essay

from conftest import PROJECTS

GUTENBERG = PROJECTS / "imports" / "gutenberg"
NBSP = "\u00a0"
# What a Gutenberg header or licence says, and no book does.
BOILERPLATE = ("Project Gutenberg", "PROJECT GUTENBERG", "This ebook is for the use",
               "gutenberg.org", "Produced by", "Updated editions", "FULL LICENSE",
               "Literary Archive Foundation", "1.E.1", "Release date", "Credits:")
BOOKS = {  # file: (slug, title, author, ebook URL, release date, the body's first line)
    "nature-29433.txt": ("nature", "Nature", "Ralph Waldo Emerson",
                         "https://www.gutenberg.org/ebooks/29433", "2009-07-17", "NATURE"),
    "leaves-of-grass-1322.txt": ("leaves-of-grass", "Leaves of Grass", "Walt Whitman",
                                 "https://www.gutenberg.org/ebooks/1322", "1998-05-01",
                                 "LEAVES OF GRASS"),
    # the older form: "*** START OF THIS ...", "End of Project Gutenberg's ...", a title
    # carried on to a second line (its subtitle), "[EBook #...]"
    "macdowell-essays-16351.txt": (
        "critical-historical-essays-lectures-delivered-at-columbia-university",
        "Critical & Historical Essays: Lectures delivered at Columbia University",
        "Edward MacDowell", "https://www.gutenberg.org/ebooks/16351", "2005-07-24",
        "CRITICAL AND HISTORICAL ESSAYS"),
}


def imported(project, *names, extra=()):
    """Import fixture files (copies) into `project`: (exit status, essays by slug)."""
    for name in names:
        shutil.copy(GUTENBERG / name, project.parent / name)
    status = main(["import", *[str(project.parent / n) for n in names],
                   "--project", str(project), *extra])
    return status, {p.stem: read_essay(p, Diagnostics())
                    for p in sorted((project / "source").glob("*.md"))}


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_a_gutenberg_text_loses_its_header_and_licence(tmp_path, name):
    slug, title, author, url, released, first = BOOKS[name]
    status, essays = imported(tmp_path / "project", name)
    assert status == 0 and list(essays) == [slug]
    essay = essays[slug]
    assert (essay.title, essay.authors, essay.lang) == (title, (author,), "en")
    assert (essay.source.publisher, essay.source.url, essay.source.date) == (
        "Project Gutenberg", url, released)
    for words in BOILERPLATE:
        assert words not in essay.body, words
    assert essay.body.startswith(first + "\n")  # the book's own title page comes first


def test_the_licence_is_cut_where_the_end_line_is(tmp_path):
    status, essays = imported(tmp_path / "project", "nature-29433.txt")
    body = essays["nature"].body
    assert body.rstrip().endswith("the divine charity nourish man.")  # the last line kept
    assert "_Nature_, in the common sense" in body  # Gutenberg's italics are Markdown's


def test_verse_keeps_its_lines_and_indentation_is_never_code(tmp_path):
    status, essays = imported(tmp_path / "project", "leaves-of-grass-1322.txt",
                              "nature-29433.txt")
    leaves, nature = essays["leaves-of-grass"].body, essays["nature"].body
    assert "Come, said my soul,  \nSuch verses for my Body let us write, (for we are one,)  \n" \
        in leaves
    # Whitman's long line carried on, deeper indented: its own line, indented by no-break
    # spaces, which Markdown does not read as code.
    assert f"worthy for the Muse, I say  \n{NBSP * 4}the Form complete is worthier far,  \n" \
        in leaves
    # Long verse lines too: they end where the poet ended them, and begin with a capital.
    assert "with flight, advance  \n" + NBSP * 4 + "and retreat, victory deferr’d" in leaves
    assert "the New World,  \nAnd to define America" in leaves
    assert "A subtle chain of countless rings  \nThe next unto the farthest brings;  \n" in nature
    assert '"More servants wait on man  \nThan he\'ll take notice of."--\n' in nature
    # Wrapped prose is left for Markdown to join: no hard breaks in it.
    assert "OUR age is retrospective. It builds the sepulchres of the fathers. It\nwrites" \
        in nature
    assert "the Soul. Strictly speaking" in nature and "from us, all\nwhich" in nature
    for body in (leaves, nature):
        assert not re.search(r"(?m)^(?: {4}|\t)", body)  # no line Markdown reads as code


def test_a_gutenberg_text_splits_at_a_marker_and_each_part_is_attributed(tmp_path):
    status, essays = imported(tmp_path / "project", "nature-29433.txt",
                              extra=["--split-at", "CHAPTER II."])
    assert status == 0
    assert sorted(e.title for e in essays.values()) == ["COMMODITY.", "NATURE"]
    for essay in essays.values():
        assert essay.authors == ("Ralph Waldo Emerson",)
        assert essay.source.url == "https://www.gutenberg.org/ebooks/29433"


def test_plain_text_that_is_not_gutenberg_keeps_its_verse_too(tmp_path):
    text = ("Two Voices\n\nThe first is prose, wrapped as any mail reader wraps a paragraph "
            "of\nprose at seventy-two characters, and it goes on to a second line here.\n\n"
            "    Roses are red,\n      violets are blue,\n    sugar is sweet.\n")
    (tmp_path / "two.txt").write_text(text)
    assert main(["import", str(tmp_path / "two.txt"), "--project", str(tmp_path / "p")]) == 0
    essay = read_essay(tmp_path / "p" / "source" / "two-voices.md", Diagnostics())
    assert essay.source is None and essay.lang is None and essay.authors == ()
    assert "paragraph of\nprose" in essay.body
    assert f"Roses are red,  \n{NBSP * 2}violets are blue,  \nsugar is sweet." in essay.body


def test_imported_gutenberg_texts_build_with_verse_on_separate_lines(tmp_path, capsys):
    from pdftext import Pdf

    project = tmp_path / "project"
    status, essays = imported(project, *sorted(BOOKS))
    assert status == 0
    (project / "pamphlet.toml").write_text(
        'title = "Gutenberg"\nessays = [' + ", ".join(f'"{b[0]}"' for b in BOOKS.values()) + "]\n")
    assert main(["build", str(project)]) == 0, capsys.readouterr().err
    epub = project / "build" / "pamphlet.epub"
    assert messages(epub) == []
    with zipfile.ZipFile(epub) as book:
        xhtml = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert "<pre" not in xhtml and "<code" not in xhtml
    assert re.search(r"Come, said my soul,\s*<br\s*/>\s*Such verses", xhtml)
    pdf = Pdf(project / "build" / "pamphlet.pdf")
    text = "\n".join(pdf.text(n) for n in range(1, len(pdf) + 1))
    for words in ("This ebook is for the use", "This eBook is for the use", "End of Project", "gutenberg.org/license", "Updated editions",
                  "Literary Archive Foundation", "FULL LICENSE", "START OF THE PROJECT"):
        assert words not in text, words
    lines = [line.text for n in range(1, len(pdf) + 1) for line in pdf.lines(n)]
    verse = ["Come, said my soul,", "That should I after return,",
             "Or, long, long hence, in other spheres,"]
    at = lines.index(verse[0])
    assert lines[at + 2:at + 4] == verse[1:]


MARKERS = {  # every form of the start line and ebook number Gutenberg has used: header, body
    "current": ("Release date: July 17, 2009 [eBook #29433]\n\n"
                "*** START OF THE PROJECT GUTENBERG EBOOK NATURE ***\n", "2009-07-17"),
    "this": ("Release Date: July 24, 2005 [EBook #29433]\n\n"
             "*** START OF THIS PROJECT GUTENBERG EBOOK NATURE ***\n", "2005-07-24"),
    "small print": ("Release Date: March, 2004 [Etext #29433]\n\n"
                    "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\n",
                    "2004-03"),
    "no space, posting date": ("Posting Date: Sep 1, 2008 [EBook #29433]\n\n"
                               "***START OF THE PROJECT GUTENBERG EBOOK NATURE***\n",
                               "2008-09-01"),
}


@pytest.mark.parametrize("form", sorted(MARKERS))
def test_every_start_line_form_cuts_the_header(tmp_path, form):
    header, released = MARKERS[form]
    text = (GUTENBERG / "nature-29433.txt").read_text()
    start = text.index("Release date:")
    body = text[text.index("*** START OF") + len("*** START OF THE PROJECT GUTENBERG EBOOK "
                                                "NATURE ***\n"):]
    (tmp_path / "nature.txt").write_text(text[:start] + header + body)
    assert main(["import", str(tmp_path / "nature.txt"), "--project", str(tmp_path / "p")]) == 0
    essay = read_essay(tmp_path / "p" / "source" / "nature.md", Diagnostics())
    assert (essay.source.url, essay.source.date) == (
        "https://www.gutenberg.org/ebooks/29433", released)
    assert essay.body.startswith("NATURE\n") and "START" not in essay.body


def test_a_text_in_the_encoding_its_header_declares_is_read_in_it(tmp_path, capsys):
    text = (GUTENBERG / "macdowell-essays-16351.txt").read_text()
    latin = text.replace("Zither, 33.", "Zither, 33. Caf\u00e9, 1.")
    (tmp_path / "latin.txt").write_bytes(latin.encode("iso-8859-1"))
    assert main(["import", str(tmp_path / "latin.txt"), "--project", str(tmp_path / "p")]) == 0
    (essay,) = [read_essay(p, Diagnostics()) for p in (tmp_path / "p" / "source").glob("*.md")]
    assert "Zither, 33. Caf\u00e9, 1." in essay.body
    # A declared encoding the bytes do not fit, or no such encoding: not read, as before.
    for declared in ("UTF-8", "no-such-codec"):
        wrong = latin.replace("ISO-8859-1", declared).encode("iso-8859-1")
        (tmp_path / "wrong.txt").write_bytes(wrong)
        assert main(["import", str(tmp_path / "wrong.txt"), "--project",
                     str(tmp_path / "q")]) == 1
        assert "N805 cannot read wrong.txt" in capsys.readouterr().err


@pytest.mark.parametrize("text, says", [
    ("", "holds no text to import"),
    (" \n\t\n\n", "holds no text to import"),
    ("Title: Empty\n\n*** START OF THE PROJECT GUTENBERG EBOOK EMPTY ***\n\n\n"
     "*** END OF THE PROJECT GUTENBERG EBOOK EMPTY ***\nThe licence.\n",
     "holds no text to import between its Project Gutenberg start and end lines"),
])
def test_a_text_with_nothing_to_import_says_so(tmp_path, capsys, text, says):
    (tmp_path / "empty.txt").write_text(text)
    assert main(["import", str(tmp_path / "empty.txt"), "--project", str(tmp_path / "p")]) == 0
    err = capsys.readouterr().err
    assert f"empty.txt: N830 warning: empty.txt {says}" in err, err
    assert "Traceback" not in err and not list((tmp_path / "p").glob("source/*.md"))


def test_a_header_that_goes_on_and_on_gives_a_title_of_four_lines(tmp_path):
    text = ("Title: The First Line\n" + "       and more\n" * 10_000 + "\nAuthor: A. N. Other\n\n"
            "*** START OF THE PROJECT GUTENBERG EBOOK X ***\nBody.\n")
    (tmp_path / "long.txt").write_text(text)
    assert main(["import", str(tmp_path / "long.txt"), "--project", str(tmp_path / "p")]) == 0
    (essay,) = [read_essay(p, Diagnostics()) for p in (tmp_path / "p" / "source").glob("*.md")]
    assert essay.title == "The First Line and more and more and more"
    assert essay.authors == ("A. N. Other",) and essay.body.strip() == "Body."
