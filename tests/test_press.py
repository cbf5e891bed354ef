"""Press-ready print files: PDF/X-4 and X-1a with bleed, boxes, crop marks and an output
intent; perfect binding's book block and wraparound cover, with the spine worked out from
the paper and its text turned to the language's convention."""

from __future__ import annotations

import io
import math
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

import system

from pamphlet.cli import main
from pamphlet.outputs.press import cmyk
from pamphlet.outputs.wrap import too_wide
from test_diagnostics import GOOD_ESSAY, case, essay_with, write_project
from test_diagnostics import test_bad_input as check_bad_input

MM = 72 / 25.4
REPO = Path(__file__).parent.parent
LONG_ESSAY = essay_with("\n\n".join(
    f"Paragraph {n}: the copy shop's machine warms up while we talk about paper. " * 8
    for n in range(60)))


def spec(printing: str, top: str = "", lang: str = "en") -> str:
    return (f'title = "Paper Matters"\nlang = "{lang}"\neditor = "The Collective"\n'
            f'essays = ["one"]\n{top}\n[cover]\nbackground = "#c83c28"\n\n[print]\n{printing}')


def built(tmp_path: Path, text: str, essay: str = GOOD_ESSAY, files: dict | None = None) -> Path:
    project = write_project(tmp_path / "project", text, {"source/one.md": essay, **(files or {})})
    assert main(["build", str(project)]) == 0
    return project / "build"


@pytest.fixture(scope="module")
def perfect(tmp_path_factory) -> Path:
    """A perfect-bound book on 0.1mm paper, with an x-4 press file and a 3mm bleed."""
    return built(tmp_path_factory.mktemp("perfect"), spec(
        'scheme = "perfect"\npaper = "0.1mm"\nbleed = "3mm"\n'
        'variants = ["read", "print", "press"]\n'), LONG_ESSAY)


@pytest.fixture(scope="module")
def x1a(tmp_path_factory) -> Path:
    """A saddle-stitched packet whose press file is PDF/X-1a with a 5mm bleed."""
    from PIL import Image
    picture = io.BytesIO()
    Image.new("RGBA", (40, 30), (30, 90, 200, 160)).save(picture, format="PNG")
    return built(tmp_path_factory.mktemp("x1a"), spec(
        'pdfx = "x-1a"\nbleed = "5mm"\nvariants = ["read", "press"]\n'),
        essay_with("A picture:\n\n![A blue box](box.png)\n\nSome text."),
        files={"source/box.png": picture.getvalue()})


def boxes(page) -> dict[str, list[float]]:
    return {name: [float(v) for v in page[f"/{name}"]]
            for name in ("MediaBox", "TrimBox", "BleedBox")}


def test_press_x4_is_identified_with_an_output_intent(perfect):
    with pikepdf.open(perfect / "pamphlet-press.pdf") as pdf:
        assert pdf.pdf_version == "1.6"
        meta = pdf.open_metadata()
        assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
        assert meta["pdf:Trapped"] == "False"
        assert re.fullmatch(r"xmp\.did:[0-9a-f-]{36}", meta["xmpMM:DocumentID"])
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4 and profile.read_bytes()[16:20] == b"CMYK"
        assert str(intent.Info) == "Artifex CMYK SWOP Profile"
        # RGB colours are device-independent: DefaultRGB is sRGB wherever RGB is used.
        for page in pdf.pages:
            default = page.Resources.ColorSpace.DefaultRGB
            assert default[0] == "/ICCBased" and int(default[1].N) == 3


def test_press_pages_have_trim_and_bleed_boxes_and_the_bleed_asked_for(perfect):
    with pikepdf.open(perfect / "pamphlet-press.pdf") as pdf, \
            pikepdf.open(perfect / "pamphlet.pdf") as reading:
        size = [float(v) for v in reading.pages[0].MediaBox]
        inside = len(reading.pages) - 3  # the block, without its covers, made up to even
        assert len(pdf.pages) == inside + inside % 2
        for page in pdf.pages:
            box = boxes(page)
            assert box["TrimBox"] == pytest.approx(size, abs=0.01)
            bleed = [t - b for t, b in zip(box["TrimBox"][:2], box["BleedBox"][:2])] + \
                    [b - t for t, b in zip(box["TrimBox"][2:], box["BleedBox"][2:])]
            assert bleed == pytest.approx([3 * MM] * 4, abs=0.01)
            assert "/Annots" not in page  # links: none on paper, none inside a PDF/X bleed
            # Room for crop marks outside the bleed.
            assert all(m < b - 10 for m, b in zip(box["MediaBox"][:2], box["BleedBox"][:2]))


