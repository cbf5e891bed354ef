"""The press-ready PDF: PDF/X-4 (or X-1a) in reading order, with bleed, crop marks, a TrimBox
and a BleedBox on every page, and an output intent.

WeasyPrint lays the pages out with a CSS bleed (page backgrounds run into it) and writes the
PDF/X identification; this module then, with pypdf, widens each page so that crop marks stand
outside the bleed, sets the boxes, adds the output intent (a CMYK ICC profile), and makes
the colours device-independent (X-4: RGB is tagged sRGB through DefaultRGB) or CMYK (X-1a).

Diagnostic codes: O560 the output profile is no CMYK ICC profile (a project's own
layouts/color/cmyk.icc), O562 the X-1a file keeps transparency that X-1a does not allow
(warning).
"""

from __future__ import annotations

import hashlib
import re
import uuid
import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (ArrayObject, DictionaryObject, NameObject, NumberObject,
                           RectangleObject, StreamObject, TextStringObject)

from ..book.assemble import Pamphlet
from ..store.atomic import atomic_output
from ..diagnostics import Diagnostics, fail
from ..book.layouts import Layout
from ..project.printing import PrintSettings
from ..engine.pdf import save_pdf
from .grayscale import device_colours, recolour, replace_image
from .impose import MARK, variant_identifier

PROFILE = "color/cmyk.icc"  # the output profile: a project may put its printer's own here
SRGB = "color/srgb.icc"
MARK_GAP = 3.0  # points between the bleed's edge and a crop mark
MARK_ROOM = MARK_GAP + MARK + 3.0  # what each page grows by, outside the bleed
VARIANTS = {"x-4": "pdf/x-4", "x-1a": "pdf/x-1a"}


def press_css(settings: PrintSettings) -> str:
    """The CSS that asks WeasyPrint for the bleed."""
    return f"@page {{ bleed: {settings.bleed:.3f}pt; }}"


def finish_press(source: Path, target: Path, settings: PrintSettings, profile: bytes,
                 srgb: bytes, diagnostics: Diagnostics, keep: range | None = None,
                 spec_path: Path | None = None, blanks: tuple[int, int] = (0, 0)) -> None:
    """Turn WeasyPrint's PDF/X at `source` into the press file at `target`, atomically:
    only the pages in `keep`, and `blanks` (where, how many) blank pages among them."""
    writer = PdfWriter(clone_from=str(source))
    if keep is not None:  # a perfect-bound book's block: its cover is printed apart
        for index in reversed(range(len(writer.pages))):
            if index not in keep:
                writer.remove_page(index)
    _insert_blanks(writer, *blanks)
    with open(source, "rb") as handle:  # pypdf would write 1.3; X-4 is 1.6, X-1a 1.3 or 1.4
        writer.pdf_header = handle.read(8)
    for page in writer.pages:
        _boxes_and_marks(writer, page, settings.bleed)
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject(
        [_output_intent(writer, profile)])
    if settings.pdfx == "x-4":
        _default_rgb(writer, _icc_stream(writer, srgb, 3))
    else:
        recolour(writer, cmyk_operations, _cmyk_image)
        _drop_unused_spaces(writer)
        if _transparent(writer):
            diagnostics.warning(
                "O562", "the press PDF keeps transparency (a layout's opacity or a shadow), "
                "which PDF/X-1a does not allow; a preflight check will flag it", spec_path,
                hint='use pdfx = "x-4", which allows transparency, or remove the opacity')
    # WeasyPrint's second half hashes the file, which holds its random XMP DocumentID; derive
    # ours from the first half (the pamphlet's identifier) so that builds are reproducible.
    if writer._ID:
        variant_identifier(writer, [writer._ID[0]] * 2, "press")
    _stable_document_id(writer)
    with atomic_output(target) as temporary, open(temporary, "wb") as handle:
        writer.write(handle)


def save_press(document, pamphlet: Pamphlet, layout: Layout, target: Path,
               diagnostics: Diagnostics, keep: range | None = None,
               blanks: tuple[int, int] = (0, 0)) -> None:
    """Save a rendered WeasyPrint document as a press file (only the pages in `keep`, with
    `blanks`: where, and how many blank pages)."""
    settings = pamphlet.spec.printing
    profile_path = layout.find(PROFILE)
    profile = layout.read(profile_path)
    check_profile(profile, profile_path)
    raw = target.with_name(f".{target.name}")
    save_pdf(document, pamphlet, raw, diagnostics, variant=VARIANTS[settings.pdfx])
    finish_press(raw, target, settings, profile, layout.read(layout.find(SRGB)), diagnostics,
                 keep, pamphlet.spec.path, blanks)
    raw.unlink()


