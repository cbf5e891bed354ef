"""The press file's finishing (outputs/press.py) on small PDFs made here, as WeasyPrint's PDF/X
leaves them: the bleed asked for in points, trim, bleed and media boxes around the trim,
crop marks in line with the trim outside the bleed, the output intent, RGB tagged as sRGB
(X-4) or turned into CMYK fills and strokes, images flattened (X-1a), transparency said,
links gone, a reproducible identifier. tests/test_press.py builds whole press files."""

from __future__ import annotations

import re
import zlib
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from pamphlet.diagnostics import Diagnostics, PamphletError
from pamphlet.outputs.grayscale import lab_to_srgb
from pamphlet.outputs.impose import MARK
from pamphlet.outputs.press import (MARK_GAP, MARK_ROOM, check_profile, cmyk, cmyk_operations,
                                    crop_marks, finish_press, press_css)
from pamphlet.project.printing import PrintSettings

REPO = Path(__file__).resolve().parent.parent
CMYK = (REPO / "layouts" / "color" / "cmyk.icc").read_bytes()
SRGB = (REPO / "layouts" / "color" / "srgb.icc").read_bytes()
MM = 72 / 25.4
TRIM = (10.0, 20.0, 430.0, 615.0)  # a page's trim box inside its media box, as WeasyPrint
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
       b'22-rdf-syntax-ns#"><rdf:Description xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" '
       b'xmpMM:DocumentID="xmp.did:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"/></rdf:RDF>'
       b'</x:xmpmeta>')
PAGE = (b"0.2 0.4 0.6 rg 0.9 0.1 0.1 RG 0 0 10 10 re B /Fm0 Do /a0 gs /lab-d50 cs "
        b"/CS0 CS 0.1 0.2 0.3 SC /Pattern cs /P1 scn 0.5 g 0.25 G 1 0 0 0 k")


def rgb_image(document: pikepdf.Pdf, mask: bool) -> pikepdf.Stream:
    """A 2 x 1 RGB image: red and blue, the blue half transparent where `mask`."""
    image = document.make_stream(zlib.compress(bytes([255, 0, 0, 0, 0, 255])), Type=Name.XObject,
                                 Subtype=Name.Image, Width=2, Height=1,
                                 ColorSpace=Name.DeviceRGB, BitsPerComponent=8,
                                 Filter=Name.FlateDecode)
    if mask:
        image.SMask = document.make_stream(zlib.compress(bytes([255, 0])), Type=Name.XObject,
                                           Subtype=Name.Image, Width=2, Height=1,
                                           ColorSpace=Name.DeviceGray, BitsPerComponent=8,
                                           Filter=Name.FlateDecode)
    return image


def source(folder: Path, pages: int = 2, version: str = "1.6", state: Dictionary | None = None,
           ids: bool = True) -> Path:
    """A PDF as WeasyPrint writes one for the press: a bleed round each page's trim box, a
    form, a pattern and images, colour spaces used and unused, links and XMP."""
    document = pikepdf.new()
    gray = document.make_stream(zlib.compress(b"\x80"), Type=Name.XObject, Subtype=Name.Image,
                                Width=1, Height=1, ColorSpace=Name.DeviceGray,
                                BitsPerComponent=8, Filter=Name.FlateDecode)
    form = document.make_stream(b"1 0 0 rg 0 0 5 5 re f /Im1 Do", Type=Name.XObject,
                                Subtype=Name.Form, BBox=Array([0, 0, 5, 5]))
    form.Resources = Dictionary(XObject=Dictionary(Im1=rgb_image(document, mask=True)))
    pattern = document.make_stream(b"0 1 0 RG 0 0 m 1 1 l S", PatternType=1, PaintType=1,
                                   TilingType=1, BBox=Array([0, 0, 1, 1]), XStep=1, YStep=1)
    pattern.Resources = Dictionary(Font=Dictionary())
    for number in range(pages):
        document.add_blank_page(page_size=(440, 635))
        page = document.pages[-1].obj
        page.TrimBox = Array(list(TRIM))
        page.Contents = document.make_stream(PAGE + f" % page {number}".encode())
        page.Resources = document.make_indirect(Dictionary(
            XObject=Dictionary(Fm0=form, Im0=rgb_image(document, mask=False), Gr0=gray),
            Pattern=Dictionary(P1=pattern),
            ExtGState=Dictionary(a0=state if state is not None else Dictionary(ca=1, CA=1)),
            ColorSpace=Dictionary({"/lab-d50": Array([Name.Lab, Dictionary()]),
                                   "/lab-d65": Array([Name.Lab, Dictionary()]),
                                   "/CS0": Name.DeviceRGB})))
        page.Annots = Array([document.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 5, 5])))])
    document.Root.Metadata = document.make_stream(XMP, Type=Name.Metadata, Subtype=Name.XML)
    path = folder / "raw.pdf"
    document.save(path, min_version=version, force_version=version,
                  deterministic_id=True, static_id=not ids)
    if not ids:
        with pikepdf.open(path, allow_overwriting_input=True) as again:
            del again.trailer["/ID"]
            again.save(path)
    return path


