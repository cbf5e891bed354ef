"""Typography across many pages: no stranded headings, no widows or orphans of one line."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from pamphlet.build.pipeline import build
from pdftext import Pdf

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
from corpus import make_corpus  # noqa: E402

BODY_SIZE = 9.6  # the zine layout's text size on A5
HEADING = re.compile(r"Part \d+")
LIST_ITEM = re.compile(r"^[•–·]|^(one|nested|two)$")


def corpus_pdf(root: Path, css: str | None = None) -> Pdf:
    project = make_corpus(root, 10)
    if css:
        (project / "layouts" / "zine").mkdir(parents=True)
        (project / "layouts" / "zine" / "custom.css").write_text(css)
    result = build(project)
    assert result.ok
    return Pdf(result.outputs[0])


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    return corpus_pdf(tmp_path_factory.mktemp("corpus"))


def text_lines(pdf: Pdf, number: int):
    """Body lines and headings of a page: no running head, footnotes or page number."""
    return [line for line in pdf.lines(number)
            if line.size >= BODY_SIZE and not line.text.isdigit()]


def problems(pdf: Pdf) -> dict[str, list[int]]:
    found = {"stranded heading": [], "orphan": [], "widow": []}
    openers = _openers(pdf)
    sources = pdf.pages_with("Sources")[-1]
    for number in range(min(openers), sources - 1):
        here, there = text_lines(pdf, number), text_lines(pdf, number + 1)
        if not here or not there:
            continue
        if HEADING.fullmatch(here[-1].text):
            found["stranded heading"].append(number)
        margin_here = min(line.x for line in here)
        margin_there = min(line.x for line in there)
        first = there[0]
        continues = (abs(first.x - margin_there) < 1 and not HEADING.fullmatch(first.text)
                     and not LIST_ITEM.search(first.text) and number + 1 not in openers)
        if not continues:
            continue
        last = here[-1]
        starts_here = last.x > margin_here + 5 or (len(here) > 1 and HEADING.fullmatch(here[-2].text))
        if starts_here and not LIST_ITEM.search(last.text):
            found["orphan"].append(number)
        if len(there) == 1 or there[1].x > margin_there + 5 or HEADING.fullmatch(there[1].text):
            found["widow"].append(number + 1)
    return found


def _openers(pdf: Pdf) -> set[int]:
    return {n for n in range(1, len(pdf) + 1) if "Firstpublishedat" in pdf.flat(n)}


def test_no_heading_is_stranded_and_no_paragraph_leaves_a_single_line(pdf):
    headings = sum(1 for n in range(1, len(pdf) + 1) for line in text_lines(pdf, n)
                   if HEADING.fullmatch(line.text))
    assert headings > 20
    assert problems(pdf) == {"stranded heading": [], "orphan": [], "widow": []}


@pytest.mark.slow("lays out the long corpus book with a stylesheet that allows the faults, "
                  "to see the check find them (apart: together they hide each other)")
@pytest.mark.parametrize("css, kinds", [
    ("h2 { break-after: auto !important; break-inside: auto !important; }",
     ["stranded heading"]),
    ("p { orphans: 1 !important; widows: 1 !important; }", ["orphan", "widow"]),
])
def test_the_check_finds_them_when_the_layout_allows_them(tmp_path, css, kinds):
    """The check above is only worth something if it can fail."""
    found = problems(corpus_pdf(tmp_path, css))
    assert all(found[kind] for kind in kinds), found


def test_an_essay_title_keeps_no_break_spaces_at_its_edges(tmp_path):
    """Reading an essay trims ordinary spaces from a title, not the author's no-break ones."""
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.project.essays import read_essay

    (tmp_path / "source").mkdir()
    path = tmp_path / "source" / "edge.md"
    path.write_text("---\ntitle: \"\u00a0Edge Title\u00a0 \"\nauthor: [\" A\u00a0\"]\n---\nText.\n")
    essay = read_essay(path, Diagnostics())
    assert essay.title == "\u00a0Edge Title\u00a0" and essay.authors == ("A\u00a0",)


def test_an_essay_with_no_recorded_source_claims_no_first_publication(tmp_path, capsys):
    """No "First published ..." line is made up: the head has none, Sources says so, and
    `check` finds the essay (C101)."""
    import zipfile

    from pamphlet.cli import main
    from pdftext import Pdf

    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "known.md").write_text(
        "---\ntitle: Known\nsource: https://example.org/known\n---\n\nKnown text.\n")
    (tmp_path / "source" / "unknown.md").write_text("---\ntitle: Unknown\n---\n\nOther text.\n")
    (tmp_path / "pamphlet.toml").write_text('title = "T"\nessays = ["known", "unknown"]\n')
    assert main(["build", str(tmp_path)]) == 0
    pdf = Pdf(tmp_path / "build" / "pamphlet.pdf")
    text = "\n".join(pdf.text(n) for n in range(1, len(pdf) + 1))
    assert "First published at https://example.org/known." in text
    assert text.count("First published") == 1
    assert "“Unknown.” Source not recorded." in text
    with zipfile.ZipFile(tmp_path / "build" / "pamphlet.epub") as book:
        essays = [book.read(n).decode() for n in sorted(book.namelist()) if "essay-" in n]
    assert 'class="source"' in essays[0] and 'class="source"' not in essays[1]
    capsys.readouterr()
    assert main(["check", str(tmp_path)]) == 0
    assert f"{tmp_path / 'source' / 'unknown.md'}:2: C101 warning" in capsys.readouterr().err
