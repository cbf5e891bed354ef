"""Line numbers for discussion: every fifth line of the essays numbered in the margin.

The lines' positions come from WeasyPrint's layout (see pdf.line_positions); the numbers are
then drawn onto the finished PDF, so they cannot change how the text flows.
"""

from __future__ import annotations

from pathlib import Path

EVERY = 5
GAP = 14.0  # points between the numbers' right edge and the text
SIZE = 7.0


def number_lines(pdf: Path, positions: dict[int, list[tuple[float, float]]]) -> None:
    """Draw the numbers onto `pdf` in place; `positions` maps a page index to the
    (baseline from the top, left edge of the text) of each body line, in points."""
    from pypdf import PdfWriter  # here: a book without line numbers does not load pypdf

    writer = PdfWriter(clone_from=str(pdf))
    for index, lines in positions.items():
        page = writer.pages[index]
        height = float(page.mediabox.height)
        # An artifact, as a tagged PDF's running heads are: not part of the text.
        ops = ["/Artifact BMC", "BT", f"/LN {SIZE} Tf", "0.45 g"]
        for number, (baseline, left) in enumerate(lines, 1):
            if number % EVERY == 0:
                text = str(number)
                width = len(text) * SIZE * 0.556  # Helvetica's digits are all this wide
                ops.append(f"1 0 0 1 {left - GAP - width:.2f} {height - baseline:.2f} Tm "
                           f"({text}) Tj")
        ops += ["ET", "EMC"]
        page.merge_page(_overlay(page, "\n".join(ops)))
    with open(pdf, "wb") as handle:
        writer.write(handle)


def _overlay(page, content: str):
    from pypdf import PageObject
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    overlay = PageObject.create_blank_page(width=page.mediabox.width, height=page.mediabox.height)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    overlay[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/LN"): font})})
    stream = DecodedStreamObject()
    stream.set_data(content.encode())
    overlay[NameObject("/Contents")] = stream
    return overlay