def _insert_blanks(writer: PdfWriter, at: int, count: int) -> None:
    """`count` blank pages at index `at`, each with the trim and bleed of the page before."""
    model = writer.pages[max(at - 1, 0)]
    for _ in range(count):
        writer.insert_blank_page(float(model.mediabox.width), float(model.mediabox.height), at)
        page = writer.pages[at]  # (the writer keeps a copy of the page it was given)
        for box in ("mediabox", "trimbox", "bleedbox"):
            setattr(page, box, RectangleObject(getattr(model, box)))


def check_profile(data: bytes, path: Path) -> str:
    """The profile's description; O560 unless `data` is an ICC output profile for CMYK."""
    # ICC.1 header: size at 0, device class at 12 ('prtr' for printers), colour space at 16.
    if len(data) < 132 or data[36:40] != b"acsp" or data[16:20] != b"CMYK":
        raise fail("O560", "the output profile is not a CMYK ICC profile", path,
                   hint="use the .icc file your printer gives you, or remove it to use "
                        "pamphlet's own (a SWOP-like profile)")
    return _description(data) or "CMYK output profile"


def _boxes_and_marks(writer: PdfWriter, page, bleed: float) -> None:
    left, bottom, right, top = (float(v) for v in page.trimbox)
    page.bleedbox = RectangleObject((left - bleed, bottom - bleed, right + bleed, top + bleed))
    room = bleed + MARK_ROOM
    page.mediabox = RectangleObject((left - room, bottom - room, right + room, top + room))
    page.cropbox = RectangleObject(page.mediabox)
    page.trimbox = RectangleObject((left, bottom, right, top))
    # Links mean nothing on paper, and PDF/X allows no annotations inside the bleed.
    page.pop(NameObject("/Annots"), None)
    contents = page.get_contents()
    stream = StreamObject()
    body = contents.get_data() if contents is not None else b""
    stream.set_data(b"q\n" + body + b"\nQ\n" + crop_marks((left, bottom, right, top),
                                                            bleed).encode())
    page.replace_contents(stream)


def crop_marks(trim: tuple[float, float, float, float], bleed: float) -> str:
    """PDF operators for the eight crop marks: in line with the trim, outside the bleed."""
    left, bottom, right, top = trim
    near, far = bleed + MARK_GAP, bleed + MARK_GAP + MARK
    ops = ["q 0.3 w 0 0 0 1 K"]
    for x, sx in ((left, -1), (right, 1)):
        for y, sy in ((bottom, -1), (top, 1)):
            ops.append(f"{x + sx * near:.3f} {y:.3f} m {x + sx * far:.3f} {y:.3f} l S")
            ops.append(f"{x:.3f} {y + sy * near:.3f} m {x:.3f} {y + sy * far:.3f} l S")
    return "\n".join(ops + ["Q", ""])


def _icc_stream(writer: PdfWriter, data: bytes, components: int):
    stream = StreamObject()
    stream._data = zlib.compress(data)
    stream.update({NameObject("/N"): NumberObject(components),
                   NameObject("/Filter"): NameObject("/FlateDecode")})
    return writer._add_object(stream)


def _output_intent(writer: PdfWriter, profile: bytes) -> DictionaryObject:
    name = _description(profile) or "CMYK output profile"
    return DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"),
        NameObject("/S"): NameObject("/GTS_PDFX"),
        # Not one of the ICC registry's printing conditions, so the profile itself is the
        # condition (ISO 15930: then DestOutputProfile is required, and it is here).
        NameObject("/OutputConditionIdentifier"): TextStringObject("Custom"),
        NameObject("/OutputCondition"): TextStringObject(name),
        NameObject("/Info"): TextStringObject(name),
        NameObject("/RegistryName"): TextStringObject("http://www.color.org"),
        NameObject("/DestOutputProfile"): _icc_stream(writer, profile, 4),
    })


def _description(profile: bytes) -> str | None:
    """The 'desc' tag of an ICC v2 profile, if it can be read."""
    count = int.from_bytes(profile[128:132], "big") if len(profile) >= 132 else 0
    for index in range(min(count, 100)):
        entry = profile[132 + 12 * index: 144 + 12 * index]
        if entry[:4] == b"desc":
            offset, size = int.from_bytes(entry[4:8], "big"), int.from_bytes(entry[8:12], "big")
            tag = profile[offset:offset + size]
            if tag[:4] == b"desc":  # ICC v2: an ASCII count and string
                length = int.from_bytes(tag[8:12], "big")
                return tag[12:12 + length].rstrip(b"\0").decode("latin-1")[:200] or None
            if tag[:4] == b"mluc" and len(tag) >= 28:  # ICC v4: the first of its languages
                length, start = (int.from_bytes(tag[n:n + 4], "big") for n in (20, 24))
                return tag[start:start + length].decode("utf-16-be", "replace")[:200] or None
    return None


