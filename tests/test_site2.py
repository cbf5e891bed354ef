"""Issue 13's follow-ups: booklet keys follow links only, `pamphlet build` and `pamphlet site`
share one cache, a hostile shard is cleaned at gather, booklets are built as quietly by the
site as by build, and `pamphlet check --epub` checks them."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import EPOCH
from pamphlet.build.booklets import build_booklets
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


# ---- a shard from a machine one cannot trust ---------------------------------------------

@pytest.fixture(scope="module")
def shard(tmp_path_factory):
    """A whole shard (1/1) of a two-essay project, as pamphlet wrote it."""
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        project = make(tmp_path_factory.mktemp("trusted"), SMALL, {
            "one": essay("One", "See [two](two.md) and [the web](https://example.org/)."),
            "two": essay("Two", "Second text.")})
        folder = project / "shard"
        assert main(["site", str(project), "--shard", "1/1", "--out", str(folder)]) == 0
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    return folder


def tampered(shard: Path, where: Path, name: str, change) -> Path:
    """A copy of the shard with the record `name` changed by `change(record) -> record`."""
    copy = where / "shard"
    shutil.copytree(shard, copy, symlinks=True)
    path = copy / "records" / name
    path.write_text(json.dumps(change(json.loads(path.read_text()))))
    return copy


def gathered(shard: Path, out: Path, capsys) -> tuple[int, str]:
    status = main(["site", "--gather", str(shard), "--out", str(out)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


HOSTILE_HTML = (
    '<p onclick="steal()">Kept words.<script>alert(1)</script></p>'
    '<a href="javascript:alert(2)">js</a><a href="JaVaScRiPt&#58;alert(3)">js2</a>'
    '<a href="../../../etc/passwd">up</a><a href="/etc/passwd">root</a>'
    '<a href="two.html">a page</a><a href="https://example.org/">web</a>'
    '<img src="x" onerror="alert(4)"><img src="../../secret.png">'
    '<iframe src="https://evil.example/"></iframe><svg onload="alert(5)"></svg>'
    '<style>body{display:none}</style><form action="https://evil.example/"><input></form>'
    '<a href="data:text/html,&lt;script&gt;alert(6)&lt;/script&gt;">data</a>')
UNSAFE = ("onclick", "<script", "alert(", "javascript", "etc/passwd", "onerror", "secret.png",
          "<iframe", "<svg", "<style", "<form", "<input", "data:text")


def test_gather_sanitises_a_hostile_essay_page_t109(shard, tmp_path, capsys):
    copy = tampered(shard, tmp_path, "essay-one.json",
                    lambda record: {**record, "html": HOSTILE_HTML})
    status, err = gathered(copy, tmp_path / "site", capsys)
    record = copy / "records" / "essay-one.json"
    assert status == 0 and f"{record}: T109 warning: the essay page of one held markup" in err
    assert "onclick" in err and "hint:" in err
    page = (tmp_path / "site" / "essays" / "one.html").read_text()
    assert "Kept words." in page and 'href="two.html"' in page
    assert 'href="https://example.org/"' in page
    for unsafe in UNSAFE:
        assert unsafe not in page.lower(), unsafe


def test_a_shard_as_pamphlet_wrote_it_gathers_without_a_warning(shard, tmp_path, capsys):
    status, err = gathered(shard, tmp_path / "site", capsys)
    assert status == 0 and err == ""
    page = (tmp_path / "site" / "essays" / "one.html").read_text()
    assert 'href="two.html"' in page and 'href="https://example.org/"' in page


@pytest.mark.parametrize("name, change, says", [
    pytest.param("essay-one.json", lambda r: {**r, "slug": "../../escaped"}, "not a plain file",
                 id="an essay page out of the site"),
    pytest.param("essay-one.json", lambda r: {**r, "slug": "/tmp/abs"}, "not a plain file",
                 id="an absolute page name"),
    pytest.param("spec-pamphlet.json", lambda r: {**r, "name": ".."}, "not a plain file",
                 id="a pamphlet page out of its folder"),
    pytest.param("spec-pamphlet.json", lambda r: {**r, "downloads": [
        {**r["downloads"][0], "size": "huge"}]}, "downloads[0].size is not int",
                 id="a size that is no number"),
    pytest.param("essay-one.json", lambda r: {**r, "html": ["<p>"]}, "html is not text",
                 id="a page that is no text"),
    pytest.param("spec-pamphlet.json", lambda r: [r], "the record is not a table",
                 id="a record that is a list"),
    pytest.param("spec-pamphlet.json", lambda r: {**r, "iso_date": "2026-01-01T00:00:00Z"
                                                  "</updated><script>"}, "is not a date",
                 id="a date that is markup"),
])
def test_gather_refuses_a_record_that_pamphlet_did_not_write_t108(shard, tmp_path, capsys,
                                                                  name, change, says):
    copy = tampered(shard, tmp_path, name, change)
    status, err = gathered(copy, tmp_path / "out" / "site", capsys)
    assert status == 1 and f"{copy / 'records' / name}: T108 " in err and says in err, err
    assert not (tmp_path / "out").exists()  # nothing written, in it or beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shard"]


def test_gather_refuses_records_that_are_links_t108(shard, tmp_path, capsys):
    secret = tmp_path / "secret.json"
    copy = tampered(shard, tmp_path, "essay-two.json", lambda r: r)
    secret.write_text((copy / "records" / "essay-two.json").read_text())
    (copy / "records" / "essay-two.json").unlink()
    (copy / "records" / "essay-two.json").symlink_to(secret)
    status, err = gathered(copy, tmp_path / "site", capsys)
    assert status == 1 and f"{copy / 'records' / 'essay-two.json'}: T108 " in err, err
    (copy / "records" / "essay-two.json").unlink()
    shutil.move(copy / "records", tmp_path / "elsewhere")
    (copy / "records").symlink_to(tmp_path / "elsewhere")
    status, err = gathered(copy, tmp_path / "site", capsys)
    assert status == 1 and f"{copy / 'records'}: T108 " in err, err
    assert not (tmp_path / "site").exists()


def test_gather_refuses_files_named_outside_the_shard_or_linked_t101(shard, tmp_path, capsys):
    copy = tampered(shard, tmp_path, "essay-one.json",
                    lambda r: {**r, "media": ["media/../../../secret"]})
    status, err = gathered(copy, tmp_path / "site", capsys)
    assert status == 1 and "T101 " in err and "outside" in err, err
    shutil.rmtree(copy)
    copy = tampered(shard, tmp_path, "spec-pamphlet.json", lambda r: r)
    (tmp_path / "secret.pdf").write_text("private")
    (copy / "files" / "pamphlet.pdf").unlink()
    (copy / "files" / "pamphlet.pdf").symlink_to(tmp_path / "secret.pdf")
    status, err = gathered(copy, tmp_path / "site", capsys)
    assert status == 1 and "T101 " in err and "pamphlet.pdf" in err, err
    assert not (tmp_path / "site").exists()


@pytest.mark.slow("`check --epub` runs EPUBCheck's Java once per book, three books")
def test_check_epub_checks_the_booklets_when_they_are_wanted(tmp_path, capsys, monkeypatch,
                                                             source_date_epoch):
    import pamphlet.build.check

    spec = 'title = "One Essay"\neditor = "E"\nessays = ["one"]\n'
    project = make(tmp_path, spec, {"one": essay("One", "First text.")})
    assert main(["build", str(project), "--each-essay"]) == 0
    book = project / "build" / "essays" / "one.epub"
    whole = book.read_bytes()
    with zipfile.ZipFile(io.BytesIO(whole)) as old, zipfile.ZipFile(book, "w") as new:
        for info in old.infolist():
            if not info.filename.endswith("colophon.xhtml"):  # listed in the OPF, now missing
                new.writestr(info, old.read(info))
    capsys.readouterr()
    assert main(["check", str(project), "--epub", "--each-essay"]) == 1
    err = capsys.readouterr().err
    assert f"{book}: C104 EPUBCheck RSC-001" in err and "colophon.xhtml" in err, err
    assert "pamphlet.epub" not in err and "one.kepub.epub" not in err, err
    # Which folders are checked, without the Java: booklets only when asked for or wanted.
    checked = []
    monkeypatch.setattr(pamphlet.build.check, "_epubcheck",
                        lambda folder, diagnostics, limit: checked.append(folder))
    assert main(["check", str(project), "--epub"]) == 0
    with open(project / "pamphlet.toml", "a") as file:
        file.write(SITE)
    assert main(["check", str(project), "--epub"]) == 0
    assert checked == [project / "build", project / "build",
                       project / "build" / "essays"]


def test_build_rebuilds_a_spec_only_for_the_essays_it_selects(tmp_path, capsys,
                                                              source_date_epoch):
    tagged = "---\ntitle: {0}\nauthor: A\ntags: [{1}]\n---\n\nText of {0}.\n"
    project = make(tmp_path, 'title = "Red"\neditor = "E"\n[select]\ntags_any = ["red"]\n',
                   {"one": tagged.format("One", "red"), "two": tagged.format("Two", "blue")})
    assert main(["build", str(project)]) == 0
    capsys.readouterr()
    (project / "source" / "two.md").write_text(tagged.format("Two, changed", "blue"))
    (project / "source" / "three.md").write_text(tagged.format("Three", "green"))
    assert main(["build", str(project)]) == 0
    assert "pamphlet.toml: up to date" in capsys.readouterr().out  # nothing it holds changed
    (project / "source" / "four.md").write_text(tagged.format("Four", "red"))
    assert main(["build", str(project)]) == 0
    assert "wrote" in capsys.readouterr().out  # a new essay its [select] takes
    assert Pdf(project / "build" / "pamphlet.pdf").pages_with("Text of Four.")
    (project / "source" / "two.md").write_text(tagged.format("Two", "red"))
    assert main(["build", str(project)]) == 0
    assert "wrote" in capsys.readouterr().out  # an essay that now has its tag
    assert Pdf(project / "build" / "pamphlet.pdf").pages_with("Text of Two.")


def test_gather_refuses_a_record_that_belongs_to_another_shard_t110(tmp_path, capsys,
                                                                    monkeypatch):
    """Shard 1/2 carries, beside its own, a record of an essay shard 2/2 does (its title
    changed): each record's unit is assigned again by the shards' own rule, and the stray
    one refused; no site is written. A record filed under another unit's name is refused too."""
    from pamphlet.site.units import Unit, owner

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    slugs = [f"e{n}" for n in range(8)]
    project = make(tmp_path / "project", SMALL.replace('["one", "two"]', repr(slugs[:2])
                                                       .replace("'", '"')),
                   {slug: essay(slug.upper(), f"Text of {slug}.") for slug in slugs})
    shards = [tmp_path / "s1", tmp_path / "s2"]
    for k, folder in enumerate(shards, 1):
        assert main(["site", str(project), "--shard", f"{k}/2", "--out", str(folder)]) == 0, \
            capsys.readouterr().err
    capsys.readouterr()
    theirs = next(slug for slug in slugs if owner(Unit("essay", slug, Path()), 2) == 2)
    record = json.loads((shards[1] / "records" / f"essay-{theirs}.json").read_text())
    (shards[0] / "records" / f"essay-{theirs}.json").write_text(
        json.dumps({**record, "title": "Planted"}))
    status = main(["site", "--gather", *map(str, shards), "--out", str(tmp_path / "site")])
    err = capsys.readouterr().err
    assert status == 1 and f"essay-{theirs}.json: T110 " in err and "shard 2/2" in err, err
    assert not (tmp_path / "site").exists()
    (shards[0] / "records" / f"essay-{theirs}.json").unlink()
    mine = next(slug for slug in slugs if owner(Unit("essay", slug, Path()), 2) == 1)
    own = shards[0] / "records" / f"essay-{mine}.json"
    (shards[0] / "records" / f"essay-{theirs}.json").write_text(own.read_text())
    own.unlink()
    status = main(["site", "--gather", *map(str, shards), "--out", str(tmp_path / "site")])
    err = capsys.readouterr().err
    assert status == 1 and "T110" in err and "is filed as" in err, err
    assert not (tmp_path / "site").exists()


def test_gather_refuses_a_record_with_control_characters_t108(shard, tmp_path, capsys):
    copy = tampered(shard, tmp_path, "essay-one.json",
                    lambda record: {**record, "title": "One\u0001\ufffe"})
    status, err = gathered(copy, tmp_path / "site", capsys)
    assert status == 1 and "T108" in err and "control characters" in err, err
    assert not (tmp_path / "site").exists()
