"""Importing a 300-page Word document: time and peak memory.

The document is made from the Word fixture's parts (tests/fixtures/office/docx-word) with a
body of 300 pages' worth of text (about 400 words a page): a heading every few pages, a
footnote every other paragraph, an endnote every tenth page, a table and a picture every
twenty pages. Each run is a fresh process; its peak memory is the larger of its own and its
children's (pandoc runs as one) resident set.

    python bench/bench_import_docx.py [--pages 300] [--converter pandoc|mammoth]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

WORDS = ("press copier paper toner ink staple fold sheet issue meeting collective hall "
         "kitchen notebook machine tray drum keys neighbour pamphlet reader street letter "
         "archive library winter risograph hands table voices").split()
W_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, note: str = "") -> str:
    text = " ".join(sentence(rng) for _ in range(6))
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r>{note}</w:p>'


def body(pages: int, rng: random.Random) -> tuple[str, list[str], list[str]]:
    """The document's body, its footnotes and its endnotes (about 400 words a page)."""
    parts, footnotes, endnotes = [], [], []
    for page in range(pages):
        if page % 4 == 0:
            parts.append(f'<w:p><w:pPr><w:pStyle w:val="Heading{1 + page % 8 // 4}"/></w:pPr>'
                         f'<w:r><w:t>Part {page // 4 + 1}</w:t></w:r></w:p>')
        for number in range(4):
            note = ""
            if number % 2 == 0:
                footnotes.append(sentence(rng))
                note = ('<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
                        f'<w:footnoteReference w:id="{len(footnotes)}"/></w:r>')
            elif page % 10 == 0 and number == 1:
                endnotes.append(sentence(rng))
                note = ('<w:r><w:rPr><w:rStyle w:val="EndnoteReference"/></w:rPr>'
                        f'<w:endnoteReference w:id="{len(endnotes)}"/></w:r>')
            parts.append(paragraph(rng, note))
        if page % 20 == 10:
            parts.append(_table(rng))
        if page % 20 == 15:
            parts.append(_picture(page))
    return "\n".join(parts), footnotes, endnotes


def _table(rng: random.Random) -> str:
    rows = "".join("<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{rng.choice(WORDS)}</w:t></w:r>"
                                      "</w:p></w:tc>" for _ in range(3)) + "</w:tr>"
                   for _ in range(4))
    return f"<w:tbl><w:tblPr/><w:tblGrid/>{rows}</w:tbl>"


def _picture(page: int) -> str:
    return (f'<w:p><w:r><w:drawing><wp:inline><wp:extent cx="3600000" cy="2400000"/>'
            f'<wp:docPr id="{page}" name="Picture {page}" descr="The press, page {page}"/>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/'
            'picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="p.png"/><pic:cNvPicPr/>'
            '</pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImg1"/></pic:blipFill><pic:spPr/>'
            '</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>')


def notes_part(kind: str, notes: list[str]) -> str:
    items = "".join(f'<w:{kind} w:id="{n}"><w:p><w:r><w:t xml:space="preserve">{text}</w:t>'
                    f'</w:r></w:p></w:{kind}>' for n, text in enumerate(notes, 1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{kind}s {W_NS}>'
            f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
            f'</w:{kind}><w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            f'<w:continuationSeparator/></w:r></w:p></w:{kind}>{items}</w:{kind}s>')


def make(pages: int, folder: Path) -> Path:
    from office_docs import FIXTURES, docx

    text, footnotes, endnotes = body(pages, random.Random(300))
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document '
                f'{W_NS}><w:body>{text}<w:sectPr/></w:body></w:document>')
    assert (FIXTURES / "docx-word").is_dir()
    return docx("word", folder, {"word/document.xml": document.encode(),
                                 "word/footnotes.xml": notes_part("footnote", footnotes).encode(),
                                 "word/endnotes.xml": notes_part("endnote", endnotes).encode()})


_CHILD = """
import json, resource, sys, time
from pathlib import Path
sys.path[:0] = [{repo!r}, {bench!r}]
from pamphlet.diagnostics import Diagnostics
from pamphlet.importers import read_all, write_drafts
from pamphlet.importers.draft import Run
if {converter!r} == "mammoth":
    import office_converters
    from pamphlet.importers import office
    office._Docx.html = office_converters._Mammoth.html
    office._Docx.member = office_converters._Mammoth.member
start = time.perf_counter()
diagnostics = Diagnostics()
drafts = read_all([Path({path!r})], Run(diagnostics))
written = write_drafts(drafts, Path({out!r}), diagnostics)
seconds = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({{"seconds": seconds, "own_mb": own / 1024, "child_mb": child / 1024,
                  "words": len(drafts[0].body.split()) if drafts else 0,
                  "notes": drafts[0].body.count("\\n[^") if drafts else 0,
                  "errors": [d.message for d in diagnostics.errors]}}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--converter", choices=("pandoc", "mammoth"), default="pandoc")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = make(args.pages, Path(scratch))
        code = _CHILD.format(repo=str(REPO), bench=str(REPO / "bench"),
                             converter=args.converter, path=str(path),
                             out=str(Path(scratch) / "source"))
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if done.returncode:
            sys.exit(done.stderr)
        found = json.loads(done.stdout)
        print(f"{args.pages}-page DOCX ({path.stat().st_size / 1e6:.1f} MB, "
              f"{found['words']:,} words of Markdown, {found['notes']:,} notes) with "
              f"{args.converter}: {found['seconds']:.1f} s to import "
              f"({time.perf_counter() - start:.1f} s with Python's start); peak memory "
              f"{found['own_mb']:.0f} MB (Python), {found['child_mb']:.0f} MB (pandoc)")
        if found["errors"]:
            print("errors:", found["errors"])


if __name__ == "__main__":
    main()