def test_crop_marks_stand_outside_the_bleed_and_the_background_fills_it(perfect, tmp_path):
    """Rendered: the cover's red runs to the bleed's edge; marks are black lines beyond it,
    in line with the trim, and never inside the bleed."""
    pdf = pdfium.PdfDocument(perfect / "pamphlet-cover.pdf")
    page = pdf[0]
    scale = 4
    image = page.render(scale=scale, may_draw_forms=True).to_pil().convert("RGB")
    with pikepdf.open(perfect / "pamphlet-cover.pdf") as pike:
        box = boxes(pike.pages[0])
    left, bottom = box["MediaBox"][:2]
    height = box["MediaBox"][3] - bottom
    def pixel(x: float, y: float):
        return image.getpixel((round((x - left) * scale), round((height - (y - bottom)) * scale)))
    trim_left, trim_bottom, trim_right, trim_top = box["TrimBox"]
    bleed_left = box["BleedBox"][0]
    assert pixel(bleed_left + 1, trim_bottom + 40) == pytest.approx((200, 60, 40), abs=3)
    mark_y = trim_top  # a mark in line with the top trim, left of the bleed
    darkest = min(sum(pixel(x, mark_y)) for x in range(int(bleed_left - 15), int(bleed_left - 3)))
    assert darkest < 450  # a hairline, grey once anti-aliased
    for x in range(int(bleed_left) + 1, int(trim_left)):  # nothing drawn inside the bleed
        assert pixel(x, mark_y) == pytest.approx((200, 60, 40), abs=3)
    assert sum(pixel(bleed_left - 20, trim_top + 30)) > 700  # white outside, off the marks


@pytest.mark.parametrize("paper, formula", [
    ("0.1mm", lambda pages: math.ceil(pages / 2) * 0.1 * MM),
    ("0.004in", lambda pages: math.ceil(pages / 2) * 0.004 * 72),
    ("ppi 444", lambda pages: 2 * math.ceil(pages / 2) / 444 * 72),
])
def test_spine_width_follows_the_paper(paper, formula, tmp_path):
    out = built(tmp_path, spec(f'scheme = "perfect"\npaper = "{paper}"\n'), LONG_ESSAY)
    with pikepdf.open(out / "pamphlet-cover.pdf") as cover, \
            pikepdf.open(out / "pamphlet-print.pdf") as block, \
            pikepdf.open(out / "pamphlet.pdf") as reading:
        pages = len(block.pages)
        width = float(reading.pages[0].MediaBox[2])
        trim = boxes(cover.pages[0])["TrimBox"]
        assert pages == len(reading.pages) - 3 + (len(reading.pages) - 3) % 2
        spine = trim[2] - trim[0] - 2 * width
        assert spine == pytest.approx(formula(pages), abs=0.01)


def spine_characters(cover: Path) -> list[tuple[float, float]]:
    """Centres (x, y) of the characters of the spine's title, in reading order."""
    pdf = pdfium.PdfDocument(cover)
    text = pdf[0].get_textpage()
    with pikepdf.open(cover) as pike:
        trim = boxes(pike.pages[0])["TrimBox"]
    middle = (trim[0] + trim[2]) / 2
    found = []
    for index in range(text.count_chars()):
        left, bottom, right, top = text.get_charbox(index)
        if abs((left + right) / 2 - middle) < 15 and text.get_text_range(index, 1).strip():
            found.append(((left + right) / 2, (bottom + top) / 2))
    return found


@pytest.mark.parametrize("lang, downwards", [("en", True), ("sv", True), ("de", False),
                                             ("fr", False)])
def test_spine_text_turns_by_the_language(lang, downwards, tmp_path):
    out = built(tmp_path, spec('scheme = "perfect"\npaper = "1mm"\n', lang=lang), LONG_ESSAY)
    chars = spine_characters(out / "pamphlet-cover.pdf")
    assert len(chars) >= 10
    ys = [y for _, y in chars[:8]]
    assert ys == sorted(ys, reverse=downwards)  # PDF's y grows upwards


