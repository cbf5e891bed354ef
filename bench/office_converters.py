"""Which converter reads Word files best for `import`: pandoc (the pypandoc-binary wheel) or
mammoth. Both are measured on the same fixtures (tests/fixtures/office: a document as Word,
Google Docs and LibreOffice write it) through the same rest of the import (notes, images and
Markdown as `importers/office.py` makes them), so only the converter differs. mammoth gets a
style map for titles, subtitles and quotations, its best showing.

Counted per document, against what the fixture holds: the 4 headings at their
level, 6 inline marks (italic, bold, bold italic, struck), the 2-paragraph block quote, 8 list
items (with the nested ones nested), 12 table cells in rows, 3 notes in reading order with
their text, the image with its alt text and its caption, the title and the subtitle (39); the
share of the source's words in the Markdown; and the time of one conversion (best of 5).

    python bench/office_converters.py      # mammoth is measured if installed (pip install mammoth)
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from office_docs import FIXTURES, docx, source_words  # noqa: E402

from pamphlet.diagnostics import Diagnostics  # noqa: E402
from pamphlet.importers import office  # noqa: E402
from pamphlet.importers.archive import Archive  # noqa: E402
from pamphlet.importers.draft import Run  # noqa: E402

STYLE_MAP = """p[style-name='Title'] => h1.title:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Quotations'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh"""


class _Mammoth(office._Docx):
    """The import with mammoth in pandoc's place."""

    def html(self) -> str:
        import io

        import mammoth

        found = mammoth.convert_to_html(io.BytesIO(self.package()), style_map=STYLE_MAP,
                                        convert_image=mammoth.images.img_element(_image))
        body = found.value
        header = "".join(re.findall(r'<h1 class="title">.*?</h1>|<p class="subtitle">.*?</p>',
                                    body))
        body = re.sub(r'<h1 class="title">.*?</h1>|<p class="subtitle">.*?</p>', "", body)
        return f'<html><body><header id="title-block-header">{header}</header>{body}</body></html>'

    def member(self, src: str) -> str | None:
        return self.archive.find(src) or super().member(src)


def _image(image) -> dict:
    # mammoth hands the picture's bytes, not its name: it is found again by its bytes
    with image.open() as handle:
        data = handle.read()
    return {"src": _IMAGES.setdefault(data, f"word/media/image{len(_IMAGES) + 1}.png")}


_IMAGES: dict[bytes, str] = {}


def convert(kind, path: Path) -> tuple[str, float]:
    best, text = float("inf"), ""
    for _ in range(5):
        run = Run(Diagnostics())
        start = time.perf_counter()
        draft = kind(Archive(path.read_bytes(), path, run.diagnostics), path, run).draft()
        best = min(best, time.perf_counter() - start)
        text = draft.text() + "\n" + "\n".join(f"IMAGE {alt}|{cap}"
                                                for _, alt, cap in draft.images.values())
    return text, best


def score(markdown: str) -> dict[str, int]:
    lines = markdown.split("\n")
    found = {
        "headings": sum(f"{'#' * n} {t}" in lines for n, t in (
            (1, "Beginnings"), (2, "The first machine"), (1, "What we learned"),
            (2, "Afterwards"))),
        "marks": sum(m in markdown for m in ("*time*", "**single sheet**", "***surprised***",
                                             "~~dear~~", "*peppercorn rent*", "*MS 2291*")),
        "quote": sum(any(line.startswith("> ") and words in line for line in lines)
                     for words in ("letter addressed to everybody", "first issue’s editorial")),
        "lists": sum(any(re.match(pattern, line) for line in lines) for pattern in (
            r"1\. the date", r"2\. the paper", r"3\. anything the machine",
            r"- Never print", r"\s+- The machine knows", r"\s+- Print two days",
            r"- Keep a spare drum", r"- Share the keys")),
        "table": sum(1 for line in lines if line.startswith("|") for cell in (
            "Paper", "Weight", "Verdict", "Recycled office", "80 gsm", "Curls in damp weather",
            "Bond", "90 gsm", "Our usual choice", "Card", "160 gsm", "Covers only, fed by hand")
            if re.search(rf"\|\s*\**{re.escape(cell)}\**\s*\|", line)),
        "notes": sum((f"[^{n}]: {text}" in markdown) for n, text in (
            (1, "The hall’s committee"), (2, "The notebook now sits"), (3, "Among the entries"))),
        "image": ("IMAGE The grey copier, its side panel open|" in markdown) +
                 ("The copier in 2019" in markdown.split("IMAGE", 1)[-1]),
        "title": ("title: The Copier in the Back Room" in markdown) +
                 ("subtitle: Notes from ten years" in markdown),
    }
    return found


def words_kept(markdown: str, producer: str) -> float:
    folder = FIXTURES / f"docx-{producer}"
    members = [m for m in ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
               if (folder / m).exists()]
    wanted = Counter(w.casefold() for w in source_words(folder, members, ("t",)))
    have = Counter(w.casefold() for w in re.findall(r"\w+", markdown))
    return sum((wanted & have).values()) / sum(wanted.values())


def main() -> None:
    kinds = {"pandoc": office._Docx}
    try:
        import mammoth  # noqa: F401
        kinds["mammoth"] = _Mammoth
    except ImportError:
        print("mammoth is not installed: pip install mammoth to measure it too\n")
    with tempfile.TemporaryDirectory() as scratch:
        print(f"{'document':<12} {'converter':<8} {'features':>9} {'words':>7} {'time':>8}  "
              "missing")
        for producer in ("word", "google", "libreoffice"):
            path = docx(producer, Path(scratch))
            for name, kind in kinds.items():
                markdown, seconds = convert(kind, path)
                found = score(markdown)
                most = {"headings": 4, "marks": 6, "quote": 2, "lists": 8, "table": 12,
                        "notes": 3, "image": 2, "title": 2}
                missing = ", ".join(f"{k} {most[k] - v}" for k, v in found.items()
                                    if v < most[k])
                print(f"{producer:<12} {name:<8} {sum(found.values()):>5}/{sum(most.values())}"
                      f" {words_kept(markdown, producer):>7.1%} {seconds * 1000:>6.0f} ms  "
                      f"{missing}")


if __name__ == "__main__":
    main()
