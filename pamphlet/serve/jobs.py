"""Builds for the web app: run in worker processes through the same `build()` and cache as the
CLI, with the spec's time limit, never two of one spec at once, and the server always free.

A worker builds, then draws the previews the browser shows: the reading PDF's pages and the
print PDF's sides, as small PNGs (pypdfium2) in one index file per spec, replaced only by a
good build, so a failed build leaves the last good preview where it was.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from ..store.atomic import atomic_output
from ..diagnostics import Diagnostic, Diagnostics, PamphletError, Severity, fail
from .packet_form import diagnostic_data
from ..project.spec import project_root

GRACE = 15  # seconds past a spec's time limit before its worker is killed from outside
# A form's checks and estimate answer a page being typed into: past this (or the spec's
# shorter limit) they stop, and the build says what they would have.
FORM_LIMIT = 30
SCRATCH = ".serve"  # inside the project's build/: drafts, their outputs and previews


def scratch_folder(root: Path, *parts: str, make: bool = True) -> Path:
    """build/.serve/<parts> of the project at `root`, made: only when build/ is the project's
    own (O512) and the folder leads nowhere outside it (S906), so that a project arriving
    with a link there cannot have drafts, outputs or previews written elsewhere."""
    from ..project.filenames import output_folder
    from ..project.spec import SPEC_NAME
    from ..store.paths import writable

    build = output_folder(root / SPEC_NAME)
    return writable(build.joinpath(SCRATCH, *parts), build, make=make)
READING_SCALE = 0.3  # of a PDF point: an A5 page is about 126 pixels wide
# A printed side is drawn large enough to read when enlarged: an A4 sheet's 9.6 pt type at
# some 12 pixels (the page shows it smaller, with each page's number over it).
SHEET_SCALE = 1.25
FIRST_PAGES = 24  # drawn before the build is reported: about what the page shows at first


@dataclass
class Job:
    """One build the browser asked for (or a file change started), and how it went."""

    id: int
    spec: str  # the spec's path relative to the project, as the browser names it
    state: str = "queued"  # queued, building, done, failed
    queued: float = field(default_factory=time.time)
    result: dict | None = None
    out: str = ""  # the output folder, which downloads are read from
    preview: str = ""  # the name of its preview index

    def public(self) -> dict:
        """What the browser is told: plain JSON."""
        return {"id": self.id, "spec": self.spec, "state": self.state, "preview": self.preview,
                "elapsed": round(time.time() - self.queued, 1), **(self.result or {})}


def build_in_worker(target: str, out: str, encoding: str, preview: str, shown_as: str) -> dict:
    """Build `target` into `out` (skipped if the cache says its outputs are current), then draw
    its previews into the file `preview`; runs in a worker process, returns plain data."""
    from ..build import cache
    from ..build.pipeline import BuildResult, build

    started = time.time()
    spec, out_dir = Path(target), Path(out)
    key = cache.build_key(spec, encoding)  # as `pamphlet build` keys it
    notes = Diagnostics()
    current = cache.current_outputs(out_dir, spec, key, notes)
    if current and Path(preview).is_file():
        result, cached = BuildResult(outputs=current), True
    else:
        result, cached = build(spec, out_dir, cache_key=key), False
    result.diagnostics.extend(notes)
    root = project_root(spec)
    if result.ok and not cached:
        try:
            scratch_folder(root, "previews")
        except PamphletError as error:  # a link made since the request was taken
            result.diagnostics.extend(error.diagnostics)
    data = {"ok": result.ok, "cached": cached, "started": started,
            "outputs": [p.name for p in result.outputs], "notes": list(result.notes),
            "pages": result.pages,
            "diagnostics": [diagnostic_data(_as_spec(d, spec, root / shown_as), root)
                            for d in result.diagnostics]}
    data["built"] = time.time()
    if result.ok and not cached:
        data["preview_index"] = draw_previews(out_dir, result, Path(preview), FIRST_PAGES,
                                              started)
    data["finished"] = time.time()
    return data


def in_time(work, args: tuple, seconds: float) -> tuple[bool, object]:
    """(True, work(*args)), or (False, None) once `seconds` have passed; runs in a worker
    process, in whose main thread the time limit's alarm stops the work."""
    from ..store.limits import time_limit

    try:
        with time_limit(seconds, lambda: fail("S909", "stopped at its time limit")):
            return True, work(*args)
    except PamphletError as error:
        if any(d.code == "S909" for d in error.diagnostics):
            return False, None
        raise


def estimate_answer(root: Path, draft, spec: Path | None) -> dict:
    """The draft's estimate (packet_form.estimate) and its sentence, as plain data."""
    from . import forms
    from .packet_form import estimate

    found = estimate(root, draft, spec)
    return {"estimate": found.as_data(), "text": forms.estimate_text(found)}


