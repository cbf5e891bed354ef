"""Benchmark the citation step: a packet of 30 essays citing 500 works of a 5,000-entry library.

Run: .venv/bin/python bench/bench_citations.py [--style apa]

The library is a generated BibTeX file (articles, books, chapters and web pages, with
@string macros as real libraries have them); each essay cites some 40 times in pandoc's
forms (one or several works, locators, in the text, in footnotes), 500 works in all. Prints,
for the assembly of the packet (the spec, the essays' Markdown, the citations formatted and
put in place; no layout):
- cold: nothing cached (the .bib converted by pandoc, every essay's citations formatted);
- warm: the same build again (both kept in the user's cache);
- one essay edited: only its citations are formatted again;
- the citation step's share of a cold assembly, and its peak memory (this process and the
  pandoc it runs, each process's peak resident set).
Targets: one pandoc process per book (not per essay or citation), cold under 20 s on two
cores, an edit under 3 s.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ESSAYS, WORKS, LIBRARY = 30, 500, 5_000
_NAMES = ["Quill", "Lenz", "Okafor", "Nakamura", "Duarte", "Schäfer", "Novak", "Haddad",
          "Lindqvist", "Moreau", "Ivanova", "Kowalski", "Silva", "Brennan", "Takahashi"]
_GIVEN = ["Ada", "Bo", "Chidi", "Emi", "Rafael", "Jörg", "Petra", "Lina", "Sven", "Claire"]
_WORDS = "paper staple fold margin reader ink press page sheet copy shop evening table".split()


def library(count: int = LIBRARY) -> str:
    """A BibTeX library of `count` works."""
    rng = random.Random(5)
    out = ['@string{jsps = "Journal of Small Press Studies"}', '@string{verso = "Verso"}']
    for i in range(count):
        kind = ("Article", "Book", "InCollection", "Online")[i % 4]
        authors = " and ".join(f"{rng.choice(_NAMES)}, {rng.choice(_GIVEN)}"
                               for _ in range(rng.randint(1, 3)))
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 9))).capitalize()
        fields = [f"author = {{{authors}}}", f"title = {{{title} {i}}}", f"year = {1950 + i % 75}"]
        fields += {"Article": ["journal = jsps", f"volume = {i % 40}", f"pages = {{{i % 300 + 1}--"
                               f"{i % 300 + 20}}}", f"doi = {{10.5555/sps.{i}}}"],
                   "Book": ["publisher = verso", "address = {London}"],
                   "InCollection": ["booktitle = {Readers Together}", "editor = {Lenz, Bo}",
                                    "publisher = {Zine Press}", f"pages = {{{i % 90 + 1}--{i % 90 + 9}}}"],
                   "Online": [f"url = {{https://example.org/works/{i}}}", "urldate = {2026-11-20}"]}[kind]
        out.append(f"@{kind}{{work:{i:04d},\n  " + ",\n  ".join(fields) + "\n}")
    return "\n\n".join(out) + "\n"


def essay(index: int, works: list[str]) -> str:
    """An essay citing some 40 times from `works`, in the text and in footnotes."""
    rng = random.Random(index)
    paragraphs, notes = [], []
    for n in range(20):
        words = " ".join(rng.choice(_WORDS) for _ in range(60)).capitalize()
        one, two, three = rng.sample(works, 3)
        cite = rng.choice([f"[@{one}]", f"[@{one}, {n + 3}]", f"[see @{one}, {n}; @{two}]",
                           f"@{one} [{n + 1}]", f"[-@{one}]"])
        paragraphs.append(f"{words} {cite}.")
        if n % 2:
            notes.append(f"[^n{n}]: As @{three} [{n}] shows, and see [@{two}].")
            paragraphs[-1] += f"[^n{n}]"
    return (f"---\ntitle: Essay {index}\nauthor: {_GIVEN[index % 10]} {_NAMES[index % 15]}\n"
            f"date: 2026-01-{index % 28 + 1:02d}\nsource: https://example.org/{index}\n---\n\n"
            + "\n\n".join(paragraphs) + "\n\n" + "\n".join(notes) + "\n")


def make_packet(root: Path, style: str) -> None:
    rng = random.Random(1)
    (root / "source").mkdir(parents=True)
    (root / "library.bib").write_text(library(), encoding="utf-8")
    cited = [f"work:{i:04d}" for i in rng.sample(range(LIBRARY), WORKS)]
    for index in range(ESSAYS):
        share = cited[index * WORKS // ESSAYS:(index + 1) * WORKS // ESSAYS] + rng.sample(cited, 10)
        (root / "source" / f"essay-{index:02d}.md").write_text(essay(index, share),
                                                                encoding="utf-8")
    (root / "pamphlet.toml").write_text(
        f'title = "Benchmark packet"\neditor = "Bench"\ndate = 2026-12-01\n\n'
        f'[select]\norder = "title"\n\n[citations]\nbibliography = "library.bib"\n'
        f'style = "{style}"\n', encoding="utf-8")


def assemble_once(root: Path, out: Path) -> tuple[float, float, int]:
    """Seconds to assemble the packet, of them the citation step's, and pandoc runs."""
    from pamphlet.book import assemble as assembly
    from pamphlet.build.pipeline import _markup_cache
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.project.select import select
    from pamphlet.project.spec import load_spec
    from pamphlet.text import citeproc

    runs, spent = [0], [0.0]
    original_run, original_cite = citeproc._run, assembly.cite

    def counted(*args, **kwargs):
        runs[0] += 1
        return original_run(*args, **kwargs)

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original_cite(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    citeproc._run, assembly.cite = counted, timed
    try:
        start = time.perf_counter()
        spec = load_spec(root)
        diagnostics = Diagnostics()
        pamphlet = assembly.assemble(spec, select(spec, diagnostics), diagnostics,
                                     _markup_cache(spec, out))
        elapsed = time.perf_counter() - start
    finally:
        citeproc._run, assembly.cite = original_run, original_cite
    assert not diagnostics.has_errors, [d.format() for d in diagnostics]
    assert all(c.body.html.count('class="citation"') >= 20 for c in pamphlet.chapters)
    return elapsed, spent[0], runs[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--style", default="chicago-author-date")
    style = parser.parse_args().style
    with tempfile.TemporaryDirectory() as folder:
        import os
        os.environ["XDG_CACHE_HOME"] = str(Path(folder) / "cache")
        root = Path(folder) / "packet"
        make_packet(root, style)
        out = root / "build"
        cold = assemble_once(root, out)
        warm = assemble_once(root, out)
        edited = root / "source" / "essay-07.md"
        edited.write_text(edited.read_text().replace("Essay 7", "Essay 7, revised"))
        edit = assemble_once(root, out)
        cpu = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        children = cpu[1].ru_maxrss / 1024
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{ESSAYS} essays citing {WORKS} works of a {LIBRARY:,}-entry library, {style}")
        for name, (total, citing, runs) in (("cold", cold), ("warm", warm),
                                            ("one essay edited", edit)):
            print(f"  {name:17s} assembly {total:6.2f} s, citations {citing:6.2f} s "
                  f"({citing / total:4.0%}), pandoc processes: {runs}")
        print(f"  peak memory: pamphlet {own:.0f} MB, largest pandoc process {children:.0f} MB")
        print(f"  CPU time of all three: pamphlet {cpu[0].ru_utime + cpu[0].ru_stime:.1f} s, "
              f"pandoc {cpu[1].ru_utime + cpu[1].ru_stime:.1f} s (load average now "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
