"""Benchmark `pamphlet site` at library scale: N generated essays, each its own booklet.

Run: .venv/bin/python bench/bench_site.py [--essays 1000] [--words 1500]
(targets: peak memory under 500 MB; after one essay changes, the rebuild redoes only that
essay, the pamphlets that hold it, and the pages and feeds that list it). The project has a
pamphlet of the first 20 essays, five packets chosen by tag, and `[site] each_essay = true`.
Each run is a fresh `pamphlet site` process, timed from outside as a user would see it; its
peak memory is the child's largest resident set.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import essay_text  # noqa: E402

EPOCH = "1767225600"


def make_library(root: Path, essays: int, words: int, booklets: bool = True) -> Path:
    """N essays; the pamphlet holds essays 21 to 40, so that essay 3 is in no spec."""
    (root / "source").mkdir(parents=True)
    (root / "packets").mkdir()
    for i in range(1, essays + 1):
        (root / "source" / f"essay-{i:04d}.md").write_text(essay_text(i, words))
    slugs = ", ".join(f'"essay-{i:04d}"' for i in range(21, min(essays, 40) + 1))
    (root / "pamphlet.toml").write_text(
        f'title = "A library of {essays}"\neditor = "Bench"\ndate = 2026-05-01\n'
        f"essays = [{slugs}]\n[print]\ncopies = 10\n[site]\neach_essay = {str(booklets).lower()}\n")
    for tag in range(5):
        (root / "packets" / f"t{tag}.toml").write_text(
            f'title = "Tag {tag}"\n[select]\ntags_all = ["t{tag}"]\nexclude = ["essay-0003"]\n'
            'limit = 8\n')
    return root


def contents(site: Path) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in site.rglob("*") if p.is_file()}


def run(project: Path) -> tuple[float, float, str]:
    """(seconds, peak MB, what it said) of one `pamphlet site -v` process."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pamphlet", "site", "-v", str(project)],
                          capture_output=True, text=True, env={**os.environ,
                                                               "SOURCE_DATE_EPOCH": EPOCH})
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(done.stderr)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--essays", type=int, default=1000)
    parser.add_argument("--words", type=int, default=1500)
    parser.add_argument("--no-booklets", action="store_true",
                        help="without each_essay: the pages and feeds of a large library alone")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="make the library in DIR and keep it; a second run starts from "
                        "its built site (the first build of 1,000 essays takes minutes)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = (args.keep or Path(tmp)) / "library"
        if not (project / "build" / "site").is_dir():
            shutil.rmtree(project, ignore_errors=True)
            make_library(project, args.essays, args.words, not args.no_booklets)
            seconds, peak, said = run(project)
            print(f"{args.essays} essays of ~{args.words} words, each_essay "
                  f"{'off' if args.no_booklets else 'on'}: first build "
                  f"{seconds:.0f} s, peak memory {peak:.0f} MB; "
                  f"{said.strip().splitlines()[-2]}")
        site = project / "build" / "site"
        before = contents(site)
        for _ in range(3):
            seconds, _, said = run(project)
            print(f"no-op rebuild: {seconds:.1f} s; {said.strip().splitlines()[-2]}")
        # An essay that no spec holds: its page, and the pages and feeds that list it.
        with (project / "source" / "essay-0003.md").open("a") as essay:
            essay.write("\nOne more paragraph, written after the first build.\n")
        booklets = stamps(project / "build" / "essays")
        seconds, _, said = run(project)
        after = contents(site)
        made = re.search(r"(\d+) made afresh", said).group(1)
        units = re.search(r"made afresh: (.*)", said)
        changed = sum(1 for p, t in after.items() if before.get(p) != t)
        rebooked = sorted({Path(name).name.split(".")[0].removesuffix("-print") for name, stamp
                           in stamps(project / "build" / "essays").items() if not name.startswith(".")
                           if booklets.get(name) != stamp})
        print(f"after essay-0003 changed: {seconds:.1f} s; {made} units made afresh: "
              f"{units.group(1) if units else 'none'}; booklets rebuilt: "
              f"{', '.join(rebooked) or 'none'}; the site's {len(after)} files were written "
              f"anew (pages and feeds are made whole from the records), {changed} of them "
              f"different")
        (project / "source" / "essay-new.md").write_text(
            essay_text(args.essays + 1, args.words).replace("tags: [bench,", "tags: [bench, brand-new,"))
        before = contents(site)
        seconds, _, said = run(project)
        after = contents(site)
        units = re.search(r"made afresh: (.*)", said)
        changed = sorted(str(p.relative_to(site)) for p, t in after.items() if before.get(p) != t)
        print(f"after one essay added: {seconds:.1f} s; units made afresh: "
              f"{units.group(1) if units else 'none'}; {len(changed)} of the site's files "
              f"differ: {', '.join(changed[:12])}{' ...' if len(changed) > 12 else ''}")


def stamps(folder: Path) -> dict[str, int]:
    """Each file's modification time: a file rebuilt is a file written again."""
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir() if p.is_file()} \
        if folder.is_dir() else {}


if __name__ == "__main__":
    main()
