"""Benchmark the EPUB build on the 50-essay corpus beside `pandoc -o x.epub` on the same files.

Run: .venv/bin/python bench/bench_epub.py
Our time covers reading the spec and essays, Markdown, assembling, the cover (rendered by
WeasyPrint and rasterised) and writing the EPUB; pandoc converts the same Markdown files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import make_corpus  # noqa: E402
from timing import median_seconds  # noqa: E402




def ours(project: Path, out: Path) -> None:
    from pamphlet.book.assemble import assemble
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.book.layouts import find_layout
    from pamphlet.outputs.epub import write_epub
    from pamphlet.project.spec import load_spec
    from pamphlet.project.select import select

    spec = load_spec(project)
    diagnostics = Diagnostics()
    pamphlet = assemble(spec, select(spec, diagnostics), diagnostics)
    write_epub(pamphlet, find_layout(spec.layout, spec.layouts_dir), out, diagnostics)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        project = make_corpus(tmp / "corpus", 50)
        ours(project, tmp / "warm.epub")
        our_s = median_seconds(lambda: ours(project, tmp / "ours.epub"))
        print(f"pamphlet, 50 essays: {our_s:.2f} s")
        if not shutil.which("pandoc"):
            print("pandoc is not installed: no comparison")
            return
        files = sorted(str(p) for p in (project / "source").glob("*.md"))
        pandoc_s = median_seconds(lambda: subprocess.run(
            ["pandoc", "--metadata", "title=Bench", "-o", str(tmp / "pandoc.epub"), *files],
            check=True, capture_output=True))
        print(f"pandoc,   50 essays: {pandoc_s:.2f} s")
        print(f"pamphlet / pandoc: {our_s / pandoc_s:.2f}")


if __name__ == "__main__":
    main()
