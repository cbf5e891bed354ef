"""A grayscale copy of a PDF for black-and-white printing: colours and images turned to gray."""

from __future__ import annotations

import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import ContentStream, FloatObject, NameObject, NumberObject, StreamObject

from ..store.atomic import atomic_output
from .impose import variant_identifier

_RGB = {b"rg": b"g", b"RG": b"G"}
_CMYK = {b"k": b"g", b"K": b"G"}
_SET_COLOUR = (b"sc", b"scn", b"SC", b"SCN")


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


def _gray_operations(operations: list) -> list:
    out = []
    for operands, operator in operations:
        if operator in _RGB and len(operands) == 3:
            operands, operator = [FloatObject(luminance(*map(float, operands)))], _RGB[operator]
        elif operator in _CMYK and len(operands) == 4:
            c, m, y, k = map(float, operands)
            gray = max(0.0, 1 - min(1.0, 0.3 * c + 0.59 * m + 0.11 * y + k))
            operands, operator = [FloatObject(round(gray, 4))], _CMYK[operator]
        elif operator in (b"cs", b"CS") and operands == [NameObject("/DeviceRGB")]:
            operands = [NameObject("/DeviceGray")]
        elif operator in _SET_COLOUR and len(operands) == 3 and all(
                isinstance(o, (int, float)) for o in operands):
            operands = [FloatObject(luminance(*map(float, operands)))]
        out.append((operands, operator))
    return out


def recolour(writer: PdfWriter, operations, image) -> None:
    """Change every colour of every page: `operations` rewrites a content stream's
    (operands, operator) list, `image` an image XObject in place."""
    done: set[int] = set()
    for page in writer.pages:
        contents = page.get_contents()
        if contents is not None:
            stream = ContentStream(contents, writer)
            stream.operations = operations(stream.operations)
            page.replace_contents(stream)
        _recolour_resources(page.get("/Resources"), writer, done, operations, image)


def _recolour_resources(resources, writer: PdfWriter, done: set[int], operations,
                        image) -> None:
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
            stream = ContentStream(xobject, writer)
            xobject.set_data(_serialise(operations(stream.operations), writer))
            _recolour_resources(xobject.get("/Resources"), writer, done, operations, image)
    for pattern in (resources.get("/Pattern") or {}).values():
        pattern = pattern.get_object()
        if isinstance(pattern, StreamObject):
            stream = ContentStream(pattern, writer)
            pattern.set_data(_serialise(operations(stream.operations), writer))


def _serialise(operations: list, writer: PdfWriter) -> bytes:
    stream = ContentStream(None, writer)
    stream.operations = operations
    return stream.get_data()


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
