"""The bookbuilder's estimate against real builds: the pages of the reading PDF (front matter,
schedule, essays opening on right-hand pages, Sources, the packet's notes pages, colophon,
back cover) and the sheets of the print PDF, for packets in each built-in layout.

The stated tolerance: the pages within 12% of the build's (and never more than 2 off for a
short packet); the sheets within one of the build's. bench/calibrate_pages.py measures the
words a page holds, which is where the misses come from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from pamphlet.build.pipeline import build
from pamphlet.project.spec import load_spec
from pamphlet.serve import packet_form

SAMPLE = '["the-photocopier-economy", "eight-pages-one-fold", "at-the-copy-shop", ' \
         '"the-reading-packet", "after-the-table"]'
EVENT = '[event]\nname = "Readers"\ndate = 2026-12-08\ntime = "19:00"\n' \
        'agenda = ["19:00 Welcome", "19:20 Reading aloud", "20:30 Next time"]\n'
CASES = {
    # The packet layout: no blank behind the cover, a schedule page, two lined notes pages
    # (each over two A5 pages), essays on any page.
    "packet-a5": f'title = "Packet"\nlayout = "packet"\nessays = {SAMPLE}\n'
                 f'[print]\nscheme = "saddle"\n{EVENT}',
    "packet-letter": f'title = "Packet"\nlayout = "packet"\nessays = {SAMPLE}\n'
                     '[pdf]\npage_size = "letter"\n[essay.at-the-copy-shop]\nquestions = '
                     '["Which copy shop do you use?", "What would you print first?"]\n' + EVENT,
    "zine-saddle": f'title = "Zine"\nessays = {SAMPLE}\n[print]\nscheme = "saddle"\n',
    "pocket-a6": f'title = "Pocket"\nlayout = "pocket"\nessays = {SAMPLE}\n'
                 '[pdf]\npage_size = "A6"\n[print]\nscheme = "cutstack"\n',
}


def within(estimated: int, built: int) -> bool:
    return abs(estimated - built) <= max(2, round(0.12 * built))


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The repository's sample essays in a project of their own."""
    root = tmp_path_factory.mktemp("estimate") / "sample"
    shutil.copytree(REPO / "source", root / "source")
    (root / "packets").mkdir()
    return root


def estimate_of(spec: Path) -> packet_form.Estimate:
    """The estimate the bookbuilder shows for a spec opened from disk."""
    draft, _ = packet_form.open_spec(spec)
    if draft.essays is None:
        draft.essays = [essay.slug for essay in _selected(spec)]
    return packet_form.estimate(spec.parent if spec.parent.name != "packets" else
                                spec.parent.parent, draft, spec)


def _selected(spec: Path):
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.project.select import select
    return select(load_spec(spec), Diagnostics())


@pytest.mark.parametrize("name", list(CASES))
def test_the_estimate_agrees_with_the_build(project, tmp_path, name):
    spec = project / "packets" / f"{name}.toml"
    spec.write_text(CASES[name])
    guess = estimate_of(spec)
    result = build(spec, tmp_path)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert within(guess.pages, result.pages), (guess.pages, result.pages)
    if result.imposed is not None:
        assert abs(guess.printing.sheets - result.imposed.sheets) <= 1, (
            guess.printing, result.imposed)


def test_the_estimate_agrees_with_the_sample_and_the_notes_project(sample_build, notes_build):
    for root, result in (sample_build, notes_build):
        guess = estimate_of(result.spec.path)
        assert within(guess.pages, result.pages), (root, guess.pages, result.pages)


def test_the_packet_layout_counts_its_own_pages(project):
    """The issue's packet: the notes pages and the schedule are counted, which the zine
    has not."""
    zine = packet_form.SpecDraft(title="T", essays=["after-the-table"])
    packet = packet_form.SpecDraft(title="T", essays=["after-the-table"], layout="packet",
                                   event=packet_form.EventDraft(agenda=["19:00 Read"]))
    # zine: cover, blank, title, contents, the essay (3), Sources, colophon, back cover
    assert packet_form.estimate(project, zine).pages == 10
    # packet: cover, title, contents, schedule, the essay (5), Sources, notes (2 x 2),
    # colophon, back cover
    assert packet_form.estimate(project, packet).pages == 16


def test_a_project_layout_counts_as_the_layout_it_extends(project):
    folder = project / "layouts" / "meeting"
    folder.mkdir(parents=True)
    (folder / "pamphlet.html").write_text('{% extends "packet/pamphlet.html" %}\n')
    (folder / "print.css").write_text('@import url("../packet/print.css");\n')
    packet = packet_form.SpecDraft(title="T", essays=["after-the-table"], layout="packet")
    own = packet_form.SpecDraft(title="T", essays=["after-the-table"], layout="meeting")
    assert packet_form.estimate(project, own).pages == packet_form.estimate(project, packet).pages
