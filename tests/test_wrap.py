"""The perfect-bound book's block and wraparound cover (outputs/wrap.py), without drawing
the cover: which pages the block holds, the spine worked out from the paper and the block's
pages, which side the front takes, which way the spine's text turns, and the warnings and
refusals, each with its spec line. The rendered cover is tests/test_press.py's."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, NameObject, NumberObject

from pamphlet.book.assemble import assemble
from pamphlet.book.layouts import find_layout
from pamphlet.diagnostics import Diagnostics, PamphletError
from pamphlet.locale.words import Words
from pamphlet.outputs import wrap
from pamphlet.outputs.press import MARK_ROOM
from pamphlet.outputs.wrap import (interior, perfect_plan, spine_turn, too_wide, write_block,
                                   write_cover)
from pamphlet.project.printing import Paper, PrintSettings
from pamphlet.project.select import select
from pamphlet.project.spec import load_spec

MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)


def reading(path: Path, pages: int, size=A5, ids: bool = True) -> Path:
    """A reading PDF of `pages` pages, each with its number as its only content."""
    writer = PdfWriter()
    for number in range(pages):
        page = writer.add_blank_page(*size)
        page.trimbox = page.mediabox
        page[NameObject("/PageNumber")] = NumberObject(number)
    writer.add_metadata({"/Title": "The Book", "/Producer": "WeasyPrint"})
    if ids:
        writer._ID = ArrayObject([ByteStringObject(b"f" * 16), ByteStringObject(b"s" * 16)])
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


@pytest.mark.parametrize("pages, held", [(10, range(2, 9)), (4, range(2, 3)),
                                         (3, range(3)), (1, range(1)), (0, range(0))])
def test_the_block_is_all_but_the_covers(pages, held):
    assert interior(pages) == held


def test_the_block_holds_the_interior_pages_in_order_with_their_metadata(tmp_path):
    source = reading(tmp_path / "book.pdf", 9)
    even = PrintSettings(scheme="perfect")
    result = write_block(source, tmp_path / "block.pdf", even)
    assert (result.path, result.pages) == (tmp_path / "block.pdf", 6)
    block = PdfReader(tmp_path / "block.pdf")
    assert [int(page["/PageNumber"]) for page in block.pages] == [2, 3, 4, 5, 6, 7]
    assert block.metadata["/Title"] == "The Book"
    assert block.metadata["/Producer"] == "pamphlet (pypdf)"
    first, second = (bytes(i.original_bytes) for i in block.trailer["/ID"])
    assert first == b"f" * 16 and second not in (b"s" * 16, b"f" * 16)  # its own, derived
    again = write_block(source, tmp_path / "again.pdf", even)
    assert again.path.read_bytes() == (tmp_path / "block.pdf").read_bytes()
    plain = write_block(reading(tmp_path / "plain.pdf", 5, ids=False), tmp_path / "p.pdf",
                        even)
    assert plain.pages == 2


def test_the_plan_names_the_pages_the_spine_and_the_copies():
    settings = PrintSettings(scheme="perfect", paper=Paper(thickness=0.2 * MM), copies=1)
    assert perfect_plan(104, settings) == (  # 101 pages inside, made up to 102
        "102 pages (with 1 blank) in reading order for perfect binding, both sides, spine on "
        "the left (10.2 mm); the wraparound cover is printed apart; 1 copy")
    settings = PrintSettings(scheme="perfect", binding="right", copies=12)
    assert perfect_plan(103, settings) == (  # no paper: 0.1 mm office paper
        "100 pages in reading order for perfect binding, both sides, spine on the right "
        "(5 mm); the wraparound cover is printed apart; 12 copies")


def test_a_cover_as_wide_as_a_pdf_page_may_be_and_no_wider():
    width, bleed = A5[0], 3 * MM
    widest = 14_400 - 2 * width - 2 * (bleed + MARK_ROOM)
    assert not too_wide(width, widest, bleed)
    assert too_wide(width, widest + 0.01, bleed)
    assert too_wide(width, widest - 2 * bleed + 0.01, 2 * bleed)  # the bleed counts twice


@pytest.mark.parametrize("lang, turn", [("en", 90), ("en-GB", 90), ("EN-us", 90), ("sv", 90),
                                        ("nb-NO", 90), ("fi", 90), ("de", -90), ("fr-CA", -90),
                                        ("es", -90), ("ar", -90), ("eng", -90)])
def test_spine_text_turns_by_the_languages_convention(lang, turn):
    assert spine_turn(lang) == turn


def project(tmp_path: Path, printing: str, lang: str = "en") -> Path:
    root = tmp_path / "project"
    (root / "source").mkdir(parents=True)
    (root / "pamphlet.toml").write_text(
        f'title = "Paper Matters"\nlang = "{lang}"\nessays = ["one"]\n\n[print]\n'
        f'scheme = "perfect"\n{printing}')
    (root / "source" / "one.md").write_text("---\ntitle: One\nauthor: A\n---\n\nText.\n")
    return root


def covered(tmp_path: Path, monkeypatch, printing: str, pages: int, lang: str = "en",
            size=A5):
    """write_cover's plan line, the wrap it drew the cover with, and its diagnostics."""
    root = project(tmp_path, printing, lang)
    spec = load_spec(root / "pamphlet.toml")
    diagnostics = Diagnostics()
    pamphlet = assemble(spec, select(spec, diagnostics), diagnostics)
    layout = find_layout("zine", spec.layouts_dir)
    drawn = {}

    def render_template(book, layout, name, told, **context):
        assert (book, told) == (pamphlet, diagnostics)
        drawn.update(context["wrap"], template=name, layout=layout.name)
        return "document"

    def save_press(document, book, press_layout, target, told):
        assert (book, press_layout, told) == (pamphlet, layout, diagnostics)
        drawn.update(saved=(document, target))
    monkeypatch.setattr(wrap, "render_template", render_template)
    monkeypatch.setattr(wrap, "save_press", save_press)
    source = reading(tmp_path / "book.pdf", pages, size)
    target = tmp_path / "cover.pdf"
    plan = write_cover(pamphlet, layout, source, target, diagnostics)
    assert drawn.pop("saved") == ("document", target)
    return plan, drawn, diagnostics