def finished(tmp_path: Path, pdfx: str = "x-4", bleed: float = 3 * MM, **made) -> tuple:
    raw = source(tmp_path, **{k: v for k, v in made.items() if k != "keep"})
    target = tmp_path / "press.pdf"
    diagnostics = Diagnostics()
    finish_press(raw, target, PrintSettings(pdfx=pdfx, bleed=bleed), CMYK, SRGB, diagnostics,
                 made.get("keep"), tmp_path / "pamphlet.toml")
    return pikepdf.open(target), diagnostics, raw


def box(page, name: str) -> list[float]:
    return [float(v) for v in page.obj[name]]


def test_the_bleed_is_asked_of_weasyprint_in_points():
    assert press_css(PrintSettings(bleed=8.5)) == "@page { bleed: 8.500pt; }"
    assert press_css(PrintSettings()) == f"@page {{ bleed: {3 * MM:.3f}pt; }}"


@pytest.mark.parametrize("bleed", [3 * MM, 0.125 * 72, 0.0])
def test_trim_bleed_and_media_boxes_stand_round_the_trim(tmp_path, bleed):
    pdf, _, _ = finished(tmp_path, bleed=bleed)
    left, bottom, right, top = TRIM
    room = bleed + MARK_ROOM
    for page in pdf.pages:
        assert box(page, "/TrimBox") == pytest.approx(list(TRIM))
        assert box(page, "/BleedBox") == pytest.approx(
            [left - bleed, bottom - bleed, right + bleed, top + bleed])
        assert box(page, "/MediaBox") == pytest.approx(
            [left - room, bottom - room, right + room, top + room])
        assert box(page, "/CropBox") == box(page, "/MediaBox")
        assert "/Annots" not in page.obj  # links mean nothing on paper
    assert MARK_ROOM == MARK_GAP + MARK + 3


def marks(stream: bytes) -> list[tuple[float, float, float, float]]:
    return [tuple(map(float, m)) for m in re.findall(
        rb"(-?[\d.]+) (-?[\d.]+) m (-?[\d.]+) (-?[\d.]+) l S", stream)]


def test_crop_marks_stand_in_line_with_the_trim_outside_the_bleed():
    trim, bleed = (10.0, 20.0, 430.0, 615.0), 9.0
    drawn = crop_marks(trim, bleed)
    assert drawn.startswith("q 0.3 w 0 0 0 1 K\n") and drawn.endswith("\nQ\n")
    near, far = bleed + MARK_GAP, bleed + MARK_GAP + MARK
    left, bottom, right, top = trim
    expected = set()
    for x, sx in ((left, -1), (right, 1)):
        for y, sy in ((bottom, -1), (top, 1)):
            expected.add((x + sx * near, y, x + sx * far, y))  # across, in line with a trim
            expected.add((x, y + sy * near, x, y + sy * far))  # up or down, likewise
    assert set(marks(drawn.encode())) == {tuple(round(v, 3) for v in m) for m in expected}
    assert len(marks(drawn.encode())) == 8
    for x1, y1, x2, y2 in marks(drawn.encode()):  # none reaches into the bleed
        assert not (left - bleed < x1 < right + bleed and bottom - bleed < y1 < top + bleed)
        assert not (left - bleed < x2 < right + bleed and bottom - bleed < y2 < top + bleed)


def test_the_page_keeps_its_drawing_closed_and_gets_its_marks(tmp_path):
    pdf, _, _ = finished(tmp_path)
    for number, page in enumerate(pdf.pages):
        stream = page.obj.Contents.read_bytes()
        body = PAGE + f" % page {number}".encode()
        assert stream.startswith(b"q\n" + body + b"\nQ\n"), stream[:200]
        assert stream.endswith(crop_marks(TRIM, 3 * MM).encode())


