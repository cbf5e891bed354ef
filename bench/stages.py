"""Where one `pamphlet build` spends its wall time, stage by stage, in a new process as a
user runs it (imports included), without a profiler's overhead.

Run: .venv/bin/python bench/stages.py PROJECT [--cache DIR]
(or from bench_project.py --profile). Each stage is a function of the pipeline, timed from
its call to its return; the EPUB, written in a process of its own beside the rest, is timed
there. Stages nest (the EPUB's cover inside the EPUB), so the column does not add up.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# (module, attribute, what it is): each replaced by a timed twin before the build runs.
STAGES = (
    ("pamphlet.build.pipeline", "_pamphlet", "spec, selection, Markdown, assembly"),
    ("pamphlet.build.pipeline", "render_pdf", "reading PDF: WeasyPrint's layout"),
    ("pamphlet.build.pipeline", "write_parts", "reading PDF: laid out in parts"),
    ("pamphlet.build.pipeline", "save_pdf", "reading PDF: writing, tags, page starts"),
    ("pamphlet.engine.pdf", "finish_tags", "  of which tags (pikepdf)"),
    ("pamphlet.build.pipeline", "_print_outputs", "print PDFs"),
    ("pamphlet.build.pipeline", "impose_pdf", "  of which imposing"),
    ("pamphlet.build.pipeline", "grayscale_pdf", "  of which the grayscale copy"),
    ("pamphlet.build.pipeline", "kit_outputs", "kit (press, cover, calendar...)"),
    ("pamphlet.build.pipeline", "_Ebook.join", "waiting for the EPUB"),
    ("pamphlet.build.pipeline", "write_epub", "EPUB, in its own process"),
    ("pamphlet.outputs.epub", "cover_image", "  of which its cover"),
)

_CHILD = r"""
import json, os, sys, time
started = time.perf_counter()
import importlib, functools
log = open(os.environ["STAGES_LOG"], "a", buffering=1)
def timed(owner, name, label):
    original = getattr(owner, name)
    @functools.wraps(original)
    def twin(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            log.write(json.dumps([label, time.perf_counter() - start]) + "\n")
    setattr(owner, name, twin)
import pamphlet.cli, pamphlet.cli.build, pamphlet.build.pipeline
log.write(json.dumps(["imports (pamphlet and its libraries)",
                      time.perf_counter() - started]) + "\n")
for module, attribute, label in json.loads(sys.argv[1]):
    *within, name = attribute.split(".")
    owner = importlib.import_module(module)
    for step in within:
        owner = getattr(owner, step)
    if hasattr(owner, name):
        timed(owner, name, label)
from pamphlet.cli import main
code = main(["build", "--jobs", sys.argv[2]])
log.write(json.dumps(["whole build, imports included", time.perf_counter() - started]) + "\n")
sys.exit(code)
"""


def stages(project: Path, jobs: int = 1, env: dict[str, str] | None = None,
           ) -> list[tuple[str, float]]:
    """(stage, seconds) of one build of `project` from an empty user cache and no build/,
    in `env` (by default this one, importing this checkout)."""
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as scratch:
        log = Path(scratch) / "log"
        env = {**(env or {**os.environ, "PYTHONPATH": str(REPO)}), "STAGES_LOG": str(log),
               "XDG_CACHE_HOME": str(Path(scratch) / "cache")}
        shutil.rmtree(project / "build", ignore_errors=True)
        done = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(STAGES), str(jobs)],
                              cwd=project, env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"the build failed:\n{done.stdout}{done.stderr}")
        totals: dict[str, float] = {}
        for line in log.read_text().splitlines():
            label, seconds = json.loads(line)
            totals[label] = totals.get(label, 0.0) + seconds
    order = ["imports (pamphlet and its libraries)", *(label for *_, label in STAGES),
             "whole build, imports included"]
    return [(label, totals[label]) for label in order if label in totals]


def show(rows: list[tuple[str, float]]) -> None:
    whole = dict(rows).get("whole build, imports included") or 1.0
    for label, seconds in rows:
        print(f"    {label:<42} {seconds:6.2f} s  {seconds / whole:5.0%}")


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    arguments = parser.parse_args()
    show(stages(arguments.project.resolve(), arguments.jobs))
