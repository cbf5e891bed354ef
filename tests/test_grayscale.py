"""The black-and-white print PDF: every colour of a page (text in RGB, an L*a*b* fill, a form
XObject's own colours, a pattern's, an image) turned to the gray it looks as light as, and
nothing else changed (the text, the colours already gray, the q/Q nesting, inline images)."""

from __future__ import annotations

import zlib
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name
from pypdf import PdfReader

from pamphlet.outputs.grayscale import grayscale_pdf, lab_to_srgb, luminance

from test_press_file import COLOURS, colours_of

# The page: red text, a L*a*b* fill (CSS lab(), as WeasyPrint writes it), a form drawn in
# its own colours, an RGB image, a stroke's space changed between q and Q, an inline
# image and a gray already gray.
PAGE = (b"q 1 0 0 rg BT /F1 12 Tf 10 80 Td (Red words) Tj ET Q "
        b"/lab cs 50 20 -30 scn 0 0 5 5 re f "
        b"0 0 1 RG q /Fm0 Do Q q 20 0 0 10 30 30 cm /Im0 Do Q "
        b"/DeviceRGB CS q /Pattern CS Q 0 1 0 SC 0 0 10 10 re S "
        b"q 2 0 0 2 60 60 cm BI /W 1 /H 1 /BPC 8 /CS /RGB ID \xff\x00\x00 EI Q 0.25 g")
FORM = b"/Rgb CS 1 0 0 SC 0.2 0.4 0.6 rg 0 0 10 10 re B /Pattern cs /P0 scn 0 0 2 2 re f"
PATTERN = b"0 1 0 rg 0 0 4 4 re f"
PIXELS = bytes((200, 30, 30, 10, 120, 240))  # two RGB pixels


def mixed_page(folder: Path) -> Path:
    document = pikepdf.new()
    document.add_blank_page(page_size=(100, 100))
    image = document.make_stream(zlib.compress(PIXELS), Type=Name.XObject, Subtype=Name.Image,
                                 Width=2, Height=1, ColorSpace=Name.DeviceRGB,
                                 BitsPerComponent=8, Filter=Name.FlateDecode)
    pattern = document.make_stream(PATTERN, PatternType=1, PaintType=1, TilingType=1,
                                   BBox=[0, 0, 4, 4], XStep=4, YStep=4,
                                   Resources=Dictionary())
    form = document.make_stream(FORM, Type=Name.XObject, Subtype=Name.Form, BBox=[0, 0, 10, 10],
                                Resources=Dictionary(
                                    ColorSpace=Dictionary(Rgb=Array([Name.ICCBased,
                                                                     Dictionary(N=3)])),
                                    Pattern=Dictionary(P0=pattern)))
    page = document.pages[0].obj
    page.Contents = document.make_stream(PAGE)
    page.Resources = Dictionary(
        Font=Dictionary(F1=Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                      BaseFont=Name.Helvetica)),
        ColorSpace=Dictionary(lab=Array([Name.Lab, Dictionary(WhitePoint=[0.9642, 1, 0.8249])])),
        XObject=Dictionary(Fm0=form, Im0=image))
    path = folder / "mixed.pdf"
    document.save(path)
    return path


def colours(stream) -> list[tuple[str, list]]:
    return colours_of(stream, (*COLOURS, "rg", "RG", "q", "Q"))


def gray(r: float, g: float, b: float) -> float:
    return round(luminance(r, g, b), 3)


def test_the_gray_copy_has_the_grays_of_every_colour_and_nothing_else_changes(tmp_path):
    grayscale_pdf(mixed_page(tmp_path), tmp_path / "gray.pdf")
    with pikepdf.open(tmp_path / "gray.pdf") as pdf:
        page = pdf.pages[0]
        resources = page.obj.Resources
        assert colours(page) == [
            ("q", []), ("g", [gray(1, 0, 0)]), ("Q", []),
            ("cs", ["/DeviceGray"]), ("scn", [gray(*lab_to_srgb(50, 20, -30))]),
            ("G", [gray(0, 0, 1)]), ("q", []), ("Q", []), ("q", []), ("Q", []),
            ("CS", ["/DeviceGray"]), ("q", []), ("CS", ["/Pattern"]), ("Q", []),
            ("SC", [gray(0, 1, 0)]),  # in RGB again after the Q
            ("q", []), ("Q", []), ("g", [0.25])]
        form = resources.XObject.Fm0
        assert colours(form) == [("CS", ["/DeviceGray"]), ("SC", [gray(1, 0, 0)]),
                                 ("g", [gray(0.2, 0.4, 0.6)]), ("cs", ["/Pattern"]),
                                 ("scn", ["/P0"])]  # a pattern is no colour: left
        assert colours(form.Resources.Pattern.P0) == [("g", [gray(0, 1, 0)])]
        image = resources.XObject.Im0
        assert image.ColorSpace == "/DeviceGray" and int(image.BitsPerComponent) == 8
        assert list(zlib.decompress(image.read_raw_bytes())) == pytest.approx(
            [255 * gray(*(v / 255 for v in PIXELS[n:n + 3])) for n in (0, 3)], abs=1)
        [inline] = [i.iimage for i in pikepdf.parse_content_stream(page)
                    if str(i.operator) == "INLINE IMAGE"]  # left as it was, in RGB
        assert inline.mode == "RGB" and b"ID\n\xff\x00\x00" in inline.unparse()
    assert PdfReader(tmp_path / "gray.pdf").pages[0].extract_text().strip() == "Red words"