def test_the_output_intent_carries_the_cmyk_profile(tmp_path):
    pdf, _, _ = finished(tmp_path)
    [intent] = pdf.Root.OutputIntents
    assert (intent.Type, intent.S) == ("/OutputIntent", "/GTS_PDFX")
    assert str(intent.OutputConditionIdentifier) == "Custom"
    assert str(intent.OutputCondition) == str(intent.Info) == "Artifex CMYK SWOP Profile"
    assert str(intent.RegistryName) == "http://www.color.org"
    profile = intent.DestOutputProfile
    assert int(profile.N) == 4 and profile.Filter == "/FlateDecode"
    assert profile.read_bytes() == CMYK
    assert check_profile(CMYK, Path("cmyk.icc")) == "Artifex CMYK SWOP Profile"


def test_x4_tags_rgb_as_srgb_in_every_resource_dictionary_and_keeps_the_colours(tmp_path):
    pdf, diagnostics, _ = finished(tmp_path, state=Dictionary(ca=0.5))
    assert pdf.pdf_version == "1.6" and list(diagnostics) == []  # X-4 allows transparency
    found = []
    for page in pdf.pages:
        resources = page.obj.Resources
        form = resources.XObject.Fm0
        pattern = resources.Pattern.P1
        for holder in (resources, form.Resources, pattern.Resources):
            default = holder.ColorSpace.DefaultRGB
            assert default[0] == "/ICCBased" and int(default[1].N) == 3
            assert default[1].read_bytes() == SRGB
            found.append(default[1].objgen)
        assert b"0.2 0.4 0.6 rg" in page.obj.Contents.read_bytes()
        assert "/lab-d50" in resources.ColorSpace  # nothing is dropped in X-4
    assert len(set(found)) == 1  # one sRGB stream, named from each


def test_x1a_turns_rgb_fills_and_strokes_into_cmyk_fills_and_strokes(tmp_path):
    pdf, diagnostics, _ = finished(tmp_path, pdfx="x-1a")
    assert pdf.pdf_version == "1.6" and list(diagnostics) == []
    page = pdf.pages[0]
    ops = [(str(i.operator), [float(o) if isinstance(o, (int, float, Decimal)) else str(o)
                              for o in i.operands])
           for i in pikepdf.parse_content_stream(page)]
    colours = [op for op in ops if op[0] in ("rg", "RG", "k", "K", "cs", "CS", "sc", "SC",
                                             "scn", "g", "G")]
    assert colours[:2] == [("k", pytest.approx(list(cmyk(0.2, 0.4, 0.6)))),
                           ("K", pytest.approx(list(cmyk(0.9, 0.1, 0.1))))]
    assert ("CS", ["/DeviceCMYK"]) in colours  # /CS0 is DeviceRGB by another name
    assert ("SC", pytest.approx(list(cmyk(0.1, 0.2, 0.3)))) in colours
    assert ("scn", ["/P1"]) in colours  # a pattern is named, not a colour: left
    assert ("g", [0.5]) in colours and ("G", [0.25]) in colours  # gray is allowed
    assert not {"rg", "RG"} & {op for op, _ in ops}
    form = page.obj.Resources.XObject.Fm0.read_bytes()
    assert b" rg" not in form and b" k" in form  # inside forms too
    assert b" RG" not in page.obj.Resources.Pattern.P1.read_bytes()


def test_x1a_turns_rgb_spaces_and_their_colours_into_cmyk_and_nothing_else():
    from pamphlet.outputs.grayscale import parse_operations

    with pikepdf.new() as scratch:
        operations = cmyk_operations(parse_operations(
            b"/DeviceRGB cs /DeviceRGB CS 0 0 0 sc 1.0 1.0 1.0 SC .5 .5 .5 scn .5 .5 .5 SCN "
            b".1 .1 sc .1 .1 /P0 scn 1 0 0 rg 0 1 0 RG 1 0 rg /Unknown cs .1 .2 .3 sc "
            b".1 .2 .3 SC", scratch))

    def plain(operand):
        return str(operand) if isinstance(operand, Name) else float(operand)
    assert [([plain(o) for o in operands], str(operator))
            for operands, operator in operations] == [
        (["/DeviceCMYK"], "cs"), (["/DeviceCMYK"], "CS"),
        ([0, 0, 0, 1], "sc"), ([0, 0, 0, 0], "SC"), ([0, 0, 0, 0.5], "scn"),
        ([0, 0, 0, 0.5], "SCN"), ([0.1, 0.1], "sc"), ([0.1, 0.1, "/P0"], "scn"),
        ([0, 1, 1, 0], "k"), ([1, 0, 1, 0], "K"), ([1, 0], "rg"),
        (["/Unknown"], "cs"), ([0.1, 0.2, 0.3], "sc"),  # a space it cannot tell: left
        ([0.6667, 0.3333, 0, 0.7], "SC")]  # the stroke's space is still RGB


