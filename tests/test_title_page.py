"""The title page is set on one axis: with or without an event, its title, subtitle, the
event's details, the schedule's heading and list, and the imprint are centred."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from pamphlet.cli import main
from test_diagnostics import GOOD_ESSAY, write_project

EVENT = ('[event]\nname = "Second Tuesday Readers"\ndate = 2026-12-08\ntime = "19:00"\n'
         'place = "Back room, Central Library"\nhost = "Bo Lenz"\n'
         'agenda = ["19:00 Welcome and tea", "19:20 Discussion", "20:45 Next packet"]\n')


def centre(page, text: str) -> float:
    """The middle, left to right, of the first run of `text` on the page, in points."""
    found = page.get_textpage().search(text, match_case=True)
    start, count = found.get_next()
    boxes = [page.get_textpage().get_charbox(index) for index in range(start, start + count)]
    return (min(box[0] for box in boxes) + max(box[2] for box in boxes)) / 2


@pytest.mark.parametrize("layout", ["zine", "packet"])
@pytest.mark.parametrize("event", [EVENT, ""])
def test_everything_on_the_title_page_is_centred(layout, event, tmp_path, capsys):
    spec = (f'title = "Small Presses"\nsubtitle = "Essays on reading together"\n'
            f'editor = "The Collective"\nlayout = "{layout}"\nessays = ["one"]\n'
            f'[colophon]\npublisher = "The Back Room Press"\n{event}')
    project = write_project(tmp_path / "p", spec, {"source/one.md": GOOD_ESSAY})
    assert main(["build", str(project)]) == 0
    pdf = pdfium.PdfDocument(project / "build" / "pamphlet.pdf")
    page = next(pdf[n] for n in range(len(pdf))
                if "The Back Room Press" in pdf[n].get_textpage().get_text_range())
    # The axis: the middle of the page's text block (its margins differ, left and right).
    middle = centre(page, "Essays on reading together")
    texts = ["Small Presses", "The Back Room Press"]
    if event:
        texts.append("Schedule")
    for text in texts:
        assert centre(page, text) == pytest.approx(middle, abs=2), text
    if event:  # the event's table and the schedule's list stand as blocks in the middle
        left = centre(page, "Meeting") - middle
        right = centre(page, "Second Tuesday Readers") - middle
        assert left < 0 < right
