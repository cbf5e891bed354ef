"""Memory check of the issue 14 target: a cold build of 85 long essays (about 870 pages:
the reading PDF in parts, the EPUB) with 2 workers keeps the peak of its whole process
tree's PSS (the build, its workers, the EPUB's process) under 400 MB.

Run: .venv/bin/python bench/bench_memory.py [--jobs 2] [--limit 400] [--print]
(--print adds a [print] table, so the imposed print PDF is made too). Prints the peak
tree PSS and the build's own maxrss; exits 1 if the peak is over the limit.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_parts import long_corpus, peak_memory  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=float, default=400.0)
    parser.add_argument("--print", action="store_true", dest="printing")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")  # the parts' cache: ours alone
        project = long_corpus(tmp / "c85", 85, 2700)
        if args.printing:
            with open(project / "pamphlet.toml", "a") as spec:
                spec.write("\n[print]\n")
        tree, own = peak_memory(project, tmp / "out", args.jobs)
    verdict = "ok" if tree < args.limit else f"OVER the {args.limit:.0f} MB limit"
    print(f"85 long, --jobs {args.jobs}{' with [print]' if args.printing else ''}: "
          f"peak tree PSS {tree:.0f} MB, own maxrss {own:.0f} MB: {verdict}")
    return 0 if tree < args.limit else 1


if __name__ == "__main__":
    sys.exit(main())