def test_front_cover_takes_the_side_away_from_the_spine(tmp_path):
    """Bound on the right (a right-to-left book), the front is the left half of the wrap."""
    for binding, front_left in (("left", False), ("right", True)):
        out = built(tmp_path / binding, spec(f'scheme = "perfect"\npaper = "0.1mm"\n'
                                             f'binding = "{binding}"\n'))
        words = subprocess.run(["pdftotext", "-bbox", str(out / "pamphlet-cover.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout
        contents = [float(x) for x in re.findall(r'<word xMin="([\d.]+)"[^>]*>Collective<', words)]
        page = float(re.search(r'<page width="([\d.]+)"', words)[1])
        assert contents, words  # "Edited by The Collective" is on the front only
        assert all((x < page / 2) == front_left for x in contents)


def test_x1a_is_cmyk_only(x1a):
    images = 0
    with pikepdf.open(x1a / "pamphlet-press.pdf") as pdf:
        assert pdf.pdf_version in ("1.3", "1.4")
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-1a:2003"
        assert pdf.open_metadata()["pdfxid:GTS_PDFXVersion"] == "PDF/X-1a:2003"
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFX"
        for page in pdf.pages:
            assert boxes(page)["TrimBox"][0] - boxes(page)["BleedBox"][0] == \
                pytest.approx(5 * MM, abs=0.01)
            operators = {str(op.operator) for op in pikepdf.parse_content_stream(page)}
            assert not operators & {"rg", "RG"}, operators
            assert not set(page.Resources.get("/ColorSpace", {}).keys()) & {"/lab-d50", "/lab-d65"}
            for image in page.get_images().values():
                assert image.ColorSpace in ("/DeviceCMYK", "/DeviceGray")
                assert "/SMask" not in image  # flattened onto the paper
                images += 1
    assert images >= 1


def test_a_cover_wider_than_a_pdf_page_is_refused():
    a5 = 148 * MM
    assert not too_wide(a5, 2000 * MM, 3 * MM)
    # 200 inches is 5,080mm; the bleed and the marks' room take 2 × (3 + 6.35)mm of it.
    assert too_wide(a5, 4774 * MM, 3 * MM)
    assert not too_wide(a5, 4760 * MM, 3 * MM)


def test_plain_rgb_to_cmyk():
    assert cmyk(0, 0, 0) == (0, 0, 0, 1)
    assert cmyk(1, 1, 1) == (0, 0, 0, 0)
    assert cmyk(1, 0, 0) == (0, 1, 1, 0)
    assert cmyk(0.5, 0.25, 0.5) == pytest.approx((0, 0.5, 0, 0.5))


def test_press_builds_are_reproducible(tmp_path, source_date_epoch):
    text = spec('variants = ["press"]\n')
    first = built(tmp_path / "a", text)
    second = built(tmp_path / "b", text)
    assert (first / "pamphlet-press.pdf").read_bytes() == (second / "pamphlet-press.pdf").read_bytes()


ICC_LIKE = b"\0" * 16 + b"RGB " + b"\0" * 16 + b"acsp" + b"\0" * 200
PRESS = '[print]\nvariants = ["read", "press"]\n'
CORPUS = [
    case("bleed not a length", "P170", "pamphlet.toml", 4, "cannot use the bleed",
         spec='title = "T"\nessays = ["one"]\n[print]\nbleed = "lots"\n'),
    case("bleed too large", "P170", "pamphlet.toml", 4, "'30mm'",
         spec='title = "T"\nessays = ["one"]\n[print]\nbleed = "30mm"\n'),
    case("paper not a thickness", "P171", "pamphlet.toml", 5, "cannot read the paper",
         spec='title = "T"\nessays = ["one"]\n[print]\nscheme = "perfect"\npaper = "thin"\n'),
    case("paper ppi out of range", "P171", "pamphlet.toml", 4, "'ppi 5'",
         spec='title = "T"\nessays = ["one"]\n[print]\npaper = "ppi 5"\n'),
    case("unknown pdfx", "P106", "pamphlet.toml", 4, "did you mean 'x-1a'",
         spec='title = "T"\nessays = ["one"]\n[print]\npdfx = "x-1"\n'),
    case("unknown variant", "P106", "pamphlet.toml", 4, "'press'",
         spec='title = "T"\nessays = ["one"]\n[print]\nvariants = ["pres"]\n'),
    case("perfect without paper", "P177", "pamphlet.toml", 3, "0.1mm paper", error=False,
         spec='title = "T"\nessays = ["one"]\n[print]\nscheme = "perfect"\n'),
    case("spine too thin", "O561", "pamphlet.toml", 5, "too thin for text", error=False,
         spec='title = "T"\nessays = ["one"]\n[print]\nscheme = "perfect"\npaper = "0.1mm"\n'),
    case("transparency in x-1a", "O562", "pamphlet.toml", None, "PDF/X-1a does not allow",
         error=False, spec='title = "T"\nessays = ["one"]\n[print]\npdfx = "x-1a"\n'
         'variants = ["read", "press"]\n', files={"layouts/zine/custom.css": "h1 { opacity: 0.5 }"}),
    case("cover template escaping its sandbox", "L404", "layouts/zine/cover-wrap.html", 2,
         "sandbox", spec='title = "T"\nessays = ["one"]\n[print]\nscheme = "perfect"\n'
         'paper = "0.1mm"\n', files={"layouts/zine/cover-wrap.html":
                                     "<html>\n{{ ''.__class__.__mro__[1].__subclasses__() }}\n"}),
    case("cover template with an unknown name", "L403", "layouts/zine/cover-wrap.html", 3,
         "template error", spec='title = "T"\nessays = ["one"]\n[print]\nscheme = "perfect"\n'
         'paper = "0.1mm"\n', files={"layouts/zine/cover-wrap.html":
                                     "<html>\n<body>\n{{ wrap.nonesuch }}\n"}),
    case("project profile not cmyk", "O560", "layouts/color/cmyk.icc", None,
         "not a CMYK ICC profile", spec='title = "T"\nessays = ["one"]\n' + PRESS,
         files={"layouts/color/cmyk.icc": ICC_LIKE}),
]


@pytest.mark.parametrize("spec, files, code, file, line, words, error", CORPUS)
def test_bad_press_settings(spec, files, code, file, line, words, error, tmp_path, capsys):
    check_bad_input(spec, files, code, file, line, words, error, tmp_path, capsys)


def test_a_projects_own_profile_becomes_the_output_intent(tmp_path):
    ps_cmyk = Path("/usr/share/color/icc/ghostscript/ps_cmyk.icc")
    system.need("libgs-common")  # ghostscript's profiles; tests/system.py installs them
    out = built(tmp_path, spec('variants = ["press"]\n'),
                files={"layouts/color/cmyk.icc": ps_cmyk.read_bytes()})
    with pikepdf.open(out / "pamphlet-press.pdf") as pdf:
        assert str(pdf.Root.OutputIntents[0].Info) == "Artifex PS CMYK Profile"


def test_the_shipped_profiles_name_their_licence():
    readme = (REPO / "layouts" / "color" / "README.md").read_text()
    assert "Affero" in readme and "cmyk.icc" in readme and "srgb.icc" in readme
    assert shutil.which("pdftotext")


def test_a_layout_without_its_own_cover_uses_the_zines_and_a_project_may_replace_it(tmp_path):
    text = spec('scheme = "perfect"\npaper = "0.1mm"\n').replace(
        'essays = ["one"]', 'layout = "packet"\nessays = ["one"]')
    out = built(tmp_path / "packet", text)
    assert "Paper Matters" in subprocess.run(["pdftotext", str(out / "pamphlet-cover.pdf"), "-"],
                                             capture_output=True, text=True).stdout
    own = '<html><body><p>Our own cover, {{ wrap.spine | round(1) }}pt spine</p></body></html>'
    out = built(tmp_path / "own", text, files={"layouts/packet/cover-wrap.html": own})
    words = subprocess.run(["pdftotext", str(out / "pamphlet-cover.pdf"), "-"],
                           capture_output=True, text=True).stdout
    assert "Our own cover" in words and "Paper Matters" not in words
