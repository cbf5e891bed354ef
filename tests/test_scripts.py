"""Other writing systems: right-to-left essays, CJK, emoji, and characters no font has."""

from __future__ import annotations

import statistics
import zipfile
from pathlib import Path

import pytest
from system import has_font_for

from pamphlet.build.pipeline import build
from pamphlet.diagnostics import Diagnostics
from pamphlet.locale.scripts import direction, report_missing_glyphs, script_of

ARABIC = "الكتيب شكل قديم من أشكال النشر. إنه رخيص وخفيف ويمكن توزيعه في الشارع. " * 3
HEBREW = "החוברת היא צורה עתיקה של פרסום. היא זולה, קלה, ואפשר לחלק אותה ברחוב. " * 3
CHINESE = "小册子是一种古老的出版形式。它便宜、轻便，可以在街头分发。"
ESSAYS = {
    "ar": ("عن الكتيبات", "ar", f"{ARABIC}\n\nالفقرة الثانية.\n\n- البند الأول\n- البند الثاني"),
    "he": ("על חוברות", "he", HEBREW),
    "zh": ("论小册子", "zh", f"{CHINESE}\n\n第二段落：折叠、装订、分发。"),
    "en": ("In English", "en", "An English essay that quotes “שלום” and “مرحبا” and 你好 inline. "
           "We fold \N{PAGE FACING UP} and staple \N{PAPERCLIP}."),
}


@pytest.fixture(scope="module")
def scripts(tmp_path_factory):
    project = tmp_path_factory.mktemp("scripts")
    (project / "source").mkdir()
    for slug, (title, lang, body) in ESSAYS.items():
        (project / "source" / f"{slug}.md").write_text(
            f"---\ntitle: {title}\nauthor: A\nlang: {lang}\nsource: https://example.org/{slug}\n"
            f"---\n\n{body}\n")
    (project / "pamphlet.toml").write_text(
        'title = "Scripts"\nlang = "en"\nessays = ["ar", "he", "zh", "en"]\n')
    result = build(project)
    assert result.ok, [d.format() for d in result.diagnostics]
    return project, result


def test_direction_follows_the_language():
    assert [direction(lang) for lang in ("ar", "he-IL", "fa", "ur", "yi", "ku-Arab")] == ["rtl"] * 6
    assert [direction(lang) for lang in ("en", "fr", "zh", "ku", "arn", None)] == ["ltr"] * 6


def test_script_names_for_the_warning():
    assert [script_of(c) for c in "中あ한م\N{PARTY POPPER}\U00017000\ue000অकதกქԱሀ"] == [
        "CJK", "Japanese", "Korean", "Arabic", "emoji", "Tangut", "private-use", "Bengali",
        "Devanagari", "Tamil", "Thai", "Georgian", "Armenian", "Ethiopic"]


def test_missing_glyphs_are_reported_in_each_file_that_holds_them(tmp_path):
    """Each file's warning counts every missing character in it (not only those that no
    earlier file had) and how often they occur; what no file holds goes to the spec."""
    essay, other, spec = tmp_path / "one.md", tmp_path / "two.md", tmp_path / "pamphlet.toml"
    diagnostics = Diagnostics()
    report_missing_glyphs({"中", "文", "\ue000"}, [
        (essay, 1, "---\ntitle: One\n---\n\nText with 中文\nand 中 again\n"),
        (other, 1, "---\ntitle: Two\n---\n\n中文 and 文\n"),
        (spec, 1, 'title = "Three"\n')], diagnostics, spec)
    assert [(d.code, d.path, d.line) for d in diagnostics] == [
        ("M307", essay, 5), ("M307", other, 5), ("M307", spec, None)]
    first, second, last = diagnostics.items
    assert "2 characters (CJK), 3 times in all: “中文” (U+4E2D, U+6587)" in first.message
    assert "2 characters (CJK), 3 times in all" in second.message
    assert "fonts-noto-cjk" in first.hint
    assert "1 character (private-use):" in last.message


