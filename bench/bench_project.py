"""A whole project from an empty user cache against a pandoc -> WeasyPrint pipeline, as a
user runs each: a new process, imports included, every figure a ratio in the same run.

Run: .venv/bin/python bench/bench_project.py [--runs 3] [--jobs N] [--profile]
(needs pandoc, e.g. Debian's, on the PATH)

- federalist: 85 long essays (about 2,700 words each, some 1,150 A5 pages, as many as the
  Federalist Papers) in pamphlet.toml, and two packets of some of the same essays (5 and 8);
  `pamphlet build` of the three specs (target: at most 0.7 of the pipeline making the big
  book), and of the main spec alone;
- sample-sized: five essays of about 1,000 words, as this repository's sample (target: at
  most 0.9 of the pipeline making the same five essays).
The pipeline is `pandoc -s` to one HTML file, then `weasyprint` on it (the reading PDF
only; pamphlet also makes the EPUB and whatever else the spec asks for). Every pamphlet run
starts with XDG_CACHE_HOME pointing at a new folder and no build/ folder. --profile also
prints where a sample-sized build spends its time, stage by stage.
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
from corpus import essay_text, make_corpus  # noqa: E402
from timing import median_seconds  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def project(root: Path, essays: int, words: int, packets: dict[str, list[int]]) -> Path:
    made = make_corpus(root, essays)
    for index, path in enumerate(sorted((made / "source").glob("*.md")), 1):
        path.write_text(essay_text(index, words))
    (made / "packets").mkdir(exist_ok=True)
    for name, numbers in packets.items():
        slugs = ", ".join(f'"essay-{n:03d}"' for n in numbers)
        (made / "packets" / f"{name}.toml").write_text(
            f'title = "Packet {name}"\neditor = "Bench"\nessays = [{slugs}]\n')
    return made


def pamphlet(where: Path, *args: str, jobs: int):
    """A cold `pamphlet build` of `args`, from an empty user cache and no build/ folder."""
    def run():
        shutil.rmtree(where / "build", ignore_errors=True)
        env = {**os.environ, "PYTHONPATH": str(REPO),
               "XDG_CACHE_HOME": tempfile.mkdtemp(prefix="bench-project-cache-")}
        subprocess.run([sys.executable, "-m", "pamphlet", "build", *args, "--jobs", str(jobs)],
                       cwd=where, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
    return run


def pipeline(where: Path, essays: list[Path]):
    """pandoc's standalone HTML of the essays, laid out by WeasyPrint's command."""
    def run():
        html, pdf = where / "pandoc.html", where / "pandoc.pdf"
        subprocess.run(["pandoc", "-s", "--metadata", "title=Bench", "-o", str(html),
                        *map(str, essays)], check=True)
        subprocess.run([str(BIN / "weasyprint"), str(html), str(pdf)], check=True,
                       stderr=subprocess.DEVNULL)
    return run


def profile(where: Path) -> None:
    """Where one sample-sized build spends its time, by stage (in this process)."""
    import cProfile
    import pstats

    from pamphlet.build.pipeline import build

    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="bench-project-cache-")
    shutil.rmtree(where / "build", ignore_errors=True)
    profiler = cProfile.Profile()
    profiler.runcall(build, where / "pamphlet.toml", where / "build")
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    stages = {"load_spec": "spec", "select": "selection", "assemble": "Markdown and assembly",
              "render_html": "the layout's HTML", "render_pdf": "WeasyPrint: layout",
              "save_pdf": "WeasyPrint: writing, tags", "_print_outputs": "print PDFs",
              "kit_outputs": "kit", "start": "EPUB (forked beside the rest)",
              "join": "waiting for the EPUB", "commit": "moving outputs into place"}
    print(f"  one sample-sized build: {total:.2f} s of this process's time")
    for (file, _, name), row in sorted(stats.stats.items(), key=lambda item: -item[1][3]):
        if name in stages and "pamphlet" in file:
            print(f"    {stages.pop(name):<32} {row[3]:6.2f} s  {row[3] / total:5.0%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    if not shutil.which("pandoc"):
        raise SystemExit("pandoc is not installed (apt-get install pandoc)")
    with tempfile.TemporaryDirectory(prefix="bench-project-") as folder:
        root = Path(folder)
        big = project(root / "federalist", 85, 2700,
                      {"first": [1, 2, 3, 4, 5], "tenth": [10, 14, 37, 39, 47, 51, 70, 78]})
        small = project(root / "sample", 5, 1000, {})
        shutil.rmtree(small / "packets")
        rows = []
        for name, where, essays, specs in (
                ("federalist, 3 specs", big, 85, ()),
                ("federalist, main spec", big, 85, ("pamphlet.toml",)),
                ("sample-sized, 1 spec", small, 5, ())):
            sources = sorted((where / "source").glob("*.md"))[:essays]
            ours = median_seconds(pamphlet(where, *specs, jobs=args.jobs), args.runs)
            theirs = median_seconds(pipeline(where, sources), args.runs)
            rows.append((name, ours, theirs))
            print(f"{name:<24} pamphlet {ours:7.2f} s   pandoc -> WeasyPrint {theirs:7.2f} s"
                  f"   ratio {ours / theirs:5.2f}", flush=True)
        if args.profile:
            profile(small)
    return 0


if __name__ == "__main__":
    sys.exit(main())
