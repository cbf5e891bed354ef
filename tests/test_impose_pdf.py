"""The imposed PDF: sheet size and count, each page's label in its cell and the right way up,
creep growing with depth, grayscale, the print plan, and the `impose` command."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader
from weasyprint import HTML

from pamphlet.build.pipeline import build
from pamphlet.cli import main
from pamphlet.outputs.impose import impose_pdf
from pamphlet.project.printing import PrintSettings, parse_length

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


def labels(path: Path, index: int) -> list[tuple[str, float, float, bool]]:
    """(label, x, y, upright) for each P<n> label on one imposed side, read with PDFium,
    which follows form XObjects and their matrices as a viewer does."""
    document = pdfium.PdfDocument(str(path))
    page = document[index]
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    found = []
    for match in re.finditer(r"P\d+", text):
        left, bottom, right, top = textpage.get_charbox(match.start())
        angle = pdfium_c.FPDFText_GetCharAngle(textpage, match.start())
        upright = min(abs(angle), abs(angle - 2 * math.pi)) < 0.1
        found.append((match.group(), (left + right) / 2, (bottom + top) / 2, upright))
    return found


def cell_of(x: float, y: float, width: float, height: float, cols: int, rows: int):
    return int(x // (width / cols)), int((height - y) // (height / rows))


def assert_cells(path: Path, expected: list[dict[str, tuple[int, int]]]) -> None:
    """Each side of a two-column imposition holds these labels in these cells, upright."""
    box = PdfReader(str(path)).pages[0].mediabox
    for index, want in enumerate(expected):
        found = {label: cell_of(x, y, float(box.width), float(box.height), 2, 1)
                 for label, x, y, upright in labels(path, index)}
        assert found == want, index
        assert all(upright for *_, upright in labels(path, index)), index


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
    assert_cells(result.path, expected)


def test_a_right_bound_booklet_mirrors_every_side(labelled, tmp_path, capsys):
    """Bound on the right (Hebrew, Arabic): the cover left of the fold, the back cover right;
    the CLI's --binding gives the same sheets."""
    result = impose_pdf(labelled, PrintSettings(binding="right"), tmp_path / "out.pdf")
    assert_cells(result.path, [{"P1": (0, 0), "P10": (1, 0)}, {"P2": (1, 0)}, {"P3": (0, 0)},
                               {"P9": (0, 0), "P4": (1, 0)}, {"P5": (0, 0), "P8": (1, 0)},
                               {"P7": (0, 0), "P6": (1, 0)}])
    assert main(["impose", str(labelled), "-o", str(tmp_path / "cli.pdf"), "--binding", "right"]) == 0
    assert [labels(tmp_path / "cli.pdf", i) for i in range(6)] == \
        [labels(result.path, i) for i in range(6)]


def test_long_edge_turns_every_back_side(labelled, tmp_path):
    result = impose_pdf(labelled, PrintSettings(duplex="long-edge"), tmp_path / "out.pdf")
    reader = PdfReader(str(result.path))
    for number in range(len(reader.pages)):
        upright = {up for *_, up in labels(result.path, number)}
        assert upright == ({True} if number % 2 == 0 else {False})
    back = {label: cell_of(x, y, *A4_LANDSCAPE, 2, 1) for label, x, y, _ in labels(result.path, 1)}
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
             for label, x, y, upright in labels(result.path, 0)}
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
    plain = impose_pdf(source, PrintSettings(), tmp_path / "a.pdf").path
    thick = parse_length("0.5mm")
    result = impose_pdf(source, PrintSettings(creep=thick), tmp_path / "b.pdf")
    assert result.creep == pytest.approx((0, thick, 2 * thick, 3 * thick))
    shifts = []
    for sheet in range(4):
        before = {l: x for l, x, _, _ in labels(plain, 2 * sheet)}
        after = {l: x for l, x, _, _ in labels(result.path, 2 * sheet)}
        right = next(l for l, x in before.items() if x > A4_LANDSCAPE[0] / 2)
        left = next(l for l, x in before.items() if x < A4_LANDSCAPE[0] / 2)
        # Right-hand pages move left and left-hand pages right: toward the spine.
        shifts.append((before[right] - after[right], after[left] - before[left]))
    flat = [shift for pair in shifts for shift in pair]
    assert flat == pytest.approx([k * thick for k in range(4) for _ in "lr"], abs=0.01)


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
    assert colour_operators(imposed) & {b"rg", b"RG"}, "the colour PDF has colours"
    assert not colour_operators(bw) & {b"rg", b"RG", b"k", b"K"}