def test_a_text_in_a_script_no_font_has_counts_all_its_characters(tmp_path):
    """A Bengali essay whose every letter printed as a box: the warning counts each letter,
    vowel sign and mark (34 different ones here), not a handful."""
    bengali = "আমার সোনার বাংলা, আমি তোমায় ভালোবাসি। চিরদিন তোমার আকাশ, তোমার বাতাস, " \
        "আমার প্রাণে বাজায় বাঁশি। ও মা, ফাগুনে তোর আমের বনে ঘ্রাণে পাগল করে।"
    missing = {c for c in bengali if "\u0980" <= c <= "\u09ff"}
    essay = tmp_path / "amar.md"
    diagnostics = Diagnostics()
    report_missing_glyphs(missing, [(essay, 1, f"---\ntitle: আমার\n---\n\n{bengali}\n")],
                          diagnostics, tmp_path / "pamphlet.toml")
    [warning] = diagnostics.items
    total = sum(1 for c in f"আমার{bengali}" if c in missing)
    assert f"glyphs for {len(missing)} characters (Bengali), {total:,} times in all" in \
        warning.message, warning.message
    assert "fonts-noto-core" in warning.hint


def _line_extents(pdf_path: Path, text: str) -> list[tuple[float, float, float]]:
    """(left, right, width of the page) of each line of the page that shows `text`."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    for page in document:
        textpage = page.get_textpage()
        if text not in textpage.get_text_range().replace("\r\n", " "):
            continue
        lines: dict[float, list[float]] = {}  # the middle of a line -> its characters' edges
        for index in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(index, loose=True)  # by advance
            char = textpage.get_text_range(index, 1)
            if char.strip() and "\u0600" <= char <= "\u06ff" and right > left:
                middle = (bottom + top) / 2
                key = next((k for k in lines if abs(k - middle) < 4), middle)
                lines.setdefault(key, []).extend((left, right))
        return [(min(xs), max(xs), page.get_width()) for _, xs in sorted(lines.items())]
    raise AssertionError(f"no page shows {text!r}")


def test_a_right_to_left_essay_is_set_from_the_right(scripts):
    project, result = scripts
    lines = _line_extents(result.outputs[0], "الفقرة الثانية")
    width = lines[0][2]
    # The edge most lines reach: a Naskh letter's stroke may pass its advance at a line's
    # end (Noto Naskh Arabic, from fonts-noto-core), though the line box ends at the margin.
    margin = width - statistics.median(right for _, right, _ in lines)
    assert 40 < margin < 45, lines  # the right margin of a right-hand A5 page is 15 mm
    # Every line starts at the right margin (list items one indent in), and the short last
    # lines of paragraphs end mid-page, not at the left margin.
    assert all(width - margin - right < 20 for _, right, _ in lines), lines
    assert len([left for left, _, _ in lines if left > width / 2]) >= 3, lines


def fonts_used(pdf_path: Path) -> dict[int, set[str]]:
    """The fonts each page's text is set in (its `Tf` operators), by name without the subset
    prefix: {page: names}."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(str(pdf_path))
    used = {}
    for number, page in enumerate(reader.pages, 1):
        fonts = page["/Resources"].get("/Font") or {}
        used[number] = {str(fonts[operands[0]].get_object()["/BaseFont"]).split("+")[-1]
                        for operands, operator in ContentStream(page.get_contents(), reader)
                        .operations if operator == b"Tf"}
    return used


