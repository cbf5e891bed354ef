"""The imposed print PDF: source pages placed on sheets with pypdf, by `imposition`'s plan.

Diagnostic codes: I601 the input PDF cannot be read, I602 a minizine longer than 8 pages,
I603 a scheme that does not fit the page size (warning), I604 a page with no size or an
impossible one, I605 a PDF past one of pypdf's limits against hostile files.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import ArrayObject, ByteStringObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

from ..store.atomic import atomic_output
from ..diagnostics import fail, shorten
from ..project.imposition import Cell, Imposition, Side, creep_shift, impose
from ..project.printing import PrintSettings, sheet_size

MARK = 12.0  # the length of a crop or fold mark, in points
MARGIN_FOR_MARKS = 8 / 25.4 * 72  # room kept around the pages when marks are asked for


@dataclass(frozen=True)
class ImposeResult:
    path: Path
    scheme: str
    pages: int  # source pages
    padded: int  # pages after padding with blanks
    sheets: int
    sides: int  # printed sides per copy
    sheet_name: str
    sheet_size: tuple[float, float]
    creep: tuple[float, ...] = field(default=())  # the largest shift on each sheet, in points
    keep_last: int = 1  # the pages kept at the end after the padding (the plan's own)

    @property
    def blanks(self) -> int:
        return self.padded - self.pages


def impose_pdf(source: Path, settings: PrintSettings, target: Path, keep_last: int = 1,
               page_size: str | None = None, preface: Path | None = None) -> ImposeResult:
    """Impose the PDF at `source` into `target` (atomically) and say what was made.

    A `preface` PDF (the instruction page) goes first, on a sheet of its own.
    """
    with _untrusted(source):
        reader = _read(source)
        pages = len(reader.pages)
        if settings.scheme == "minizine" and pages > 8:
            raise fail("I602", f"a minizine holds 8 pages, and this pamphlet has {pages}",
                       source, hint='use scheme = "saddle" for a stapled booklet')
        plan = impose(settings.scheme, pages, keep_last, settings.signature, settings.duplex,
                      settings.binding)
        name, (width, height) = sheet_size(settings, page_size or _guess_size(reader))
        if plan.landscape != (width > height):
            width, height = height, width
        writer = PdfWriter()
        if preface is not None:
            writer.append(str(preface))
        forms: dict[int, object] = {}
        for sheet in plan.sheets:
            for side in (sheet.front, sheet.back):
                if side is not None:
                    _place_side(writer, reader, forms, side, width, height, settings)
        _same_identity(reader, writer)
        with atomic_output(target) as temporary:
            with open(temporary, "wb") as handle:
                writer.write(handle)
    creep = tuple(creep_shift(max(s.front.cells, key=lambda c: c.depth), settings.creep)
                  for s in plan.sheets)
    sides = sum(1 + (s.back is not None) for s in plan.sheets)
    return ImposeResult(target, settings.scheme, pages, len(plan.sequence), len(plan.sheets),
                        sides, name, (width, height), creep, keep_last)


def _same_identity(reader: PdfReader, writer: PdfWriter) -> None:
    """The imposed PDF keeps the reading PDF's title, author and dates, and the first half of
    its file identifier (the same document, PDF 32000 §14.4); the second half is its own."""
    if reader.metadata:
        writer.add_metadata({**reader.metadata, "/Producer": "pamphlet imposition (pypdf)"})
    variant_identifier(writer, reader.trailer.get("/ID"), "imposed")


def variant_identifier(writer: PdfWriter, ids, variant: str) -> None:
    """Give `writer` the file identifier of a version of the PDF whose identifier is `ids`:
    the same first half, and a second half derived from the original's and `variant`, so
    that it is reproducible. (pypdf has no public setter; it writes whatever `_ID` holds.)"""
    if ids:
        first, second = (bytes(i.original_bytes) for i in ids)
        own = hashlib.md5(second + variant.encode()).hexdigest().encode()
        writer._ID = ArrayObject([ByteStringObject(first), ByteStringObject(own)])


# ISO 32000 (Annex C): a page is at least 3 and at most 14,400 units (200 inches) a side.
PAGE_SIDE = (3.0, 14_400.0)


def _read(source: Path) -> PdfReader:
    reader = PdfReader(str(source))
    if reader.is_encrypted:
        raise fail("I601", "the PDF is encrypted", source, hint="impose an unencrypted copy")
    if not reader.pages:
        raise fail("I601", "the PDF has no pages", source,
                   hint="impose a PDF with at least one page")
    for number, page in enumerate(reader.pages, 1):
        width, height = (float(page.mediabox.width), float(page.mediabox.height))
        if not all(math.isfinite(v) and PAGE_SIDE[0] <= v <= PAGE_SIDE[1] for v in (width, height)):
            raise fail("I604", f"page {number} measures {width:g} × {height:g} pt, and a page "
                       f"must measure {PAGE_SIDE[0]:g} to {PAGE_SIDE[1]:,g} pt a side", source,
                       hint="the page's MediaBox is broken; export the PDF again")
    return reader


@contextlib.contextmanager
def _untrusted(source: Path):
    """pypdf's exceptions on a corrupt or hostile PDF, as diagnostics.

    A broken file can fail anywhere pypdf reads it, not only when it is opened: in a page's
    box, resources or content stream, and in many ways (KeyError, TypeError, ...).
    """
    try:
        yield
    except LimitReachedError as error:
        raise fail("I605", f"the PDF goes past a limit pypdf sets against hostile files: {error}",
                   source, hint="a stream unpacks to more than pypdf allows; if the PDF is "
                   "yours, print it to a new PDF and impose that") from None
    except (OSError, PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            ArithmeticError, RecursionError) as error:
        raise fail("I601", f"cannot read the PDF: {shorten(str(error) or type(error).__name__)}",
                   source, hint="check that the file is a PDF, and not damaged") from None


def _guess_size(reader: PdfReader) -> str:
    box = reader.pages[0].mediabox
    width_mm = float(box.width) / 72 * 25.4
    return min({"A5": 148, "A6": 105, "half-letter": 139.7, "quarter-letter": 107.95}.items(),
               key=lambda item: abs(item[1] - width_mm))[0]


def _place_side(writer: PdfWriter, reader: PdfReader, forms: dict, side: Side, width: float,
                height: float, settings: PrintSettings) -> None:
    """One printed side: each page drawn as a form XObject, so no content is parsed again."""
    page = writer.add_blank_page(width, height)
    margin = MARGIN_FOR_MARKS if settings.marks else 0.0
    cell_w, cell_h = (width - 2 * margin) / side.cols, (height - 2 * margin) / side.rows
    xobjects, ops = DictionaryObject(), []
    for cell in side.cells:
        if cell.page is None:
            continue
        source = reader.pages[cell.page]
        if cell.page not in forms:
            forms[cell.page] = _as_form(writer, source)
        box = _cell_box(cell, side, source, margin, cell_w, cell_h, height, settings)
        matrix = " ".join(f"{v:.4f}" for v in _transform(cell, source, box).ctm)
        name = f"/P{cell.page}"
        xobjects[NameObject(name)] = forms[cell.page]
        ops.append(f"q {matrix} cm {name} Do Q")
    if settings.marks:
        ops += _marks(side, width, height, margin, cell_w, cell_h)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode())
    page[NameObject("/Contents")] = writer._add_object(stream)


def _as_form(writer: PdfWriter, page: PageObject):
    """A source page as a form XObject in the writer: its content, resources and box."""
    form = DecodedStreamObject()
    contents = page.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    box = page.mediabox
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (
            box.left, box.bottom, box.right, box.top)),
        NameObject("/Resources"): page.get("/Resources", DictionaryObject()).clone(writer),
    })
    return writer._add_object(form)


def _cell_box(cell: Cell, side: Side, source: PageObject, margin: float, cell_w: float,
              cell_h: float, height: float, settings: PrintSettings) -> tuple[float, ...]:
    """Where the page lands: x, y (PDF origin at bottom left), width, height."""
    sw, sh = float(source.mediabox.width), float(source.mediabox.height)
    scale = min(cell_w / sw, cell_h / sh)
    x = margin + cell.col * cell_w + (cell_w - sw * scale) / 2
    y = height - margin - (cell.row + 1) * cell_h + (cell_h - sh * scale) / 2
    if side.cols == 2 and settings.creep:
        # Toward the spine, the sheet's vertical middle.
        x += creep_shift(cell, settings.creep) * (1 if cell.col == 0 else -1)
    return x, y, sw * scale, sh * scale, scale


def _transform(cell: Cell, source: PageObject, box: tuple[float, ...]) -> Transformation:
    x, y, w, h, scale = box
    left, bottom = float(source.mediabox.left), float(source.mediabox.bottom)
    t = Transformation().translate(-left, -bottom).scale(scale, scale)
    if cell.rotate == 180:
        t = t.rotate(180).translate(w, h)
    return t.translate(x, y)


def _marks(side: Side, width: float, height: float, margin: float, cell_w: float,
           cell_h: float) -> list[str]:
    """Crop marks at the corners of the page block, fold marks where the folds meet the edge."""
    ops = ["q", "0.3 w", "0 G"]
    left, right, bottom, top = margin, width - margin, margin, height - margin
    for x in (left, right):
        for y in (bottom, top):
            dx = -1 if x == left else 1
            dy = -1 if y == bottom else 1
            ops += [f"{x + dx * 2:.2f} {y:.2f} m {x + dx * (2 + MARK):.2f} {y:.2f} l S",
                    f"{x:.2f} {y + dy * 2:.2f} m {x:.2f} {y + dy * (2 + MARK):.2f} l S"]
    ops.append("[3 2] 0 d")
    for col in range(1, side.cols):
        x = left + col * cell_w
        ops += [f"{x:.2f} {top + 2:.2f} m {x:.2f} {top + 2 + MARK:.2f} l S",
                f"{x:.2f} {bottom - 2:.2f} m {x:.2f} {bottom - 2 - MARK:.2f} l S"]
    for row in range(1, side.rows):
        y = bottom + row * cell_h
        ops += [f"{left - 2:.2f} {y:.2f} m {left - 2 - MARK:.2f} {y:.2f} l S",
                f"{right + 2:.2f} {y:.2f} m {right + 2 + MARK:.2f} {y:.2f} l S"]
    return ops + ["Q"]