def test_x1a_flattens_images_onto_white_paper_in_cmyk(tmp_path):
    pdf, _, _ = finished(tmp_path, pdfx="x-1a")
    resources = pdf.pages[0].obj.Resources
    assert set(resources.ColorSpace.keys()) == set()  # none is named any more
    plain = resources.XObject.Im0
    masked = resources.XObject.Fm0.Resources.XObject.Im1
    for image in (plain, masked):
        assert image.ColorSpace == "/DeviceCMYK" and "/SMask" not in image
        assert int(image.BitsPerComponent) == 8 and (int(image.Width), int(image.Height)) == (2, 1)
    pixels = zlib.decompress(masked.read_raw_bytes())
    red, blue = pixels[:4], pixels[4:]
    assert red[0] < 10 and red[1] > 240 and red[2] > 240  # red: magenta and yellow
    assert max(blue) < 10  # the blue half was transparent: the white paper shows
    assert max(zlib.decompress(plain.read_raw_bytes())[4:]) > 240  # unmasked blue stays
    assert resources.XObject.Gr0.ColorSpace == "/DeviceGray"  # gray is left as it is


@pytest.mark.parametrize("state, warned", [
    (Dictionary(ca=0.5), True), (Dictionary(CA=0.99), True),
    (Dictionary(SMask=Dictionary(S=Name.Luminosity)), True),
    (Dictionary(ca=1, CA=1, SMask=Name("/None")), False), (Dictionary(), False)])
def test_x1a_says_when_transparency_stays(tmp_path, state, warned):
    _, diagnostics, _ = finished(tmp_path, pdfx="x-1a", state=state)
    found = [(d.code, d.path, d.severity.value) for d in diagnostics]
    assert found == ([("O562", tmp_path / "pamphlet.toml", "warning")] if warned else [])
    if warned:
        assert "PDF/X-1a does not allow" in diagnostics.items[0].message
        assert 'pdfx = "x-4"' in diagnostics.items[0].hint


@pytest.mark.parametrize("version", ["1.3", "1.4", "1.6"])
def test_the_files_version_is_the_sources(tmp_path, version):
    pdf, _, _ = finished(tmp_path, version=version)
    assert pdf.pdf_version == version


def test_a_perfect_bound_book_keeps_only_its_blocks_pages(tmp_path):
    pdf, _, _ = finished(tmp_path, pages=5, keep=range(1, 4))
    assert [page.obj.Contents.read_bytes().split(b"\nQ\n")[0][-8:] for page in pdf.pages] == [
        b"% page 1", b"% page 2", b"% page 3"]


def test_the_identifier_and_document_id_are_derived_reproducibly(tmp_path):
    pdf, _, raw = finished(tmp_path)
    with pikepdf.open(raw) as original:
        first = bytes(original.trailer.ID[0])
        second = bytes(original.trailer.ID[1])
    ids = [bytes(i) for i in pdf.trailer.ID]
    assert ids[0] == first and ids[1] != second
    xmp = pdf.Root.Metadata.read_bytes()
    [did] = re.findall(rb"xmp\.did:[0-9a-f-]{36}", xmp)
    assert did != b"xmp.did:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    pdf.close()
    (tmp_path / "again").mkdir()
    again, _, _ = finished(tmp_path / "again")
    assert bytes(again.trailer.ID[1]) == ids[1]
    assert re.findall(rb"xmp\.did:[0-9a-f-]{36}", again.Root.Metadata.read_bytes()) == [did]
    assert (tmp_path / "press.pdf").read_bytes() == (tmp_path / "again" / "press.pdf").read_bytes()