def test_cjk_and_emoji_are_drawn_in_noto_fonts(scripts):
    """The suite installs Debian's fonts-noto-cjk and fonts-noto-color-emoji (conftest.py);
    with them, every CJK character and emoji is drawn, none is reported missing."""
    import pypdfium2 as pdfium

    assert has_font_for("中") and has_font_for("\N{PAPERCLIP}"), \
        "install fonts-noto-cjk and fonts-noto-color-emoji (see conftest.py)"
    project, result = scripts
    assert not [d.format() for d in result.diagnostics if d.code == "M307"]
    document = pdfium.PdfDocument(str(result.outputs[0]))
    pages = [page.get_textpage().get_text_range().replace("\r\n", "") for page in document]
    fonts = fonts_used(result.outputs[0])
    chinese = next(n for n, text in enumerate(pages, 1) if CHINESE[:10] in text)
    english = next(n for n, text in enumerate(pages, 1) if "An English essay" in text)
    assert any(name.startswith("Noto-Serif-CJK") for name in fonts[chinese]), fonts[chinese]
    assert "你好" in pages[english - 1]
    assert any("CJK" in name for name in fonts[english]), fonts[english]
    assert "Noto-Color-Emoji" in fonts[english], fonts[english]
    assert "Noto-Color-Emoji" not in fonts[chinese]  # the check tells pages apart


def test_the_ebook_marks_direction_and_language(scripts):
    project, result = scripts
    with zipfile.ZipFile(result.outputs[-1]) as book:
        arabic = book.read("EPUB/essay-001.xhtml").decode()  # essays = ["ar", "he", "zh", "en"]
        english = book.read("EPUB/essay-004.xhtml").decode()
        opf = book.read("EPUB/content.opf").decode()
    assert 'lang="ar" xml:lang="ar" dir="rtl"' in arabic
    assert '<p class="source" lang="en" xml:lang="en" dir="ltr">' in arabic
    assert 'dir="ltr"' in english and '<p class="source">' in english
    assert "page-progression-direction" not in opf


def test_a_right_to_left_pamphlet_is_bound_on_the_right(tmp_path):
    """The e-book turns its pages leftwards, and the printed booklet has its spine on the
    right: the cover lies left of the fold on the outer sheet."""
    import pypdfium2 as pdfium

    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "he.md").write_text(f"---\ntitle: על חוברות\n---\n\n{HEBREW}\n")
    (tmp_path / "pamphlet.toml").write_text('title = "חוברת"\nsubtitle = "Cover words"\n'
                                            'lang = "he"\nessays = ["he"]\n[print]\n')
    result = build(tmp_path)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.spec.printing.binding == "right"
    with zipfile.ZipFile(result.outputs[-1]) as book:
        opf = book.read("EPUB/content.opf").decode()
        titlepage = book.read("EPUB/titlepage.xhtml").decode()
    assert 'page-progression-direction="rtl"' in opf
    assert 'lang="he" xml:lang="he" dir="rtl"' in titlepage
    outer = pdfium.PdfDocument(str(tmp_path / "build" / "pamphlet-print.pdf"))[0]
    text = outer.get_textpage()
    at = text.get_text_range().index("Cover words")
    assert text.get_charbox(at)[2] < outer.get_width() / 2


def test_the_binding_can_be_chosen(tmp_path):
    from pamphlet.project.spec import load_spec

    spec = tmp_path / "pamphlet.toml"
    (tmp_path / "source").mkdir()
    spec.write_text('title = "T"\nlang = "ar"\nessays = []\n[print]\nbinding = "left"\n')
    assert load_spec(spec).printing.binding == "left"
    spec.write_text('title = "T"\nessays = []\n[print]\n')
    assert load_spec(spec).printing.binding == "left"


