"""Imposition: where each page of a pamphlet goes on the printed sheets (pure, no PDF objects).

Schemes:
- saddle: two pages side by side on each side of a landscape sheet; the sheets of a
  signature nest and fold in half, and are stapled on the fold. Several signatures stack.
- minizine: eight pages on one side of one landscape sheet, a 4x2 grid with the top row
  upside down; fold in half along the long middle, cut the middle half of that fold, and
  fold into a booklet. Pages run in a loop around the cut: 1 at bottom right, then up and
  along the top row to the left, down, and along the bottom row to 8 beside 1.
- cutstack: eight pages on each portrait sheet, four on each side (2x2). The pile is cut
  across the middle; the pile of top halves goes on the pile of bottom halves, and the
  whole stack folds as one booklet. Top half of sheet j is booklet sheet j, bottom half is
  booklet sheet S + j, where S is the number of printed sheets.
- 2up: two pages side by side on one side of each sheet, in reading order.

Blank pages pad the count to the scheme's multiple; they go before the last `keep_last`
pages (the back cover), never after it.

Duplex: the sheet turns over either about its vertical axis (the back is mirrored left to
right) or about its horizontal axis (mirrored top to bottom and so turned 180 degrees).
For a landscape sheet the vertical axis is the short-edge flip; for a portrait sheet it is
the long-edge flip. Backs are laid out for whichever flip the printer does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

SCHEMES = ("saddle", "minizine", "cutstack", "2up")


@dataclass(frozen=True)
class Cell:
    """One page's place on a side: its column and row (0 at top left) and its turn."""

    page: int | None  # index into the source pages, or None for a blank
    col: int
    row: int
    rotate: int = 0  # 0 or 180 degrees
    depth: int = 0  # how many folded sheets lie outside this one (for creep)


@dataclass(frozen=True)
class Side:
    cols: int
    rows: int
    cells: tuple[Cell, ...]

    def at(self, col: int, row: int) -> Cell:
        return next(cell for cell in self.cells if (cell.col, cell.row) == (col, row))


@dataclass(frozen=True)
class Sheet:
    """A printed sheet: its front, its back (None if one-sided), and its signature."""

    front: Side
    back: Side | None
    signature: int = 0

    @property
    def depth(self) -> int:
        """The deepest fold position of any page on the sheet (0: outermost)."""
        return max(cell.depth for cell in self.front.cells)


@dataclass(frozen=True)
class Imposition:
    scheme: str
    sequence: tuple[int | None, ...]  # the padded reading order: source page or blank
    sheets: tuple[Sheet, ...]
    landscape: bool

    @property
    def blanks(self) -> int:
        return sum(page is None for page in self.sequence)


def pad(pages: int, multiple: int, keep_last: int = 1) -> tuple[int | None, ...]:
    """The reading order padded with blanks to a multiple, the blanks before the back matter."""
    keep = min(keep_last, max(pages - 1, 0))
    total = max(multiple, math.ceil(pages / multiple) * multiple)
    body = tuple(range(pages - keep))
    return body + (None,) * (total - pages) + tuple(range(pages - keep, pages))


def signature_sizes(pages: int, signature: int | tuple[int, int] | None) -> list[int]:
    """The page count of each signature: one for the whole book, fixed sizes, or the best in a range.

    For a range, the size (a multiple of 4) that leaves the fewest blank pages wins; on a tie
    the larger signature, which means fewer to stack.
    """
    whole = max(4, math.ceil(pages / 4) * 4)
    if signature is None:
        return [whole]
    if isinstance(signature, tuple):
        low, high = signature
        candidates = range(high - high % 4, max(low, 4) - 1, -4)
        signature = min(candidates, key=lambda size: math.ceil(pages / size) * size - pages)
    count = max(1, math.ceil(pages / signature))
    return [signature] * count


def impose(scheme: str, pages: int, keep_last: int = 1, signature=None,
           flip: str = "short-edge", binding: str = "left") -> Imposition:
    """Impose `pages` source pages with a scheme; `flip` is the printer's duplex setting.

    A booklet bound on the right (for a right-to-left language) is the mirror image of one
    bound on the left: every page keeps its side of the sheet and changes its column.
    """
    if scheme in ("saddle", "minizine"):
        booklet = _saddle(pages, keep_last, signature, flip) if scheme == "saddle" \
            else _minizine(pages, keep_last)
        return _mirrored(booklet) if binding == "right" else booklet
    if scheme == "cutstack":
        return _cutstack(pages, keep_last, flip)
    if scheme == "2up":
        return _two_up(pages)
    raise ValueError(f"unknown scheme {scheme!r}")