def draw_rest(out: str, outputs: list[str], preview: str, started: float) -> bool:
    """Draw every page of the build that began at `started` into its preview index, unless a
    newer build has replaced that index meanwhile; runs in a worker process."""
    import json

    path = Path(preview)
    try:
        index = json.loads(path.read_text())
    except (OSError, ValueError):
        return False
    if index.get("started") != started or index.get("complete"):
        return False
    reading, printed = _pdfs(outputs)
    index.update(pages=_draw(Path(out) / reading, READING_SCALE) if reading else [],
                 sides=_draw(Path(out) / printed, SHEET_SCALE)
                 if printed and index.get("total_sides") else [], complete=True)
    with atomic_output(path) as temporary:
        temporary.write_text(json.dumps(index))
    return True


def _as_spec(diagnostic: Diagnostic, draft: Path, spec: Path) -> Diagnostic:
    """A diagnostic about a draft file, said of the spec the browser edits (same lines)."""
    if diagnostic.path is not None and Path(diagnostic.path).resolve() == draft.resolve():
        return dataclasses.replace(diagnostic, path=spec)
    return diagnostic


def draw_previews(out: Path, result, preview: Path, first: int, started: float) -> dict:
    """The first `first` reading pages and printed sides as PNG data: URLs, in one index file
    (one request brings the preview to the page; `draw_rest` adds the others, so that what
    the page shows first is on screen soon after the build); returns the index's figures."""
    import json

    reading, printed = _pdfs([p.name for p in result.outputs])
    printed = printed if result.imposed is not None else None  # perfect-bound: not imposed
    index = {"pages": _draw(out / reading, READING_SCALE, first) if reading else [],
             "sides": _draw(out / printed, SHEET_SCALE, first) if printed else [],
             "sheets": _sheets(result) if printed else [], "total_pages": result.pages,
             "total_sides": result.imposed.sides if printed else 0,
             "started": started}
    index["complete"] = len(index["pages"]) == (result.pages or 0) and \
        len(index["sides"]) == index["total_sides"]
    with atomic_output(preview) as temporary:
        temporary.write_text(json.dumps(index))
    return {key: index[key] for key in ("total_pages", "total_sides", "complete", "started")}


def _pdfs(names: list[str]) -> tuple[str | None, str | None]:
    """The reading PDF and the print PDF among a build's outputs."""
    reading = next((n for n in names if n.endswith(".pdf") and "-print" not in n), None)
    printed = next((n for n in names if n.endswith("-print.pdf")), None)
    return reading, printed


def _draw(pdf_path: Path, scale: float, first: int | None = None) -> list[str]:
    """The PDF's pages (the first `first` of them) as small PNGs, as data: URLs."""
    import base64
    import io

    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf_path))
    images = []
    try:
        for number in range(min(len(document), first or len(document))):
            page = document[number]
            png = io.BytesIO()
            # Fast compression: these are thrown away at the next build.
            page.render(scale=scale).to_pil().save(png, "png", compress_level=1)
            images.append("data:image/png;base64," + base64.b64encode(png.getvalue()).decode())
            page.close()
    finally:
        document.close()
    return images


def _sheets(result) -> list[dict]:
    """Each printed sheet as it comes out of the printer: which sides of the print PDF are its
    front and back (after any instruction page), and where each page stands on each side,
    from the plan the print PDF was imposed by. None for a print PDF that is not imposed (a
    perfect-bound book's pages stay in reading order)."""
    from ..project.imposition import impose

    spec, imposed = result.spec, result.imposed
    if imposed is None:
        return []
    settings = spec.printing
    plan = impose(settings.scheme, imposed.pages, imposed.keep_last, settings.signature,
                  settings.duplex, settings.binding)
    first = 1 if settings.instructions else 0
    sheets, side = [], first
    for number, sheet in enumerate(plan.sheets, 1):
        entry = {"number": number, "front": side, "back": None, "slots": [_slots(sheet.front)]}
        side += 1
        if sheet.back is not None:
            entry["back"] = side
            entry["slots"].append(_slots(sheet.back))
            side += 1
        sheets.append(entry)
    return sheets if side == imposed.sides + first else sheets[:imposed.sheets]


def _slots(side) -> dict:
    """A side's grid, and each place's page (numbered from 1; None for a blank) and turn."""
    return {"cols": side.cols, "rows": side.rows,
            "cells": [{"col": cell.col, "row": cell.row, "rotate": cell.rotate,
                       "page": None if cell.page is None else cell.page + 1}
                      for cell in side.cells]}


