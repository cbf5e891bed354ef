"""The repository's own sample pamphlet: built from source/ by pamphlet.toml, checked page by page."""

from __future__ import annotations

import re

import pytest

from pamphlet.diagnostics import Diagnostics
from pamphlet.project.essays import read_essay
from pamphlet.text.markup import smarten
from pamphlet.project.spec import load_spec
from pdftext import Pdf, toc_entries

from conftest import REPO


@pytest.fixture(scope="module")
def sample(sample_build):
    _, result = sample_build
    spec = load_spec(REPO)
    essays = [read_essay(spec.source_dir / f"{slug}.md", Diagnostics()) for slug in spec.essays]
    return spec, essays, Pdf(result.outputs[0])


def essay_ranges(pdf: Pdf, titles: list[str]) -> dict[str, range]:
    """The pages of each essay, from its opening page to the page before the next one opens."""
    toc = toc_entries(pdf, 4)
    starts = [toc[title] for title in titles] + [toc["Sources"]]
    return {title: range(starts[i], starts[i + 1]) for i, title in enumerate(titles)}


def test_the_sample_selects_four_to_six_essays_that_all_exist(sample):
    spec, essays, _ = sample
    assert 4 <= len(essays) <= 6 and all(essays)
    for essay in essays:
        assert 600 <= essay.word_count <= 1500, (essay.slug, essay.word_count)


def test_contents_match_the_pages_where_essays_open(sample):
    _, essays, pdf = sample
    titles = [smarten(e.title) for e in essays]
    toc = toc_entries(pdf, 4)
    assert list(toc) == titles + ["Sources"]
    for title, page in toc.items():
        top = pdf.top_line(page)
        assert top.text == title and top.y > 60, (title, page)


def test_outline_and_sources(sample):
    _, essays, pdf = sample
    titles = [smarten(e.title) for e in essays]
    assert pdf.outline_titles() == titles
    sources = pdf.flat(toc_entries(pdf, 4)["Sources"])
    for title in titles:
        assert re.sub(r"\s+", "", f"“{title}.”") in sources


def test_every_footnote_stands_within_its_essay(sample):
    _, essays, pdf = sample
    ranges = essay_ranges(pdf, [smarten(e.title) for e in essays])
    count = 0
    for essay in essays:
        for note in re.findall(r"^\[\^[^\]]+\]:\s*(.+)$", essay.body, re.MULTILINE):
            words = re.sub(r"[*_`\[\]]|\(http[^)]*\)", "", smarten(note)).split()[:5]
            pages = pdf.pages_with(" ".join(words))
            assert pages and set(pages) <= set(ranges[smarten(essay.title)]), (essay.slug, words)
            count += 1
    assert count >= 6


def test_every_link_url_is_printed_within_its_essay(sample):
    _, essays, pdf = sample
    ranges = essay_ranges(pdf, [smarten(e.title) for e in essays])
    count = 0
    for essay in essays:
        for url in re.findall(r"\]\((https?://[^)\s]+)", essay.body):
            pages = pdf.pages_with(url)
            assert pages and set(pages) <= set(ranges[smarten(essay.title)]), (essay.slug, url)
            count += 1
    assert count >= 5


def test_running_heads_on_every_inner_essay_page(sample):
    spec, essays, pdf = sample
    ranges = essay_ranges(pdf, [smarten(e.title) for e in essays])
    for essay in essays:
        title = smarten(essay.title)
        heads = [(page, pdf.top_line(page)) for page in ranges[title][1:]]
        heads = [(page, top.text) for page, top in heads if top is not None]  # not a blank page
        assert heads, essay.slug  # every sample essay runs to more than one page
        assert heads == [(page, smarten(spec.title) if page % 2 == 0 else title)
                         for page, _ in heads]