def resource_dicts(writer: PdfWriter):
    """Every resource dictionary of the file, once each: the pages', and those of the form
    XObjects and patterns they use, however deep."""
    seen: set[int] = set()
    def visit(resources):
        if resources is None or id(resources.get_object()) in seen:
            return
        resources = resources.get_object()
        seen.add(id(resources))
        yield resources
        for item in [*(resources.get("/XObject") or {}).values(),
                     *(resources.get("/Pattern") or {}).values()]:
            item = item.get_object()
            if item.get("/Subtype") != "/Image":
                yield from visit(item.get("/Resources"))
    for page in writer.pages:
        yield from visit(page.get("/Resources"))


def _default_rgb(writer: PdfWriter, srgb) -> None:
    """Tag every DeviceRGB colour as sRGB (a DefaultRGB colour space in each resource
    dictionary), which PDF/X-4 asks for when the output intent is CMYK."""
    for resources in resource_dicts(writer):
        spaces = resources.setdefault(NameObject("/ColorSpace"), DictionaryObject())
        spaces.get_object()[NameObject("/DefaultRGB")] = ArrayObject(
            [NameObject("/ICCBased"), srgb])


def _drop_unused_spaces(writer: PdfWriter) -> None:
    """Remove colour spaces no content names (WeasyPrint lists its Lab spaces on every page),
    which an X-1a preflight would flag though nothing is drawn in them."""
    used = b"".join(_contents(writer))
    for resources in resource_dicts(writer):
        spaces = resources.get("/ColorSpace")
        for name in list(spaces.get_object() if spaces is not None else ()):
            if name.encode() not in used:
                del spaces.get_object()[name]


def _contents(writer: PdfWriter):
    for page in writer.pages:
        contents = page.get_contents()
        yield contents.get_data() if contents is not None else b""
    for resources in resource_dicts(writer):
        for item in [*(resources.get("/XObject") or {}).values(),
                     *(resources.get("/Pattern") or {}).values()]:
            item = item.get_object()
            if item.get("/Subtype") != "/Image" and isinstance(item, StreamObject):
                yield item.get_data()


def cmyk(r: float, g: float, b: float) -> tuple[float, float, float, float]:
    """A plain RGB to CMYK conversion (full black generation), for X-1a's device colours."""
    k = 1 - max(r, g, b)
    if k >= 1:
        return 0.0, 0.0, 0.0, 1.0
    return tuple(round(v, 4) for v in ((1 - r - k) / (1 - k), (1 - g - k) / (1 - k),
                                       (1 - b - k) / (1 - k), k))


def cmyk_operations(operations: list, spaces=None) -> list:
    """A content stream's colours in DeviceCMYK: RGB and L*a*b* fills and strokes become CMYK
    (gray stays gray, which PDF/X-1a allows); see grayscale.device_colours."""
    return device_colours(operations, spaces, "/DeviceCMYK", cmyk, _cmyk_direct)


def _cmyk_direct(operands: list, operator: str) -> tuple[list, str]:
    if operator in ("rg", "RG") and len(operands) == 3:
        return list(cmyk(*map(float, operands))), "k" if operator == "rg" else "K"
    return operands, operator


def _cmyk_image(xobject) -> None:
    """Re-encode an RGB image as CMYK, flattened onto white paper where it had a soft mask."""
    if xobject.get("/ColorSpace") in ("/DeviceCMYK", "/DeviceGray"):
        return
    try:
        image = xobject.decode_as_image()
    except (NotImplementedError, ValueError, KeyError, OSError):
        return  # an encoding pypdf cannot decode stays as it is (and a preflight flags it)
    if image is None:
        return
    from PIL import Image
    image = image.convert("RGBA")
    if "/SMask" in xobject:
        mask = xobject["/SMask"].get_object().decode_as_image().convert("L").resize(image.size)
        image.putalpha(mask)
        del xobject["/SMask"]
    paper = Image.new("RGBA", image.size, "white")
    replace_image(xobject, Image.alpha_composite(paper, image).convert("CMYK"), "/DeviceCMYK")


def _transparent(writer: PdfWriter) -> bool:
    """Whether any graphics state of the file asks for opacity below 1 or a soft mask."""
    for resources in resource_dicts(writer):
        for state in (resources.get("/ExtGState") or {}).values():
            state = state.get_object()
            if any(float(state.get(key, 1)) < 1 for key in ("/ca", "/CA")) or \
                    state.get("/SMask", "/None") != "/None":
                return True
    return False


def _stable_document_id(writer: PdfWriter) -> None:
    """WeasyPrint gives the XMP a random DocumentID; derive it from the file identifier,
    so that builds with SOURCE_DATE_EPOCH stay reproducible."""
    metadata = writer._root_object.get("/Metadata")
    ids = writer._ID
    if metadata is None or not ids:
        return
    stream = metadata.get_object()
    seed = hashlib.md5(bytes(ids[0].original_bytes) + b"press").digest()
    stable = f"xmp.did:{uuid.UUID(bytes=seed)}".encode()
    stream.set_data(re.sub(rb"xmp\.did:[0-9a-f-]{36}", stable, stream.get_data()))
