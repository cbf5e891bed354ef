"""The ASGI app behind `pamphlet serve`: thin routes over the library, the packet form, the
build queue and the live preview; no stage is re-implemented here."""

from __future__ import annotations

import asyncio
import contextlib
import os
from functools import partial
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (FileResponse, HTMLResponse, JSONResponse, Response,
                                 StreamingResponse)
from starlette.routing import Route

from .. import __version__
from . import packet_form
from .packet_form import diagnostic_data
from ..store.atomic import atomic_output
from ..diagnostics import Diagnostic, Diagnostics, PamphletError, Severity
from ..project.limit import CommandLimit
from ..project.filenames import output_folder
from ..project.spec import PdfSettings, load_spec
from . import forms
from .guard import Guard, new_token, safe_file, served_hosts
from .jobs import FORM_LIMIT, SCRATCH, Builds, Job, estimate_answer, scratch_folder
from .live import Hub, affects, selected_slugs, watch
from .views import essay_view, spec_names

HERE = Path(__file__).parent
IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})
ASSETS = frozenset({".css", ".js", ".svg", ".png", ".woff2"})
DOWNLOADS = frozenset({".pdf", ".epub"})
BAD_FORM = (ValueError, TypeError, KeyError, AttributeError, RecursionError,  # JSON nested
            PamphletError)  # deeper than Python recurses is no form either
CACHE_ENCODING = "utf-8"  # as `pamphlet build` keys its cache, so each sees the other's


@dataclass
class Target:
    """What one spec's build reads and writes: the spec file (the saved one, or a draft of
    it in build/.serve/drafts/), its output folder and its preview folder."""

    name: str  # as the browser names the spec: pamphlet.toml, packets/x.toml
    spec: Path
    out: Path
    preview: str  # the name of its preview index, build/.serve/previews/<preview>.json

    def args(self, root: Path) -> tuple:
        """The arguments of jobs.build_in_worker."""
        return (str(self.spec), str(self.out), CACHE_ENCODING,
                str(scratch_folder(root, "previews") / f"{self.preview}.json"), self.name)


@dataclass
class State:
    """The server's state for one run: the project, the token, builds and live targets."""

    root: Path
    token: str
    builds: Builds
    hub: Hub = field(default_factory=Hub)
    opened: dict[tuple[str, str], str] = field(default_factory=dict)  # (spec, version) -> text
    live: dict[str, Target] = field(default_factory=dict)
    selected: dict[str, frozenset[str] | None] = field(default_factory=dict)
    tasks: set = field(default_factory=set)
    rows: tuple[tuple, list[dict]] = ((), [])  # the library rows, and the files they are of
    pages: jinja2.Environment = field(default_factory=lambda: jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True,
        lstrip_blocks=True))


