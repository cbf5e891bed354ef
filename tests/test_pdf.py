"""The reading PDF, checked by what stands on each page."""

from __future__ import annotations

import shutil

import pytest

from pamphlet.build.pipeline import build
from pdftext import Pdf, toc_entries

TITLE = "Notes and Margins"
ESSAYS = ["The “Long” Walk", "Small Things", "Coda"]


@pytest.fixture(scope="module")
def pdf(notes_build):
    project, result = notes_build
    assert result.outputs == [project / "build" / "pamphlet.pdf", project / "build" / "pamphlet.epub"]
    return Pdf(result.outputs[0])


def opener_pages(pdf: Pdf) -> dict[str, int]:
    """The page on which each essay's title stands as the first line of the page."""
    found = {}
    for number in range(1, len(pdf) + 1):
        top = pdf.top_line(number)
        if top and top.text in ESSAYS + ["Sources"] and top.y > 60:
            found.setdefault(top.text, number)
    return found


def test_contents_page_numbers_are_where_each_essay_starts(pdf):
    toc = toc_entries(pdf, 4)
    assert list(toc) == ESSAYS + ["Sources"]
    assert toc == opener_pages(pdf)


def test_essays_open_on_right_hand_pages(pdf):
    starts = opener_pages(pdf)
    assert [starts[title] % 2 for title in ESSAYS] == [1, 1, 1]


def test_running_heads(pdf):
    starts = opener_pages(pdf)
    essay_pages = range(starts[ESSAYS[0]], starts["Sources"])
    checked = 0
    for number in essay_pages:
        top = pdf.top_line(number)
        if top is None or number in starts.values():
            continue
        current = max((title for title, start in starts.items() if start <= number),
                      key=lambda title: starts[title])
        expected = TITLE if number % 2 == 0 else current
        assert top.text == expected, f"page {number}"
        checked += 1
    assert checked >= 3


def test_essay_openers_have_no_running_head(pdf):
    """The page the contents give for each essay starts with its title: nothing above it."""
    toc = toc_entries(pdf, 4)
    for title, number in toc.items():
        top = pdf.top_line(number)
        assert (top.text, top.y > 60) == (title, True), number


def test_page_numbers_on_text_pages_only(pdf):
    starts = opener_pages(pdf)
    numbered = [n for n in range(starts[ESSAYS[0]], starts["Sources"] + 1) if pdf.lines(n)]
    assert len(numbered) >= 8
    for number in numbered:
        assert pdf.bottom_line(number).text == str(number)
    assert not pdf.text(2).strip(), "the inside of the cover is blank"
    last = len(pdf)
    assert TITLE in pdf.text(1) and TITLE in pdf.text(last)
    for cover in (1, last):
        assert not any(line.text.isdigit() for line in pdf.lines(cover))


def test_blank_pages_are_really_blank(pdf):
    """Pages without text have no ink at all: no page number, rule, border or image."""
    blanks = [n for n in range(1, len(pdf) + 1) if not pdf.text(n).strip()]
    assert 2 in blanks and len(blanks) >= 2, blanks
    for number in blanks:
        colours = pdf.render(number).getcolors()
        assert colours and len(colours) == 1, (number, sorted(colours or [])[-3:])
    assert len(pdf.render(3).getcolors(1 << 16)) > 1  # the check sees ink where there is some


@pytest.mark.parametrize("call, note", [("k1call", "k1note"), ("k2call", "k2note"),
                                        ("k3call", "k3note"), ("k4call", "k4note")])
def test_footnote_stands_on_the_page_of_its_call(pdf, call, note):
    calls, notes = pdf.pages_with(call), pdf.pages_with(note)
    assert len(calls) == 1 and calls == notes


def test_footnotes_sit_at_the_foot_of_the_page(pdf):
    page = pdf.pages_with("k1note")[0]
    lines = pdf.lines(page)
    note = next(line for line in lines if "k1note" in line.text)
    body = next(line for line in lines if "k1call" in line.text)
    assert note.y > body.y and note == lines[-2]  # only the page number is below


def test_two_paragraph_footnote_keeps_both(pdf):
    page = pdf.pages_with("k3note")[0]
    assert "Ithasasecondparagraph." in pdf.flat(page)


@pytest.mark.parametrize("text, url", [
    ("the press", "https://example.org/press/long-walk"),
    ("a second link", "https://example.net/a/very/long/path/that/goes/on/and/on/index.html"),
    ("the guide", "https://example.org/guide"),
])
def test_link_urls_are_printed_as_footnotes_on_the_page(pdf, text, url):
    pages = pdf.pages_with(text)
    assert pages and pages == pdf.pages_with(url)


def test_link_inside_a_footnote_is_printed_inline(pdf):
    page = pdf.pages_with("k2note")[0]
    assert "linkinside(https://example.com/inside)" in pdf.flat(page)


def test_bare_url_is_not_printed_twice(pdf):
    assert sum(pdf.flat(n).count("https://example.org/plain") for n in range(1, len(pdf) + 1)) == 1


