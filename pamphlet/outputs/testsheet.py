"""A one-sheet printer test: print it duplex with the job's settings before the run, and the
sheet shows whether the copier flipped and scaled it right.

Front and back each carry "this side up", their side's number and the corner letters A to D.
The back's letters are placed so that, after the flip the job asks for, each lies behind the
same letter on the front (hold the sheet to the light); a wrong flip puts them behind the
opposite corners and the back's "this side up" upside down. Two small diagrams show the
long-edge and the short-edge flip, the job's one marked. A 100 mm ruler and a 4 inch ruler
check the scaling. The geometry, the corner letters and the rulers' numbers are drawn with
pypdf in the standard Helvetica; the words, in the book's language, are laid out by the engine
(engine/sheet.py) in a font with their script and put under the drawing.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import pikepdf
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from ..engine.sheet import Placed, placed_pdf
from ..locale.formats import number
from ..locale.words import Words
from ..store.atomic import atomic_output
from ..project.imposition import flips_vertically, impose
from ..project.printing import PrintSettings, sheet_size

_MM = 72 / 25.4
INSET = 18 * _MM  # the corner letters' distance from the edges
CORNERS = "ABCD"  # top left, top right, bottom right, bottom left, on the front


def write_test_sheet(settings: PrintSettings, page_size: str, target: Path,
                     words: Words = Words()) -> tuple[float, float]:
    """Write the two-sided test sheet for `settings` to `target`, its words in the language
    of `words`; return its size."""
    landscape = settings.scheme != "perfect" and impose(settings.scheme, 8).landscape
    _, (width, height) = sheet_size(settings, page_size)
    if landscape != (width > height):
        width, height = height, width
    vertical = flips_vertically(settings.duplex, landscape)
    writer, lines = PdfWriter(), []
    for side in (1, 2):
        ops, placed = _side(side, width, height, vertical, settings.duplex, landscape, words)
        _page(writer, width, height, ops)
        lines.append(placed)
    # TRANSLATORS: the test sheet's title in its PDF's properties.
    title = words.pgettext("testsheet_title", "Printer test sheet")
    writer.add_metadata({"/Title": title, "/Producer": "pamphlet (pypdf, WeasyPrint)"})
    drawn = io.BytesIO()
    writer.write(drawn)
    text = placed_pdf(lines, width, height, words.lang)
    with pikepdf.open(drawn) as sheet, pikepdf.open(io.BytesIO(text)) as under:
        for page, words_page in zip(sheet.pages, under.pages):
            page.add_underlay(words_page)
        with atomic_output(target) as temporary:
            sheet.save(temporary, deterministic_id=True)
    return width, height


def corner_points(width: float, height: float) -> dict[str, tuple[float, float]]:
    """Where the front's corner letters stand (PDF coordinates, origin bottom left)."""
    return {"A": (INSET, height - INSET), "B": (width - INSET, height - INSET),
            "C": (width - INSET, INSET), "D": (INSET, INSET)}


def behind(point: tuple[float, float], width: float, height: float,
           vertical: bool) -> tuple[float, float]:
    """The point of the back, as read after turning the sheet over, behind a front point:
    turned about the vertical axis, left and right change; about the horizontal, top and bottom."""
    x, y = point
    return (width - x, y) if vertical else (x, height - y)


def _side(side: int, width: float, height: float, vertical: bool, duplex: str,
          landscape: bool, words: Words) -> tuple[list[str], list[Placed]]:
    """One side's drawing (content stream operators) and its words."""
    ops = ["0 0 0 1 k 0 0 0 1 K"]
    ops += _arrow(width / 2, height - 40 * _MM, width / 2, height - 26 * _MM)
    for letter, point in corner_points(width, height).items():
        x, y = point if side == 1 else behind(point, width, height, vertical)
        ops += _text(letter, x - 10, y - 12, 34)
        ops.append(f"{x - 16:.2f} {y - 18:.2f} 32 36 re S")
    placed = _side_words(side, width, height, words)
    if side == 1:
        drawn, labels = _flip_diagrams(width, height, duplex, landscape, words)
        ops += drawn + _rulers(width)
        placed += labels + [Placed(words.pgettext(
            # TRANSLATORS: under the test sheet's rulers; 'fit to page' as the print dialogs
            # of the language call it.
            "testsheet_scale", "Scale check: the upper ruler must measure exactly 100 mm, the "
            "lower 4 inches. If not, turn off 'fit to page'."), 30 * _MM, 20 * _MM, 9,
            width - 60 * _MM, "center")]  # (between the corner letters, on two lines if need be)
    return ops, placed


def _side_words(side: int, width: float, height: float, words: Words) -> list[Placed]:
    """Which side this is, at the top under the arrow, and the two lines that say how to
    read the corner letters."""
    values = {"side": number(side, words.lang), "other": number(3 - side, words.lang),
              "sides": number(2, words.lang)}
    title = words.pgettext(
        # TRANSLATORS: at the top of the printer test sheet's front, under an arrow up.
        "testsheet_front", "THIS SIDE UP - FRONT - side %(side)s of %(sides)s", **values) \
        if side == 1 else words.pgettext(
        # TRANSLATORS: at the top of the printer test sheet's back, under an arrow up.
        "testsheet_back", "THIS SIDE UP - BACK - side %(side)s of %(sides)s", **values)
    order = words.pgettext(
        "testsheet_order", "Page order: this is side %(side)s; side %(other)s is on the other "
        "face.", **values)
    light = words.pgettext(
        # TRANSLATORS: the corner letters A to D of the front and the back of the test sheet.
        "testsheet_light", "Hold the sheet to the light: each letter must lie behind the same "
        "letter.")
    wide = width - 60 * _MM
    return [Placed(title, 30 * _MM, height - 22 * _MM, 14, wide, "center"),
            Placed(order, 30 * _MM, height - 52 * _MM, 10, wide),
            Placed(light, 30 * _MM, height - 58 * _MM, 10, wide)]


