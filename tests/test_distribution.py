"""What installs pamphlet: a distribution name of its own (the package index's `pamphlet` is
Linux PAM bindings), the `pamphlet` command, and install lines in the README and the CI
examples that install this project, not the index's."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile

import yaml

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


def ours(command: str) -> bool:
    """Whether the arguments of `pip install` name this project: a checkout (., ./.pamphlet),
    an extra of one, or a git repository; never a bare name, which the package index
    resolves to someone else's project."""
    targets = [word for word in command.split() if not word.startswith("-")]
    return bool(targets) and all(re.match(r"""['"]?\.|git\+""", word) for word in targets)


def test_every_install_line_in_the_readme_installs_this_project():
    readme = (REPO / "README.md").read_text()
    commands = re.findall(r"pip install ([^\n`&]+)", readme)
    assert commands
    for command in commands:
        assert ours(command), command


def test_the_ci_examples_install_the_pamphlet_their_checkout_fetches():
    """Each job installs the submodule .pamphlet, and its checkout fetches submodules."""
    workflow = yaml.safe_load((REPO / "examples" / "ci" / "github-actions.yml").read_text())
    for name, job in workflow["jobs"].items():
        steps = [step["run"] for step in job["steps"] if "pip install" in step.get("run", "")]
        checkout = next(step for step in job["steps"]
                        if step.get("uses", "").startswith("actions/checkout"))
        assert steps and checkout.get("with", {}).get("submodules") is True, name
        for run in steps:
            assert ours(run.split("pip install", 1)[1]) and "./.pamphlet" in run, run
    pipeline = yaml.safe_load((REPO / "examples" / "ci" / "gitlab-ci.yml").read_text())
    installs = [line for line in pipeline[".pamphlet"]["before_script"] if "pip install" in line]
    assert installs and all(ours(line.split("pip install", 1)[1]) for line in installs)
    assert pipeline["variables"]["GIT_SUBMODULE_STRATEGY"] in ("normal", "recursive")
    assert all(pipeline[job]["extends"] == ".pamphlet" for job in ("shard", "pages"))


def test_the_test_extra_holds_the_build_backend_the_wheel_test_uses():
    """On a fresh clone pip builds pamphlet in an isolated environment, so the venv has no
    hatchling unless the test extra brings it; the wheel test builds without isolation."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    backend = project["build-system"]["requires"]
    installed = project["project"]["dependencies"] + \
        project["project"]["optional-dependencies"]["test"]
    assert all(any(need.split(">")[0] == got.split(">")[0] for got in installed)
               for need in backend)
