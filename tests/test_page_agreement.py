"""The e-book's page breaks are the reading PDF's: each marker stands before the words the
printed page begins with, for every layout, page size, script direction and excerpts."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from epubchecker import messages
from lxml import etree

import system
from conftest import PROJECTS, REPO
from pamphlet.build.pipeline import build

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB = "{http://www.idpf.org/2007/ops}"
WORDS = 4  # words compared after each marker
IMAGE = "\x00"  # stands for an image in the text after a marker
TABLE = "\x01"  # begins the text after a marker in a table
# Text the PDF prints that the e-book does not have at that place: footnote calls, and the
# page a cross-reference points to.
CALL = re.compile(r"(?<=\S)\d+\b|\(page\s\d+\)")


def page_texts(pdf: Path) -> list[str]:
    """Each page's text in reading order (pdftotext), form feeds between pages."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return out.split("\f")


def markers(epub: Path) -> list[tuple[str, int, str]]:
    """(document, page, the text that follows the marker in its document) per page break;
    the text begins with TABLE when the marker is inside a table."""
    found = []
    with zipfile.ZipFile(epub) as book:
        for name in sorted(n for n in book.namelist() if n.endswith(".xhtml")):
            root = etree.fromstring(book.read(name))
            for span in root.iter(f"{XHTML}span"):
                if span.get(f"{EPUB}type") == "pagebreak":
                    table = any(a.tag == f"{XHTML}table" for a in span.iterancestors())
                    found.append((name, int(span.get("title")),
                                  TABLE * table + _text_after(root, span)))
    return found


def _text_after(root, marker) -> str:
    """The reading text after `marker`: note calls and the notes section left out, a space
    between blocks."""
    parts, started = [], False
    def visit(element):
        nonlocal started
        if element is marker:
            started = True
        elif _ebook_only(element):
            pass
        elif element.tag == f"{XHTML}img" and started:
            parts.append(f" {IMAGE} ")
        else:
            if started and element.text:
                parts.append(element.text)
            for child in element:
                visit(child)
                if started and child.tail:
                    parts.append(child.tail)
            if started:
                parts.append(" ")
    visit(root.find(f"{XHTML}body"))
    return "".join(parts)


def _ebook_only(element) -> bool:
    kinds = (element.get("class") or "").split()
    return "footnotes" in kinds or (element.tag == f"{XHTML}sup" and any(
        "noteref" in (a.get("class") or "") for a in element))


def words(text: str) -> list[str]:
    """Words as both outputs can be compared: letters and digits only, hyphenation joined,
    and numbers left out (pdftotext may set a footnote call or a list item's number apart)."""
    text = re.sub(r"[\u2010\u00ad-]\s*\n\s*", "", text)  # a word broken at a line's end
    found = (re.sub(r"\W", "", word).lower() for word in text.split())
    return [word for word in found if word and not word.isdigit()]


def running_heads(epub: Path) -> list[str]:
    """What the running heads can say: the book's title and each text's title, longest first."""
    with zipfile.ZipFile(epub) as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
        opf = etree.fromstring(book.read("EPUB/content.opf"))
    titles = [a.text for a in nav.iter(f"{XHTML}a") if a.text and not a.text.isdigit()]
    titles += opf.xpath("//*[local-name()='title']/text()")
    return sorted(set(titles), key=len, reverse=True)


def check_agreement(folder: Path, stem: str) -> int:
    """Assert every page break of `stem`.epub stands before its page's first words in
    `stem`.pdf; return how many were checked."""
    pages = page_texts(folder / f"{stem}.pdf")
    heads = running_heads(folder / f"{stem}.epub")
    checked = 0
    for document, page, after in markers(folder / f"{stem}.epub"):
        if after.lstrip().startswith(IMAGE):
            # The page begins with an image: the words after it are on that page, not before.
            after = after.lstrip()[1:].partition(IMAGE)[0]
            expected = " ".join(words(CALL.sub("", after))[:WORDS])
            assert expected in " ".join(words(CALL.sub("", pages[page - 1]))), (document, page)
            assert expected not in " ".join(words(CALL.sub("", pages[page - 2]))), (document, page)
        elif after.startswith(TABLE):
            # pdftotext reads a table's cells out of order when they wrap: the words are
            # among the first of the page, in some order.
            expected = words(CALL.sub("", after[1:]))[:WORDS]
            printed = _body_words(pages, page, heads, expected)
            assert set(expected) <= set(printed[:3 * WORDS]), (document, page, expected, printed)
        else:
            expected = words(CALL.sub("", after))[:WORDS]
            printed = _body_words(pages, page, heads, expected)
            assert printed[:len(expected)] == expected, (document, page, expected, printed[:12])
        checked += 1
    return checked


