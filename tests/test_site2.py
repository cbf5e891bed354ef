"""Issue 13's follow-ups: booklet keys follow links only, `pamphlet build` and `pamphlet site`
share one cache, a hostile shard is cleaned at gather, booklets are built as quietly by the
site as by build, and `pamphlet check --epub` checks them."""

from __future__ import annotations

from pathlib import Path

from pamphlet.booklets import build_booklets
from test_booklets import SITE, SMALL, essay
from test_diagnostics import make


def fresh(results) -> list[str]:
    """The booklets a run built (not up to date), by slug."""
    assert all(r.ok for r in results), [d.format() for r in results for d in r.diagnostics]
    return [r.spec.stem for r in results if not r.up_to_date]


def test_a_booklet_rebuilds_only_when_an_essay_it_links_to_comes_or_goes(tmp_path,
                                                                        source_date_epoch):
    project = make(tmp_path, SMALL, {
        "one": essay("One", "See [three](three.md) and [four](#four)."),
        "two": essay("Two", "Nothing linked.")})
    source = project / "source"
    assert fresh(build_booklets(project)) == ["one", "two"]
    (source / "unrelated.md").write_text(essay("Unrelated", "Alone."))
    assert fresh(build_booklets(project)) == ["unrelated"]  # no other booklet rebuilt
    (source / "three.md").write_text(essay("Three", "Linked to by one."))
    assert fresh(build_booklets(project)) == ["one", "three"]
    (source / "four.md").write_text(essay("Four", "Linked to by one, by its slug."))
    assert fresh(build_booklets(project)) == ["four", "one"]
    (source / "three.md").unlink()
    assert fresh(build_booklets(project)) == ["one"]
    (source / "unrelated.md").unlink()
    assert fresh(build_booklets(project)) == []
