"""The imposed PDF: sheet size and count, each page's label in its cell and the right way up,
creep growing with depth, grayscale, the print plan, and the `impose` command."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint import HTML

from pamphlet.build import build
from pamphlet.cli import main
from pamphlet.outputs.impose import impose_pdf
from pamphlet.printing import PrintSettings, parse_length

from conftest import copy_project

A4_LANDSCAPE = (841.89, 595.28)


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> Path:
    """A 10-page A5 PDF whose pages say P1 ... P10 in large type near the top left."""
    pages = "".join(f"<section>P{n}</section>" for n in range(1, 11))
    html = ("<style>@page { size: A5; margin: 20mm } section { break-after: page; "
            "font-size: 40pt }</style>" + pages)
    path = tmp_path_factory.mktemp("labelled") / "in.pdf"
    HTML(string=html).write_pdf(str(path))
    return path


def labels(page) -> list[tuple[str, float, float, bool]]:
    """(label, x, y, upright) for each label drawn on an imposed side."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip().startswith("P"):
            a = tm[0] * cm[0] + tm[1] * cm[2]
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x, y, a > 0))
    page.extract_text(visitor_text=visit)
    return found


def cell_of(x: float, y: float, width: float, height: float, cols: int, rows: int):
    return int(x // (width / cols)), int((height - y) // (height / rows))


def test_saddle_sheets_cells_and_orientation(labelled, tmp_path):
    result = impose_pdf(labelled, PrintSettings(), tmp_path / "out.pdf")
    reader = PdfReader(str(result.path))
    assert (result.sheets, len(reader.pages), result.padded) == (3, 6, 12)
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A4_LANDSCAPE
    # Blanks go before the back cover: P10 is page 12 of the booklet.
    expected = [{"P10": (0, 0), "P1": (1, 0)}, {"P2": (0, 0)}, {"P3": (1, 0)},
                {"P4": (0, 0), "P9": (1, 0)}, {"P8": (0, 0), "P5": (1, 0)},
                {"P6": (0, 0), "P7": (1, 0)}]
    for side, want in zip(reader.pages, expected):
        found = {label: cell_of(x, y, float(box.width), float(box.height), 2, 1)
                 for label, x, y, upright in labels(side) if upright}
        assert found == want
        assert all(upright for *_, upright in labels(side))


def test_long_edge_turns_every_back_side(labelled, tmp_path):
    result = impose_pdf(labelled, PrintSettings(duplex="long-edge"), tmp_path / "out.pdf")
    reader = PdfReader(str(result.path))
    for number, side in enumerate(reader.pages):
        upright = {up for *_, up in labels(side)}
        assert upright == ({True} if number % 2 == 0 else {False})
    back = {label: cell_of(x, y, *A4_LANDSCAPE, 2, 1) for label, x, y, _ in labels(reader.pages[1])}
    assert back == {"P2": (1, 0)}  # behind P1, once the sheet turns over its long edge


def test_minizine_one_side_top_row_upside_down(labelled, tmp_path):
    source = tmp_path / "eight.pdf"
    from pypdf import PdfWriter
    writer = PdfWriter()
    for page in PdfReader(str(labelled)).pages[:8]:
        writer.add_page(page)
    writer.write(str(source))
    result = impose_pdf(source, PrintSettings(scheme="minizine"), tmp_path / "out.pdf")
    reader = PdfReader(str(result.path))
    assert len(reader.pages) == 1
    found = {label: (cell_of(x, y, *A4_LANDSCAPE, 4, 2), upright)
             for label, x, y, upright in labels(reader.pages[0])}
    assert found["P1"] == ((3, 1), True) and found["P8"] == ((2, 1), True)
    assert found["P2"] == ((3, 0), False) and found["P5"] == ((0, 0), False)


def test_minizine_longer_than_eight_pages_is_refused(labelled, tmp_path, capsys):
    assert main(["impose", str(labelled), "-o", str(tmp_path / "x.pdf"),
                 "--scheme", "minizine"]) == 1
    err = capsys.readouterr().err
    assert "I602 a minizine holds 8 pages" in err and "saddle" in err
    assert not (tmp_path / "x.pdf").exists()


def test_cutstack_on_portrait_sheets(labelled, tmp_path):
    result = impose_pdf(labelled, PrintSettings(scheme="cutstack"), tmp_path / "out.pdf", 1, "A6")
    reader = PdfReader(str(result.path))
    box = reader.pages[0].mediabox
    assert float(box.width) < float(box.height) and result.sheets == 2


def test_creep_grows_with_the_depth_in_the_fold(tmp_path):
    pages = "".join(f"<section>P{n}</section>" for n in range(1, 17))
    source = tmp_path / "sixteen.pdf"
    HTML(string="<style>@page { size: A5; margin: 20mm } section { break-after: page; "
                "font-size: 40pt }</style>" + pages).write_pdf(str(source))
    plain = PdfReader(str(impose_pdf(source, PrintSettings(), tmp_path / "a.pdf").path))
    thick = parse_length("0.5mm")
    result = impose_pdf(source, PrintSettings(creep=thick), tmp_path / "b.pdf")
    crept = PdfReader(str(result.path))
    assert result.creep == pytest.approx((0, thick, 2 * thick, 3 * thick))
    shifts = []
    for sheet in range(4):
        before = {l: x for l, x, _, _ in labels(plain.pages[2 * sheet])}
        after = {l: x for l, x, _, _ in labels(crept.pages[2 * sheet])}
        right = next(l for l, x, _, _ in labels(plain.pages[2 * sheet]) if x > A4_LANDSCAPE[0] / 2)
        shifts.append(before[right] - after[right])  # right-hand pages move left, to the spine
    assert shifts == pytest.approx([0, thick, 2 * thick, 3 * thick], abs=0.01)


def test_build_writes_print_and_grayscale_variants_and_a_plan(tmp_path, capsys):
    project = copy_project("notes", tmp_path)
    spec = project / "pamphlet.toml"
    spec.write_text(spec.read_text() + '\n[print]\ncopies = 30\ncreep = "0.1mm"\nmarks = true\n'
                    'variants = ["read", "print", "print-bw"]\ninstructions = true\n')
    assert main(["build", str(project)]) == 0
    out = capsys.readouterr().out
    reading = PdfReader(str(project / "build" / "pamphlet.pdf"))
    imposed = PdfReader(str(project / "build" / "pamphlet-print.pdf"))
    pages = len(reading.pages)
    sheets = -(-pages // 4)
    assert len(imposed.pages) == 1 + 2 * sheets  # the instruction page, then both sides
    assert "How to print" in imposed.pages[0].extract_text()
    assert f"{sheets * 4} pages" in out and f"{sheets} sheets of A4" in out
    assert f"30 copies = {30 * sheets} sheets" in out and "flip on short edge" in out
    bw = PdfReader(str(project / "build" / "pamphlet-print-bw.pdf"))
    assert len(bw.pages) == len(imposed.pages)
    for page in bw.pages:
        data = page.get_contents().get_data()
        assert b" rg" not in data and b" RG" not in data


def test_blanks_go_before_the_colophon(tmp_path):
    from pamphlet.imposition import impose

    project = copy_project("notes", tmp_path)
    spec = project / "pamphlet.toml"
    text = spec.read_text().replace('link_notes = "footnote"',
                                    'link_notes = "footnote"\nessay_start = "any"')
    spec.write_text(text + '\n[print]\nscheme = "saddle"\n')
    result = build(project)
    assert result.ok and result.pages == 14 and result.imposed.blanks == 2
    reading = PdfReader(str(project / "build" / "pamphlet.pdf"))
    imposed = PdfReader(str(project / "build" / "pamphlet-print.pdf"))
    colophon = next(n for n, p in enumerate(reading.pages) if "Colophon" in p.extract_text())
    keep = len(reading.pages) - colophon
    plan = impose("saddle", len(reading.pages), keep)
    assert plan.sequence[-keep:] == tuple(range(colophon, len(reading.pages)))
    assert plan.sequence[-keep - 1] is None  # a blank just before the colophon
    sides = [side for sheet in plan.sheets for side in (sheet.front, sheet.back)]
    where = next(i for i, side in enumerate(sides) if any(c.page == colophon for c in side.cells))
    assert "Colophon" in imposed.pages[where].extract_text()
