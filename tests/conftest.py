"""Shared fixtures: sample projects copied to a temporary folder and built once per module."""

from __future__ import annotations

import os
import tempfile
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import system

TESTS = Path(__file__).parent
PROJECTS = TESTS / "projects"
REPO = TESTS.parent

# Builds take their dates from the clock unless a test opts in to SOURCE_DATE_EPOCH with the
# `source_date_epoch` fixture, so both kinds of build are tested, whatever the caller's shell has.
EPOCH = "1767225600"  # 2026-01-01
os.environ.pop("SOURCE_DATE_EPOCH", None)
# The reading PDF's parts are cached in the user's cache (outputs/parts.py): the suite's own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="pamphlet-test-cache-")


_CACHE_OWNER = os.getpid()


def pytest_unconfigure(config) -> None:
    """The suite's cache goes at the session's end (not at exit: xdist's workers leave by
    os._exit, and atexit left a folder a worker in /tmp, thousands over a day's runs)."""
    if os.getpid() == _CACHE_OWNER:
        shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)


# Hypothesis times nothing here: its deadline and its too-slow check measure the clock, which a
# loaded machine stretches (a test's own @settings may still ask for more examples).
settings.register_profile("pamphlet", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("pamphlet")


def pytest_report_header(config) -> list[str]:
    """What tests/system.py would install and the machine lacks: nothing is installed while
    the tests run (a font installed beside a running font test made it fail)."""
    missing = system.missing_packages() + system.missing_npm()
    return [f"not installed (run python tests/system.py first): {', '.join(missing)}"] \
        if missing else []


def pytest_collection_modifyitems(config, items) -> None:
    """A test marked slow says why, in a sentence: @pytest.mark.slow("why"). The files that
    hold slow tests run first: the README's command hands each worker whole files (their
    module fixtures built once), and a slow file handed out last would leave a core idle."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)  # stable: each file in order
    for item in items:
        for mark in item.iter_markers("slow"):
            why = mark.args[0] if len(mark.args) == 1 else None
            if not isinstance(why, str) or len(why.split()) < 4:
                raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.slow takes one "
                                        "argument, a sentence saying why the test is slow")


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, which -p no:xdist leaves out
def pytest_xdist_auto_num_workers(config) -> int:
    """-n auto: the cores this process may run on (a container's, not the host's)."""
    return len(os.sched_getaffinity(0))


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
    from pamphlet.build.pipeline import build

    project = copy_project("notes", tmp_path_factory.mktemp("notes"))
    result = build(project)
    assert result.ok, [d.format() for d in result.diagnostics]
    return project, result


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The repository's own sample pamphlet, built into a temporary folder."""
    from pamphlet.build.pipeline import build

    out = tmp_path_factory.mktemp("sample")
    result = build(REPO, out)
    assert result.ok, [d.format() for d in result.diagnostics]
    return REPO, result


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright, shared by the session's browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=system.chromium(),
                                              args=["--no-sandbox"])
        yield launched
        launched.close()


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page as 'rule: targets' lines (empty when it passes)."""
    page.add_script_tag(content=system.axe_script())
    found = page.evaluate("""async () => (await axe.run(document)).violations.map(
        v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""")
    return list(found)
