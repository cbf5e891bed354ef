"""A grayscale copy of a PDF for black-and-white printing: colours and images turned to gray."""

from __future__ import annotations

import zlib
from decimal import Decimal
from pathlib import Path

import pikepdf
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject, NumberObject, StreamObject

from ..store.atomic import atomic_output
from .impose import variant_identifier

_RGB = {"rg": "g", "RG": "G"}
_CMYK = {"k": "g", "K": "G"}
_SET_COLOUR = {"sc": "fill", "scn": "fill", "SC": "stroke", "SCN": "stroke"}


def grayscale_pdf(source: Path, target: Path) -> None:
    """Write a copy of `source` whose vector colours and raster images are all gray."""
    writer = PdfWriter(clone_from=str(source))
    variant_identifier(writer, writer._ID, "grayscale")
    recolour(writer, _gray_operations, _gray_image)
    with atomic_output(target) as temporary, open(temporary, "wb") as handle:
        writer.write(handle)


def luminance(r: float, g: float, b: float) -> float:
    """The gray that looks as light as an RGB colour (ITU-R BT.601 weights)."""
    return round(0.299 * r + 0.587 * g + 0.114 * b, 4)


def _gray_operations(operations: list, spaces=None) -> list:
    return device_colours(operations, spaces, "/DeviceGray",
                          lambda r, g, b: [luminance(r, g, b)], _gray_direct)


def _gray_direct(operands: list, operator: str) -> tuple[list, str]:
    if operator in _RGB and len(operands) == 3:
        return [luminance(*map(float, operands))], _RGB[operator]
    if operator in _CMYK and len(operands) == 4:
        c, m, y, k = map(float, operands)
        gray = max(0.0, 1 - min(1.0, 0.3 * c + 0.59 * m + 0.11 * y + k))
        return [round(gray, 4)], _CMYK[operator]
    return operands, operator


def device_colours(instructions: list, spaces, device: str, convert, direct) -> list:
    """A content stream's colours in `device` ("/DeviceGray" or "/DeviceCMYK"):
    `instructions` as pikepdf.parse_content_stream reads them; a colour set
    in RGB, or in CIE L*a*b* (WeasyPrint's spaces for CSS lab(), lch() and oklch() colours),
    becomes `convert(r, g, b)`; `direct` rewrites the rg/RG-style operators. `spaces` is the
    stream's resources' /ColorSpace: what a named space is. The current fill and stroke
    spaces are followed through q and Q, so that a colour is only converted from the space it
    is in (other spaces, patterns among them, are left as they are). What it returns
    pikepdf.unparse_content_stream writes: each instruction that sets no colour as it was,
    the others as (operands, operator)."""
    spaces = spaces.get_object() if spaces is not None else {}
    current, saved, out = {"fill": _UNSEEN, "stroke": _UNSEEN}, [], []
    for instruction in instructions:
        operator = str(instruction.operator)
        if operator not in _WATCHED:  # most of a page: text, and where it stands
            out.append(instruction)
            continue
        operands = before = list(instruction.operands)
        if operator == "q":
            saved.append(dict(current))
        elif operator == "Q" and saved:
            current = saved.pop()
        elif operator in _SPACE and len(operands) == 1:
            current[_SPACE[operator]] = space = _space(str(operands[0]), spaces)
            if space[0] != "other":
                operands = [pikepdf.Name(device)]
        elif operator in _SET_COLOUR and len(operands) == 3 and all(map(_number, operands)):
            kind, white = current[_SET_COLOUR[operator]]
            values = [float(o) for o in operands]
            if kind == "lab":
                operands = list(convert(*lab_to_srgb(*values, white)))
            elif kind != "other":  # RGB, or a form's colour in the space it was drawn with
                operands = list(convert(*values))
        elif operator not in _SET_COLOUR:
            operands, operator = direct(operands, operator)
        out.append(instruction if operands is before else
                   (operands, pikepdf.Operator(operator)))
    return out


_SPACE = {"cs": "fill", "CS": "stroke"}
_UNSEEN = ("unseen", None)
# The operators that set or keep colours (the rest pass through unread).
_WATCHED = {"q", "Q", *_SPACE, *_SET_COLOUR, *_RGB, *_CMYK}


def _number(operand) -> bool:
    return isinstance(operand, (int, float, Decimal)) and not isinstance(operand, bool)


def parse_operations(data: bytes, scratch: pikepdf.Pdf) -> list:
    """A content stream's instructions, read by qpdf's parser through pikepdf (pypdf's
    pure-Python one took most of a small book's print outputs); `scratch` is any pikepdf
    document, which holds the stream while it is read."""
    return pikepdf.parse_content_stream(pikepdf.Stream(scratch, data))


