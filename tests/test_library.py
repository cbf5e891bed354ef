"""The library workflow: init, new, list --tags, parallel builds, shards and the cache."""

from __future__ import annotations

import os
import shutil

import pytest

from pamphlet.cli import main
from pamphlet.cli.common import shard
from pamphlet.project.essays import read_essay
from pamphlet.diagnostics import Diagnostics

from conftest import built_contents, copy_project


def test_init_makes_a_project_that_builds(tmp_path, capsys):
    folder = tmp_path / "zine"
    assert main(["init", str(folder)]) == 0
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        ".gitignore", "layouts/.gitkeep", "pamphlet.toml", "source/welcome.md"]
    assert main(["build", str(folder)]) == 0
    assert built_contents(folder / "build") == (["Welcome"],) * 2
    from pypdf import PdfReader
    pages = len(PdfReader(str(folder / "build" / "pamphlet.pdf")).pages)
    sides = len(PdfReader(str(folder / "build" / "pamphlet-print.pdf")).pages)
    assert pages >= 8 and sides == 2 * -(-pages // 4)  # both sides of each folded sheet


def test_init_never_overwrites(tmp_path, capsys):
    (tmp_path / "pamphlet.toml").write_text("mine")
    assert main(["init", str(tmp_path)]) == 1
    assert "N801" in capsys.readouterr().err
    assert (tmp_path / "pamphlet.toml").read_text() == "mine"


def test_new_essay_has_front_matter_and_never_overwrites(tmp_path, capsys):
    (tmp_path / "source").mkdir()  # a project (new writes into no other folder: N884)
    assert main(["new", "Notes on “Toner” & Ink", "--author", "Ada Quill", "--tag", "printing",
                 "--project", str(tmp_path)]) == 0
    path = tmp_path / "source" / "notes-on-toner-ink.md"
    essay = read_essay(path, Diagnostics())
    assert (essay.title, essay.authors, essay.tags) == ("Notes on “Toner” & Ink", ("Ada Quill",),
                                                       ("printing",))
    before = path.read_bytes()
    assert main(["new", "Notes on Toner, Ink", "--project", str(tmp_path)]) == 1
    assert "N802" in capsys.readouterr().err and path.read_bytes() == before


def test_list_tags_with_counts(capsys):
    from conftest import PROJECTS
    assert main(["list", "--tags", str(PROJECTS / "library")]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert rows[0] == ["tag", "essays"]
    assert rows[1:3] == [["printing", "3"], ["reading", "3"]]


def test_shards_build_every_spec_exactly_once():
    specs = [f"s{i}" for i in range(7)]
    parts = [shard(specs, (k, 3)) for k in (1, 2, 3)]
    assert sorted(s for part in parts for s in part) == sorted(specs)
    assert all(set(a).isdisjoint(b) for a in parts for b in parts if a is not b)


def test_shard_option_builds_a_fixed_subset(tmp_path, capsys):
    project = copy_project("library", tmp_path)
    built = []
    for k in (1, 2):
        assert main(["build", str(project), "--shard", f"{k}/2"]) == 0
        built.append({line.split()[1] for line in capsys.readouterr().out.splitlines()
                      if line.startswith("wrote") and line.split()[1].endswith(".pdf")})
    assert built[0].isdisjoint(built[1])
    assert {p.rsplit("/", 1)[-1] for p in built[0] | built[1]} == {
        "pamphlet.pdf", "excerpt.pdf", "groups.pdf", "printing.pdf"}


def test_parallel_build_matches_the_serial_one(tmp_path, capsys, source_date_epoch):
    serial = copy_project("library", tmp_path / "serial")
    parallel = copy_project("library", tmp_path / "parallel")
    assert main(["build", str(serial)]) == 0
    assert main(["build", str(parallel), "--jobs", "2"]) == 0
    for path in sorted((serial / "build").glob("*.pdf")) + sorted((serial / "build").glob("*.epub")):
        assert path.read_bytes() == (parallel / "build" / path.name).read_bytes(), path.name


@pytest.mark.parametrize("change", ["essay", "spec", "layout", "nothing"])
def test_cache_rebuilds_only_what_changed(change, tmp_path, capsys):
    project = copy_project("notes", tmp_path)
    assert main(["build", str(project)]) == 0
    capsys.readouterr()
    if change == "essay":
        essay = project / "source" / "coda.md"
        essay.write_text(essay.read_text() + "\nOne more line.\n")
    elif change == "spec":
        spec = project / "pamphlet.toml"
        spec.write_text(spec.read_text().replace('subtitle = "A test pamphlet"',
                                                 'subtitle = "A changed pamphlet"'))
    elif change == "layout":
        (project / "layouts" / "zine").mkdir(parents=True)
        (project / "layouts" / "zine" / "custom.css").write_text("h1 { color: navy; }")
    assert main(["build", str(project)]) == 0
    out = capsys.readouterr().out
    assert ("up to date" in out) == (change == "nothing")
    assert ("wrote" in out) == (change != "nothing")


def test_cache_notices_a_changed_output(tmp_path, capsys):
    project = copy_project("notes", tmp_path)
    assert main(["build", str(project)]) == 0
    (project / "build" / "pamphlet.pdf").write_bytes(b"tampered")
    capsys.readouterr()
    assert main(["build", str(project)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert (project / "build" / "pamphlet.pdf").read_bytes().startswith(b"%PDF")


def test_an_unfilled_source_template_counts_as_no_source(tmp_path, capsys):
    (tmp_path / "source").mkdir()
    assert main(["new", "Fresh", "--project", str(tmp_path)]) == 0
    essay = read_essay(tmp_path / "source" / "fresh.md", Diagnostics())
    assert essay.source is None


@pytest.mark.parametrize("change", ["intro file", "cover image"])
def test_cache_notices_the_files_the_spec_names(change, tmp_path, capsys):
    """An intro file or cover image outside source/ and layouts/ is part of the key too:
    editing it rebuilds, and the new outputs show the edit."""
    from PIL import Image

    from pdftext import Pdf, pixels_of_colour

    project = copy_project("notes", tmp_path)
    spec = project / "pamphlet.toml"
    spec.write_text(spec.read_text().replace("essays = [", 'intro_file = "intro.md"\nessays = [')
                    .replace("[cover]\n", '[cover]\nimage = "cover.png"\n'))
    (project / "intro.md").write_text("The first intro-marker-one.\n")
    Image.new("RGB", (600, 800), (0, 0, 128)).save(project / "cover.png")
    assert main(["build", str(project)]) == 0
    capsys.readouterr()
    if change == "intro file":
        (project / "intro.md").write_text("The second intro-marker-two.\n")
    else:
        Image.new("RGB", (600, 800), (255, 0, 0)).save(project / "cover.png")
    assert main(["build", str(project)]) == 0
    out = capsys.readouterr().out
    assert "wrote" in out and "up to date" not in out, out
    pdf = Pdf(project / "build" / "pamphlet.pdf")
    if change == "intro file":
        assert pdf.pages_with("intro-marker-two") and not pdf.pages_with("intro-marker-one")
    else:
        assert pixels_of_colour(pdf.path, (255, 0, 0)) > 10_000


@pytest.fixture
def keyed(tmp_path):
    """A project whose spec names an intro file and a cover image: (spec, key of it now)."""
    from pamphlet.build import cache

    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "a.md").write_text("---\ntitle: A\n---\nText.\n")
    (tmp_path / "layouts" / "zine").mkdir(parents=True)
    (tmp_path / "layouts" / "zine" / "custom.css").write_text("p { color: black; }")
    (tmp_path / "art").mkdir()
    (tmp_path / "art" / "cover.png").write_bytes(b"png one")
    (tmp_path / "intro.md").write_text("Intro one.")
    spec = tmp_path / "pamphlet.toml"
    spec.write_text('title = "T"\nintro_file = "intro.md"\nessays = ["a"]\n'
                    '[cover]\nimage = "art/cover.png"\n')
    return spec, cache.cache_key(spec)


@pytest.mark.parametrize("edit", ["spec", "essay", "new essay", "layout", "intro file",
                                  "cover image", "options", "SOURCE_DATE_EPOCH", "version"])
def test_the_cache_key_covers_everything_an_output_is_made_of(keyed, edit, monkeypatch):
    from pamphlet.build import cache

    spec, before = keyed
    root, options = spec.parent, ""
    if edit == "spec":
        spec.write_text(spec.read_text().replace('"T"', '"U"'))
    elif edit == "essay":
        (root / "source" / "a.md").write_text("---\ntitle: A\n---\nText!\n")
    elif edit == "new essay":
        (root / "source" / "b.md").write_text("---\ntitle: B\n---\nText.\n")
    elif edit == "layout":
        (root / "layouts" / "zine" / "custom.css").write_text("p { color: navy; }")
    elif edit == "intro file":
        (root / "intro.md").write_text("Intro two.")
    elif edit == "cover image":
        (root / "art" / "cover.png").write_bytes(b"png two")
    elif edit == "options":
        options = "encoding=cp1252"
    elif edit == "SOURCE_DATE_EPOCH":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    else:
        monkeypatch.setattr(cache, "__version__", "0.0.0-other")
    assert cache.cache_key(spec, options) != before


def test_the_cache_key_ignores_what_outputs_are_not_made_of(keyed):
    from pamphlet.build import cache

    spec, before = keyed
    (spec.parent / "build").mkdir()
    (spec.parent / "build" / "pamphlet.pdf").write_bytes(b"output")
    (spec.parent / "notes.txt").write_text("a file the spec does not name")
    assert cache.cache_key(spec) == before
    spec.write_text(spec.read_text().replace('"art/cover.png"', '"art/none.png"'))
    missing = cache.cache_key(spec)  # a named file that is not there is no error here
    spec.write_text("title = [broken")
    assert len({cache.cache_key(spec), missing, before}) == 3


def test_recorded_outputs_are_current_only_while_key_and_files_match(tmp_path):
    from pamphlet.build import cache

    out, spec = tmp_path / "build", tmp_path / "pamphlet.toml"
    out.mkdir()
    spec.write_text('title = "T"\n')
    other = tmp_path / "other.toml"
    pdf, epub = out / "pamphlet.pdf", out / "pamphlet.epub"
    pdf.write_bytes(b"pdf")
    epub.write_bytes(b"epub")
    assert cache.current_outputs(out, spec, "k1") is None  # nothing recorded yet

    def record(spec_path, key, outputs):  # as a build commits: staged beside its outputs
        scratch = tmp_path / "scratch"
        scratch.mkdir()
        for output in outputs:
            shutil.copy(output, scratch / output.name)
        name = cache.stage_record(out, scratch, spec_path, key, [o.name for o in outputs])
        os.replace(scratch / name, out / name)
        shutil.rmtree(scratch)

    record(spec, "k1", [pdf, epub])
    record(other, "k2", [epub])
    assert sorted(cache.current_outputs(out, spec, "k1")) == [epub, pdf]
    assert cache.current_outputs(out, other, "k2") == [epub]  # both records kept
    assert cache.current_outputs(out, spec, "k2") is None
    assert sorted(p.name for p in out.iterdir()) == [".pamphlet-cache.json", "pamphlet.epub",
                                                     "pamphlet.pdf"]  # no temporary left
    pdf.write_bytes(b"changed")
    assert cache.current_outputs(out, spec, "k1") is None
    pdf.write_bytes(b"pdf")
    epub.unlink()
    assert cache.current_outputs(out, spec, "k1") is None
    (out / ".pamphlet-cache.json").write_text("{not json")
    assert cache.current_outputs(out, other, "k2") is None


def test_the_cache_key_in_the_corners(keyed, monkeypatch):
    """A renamed essay, an empty SOURCE_DATE_EPOCH, a spec with a byte-order mark or
    without named files."""
    from pamphlet.build import cache

    spec, before = keyed
    root = spec.parent
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")  # set but empty: the clock, as when unset
    assert cache.cache_key(spec) == before
    (root / "source" / "a.md").rename(root / "source" / "b.md")  # same bytes, another slug
    assert cache.cache_key(spec) != before
    spec.write_text("\ufeff" + spec.read_text())
    with_bom = cache.cache_key(spec)
    (root / "intro.md").write_text("Intro two.")
    assert cache.cache_key(spec) != with_bom  # the named files are still read
    spec.write_text('title = "T"\nessays = ["b"]\n')
    assert len(cache.cache_key(spec)) == 64


def test_a_record_without_outputs_means_rebuild(tmp_path):
    from pamphlet.build import cache

    spec = tmp_path / "pamphlet.toml"
    spec.write_text('title = "T"\n')
    (tmp_path / ".pamphlet-cache.json").write_text(
        '{"%s": {"key": "k"}}' % str(spec.resolve()))
    assert not cache.current_outputs(tmp_path, spec, "k")