def create_app(root: Path, host: str = "127.0.0.1", port: int = 8765, *, token: str | None = None,
               workers: int = 1, watching: bool = True) -> Starlette:
    """The app for the project at `root`, answering only at http://host:port/."""
    root = Path(root).resolve()
    state = State(root, token or new_token(), Builds(workers))

    @contextlib.asynccontextmanager
    async def lifespan(app):
        stop = asyncio.Event()
        state.builds.warm()
        watcher = asyncio.create_task(watch(root, stop, lambda p: _changed(state, p))) \
            if watching else None
        try:
            yield
        finally:
            stop.set()
            state.hub.closed.set()
            if watcher:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(watcher, 2)
            state.builds.close()

    routes = [
        Route("/", partial(_library, state)),
        Route("/essay/{slug}", partial(_essay, state)),
        Route("/builder", partial(_builder, state)),
        Route("/events", partial(_events, state)),
        Route("/api/spec", partial(_open, state)),
        Route("/api/estimate", partial(_estimate, state), methods=["POST"]),
        Route("/api/build", partial(_build, state), methods=["POST"]),
        Route("/api/save", partial(_save, state), methods=["POST"]),
        Route("/api/job/{id:int}", partial(_job, state)),
        Route("/static/{path:path}", partial(_file, HERE / "static", ASSETS)),
        Route("/files/{path:path}", partial(_file, root, IMAGES)),
        Route("/preview/{name}", partial(_preview, state)),
        Route("/out/{job:int}/{name}", partial(_download, state)),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.serve = state
    return Guard(app, served_hosts(host, port), state.token)


def page(state: State, name: str, request: Request, **context) -> HTMLResponse:
    """One of the app's pages, with the per-run token the page's scripts send back."""
    html = state.pages.get_template(name).render(token=state.token, version=__version__,
                                                 path=request.url.path, **context)
    return HTMLResponse(html)


def _not_found() -> Response:
    return Response("Not found", status_code=404, media_type="text/plain")


async def library_rows(state: State) -> list[dict]:
    """The library's rows, read again only when a file in source/ or the spec changed."""
    stamp = await asyncio.to_thread(_stamp, state.root)
    if stamp != state.rows[0]:
        rows = await asyncio.to_thread(packet_form.library_rows, state.root)
        state.rows = (stamp, [forms.row(r) for r in rows])
    return state.rows[1]


def _stamp(root: Path) -> tuple:
    """Each essay's and pamphlet.toml's name, size and time of change."""
    files = [root / "pamphlet.toml", *sorted((root / "source").glob("*.md"))]
    stats = [(f.name, f.stat()) for f in files if f.is_file()]
    return tuple((name, s.st_size, s.st_mtime_ns, s.st_ino) for name, s in stats)


async def _library(state: State, request: Request) -> Response:
    rows = await library_rows(state)
    query = request.query_params
    tag, text, order = query.get("tag", ""), query.get("q", "").strip(), query.get("sort", "title")
    tags = sorted({t for r in rows for t in r["tags"]})
    shown_rows = forms.filter_rows(rows, tag, text, order)
    return page(state, "library.html", request, rows=shown_rows, total=len(rows), tags=tags, tag=tag,
                q=text, sort=order, specs=spec_names(state.root))


async def _essay(state: State, request: Request) -> Response:
    """An essay's reading view; with ?spec=, its links judged as that spec's build does."""
    spec = request.query_params.get("spec") or None
    if spec is not None and spec not in spec_names(state.root):
        return _not_found()
    view = await asyncio.to_thread(essay_view, state.root, request.path_params["slug"], spec)
    if view is None:
        return _not_found()
    return page(state, "essay.html", request, essay=view,
                diagnostics=[diagnostic_data(d, state.root) for d in view.diagnostics])


async def _builder(state: State, request: Request) -> Response:
    name = request.query_params.get("spec", "")
    names = spec_names(state.root)
    if name and name not in names:
        return _not_found()
    return page(state, "builder.html", request, spec=name, specs=names,
                rows=await library_rows(state), choices=forms.choices(state.root))


async def _events(state: State, request: Request) -> Response:
    return StreamingResponse(state.hub.stream(), media_type="text/event-stream",
                             headers={"cache-control": "no-store"})


async def _open(state: State, request: Request) -> Response:
    """A spec as a draft for the form, with the version that saving it must match."""
    name = request.query_params.get("spec", "")
    if not name:
        draft = packet_form.SpecDraft(title="A new packet")
        path = await asyncio.to_thread(packet_form.new_spec, state.root, draft.title)
        return JSONResponse({"spec": "", "version": packet_form.NEW, "select": False,
                             "draft": forms.draft_json(draft), "diagnostics": [],
                             "path": _relative(state, path)})
    if name not in spec_names(state.root):
        return _not_found()
    path = state.root / name
    try:
        text, version = await asyncio.to_thread(packet_form.read_spec, path)
        draft = packet_form.draft_from_text(text, path)
    except PamphletError as error:
        return JSONResponse({"spec": name, "error": True, "diagnostics": [
            diagnostic_data(d, state.root) for d in error.diagnostics]}, status_code=422)
    state.opened[(name, version)] = text
    data = forms.draft_json(draft)
    if draft.essays is None:  # chosen by [select]: shown as the list it selects now
        data["essays"] = sorted(selected_slugs(path) or ())
    return JSONResponse({"spec": name, "version": version, "draft": data,
                         "select": draft.essays is None, "diagnostics": []})


def _relative(state: State, path: Path) -> str:
    return path.resolve().relative_to(state.root).as_posix()


@dataclass
class Form:
    """A posted bookbuilder form: the spec it edits, its draft, text and diagnostics."""

    body: dict
    name: str  # the spec as the browser names it; "" for a new packet
    draft: object
    text: str
    path: Path
    diagnostics: Diagnostics
    chosen: bool = True  # the path is the spec's, or one the user typed (not one from the title)
    seconds: float = FORM_LIMIT  # how long its checks, and its estimate, may take
    limit: CommandLimit = CommandLimit()  # the spec's, which says so

    def stopped(self, what: str) -> Diagnostic:
        """What the page is told when `what` ran past the form's deadline (S909)."""
        return Diagnostic("S909", Severity.WARNING, f"{what} took longer than {self.seconds:g} s "
                          "and was stopped", self.limit.spec, self.limit.line,
                          "build the pamphlet: the build says what these would have (the "
                          f"bookbuilder stops them at the spec's [pdf] time_limit or at "
                          f"{FORM_LIMIT} s)")

    def shown(self, root: Path, diagnostics=None) -> list[dict]:
        """Diagnostics as the page shows them: each about the form with its field's name."""
        return [{**diagnostic_data(d, root), "field": forms.field_of(self.text, d.line)
                 if d.path is not None and Path(d.path) == self.path else None}
                for d in (self.diagnostics if diagnostics is None else diagnostics)]


async def _form(state: State, request: Request) -> Form:
    """The posted form, made into spec text and checked as a spec on disk would be."""
    body = await request.json()
    if not isinstance(body, dict):
        raise ValueError("not a form")
    name = str(body.get("spec") or "")
    if name and name not in spec_names(state.root):
        raise ValueError("no such spec")
    original = state.opened.get((name, str(body.get("version") or "")), "")
    base = packet_form.draft_from_text(original, state.root / (name or "new.toml")) \
        if original else None
    draft = forms.draft_from(body, base)
    text = packet_form.to_toml(draft, original)
    typed = str(body.get("path") or "").strip()
    if name or typed:
        path = state.root / (name or typed)
    else:  # a new packet is named from its title, by a name no file has yet
        path = await asyncio.to_thread(packet_form.new_spec, state.root, draft.title or "packet")
    if not path.resolve().is_relative_to(state.root):
        raise ValueError("outside the project")
    # The checks and the estimate run in a worker process with a deadline: a library or a
    # layout made to be slow holds neither the server nor the next form for longer.
    limit = await asyncio.to_thread(CommandLimit.of, path if name else state.root)
    seconds = min(limit.seconds or FORM_LIMIT, FORM_LIMIT)
    done, diagnostics = await state.builds.in_time(packet_form.validate, (text, path), seconds)
    form = Form(body, name, draft, text, path.absolute(), diagnostics, bool(name or typed),
                seconds, limit)
    if not done:  # (the build checks it all again)
        form.diagnostics = Diagnostics([form.stopped("checking the spec")])
    return form


async def _estimate(state: State, request: Request) -> Response:
    try:
        form = await _form(state, request)
    except BAD_FORM:
        return JSONResponse({"error": "not a form"}, status_code=400)
    done, answer = await state.builds.in_time(
        estimate_answer, (state.root, form.draft, form.path if form.name else None),
        form.seconds)
    shown = forms.shown_diagnostics(form.diagnostics, form.draft)
    if not done:
        stopped = form.stopped("the estimate")
        answer, shown = {"estimate": None, "text": f"No estimate: {stopped.message}."}, \
            [*shown, stopped]
    return JSONResponse({**answer, "path": _relative(state, form.path),
                         "diagnostics": form.shown(state.root, shown)})


async def _build(state: State, request: Request) -> Response:
    """Start a build of the form's spec: the saved file if the form matches it, else a draft."""
    try:
        form = await _form(state, request)
    except BAD_FORM:
        return JSONResponse({"error": "not a form"}, status_code=400)
    name, text, diagnostics = form.name, form.text, form.diagnostics
    shown_name = _relative(state, form.path)
    job = state.builds.new_job(shown_name)
    if diagnostics.has_errors:
        job.state, job.result = "failed", {
            "ok": False, "outputs": [], "notes": [], "last_good": state.builds.last_good.get(
                shown_name), "diagnostics": [diagnostic_data(d, state.root) for d in diagnostics]}
        await _notify(state, job)
        return JSONResponse(job.public())
    try:
        target = await asyncio.to_thread(_target, state.root, name, shown_name, text)
    except PamphletError as error:  # build/ or build/.serve leads out of the project
        await _refused(state, job, error)
        return JSONResponse(job.public())
    start_build(state, job, target)
    return JSONResponse(job.public())


def _target(root: Path, name: str, shown_name: str, text: str) -> Target:
    """The saved spec, if the form's text is what is on disk; else a draft file of it."""
    saved = root / name if name else None
    stem = Path(shown_name).stem
    scratch_folder(root, "previews")  # nothing is built unless build/ is the project's own
    if saved is not None and saved.is_file() and saved.read_text("utf-8-sig") == text:
        return Target(shown_name, saved, output_folder(saved), stem)
    folder = scratch_folder(root, "drafts", shown_name.replace("/", "--"))
    scratch_folder(root, "drafts", shown_name.replace("/", "--"), "out")
    draft = folder / f"{stem}.toml"  # the same name: the e-book's identifier comes from it
    if not draft.is_file() or draft.read_text("utf-8") != text:
        with atomic_output(draft) as temporary:
            temporary.write_text(text, "utf-8")
    return Target(shown_name, draft, folder / "out", "draft--" + shown_name.replace("/", "--"))


def start_build(state: State, job: Job, target: Target,
                selected: frozenset[str] | None = None) -> None:
    """Queue `job`, building `target` once no other build of its spec runs (`selected`: the
    essays it selects, when the caller has just found them)."""
    state.live[target.name] = target
    job.out, job.preview = str(target.out), target.preview
    task = asyncio.create_task(_run(state, job, target, selected))
    state.tasks.add(task)  # held, so that it is not collected while it runs
    task.add_done_callback(state.tasks.discard)


async def _run(state: State, job: Job, target: Target, selected) -> None:
    state.selected[target.name] = selected if selected is not None else \
        await asyncio.to_thread(selected_slugs, target.spec)
    limit = await asyncio.to_thread(_time_limit, target.spec)
    try:
        args = await asyncio.to_thread(target.args, state.root)
    except PamphletError as error:  # build/.serve became a link meanwhile
        await _refused(state, job, error)
        return
    await state.builds.run(job, args, limit, lambda j: _notify(state, j))


async def _refused(state: State, job: Job, error: PamphletError) -> None:
    """A build that cannot even start (its folders lead out of the project): failed."""
    job.state, job.result = "failed", {
        "ok": False, "outputs": [], "notes": [], "last_good": None,
        "diagnostics": [diagnostic_data(d, state.root) for d in error.diagnostics]}
    await _notify(state, job)


def _time_limit(spec: Path) -> int:
    """The spec's [pdf] time_limit (the default if the spec cannot be read: the build says why)."""
    try:
        return load_spec(spec).pdf.time_limit
    except PamphletError:
        return PdfSettings().time_limit


async def _notify(state: State, job: Job) -> None:
    state.hub.publish("build", job.public())


async def _changed(state: State, paths: list[str]) -> None:
    """Files changed: tell every page, and rebuild the live specs the change affects."""
    state.hub.publish("files", {"paths": paths})
    for name, target in list(state.live.items()):
        if name in paths and target.spec != state.root / name:
            continue  # the spec was saved over its draft: the page decides what to build
        before = state.selected.get(name)
        after = await asyncio.to_thread(selected_slugs, target.spec)
        if affects(paths, name, before, after):
            start_build(state, state.builds.new_job(name), target, after)


async def _save(state: State, request: Request) -> Response:
    """Write the form's spec through packet_form.save: never over a file changed on disk
    since it was opened (V140), never outside pamphlet.toml and packets/ (V141)."""
    try:
        form = await _form(state, request)
    except BAD_FORM:
        return JSONResponse({"error": "not a form"}, status_code=400)
    path, text = form.path, form.text
    version = str(form.body.get("version") or "") if form.name else packet_form.NEW
    if not form.name and form.chosen and os.path.lexists(path):
        diagnostics = Diagnostics()
        diagnostics.error("V142", f"{_relative(state, path)} is a spec already, so the new "
                          "packet was not saved over it", path, hint="choose another name, or "
                          "clear the name to save under one made from the title")
    else:
        diagnostics = await asyncio.to_thread(packet_form.save, path, text, version, state.root)
    shown_diagnostics = form.shown(state.root, diagnostics)
    if diagnostics.has_errors:
        return JSONResponse({"saved": False, "diagnostics": shown_diagnostics})
    saved = _relative(state, path)
    _, version = await asyncio.to_thread(packet_form.read_spec, path)
    state.opened[(saved, version)] = text
    return JSONResponse({"saved": True, "spec": saved, "version": version,
                         "diagnostics": shown_diagnostics})


async def _job(state: State, request: Request) -> Response:
    job = state.builds.jobs.get(request.path_params["id"])
    return JSONResponse(job.public()) if job else _not_found()


async def _file(folder: Path, suffixes: frozenset[str], request: Request) -> Response:
    path = await asyncio.to_thread(safe_file, folder, request.path_params["path"], suffixes)
    return FileResponse(path) if path else _not_found()


async def _preview(state: State, request: Request) -> Response:
    """A spec's page previews (one JSON index of PNG data: URLs), as its last good build drew them."""
    path = safe_file(state.root / "build" / SCRATCH / "previews", request.path_params["name"],
                     frozenset({".json"}))
    return FileResponse(path, headers={"cache-control": "no-store"}) if path else _not_found()


async def _download(state: State, request: Request) -> Response:
    """An output of a finished build, by the job that made it."""
    job = state.builds.jobs.get(request.path_params["job"])
    name = request.path_params["name"]
    if not job or not job.result or name not in job.result.get("outputs", []):
        return _not_found()
    path = safe_file(Path(job.out), name, DOWNLOADS)
    return FileResponse(path, filename=name) if path else _not_found()

