"""Benchmark `pamphlet build` against WeasyPrint's bare render and a pandoc pipeline.

Run: .venv/bin/python bench/bench_build.py   (pandoc is used if it is installed)

For the sample and for generated corpora of 10 and 50 essays (about 1,500 words each), prints:
- our build: the whole `pamphlet build` (spec, Markdown, layout, WeasyPrint, write);
- our stages: spec, selection, Markdown, assembly and the layout's HTML, without WeasyPrint;
- bare WeasyPrint: rendering and writing our own final HTML, nothing else;
- our share: our stages / our build, the target being at most 15% (the difference
  build - bare is printed too, but it is the difference of two noisy timings);
- pandoc: pandoc Markdown -> standalone HTML, then WeasyPrint, on the same essays;
- peak memory of a build in a fresh process (target: under 300 MB for 50 essays).
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import make_corpus  # noqa: E402
from timing import median_seconds  # noqa: E402

REPO = Path(__file__).resolve().parent.parent




def our_build(project: Path, out: Path) -> None:
    """A cold build: the parts cached by the last run are removed first."""
    from pamphlet.build.pipeline import build
    from pamphlet.engine.parts import cache_folder
    shutil.rmtree(cache_folder(out, "pamphlet"), ignore_errors=True)
    result = build(project, out)
    assert result.ok, [d.format() for d in result.diagnostics]


def our_stages(project: Path):
    """Everything pamphlet does before WeasyPrint: the spec to the final HTML."""
    from pamphlet.book.assemble import assemble
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.book.layouts import find_layout
    from pamphlet.engine.pdf import render_html
    from pamphlet.project.spec import load_spec
    from pamphlet.project.select import select

    spec = load_spec(project)
    diagnostics = Diagnostics()
    pamphlet = assemble(spec, select(spec, diagnostics), diagnostics)
    layout = find_layout(spec.layout, spec.layouts_dir)
    return spec, layout, render_html(pamphlet, layout)


def bare_weasyprint(project: Path, out: Path):
    """Our final HTML, rendered and written by WeasyPrint alone."""
    from weasyprint import CSS, HTML
    from pamphlet.engine.weasy.api import FONTS as _FONTS

    spec, layout, html = our_stages(project)
    sheets = [CSS(filename=str(p), font_config=_FONTS) for p in layout.stylesheets("print")]

    def run():
        HTML(string=html, base_url=f"{spec.root}/").render(
            stylesheets=sheets, font_config=_FONTS).write_pdf(str(out / "bare.pdf"))
    return run


def pandoc_pipeline(project: Path, out: Path):
    if not shutil.which("pandoc"):
        return None
    from weasyprint import HTML
    files = sorted(str(p) for p in (project / "source").glob("*.md"))

    def run():
        html = out / "pandoc.html"
        subprocess.run(["pandoc", "-s", "--metadata", "title=Bench", "-o", str(html), *files],
                       check=True, capture_output=True)
        HTML(filename=str(html)).write_pdf(str(out / "pandoc.pdf"))
    return run


def peak_memory_mb(project: Path, out: Path) -> float:
    code = ("import sys, resource; from pamphlet.build.pipeline import build; "
            f"r = build({str(project)!r}, {str(out)!r}); assert r.ok; "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    return int(result.stdout.strip()) / 1024


def main() -> None:
    runs = 5
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        projects = {"sample": REPO} if (REPO / "pamphlet.toml").is_file() else {}
        for n in (10, 50):
            projects[f"{n} essays"] = make_corpus(tmp / f"corpus{n}", n)
        print(f"{'corpus':<10} {'build s':>8} {'ours s':>7} {'bare s':>8} {'our share':>10} "
              f"{'build-bare':>11} {'pandoc s':>9} {'build/pandoc':>13} {'peak MB':>8}")
        for name, project in projects.items():
            out = tmp / f"out-{name.replace(' ', '')}"
            out.mkdir()
            our_build(project, out)  # warm up: imports, fonts
            build_s = median_seconds(lambda: our_build(project, out), runs)
            ours_s = median_seconds(lambda: our_stages(project), runs)
            bare_s = median_seconds(bare_weasyprint(project, out), runs)
            pandoc = pandoc_pipeline(project, out)
            pandoc_s = median_seconds(pandoc, runs) if pandoc else float("nan")
            peak = peak_memory_mb(project, out)
            print(f"{name:<10} {build_s:8.2f} {ours_s:7.2f} {bare_s:8.2f} {ours_s / build_s:10.1%} "
                  f"{(build_s - bare_s) / build_s:11.1%} {pandoc_s:9.2f} "
                  f"{build_s / pandoc_s:13.2f} {peak:8.0f}", flush=True)


if __name__ == "__main__":
    main()