def _space(name, spaces) -> tuple[str, tuple | None]:
    """("rgb", None), ("lab", its white point) or ("other", None): what `name` paints in."""
    if name == "/DeviceRGB":
        return "rgb", None
    found = spaces.get(name) if name not in ("/DeviceGray", "/DeviceCMYK", "/Pattern") else None
    found = found.get_object() if found is not None else None
    if found == "/DeviceRGB":
        return "rgb", None
    if isinstance(found, list) and found:
        family = found[0]
        details = found[1].get_object() if len(found) > 1 else {}
        if family == "/Lab":
            return "lab", tuple(float(v) for v in details.get("/WhitePoint", _D50_WHITE))
        if family == "/ICCBased" and int(details.get("/N", 0)) == 3:
            return "rgb", None
    return "other", None


# CIE L*a*b* to sRGB: XYZ under the space's white, adapted to sRGB's (Bradford) and encoded.
_D50_WHITE = (0.9642, 1.0, 0.8249)
_FROM_D50 = ((3.1338561, -1.6168667, -0.4906146), (-0.9787684, 1.9161415, 0.0334540),
             (0.0719453, -0.2289914, 1.4052427))
_FROM_D65 = ((3.2404542, -1.5371385, -0.4985314), (-0.9692660, 1.8760108, 0.0415560),
             (0.0556434, -0.2040259, 1.0572252))


def lab_to_srgb(lightness: float, a: float, b: float,
                white: tuple = _D50_WHITE) -> tuple[float, float, float]:
    """An L*a*b* colour under `white` (D50 or D65, as PDF's /Lab spaces give it) in sRGB,
    each component from 0 to 1 (a colour outside sRGB's gamut is clipped)."""
    fy = (lightness + 16) / 116
    xyz = [w * _lab_inverse(f) for w, f in zip(white, (fy + a / 500, fy, fy - b / 200))]
    matrix = _FROM_D50 if white[2] < 0.95 else _FROM_D65  # Z: D50's 0.82, D65's 1.09
    linear = [sum(m * v for m, v in zip(row, xyz)) for row in matrix]
    return tuple(round(_encoded(min(1.0, max(0.0, c))), 4) for c in linear)


def _lab_inverse(t: float) -> float:
    return t ** 3 if t > 6 / 29 else 3 * (6 / 29) ** 2 * (t - 4 / 29)


def _encoded(linear: float) -> float:
    return 12.92 * linear if linear <= 0.0031308 else 1.055 * linear ** (1 / 2.4) - 0.055


def recolour(writer: PdfWriter, operations, image) -> None:
    """Change every colour of every page: `operations` rewrites a content stream's
    (operands, operator) list, given its resources' colour spaces; `image` an image XObject
    in place."""
    done: set[int] = set()
    with pikepdf.new() as scratch:
        def redrawn(stream, holder) -> bytes:
            return pikepdf.unparse_content_stream(operations(
                parse_operations(stream.get_data(), scratch), _colour_spaces(holder)))
        for page in writer.pages:
            contents = page.get_contents()
            if contents is not None:
                stream = DecodedStreamObject()
                stream.set_data(redrawn(contents, page))
                page.replace_contents(stream)
            _recolour_resources(page.get("/Resources"), done, redrawn, image)


def _recolour_resources(resources, done: set[int], redrawn, image) -> None:
    """Recolour the images and the drawings inside form XObjects, each object once."""
    if resources is None:
        return
    resources = resources.get_object()
    for name, reference in (resources.get("/XObject") or {}).items():
        xobject = reference.get_object()
        key = id(xobject)
        if key in done:
            continue
        done.add(key)
        if xobject.get("/Subtype") == "/Image":
            image(xobject)
        elif xobject.get("/Subtype") == "/Form":
            xobject.set_data(redrawn(xobject, xobject))
            _recolour_resources(xobject.get("/Resources"), done, redrawn, image)
    for pattern in (resources.get("/Pattern") or {}).values():
        pattern = pattern.get_object()
        if isinstance(pattern, StreamObject):
            pattern.set_data(redrawn(pattern, pattern))


def _colour_spaces(holder):
    """The /ColorSpace dictionary of a page's, a form's or a pattern's resources, if any."""
    resources = holder.get("/Resources")
    return resources.get_object().get("/ColorSpace") if resources is not None else None


def _gray_image(xobject) -> None:
    """Re-encode an image as 8-bit gray (its soft mask, if any, stays as it is)."""
    if xobject.get("/ColorSpace") == "/DeviceGray":
        return
    try:
        image = xobject.decode_as_image()
    except (NotImplementedError, ValueError, KeyError, OSError):
        return  # an encoding pypdf cannot decode stays as it is
    if image is None:
        return
    replace_image(xobject, image.convert("L"), "/DeviceGray")


def replace_image(xobject, image, colour_space: str) -> None:
    """Put `image`'s pixels into the PDF image `xobject`, Flate-compressed, in `colour_space`."""
    for key in ("/DecodeParms", "/Decode"):
        xobject.pop(key, None)
    xobject[NameObject("/Filter")] = NameObject("/FlateDecode")
    xobject[NameObject("/ColorSpace")] = NameObject(colour_space)
    xobject[NameObject("/BitsPerComponent")] = NumberObject(8)
    xobject[NameObject("/Width")], xobject[NameObject("/Height")] = map(NumberObject, image.size)
    xobject._data = zlib.compress(image.tobytes())