def colour_operators(reader: PdfReader) -> set[bytes]:
    """Every colour-setting operator in the pages and the form XObjects they draw."""
    from pypdf.generic import ContentStream

    found, seen = set(), set()

    def walk(stream, resources):
        for _, operator in ContentStream(stream, reader).operations:
            if operator in (b"rg", b"RG", b"k", b"K", b"g", b"G"):
                found.add(operator)
        for xobject in ((resources or {}).get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
                seen.add(id(xobject))
                walk(xobject, xobject.get("/Resources"))

    for page in reader.pages:
        walk(page.get_contents(), page.get("/Resources"))
    return found


def test_grayscale_turns_images_gray(tmp_path):
    from PIL import Image

    from pamphlet.outputs.grayscale import grayscale_pdf, luminance

    Image.new("RGB", (40, 20), (200, 30, 30)).save(tmp_path / "red.png")
    source = tmp_path / "red.pdf"
    HTML(string="<p style='color: rgb(0, 0, 255)'>Blue text</p><img src='red.png'/>",
         base_url=str(tmp_path) + "/").write_pdf(str(source))
    grayscale_pdf(source, tmp_path / "gray.pdf")
    page = PdfReader(str(tmp_path / "gray.pdf")).pages[0]
    images = page.images
    assert len(images) == 1 and images[0].image.mode == "L"
    expected = round(luminance(200 / 255, 30 / 255, 30 / 255) * 255)
    assert abs(images[0].image.getpixel((5, 5)) - expected) <= 1
    assert not colour_operators(PdfReader(str(tmp_path / "gray.pdf"))) & {b"rg", b"RG"}


def test_blanks_go_before_the_colophon(tmp_path):
    from pamphlet.project.imposition import impose

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


def test_fit_chooses_a_step_that_saves_blank_pages(tmp_path, capsys):
    """The notes project with essays starting on any page is 14 pages: 2 blanks in a saddle
    booklet. Fit tries smaller type and tighter leading, and must report what it chose."""
    project = copy_project("notes", tmp_path)
    spec = project / "pamphlet.toml"
    text = spec.read_text().replace('link_notes = "footnote"',
                                    'link_notes = "footnote"\nessay_start = "any"')
    spec.write_text(text + '\n[print]\nfit = true\n')
    assert main(["build", str(project)]) == 0
    out = capsys.readouterr().out
    fit = next(line.strip() for line in out.splitlines() if line.strip().startswith("fit:"))
    pages = len(PdfReader(str(project / "build" / "pamphlet.pdf")).pages)
    # Without fit: 14 pages, printed on 16 with 2 blank. Fit may not use more paper.
    assert pages in (12, 16) and fit.endswith(f"{pages} pages, 0 blank when printed on {pages} pages")
    assert not fit.startswith("fit: type 100%, leading 100%")


def test_pocket_layout_on_a6_with_cutstack(tmp_path):
    project = copy_project("notes", tmp_path)
    spec = project / "pamphlet.toml"
    spec.write_text(spec.read_text().replace('layout = "zine"', 'layout = "pocket"')
                    .replace('page_size = "A5"', 'page_size = "A6"')
                    + '\n[print]\nscheme = "cutstack"\n')
    result = build(project)
    assert result.ok, [d.format() for d in result.diagnostics]
    reading = PdfReader(str(project / "build" / "pamphlet.pdf"))
    box = reading.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (105, 148)
    imposed = PdfReader(str(project / "build" / "pamphlet-print.pdf"))
    sheet = imposed.pages[0].mediabox
    assert (round(float(sheet.width)), round(float(sheet.height))) == (595, 842)  # A4 portrait
    assert len(imposed.pages) == 2 * -(-len(reading.pages) // 8)