def _body_words(pages: list[str], page: int, heads: list[str], expected: list[str]) -> list[str]:
    """The words page `page` begins with: the running heads left out,
    and a word that begins on the page before joined to its start."""
    printed = words(CALL.sub("", pages[page - 1]))
    stripped = True
    while stripped and printed[:len(expected)] != expected:
        stripped = False
        for head in map(words, heads):
            if printed[:len(head)] == head and expected[:len(head)] != head:
                printed, stripped = printed[len(head):], True
                break
    if printed and expected and printed[0] != expected[0] and expected[0].endswith(printed[0]):
        stem = expected[0][:-len(printed[0])]
        broken = re.findall(r"(\S+)[\u2010\u00ad-]\s", pages[page - 2])
        assert any(re.sub(r"\W", "", word).lower() == stem for word in broken), (page, stem)
        printed[0] = expected[0]
    return printed


def marked_pages(epub: Path) -> list[int]:
    return sorted(page for _, page, _ in markers(epub))


def text_pages(folder: Path, stem: str) -> list[int]:
    """The pages from the first essay's to the one before Sources that print any text: the
    pages that must each have a page break in the e-book."""
    from pypdf import PdfReader

    reader = PdfReader(folder / f"{stem}.pdf")
    starts = {name: reader.get_destination_page_number(place) + 1
              for name, place in reader.named_destinations.items()}
    first = min(page for name, page in starts.items()
                if re.fullmatch(r"essay-\d+|introduction", name))
    pages = page_texts(folder / f"{stem}.pdf")
    heads = {word for head in running_heads(folder / f"{stem}.epub") for word in words(head)}
    def prints(text: str) -> bool:  # anything but the heads and the page number
        return any(re.sub(r"\W", "", token).lower() not in heads and not re.fullmatch(
            r"[\d/]+", token) for token in text.split())
    return [n for n in range(first, starts["sources"]) if prints(pages[n - 1])]


def agree(case: str, out: Path, stem: str, least: int) -> None:
    """Every page break agrees with its page, every page with text has one, and at least
    `least` were checked."""
    CHECKED[case] = checked = check_agreement(out, stem)
    print(f"{case}: {checked} page breaks checked")  # shown with pytest -rP
    assert marked_pages(out / f"{stem}.epub") == text_pages(out, stem)
    assert checked >= least


def built(project: Path, spec: str = "pamphlet.toml") -> Path:
    """Build `spec` of `project` (it must build cleanly); the output folder."""
    out = project / "out" / Path(spec).stem
    result = build(project / spec, out)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert not [d.format() for d in result.diagnostics], "a clean build has nothing to say"
    return out


def sample(where: Path, layout: str = "zine", size: str = "A5", extra: str = "") -> Path:
    """A copy of the repository's sample in another layout and page size (reading PDF only)."""
    project = where / "sample"
    shutil.copytree(REPO / "source", project / "source")
    spec = (REPO / "pamphlet.toml").read_text(encoding="utf-8")
    spec = spec[:spec.index("[print]")].replace('layout = "zine"', f'layout = "{layout}"')
    (project / "pamphlet.toml").write_text(
        spec.replace('page_size = "A5"', f'page_size = "{size}"') + extra, encoding="utf-8")
    return project


# Each layout in a large and a small size; the sample as it is (zine, A5) is among them.
LAYOUTS = [("zine", "A5"), ("zine", "A6"), ("zine", "letter"), ("pocket", "A6"),
           ("pocket", "letter"), ("packet", "A6"), ("packet", "letter")]
CHECKED: dict[str, int] = {}  # case -> page breaks checked, for the report


@pytest.mark.parametrize("layout,size", LAYOUTS, ids=[f"{l}-{s}" for l, s in LAYOUTS])
def test_every_page_of_the_sample_begins_at_its_break(tmp_path, layout, size):
    agree(f"sample {layout} {size}", built(sample(tmp_path, layout, size)), "pamphlet", 12)


# An excerpted packet of the sample: three essays cut to some of their sections.
EXCERPTS = """
[essay.the-photocopier-economy]
sections = ["A short history of cheap print", "The politics of the staple"]
[essay.at-the-copy-shop]
sections = ["Duplex, and which way it flips", "Counting the job"]
intro = "Read *this* before the meeting."
questions = ["Who pays for the paper?", "Which way does *your* copier flip?"]
[essay.after-the-table]
sections = ["Reading aloud"]
"""


