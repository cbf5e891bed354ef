"""Quiet output: one line for a warning repeated across essays, and results shown as each spec
finishes (issue 14's "progress and quiet")."""

from __future__ import annotations

import re

from pamphlet.cli import build as cli
from pamphlet.build.pipeline import BuildResult
from pamphlet.cli import main


def _project(root, essays: int, key: str = "auther"):
    (root / "source").mkdir(parents=True)
    slugs = [f"essay-{n:02d}" for n in range(1, essays + 1)]
    (root / "pamphlet.toml").write_text(
        'title = "Quiet"\nessays = [' + ", ".join(f'"{s}"' for s in slugs) + "]\n")
    for n, slug in enumerate(slugs, 1):
        (root / "source" / f"{slug}.md").write_text(
            f"---\ntitle: Essay {n}\n{key}: Someone\n---\n\nText {n}.\n")
    return root


def test_a_warning_in_many_essays_is_one_line_with_count_and_first_files(tmp_path, capsys,
                                                                         monkeypatch):
    project = _project(tmp_path / "p", 6)
    monkeypatch.chdir(project)
    assert main(["check", "."]) == 0
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "E207" in line]
    assert lines == [
        "source/essay-01.md:3: E207 warning: unknown front-matter key 'auther' (also in 5 other "
        "files: source/essay-02.md:3, source/essay-03.md:3, source/essay-04.md:3 and 2 more; "
        "--verbose lists each)"]
    assert err.count("hint: did you mean 'author'?") == 1


def test_verbose_shows_each_warning(tmp_path, capsys, monkeypatch):
    project = _project(tmp_path / "p", 6)
    monkeypatch.chdir(project)
    assert main(["check", ".", "--verbose"]) == 0
    err = capsys.readouterr().err
    assert re.findall(r"^source/(essay-\d\d)\.md:3: E207", err, re.M) == [
        f"essay-{n:02d}" for n in range(1, 7)]
    assert "also in" not in err


def test_different_warnings_and_a_single_one_are_not_grouped(tmp_path, capsys, monkeypatch):
    project = _project(tmp_path / "p", 2)
    (project / "source" / "essay-02.md").write_text(
        "---\ntitle: Essay 2\ntagz: [a]\n---\n\nText.\n")
    monkeypatch.chdir(project)
    assert main(["check", "."]) == 0
    err = capsys.readouterr().err
    assert "source/essay-01.md:3: E207 warning: unknown front-matter key 'auther'\n" in err
    assert "source/essay-02.md:3: E207 warning: unknown front-matter key 'tagz'\n" in err
    assert not [line for line in err.splitlines() if "E207" in line and "also in" in line]


def test_each_spec_is_reported_as_soon_as_it_is_built(tmp_path, monkeypatch):
    """The builds are a stream: the first spec's result comes back before the second spec's
    build has started, so its outputs are printed while the others are still being made."""
    started = []

    def fake_build(spec, out, key, encoding, *how):
        started.append(spec)
        return BuildResult()

    monkeypatch.setattr(cli, "_build_one", fake_build)
    todo = [(tmp_path / f"{n}.toml", tmp_path, "key") for n in range(3)]
    stream = cli._run_builds(todo, 1, "utf-8")
    task, result = next(stream)
    assert task == todo[0] and started == [todo[0][0]]
    assert [task for task, _ in stream] == todo[1:]
