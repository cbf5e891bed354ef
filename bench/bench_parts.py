"""Benchmark the reading PDF laid out in parts (outputs/parts.py) against the single render
and against a pandoc -> HTML -> WeasyPrint pipeline, all in the same run.

Run: .venv/bin/python bench/bench_parts.py [--jobs 2] [--runs 3]   (pandoc is used if installed)

For the sample, 50 generated essays (about 1,500 words each) and 85 long essays (about 2,700
words each, as many as the Federalist Papers), prints:
- pandoc: pandoc's standalone HTML of the same essays, rendered by WeasyPrint (PDF only);
- single: a cold `pamphlet build` with [pdf] render = "whole" (PDF, print PDFs, EPUB);
- parts: the same build in parts with --jobs workers and no cache;
- cold ratio: parts / single (target at most 0.6 for 50 essays or more);
- edit middle / edit last: a rebuild after one word changes in the middle essay / the last,
  as a ratio of the cold parts build (target at most 0.2);
- grow middle: the middle essay gains two pages, so every later part moves;
- peak memory of the 85-essay build in a fresh process: the peak of the whole process
  tree's PSS (the build, its workers and the EPUB's process; target: under 400 MB), and
  the build's own process's maxrss.
Each figure is the median of --runs runs (one for the 85 essays).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import essay_text, make_corpus  # noqa: E402
from timing import median_seconds  # noqa: E402
from bench_build import pandoc_pipeline  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def long_corpus(root: Path, essays: int, words: int) -> Path:
    project = make_corpus(root, essays)
    for index, path in enumerate(sorted((project / "source").glob("*.md")), 1):
        path.write_text(essay_text(index, words))
    return project


def build_once(project: Path, out: Path, jobs: int, whole: bool = False) -> None:
    from pamphlet.build.pipeline import build

    spec = project / "pamphlet.toml"
    original = spec.read_text()
    if whole:
        spec.write_text(original.replace("\n[pdf]", '\n[pdf]\nrender = "whole"', 1)
                        if "\n[pdf]" in original else original + '\n[pdf]\nrender = "whole"\n')
    try:
        result = build(spec, out, jobs=jobs)
    finally:
        spec.write_text(original)
    assert result.ok, [d.format() for d in result.diagnostics]


def cold(project: Path, out: Path, jobs: int, whole: bool = False):
    from pamphlet.engine.parts import cache_folder

    def run():
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache_folder(out, "pamphlet"), ignore_errors=True)
        build_once(project, out, jobs, whole)
    return run


def edited(project: Path, out: Path, jobs: int, essay: Path, grow: bool = False) -> float:
    """Seconds to rebuild after one edit to `essay` (a warm cache), the edit undone after."""
    build_once(project, out, jobs)  # the cache holds the unedited book
    original = essay.read_text()
    if grow:
        text = original + "\n\n" + "More words on paper and toner for the reader. " * 180
    else:
        text = original.replace(" paper ", " papers ", 1)
    essay.write_text(text)
    try:
        started = time.perf_counter()
        build_once(project, out, jobs)
        return time.perf_counter() - started
    finally:
        essay.write_text(original)


def peak_memory(project: Path, out: Path, jobs: int) -> tuple[float, float]:
    """(the peak of the build's whole process tree, its own process's maxrss), in MB, for
    a cold build in a fresh process. The tree's figure is the sum of the PSS of the build
    and all its descendants (workers, the EPUB's process), sampled every 20 ms: a page
    shared copy-on-write by forked processes counts once, split between them."""
    from pamphlet.engine.parts import cache_folder
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(cache_folder(out, "pamphlet"), ignore_errors=True)
    code = ("import sys, resource; sys.path.insert(0, %r); from pamphlet.build.pipeline import build; "
            "r = build(%r, %r, jobs=%d); assert r.ok; "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
            % (str(REPO), str(project), str(out), jobs))
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_pss(process.pid))
        time.sleep(0.02)
    own = process.stdout.read().split()
    if process.returncode or not own:
        raise RuntimeError(f"the measured build failed (exit {process.returncode})")
    return peak / 1024, int(own[-1]) / 1024


def tree_pss(root: int) -> int:
    """The summed PSS, in kB, of process `root` and all its descendants (0 once gone)."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as stream:
                    fields = stream.read().rpartition(")")[2].split()
            except OSError:
                continue  # gone meanwhile
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += parents.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup") as stream:
                total += next(int(line.split()[1]) for line in stream
                              if line.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, --jobs {args.jobs}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        os.environ["XDG_CACHE_HOME"] = str(tmp / "cache")  # the parts' cache: ours alone
        sample = tmp / "sample"
        shutil.copytree(REPO / "source", sample / "source")
        shutil.copy(REPO / "pamphlet.toml", sample)
        projects = {"sample": (sample, args.runs),
                    "50 essays": (make_corpus(tmp / "c50", 50), args.runs),
                    "85 long": (long_corpus(tmp / "c85", 85, 2700), 1)}
        # Measured first, in a fresh process started while this one is still small.
        peaks = {name: peak_memory(project, tmp / "peak", args.jobs)
                 for name, (project, _) in projects.items()
                 if name == "85 long" and (not args.only or args.only in name)}
        print(f"{'corpus':<10} {'pages':>5} {'pandoc s':>8} {'single s':>8} {'parts s':>8} "
              f"{'parts/single':>12} {'parts/pandoc':>12} {'edit mid':>9} {'edit last':>9} "
              f"{'grow mid':>9} {'peak MB':>17}", flush=True)
        for name, (project, runs) in projects.items():
            if args.only and args.only not in name:
                continue
            out = tmp / f"out-{name.replace(' ', '')}"
            build_once(project, out, args.jobs)  # warm up: imports, fonts
            (tmp / "pandoc").mkdir(exist_ok=True)
            pandoc = pandoc_pipeline(project, tmp / "pandoc")
            pandoc_s = median_seconds(pandoc, runs) if pandoc else float("nan")
            single_s = median_seconds(cold(project, out, 1, whole=True), runs)
            parts_s = median_seconds(cold(project, out, args.jobs), runs)
            essays = sorted((project / "source").glob("*.md"))
            middle, last = essays[len(essays) // 2], essays[-1]
            mid_s = sorted(edited(project, out, args.jobs, middle) for _ in range(runs))[runs // 2]
            last_s = sorted(edited(project, out, args.jobs, last) for _ in range(runs))[runs // 2]
            grow_s = edited(project, out, args.jobs, middle, grow=True)
            from pypdf import PdfReader
            pages = len(PdfReader(out / "pamphlet.pdf").pages)
            tree, own = peaks.get(name, (float("nan"), float("nan")))
            print(f"{name:<10} {pages:5d} {pandoc_s:8.2f} {single_s:8.2f} {parts_s:8.2f} "
                  f"{parts_s / single_s:12.2f} {parts_s / pandoc_s:12.2f} "
                  f"{mid_s / parts_s:8.2f}x {last_s / parts_s:8.2f}x {grow_s / parts_s:8.2f}x "
                  f"{tree:5.0f} tree/{own:.0f} own", flush=True)


if __name__ == "__main__":
    main()