def test_an_excerpted_packet_of_the_sample(tmp_path):
    project = sample(tmp_path, "packet", "A6", EXCERPTS)
    out = built(project)
    with zipfile.ZipFile(out / "pamphlet.epub") as book:
        assert b"Excerpts. " in book.read("EPUB/essay-001.xhtml")
    agree("sample excerpted packet A6", out, "pamphlet", 20)


@pytest.mark.parametrize("spec", ["pamphlet.toml", "packets/groups.toml",
                                  "packets/excerpt.toml"])
def test_the_library_and_its_packets(tmp_path, spec):
    """An introduction, an event, footnotes on every essay, and excerpts with questions."""
    project = shutil.copytree(PROJECTS / "library", tmp_path / "library")
    agree(f"library {spec}", built(project, spec), Path(spec).stem, 2)


@pytest.mark.parametrize("spec", ["pamphlet.toml", "endnotes.toml"])
def test_notes_as_footnotes_and_as_endnotes(tmp_path, spec):
    project = shutil.copytree(PROJECTS / "notes", tmp_path / "notes")
    agree(f"notes {spec}", built(project, spec), Path(spec).stem, 5)


ARABIC = ("الكتيب شكل قديم من أشكال النشر رخيص خفيف يمكن توزيعه في الشارع نقرأ معا كل أسبوع "
          "المكتبة الورق الحبر الطابعة القراءة المجموعة السؤال الجواب الصفحة الكتاب المدينة "
          "الليل النهار الصوت الفكرة الحرية العمل البيت الطريق الماء الشجرة النافذة").split()
HEBREW = ("החוברת היא צורה עתיקה של פרסום זולה קלה אפשר לחלק אותה ברחוב קוראים יחד כל שבוע "
          "הספרייה הנייר הדיו המדפסת הקריאה הקבוצה השאלה התשובה הדף הספר העיר הלילה").split()


def right_to_left(where: Path, layout: str, size: str) -> Path:
    """A pamphlet in Arabic with an essay in Hebrew: headings, lists and footnotes, in
    sentences drawn at random (seeded) so that no two pages begin alike."""
    project = where / "rtl"
    (project / "source").mkdir(parents=True)
    chance = random.Random(16)

    def sentences(vocabulary: list[str], count: int) -> str:
        return " ".join(" ".join(chance.sample(vocabulary, chance.randint(7, 12))) + "."
                        for _ in range(count))

    def essay(vocabulary: list[str], title: str, lang: str, parts: int) -> str:
        body = [f"## {sentences(vocabulary, 1)[:-1]}\n\n{sentences(vocabulary, 6)}[^{n}]\n\n"
                f"{sentences(vocabulary, 5)}\n\n- {sentences(vocabulary, 1)}\n"
                f"- {sentences(vocabulary, 1)}\n\n{sentences(vocabulary, 7)}\n"
                for n in range(1, parts + 1)]
        notes = "".join(f"[^{n}]: {sentences(vocabulary, 1)}\n" for n in range(1, parts + 1))
        return (f"---\ntitle: {title}\nauthor: {sentences(vocabulary, 1)[:12]}\nlang: {lang}\n"
                f"---\n\n" + "\n".join(body) + "\n" + notes)

    for slug, vocabulary, title, lang, parts in (
            ("ar-one", ARABIC, "عن الكتيبات", "ar", 5), ("he", HEBREW, "על חוברות", "he", 4),
            ("ar-two", ARABIC, "القراءة معا", "ar", 4)):
        (project / "source" / f"{slug}.md").write_text(essay(vocabulary, title, lang, parts),
                                                         encoding="utf-8")
    (project / "pamphlet.toml").write_text(
        f'title = "كتيبات"\nlang = "ar"\nlayout = "{layout}"\n'
        f'essays = ["ar-one", "he", "ar-two"]\n[pdf]\npage_size = "{size}"\n', encoding="utf-8")
    return project


@pytest.mark.parametrize("layout,size", [("pocket", "A6"), ("zine", "A5")])
def test_a_right_to_left_pamphlet(tmp_path, layout, size):
    system.need("fonts-dejavu-core")  # draws both scripts; tests/system.py installs it
    agree(f"right-to-left {layout} {size}", built(right_to_left(tmp_path, layout, size)),
          "pamphlet", 8)


