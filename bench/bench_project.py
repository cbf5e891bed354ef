"""A whole project from an empty user cache against a pandoc -> WeasyPrint pipeline, as a
user runs each: a new process, imports included, every figure a ratio in the same run.

Run: .venv/bin/python bench/bench_project.py [--runs 3] [--jobs N] [--only sample]
[--profile] [--code DIR]   (needs pandoc, e.g. Debian's, on the PATH)

- federalist: 85 long essays (about 2,700 words each, some 1,150 A5 pages, as many as the
  Federalist Papers) in pamphlet.toml, and two packets of some of the same essays (5 and 8);
  `pamphlet build` of the three specs (target: at most 0.7 of the pipeline making the big
  book), and of the main spec alone;
- sample-sized: five essays of about 1,000 words, as this repository's sample (target: at
  most 0.9 of the pipeline making the same five essays);
- ours: this repository's own sample (source/ and pamphlet.toml), whose spec also asks for
  the imposed and the black-and-white print PDFs.
The pipeline is `pandoc -s --file-scope` to one HTML file (each essay's notes its own),
then `weasyprint` on it (the reading PDF only; pamphlet also makes the EPUB and whatever
else the spec asks for). Every pamphlet run starts with XDG_CACHE_HOME pointing at a new
folder and no build/ folder, and imports pamphlet's modules compiled, as an installed copy
has them (a shell with PYTHONDONTWRITEBYTECODE would compile every module on each run,
which WeasyPrint's installed modules never pay). --profile also prints where a
sample-sized build spends its wall time, stage by stage (stages.py), beside the pipeline's
two commands; --code times another checkout of pamphlet (the one before a change, say)
against the same pipeline, in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import essay_text, make_corpus  # noqa: E402
from stages import show, stages  # noqa: E402
from timing import median_seconds  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BOOKS = ("federalist", "sample", "ours")


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


def compiled(code: Path, pycache: Path) -> dict[str, str]:
    """The environment in which `code`'s modules are imported from bytecode compiled once,
    into `pycache` (not into the checkout), as pip compiles an installed copy."""
    env = {key: value for key, value in os.environ.items()
           if key != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(code), PYTHONPYCACHEPREFIX=str(pycache))
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(code / "pamphlet")],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def pamphlet(where: Path, *args: str, jobs: int, env: dict[str, str]):
    """A cold `pamphlet build` of `args`, from an empty user cache and no build/ folder."""
    def run():
        shutil.rmtree(where / "build", ignore_errors=True)
        cache = tempfile.mkdtemp(prefix="bench-project-cache-")
        try:
            checked([sys.executable, "-m", "pamphlet", "build", *args, "--jobs", str(jobs)],
                    where, {**env, "XDG_CACHE_HOME": cache})
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    return run


def pipeline(where: Path, essays: list[Path]):
    """pandoc's standalone HTML of the essays, laid out by WeasyPrint's command."""
    def run():
        html, pdf = where / "pandoc.html", where / "pandoc.pdf"
        checked(["pandoc", "-s", "--file-scope", "--metadata", "title=Bench", "-o", str(html),
                 *map(str, essays)], where)
        checked([str(BIN / "weasyprint"), str(html), str(pdf)], where)
    return run


def interleaved(runs: list, times: int) -> list[float]:
    """The median wall time of each of `runs`, taken in turn `times` times over, so that a
    change in the machine's load falls on each alike."""
    seconds = [[] for _ in runs]
    for _ in range(times):
        for run, taken in zip(runs, seconds):
            taken.append(median_seconds(run, 1))
    return [statistics.median(taken) for taken in seconds]


def checked(command: list[str], where: Path, env: dict[str, str] | None = None) -> None:
    """Run `command`; if it fails, stop with what it said (a loaded machine's failure is
    worth reading, not only its exit status)."""
    done = subprocess.run(command, cwd=where, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{' '.join(command[:4])} ... failed ({done.returncode}) in "
                         f"{where}:\n{done.stdout[-2000:]}{done.stderr[-4000:]}")


def profile(where: Path, env: dict[str, str], jobs: int) -> None:
    """Where one sample-sized build spends its wall time, by stage, and the pipeline's two
    commands, each timed once."""
    print(f"  one sample-sized build, stage by stage (a new process, an empty user cache):")
    show(stages(where, jobs, env))
    html = where / "pandoc.html"
    sources = sorted((where / "source").glob("*.md"))
    commands = {"pandoc": ["pandoc", "-s", "--file-scope", "--metadata", "title=Bench",
                           "-o", str(html), *map(str, sources)],
                "weasyprint (imports, layout, writing)": [str(BIN / "weasyprint"), str(html),
                                                          str(where / "pandoc.pdf")]}
    print("  the pipeline:")
    for label, command in commands.items():
        seconds = median_seconds(lambda: checked(command, where), 1)
        print(f"    {label:<42} {seconds:6.2f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--only", choices=BOOKS, action="append",
                        help="time only this book (again for another); default: all")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--code", type=Path, action="append",
                        help="a checkout of pamphlet to time (again for another, each "
                             "against the same pipeline); default: this one")
    args = parser.parse_args(argv)
    if not shutil.which("pandoc"):
        raise SystemExit("pandoc is not installed (apt-get install pandoc)")
    books = args.only or BOOKS
    with tempfile.TemporaryDirectory(prefix="bench-project-") as folder:
        root = Path(folder)
        codes = {code: compiled(code, root / f"pycache-{n}")
                 for n, code in enumerate(c.resolve() for c in args.code or [REPO])}
        big = project(root / "federalist", 85, 2700,
                      {"first": [1, 2, 3, 4, 5], "tenth": [10, 14, 37, 39, 47, 51, 70, 78]})
        small = project(root / "sample", 5, 1000, {})
        shutil.rmtree(small / "packets")
        ours = root / "ours"
        shutil.copytree(REPO / "source", ours / "source")
        shutil.copy(REPO / "pamphlet.toml", ours)
        for name, book, where, essays, specs in (
                ("federalist, 3 specs", "federalist", big, 85, ()),
                ("federalist, main spec", "federalist", big, 85, ("pamphlet.toml",)),
                ("sample-sized, 1 spec", "sample", small, 5, ()),
                ("this repository's sample", "ours", ours, None, ())):
            if book not in books:
                continue
            sources = sorted((where / "source").glob("*.md"))[:essays]
            runs = [pipeline(where, sources), *(pamphlet(where, *specs, jobs=args.jobs,
                                                         env=env) for env in codes.values())]
            theirs, *ours = interleaved(runs, args.runs)
            for code, seconds in zip(codes, ours):
                label = f"{name} ({code})" if len(codes) > 1 else name
                print(f"{label:<24} pamphlet {seconds:7.2f} s   pandoc -> WeasyPrint "
                      f"{theirs:7.2f} s   ratio {seconds / theirs:5.2f}", flush=True)
        if args.profile:
            for code, env in codes.items():
                print(f"{code}:" if len(codes) > 1 else "", end="")
                profile(small, env, args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
