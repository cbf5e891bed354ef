"""Where laying the reading PDF out in parts starts to pay: the crossover behind
`render = "auto"` (engine/pdf.py: PARTS_FROM_PAGES).

Run: .venv/bin/python bench/bench_render.py [--jobs 2] [--runs 3] [--essays 2,4,6,8,12,16,24]

For books of N generated essays (about 1,500 words each, with notes and links), times a cold
build (empty user cache, empty output folder) laid out whole and one laid out in parts with
--jobs workers, each in the same run, and prints the estimated pages (what `auto` decides
by), the pages made, both times and their ratio. The crossover is the smallest book whose
parts build is no slower than its whole one; a rebuild after an edit is not counted, though
parts make it several times faster in a long book.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import make_corpus  # noqa: E402
from timing import median_seconds  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def with_render(project: Path, render: str) -> None:
    spec = project / "pamphlet.toml"
    text = spec.read_text().split("\n[pdf]")[0].rstrip("\n")
    spec.write_text(f'{text}\n\n[pdf]\nrender = "{render}"\n')


def cold_build(project: Path, out: Path, jobs: int, render: str):
    from pamphlet.build.pipeline import build

    def run():
        shutil.rmtree(out, ignore_errors=True)
        os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="bench-render-cache-")
        with_render(project, render)
        result = build(project / "pamphlet.toml", out, jobs=jobs)
        assert result.ok, [d.format() for d in result.diagnostics]
        run.pages = result.pages
    return run


def main(argv: list[str] | None = None) -> int:
    from pamphlet.project.essays import read_essay
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.engine.pdf import estimated_book_pages

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--essays", default="2,4,6,8,12,16,24")
    args = parser.parse_args(argv)
    print(f"{'essays':>6} {'est. pages':>10} {'pages':>6} {'whole s':>8} {'parts s':>8} "
          f"{'parts/whole':>11}")
    with tempfile.TemporaryDirectory(prefix="bench-render-") as folder:
        for count in (int(n) for n in args.essays.split(",")):
            project = make_corpus(Path(folder) / f"c{count}", count)
            essays = [read_essay(path, Diagnostics())
                      for path in sorted((project / "source").glob("*.md"))]
            estimate = estimated_book_pages([essay.word_count for essay in essays], "A5")
            out = Path(folder) / f"out{count}"
            whole = cold_build(project, out, args.jobs, "whole")
            parts = cold_build(project, out, args.jobs, "parts")
            whole_s = median_seconds(whole, args.runs)
            parts_s = median_seconds(parts, args.runs)
            print(f"{count:>6} {estimate:>10} {parts.pages:>6} {whole_s:>8.2f} {parts_s:>8.2f} "
                  f"{parts_s / whole_s:>11.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
