"""Reading a built PDF back: the text of each page, top to bottom, and its outline."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader


@dataclass(frozen=True)
class Line:
    y: float  # distance from the top of the page, in points
    x: float
    text: str
    size: float = 0.0  # the font size of the line's first run, in points


class Pdf:
    """A PDF read with pypdf; pages are numbered from 1, as printed."""

    def __init__(self, path: Path):
        self.path = path
        self.reader = PdfReader(str(path))
        self._lines: dict[int, list[Line]] = {}

    def __len__(self) -> int:
        return len(self.reader.pages)

    def text(self, number: int) -> str:
        return self.reader.pages[number - 1].extract_text() or ""

    def flat(self, number: int) -> str:
        """A page's text with all white space removed (URLs may wrap anywhere)."""
        return re.sub(r"\s+", "", self.text(number)).replace("\u00ad", "")

    def lines(self, number: int) -> list[Line]:
        """The page's text runs joined into lines, from the top of the page down."""
        if number not in self._lines:
            page = self.reader.pages[number - 1]
            height = float(page.mediabox.height)
            runs: list[tuple[float, float, str, float]] = []

            def visit(text, cm, tm, font, size):
                if text.strip():
                    x = tm[4] * cm[0] + cm[4]
                    y = tm[5] * cm[3] + cm[5]
                    runs.append((round(height - y, 0), x, text, abs(size * tm[3] * cm[3])))

            page.extract_text(visitor_text=visit)
            merged: dict[float, list[tuple[float, str, float]]] = {}
            for y, x, text, size in runs:
                key = next((k for k in merged if abs(k - y) <= 2), y)
                merged.setdefault(key, []).append((x, text, size))
            self._lines[number] = [
                Line(y, min(x for x, _, _ in parts),
                     " ".join("".join(t for _, t, _ in sorted(parts)).split()),
                     round(sorted(parts)[0][2], 1))
                for y, parts in sorted(merged.items())]
        return self._lines[number]

    def top_line(self, number: int) -> Line | None:
        lines = self.lines(number)
        return lines[0] if lines else None

    def bottom_line(self, number: int) -> Line | None:
        lines = self.lines(number)
        return lines[-1] if lines else None

    def pages_with(self, needle: str) -> list[int]:
        needle = re.sub(r"\s+", "", needle)
        return [n for n in range(1, len(self) + 1) if needle in self.flat(n)]

    def render(self, number: int, scale: float = 0.5):
        """The page drawn by PDFium, as a PIL image (what a reader sees, images included)."""
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(str(self.path))
        try:
            return document[number - 1].render(scale=scale).to_pil().convert("RGB")
        finally:
            document.close()

    def half_text(self, number: int, half: str) -> str:
        """The text PDFium finds in the left or right half of a page, where it is drawn (an
        imposed side places its pages as form XObjects, which pypdf's positions ignore)."""
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(str(self.path))
        try:
            page = document[number - 1]
            middle = page.get_width() / 2
            bounds = {"right": middle} if half == "left" else {"left": middle}
            return page.get_textpage().get_text_bounded(**bounds)
        finally:
            document.close()

    def outline_titles(self) -> list[str]:
        return [item.title for item in self.reader.outline if not isinstance(item, list)]


def toc_entries(pdf: Pdf, page: int) -> dict[str, int]:
    """'Title . . . . 5' lines of a contents page, as {title: page number}."""
    entries = {}
    for line in pdf.lines(page):
        match = re.match(r"^(.*?)[\s.]*\.\s*(\d+)$", line.text)
        if match:
            entries[match.group(1).strip()] = int(match.group(2))
    return entries


def image_xobjects(path: Path) -> int:
    """How many image XObjects the PDF's pages can draw, counting those inside form XObjects
    and tiling patterns (a CSS background is drawn as a pattern, not a page image)."""
    reader = PdfReader(str(path))
    seen: set[int] = set()

    def count(resources) -> int:
        found = 0
        resources = resources.get_object() if resources is not None else {}
        for kind in ("/XObject", "/Pattern"):
            for obj in (resources.get(kind) or {}).values():
                ref = getattr(obj, "idnum", None)
                obj = obj.get_object()
                if ref is not None and ref in seen:
                    continue
                seen.add(ref)
                if obj.get("/Subtype") == "/Image":
                    found += 1
                found += count(obj.get("/Resources"))
        return found

    return sum(count(page.get("/Resources")) for page in reader.pages)


def pixels_of_colour(path: Path, rgb: tuple[int, int, int], tolerance: int = 16) -> int:
    """How many pixels of all the pages, drawn by PDFium, have (nearly) this colour."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    total = 0
    try:
        for page in document:
            image = page.render(scale=0.5).to_pil().convert("RGB")
            bands = [band.point(lambda v, c=c: 255 if abs(v - c) <= tolerance else 0)
                     for band, c in zip(image.split(), rgb)]
            from PIL import ImageChops
            mask = ImageChops.multiply(ImageChops.multiply(bands[0], bands[1]), bands[2])
            total += mask.histogram()[255]
    finally:
        document.close()
    return total