def _flip_diagrams(width: float, height: float, duplex: str, landscape: bool,
                   words: Words) -> tuple[list[str], list[Placed]]:
    """Two sheets in miniature, each with the edge it turns over on and a curved arrow, and
    a label under each."""
    ops, labels, scale = [], [], 34 * _MM / max(width, height)
    w, h = width * scale, height * scale
    for index, flip in enumerate(("long-edge", "short-edge")):
        x0, y0 = width / 2 - 70 * _MM + index * 80 * _MM, height / 2 - 20 * _MM
        chosen = flip == duplex
        ops += [f"{1.4 if chosen else 0.5} w", "[] 0 d" if chosen else "[3 2] 0 d",
                f"{x0:.2f} {y0:.2f} {w:.2f} {h:.2f} re S", "[] 0 d"]
        if flips_vertically(flip, landscape):  # turns on its left edge, like a book's page
            ops += [f"{x0:.2f} {y0 - 6:.2f} m {x0:.2f} {y0 + h + 6:.2f} l S"]
            ops += _curve((x0 + w * 0.8, y0 + h / 2), (x0 - w * 0.6, y0 + h / 2), up=True)
        else:  # turns on its top edge, like a wall calendar's
            ops += [f"{x0 - 6:.2f} {y0 + h:.2f} m {x0 + w + 6:.2f} {y0 + h:.2f} l S"]
            ops += _curve((x0 + w / 2, y0 + h * 0.2), (x0 + w / 2, y0 + h + h * 0.6), up=False)
        label = words.pgettext("testsheet_flip_long", "long-edge flip") \
            if flip == "long-edge" else words.pgettext("testsheet_flip_short", "short-edge flip")
        if chosen:
            # TRANSLATORS: under the miniature of the flip the print job asks for.
            label = words.pgettext("testsheet_this_job", "%(flip)s - THIS JOB", flip=label)
        labels.append(Placed(label, x0, y0 - 16, 11 if chosen else 9, 75 * _MM, "left"))
    return ops, labels


def _curve(start: tuple[float, float], end: tuple[float, float], up: bool) -> list[str]:
    """A curved arrow from `start` to `end`, bulging up (or to the right)."""
    (x1, y1), (x2, y2) = start, end
    bulge = 28.0
    cx1, cy1 = (x1, y1 + bulge) if up else (x1 + bulge, y1)
    cx2, cy2 = (x2, y2 + bulge) if up else (x2 + bulge, y2)
    ops = ["1 w", f"{x1:.2f} {y1:.2f} m {cx1:.2f} {cy1:.2f} {cx2:.2f} {cy2:.2f} {x2:.2f} {y2:.2f} c S"]
    return ops + _head(x2, y2, math.atan2(y2 - cy2, x2 - cx2))


def _arrow(x1: float, y1: float, x2: float, y2: float) -> list[str]:
    ops = ["1.5 w", f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l S"]
    return ops + _head(x2, y2, math.atan2(y2 - y1, x2 - x1))


def _head(x: float, y: float, angle: float, size: float = 7.0) -> list[str]:
    left = (x - size * math.cos(angle - 0.45), y - size * math.sin(angle - 0.45))
    right = (x - size * math.cos(angle + 0.45), y - size * math.sin(angle + 0.45))
    return [f"{x:.2f} {y:.2f} m {left[0]:.2f} {left[1]:.2f} l {right[0]:.2f} {right[1]:.2f} l f"]


def _rulers(width: float) -> list[str]:
    """A 100 mm ruler in millimetres and a 4 inch ruler in eighths, near the bottom."""
    ops = ["0.4 w"]
    x0 = width / 2 - 50 * _MM
    for base, unit, count, every, label in ((50 * _MM, _MM, 100, 10, "mm"),
                                            (30 * _MM, 9.0, 32, 8, "in")):
        ops.append(f"{x0:.2f} {base:.2f} m {x0 + count * unit:.2f} {base:.2f} l S")
        for tick in range(count + 1):
            length = 8 if tick % every == 0 else 5 if tick % (every // 2) == 0 else 3
            x = x0 + tick * unit
            ops.append(f"{x:.2f} {base:.2f} m {x:.2f} {base + length:.2f} l S")
            if tick % every == 0:
                ops += _text(str(tick // every * (10 if label == "mm" else 1)), x - 3, base - 10, 7)
        ops += _text(label, x0 + count * unit + 6, base, 8)
    return ops


def _text(text: str, x: float, y: float, size: float) -> list[str]:
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return [f"BT /F1 {size:g} Tf {x:.2f} {y:.2f} Td ({safe}) Tj ET"]


def _page(writer: PdfWriter, width: float, height: float, ops: list[str]) -> None:
    page = writer.add_blank_page(width, height)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica"),
                             NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
