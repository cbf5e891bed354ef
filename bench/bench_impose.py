"""Benchmark imposition: a 64-page A5 pamphlet onto A4 sheets (target: under one second).

Run: .venv/bin/python bench/bench_impose.py
Prints the median of 7 runs for plain saddle, saddle with creep and marks, cutstack,
and the grayscale pass, beside the time WeasyPrint took to make the 64-page input.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from weasyprint import HTML

from pamphlet.outputs.grayscale import grayscale_pdf
from pamphlet.outputs.impose import impose_pdf
from pamphlet.project.printing import PrintSettings, parse_length

sys.path.insert(0, str(Path(__file__).parent))
from timing import median_seconds  # noqa: E402




def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = tmp / "in.pdf"
        paragraph = "<p>" + "Fold, staple, read. " * 60 + "</p>"
        pages = "".join(f"<section><h1>Page {n}</h1>{paragraph}</section>" for n in range(1, 65))
        start = time.perf_counter()
        HTML(string="<style>@page { size: A5 } section { break-after: page }</style>"
                    + pages).write_pdf(str(source))
        render = time.perf_counter() - start
        cases = {
            "saddle": PrintSettings(),
            "saddle + creep + marks": PrintSettings(creep=parse_length("0.1mm"), marks=True),
            "saddle, signatures 16": PrintSettings(signature=16),
            "cutstack": PrintSettings(scheme="cutstack"),
        }
        print(f"64-page input rendered by WeasyPrint in {render:.2f} s")
        for name, settings in cases.items():
            seconds = median_seconds(lambda: impose_pdf(source, settings, tmp / "out.pdf"), 7)
            print(f"{name:<24} {seconds:6.3f} s  ({seconds / render:.1%} of the render)")
        impose_pdf(source, PrintSettings(), tmp / "out.pdf")
        seconds = median_seconds(lambda: grayscale_pdf(tmp / "out.pdf", tmp / "bw.pdf"), 3)
        print(f"{'grayscale of the imposed':<24} {seconds:6.3f} s")


if __name__ == "__main__":
    main()
