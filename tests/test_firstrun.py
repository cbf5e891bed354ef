"""The first ten minutes, as a new user spends them: init, new, import, build, check; every
hint pamphlet prints names a command that works as printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import tomllib

from conftest import REPO, built_contents
from pamphlet.cli import main

TWO = "Two Kinds of Glue\n=================\n\nPaste, and the other kind.\n"


def run(*args, cwd, env=None) -> subprocess.CompletedProcess:
    """pamphlet as a user runs it, in a shell whose PATH has no `pamphlet` on it."""
    env = {**os.environ, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.run([sys.executable, "-m", "pamphlet", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_init_then_the_command_it_prints_builds_the_example(tmp_path):
    made = run("init", "my zine", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    next_step = re.search(r"^next: (.*)$", made.stdout, re.M).group(1)
    assert next_step.startswith("cd 'my zine' && ") and "cd . " not in made.stdout
    built = subprocess.run(["bash", "-c", next_step], cwd=tmp_path, capture_output=True,
                           text=True, timeout=600,
                           env={**os.environ, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})
    assert built.returncode == 0, built.stderr
    assert built_contents(tmp_path / "my zine" / "build") == (["Welcome"],) * 2
    checked = run("check", cwd=tmp_path / "my zine")
    assert checked.stdout.strip() == "checked 1 spec and 1 essay: 0 errors, 0 warnings", \
        checked.stderr  # the example essay says where it comes from (no C101)


def test_init_here_says_no_cd(tmp_path):
    made = run("init", cwd=tmp_path)
    assert re.search(r"^next: \S.* build$", made.stdout, re.M) and "cd " not in made.stdout


def test_a_first_run_holds_every_essay_until_the_spec_lists_them(tmp_path, capsys,
                                                                monkeypatch):
    assert main(["init", str(tmp_path)]) == 0
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    assert main(["new", "On Borrowed Staplers"]) == 0
    assert capsys.readouterr().out == "made source/on-borrowed-staplers.md (in pamphlet.toml)\n"
    (tmp_path / "two.txt").write_text(TWO)
    assert main(["import", "two.txt"]) == 0
    out, err = capsys.readouterr()
    assert out == "made source/two-kinds-of-glue.md (in pamphlet.toml)\n" and err == ""
    assert main(["build"]) == 0
    assert built_contents(tmp_path / "build") == (
        ["On Borrowed Staplers", "Two Kinds of Glue", "Welcome"],) * 2
    capsys.readouterr()
    assert main(["check"]) == 0
    out, err = capsys.readouterr()
    assert "C106" not in err and "checked 1 spec and 3 essays: 0 errors" in out

    # Once the spec lists its essays, a new one is in no spec until it is listed, and said so.
    spec = tmp_path / "pamphlet.toml"
    text = spec.read_text()
    spec.write_text(re.sub(r"(?m)^# essays = .*$",
                           'essays = [\n  "welcome",  # the example\n  "two-kinds-of-glue",\n]',
                           text))
    line = spec.read_text().splitlines().index("essays = [") + 1
    assert main(["new", "Third Thoughts"]) == 0
    out, err = capsys.readouterr()
    assert out == "made source/third-thoughts.md\n"
    assert "C106 warning: no spec takes this essay" in err
    assert f'hint: add "third-thoughts" to essays in pamphlet.toml (line {line}); next time, ' \
           "--add lists a new essay as it is made" in err
    assert main(["check"]) == 0
    out, err = capsys.readouterr()
    assert "source/on-borrowed-staplers.md:1: C106" in err and "third-thoughts.md:1" in err
    assert "5 warnings" in out  # C106 for two essays, C101 for the three not made by init
    assert main(["check", "--strict"]) == 1
    capsys.readouterr()

    # --add lists it, keeping the spec's comments and layout.
    (tmp_path / "four.txt").write_text("Fourth\n======\n\nText.\n")
    assert main(["import", "four.txt", "--add"]) == 0
    out, err = capsys.readouterr()
    assert out == "made source/fourth.md (in pamphlet.toml)\nlisted fourth in pamphlet.toml\n"
    assert main(["new", "Fifth", "--add"]) == 0
    after = spec.read_text()
    assert '  "welcome",  # the example\n  "two-kinds-of-glue",\n  "fourth",\n  "fifth",\n]' \
        in after and after.startswith(text.split("\n# essays")[0])
    assert tomllib.loads(after)["essays"][-2:] == ["fourth", "fifth"]


def test_add_to_a_spec_that_chooses_by_tags_says_how_instead(tmp_path, capsys):
    (tmp_path / "source").mkdir()
    (tmp_path / "pamphlet.toml").write_text('title = "T"\n[select]\ntags_any = ["glue"]\n')
    before = (tmp_path / "pamphlet.toml").read_bytes()
    assert main(["new", "Paste", "--project", str(tmp_path), "--add"]) == 0
    err = capsys.readouterr().err
    assert "N886" in err and "C106" in err and "give the essay one of them" in err
    assert (tmp_path / "pamphlet.toml").read_bytes() == before
    assert main(["new", "Glue", "--tag", "glue", "--project", str(tmp_path)]) == 0
    assert capsys.readouterr().out == \
        f"made {tmp_path}/source/glue.md (in {tmp_path}/pamphlet.toml)\n"


def test_a_spec_that_will_not_load_is_not_edited_and_says_so(tmp_path, capsys):
    (tmp_path / "source").mkdir()
    (tmp_path / "pamphlet.toml").write_text('title = "T"\nessays = ["a", \n')
    assert main(["new", "A", "--project", str(tmp_path), "--add"]) == 1
    err = capsys.readouterr().err
    assert "N885" in err and (tmp_path / "source" / "a.md").is_file()
    assert (tmp_path / "pamphlet.toml").read_text() == 'title = "T"\nessays = ["a", \n'


def test_new_outside_a_project_writes_nothing(tmp_path, capsys):
    assert main(["new", "Lost", "--project", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "N884" in err and "pamphlet init" in err and list(tmp_path.iterdir()) == []


def test_import_outside_a_project_says_what_it_made_and_what_next(tmp_path, capsys,
                                                                  monkeypatch):
    (tmp_path / "two.txt").write_text(TWO)
    monkeypatch.chdir(tmp_path)
    assert main(["import", "two.txt", "--project", "zine"]) == 0
    out = capsys.readouterr().out
    assert "zine was no pamphlet project, so source/ was made in it; next: " in out
    assert out.rstrip().endswith("init zine makes its pamphlet.toml, which takes every essay "
                                 "in source/")


def test_build_given_an_essay_says_it_is_no_spec(tmp_path, capsys):
    assert main(["init", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["build", str(tmp_path / "source" / "welcome.md")]) == 1
    err = capsys.readouterr().err
    assert "P107" in err and "is an essay, not a spec" in err and "P101" not in err


def test_list_tags_without_tags_says_so(tmp_path, capsys):
    assert main(["init", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["list", "--tags", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("no tags: none of the 1 essay in ")


@pytest.mark.parametrize("name", ["pamphlet.toml", "packets/p.toml"])
def test_only_the_project_spec_takes_the_whole_library(name, tmp_path, capsys):
    (tmp_path / "source").mkdir()
    (tmp_path / "packets").mkdir()
    for slug in ("b", "a"):
        (tmp_path / "source" / f"{slug}.md").write_text(f"---\ntitle: {slug.upper()}\n---\nText.\n")
    (tmp_path / name).write_text('title = "T"\n')
    status = main(["build", str(tmp_path / name)])
    if name == "pamphlet.toml":
        assert status == 0 and built_contents(tmp_path / "build") == (["A", "B"],) * 2
    else:
        assert status == 1 and "P117" in capsys.readouterr().err


def test_an_essay_listed_but_left_out_by_select_is_not_told_to_be_listed(tmp_path, capsys):
    (tmp_path / "source").mkdir()
    for slug, tags in (("a", "[glue]"), ("b", "[]")):
        (tmp_path / "source" / f"{slug}.md").write_text(
            f"---\ntitle: {slug.upper()}\nsource: mine\ntags: {tags}\n---\nText.\n")
    (tmp_path / "pamphlet.toml").write_text(
        'title = "T"\nessays = ["a", "b"]\n[select]\ntags_any = ["glue"]\n')
    assert main(["check", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "b.md:1: C106" in err and "a.md:1: C106" not in err
    assert "pamphlet.toml lists it, but its [select] leaves it out" in err
    assert "add its file name" not in err


def test_add_keeps_the_spec_s_permissions(tmp_path, capsys):
    (tmp_path / "source").mkdir()
    spec = tmp_path / "pamphlet.toml"
    spec.write_text('title = "T"\nessays = []\n')
    spec.chmod(0o600)  # a spec kept private stays private
    assert main(["new", "A", "--project", str(tmp_path), "--add"]) == 0
    assert tomllib.loads(spec.read_text())["essays"] == ["a"]
    assert spec.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("how", ["script", "module"])
def test_a_hint_names_the_command_as_it_was_run(how, tmp_path):
    """`.venv/bin/pamphlet` is not on the PATH until the environment is activated: a hint
    that says `pamphlet init` would fail as printed, so it names the program that ran."""
    if how == "script":  # as pip writes the console script into a virtual environment
        script = tmp_path / "venv" / "bin" / "pamphlet"
        script.parent.mkdir(parents=True)
        script.write_text(f"#!{sys.executable}\nimport sys\nfrom pamphlet.cli import main\n"
                          "sys.exit(main())\n")
        script.chmod(0o755)
        program = [str(script)]
    else:
        program = [sys.executable, "-m", "pamphlet"]
    env = {**os.environ, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    folder = tmp_path / "zine"
    folder.mkdir()
    lost = subprocess.run([*program, "new", "Lost"], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=600)
    assert lost.returncode == 1 and "N884" in lost.stderr
    hint = re.search(r"hint: make one with: (.*) \(or name one", lost.stderr).group(1)
    assert hint.endswith(" init") and hint != "pamphlet init"
    made = subprocess.run(["bash", "-c", hint], cwd=folder, env=env, capture_output=True,
                          text=True, timeout=600)
    assert made.returncode == 0, made.stderr
    assert (folder / "pamphlet.toml").is_file()
