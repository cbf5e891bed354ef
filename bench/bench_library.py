"""Benchmark builds at scale: 20 packets with --jobs 2 against --jobs 1, and a no-op rebuild.

Run: .venv/bin/python bench/bench_library.py   (target: at least 1.7x with two jobs; the
no-op rebuild of the sample under half a second). Each run is a fresh `pamphlet build`
process, timed from outside as a user would see it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import make_corpus  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def run(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pamphlet", *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project = make_corpus(tmp / "library", 30)
        (project / "packets").mkdir()
        for number in range(20):
            slugs = [f"essay-{(number * 3 + k) % 30 + 1:03d}" for k in range(3)]
            (project / "packets" / f"packet-{number:02d}.toml").write_text(
                f'title = "Packet {number}"\nessays = {slugs!r}\n'.replace("'", '"'))
        (project / "pamphlet.toml").unlink()
        serial = run("build", str(project), "--out", str(tmp / "one"), "--jobs", "1")
        parallel = run("build", str(project), "--out", str(tmp / "two"), "--jobs", "2")
        print(f"20 packets, --jobs 1: {serial:.1f} s; --jobs 2: {parallel:.1f} s; "
              f"speed-up {serial / parallel:.2f}x")
        sample = tmp / "sample"
        shutil.copytree(REPO, sample, ignore=shutil.ignore_patterns(".git", ".venv", "build"))
        run("build", str(sample))
        noop = min(run("build", str(sample)) for _ in range(5))
        print(f"no-op rebuild of the sample: {noop:.2f} s (a whole process, best of 5)")


if __name__ == "__main__":
    main()
