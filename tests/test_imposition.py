"""Imposition checked by simulating the print shop: duplex, cutting, nesting, folding, reading.

The simulation knows only geometry: which edge a printer flips the sheet about, that a reader
turns leaves about the spine, and where the folds and cuts are. It reads the finished booklet
page by page and checks that it reads 1..n, upright, blanks where promised, back cover last.
"""

from __future__ import annotations

import dataclasses

import pytest

from pamphlet.project.imposition import Imposition, Side, impose, pad, signature_sizes


def printer_axis(flip: str, landscape: bool) -> str:
    """The axis a duplex printer turns the sheet about: parallel to the named edge."""
    short_edges_vertical = landscape
    return "vertical" if (flip == "short-edge") == short_edges_vertical else "horizontal"


def behind(side: Side, back: Side, col: int, row: int, axis: str) -> tuple[int | None, int]:
    """The back page physically behind a front position, and how it looks to a reader who
    turns the leaf about a vertical spine: (page, apparent rotation)."""
    if axis == "vertical":
        cell = back.at(side.cols - 1 - col, row)
        return cell.page, cell.rotate % 360
    cell = back.at(col, side.rows - 1 - row)
    return cell.page, (cell.rotate + 180) % 360


def read_folded(halves, axis: str, binding: str = "left") -> list[tuple[int | None, int]]:
    """Read nested folded half-sheets (outermost first): each half is (front, back, row).

    Bound on the left, the front cover is the right half of the outer sheet and the reader
    turns leaves leftwards; bound on the right, it is the left half, and they turn rightwards.
    """
    near, far = (1, 0) if binding == "left" else (0, 1)
    first, second = [], []
    for front, back, row in halves:
        cover = front.at(near, row)
        first += [(cover.page, cover.rotate), behind(front, back, near, row, axis)]
    for front, back, row in reversed(halves):
        other = front.at(far, row)
        second += [behind(front, back, far, row, axis), (other.page, other.rotate)]
    return first + second


def read(imposition: Imposition, flip: str, binding: str = "left") -> list[tuple[int | None, int]]:
    """Everything a reader meets, in order, with its apparent rotation."""
    axis = printer_axis(flip, imposition.landscape)
    sheets = imposition.sheets
    if imposition.scheme == "saddle":
        pages = []
        for number in sorted({sheet.signature for sheet in sheets}):
            halves = [(s.front, s.back, 0) for s in sheets if s.signature == number]
            pages += read_folded(halves, axis, binding)
        return pages
    if imposition.scheme == "cutstack":
        tops = [(s.front, s.back, 0) for s in sheets]
        bottoms = [(s.front, s.back, 1) for s in sheets]
        return read_folded(tops + bottoms, axis)
    if imposition.scheme == "minizine":
        return read_ring(sheets[0].front, binding)
    return [(cell.page, cell.rotate) for sheet in sheets for cell in sheet.front.cells]


def read_ring(side: Side, binding: str = "left") -> list[tuple[int | None, int]]:
    """A minizine: fold along the long middle (the top row goes behind, turning it upside
    down), cut the middle two columns' fold, and read around the cut from the front cover,
    the bottom right cell (bottom left when bound on the right), starting across the fold
    that was not cut."""
    cut = {1, 2}
    def neighbours(col, row):
        near = [(col + d, row) for d in (-1, 1) if 0 <= col + d < side.cols]
        if col not in cut:
            near.append((col, 1 - row))
        return near
    path, here, seen = [], (side.cols - 1 if binding == "left" else 0, 1), set()
    while here is not None:
        seen.add(here)
        cell = side.at(*here)
        path.append((cell.page, (cell.rotate + (180 if here[1] == 0 else 0)) % 360))
        options = [n for n in neighbours(*here) if n not in seen]
        vertical = [n for n in options if n[0] == here[0]]
        here = (vertical or options or [None])[0]
    return path


