"""The printer test sheet (outputs/testsheet.py), read back from its drawing: the rulers'
ticks at true millimetres and true eighths of an inch, the corner letters behind each other
after the job's flip, the job's flip marked, arrows that point where they say. Printed at
the wrong scale or flipped the wrong way, a sheet must show it; that is all it is for. Its
words, laid out apart in the book's language, are read back through pdftotext.
tests/test_event_kit.py reads it as a user does, through pdftotext and the command line."""

from __future__ import annotations

import html
import math
import re
import subprocess

import pikepdf
import pytest

import system

from pamphlet.locale.words import Words
from pamphlet.outputs.testsheet import CORNERS, INSET, behind, corner_points, write_test_sheet
from pamphlet.project.imposition import flips_vertically
from pamphlet.project.printing import SHEETS, PrintSettings

MM = 72 / 25.4
INCH = 72.0


class Drawing:
    """One side of the sheet: its words (text, x, y, size), straight strokes, rectangles,
    filled triangles and curves, from its content stream."""

    def __init__(self, page):
        self.words, self.lines, self.boxes, self.heads, self.curves = [], [], [], [], []
        self.widths, self.dashes = [], []
        stream = page.obj.Contents.read_bytes().decode("latin-1")
        for line in stream.splitlines():
            numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", line.split("(")[0])]
            if line.startswith("BT"):
                size, x, y, text = re.fullmatch(r"BT /F1 (\S+) Tf (\S+) (\S+) Td \((.*)\) Tj ET",
                                                line).groups()
                self.words.append((text, float(x), float(y), float(size)))
            elif line.endswith(" l S") and " c " not in line:
                self.lines.append(tuple(numbers))
            elif line.endswith(" re S"):
                self.boxes.append(tuple(numbers))
            elif line.endswith(" l f"):
                self.heads.append(tuple(numbers))
            elif line.endswith(" c S"):
                self.curves.append(tuple(numbers))
            elif line.endswith(" w"):
                self.widths.append(numbers[0])
            elif line.endswith(" d"):
                self.dashes.append(line)

    def word(self, text: str) -> tuple[float, float, float]:
        [found] = [(x, y, size) for word, x, y, size in self.words if word == text]
        return found

    def texts(self) -> list[str]:
        return [word for word, *_ in self.words]


def flat(items) -> list[float]:
    return [value for item in items for value in item]


def sheet(tmp_path, lang: str = "en", **settings) -> tuple[list[Drawing], float, float,
                                                           pikepdf.Pdf]:
    target = tmp_path / "sheet.pdf"
    page_size = settings.pop("page_size", "A5")
    size = write_test_sheet(PrintSettings(**settings), page_size, target,
                            Words.for_language(lang))
    pdf = pikepdf.open(target)
    width, height = (float(v) for v in pdf.pages[0].MediaBox[2:])
    assert size == pytest.approx((width, height))
    return [Drawing(page) for page in pdf.pages], width, height, pdf


def lines(pdf: pikepdf.Pdf) -> list[list[tuple[str, float, float, float, float]]]:
    """Each page's lines of words as pdftotext reads them: (text, left, top, right, bottom),
    in points from the top left."""
    found = subprocess.run([system.command("pdftotext", "poppler-utils"), "-bbox-layout",
                            pdf.filename, "-"], check=True, capture_output=True,
                           text=True).stdout
    pages = []
    for page in found.split("<page ")[1:]:
        pages.append([
            (" ".join(html.unescape(w) for w in re.findall(r">([^<]*)</word>", words)),
             float(x0), float(y0), float(x1), float(y1))
            for x0, y0, x1, y1, words in re.findall(
                r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                r'(.*?)</line>', page, re.DOTALL)])
    return pages


def line(page: list, start: str) -> tuple[str, float, float, float, float]:
    [found] = [item for item in page if item[0].startswith(start)]
    return found


def ruler(front: Drawing, label: str) -> tuple[float, list[tuple[float, float]], list]:
    """The ruler named `label`: its base line's y, its ticks (x, length) and its numbers."""
    _, label_x, base, _ = next(w for w in front.words if w[0] == label)
    ticks = sorted((x1, y2 - y1) for x1, y1, x2, y2 in front.lines
                   if x1 == x2 and abs(y1 - base) < 0.01 and y2 > y1)
    numbers = sorted((x + 3, int(text)) for text, x, y, _ in front.words
                     if text.isdigit() and abs(y - (base - 10)) < 0.01)
    return base, ticks, numbers


# (label, its base line's height, the tick's step, ticks per number, a number's value)
RULERS = [pytest.param("mm", 50 * MM, MM, 10, 10, id="100 mm in millimetres"),
          pytest.param("in", 30 * MM, INCH / 8, 8, 1, id="4 inches in eighths")]


@pytest.mark.parametrize("label, height, step, every, value", RULERS)
def test_each_ruler_has_a_tick_each_step_at_its_true_length(tmp_path, label, height, step,
                                                            every, value):
    (front, _), width, _, _ = sheet(tmp_path)
    base, ticks, numbers = ruler(front, label)
    assert base == pytest.approx(height, abs=0.01)
    count = 100 if label == "mm" else 32
    assert len(ticks) == count + 1
    start = width / 2 - 50 * MM
    for n, (x, length) in enumerate(ticks):
        assert x == pytest.approx(start + n * step, abs=0.01)  # in points, whatever the unit
        assert length == (8 if n % every == 0 else 5 if n % (every // 2) == 0 else 3), n
    assert [v for _, v in numbers] == [n // every * value for n in range(0, count + 1, every)]
    assert [x for x, _ in numbers] == pytest.approx(
        [start + n * step for n in range(0, count + 1, every)], abs=0.01)
    [(x1, _, x2, _)] = [line for line in front.lines if line[1] == line[3] == base]
    length = 100 * MM if label == "mm" else 4 * INCH
    assert (x2 - x1, x1) == pytest.approx((length, start), abs=0.01)  # the ruler's own line
    assert front.word(label)[:2] == pytest.approx((start + length + 6, base), abs=0.01)


def test_the_rulers_say_how_to_read_them(tmp_path):
    _, width, height, pdf = sheet(tmp_path)
    text, left, top, right, bottom = line(lines(pdf)[0], "Scale check")
    assert "100 mm" in text and "4 inches" in text and "fit to page" in text
    assert (left + right) / 2 == pytest.approx(width / 2, abs=2)  # centred under the rulers
    assert top < height - 20 * MM < bottom + 2 and bottom < height - 15 * MM


@pytest.mark.parametrize("scheme, landscape", [("saddle", True), ("cutstack", False),
                                               ("perfect", False)])
@pytest.mark.parametrize("duplex", ["long-edge", "short-edge"])
def test_each_back_letter_lies_behind_its_front_letter_after_the_jobs_flip(
        tmp_path, scheme, landscape, duplex):
    (front, back), width, height, _ = sheet(tmp_path, scheme=scheme, duplex=duplex)
    assert (width > height) == landscape
    assert sorted((width, height)) == pytest.approx(sorted(SHEETS["A4"]))  # A5 prints on A4
    vertical = flips_vertically(duplex, landscape)
    points = corner_points(width, height)
    assert points == {"A": (INSET, height - INSET), "B": (width - INSET, height - INSET),
                      "C": (width - INSET, INSET), "D": (INSET, INSET)}
    for letter in CORNERS:
        fx, fy, size = front.word(letter)
        bx, by, _ = back.word(letter)
        assert (fx + 10, fy + 12) == pytest.approx(points[letter], abs=0.01) and size == 34
        # turned over as the copier turns it, the back's letter is behind the front's
        assert (bx + 10, by + 12) == pytest.approx(behind(points[letter], width, height,
                                                          vertical), abs=0.01)
        turned = (width - (bx + 10), by + 12) if vertical else (bx + 10, height - (by + 12))
        assert turned == pytest.approx(points[letter], abs=0.01)
    for side in (front, back):  # a box around each letter
        assert flat(sorted(box for box in side.boxes if box[2:] == (32, 36))) == pytest.approx(
            flat(sorted((x + 10 - 16, y + 12 - 18, 32, 36) for text, x, y, _ in side.words
                        if text in CORNERS)), abs=0.01)
    assert len(back.boxes) == 4


def test_behind_turns_left_and_right_or_top_and_bottom():
    assert behind((10, 20), 100, 200, vertical=True) == (90, 20)
    assert behind((10, 20), 100, 200, vertical=False) == (10, 180)


def test_each_side_says_which_it_is_at_the_top_under_an_arrow_up(tmp_path):
    (front, back), width, height, pdf = sheet(tmp_path)
    said = lines(pdf)
    for number, (side, name) in enumerate(((front, "FRONT"), (back, "BACK")), 1):
        title, left, top, right, bottom = line(said[number - 1], "THIS SIDE UP")
        assert title == f"THIS SIDE UP - {name} - side {number} of 2"
        assert (left + right) / 2 == pytest.approx(width / 2, abs=2)
        assert top < 22 * MM < bottom + 2 and bottom - top > 12  # at 14 points
        [arrow] = [line for line in side.lines if line[1] > height / 2  # not a ruler's tick
                   and abs(line[0] - width / 2) < 0.01 and abs(line[2] - width / 2) < 0.01]
        assert arrow[1:4:2] == pytest.approx((height - 40 * MM, height - 26 * MM), abs=0.01)
        tip = side.heads[0]
        assert tip[:2] == pytest.approx((width / 2, height - 26 * MM), abs=0.01)  # it points up
        assert all(y < tip[1] for y in tip[3::2])
        other = f"Page order: this is side {number}; side {3 - number} is on the other face."
        hold = "Hold the sheet to the light: each letter must lie behind the same letter."
        for text, down in ((other, 52 * MM), (hold, 58 * MM)):
            found, left, top, _, bottom = line(said[number - 1], text[:10])
            assert found == text and left == pytest.approx(30 * MM, abs=1.5)
            assert top < down < bottom + 2
    assert "mm" not in back.texts() and not any("flip" in t for t, *_ in said[1])
    assert str(pdf.docinfo["/Title"]) == "Printer test sheet"
    font = pdf.pages[0].obj.Resources.Font.F1
    assert (font.BaseFont, font.Subtype, font.Encoding) == (
        "/Helvetica", "/Type1", "/WinAnsiEncoding")
    # the words' page drawn first, under the drawing, which starts in black
    drawn = pdf.pages[0].obj.Contents.read_bytes()
    assert re.match(rb"q\n[\d. ]+ cm\n/\S+ Do\nQ\n0 0 0 1 k 0 0 0 1 K\n", drawn), drawn[:80]


def arrowhead(head: tuple) -> tuple[float, float, float]:
    """A filled triangle's tip, the length of its sides and the angle between them."""
    tx, ty, lx, ly, rx, ry = head
    left, right = math.hypot(lx - tx, ly - ty), math.hypot(rx - tx, ry - ty)
    between = abs(math.atan2(ly - ty, lx - tx) - math.atan2(ry - ty, rx - tx))
    return left, right, min(between, 2 * math.pi - between)


@pytest.mark.parametrize("duplex", ["long-edge", "short-edge"])
def test_the_jobs_flip_is_the_one_marked(tmp_path, duplex):
    (front, _), width, height, pdf = sheet(tmp_path, duplex=duplex)
    labels = sorted(item for item in lines(pdf)[0] if "flip" in item[0])
    assert [text for text, *_ in labels] == [
        "long-edge flip" + (" - THIS JOB" if duplex == "long-edge" else ""),
        "short-edge flip" + (" - THIS JOB" if duplex == "short-edge" else "")]
    sizes = [bottom - top for _, _, top, _, bottom in labels]  # the job's flip is larger
    assert (sizes[0] > sizes[1]) is (duplex == "long-edge")
    chosen = 0 if duplex == "long-edge" else 1
    # the sheets in miniature: drawn at 34 mm on their long side, 80 mm apart
    scale = 34 * MM / max(width, height)
    boxes = [box for box in front.boxes if box[2] != 32]
    assert flat(boxes) == pytest.approx(flat(
        (width / 2 - 70 * MM + index * 80 * MM, height / 2 - 20 * MM, width * scale,
         height * scale) for index in (0, 1)), abs=0.01)
    for index, (_, left, top, _, bottom) in enumerate(labels):  # under each miniature
        assert left == pytest.approx(boxes[index][0], abs=1.5)
        assert top < height - (boxes[index][1] - 16) < bottom + 2
    widths = [w for w in front.widths if w in (1.4, 0.5)]
    assert widths == ([1.4, 0.5] if chosen == 0 else [0.5, 1.4])
    solid, dashed = "[] 0 d", "[3 2] 0 d"
    assert front.dashes == ([solid, solid, dashed, solid] if chosen == 0
                            else [dashed, solid, solid, solid])


@pytest.mark.parametrize("scheme", ["saddle", "cutstack"])
def test_each_miniature_turns_on_its_edge_with_a_curved_arrow(tmp_path, scheme):
    (front, _), width, height, _ = sheet(tmp_path, scheme=scheme)
    landscape = width > height
    boxes = [box for box in front.boxes if box[2] != 32]
    curves = front.curves
    assert len(curves) == 2
    for (x0, y0, w, h), curve, flip in zip(boxes, curves, ("long-edge", "short-edge")):
        x1, y1, cx1, cy1, cx2, cy2, x2, y2 = curve
        if flips_vertically(flip, landscape):  # the hinge is the left edge
            assert (x0, y0 - 6, x0, y0 + h + 6) in [pytest.approx(line, abs=0.01)
                                                    for line in front.lines]
            assert (x1, y1, x2, y2) == pytest.approx(
                (x0 + w * 0.8, y0 + h / 2, x0 - w * 0.6, y0 + h / 2), abs=0.01)
            assert (cx1, cy1, cx2, cy2) == pytest.approx((x1, y1 + 28, x2, y2 + 28), abs=0.01)
        else:  # the hinge is the top edge
            assert (x0 - 6, y0 + h, x0 + w + 6, y0 + h) in [pytest.approx(line, abs=0.01)
                                                            for line in front.lines]
            assert (x1, y1, x2, y2) == pytest.approx(
                (x0 + w / 2, y0 + h * 0.2, x0 + w / 2, y0 + h + h * 0.6), abs=0.01)
            assert (cx1, cy1, cx2, cy2) == pytest.approx((x1 + 28, y1, x2 + 28, y2), abs=0.01)
        [head] = [head for head in front.heads
                  if head[:2] == pytest.approx((x2, y2), abs=0.01)]
        along = math.atan2(y2 - cy2, x2 - cx2)  # the curve's direction at its end
        tx, ty, lx, ly, rx, ry = head
        middle = math.atan2(ty - (ly + ry) / 2, tx - (lx + rx) / 2)
        assert math.cos(middle - along) == pytest.approx(1, abs=1e-3)  # the head points on
        assert arrowhead(head) == pytest.approx((7, 7, 0.9), abs=0.02)
    assert arrowhead(front.heads[0]) == pytest.approx((7, 7, 0.9), abs=0.02)


def test_the_sheet_is_the_printers_paper_for_the_page_size(tmp_path):
    _, width, height, _ = sheet(tmp_path, scheme="cutstack", page_size="half-letter")
    assert (width, height) == pytest.approx(SHEETS["letter"])
    _, width, height, _ = sheet(tmp_path, scheme="cutstack", sheet="A3")
    assert (width, height) == pytest.approx(SHEETS["A3"])
    _, width, height, _ = sheet(tmp_path, scheme="saddle", sheet="A3")
    assert (height, width) == pytest.approx(SHEETS["A3"])  # landscape


@pytest.mark.parametrize("lang, own", [("fr", "CE CÔTÉ EN HAUT - RECTO"),
                                       ("ru", "ЭТОЙ СТОРОНОЙ ВВЕРХ - ЛИЦЕВАЯ"),
                                       ("ar", "هذا الوجه")])
def test_the_sheet_speaks_the_books_language_in_a_font_with_its_script(tmp_path, lang, own):
    """Every word of a French, Russian or Arabic sheet is the catalog's, none English (as
    pdftotext reads it), in fonts with the script, embedded as subsets."""
    from test_languages import english_left

    _, _, _, pdf = sheet(tmp_path, lang)
    text = "\n".join(item[0] for page in lines(pdf) for item in page)
    # (pdftotext gives right-to-left lines in the order they are drawn, left to right)
    assert (own if lang != "ar" else own[::-1]) in text and english_left(text, lang) == []
    embedded = [font for page in pdf.pages for font in page.obj.Resources.XObject.values()
                for font in font.Resources.Font.values()]
    assert embedded and all("+" in str(font.BaseFont) for font in embedded)
    assert str(pdf.docinfo["/Title"]) == Words.for_language(lang).pgettext(
        "testsheet_title", "Printer test sheet") != "Printer test sheet"


@pytest.mark.parametrize("scheme", ["saddle", "cutstack"])  # landscape and portrait sheets
@pytest.mark.parametrize("lang", ["en", "de", "ja", "ar"])
def test_no_word_runs_into_a_corner_letter_or_off_the_sheet(tmp_path, lang, scheme):
    """A long line (German's, Japanese's scale check on a portrait sheet) goes on below
    rather than over the corner letters' boxes or past the sheet's edge."""
    sides, width, height, pdf = sheet(tmp_path, lang, scheme=scheme)
    for side, said in zip(sides, lines(pdf)):
        boxes = [(x, height - y - h, x + w, height - y) for x, y, w, h in side.boxes
                 if (w, h) == (32, 36)]  # the letters' boxes, from the top left
        assert len(boxes) == 4
        for text, left, top, right, bottom in said:
            if text in CORNERS:
                continue
            assert 0 < left <= right < width and 0 < top < bottom < height, text  # (a mark: 0 wide)
            for x0, y0, x1, y1 in boxes:
                assert right < x0 or left > x1 or bottom < y0 or top > y1, (text, (x0, y0))


def test_impose_writes_the_test_sheet_in_the_language_asked(tmp_path, capsys):
    """`pamphlet impose --test-sheet --lang de` (no spec to take a language from); a language
    without a catalog is said (P180) and the sheet is English."""
    import pikepdf

    from pamphlet.cli import main

    def title(lang: str) -> str:
        target = tmp_path / f"{lang}.pdf"
        assert main(["impose", "--test-sheet", "-o", str(target), "--lang", lang]) == 0
        with pikepdf.open(target) as pdf:
            return str(pdf.docinfo["/Title"])
    assert title("de") == Words.for_language("de").pgettext(
        "testsheet_title", "Printer test sheet") != "Printer test sheet"
    assert "P180" not in capsys.readouterr().err
    assert title("tlh") == "Printer test sheet"
    assert "P180 warning: --lang: pamphlet has no words in the language 'tlh'" in \
        capsys.readouterr().err
