"""What installs pamphlet: a distribution name of its own (the package index's `pamphlet` is
Linux PAM bindings), the `pamphlet` command, and install lines in the README that install
this project, not the index's."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile

from conftest import REPO


def test_the_wheel_is_pamphlet_zine_and_installs_the_pamphlet_command(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                            "--no-build-isolation", "-q", "-w", str(tmp_path), str(REPO)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("*.whl")
    assert wheel.name.startswith("pamphlet_zine-")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "Name: pamphlet-zine\n" in archive.read(info).decode()
        assert "pamphlet = pamphlet.cli:main" in archive.read(points).decode()
    assert "pamphlet/cli/__init__.py" in names and "pamphlet/layouts/zine/print.css" in names


def test_every_install_line_in_the_readme_installs_this_project():
    readme = (REPO / "README.md").read_text()
    commands = re.findall(r"pip install ([^\n`&]+)", readme)
    assert commands
    for command in commands:
        targets = [word for word in command.split() if not word.startswith("-")]
        # a checkout (., ./.pamphlet), an extra of one, or the repository itself: never a
        # bare name, which the package index resolves to someone else's project
        assert all(re.match(r"""['"]?\.|git\+""", target) for target in targets), command
