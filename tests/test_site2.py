"""Issue 13's follow-ups: booklet keys follow links only, `pamphlet build` and `pamphlet site`
share one cache, a hostile shard is cleaned at gather, booklets are built as quietly by the
site as by build, and `pamphlet check --epub` checks them."""

from __future__ import annotations

from pathlib import Path

from pamphlet.booklets import build_booklets
from pamphlet.cli import main
from pdftext import Pdf
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


def stamps(folder: Path) -> dict[str, int]:
    """Each output's modification time (a rebuilt output is written anew)."""
    return {p.name: p.stat().st_mtime_ns for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".")}


def test_build_and_site_share_one_cache_and_build_keeps_only_what_the_spec_asks(
        tmp_path, capsys, source_date_epoch):
    project = make(tmp_path, SMALL, {"one": essay("One", "First text."),
                                     "two": essay("Two", "Second text.")})
    build = project / "build"
    assert main(["build", str(project)]) == 0
    capsys.readouterr()
    built = stamps(build)
    assert main(["site", str(project)]) == 0
    capsys.readouterr()
    assert stamps(build) == built  # the site found build's outputs current
    assert main(["build", str(project)]) == 0
    assert "pamphlet.toml: up to date" in capsys.readouterr().out
    assert stamps(build) == built
    # No Kobo edition in build/: the spec did not ask for one. The site still offers it.
    assert "pamphlet.kepub.epub" not in built
    offered = build / "site" / "files" / "pamphlet.kepub.epub"
    kobo = offered.read_bytes()
    # An edit still rebuilds, whichever command comes first, and the other finds it current.
    (project / "source" / "two.md").write_text(essay("Two", "Second text, changed."))
    assert main(["site", str(project)]) == 0
    assert "2 made afresh, 1 current" in capsys.readouterr().out  # the pamphlet and two
    rebuilt = stamps(build)
    assert rebuilt["pamphlet.pdf"] != built["pamphlet.pdf"]
    assert main(["build", str(project)]) == 0
    assert "pamphlet.toml: up to date" in capsys.readouterr().out
    assert stamps(build) == rebuilt
    assert Pdf(build / "pamphlet.pdf").pages_with("Second text, changed.")
    assert offered.read_bytes() != kobo
    # The site's own Kobo edition is the one the spec would have made itself.
    with open(project / "pamphlet.toml", "a") as spec:
        spec.write("[ebook]\nkobo = true\n")
    assert main(["build", str(project)]) == 0
    assert (build / "pamphlet.kepub.epub").read_bytes() == offered.read_bytes()


def test_the_site_builds_booklets_as_quietly_as_build_does(tmp_path, capsys, source_date_epoch):
    one = essay("One", "See [two](two.md), [its end](two.md#end) and [a file](notes.txt).")
    project = make(tmp_path, SMALL + SITE, {"one": one,
                                            "two": essay("Two", "Second.\n\n## End\n\nX.")})
    (project / "source" / "notes.txt").write_text("notes")
    assert main(["site", str(project)]) == 0
    err = capsys.readouterr().err
    # notes.txt is named (the pamphlet's and the booklet's warning, shown as one); two.md
    # never: the booklet drops that link as expected.
    assert f"{project / 'source' / 'one.md'}:6: M304 warning: link to a file that is not in " \
        "this pamphlet: notes.txt" in err, err
    assert "two.md" not in err and err.count("M304") == 1, err