def test_the_cover_is_the_pages_either_side_of_a_spine_as_thick_as_the_block(tmp_path,
                                                                              monkeypatch):
    plan, drawn, diagnostics = covered(tmp_path, monkeypatch,
                                       'paper = "0.1mm"\nbleed = "5mm"\n', 203)
    block = 200  # 203 pages less the front cover, its back and the back cover
    assert drawn == {
        "page_width": pytest.approx(A5[0]), "page_height": pytest.approx(A5[1]),
        "spine": pytest.approx(block / 2 * 0.1 * MM), "bleed": pytest.approx(5 * MM),
        "front": "right", "spine_text": True, "spine_turn": 90,
        "template": "cover-wrap.html", "layout": "zine"}
    assert plan == "cover: 200 pages inside, spine 10 mm; 306 mm × 210 mm plus 5 mm bleed"


def test_an_odd_block_rounds_up_to_whole_sheets_and_pages_per_inch_work_too(tmp_path,
                                                                            monkeypatch):
    _, drawn, _ = covered(tmp_path, monkeypatch, 'paper = "ppi 400"\n', 104)  # 101 inside
    assert drawn["spine"] == pytest.approx(2 * math.ceil(101 / 2) / 400 * 72)


def test_a_thick_spine_carries_text_turned_by_the_language(tmp_path, monkeypatch):
    _, drawn, diagnostics = covered(tmp_path, monkeypatch, 'paper = "1mm"\n', 15, lang="de")
    assert drawn["spine"] == pytest.approx(6 * MM)  # 12 pages inside: 6 sheets of 1 mm
    assert drawn["spine_text"] is True and drawn["spine_turn"] == -90
    assert [d.code for d in diagnostics] == []


def test_a_spine_too_thin_for_text_is_plain_and_said_so_at_the_paper(tmp_path, monkeypatch):
    _, drawn, diagnostics = covered(tmp_path, monkeypatch, 'paper = "1mm"\n', 13)  # 5.0 mm
    assert drawn["spine_text"] is False
    [thin] = diagnostics
    assert (thin.code, thin.line, thin.severity.value) == ("O561", 7, "warning")
    assert thin.path == tmp_path / "project" / "pamphlet.toml"
    assert thin.message == "the spine is 5.0mm wide (10 pages), too thin for text, so it is " \
                           "left plain"
    assert thin.hint == "spine text needs 6mm or more: more pages or thicker paper"


def test_without_paper_it_is_said_once_and_office_paper_assumed(tmp_path, monkeypatch):
    _, drawn, diagnostics = covered(tmp_path, monkeypatch, 'binding = "right"\n', 113)
    assert drawn["spine"] == pytest.approx(55 * 0.1 * MM) and drawn["front"] == "left"
    codes = [(d.code, d.line) for d in diagnostics]
    assert codes == [("P177", 5), ("O561", 5)]  # at [print], as there is no paper line
    paper = diagnostics.items[0]
    assert (paper.path, paper.message, paper.hint) == (
        tmp_path / "project" / "pamphlet.toml",
        "the spine's width is worked out for 0.1mm paper, as [print] paper is not given",
        'add paper = "0.1mm" (a sheet\'s thickness) or paper = "ppi 444" (pages per inch), '
        "as your printer quotes it")


