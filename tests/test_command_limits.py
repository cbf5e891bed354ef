"""The commands that read a project without building it stop at the spec's [pdf] time_limit
(S909): `list`, `check`, `import` and each unit of `site`. Each hostile input below would run
for many seconds (every pattern over it is linear, it is only huge); the limit is 1 s, and the
command stops soon after it, says what took too long and how to raise the limit, with no
traceback and nothing written half-way.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_diagnostics import make

from pamphlet.cli import main

SPEC = 'title = "T"\n\n[pdf]\ntime_limit = 1\n'  # the limit stands on line 4
HUGE = "word ![ " * 750_000  # 6 MB: listing or checking it takes seconds on any machine
MARGIN = 8  # seconds past the limit: the check at the next alarm, a busy machine


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # nothing listed before


def huge_project(where: Path, essays: int = 3) -> Path:
    return make(where, SPEC, {f"e{i}": f"---\ntitle: E{i}\nsource: me\n---\n{HUGE}"
                              for i in range(essays)})


def run(argv: list[str]) -> tuple[int, float]:
    start = time.monotonic()
    code = main(argv)
    return code, time.monotonic() - start


def assert_stopped(err: str, what: str) -> None:
    assert f"pamphlet.toml:4: S909 {what} took longer than 1 s and was stopped" in err, err
    assert "raise [pdf] time_limit in pamphlet.toml" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command, what", [("list", "listing the essays"),
                                           ("check", "checking the project")])
def test_a_command_stops_at_the_time_limit(tmp_path, capsys, command, what):
    project = huge_project(tmp_path / "zine")
    code, elapsed = run([command, str(project)])
    out, err = capsys.readouterr()
    assert code == 1 and elapsed < 1 + MARGIN, elapsed
    assert_stopped(err, what)
    assert out == ""  # no table of some essays, no count of what was checked


def test_import_stops_at_the_time_limit_and_writes_no_essay(tmp_path, capsys):
    project = make(tmp_path / "zine", SPEC)
    before = sorted((project / "source").iterdir())
    pages = []
    for number in range(3):  # each some ten seconds to convert
        page = tmp_path / f"page{number}.html"
        page.write_text(f"<html><head><title>Page {number}</title></head><body>"
                        + "<p>word <b>bold</b> <i>x</i></p>\n" * 4_000 + "</body></html>")
        pages.append(str(page))
    code, elapsed = run(["import", "--project", str(project), *pages])
    out, err = capsys.readouterr()
    assert code == 1 and elapsed < 1 + MARGIN, elapsed
    assert_stopped(err, "reading the files to import")
    assert sorted((project / "source").iterdir()) == before
    assert "made" not in out


def test_each_unit_of_the_site_stops_at_the_time_limit(tmp_path, capsys):
    project = huge_project(tmp_path / "zine", essays=1)
    code, elapsed = run(["site", str(project)])
    out, err = capsys.readouterr()
    assert code == 1 and elapsed < 2 * (1 + MARGIN), elapsed  # two units: the book, the essay
    # (whichever unit is at work when its second runs out: the essay's or the book's)
    assert any(f"S909 making the site's {unit} took longer" in err
               for unit in ("essay:e0", "spec:pamphlet")), err
    assert_stopped(err, "making the site's " + ("essay:e0" if "essay:e0 took" in err
                                                 else "spec:pamphlet"))
    assert not (project / "build" / "site").exists()
    assert "the site was not written" in err


# The work's object is collected as the limit runs out: the alarm lands in its __del__, where
# Python cannot raise (it ends the __del__ and prints "Exception ignored in ..." with a
# traceback); the work goes on after it, and must still stop.
IN_A_DESTRUCTOR = """
import sys, time
from pamphlet.diagnostics import PamphletError, fail
from pamphlet.store.limits import time_limit

class Slow:
    def __del__(self):
        end = time.monotonic() + 2
        while time.monotonic() < end:
            pass

start, hook = time.monotonic(), sys.unraisablehook
try:
    with time_limit(1, lambda: fail("S909", "stopped", None)):
        Slow()
        while True:
            time.sleep(0.001)
except PamphletError as error:
    print(error.diagnostics[0].code, round(time.monotonic() - start, 1),
          sys.unraisablehook is hook)
"""


def test_an_alarm_inside_a_destructor_is_not_reported_and_rings_again_in_the_work():
    import subprocess
    import sys

    ran = subprocess.run([sys.executable, "-c", IN_A_DESTRUCTOR], capture_output=True,
                         text=True, timeout=60)
    code, seconds, restored = ran.stdout.split()
    assert (code, restored, ran.stderr) == ("S909", "True", "")
    assert 1 <= float(seconds) < 1 + MARGIN
