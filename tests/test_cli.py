"""The command line: help, exit codes, outputs, and the list command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pamphlet.cli import main

from conftest import PROJECTS, REPO, built_contents, copy_project


@pytest.mark.parametrize("command", [[], ["build"], ["list"]])
def test_help_on_every_command(command, capsys):
    with pytest.raises(SystemExit) as exit:
        main([*command, "--help"])
    assert exit.value.code == 0
    assert "usage: pamphlet" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["build", "--nonsense"])
    assert exit.value.code == 2
    assert main([]) == 2


def test_build_a_spec_file_with_out(tmp_path, capsys):
    project = copy_project("notes", tmp_path)
    assert main(["build", str(project / "endnotes.toml"), "--out", str(tmp_path / "out")]) == 0
    assert built_contents(tmp_path / "out", "endnotes") == (["Small Things", "The “Long” Walk"],) * 2
    assert not (project / "build").exists()
    assert "endnotes.pdf (" in capsys.readouterr().out


def test_build_defaults_to_the_current_folder(tmp_path, monkeypatch, capsys):
    project = copy_project("notes", tmp_path)
    monkeypatch.chdir(project)
    assert main(["build"]) == 0
    assert built_contents(project / "build") == (["The “Long” Walk", "Small Things", "Coda"],) * 2
    assert capsys.readouterr().out.startswith("wrote build/pamphlet.pdf (")


def test_list_shows_title_author_tags_and_words(capsys):
    assert main(["list", str(PROJECTS / "notes")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["slug", "title", "author", "tags", "words", "minutes", "pages",
                                "(A5)"]
    row = next(line for line in lines if line.startswith("small-things"))
    assert "Small Things" in row and "Ilse Probe, Rosa Tester" in row and "printing" in row
    coda = next(line for line in lines if line.startswith("coda"))
    assert coda.split()[-3:] == ["40", "1", "1"]
    walk = next(line for line in lines if line.startswith("long-walk"))
    assert walk.split()[-3:] == ["1739", "8", "6"]  # 1,739 words: 8 minutes, about 6 pages (it takes 6)


def test_list_reports_broken_essays(tmp_path, capsys):
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "bad.md").write_text("---\ntitle: [x\n---\n")
    (tmp_path / "source" / "good.md").write_text("---\ntitle: Good\n---\nOne two three.\n")
    assert main(["list", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "good" in captured.out and "E203" in captured.err


def test_console_script_runs_without_traceback(tmp_path):
    """The installed `pamphlet` entry point, as a user runs it."""
    result = subprocess.run([sys.executable, "-m", "pamphlet", "build", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "P107" in result.stderr and "Traceback" not in result.stderr


def test_readme_opens_with_the_commands_ci_runs():
    readme = (REPO / "README.md").read_text()
    commands = [line.strip() for block in readme.split("```")[1:4:2]
                for line in block.splitlines()[1:] if line.strip()]
    ci = (REPO / ".ci" / "run").read_text()
    assert len(commands) == 2
    assert all(command in ci for command in commands)
    assert "pamphlet build" in commands[0] and "pytest" in commands[1]