def icc(colour_space: bytes, description: bytes | None = b"Our Press", version: int = 2,
        magic: bytes = b"acsp") -> bytes:
    """A minimal ICC profile header and tag table, with a 'desc' tag (v2) or an 'mluc' (v4)."""
    tags, data = [], b""
    if description is not None:
        if version == 2:
            tag = b"desc" + b"\0" * 4 + len(description + b"\0").to_bytes(4, "big") + \
                description + b"\0"
        else:
            text = description.decode().encode("utf-16-be")
            tag = b"mluc" + b"\0" * 4 + (1).to_bytes(4, "big") + (12).to_bytes(4, "big") + \
                b"enUS" + len(text).to_bytes(4, "big") + (28).to_bytes(4, "big") + text
        tags.append((b"cprt", 132 + 12 * 2, 4))
        tags.append((b"desc", 132 + 12 * 2 + 4, len(tag)))
        data = b"none" + tag
    header = (b"\0" * 12 + b"prtr" + colour_space + b"\0" * 16 + magic).ljust(128, b"\0")
    table = len(tags).to_bytes(4, "big") + b"".join(
        sig + offset.to_bytes(4, "big") + size.to_bytes(4, "big") for sig, offset, size in tags)
    return header + table + data


def test_a_projects_profile_must_be_a_cmyk_output_profile(tmp_path):
    path = tmp_path / "cmyk.icc"
    assert check_profile(icc(b"CMYK"), path) == "Our Press"
    assert check_profile(icc(b"CMYK", version=4), path) == "Our Press"
    assert check_profile(icc(b"CMYK", description=None), path) == "CMYK output profile"
    for bad in (icc(b"RGB "), icc(b"CMYK", magic=b"xxxx"), icc(b"CMYK")[:131], SRGB):
        with pytest.raises(PamphletError) as raised:
            check_profile(bad, path)
        [problem] = raised.value.diagnostics
        assert (problem.code, problem.path) == ("O560", path)
        assert "not a CMYK ICC profile" in problem.message and ".icc" in problem.hint
    assert len(icc(b"CMYK", description=None)) == 132  # the shortest a profile may be


def test_the_intent_is_named_by_the_projects_profile(tmp_path):
    raw = source(tmp_path)
    target = tmp_path / "press.pdf"
    finish_press(raw, target, PrintSettings(), icc(b"CMYK", b"Print Shop 7", 4), SRGB,
                 Diagnostics())
    with pikepdf.open(target) as pdf:
        intent = pdf.Root.OutputIntents[0]
        assert str(intent.Info) == str(intent.OutputCondition) == "Print Shop 7"
    finish_press(raw, target, PrintSettings(), icc(b"CMYK", None), SRGB, Diagnostics())
    with pikepdf.open(target) as pdf:
        assert str(pdf.Root.OutputIntents[0].Info) == "CMYK output profile"


def test_a_file_without_an_identifier_or_xmp_is_finished_too(tmp_path):
    raw = source(tmp_path, ids=False)
    with pikepdf.open(raw, allow_overwriting_input=True) as document:
        del document.Root["/Metadata"]
        document.save(raw)
    target = tmp_path / "press.pdf"
    finish_press(raw, target, PrintSettings(), CMYK, SRGB, Diagnostics())
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) == 2 and "/Metadata" not in pdf.Root


LAB = Dictionary({"/lab-d50": Array([Name.Lab, Dictionary(WhitePoint=[0.9642, 1, 0.8249])]),
                  "/lab-d65": Array([Name.Lab, Dictionary(WhitePoint=[0.9505, 1, 1.089])]),
                  "/Three": Array([Name.DeviceN, Array([Name.A, Name.B, Name.C]),
                                   Name.DeviceCMYK, Dictionary()]),
                  "/Rgb": Array([Name.ICCBased, Dictionary(N=3)]),
                  "/Gray": Array([Name.ICCBased, Dictionary(N=1)])})
# CSS Color 4's own example: lab(29.2345% 39.3825 20.0664) is #7d2329, rgb(125 35 41).
DARK_RED = (125 / 255, 35 / 255, 41 / 255)
LAB_PAGE = (b"/lab-d50 cs 29.2345 39.3825 20.0664 scn /lab-d65 CS 100 0 0 SCN "
            b"q /Three cs 0.1 0.2 0.3 sc Q 0.5 0.5 0.5 scn "
            b"q /Rgb cs 1 0 0 sc Q /Gray CS 0.5 SC /Pattern cs /P1 scn")


