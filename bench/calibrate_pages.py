"""Measure what the bookbuilder's page estimate needs of each built-in layout: how many words
an essay page holds at each page size, and how many pages an essay's opening takes.

Builds the repository's five sample essays and four generated ones (300 to 2,500 words, with
headings, lists, notes and links: bench/corpus.py) in each layout at each page size, each
essay starting on any page, reads where each essay starts from the PDF's outline, and fits
`pages = ceil((words + opening) / per_page)` to them. Prints the table that
pamphlet/book/estimate.py keeps. Run: python bench/calibrate_pages.py [layout ...]
(several minutes: one build per layout and page size).
"""

from __future__ import annotations

import math
import shutil
import sys
import tempfile
from pathlib import Path

from pypdf import PdfReader

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from corpus import essay_text  # noqa: E402
from pamphlet.build.pipeline import build  # noqa: E402
from pamphlet.project.essays import read_essay  # noqa: E402
from pamphlet.diagnostics import Diagnostics  # noqa: E402

SIZES = {"zine": ("A5", "half-letter", "A6", "quarter-letter", "A4", "letter"),
         "packet": ("A5", "half-letter", "A6", "quarter-letter", "A4", "letter"),
         "pocket": ("A6", "quarter-letter")}
GENERATED = (300, 700, 1500, 2500)


def project(where: Path) -> tuple[Path, list[str]]:
    """The sample essays and the generated ones, in one project."""
    root = where / "calibrate"
    shutil.copytree(REPO / "source", root / "source")
    slugs = sorted(p.stem for p in (root / "source").glob("*.md"))
    for number, words in enumerate(GENERATED, 1):
        (root / "source" / f"generated-{number}.md").write_text(essay_text(number, words))
        slugs.append(f"generated-{number}")
    (root / "packets").mkdir()
    return root, slugs


def measure(root: Path, slugs: list[str], layout: str, size: str) -> list[tuple[int, int]]:
    """(words, pages) of each essay laid out in `layout` at `size`."""
    spec = root / "packets" / f"{layout}-{size}.toml"
    listed = ", ".join(f'"{s}"' for s in slugs)
    spec.write_text(f'title = "Calibration"\nlayout = "{layout}"\nessays = [{listed}]\n'
                    f'[pdf]\npage_size = "{size}"\nessay_start = "any"\n')
    result = build(spec, root / "out")
    assert result.ok, [d.format() for d in result.diagnostics]
    reader = PdfReader(str(root / "out" / f"{layout}-{size}.pdf"))
    starts = [reader.get_destination_page_number(o) for o in reader.outline
              if not isinstance(o, list)]
    sources = next(n for n in range(starts[-1] + 1, len(reader.pages))
                   if (reader.pages[n].extract_text() or "").strip().startswith("Sources"))
    spans = [b - a for a, b in zip(starts, [*starts[1:], sources])]
    words = [read_essay(root / "source" / f"{s}.md", Diagnostics()).word_count for s in slugs]
    return list(zip(words, spans))


def fit(samples: list[tuple[int, int]]) -> tuple[int, int, int]:
    """The words a page holds and the opening's words that miss fewest pages; the miss."""
    best = None
    for per_page in range(20, 1400):
        for opening in range(0, 400, 10):
            miss = sum(abs(math.ceil((w + opening) / per_page) - p) for w, p in samples)
            if best is None or miss < best[2]:
                best = (per_page, opening, miss)
    return best


def main(layouts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root, slugs = project(Path(folder))
        for layout in layouts:
            for size in SIZES[layout]:
                samples = measure(root, slugs, layout, size)
                per_page, opening, miss = fit(samples)
                print(f'("{layout}", "{size}"): ({per_page}, {opening}),  # pages missed: {miss} '
                      f'of {sum(p for _, p in samples)}; {samples}', flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or list(SIZES))
