"""The folders WeasyPrint copies web fonts into are not left in the temporary directory: a
process removes its own when it ends, and the next one removes those of processes that were
killed (serve's stuck workers, parts stopped at the time limit), never a live one's."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Lays out a page with a web font from `font`, then prints READY and waits for a line.
RENDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.engine.weasy.api import CSS, FONTS, HTML, ProjectFetcher
    from pamphlet.store.paths import Gate

    font = Path(sys.argv[1])
    fetcher = ProjectFetcher(Gate((font.parent,)), Diagnostics(), font.parent / "pamphlet.toml")
    css = CSS(string="@font-face { font-family: Web; src: url(%s); } p { font-family: Web }"
              % font.name, base_url=str(font), font_config=FONTS, url_fetcher=fetcher)
    HTML(string="<p>Hello</p>", url_fetcher=fetcher).render(stylesheets=[css],
                                                           font_config=FONTS)
    assert fetcher.loaded, "the web font was not loaded"
    print("READY", flush=True)
    if sys.argv[2:] == ["wait"]:
        sys.stdin.readline()
""")


STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _end_them():
    yield
    while STARTED:  # a failed test leaves none running
        process = STARTED.pop()
        process.kill()
        process.communicate()


def start(tmp_path: Path, temp: Path, wait: bool) -> subprocess.Popen:
    fonts = tmp_path / "project"
    if not fonts.exists():
        fonts.mkdir()
        found = subprocess.run(["fc-match", "-f", "%{file}", "serif"], capture_output=True,
                               text=True, check=True).stdout
        shutil.copy(found, fonts / ("web" + Path(found).suffix))
    font = next(fonts.glob("web.*"))
    process = subprocess.Popen([sys.executable, "-c", RENDER, str(font)] + ["wait"] * wait,
                               env={**os.environ, "TMPDIR": str(temp)}, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    STARTED.append(process)
    assert process.stdout.readline() == "READY\n"
    return process


def test_a_process_removes_its_font_folder_when_it_ends(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = start(tmp_path, temp, wait=True)
    (folder,) = temp.iterdir()
    assert folder.name.startswith("pamphlet-fonts-") and len(list(folder.iterdir())) == 2
    process.communicate("\n")
    assert process.returncode == 0
    assert list(temp.iterdir()) == []


def test_the_folders_of_killed_processes_are_removed_and_a_live_ones_kept(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    alive = start(tmp_path, temp, wait=True)
    (live,) = temp.iterdir()
    killed = start(tmp_path, temp, wait=True)
    killed.send_signal(signal.SIGKILL)
    killed.communicate()
    (dead,) = set(temp.iterdir()) - {live}
    assert dead.name.startswith("pamphlet-fonts-")
    later = start(tmp_path, temp, wait=False)  # ends by itself, removing its own
    later.communicate()
    assert list(temp.iterdir()) == [live]
    alive.communicate("\n")
    assert list(temp.iterdir()) == []