def test_a_right_to_left_book_has_its_running_heads_on_the_right_pages(tmp_path):
    """Essays open on rectos, which are left-hand pages in a right-to-left book: the essay's
    title heads the rectos at their outer (left) edge, the book's title the versos at the
    right edge, as a reader turning leaves leftwards expects."""
    from pdftext import Pdf

    (tmp_path / "source").mkdir()
    for slug, title in (("one", "First Essay"), ("two", "Second Essay")):
        (tmp_path / "source" / f"{slug}.md").write_text(
            f"---\ntitle: {title}\n---\n\n" + f"{HEBREW * 14}\n\n" * 4)
    (tmp_path / "pamphlet.toml").write_text(
        'title = "Book Head"\nlang = "he"\nessays = ["one", "two"]\n')
    result = build(tmp_path)
    assert result.ok, [d.format() for d in result.diagnostics]
    pdf = Pdf(result.outputs[0])
    middle = float(pdf.reader.pages[0].mediabox.width) / 2
    openers = {title: n for n in range(1, len(pdf) + 1) for title in ("First Essay", "Second Essay")
               if pdf.top_line(n) and pdf.top_line(n).text == title and pdf.top_line(n).y > 60}
    ends = [openers["Second Essay"], pdf.pages_with("מקורות")[-1]]  # Sources, in Hebrew
    heads = []
    for (title, start), end in zip(openers.items(), ends):
        for number in range(start + 1, end):
            top = pdf.top_line(number)
            if top is None and number == end - 1:
                continue  # a blank verso before the next recto opener
            recto = (number - start) % 2 == 0
            heads.append((number, top.text, top.x < middle))
            assert (top.text, top.x < middle) == ((title, True) if recto else ("Book Head", False))
    assert len(heads) >= 6, heads


INDIC_AND_MORE = {  # script: (language, a sentence, the font the layout picks for it)
    "Bengali": ("bn", "পুস্তিকা প্রকাশনার একটি পুরোনো রূপ।", "Noto-Serif-Bengali"),
    "Devanagari": ("hi", "पुस्तिका प्रकाशन का एक पुराना रूप है।", "Noto-Serif-Devanagari"),
    "Tamil": ("ta", "சிறு நூல் பதிப்பின் பழைய வடிவம்.", "Noto-Serif-Tamil"),
    "Thai": ("th", "จุลสารเป็นรูปแบบการพิมพ์ที่เก่าแก่", "Noto-Serif-Thai"),
    "Georgian": ("ka", "ბროშურა გამოცემის ძველი ფორმაა.", "Noto-Serif-Georgian"),
    "Armenian": ("hy", "Գրքույկը հրատարակության հին ձև է։", "Noto-Serif-Armenian"),
    "Ethiopic": ("am", "በራሪ ወረቀት የቆየ የሕትመት ዓይነት ነው።", "Noto-Serif-Ethiopic"),
}


def test_indic_thai_georgian_armenian_and_ethiopic_are_drawn_in_noto(tmp_path):
    """The suite installs fonts-noto-core; the layout's font stack sets each of these scripts
    in its Noto serif, in an essay of that language and quoted in an English one alike."""
    assert all(has_font_for(text[0]) for _, text, _ in INDIC_AND_MORE.values()), \
        "install fonts-noto-core (see tests/system.py)"
    (tmp_path / "source").mkdir()
    slugs = []
    for script, (lang, text, _) in INDIC_AND_MORE.items():
        slugs.append(script.lower())
        (tmp_path / "source" / f"{script.lower()}.md").write_text(
            f"---\ntitle: {text.split()[0]}\nlang: {lang}\nsource: https://example.org/\n---\n\n"
            f"{text}\n", encoding="utf-8")
    quoted = " ".join(f"“{text.split()[0]}”" for _, text, _ in INDIC_AND_MORE.values())
    (tmp_path / "source" / "english.md").write_text(
        f"---\ntitle: Quotes\nlang: en\nsource: https://example.org/\n---\n\nWe quote {quoted}.\n")
    (tmp_path / "pamphlet.toml").write_text(
        f'title = "Scripts"\nlang = "en"\nessays = {slugs + ["english"]!r}\n'.replace("'", '"'))
    result = build(tmp_path)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert not [d.format() for d in result.diagnostics if d.code == "M307"]
    fonts = fonts_used(result.outputs[0])
    every = set().union(*fonts.values())
    for script, (_, _, font) in INDIC_AND_MORE.items():
        assert any(name.startswith(font) for name in every), (script, sorted(every))