def test_a_cover_wider_than_a_pdf_page_is_refused_at_the_paper(tmp_path, monkeypatch):
    with pytest.raises(PamphletError) as raised:
        # pages 100 inches wide: two of them and the spine are more than 200 inches
        covered(tmp_path, monkeypatch, 'paper = "2mm"\n', 20, size=(7200, 600))
    [wide] = raised.value.diagnostics
    assert (wide.code, wide.line) == ("O564", 7)
    assert wide.path == tmp_path / "project" / "pamphlet.toml"
    assert wide.hint == ("check [print] paper: a sheet's thickness is a tenth of a millimetre "
                         "or so; split a book this thick into volumes")
    assert wide.message == ("the cover would be 5,098mm wide (18 pages, spine 18mm), more "
                            "than a PDF page can be (5,080mm)")
    assert not (tmp_path / "cover.pdf").exists()


def test_a_layout_with_its_own_cover_draws_it(tmp_path, monkeypatch):
    root = project(tmp_path, 'paper = "0.1mm"\n')
    (root / "layouts" / "zine").mkdir(parents=True)
    (root / "layouts" / "zine" / "cover-wrap.html").write_text("<p>own</p>")
    (root / "pamphlet.toml").write_text((root / "pamphlet.toml").read_text().replace(
        'essays = ["one"]', 'layout = "pocket"\nessays = ["one"]'))
    spec = load_spec(root / "pamphlet.toml")
    diagnostics = Diagnostics()
    pamphlet = assemble(spec, select(spec, diagnostics), diagnostics)
    drawn = {}
    monkeypatch.setattr(wrap, "render_template",
                        lambda p, layout, *a, **k: drawn.update(layout=layout.name))
    monkeypatch.setattr(wrap, "save_press", lambda *a: None)
    write_cover(pamphlet, find_layout("pocket", spec.layouts_dir),
                reading(tmp_path / "b.pdf", 20), tmp_path / "c.pdf", diagnostics)
    assert drawn == {"layout": "zine"}  # pocket has none of its own: the zine's
    own = tmp_path / "own"
    (own / "layouts" / "pocket").mkdir(parents=True)
    (own / "layouts" / "pocket" / "cover-wrap.html").write_text("<p>own</p>")
    write_cover(pamphlet, find_layout("pocket", own / "layouts"),
                reading(tmp_path / "b.pdf", 20), tmp_path / "c.pdf", diagnostics)
    assert drawn == {"layout": "pocket"}


@pytest.mark.parametrize("lang, line", [
    ("fr", "200 pages à l’intérieur, dos de 10\u202fmm ; 306\u202fmm × 210\u202fmm plus "
           "5\u202fmm de fond perdu"),
    ("ar", "٢٠٠ صفحة في الداخل، وكعب الكتاب ١٠ مم؛ ٣٠٦ مم × ٢١٠ مم مع ٥ مم هامش قص")])
def test_the_covers_plan_is_in_the_books_language(lang, line):
    assert wrap.cover_plan(200, 10 * MM, 306 * MM, 210 * MM, 5 * MM,
                      Words.for_language(lang)) == line


@pytest.mark.parametrize("lang, reading_pages, settings, line", [
    ("de", 104, PrintSettings(scheme="perfect", paper=Paper(thickness=0.2 * MM), copies=1),
     "102 Seiten (davon 1 leer) in Lesereihenfolge für die Klebebindung, beidseitig, Rücken "
     "links (10,2 mm); der Umschlag wird getrennt gedruckt; 1 Exemplar"),
    ("fr", 104, PrintSettings(scheme="perfect", paper=Paper(thickness=0.2 * MM), copies=1),
     "102 pages (dont 1 blanche) dans l’ordre de lecture pour une reliure dos carré collé, "
     "recto verso, dos à gauche (10,2\u202fmm)\u202f; la couverture est imprimée à part\u202f; "
     "1 exemplaire"),
    ("fr", 103, PrintSettings(scheme="perfect", binding="right", copies=12),
     "100 pages dans l’ordre de lecture pour une reliure dos carré collé, recto verso, dos à "
     "droite (5\u202fmm)\u202f; la couverture est imprimée à part\u202f; 12 exemplaires"),
    ("fr", 3, PrintSettings(scheme="perfect"),  # too few pages for covers: all three inside
     "4 pages (dont 1 blanche) dans l’ordre de lecture pour une reliure dos carré collé, "
     "recto verso, dos à gauche (0,2\u202fmm)\u202f; la couverture est imprimée à part\u202f; "
     "1 exemplaire")])
def test_the_plan_is_in_the_books_language(lang, reading_pages, settings, line):
    assert perfect_plan(reading_pages, settings, Words.for_language(lang)) == line


def test_the_plan_counts_the_blank_pages_a_printers_multiple_adds():
    settings = PrintSettings(scheme="perfect", page_multiple=4, copies=1)
    assert perfect_plan(8, settings).startswith(  # 5 inside, made up to 8
        "8 pages (with 3 blank) in reading order")


def test_a_one_page_book_has_a_cover_of_its_size(tmp_path, monkeypatch):
    plan, drawn, _ = covered(tmp_path, monkeypatch, 'paper = "0.1mm"\n', 1, size=(300, 400))
    assert (drawn["page_width"], drawn["page_height"]) == (300, 400)
    assert plan.startswith("cover: 2 pages inside, spine 0.1 mm;")
