"""Nothing to do costs nothing: the time of an up-to-date `pamphlet build` of seven specs,
and of `pamphlet list` on a library of 1,000 essays, each as the command line runs them (a
new Python process, imports included).

Run: .venv/bin/python bench/bench_noop.py [--runs 5] [--essays 1000]

Prints the median of --runs runs of:
- build no-op: seven specs (the library test project and three more packets), all current
  (target: under 0.3 s), beside `python -c pass` started the same way;
- list, cold: 1,000 generated essays, nothing in the user's cache;
- list, warm: the same again, every essay's row in the user's cache (target: under 1 s).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import make_corpus  # noqa: E402
from timing import median_seconds  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def command(*args: str, env: dict | None = None):
    def run():
        subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL,
                       env=env, cwd=REPO)
    return run


def seven_specs(root: Path) -> Path:
    project = root / "seven"
    shutil.copytree(REPO / "tests" / "projects" / "library", project)
    packet = (project / "packets" / "groups.toml").read_text()
    for number in (5, 6, 7):
        (project / "packets" / f"more-{number}.toml").write_text(
            packet.replace('title = "', f'title = "More {number}: ', 1))
    return project


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--essays", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-noop-") as folder:
        root = Path(folder)
        # As a user's Python runs: writing bytecode once, then reading it (this machine's
        # environment may say not to write it, and every import would compile again).
        env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
               "XDG_CACHE_HOME": str(root / "cache"), "PYTHONPATH": str(REPO)}
        project = seven_specs(root)
        subprocess.run([sys.executable, "-m", "pamphlet", "build", str(project)], check=True,
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        python = median_seconds(command("-c", "pass", env=env), args.runs)
        noop = median_seconds(command("-m", "pamphlet", "build", str(project), env=env),
                              args.runs)
        library = make_corpus(root / "library", args.essays)

        def cold():
            shutil.rmtree(root / "cache" / "pamphlet" / "listing", ignore_errors=True)
            command("-m", "pamphlet", "list", str(library), env=env)()
        listed_cold = median_seconds(cold, max(1, args.runs // 2))
        command("-m", "pamphlet", "list", str(library), env=env)()
        listed_warm = median_seconds(command("-m", "pamphlet", "list", str(library), env=env),
                                     args.runs)
    print(f"python -c pass:              {python:6.2f} s")
    print(f"build, 7 specs up to date:   {noop:6.2f} s   (target < 0.3 s)")
    print(f"list, {args.essays} essays, cold:   {listed_cold:6.2f} s")
    print(f"list, {args.essays} essays, warm:   {listed_warm:6.2f} s   (target < 1 s; "
          f"{listed_warm / listed_cold:.2f} of cold)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