def check(imposition: Imposition, pages: int, flip: str, keep_last: int = 1,
          binding: str = "left") -> None:
    seen = read(imposition, flip, binding)
    assert all(rotation == 0 for _, rotation in seen), "a page is upside down"
    order = [page for page, _ in seen]
    assert [p for p in order if p is not None] == list(range(pages))
    keep = min(keep_last, max(pages - 1, 0))
    blanks = len(order) - pages
    assert order == list(range(pages - keep)) + [None] * blanks + list(range(pages - keep, pages))
    if pages > 1 and keep_last:
        assert order[-1] == pages - 1, "the back cover is not last"


FLIPS = ["short-edge", "long-edge"]
SIGNATURES = [None, 4, 8, 12, 16, 32, (16, 32), (8, 20)]


@pytest.mark.parametrize("flip", FLIPS)
@pytest.mark.parametrize("signature", SIGNATURES, ids=str)
def test_saddle_reads_in_order(signature, flip):
    for pages in range(1, 65):
        check(impose("saddle", pages, signature=signature, flip=flip), pages, flip)


@pytest.mark.parametrize("flip", FLIPS)
def test_cutstack_reads_in_order(flip):
    for pages in range(1, 65):
        imposition = impose("cutstack", pages, flip=flip)
        check(imposition, pages, flip)
        assert len(imposition.sheets) == -(-pages // 8)


def test_minizine_reads_in_order():
    for pages in range(1, 9):
        check(impose("minizine", pages), pages, "short-edge")


def test_minizine_top_row_is_upside_down_and_cover_bottom_right():
    side = impose("minizine", 8).sheets[0].front
    assert [side.at(c, 0).rotate for c in range(4)] == [180] * 4
    assert [side.at(c, 1).rotate for c in range(4)] == [0] * 4
    assert side.at(3, 1).page == 0 and side.at(2, 1).page == 7


@pytest.mark.parametrize("flip", FLIPS)
@pytest.mark.parametrize("signature", [None, 8, (16, 32)], ids=str)
def test_a_booklet_bound_on_the_right_reads_in_order_from_the_right(signature, flip):
    for pages in range(1, 49):
        imposition = impose("saddle", pages, signature=signature, flip=flip, binding="right")
        check(imposition, pages, flip, binding="right")
        if pages >= 3:
            with pytest.raises(AssertionError):  # read as a left-bound booklet, it is wrong
                check(imposition, pages, flip)
    for pages in range(1, 9):
        check(impose("minizine", pages, binding="right"), pages, "short-edge", binding="right")


def test_right_bound_outer_sheet_has_the_cover_on_the_left():
    outer = impose("saddle", 8, binding="right").sheets[0]
    assert [c.page for c in outer.front.cells] == [0, 7]  # cover left of the fold, back right
    assert [c.page for c in outer.back.cells] == [6, 1]
    assert impose("saddle", 8).sheets[0].front.cells[0].page == 7


def test_two_up_keeps_reading_order():
    for pages in range(1, 65):
        order = [page for page, _ in read(impose("2up", pages), "short-edge")]
        assert [p for p in order if p is not None] == list(range(pages))


@pytest.mark.parametrize("keep_last", [0, 1, 2, 3])
def test_blanks_go_before_the_kept_back_pages(keep_last):
    for pages in range(1, 40):
        check(impose("saddle", pages, keep_last=keep_last), pages, "short-edge", keep_last)


def test_padding():
    assert pad(5, 4) == (0, 1, 2, 3, None, None, None, 4)
    assert pad(4, 4) == (0, 1, 2, 3)
    assert pad(1, 4) == (0, None, None, None)
    assert pad(6, 8, keep_last=2) == (0, 1, 2, 3, None, None, 4, 5)


def test_signature_sizes():
    assert signature_sizes(21, None) == [24]
    assert signature_sizes(21, 8) == [8, 8, 8]
    assert signature_sizes(40, (16, 32)) == [20, 20]  # 40 pages, no blanks
    assert signature_sizes(48, (16, 32)) == [24, 24]  # ties go to the larger size
    assert signature_sizes(33, (16, 32)) == [20, 20]  # 7 blanks; 16 and 32 would leave 15 and 31


def test_the_simulation_catches_a_wrong_imposition():
    """Swap two cells of one side: the simulated booklet must no longer read in order."""
    good = impose("saddle", 16)
    sheet = good.sheets[1]
    swapped = tuple(dataclasses.replace(c, page=sheet.front.cells[1 - i].page)
                    for i, c in enumerate(sheet.front.cells))
    bad_sheet = dataclasses.replace(sheet, front=dataclasses.replace(sheet.front, cells=swapped))
    bad = dataclasses.replace(good, sheets=(good.sheets[0], bad_sheet, *good.sheets[2:]))
    with pytest.raises(AssertionError):
        check(bad, 16, "short-edge")


def test_the_simulation_catches_the_wrong_flip():
    """Backs laid out for a long-edge printer come out upside down on a short-edge one."""
    with pytest.raises(AssertionError, match="upside down"):
        check(impose("saddle", 8, flip="long-edge"), 8, "short-edge")


@pytest.mark.parametrize("scheme, multiple, landscape, grid", [
    ("saddle", 4, True, (2, 1)), ("minizine", 8, True, (4, 2)), ("cutstack", 8, False, (2, 2))])
def test_each_scheme_declares_its_sequence_sheet_and_grid(scheme, multiple, landscape, grid):
    """What the PDF stage reads besides the cells: the padded order, the sheet's orientation
    and every side's grid, back sides included."""
    for pages, keep_last in ((5, 2), (7, 0), (8, 1)):
        imposition = impose(scheme, pages, keep_last=keep_last)
        assert imposition.scheme == scheme
        assert imposition.sequence == pad(pages, multiple, keep_last)
        assert imposition.landscape is landscape
        for sheet in imposition.sheets:
            for side in (sheet.front, sheet.back):
                if side is not None:
                    assert (side.cols, side.rows) == grid
                    assert sorted((c.col, c.row) for c in side.cells) == sorted(
                        (c, r) for c in range(grid[0]) for r in range(grid[1]))


def test_two_up_puts_consecutive_pages_side_by_side():
    imposition = impose("2up", 5)
    assert imposition.sequence == (0, 1, 2, 3, 4, None) and imposition.landscape
    assert imposition.scheme == "2up"
    assert [[(c.page, c.col, c.row) for c in sheet.front.cells] for sheet in imposition.sheets] == [
        [(0, 0, 0), (1, 1, 0)], [(2, 0, 0), (3, 1, 0)], [(4, 0, 0), (None, 1, 0)]]
    assert all((s.front.cols, s.front.rows, s.back) == (2, 1, None) for s in imposition.sheets)


def test_every_cell_knows_how_deep_in_the_fold_its_sheet_lies():
    """Creep moves each page by its depth: sheet k of a signature (from outside) is k deep,
    on both sides; each signature starts again from the outside."""
    for flip in FLIPS:
        one = impose("saddle", 16, flip=flip)
        assert [[c.depth for c in side.cells] for sheet in one.sheets
                for side in (sheet.front, sheet.back)] == [[k, k] for k in range(4) for _ in "fb"]
        assert [sheet.depth for sheet in one.sheets] == [0, 1, 2, 3]
    two = impose("saddle", 16, signature=8)
    assert [(sheet.signature, sheet.depth) for sheet in two.sheets] == [(0, 0), (0, 1),
                                                                       (1, 0), (1, 1)]
    assert two.sequence == pad(16, 16) and impose("saddle", 13, 2, 8).sequence == pad(13, 16, 2)


def test_creep_moves_a_page_one_thickness_per_sheet_outside_it():
    from pamphlet.project.imposition import Cell, creep_shift

    assert [creep_shift(Cell(0, 0, 0, depth=k), 0.25) for k in range(4)] == [0, 0.25, 0.5, 0.75]


def test_signature_sizes_at_the_edges():
    assert signature_sizes(0, None) == [4] and signature_sizes(0, 8) == [8]
    assert signature_sizes(5, 8) == [8]  # one signature, not two
    assert signature_sizes(12, (4, 10)) == [4, 4, 4]  # 10 is not a size: 8 or 4 only
    assert signature_sizes(4, (5, 8)) == [8]  # 4 is below the range


def test_an_unknown_scheme_is_named():
    with pytest.raises(ValueError, match="unknown scheme 'fold'"):
        impose("fold", 8)