class Builds:
    """The build queue: a pool of worker processes and one lock per spec."""

    def __init__(self, workers: int = 1):
        # Spawned, not forked: the server has threads (the watcher, uvicorn's), and a fork
        # copies their locks in whatever state they are.
        self.workers = workers
        self.pool = self._pool()
        # A form's checks and estimates have a worker of their own: they never wait behind
        # a build, and one stuck past its deadline is killed without a build with it.
        self.forms = self._pool(1)
        self.checking = asyncio.Lock()  # one at a time, so each deadline counts its own run
        self.jobs: dict[int, Job] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        self.last_good: dict[str, dict] = {}
        self._ids = itertools.count(1)

    def _pool(self, workers: int | None = None) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(workers or self.workers,
                                   mp_context=multiprocessing.get_context("spawn"))

    def warm(self) -> None:
        """Start the workers now, so the first build does not wait for their imports."""
        for _ in range(self.workers):
            self.pool.submit(_warm)
        self.forms.submit(_warm_forms)

    def new_job(self, spec: str) -> Job:
        job = Job(next(self._ids), spec)
        self.jobs[job.id] = job
        for old in [j for j in self.jobs if j < job.id - 200]:  # keep the table small
            del self.jobs[old]
        return job

    async def run(self, job: Job, args: tuple, time_limit: int, notify) -> Job:
        """Run one build for `job` once no other build of the same spec runs; `notify(job)`
        is awaited at each change of state."""
        lock = self.locks.setdefault(args[0], asyncio.Lock())
        async with lock:
            job.state = "building"
            await notify(job)
            job.result = await self._result(args, time_limit)
            job.state = "done" if job.result["ok"] else "failed"
            if job.result["ok"]:
                self.last_good[job.spec] = job.public()
            job.result["last_good"] = self.last_good.get(job.spec)
            await notify(job)
        index = job.result.get("preview_index") or {}
        if job.result["ok"] and index and not index.get("complete"):
            await self._draw_rest(job, args, notify)
        return job

    async def _draw_rest(self, job: Job, args: tuple, notify) -> None:
        """Draw the pages the first preview left out, then tell the pages again."""
        loop = asyncio.get_running_loop()
        try:
            drawn = await loop.run_in_executor(self.pool, draw_rest, args[1], job.result["outputs"],
                                               args[3], job.result["preview_index"]["started"])
        except BrokenProcessPool:
            return
        if drawn:
            job.result["preview_index"]["complete"] = True
            await notify(job)

    async def _result(self, args: tuple, time_limit: int) -> dict:
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, build_in_worker, *args)
        try:
            # The build stops itself at its limit (O504); this is for a worker stuck in C code.
            return await asyncio.wait_for(future, time_limit + GRACE if time_limit else None)
        except (asyncio.TimeoutError, BrokenProcessPool) as error:
            self._restart()
            return _stopped(args[4], time_limit, isinstance(error, asyncio.TimeoutError))
        except Exception as error:  # a bug of ours: said as `pamphlet build` says it (O510)
            return _stopped(args[4], time_limit, False, error)

    async def in_time(self, work, args: tuple, seconds: float) -> tuple[bool, object]:
        """(True, work(*args)) run in the forms' worker, or (False, None) past `seconds` (the
        worker is killed and replaced if it does not stop by itself soon after)."""
        async with self.checking:
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(self.forms, in_time, work, args, seconds)
            try:
                return await asyncio.wait_for(future, seconds + GRACE)
            except (asyncio.TimeoutError, BrokenProcessPool):
                _kill(self.forms)
                self.forms = self._pool(1)
                return False, None

    def _restart(self) -> None:
        """Kill the workers (one is stuck or dead) and start fresh ones."""
        _kill(self.pool)
        self.pool = self._pool()

    def close(self) -> None:
        for pool in (self.pool, self.forms):
            _kill(pool, wait=True)


def _kill(pool: ProcessPoolExecutor, wait: bool = False) -> None:
    """End a pool's workers at once, whatever they are doing."""
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.kill()
    pool.shutdown(wait=wait, cancel_futures=True)


def _stopped(shown_as: str, time_limit: int, timed_out: bool,
             error: Exception | None = None) -> dict:
    """The result of a build whose worker was killed (stuck past its time limit, or dead),
    or that failed with an internal error."""
    if error is not None:
        stopped = Diagnostic("O510", Severity.ERROR, f"internal error while building this spec: "
                             f"{type(error).__name__}: {str(error)[:200]}", Path(shown_as), None,
                             "this is a bug in pamphlet; please report it with this spec")
    elif timed_out:
        stopped = Diagnostic("O504", Severity.ERROR, f"the build took longer than {time_limit} s "
                             "and was stopped", Path(shown_as), None,
                             "raise [pdf] time_limit, or split the pamphlet into packets")
    else:
        stopped = Diagnostic("O511", Severity.ERROR, "the process building this spec died "
                             "(killed, or out of memory)", Path(shown_as), None,
                             "build it with pamphlet build to see more")
    return {"ok": False, "cached": False, "outputs": [], "notes": [], "pages": None,
            "diagnostics": [diagnostic_data(stopped)]}


def _warm_forms() -> int:
    from . import packet_form  # noqa: F401  (the spec checks, the library, the estimates)
    return os.getpid()


def _warm() -> int:
    from ..build import (pipeline as build)  # noqa: F401  (WeasyPrint and ebooklib, imported once per worker)
    return os.getpid()