def _mirrored(imposition: Imposition) -> Imposition:
    def mirror(side: Side | None) -> Side | None:
        if side is None:
            return None
        cells = (replace(c, col=side.cols - 1 - c.col) for c in side.cells)
        return replace(side, cells=tuple(sorted(cells, key=lambda c: (c.row, c.col))))
    return replace(imposition, sheets=tuple(
        replace(sheet, front=mirror(sheet.front), back=mirror(sheet.back))
        for sheet in imposition.sheets))


def flips_vertically(flip: str, landscape: bool) -> bool:
    """Whether the sheet turns about its vertical axis (back mirrored left to right)."""
    return (flip == "short-edge") == landscape


def _back(cells: list[Cell], cols: int, rows: int, flip: str, landscape: bool) -> Side:
    """A back side written as seen through the sheet (mirrored left-right), then fitted to
    the printer's flip: about the horizontal axis it also turns 180 degrees."""
    if flips_vertically(flip, landscape):
        placed = [Cell(c.page, cols - 1 - c.col, c.row, c.rotate, c.depth) for c in cells]
    else:
        placed = [Cell(c.page, c.col, rows - 1 - c.row, (c.rotate + 180) % 360, c.depth)
                  for c in cells]
    return Side(cols, rows, tuple(sorted(placed, key=lambda c: (c.row, c.col))))


def _fold_sheet(leaves: list[int | None], k: int, row: int = 0) -> tuple[list[Cell], list[Cell]]:
    """Front and back cells of the k-th sheet (from outside) of a folded booklet of `leaves`.

    The back cells are given as seen through the front: page 2 lies behind page 1.
    """
    n = len(leaves)
    front = [Cell(leaves[n - 1 - 2 * k], 0, row, 0, k), Cell(leaves[2 * k], 1, row, 0, k)]
    behind = [Cell(leaves[n - 2 - 2 * k], 0, row, 0, k), Cell(leaves[2 * k + 1], 1, row, 0, k)]
    return front, behind


def _saddle(pages: int, keep_last: int, signature, flip: str) -> Imposition:
    sizes = signature_sizes(pages, signature)
    sequence = pad(pages, 4, keep_last) if len(sizes) == 1 else pad(pages, sum(sizes), keep_last)
    if len(sizes) == 1:
        sizes = [len(sequence)]
    sheets, start = [], 0
    for number, size in enumerate(sizes):
        leaves = list(sequence[start:start + size])
        for k in range(size // 4):
            front, behind = _fold_sheet(leaves, k)
            sheets.append(Sheet(Side(2, 1, tuple(front)), _back(behind, 2, 1, flip, True),
                                number))
        start += size
    return Imposition("saddle", sequence, tuple(sheets), landscape=True)


def _minizine(pages: int, keep_last: int) -> Imposition:
    sequence = pad(pages, 8, keep_last)
    # The loop around the cut: (col, row) of reading positions 1..8, top row upside down.
    loop = [(3, 1), (3, 0), (2, 0), (1, 0), (0, 0), (0, 1), (1, 1), (2, 1)]
    cells = tuple(sorted((Cell(sequence[i], col, row, 180 if row == 0 else 0)
                          for i, (col, row) in enumerate(loop)), key=lambda c: (c.row, c.col)))
    return Imposition("minizine", sequence, (Sheet(Side(4, 2, cells), None),), landscape=True)


def _cutstack(pages: int, keep_last: int, flip: str) -> Imposition:
    sequence = pad(pages, 8, keep_last)
    printed = len(sequence) // 8
    sheets = []
    for j in range(printed):
        front, behind = [], []
        for row, k in ((0, j), (1, printed + j)):
            f, b = _fold_sheet(list(sequence), k, row)
            front += f
            behind += b
        sheets.append(Sheet(Side(2, 2, tuple(sorted(front, key=lambda c: (c.row, c.col)))),
                            _back(behind, 2, 2, flip, False)))
    return Imposition("cutstack", sequence, tuple(sheets), landscape=False)


def _two_up(pages: int) -> Imposition:
    sequence = tuple(range(pages)) + ((None,) if pages % 2 else ())
    sheets = tuple(Sheet(Side(2, 1, (Cell(sequence[i], 0, 0), Cell(sequence[i + 1], 1, 0))), None)
                   for i in range(0, len(sequence), 2))
    return Imposition("2up", sequence, sheets, landscape=True)


def creep_shift(cell: Cell, thickness: float) -> float:
    """How far to move a page toward the spine, in the unit of `thickness`.

    A folded sheet wraps around every sheet inside it, so each sheet further in pushes out
    at the fore-edge by about one paper thickness more than the one around it; trimmed flush,
    its outer margin would be that much narrower. A page k sheets in moves k x thickness.
    """
    return cell.depth * thickness
