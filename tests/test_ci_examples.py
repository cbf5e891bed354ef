"""The CI examples (examples/ci/) run as written: their shard and gather commands, read from
the YAML, build a 200-essay library in N processes, and the gathered site is byte for byte
the site one machine makes."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "ci"
BASE_URL = "https://owner.github.io/library/"


def library(root: Path, essays: int = 200) -> Path:
    """A git repository holding a library of `essays` short essays, a pamphlet of five of
    them and a packet chosen by tag."""
    (root / "source").mkdir(parents=True)
    (root / "packets").mkdir()
    for n in range(1, essays + 1):
        (root / "source" / f"essay-{n:03d}.md").write_text(
            f"---\ntitle: Essay {n}\nauthor: Writer {n % 7}\ndate: 2026-{n % 12 + 1:02d}-01\n"
            f"tags: [t{n % 4}]\n---\n\nThe text of essay {n}, on paper and toner.[^1]\n\n"
            f"[^1]: A note to essay {n}.\n")
    (root / "pamphlet.toml").write_text(
        'title = "The Library"\neditor = "A Collective"\n'
        'essays = ["essay-001", "essay-002", "essay-003", "essay-004", "essay-005"]\n')
    (root / "packets" / "t1.toml").write_text(
        'title = "On T1"\n[select]\ntags_any = ["t1"]\nlimit = 4\n')
    for command in (["init", "-q"], ["add", "."],
                    ["-c", "user.name=A", "-c", "user.email=a@example.org", "commit", "-qm",
                     "library", "--date", "2026-01-01T00:00:00Z"]):
        subprocess.run(["git", *command], cwd=root, check=True,
                       env={**os.environ, "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"})
    return root


def shell(line: str, cwd: Path, env: dict) -> subprocess.Popen:
    """A command of the example in bash, with `pamphlet` this checkout's."""
    line = re.sub(r"(^|\s)pamphlet ", rf"\1{shlex.quote(sys.executable)} -m pamphlet ", line)
    return subprocess.Popen(["bash", "-euo", "pipefail", "-c", line], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(*processes: subprocess.Popen) -> None:
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, (process.args, out, err)


def site_files(site: Path) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(site.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def one_machine(tmp_path_factory):
    """The library's site made on one machine, and the library's git time."""
    root = library(tmp_path_factory.mktemp("one") / "library")
    epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True,
                           text=True, check=True).stdout.strip()
    env = {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": epoch}
    finished(shell(f"pamphlet site --out site --base-url {BASE_URL}", root, env))
    return site_files(root / "site"), epoch


def step(job: dict, holding: str) -> str:
    """The job's one `run` step that holds `holding`."""
    found = [s["run"].strip() for s in job["steps"] if holding in s.get("run", "")]
    assert len(found) == 1, found
    return found[0]


def github_value(text: str, shard: int | None = None) -> str:
    values = {"matrix.shard": str(shard), "github.repository_owner": "owner",
              "github.event.repository.name": "library"}
    return re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: values[m.group(1)], text)


def test_the_github_actions_example_gathers_the_one_machine_site(tmp_path, one_machine):
    workflow = yaml.safe_load((EXAMPLES / "github-actions.yml").read_text())
    shard, gather = workflow["jobs"]["shard"], workflow["jobs"]["gather"]
    matrix = shard["strategy"]["matrix"]["shard"]
    root = library(tmp_path / "library")
    env = {**os.environ, "PYTHONPATH": str(REPO), **workflow.get("env", {})}
    running = []
    for number in matrix:  # each job of the matrix, on a machine of its own: all at once
        github_env = tmp_path / f"env-{number}"
        finished(shell(github_value(step(shard, "SOURCE_DATE_EPOCH"), number), root,
                       {**env, "GITHUB_ENV": str(github_env)}))
        name, _, value = github_env.read_text().strip().partition("=")
        running.append(shell(github_value(step(shard, "pamphlet site"), number), root,
                             {**env, name: value}))
    finished(*running)
    for number in matrix:  # download-artifact: each shard's folder into shards/
        shutil.move(root / f"shard-{number}", root / "shards" / f"shard-{number}")
    assert {name: value} == {"SOURCE_DATE_EPOCH": one_machine[1]}
    finished(shell(github_value(step(gather, "pamphlet site")), root, {**env, name: value}))
    assert site_files(root / "site") == one_machine[0]
    assert len(matrix) == int(re.search(r"/(\d+) ", step(shard, "pamphlet site")).group(1))


def test_the_gitlab_ci_example_gathers_the_one_machine_site(tmp_path, one_machine):
    pipeline = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text())
    before = pipeline[".pamphlet"]["before_script"]
    shard, pages = pipeline["shard"], pipeline["pages"]
    root = library(tmp_path / "library")
    env = {**os.environ, "PYTHONPATH": str(REPO), **pipeline["variables"],
           "CI_PAGES_URL": BASE_URL.rstrip("/")}
    export = before[-1]
    total = shard["parallel"]
    running = [shell(f"{export}\n{shard['script'][0]}", root,
                     {**env, "CI_NODE_INDEX": str(n), "CI_NODE_TOTAL": str(total)})
               for n in range(1, total + 1)]
    finished(*running)
    finished(shell(f"{export}\n{pages['script'][0]}", root, env))
    assert site_files(root / "public") == one_machine[0]
