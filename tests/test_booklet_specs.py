"""Booklets without building them (build/booklets.py): each essay's spec (its own title,
authors, licence, language; the project's settings), which booklets a shard takes, where they
go, which are current, and how a crash or a dead worker is told. The build itself is a stand-in
that writes its outputs and its record as the real one does; tests/test_booklets.py builds
real booklets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pamphlet.build import booklets, cache
from pamphlet.build.booklets import (booklet_folder, build_booklet, build_booklets,
                                     essay_specs, in_shard)
from pamphlet.build.pipeline import BuildResult
from pamphlet.diagnostics import Diagnostics, PamphletError
from pamphlet.project.filenames import booklets_wanted, output_names
from pamphlet.project.printing import PrintSettings
from pamphlet.project.spec import load_spec

SPEC = ('title = "The Collection"\neditor = "The Editors"\nlang = "en"\ndate = "2026-03-01"\n'
        'description = "All of them"\nessays = ["one", "two"]\n'
        '[cover]\nbackground = "#123456"\nimage = "source/cover.png"\n'
        '[colophon]\nlicense = "CC BY 4.0"\n'
        '[print]\ncopies = 30\nvariants = ["press", "read"]\n'
        '[pdf]\nrender = "parts"\n[ebook]\nkobo = false\n[site]\neach_essay = true\n')
ONE = ('---\ntitle: "*Quiet* Hours"\nsubtitle: "A **night** shift"\nauthor: [Ann, Bo]\n'
       'date: 2025-11-02\nlang: de\nsummary: "About *nights*"\nlicense: CC0\n---\n\nText.\n')
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")
TWO = "---\ntitle: Two\nauthor: Cy\n---\n\nSee [one](one.md) and [gone](gone.md).\n"


def project(tmp_path: Path, spec: str | None = SPEC, essays: dict | None = None) -> Path:
    root = tmp_path / "project"
    (root / "source").mkdir(parents=True)
    if spec is not None:
        (root / "pamphlet.toml").write_text(spec)
    for slug, text in (essays if essays is not None else {"one": ONE, "two": TWO}).items():
        (root / "source" / f"{slug}.md").write_text(text)
    (root / "source" / "cover.png").write_bytes(PNG)
    return root


def test_a_booklet_is_its_essay_with_the_projects_settings(tmp_path):
    root = project(tmp_path)
    base = load_spec(root / "pamphlet.toml")
    one, two = essay_specs(root)
    assert (one.stem, two.stem) == ("one", "two")
    assert one.path == (root / "source" / "one.md").resolve()
    assert (one.title, one.subtitle, one.description) == ("Quiet Hours", "A night shift",
                                                          "About nights")
    assert one.editors == () and one.authors == ("Ann", "Bo") and two.authors == ("Cy",)
    assert one.date == "2025-11-02" and two.date is None
    assert (one.lang, two.lang) == ("de", "en")
    assert one.selection.slugs == ("one",) and two.selection.slugs == ("two",)
    # its own licence first, the project's only when it has none
    assert (one.colophon.license, two.colophon.license) == ("CC0", "CC BY 4.0")
    assert one.cover.image is None and one.cover.background == base.cover.background
    assert one.event is None and one.intro is None and one.overrides == {}
    assert one.locator is None and one.ebook.kobo and one.booklet
    assert one.pdf.render == "whole" and base.pdf.render == "parts"
    assert one.printing.copies == 30 and one.printing.variants == ("read", "print", "press")
    assert (one.layout, one.site, one.url, one.file_size_mb) == (
        base.layout, base.site, base.url, base.file_size_mb)
    assert one.pdf.page_size == base.pdf.page_size and one.root == base.root
    assert booklets.booklet_stem(one) == "essays/one"


def test_a_booklet_without_a_project_print_table_reads_its_own_way(tmp_path):
    root = project(tmp_path, SPEC.replace('[print]\ncopies = 30\nvariants = ["press", "read"]\n',
                                          ""),
                   {"one": ONE.replace("lang: de", "lang: ar"), "two": TWO})
    one, two = essay_specs(root)
    assert one.printing == PrintSettings(binding="right")  # Arabic binds on the right
    assert two.printing == PrintSettings(binding="left")


def test_an_essays_language_that_is_no_tag_gives_way_to_the_projects(tmp_path):
    root = project(tmp_path, essays={"one": ONE.replace("lang: de", "lang: ../x")})
    [one] = essay_specs(root)
    assert one.lang == "en"


def test_an_essay_that_cannot_be_read_is_left_out_and_said_why(tmp_path):
    root = project(tmp_path, essays={"one": ONE, "bad": "---\ntitle: [\n---\n\nX.\n",
                                     "two": TWO})
    said = Diagnostics()
    assert [spec.stem for spec in essay_specs(root, said)] == ["one", "two"]
    assert [(d.code, Path(d.path).name) for d in said] == [("E203", "bad.md")]
    assert [spec.stem for spec in essay_specs(root)] == ["one", "two"]  # none to tell


def test_without_a_pamphlet_toml_the_defaults(tmp_path):
    root = project(tmp_path, spec=None, essays={"one": TWO})
    [one] = essay_specs(root)
    assert one.title == "Two" and one.lang == "en" and one.printing == PrintSettings()
    assert not booklets_wanted(root)
    (root / "pamphlet.toml").write_text(SPEC)
    assert booklets_wanted(root)
    (root / "pamphlet.toml").write_text(SPEC.replace("each_essay = true", "each_essay = false"))
    assert not booklets_wanted(root)


def test_every_booklet_falls_in_exactly_one_share_whatever_the_others(tmp_path):
    stems = [f"essay-{n}" for n in range(60)]
    assert all(in_shard(stem, None) for stem in stems)
    for n in (1, 2, 3, 5):
        shares = [[s for s in stems if in_shard(s, (k, n))] for k in range(1, n + 1)]
        assert sorted(sum(shares, [])) == sorted(stems) and all(shares), n
    assert [in_shard(stem, (1, 3)) for stem in stems[:10]] == \
        [in_shard(stem, (1, 3)) for stem in reversed(stems[:10])][::-1]


def test_the_booklets_folder_is_inside_the_output_folder(tmp_path):
    root = project(tmp_path)
    assert booklet_folder(root) == root / "build" / "essays"
    assert booklet_folder(root, tmp_path / "out") == tmp_path / "out" / "essays"
    (root / "build").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (root / "build" / "essays").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(PamphletError) as raised:
        booklet_folder(root)
    [problem] = raised.value.diagnostics
    assert problem.code == "O531" and "outside" in problem.message and problem.hint
    [failed] = build_booklets(root)
    assert [d.code for d in failed.diagnostics] == ["O531"] and failed.spec is None


class StandIn:
    """build_spec as the pipeline has it, writing each output and the cache's record, and
    noting each call; it warns of the links to other essays, as the real build does."""

    def __init__(self):
        self.calls: list[tuple[str, str, str]] = []

    def __call__(self, spec, folder, encoding, key):
        self.calls.append((spec.stem, encoding, key))
        folder.mkdir(parents=True, exist_ok=True)
        names = output_names(spec)
        for name in names:
            (folder / name).write_text(f"{spec.stem}: {name}")
        cache.stage_record(folder, folder, spec.path, key, names)
        result = BuildResult(spec=spec, outputs=[folder / name for name in names])
        for target in ("one.md", "gone.md", "notes.txt"):
            result.diagnostics.warning("M304", f"a link leads nowhere: {target}#x", spec.path)
        result.diagnostics.warning("M305", "a link leads nowhere: one.md", spec.path)
        return result


@pytest.fixture
def stand_in(monkeypatch) -> StandIn:
    import pamphlet.build.pipeline

    made = StandIn()
    monkeypatch.setattr(pamphlet.build.pipeline, "build_spec", made)
    return made


def test_booklets_are_built_once_and_then_current(tmp_path, stand_in):
    root = project(tmp_path)
    first = build_booklets(root, encoding="latin-1")
    assert [r.spec.stem for r in first] == ["one", "two"] and not any(r.up_to_date for r in first)
    specs = essay_specs(root)
    assert stand_in.calls == [(spec.stem, "latin-1", cache.essay_key(spec, "encoding=latin-1"))
                              for spec in specs]
    assert first[0].outputs == [root / "build" / "essays" / name
                                for name in output_names(specs[0])]
    again = build_booklets(root, encoding="latin-1")
    assert len(stand_in.calls) == 2  # nothing rebuilt
    assert [(r.spec.stem, r.up_to_date, sorted(r.outputs)) for r in again] == [
        (r.spec.stem, True, sorted(r.outputs)) for r in first]
    build_booklets(root)  # another encoding: another key
    assert len(stand_in.calls) == 4
    build_booklets(root, force=True)
    assert len(stand_in.calls) == 6


def test_a_booklet_edited_on_disk_is_built_again_alone(tmp_path, stand_in):
    root = project(tmp_path)
    build_booklets(root)
    (root / "build" / "essays" / "two.pdf").write_text("changed")
    build_booklets(root)
    assert [stem for stem, _, _ in stand_in.calls] == ["one", "two", "two"]


def test_links_to_the_projects_other_essays_are_dropped_without_a_word(tmp_path, stand_in):
    root = project(tmp_path)
    one, two = build_booklets(root)
    # one.md exists: dropped as expected; gone.md and notes.txt do not: still said
    assert [d.message.rpartition(": ")[2] for d in two.diagnostics if d.code == "M304"] == [
        "gone.md#x", "notes.txt#x"]
    assert [d.code for d in two.diagnostics].count("M305") == 1  # another code: kept


def test_a_shard_builds_and_reports_only_its_own(tmp_path, stand_in):
    root = project(tmp_path, essays={"one": ONE, "two": TWO, "bad": "---\ntitle: [\n---\n"})
    seen = []
    for k in (1, 2):
        results = build_booklets(root, shard=(k, 2))
        seen += [r.spec.stem if r.spec else Path(r.diagnostics.items[0].path).stem
                 for r in results]
        assert all(in_shard(stem, (k, 2)) for stem in seen[-len(results):])
    assert sorted(seen) == ["bad", "one", "two"]


def test_an_unreadable_essay_fails_alone_in_its_place(tmp_path, stand_in):
    root = project(tmp_path, essays={"one": ONE, "bz": "---\ntitle: [\n---\n", "two": TWO,
                                     "a": "---\ntitle: [\n---\n"})
    results = build_booklets(root)
    assert [(r.spec.stem if r.spec else Path(r.diagnostics.items[0].path).stem, r.ok)
            for r in results] == [("a", False), ("bz", False), ("one", True), ("two", True)]
    assert [d.code for d in results[1].diagnostics] == ["E203"]


def test_a_crash_is_o532_with_where_it_happened_and_the_others_are_built(tmp_path, stand_in,
                                                                          monkeypatch):
    import pamphlet.build.pipeline

    root = project(tmp_path)

    def crashing(spec, folder, encoding, key):
        if spec.stem == "one":
            return {}["x"]
        return stand_in(spec, folder, encoding, key)
    monkeypatch.setattr(pamphlet.build.pipeline, "build_spec", crashing)
    one, two = build_booklets(root)
    [problem] = one.diagnostics
    line = crashing.__code__.co_firstlineno + 2
    assert problem.code == "O532" and problem.path == one.spec.path
    assert problem.message == ("the booklet could not be built: internal error: KeyError: "
                               f"'x' at test_booklet_specs.py:{line}")
    assert "bug in pamphlet" in problem.hint and two.ok and one.spec.stem == "one"
    assert build_booklet(one.spec, root / "build" / "essays").diagnostics.items[0].code == "O532"


def test_workers_build_the_booklets_and_a_dead_worker_fails_its_own(tmp_path, stand_in,
                                                                    monkeypatch):
    import pamphlet.build.pipeline

    root = project(tmp_path, essays={"one": ONE, "two": TWO, "three": TWO})
    results = build_booklets(root, jobs=2)
    assert [r.spec.stem for r in results] == ["one", "three", "two"]
    assert all(r.ok for r in results) and stand_in.calls == []  # built in the workers
    assert (root / "build" / "essays" / "three.epub").read_text() == "three: three.epub"
    parent = os.getpid()

    def dying(spec, folder, encoding, key):
        if os.getpid() != parent:
            os._exit(1)
        raise AssertionError("built in the build's own process, not a worker")
    monkeypatch.setattr(pamphlet.build.pipeline, "build_spec", dying)
    results = build_booklets(root, jobs=2, force=True)
    assert [[d.code for d in r.diagnostics] for r in results] == [["O532"]] * 3
    assert "the process building it died" in results[0].diagnostics.items[0].message


def test_one_booklet_left_to_build_is_built_in_the_builds_own_process(tmp_path, stand_in):
    root = project(tmp_path, essays={"one": ONE})
    build_booklets(root, jobs=4)
    assert [stem for stem, _, _ in stand_in.calls] == ["one"]