def test_the_page_list_leads_to_the_markers(sample_build):
    """Each page-list entry names a marker of that number; every marker is listed, in order."""
    epub = sample_build[1].outputs[-1]
    with zipfile.ZipFile(epub) as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
        lists = nav.xpath("//*[local-name()='nav'][@*[local-name()='type']='page-list']")
        assert len(lists) == 1
        links = [(a.get("href"), a.text) for a in lists[0].iter(f"{XHTML}a")]
        for href, label in links:
            name, _, fragment = href.partition("#")
            target = etree.fromstring(book.read(f"EPUB/{name}")).xpath(
                "//*[@id=$id]", id=fragment)
            assert len(target) == 1 and target[0].get(f"{EPUB}type") == "pagebreak", href
            assert target[0].get("title") == target[0].get("aria-label") == label
        opf = book.read("EPUB/content.opf").decode()
    assert [int(label) for _, label in links] == marked_pages(epub)
    assert len(links) >= 12
    assert '<meta property="pageBreakSource">Fold, Staple, Read, reading PDF pamphlet.pdf' in opf
    for feature in ("printPageNumbers", "pageNavigation"):
        assert f'<meta property="schema:accessibilityFeature">{feature}</meta>' in opf


def test_epubcheck_has_nothing_to_say(tmp_path, sample_build):
    for epub in (sample_build[1].outputs[-1],
                 built(sample(tmp_path, "packet", "A6", EXCERPTS)) / "pamphlet.epub"):
        assert messages(epub) == []


def test_epubcheck_on_the_right_to_left_pamphlet(tmp_path):
    epub = built(right_to_left(tmp_path, "pocket", "A6")) / "pamphlet.epub"
    assert messages(epub) == []


@pytest.mark.slow("DAISY Ace (Node and a headless Chromium) on the sample's EPUB")
def test_ace_finds_no_violation_in_the_sample(tmp_path, sample_build):
    """DAISY Ace, which checks the page list against the page breaks and the metadata."""
    report, violations = system.ace(sample_build[1].outputs[-1], tmp_path / "ace")
    assert violations == []
    assert report["earl:result"]["earl:outcome"] == "pass"
    assert report["properties"]["hasPageBreaks"] is True


def line_markers(epub: Path) -> list[tuple[int, int, str]]:
    """(page, line, the text that follows) for each numbered line the e-book marks."""
    found = []
    with zipfile.ZipFile(epub) as book:
        for name in sorted(n for n in book.namelist() if n.endswith(".xhtml")):
            root = etree.fromstring(book.read(name))
            for span in root.iter(f"{XHTML}span"):
                # Lines in a table are left out: each cell's line counts as a line of the
                # page, and their numbers are drawn inside the table (see the report).
                if span.get("class") == "line-number" and not any(
                        a.tag == f"{XHTML}table" for a in span.iterancestors()):
                    page, line = map(int, re.fullmatch(r"page-(\d+)-line-(\d+)",
                                                       span.get("id")).groups())
                    assert span.get("data-line") == str(line)
                    found.append((page, line, _text_after(root, span)))
    return found


def check_lines(folder: Path, stem: str) -> int:
    """Assert each numbered line the e-book marks begins with the words of that line of the
    printed page (whose number is drawn beside it); return how many were checked."""
    from pdftext import Pdf

    pdf = Pdf(folder / f"{stem}.pdf")
    checked = 0
    for page, line, after in line_markers(folder / f"{stem}.epub"):
        lines = pdf.lines(page)
        # The number and the line's text share a baseline: one line, the number first (set
        # in 7 pt, which tells "35" and "30 cards" from "3530 cards").
        at = next(i for i, printed in enumerate(lines)
                  if printed.size == 7.0 and printed.text.startswith(str(line)))
        text = "\n".join(printed.text for printed in lines[at:at + 3])[len(str(line)):]
        printed = words(CALL.sub("", text))
        expected = words(CALL.sub("", after))[:WORDS]
        if printed[0] != expected[0] and expected[0].endswith(printed[0]):  # hyphenated
            assert re.search(r"[\u2010\u00ad-]$", lines[at - 1].text), (page, line)
            printed[0] = expected[0]
        assert printed[:len(expected)] == expected, (page, line, expected, printed)
        checked += 1
    return checked


def test_numbered_lines_are_numbered_in_the_ebook_too(tmp_path):
    """With [pdf] line_numbers, "page 6, line 20" is found in both: each fifth line of a
    printed page is marked in the e-book where that line begins."""
    project = sample(tmp_path, "packet", "letter")
    spec = project / "pamphlet.toml"
    spec.write_text(spec.read_text().replace("[pdf]\n", "[pdf]\nline_numbers = true\n"))
    out = built(project)
    CHECKED["numbered lines, sample packet letter"] = checked = check_lines(out, "pamphlet")
    print(f"numbered lines: {checked} checked")
    assert checked >= 65
    agree("sample packet letter, numbered lines", out, "pamphlet", 12)  # pages still agree
    assert messages(out / "pamphlet.epub") == []
    # Without line numbers, no line is marked.
    assert line_markers(built(sample(tmp_path / "plain", "packet", "letter")) /
                        "pamphlet.epub") == []