def lab_pdf(folder: Path) -> Path:
    """A page whose colours are set in L*a*b*, as WeasyPrint sets CSS lab() and oklch()
    colours, and in other spaces with three components that are not RGB."""
    document = pikepdf.new()
    document.add_blank_page(page_size=(100, 100))
    page = document.pages[0].obj
    page.Contents = document.make_stream(LAB_PAGE)
    page.Resources = Dictionary(ColorSpace=LAB, Pattern=Dictionary(P1=Dictionary()))
    path = folder / "lab.pdf"
    document.save(path)
    return path


COLOURS = ("cs", "CS", "sc", "SC", "scn", "SCN", "k", "K", "g", "G")


def colours_of(page, operators: tuple[str, ...] = COLOURS) -> list[tuple[str, list]]:
    """The `operators` of a page's (or a form's) content, numbers rounded to 3 places."""
    return [(str(i.operator), [str(o) if isinstance(o, Name) else round(float(o), 3)
                               for o in i.operands])
            for i in pikepdf.parse_content_stream(page) if str(i.operator) in operators]


def test_x1a_turns_lab_colours_into_cmyk_and_leaves_other_spaces(tmp_path):
    """A layout's lab() colour in an X-1a file: CMYK from its sRGB, not its L*, a* and b*
    taken for red, green and blue (four numbers in a three-number space)."""
    target = tmp_path / "press.pdf"
    finish_press(lab_pdf(tmp_path), target, PrintSettings(pdfx="x-1a"), CMYK, SRGB,
                 Diagnostics())
    with pikepdf.open(target) as pdf:
        found = colours_of(pdf.pages[0])
        spaces = set(pdf.pages[0].obj.Resources.ColorSpace.keys())
    expected = [round(v, 3) for v in cmyk(*lab_to_srgb(29.2345, 39.3825, 20.0664))]
    assert expected == pytest.approx(list(cmyk(*DARK_RED)), abs=0.005)
    assert found[:4] == [("cs", ["/DeviceCMYK"]), ("scn", pytest.approx(expected, abs=0.001)),
                         ("CS", ["/DeviceCMYK"]), ("SCN", [0, 0, 0, 0])]  # L* 100 is white
    assert found[4:] == [
        ("cs", ["/Three"]), ("sc", [0.1, 0.2, 0.3]),  # three inks, not RGB: left
        ("scn", pytest.approx([round(v, 3) for v in cmyk(*lab_to_srgb(0.5, 0.5, 0.5))],
                              abs=0.001)),  # after Q: the L*a*b* space again
        ("cs", ["/DeviceCMYK"]), ("sc", [0, 1, 1, 0]),  # an ICC RGB space is RGB
        ("CS", ["/Gray"]), ("SC", [0.5]), ("cs", ["/Pattern"]), ("scn", ["/P1"]),
        ("K", [0, 0, 0, 1])]  # the crop marks
    assert spaces == {"/Three", "/Gray"}  # the L*a*b* and RGB spaces are named no more


def test_black_and_white_turns_lab_colours_gray_too(tmp_path):
    from pamphlet.outputs.grayscale import grayscale_pdf, luminance

    grayscale_pdf(lab_pdf(tmp_path), tmp_path / "gray.pdf")
    with pikepdf.open(tmp_path / "gray.pdf") as pdf:
        found = colours_of(pdf.pages[0])
    assert found[:4] == [("cs", ["/DeviceGray"]),
                         ("scn", [pytest.approx(luminance(*DARK_RED), abs=0.002)]),
                         ("CS", ["/DeviceGray"]), ("SCN", [1.0])]
    assert found[4:6] == [("cs", ["/Three"]), ("sc", [0.1, 0.2, 0.3])]
    assert ("sc", [0.299]) in found  # the ICC RGB space's red


def test_lab_to_srgb_under_either_white():
    assert [round(v * 255) for v in lab_to_srgb(29.2345, 39.3825, 20.0664)] == [125, 35, 41]
    for white in ((0.9642, 1, 0.8249), (0.9505, 1, 1.089)):
        assert lab_to_srgb(100, 0, 0, white) == pytest.approx((1, 1, 1), abs=0.001)
        assert lab_to_srgb(0, 0, 0, white) == (0, 0, 0)
        gray = lab_to_srgb(50, 0, 0, white)  # L* 50 is #777777
        assert gray == pytest.approx((0.4663, 0.4663, 0.4663), abs=0.002)
    red, green, blue = lab_to_srgb(50, 127, -127)  # outside sRGB: clipped
    assert 0 < red < 1 and (green, blue) == (0, 1)
