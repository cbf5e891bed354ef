"""Files for a print shop hold the page counts shops take: a perfect-bound block an even
number of pages (or the printer's multiple, [print] page_multiple), a saddle-stitched press
file a multiple of four; the blank pages that make them up are said in the plan."""

from __future__ import annotations

import pikepdf
import pytest
from pypdf import PdfReader

from pamphlet.cli import main
from test_diagnostics import essay_with, write_project

MM = 72 / 25.4
ESSAY = essay_with("\n\n".join(f"Paragraph {n}: the copy shop's machine warms up while we "
                               "talk about paper and glue. " * 6 for n in range(30)))


def spec(printing: str) -> str:
    return (f'title = "Bound"\neditor = "The Collective"\nessays = ["one"]\n\n'
            f'[print]\n{printing}\n')


def build(tmp_path, printing: str, capsys) -> tuple:
    project = write_project(tmp_path / "project", spec(printing), {"source/one.md": ESSAY})
    capsys.readouterr()
    assert main(["build", str(project)]) == 0
    return project / "build", capsys.readouterr().out


def blank(page) -> bool:
    return not (page.extract_text() or "").strip()


@pytest.mark.parametrize("multiple", [None, 16])
def test_a_perfect_bound_block_is_made_up_to_an_even_count(multiple, tmp_path, capsys):
    extra = f"page_multiple = {multiple}\n" if multiple else ""
    out, printed = build(tmp_path, 'scheme = "perfect"\npaper = "0.1mm"\n'
                         'variants = ["read", "print", "print-bw", "press"]\n' + extra, capsys)
    reading = PdfReader(out / "pamphlet.pdf")
    inside = len(reading.pages) - 3  # without the front cover, its back, and the back cover
    wanted = -(-inside // (multiple or 2)) * (multiple or 2)
    assert inside % 2 == 1 and wanted > inside  # (the book as built needs making up)
    for name in ("pamphlet-print.pdf", "pamphlet-print-bw.pdf", "pamphlet-press.pdf"):
        pages = PdfReader(out / name).pages
        assert len(pages) == wanted, name
        assert all(blank(page) for page in pages[inside:]) and not blank(pages[inside - 1])
        assert pages[inside - 1].extract_text().strip().startswith("Colophon")
    with pikepdf.open(out / "pamphlet-press.pdf") as press:
        trims = {tuple(float(v) for v in page.TrimBox) for page in press.pages}
        bleeds = {tuple(float(v) for v in page.BleedBox) for page in press.pages}
        assert len(trims) == len(bleeds) == 1  # the blank pages are trimmed as the others
    with pikepdf.open(out / "pamphlet-cover.pdf") as cover:
        trim = [float(v) for v in cover.pages[0].TrimBox]
    width = float(reading.pages[0].mediabox.width)
    assert trim[2] - trim[0] - 2 * width == pytest.approx(wanted / 2 * 0.1 * MM, abs=0.01)
    blanks = wanted - inside
    assert f"{wanted} pages (with {blanks} blank) in reading order for " \
           "perfect binding" in printed
    assert f"press: {wanted} pages (with {blanks} blank at the end), PDF/X-4" in printed
    assert f"pamphlet-print.pdf ({wanted} pages)" in printed


def test_a_saddle_stitched_press_file_is_made_up_to_four_before_the_colophon(tmp_path, capsys):
    out, printed = build(tmp_path, 'variants = ["read", "press"]\npage_multiple = 8\n', capsys)
    reading = PdfReader(out / "pamphlet.pdf").pages
    press = PdfReader(out / "pamphlet-press.pdf").pages
    wanted = -(-len(reading) // 8) * 8
    blanks = wanted - len(reading)
    assert blanks > 0 and len(press) == wanted
    colophon = next(n for n, page in enumerate(reading) if "Colophon" in page.extract_text())
    assert all(blank(page) for page in press[colophon:colophon + blanks])
    assert "Colophon" in press[colophon + blanks].extract_text()
    assert press[-1].extract_text() == reading[-1].extract_text()  # the back cover stays last
    assert f"press: {wanted} pages (with {blanks} blank before the colophon)" in printed


def test_the_press_files_blanks_are_said_in_the_books_language(tmp_path, capsys):
    """The press line's count of blank pages, and where they go, is in the book's words."""
    project = write_project(tmp_path / "project", spec(
        'variants = ["read", "press"]\npage_multiple = 8\n').replace(
        'essays =', 'lang = "fr"\nessays ='), {"source/one.md": ESSAY})
    capsys.readouterr()
    assert main(["build", str(project)]) == 0
    printed = capsys.readouterr().out
    pages = len(PdfReader(project / "build" / "pamphlet-press.pdf").pages)
    blanks = pages - len(PdfReader(project / "build" / "pamphlet.pdf").pages)
    assert blanks > 1
    (line,) = [line.strip() for line in printed.splitlines() if "press:" in line]
    assert line == f"press: {pages} pages (dont {blanks} blanches avant le colophon), PDF/X-4"


@pytest.mark.parametrize("value, code", [("3", "P178"), ("0", "P178"), ("512", "P178"),
                                          ("-2", "P178"), ('"four"', "P103"), ("true", "P103")])
def test_page_multiple_is_an_even_number_the_spec_says_at_its_line(value, code, tmp_path,
                                                                    capsys):
    project = write_project(tmp_path / "project", spec(f'scheme = "perfect"\n'
                                                       f"page_multiple = {value}\n"),
                            {"source/one.md": ESSAY})
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"pamphlet.toml:7: {code} " in err and "Traceback" not in err
    assert not (project / "build" / "pamphlet.pdf").exists()


def test_the_instructions_count_one_sheet_in_words(tmp_path, capsys):
    project = write_project(tmp_path / "project", 'title = "Mini"\nessays = ["one"]\n'
                            '[pdf]\npage_size = "A6"\n[print]\nscheme = "minizine"\n'
                            'instructions = true\n', {"source/one.md": essay_with("Short.")})
    assert main(["build", str(project)]) == 0
    first = PdfReader(project / "build" / "pamphlet-print.pdf").pages[0].extract_text()
    assert "This job: 1 sheet a copy." in " ".join(first.split()), first