def test_sources_cite_every_essay_in_full(pdf):
    page = opener_pages(pdf)["Sources"]
    text = pdf.flat(page)
    for needle in ["RosaTester.“The“Long”Walk.”TheLongWalkHome,TestPressQuarterly,15March2026.",
                   "https://example.org/quarterly/long-walk(accessed20April2026)",
                   "“SmallThings.”https://example.org/small-things",
                   "“Coda.”Sourcenotrecorded."]:
        assert needle in text


def test_source_line_under_the_title(pdf):
    page = opener_pages(pdf)[ESSAYS[0]]
    assert ("Firstpublishedas“TheLongWalkHome”byTestPressQuarterlyon15March2026at"
            "https://example.org/quarterly/long-walk.") in pdf.flat(page)


def test_colophon_follows_sources(pdf):
    colophon = pdf.pages_with("Colophon")
    assert colophon and colophon[0] > opener_pages(pdf)["Sources"]
    text = pdf.flat(colophon[0])
    for needle in ["TextunderCCBY4.0", "EditedbyRosaTesterandIlseProbe", "1May2026",
                   "madewithpamphlet", "PublishedbyTestPress"]:
        assert needle in text
    assert "Edited by Rosa Tester and Ilse Probe. 1 May 2026." in " ".join(
        pdf.text(colophon[0]).split())


def test_cover_and_title_page(pdf):
    cover = pdf.text(1)
    for needle in [TITLE, "A test pamphlet", "Rosa Tester and Ilse Probe", "1 May 2026"]:
        assert needle in cover
    assert pdf.top_line(3).text == TITLE


def test_the_cover_lines_share_one_left_edge(pdf):
    """Title, subtitle, credit and date stand flush left; no paragraph indent creeps in."""
    edges = {round(line.x) for line in pdf.lines(1)}
    assert len(edges) == 1, pdf.lines(1)


def test_outline_has_one_entry_per_essay(pdf):
    assert pdf.outline_titles() == ESSAYS


def test_metadata(pdf):
    meta = pdf.reader.metadata
    assert meta.title == TITLE
    assert meta.author == "Rosa Tester, Ilse Probe"
    assert meta.subject == "A test pamphlet"
    assert meta["/Keywords"] == "walking, notes, printing"
    assert pdf.reader.trailer["/Root"]["/Lang"] == "en"


def test_page_size_is_a5(pdf):
    box = pdf.reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (148, 210)


def test_smart_typography_and_no_break_spaces_survive(pdf):
    assert "“withquotes”–anddashes" in pdf.flat(pdf.pages_with("Aquotedline")[0])


def test_a_large_image_is_scaled_to_the_text_block(notes_build, tmp_path):
    from PIL import Image

    project, _ = notes_build
    copy = tmp_path / "project"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("build"))
    Image.new("RGB", (3000, 1000), "navy").save(copy / "source" / "img" / "wide.png")
    essay = copy / "source" / "coda.md"
    essay.write_text(essay.read_text() + "\n![A wide navy band](img/wide.png)\n")
    result = build(copy)
    assert result.ok
    pdf = Pdf(result.outputs[0])
    widths = [width for page in pdf.reader.pages for width in image_widths(page)]
    text_block = (148 - 17 - 15) / 25.4 * 72
    assert len(widths) == 1 and text_block - 1 < widths[0] <= text_block + 0.5


def image_widths(page) -> list[float]:
    """The drawn width of each image XObject on a page, from the matrix in force at `Do`."""
    stack, matrix, widths = [], [1, 0, 0, 1, 0, 0], []
    images = {name for name, obj in (page["/Resources"].get("/XObject") or {}).items()
              if obj.get_object()["/Subtype"] == "/Image"}

    def visit(operator, operands, cm, tm):
        nonlocal matrix
        if operator == b"q":
            stack.append(matrix)
        elif operator == b"Q":
            matrix = stack.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            m = matrix
            matrix = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2],
                      c * m[1] + d * m[3], e * m[0] + f * m[2] + m[4], e * m[1] + f * m[3] + m[5]]
        elif operator == b"Do" and operands[0] in images:
            widths.append(abs(matrix[0]))

    page.extract_text(visitor_operand_before=visit)
    return widths


@pytest.fixture(scope="module")
def endnotes(notes_build, tmp_path_factory):
    project, _ = notes_build
    result = build(project / "endnotes.toml", tmp_path_factory.mktemp("endnotes"))
    assert result.ok and result.outputs[0].name == "endnotes.pdf"
    return Pdf(result.outputs[0])


def test_endnote_setting_lists_links_after_each_essay(endnotes):
    links = endnotes.pages_with("Links")
    assert len(links) == 2
    first = endnotes.flat(links[0])
    assert "[1]https://example.org/guide" in first and "[2]" not in first.replace(
        "[1]https://example.org/guide", "")
    assert "thepress[1]" in endnotes.flat(endnotes.pages_with("thepress")[0])


def test_half_letter_and_essays_start_on_the_next_page(endnotes):
    box = endnotes.reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (396, 612)
    starts = [n for n in range(1, len(endnotes) + 1)
              if endnotes.top_line(n) and endnotes.top_line(n).text == "The “Long” Walk"
              and endnotes.top_line(n).y > 60]
    ends = endnotes.pages_with("Links")[0]
    assert starts == [ends + 1]


def test_author_credit_when_no_editor(endnotes):
    assert "By Rosa Tester" in endnotes.text(1)
