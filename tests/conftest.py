"""Shared fixtures: sample projects copied to a temporary folder and built once per module."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pamphlet.build import build

TESTS = Path(__file__).parent
PROJECTS = TESTS / "projects"
REPO = TESTS.parent

# Builds take their dates from the clock unless a test opts in to SOURCE_DATE_EPOCH with the
# `source_date_epoch` fixture, so both kinds of build are tested, whatever the caller's shell has.
EPOCH = "1767225600"  # 2026-01-01
os.environ.pop("SOURCE_DATE_EPOCH", None)


def has_font_for(char: str) -> bool:
    """Whether fontconfig knows an installed font with a glyph for `char`."""
    found = subprocess.run(["fc-list", f":charset={ord(char):x}", "family"],
                           capture_output=True, text=True)
    return bool(found.stdout.strip())


# The script tests assert that CJK and emoji are drawn, so the suite installs the fonts they
# need (Debian's packages) on a machine that lacks them, as the README's test command promises.
TEST_FONTS = {"fonts-noto-cjk": "中", "fonts-noto-color-emoji": "\N{PAPERCLIP}"}


def install_test_fonts() -> None:
    missing = [package for package, char in TEST_FONTS.items() if not has_font_for(char)]
    if not missing or os.geteuid() != 0 or not shutil.which("apt-get"):
        return  # the font tests then fail and say which packages to install
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL,
             "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}
    subprocess.run(["apt-get", "update", "-qq"], check=False, **quiet)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=False, **quiet)
    subprocess.run(["fc-cache", "-f"], check=False, **quiet)


install_test_fonts()  # before collection: the bad-input corpus asks at import time


@pytest.fixture
def source_date_epoch(monkeypatch) -> str:
    """Opt in to reproducible builds: SOURCE_DATE_EPOCH is set for this test only."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return EPOCH


def built_contents(folder: Path, stem: str = "pamphlet") -> tuple[list[str], list[str]]:
    """What a build wrote to `folder`, read back: the titles in the PDF's contents page and
    in the EPUB's nav (both without Sources and Colophon)."""
    import zipfile

    from lxml import etree

    from pdftext import Pdf, toc_entries

    pdf = Pdf(folder / f"{stem}.pdf")
    contents = next(n for n in range(1, len(pdf) + 1) if pdf.top_line(n)
                    and pdf.top_line(n).text == "Contents")
    with zipfile.ZipFile(folder / f"{stem}.epub") as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    links = nav.xpath("//*[local-name()='nav'][@*[local-name()='type']='toc']//*[local-name()='a']")
    extra = {"Sources", "Colophon"}
    return ([t for t in toc_entries(pdf, contents) if t not in extra],
            [a.text for a in links if a.text not in extra])


def copy_project(name: str, where: Path) -> Path:
    """A fresh copy of tests/projects/<name>, so no test can change the originals."""
    target = where / name
    shutil.copytree(PROJECTS / name, target)
    return target


@pytest.fixture(scope="session")
def notes_build(tmp_path_factory):
    """tests/projects/notes built once: (project folder, BuildResult)."""
    project = copy_project("notes", tmp_path_factory.mktemp("notes"))
    result = build(project)
    assert result.ok, [d.format() for d in result.diagnostics]
    return project, result


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The repository's own sample pamphlet, built into a temporary folder."""
    out = tmp_path_factory.mktemp("sample")
    result = build(REPO, out)
    assert result.ok, [d.format() for d in result.diagnostics]
    return REPO, result
