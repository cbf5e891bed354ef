"""The reading PDF in parts: the front matter, each essay and the back matter laid out as
documents of their own, in worker processes, cached, and stitched into one PDF.

The layout's HTML for the whole book is cut at its essays (the body's children of class
`essay`): what comes before the first is the front part, each essay with what follows it
is a part, and what follows the last essay is the back part. partlayout.py lays a part out
as if it stood in the book; stitch.py joins the written parts.

Placing the parts is a fixed point, as in LaTeX: each part is laid out with the best guess
of where it starts and of the pages of what it refers to (from the cache, or from the parts
laid out so far). As soon as everything before a part, and everything it refers to, is laid
out, the part is written where it stands: numbered again if the guess was wrong, and laid
out again only if its text depended on the guess (the contents' page numbers, say) or it
starts on the other side. A part's layout is cached by its own HTML, the layout's style and
the files it loaded; a written part also by where it stands. The cache is the user's
(`cache_folder`), never the project's.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import multiprocessing
import os
import queue
import signal
import threading
import xml.etree.ElementTree as ElementTree
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pikepdf
import tinyhtml5

from .. import __version__
from ..diagnostics import as_plain, fail, from_plain
from .forks import sharing
from ..progress import Progress, Step, silent
from ..store.limits import shielded
from ..store.paths import Refused, writable
from ..store.usercache import (cache_home, forget_old, remove_unused, sealed,
                               secret as _secret, store_folder)
from .pagebreaks import PageStart
from .partlayout import Finished, Laid, PartJob, Placement, Renderer, WriteError, redated

XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Source:
    """One part of the book's HTML."""

    name: str
    html: str
    shell: bool
    ids: frozenset[str]  # the anchors defined in it
    refs: frozenset[str]  # the anchors it links to (href="#...")
    size: int  # characters of text, to estimate its length
    standin: str = ""  # the book's HTML with an empty body (see partlayout.Renderer.renumber)


def split(html: str) -> list[Source]:
    """The book's HTML cut into parts (see the module's note); one part if it has no essays."""
    root = tinyhtml5.parse(html)
    body = root.find(f"{XHTML}body")
    children = [child for child in body if isinstance(child.tag, str)]
    groups: list[list] = [[]]
    names = ["front"]
    for child in children:
        if "essay" in (child.get("class") or "").split():
            groups.append([])
            names.append(child.get("id") or f"part-{len(names)}")
        groups[-1].append(child)
    if len(groups) == 1:
        return [_source("whole", root, body, children, None, "")]
    if not groups[0]:  # nothing before the first essay
        groups, names = groups[1:], names[1:]
    last = groups[-1]
    back = [index for index, child in enumerate(last)
            if index and "essay" not in (child.get("class") or "").split()]
    if back:  # what follows the last essay is the back part
        groups[-1], tail = last[:back[0]], last[back[0]:]
        groups.append(tail)
        names.append("back")
    standin = _document(root, body, [])
    return [_source(name, root, body, group, groups[i + 1][0] if i + 1 < len(groups) else None,
                    standin)
            for i, (name, group) in enumerate(zip(names, groups))]


def _document(root, body, elements: list) -> str:
    """The book's HTML with only `elements` in its body."""
    saved = list(body)
    body[:] = elements
    try:
        return "<!DOCTYPE html>\n" + "".join(_serialize(root))
    finally:
        body[:] = saved


def _source(name: str, root, body, elements: list, following, standin: str) -> Source:
    """A part's whole HTML document: the book's head, and `elements` in its body, followed
    by an empty copy of the next part's first element (`following`)."""
    kept = list(elements)
    if following is not None:
        shell = ElementTree.Element(following.tag, {key: value for key, value
                                                    in following.attrib.items() if key != "id"})
        kept.append(shell)
    text = _document(root, body, kept)
    ids = {node.get("id") for element in elements for node in element.iter()
           if isinstance(node.tag, str) and node.get("id")}
    refs = {node.get("href")[1:] for element in elements for node in element.iter()
            if isinstance(node.tag, str) and (node.get("href") or "").startswith("#")}
    size = sum(len("".join(element.itertext())) for element in elements)
    return Source(name, text, following is not None, frozenset(ids), frozenset(refs - ids),
                  size, standin)


# HTML serialisation of the tree tinyhtml5 parsed, so that parsing it again gives it back.
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
         "source", "track", "wbr"}
_RAW = {"script", "style"}
_PREFIXES = {"http://www.w3.org/1999/xlink": "xlink:",
             "http://www.w3.org/XML/1998/namespace": "xml:",
             "http://www.w3.org/2000/xmlns/": "xmlns:"}


def _serialize(element):
    tag = element.tag
    if isinstance(tag, str):
        namespace, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
        attributes = "".join(f' {_attribute(key)}="{_escape(value, True)}"'
                             for key, value in element.attrib.items())
        yield f"<{name}{attributes}>"
        html = namespace == XHTML[1:-1]
        if not (html and name in _VOID):
            text = element.text or ""
            if html and name in ("pre", "textarea", "listing") and text.startswith("\n"):
                yield "\n"
            yield text if html and name in _RAW else _escape(text)
            for child in element:
                yield from _serialize(child)
            yield f"</{name}>"
    yield _escape(element.tail or "")


def _attribute(key: str) -> str:
    if key.startswith("{"):
        namespace, _, name = key[1:].partition("}")
        if key == "{http://www.w3.org/2000/xmlns/}xmlns":  # an <svg>'s own xmlns="..."
            return name
        return _PREFIXES.get(namespace, "") + name
    return key


def _escape(text: str, attribute: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("\u00a0", "&nbsp;")
    if attribute:
        return text.replace('"', "&quot;")
    return text.replace("<", "&lt;").replace(">", "&gt;")


# ---- Planning: where each part starts ----

@dataclass
class Known:
    """What is known of a part's layout (from the cache, or laid out in this build)."""

    pages: int
    anchors: dict[str, int]
    start: int = 1  # the page it was laid out to start at (its side matters)
    strings: dict[str, str] = field(default_factory=dict)  # its named strings' last values


def side(page: int, ltr: bool) -> str:
    """The side of the book's page `page`: page 1 is a right-hand page, unless the book
    reads right to left."""
    return "right" if (page % 2 == 1) == ltr else "left"


def placements(sources: list[Source], known: dict[str, Known],
               ltr: bool = True) -> dict[str, Placement]:
    """Each part's placement from what is known. A part not yet laid out is estimated by
    its size, at the pace of the parts that are; a part after one not yet laid out (or laid
    out on the other side, so that its length will change) is put on a right-hand page
    (in a right-to-left book, a left-hand one), where essays open."""
    pace = _pace(sources, known)
    starts, start, exact = {}, 1, True
    for source in sources:
        if not exact and side(start, ltr) != side(1, ltr):
            start += 1
        starts[source.name] = start
        where = known.get(source.name)
        exact = where is not None and (start - where.start) % 2 == 0
        start += where.pages if where else max(1, round(source.size / pace))
    total = start - 1
    pages: dict[str, int] = {}
    for source in sources:
        where = known.get(source.name)
        for name in source.ids:
            pages[name] = starts[source.name] + (where.anchors.get(name, 1) - 1 if where else 0)
    strings, carried = {}, {}  # the named strings as each part begins (running heads)
    for source in sources:
        strings[source.name] = dict(carried)
        carried.update(known[source.name].strings if source.name in known else {})
    return {source.name: Placement(starts[source.name], total,
                                   {name: pages[name] for name in sorted(source.refs)
                                    if name in pages}, strings[source.name])
            for source in sources}


def _pace(sources: list[Source], known: dict[str, Known]) -> float:
    """Characters a page, from the parts laid out (2,000 before any is)."""
    laid = [(source.size, known[source.name].pages) for source in sources
            if source.name in known and source.name not in ("front", "back")]
    characters, pages = sum(size for size, _ in laid), sum(p for _, p in laid)
    return characters / pages if pages and characters else 2000.0


# ---- The cache of laid-out and written parts ----

class PartCache:
    """Parts laid out and written by earlier builds, in `folder` (inside the build folder).

    `layout/<key>.json` holds a part's page count and anchors, keyed by its HTML, the
    layout's style and the files it loaded; `pdf/<key>.pdf` a written part, keyed also by
    where it stood; `body/<key>.pdf` a written part without its margin boxes, keyed by
    the side of the book it starts on, with what its margin boxes are made from, so that
    a part that moved is numbered again without being laid out. Entries this build did
    not use are removed at the end. A written part that cannot be read back (whatever its
    recorded hash says) is made again, and named in `damaged`.
    """

    def __init__(self, folder: Path | None):
        # Only a folder that leads nowhere outside the user's cache (usercache.sealed): a
        # link there cannot have the cache read, written or pruned elsewhere.
        self.folder = folder if folder is not None and sealed(folder) else None
        self.used: set[Path] = set()
        self.damaged: list[str] = []

    def layout(self, key: str) -> dict | None:
        return self._json(self._path("layout", key, ".json"))

    def written(self, key: str) -> tuple[bytes, dict] | None:
        return self._pdf("pdf", key)

    def body(self, key: str) -> tuple[bytes, dict] | None:
        """A part written without its margin boxes, and what they are made from."""
        return self._pdf("body", key)

    def keep_written(self, key: str, pdf: bytes, meta: dict) -> None:
        self._keep_pdf("pdf", key, pdf, meta)

    def keep_body(self, key: str, pdf: bytes, meta: dict) -> None:
        self._keep_pdf("body", key, pdf, meta)

    def keep(self, kind: str, key: str) -> None:
        """Keep an entry this build did not read (see prune)."""
        self._path(kind, key, ".pdf"), self._path(kind, key, ".json")

    def _pdf(self, kind: str, key: str) -> tuple[bytes, dict] | None:
        meta = self._json(self._path(kind, key, ".json"))
        path = self._path(kind, key, ".pdf")
        if meta is None or path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            self.damaged.append(key)
            return None
        if hashlib.sha256(data).hexdigest() != meta.get("sha256") or not _readable(data, meta):
            self.damaged.append(key)
            return None
        self.used.add(path)
        return data, meta

    def keep_layout(self, key: str, value: dict) -> None:
        self._write(self._path("layout", key, ".json"), json.dumps(value).encode())

    def _keep_pdf(self, kind: str, key: str, pdf: bytes, meta: dict) -> None:
        meta = {**meta, "sha256": hashlib.sha256(pdf).hexdigest()}
        self._write(self._path(kind, key, ".pdf"), pdf)
        self._write(self._path(kind, key, ".json"), json.dumps(meta).encode())

    def prune(self) -> None:
        """Remove the entries this build did not use (a part that changed, say), and the
        caches of output folders not built for a month; no link is followed."""
        if self.folder is None or not self.folder.is_dir() or not sealed(self.folder):
            return
        for kind in ("layout", "pdf", "body"):
            if sealed(self.folder / kind) and (self.folder / kind).is_dir():
                remove_unused(self.folder / kind, lambda name, kind=kind:
                              self.folder / kind / name in self.used)
        forget_old(self.folder.parent)

    def _path(self, kind: str, key: str, suffix: str) -> Path | None:
        if self.folder is None:
            return None
        path = self.folder / kind / f"{key}{suffix}"
        if not sealed(path.parent):
            return None
        self.used.add(path)
        return path

    def _json(self, path: Path | None) -> dict | None:
        if path is None or path.is_symlink():
            return None
        try:
            value = json.loads(path.read_bytes()[:20_000_000])
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None

    def _write(self, path: Path | None, data: bytes) -> None:
        if path is None:
            return
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            writable(path.parent, cache_home())  # never write where a link leads
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC |
                                 os.O_NOFOLLOW, 0o600)
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except (OSError, Refused):  # a cache that cannot be written only costs time
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)


def _readable(pdf: bytes, meta: dict) -> bool:
    """Whether a cached part's PDF reads back whole, as the stitching will read it: every
    stream decoded (the fonts are merged from their data), with no repair, and the pages its
    record says."""
    try:
        with pikepdf.open(io.BytesIO(pdf)) as part:
            for obj in part.objects:
                if isinstance(obj, pikepdf.Stream):
                    obj.read_bytes()
            return len(part.pages) == meta.get("pages") and not part.get_warnings()
    except (pikepdf.PdfError, ValueError, TypeError, RuntimeError):
        return False


FORMAT = "5"  # of the cached parts: a change to what a part holds leaves the old ones unused


def _digest(*parts) -> str:
    digest = hashlib.sha256(f"{__version__}|{FORMAT}|".encode() + _secret())
    for part in parts:
        digest.update(b"\0" + str(part).encode())
    return digest.hexdigest()


def cache_folder(out: Path, stem: str) -> Path:
    """Where the parts of the spec `stem` built into `out` are cached: in the user's cache,
    not the project, so that a build that fails leaves its output folder as it was, and a
    project cannot arrive with parts of its own."""
    return store_folder("parts", out, stem)


# ---- Workers ----

class Workers:
    """`jobs` worker processes, each with a Renderer that keeps the parts it laid out until
    it finishes them; with one job, a Renderer in this process."""

    def __init__(self, jobs: int, spec: Path | None = None):
        self.spec = spec
        self.local = Renderer() if jobs <= 1 else None
        self.processes, self.inboxes = [], []
        if self.local is None:
            context = multiprocessing.get_context(
                "fork" if threading.active_count() == 1 and os.name == "posix" else "spawn")
            self.outbox = context.Queue()
            with sharing():
                for _ in range(jobs):
                    inbox = context.Queue()
                    process = context.Process(target=_work, args=(inbox, self.outbox),
                                              daemon=True)
                    process.start()
                    self.processes.append(process)
                    self.inboxes.append(inbox)
        self.busy: list[bool] = [False] * max(1, jobs)
        self.results: list = []

    def send(self, worker: int, task: tuple) -> None:
        self.busy[worker] = True
        if self.local is not None:
            self.results.append((worker, _run(self.local, task)))
        else:
            self.inboxes[worker].put(task)

    def receive(self):
        """(worker, (kind, name, result or None, error text or None)) of a finished task."""
        if self.results:
            worker, reply = self.results.pop(0)
        else:
            while True:
                try:
                    worker, reply = self.outbox.get(timeout=5)
                    break
                except queue.Empty:  # see that the workers are still alive (only this:
                    # the build's time limit is an exception raised while it waits)
                    dead = [p for p in self.processes if not p.is_alive()]
                    if dead:
                        raise fail("O511", "a process laying out the reading PDF's parts "
                                   f"died (exit code {dead[0].exitcode}: killed, or out of "
                                   "memory)", self.spec,
                                   hint="build with --jobs 1 to lay the parts out in one "
                                   "process, or set [pdf] render = \"whole\"") from None
        self.busy[worker] = False
        return worker, reply

    def idle(self) -> list[int]:
        return [index for index, busy in enumerate(self.busy) if not busy]

    def kill(self) -> None:
        """End every worker at once, whatever it is doing."""
        for process in self.processes:
            process.kill()
            process.join()

    def close(self) -> None:
        for inbox in self.inboxes:
            inbox.put(None)
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
        # Their queues' feeder threads end now, not when the queues are collected: the
        # EPUB's process is forked only while the build has no other thread. (A worker
        # that did not end by itself may have left a task unread: then it is not awaited.)
        for inbox, process in zip(self.inboxes, self.processes):
            inbox.close()
            if process.exitcode == 0:
                inbox.join_thread()
            else:
                inbox.cancel_join_thread()


def _work(inbox, outbox) -> None:
    # Ctrl+C reaches every process of the command: the build's own process stops its
    # workers (Workers.close), so a worker says nothing of it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    renderer = Renderer()
    while (task := inbox.get()) is not None:
        try:
            reply = _run(renderer, task)
        except Exception as error:  # a bug of ours: the build says so (O510), not the worker
            reply = task[1], task[2], None, BUG + f"{type(error).__name__}: {error}"
        outbox.put((task[0], reply))


BUG = "internal error: "


def _run(renderer: Renderer, task: tuple):
    """Lay out or finish a part; what WeasyPrint could not do is an error text (O503), a
    file the part could not write (a full disk, say) the error itself, raised again by the
    build as any output's would be."""
    _, kind, name, arguments = task
    try:
        method = {"lay_out": renderer.lay_out, "finish": renderer.finish,
                  "renumber": renderer.renumber}[kind]
        return kind, name, method(*arguments), None
    except WriteError as error:
        return kind, name, None, (error.errno, error.strerror, error.filename)
    except (OSError, ValueError, RecursionError) as error:
        return kind, name, None, f"{type(error).__name__}: {error}"


# ---- The whole: lay out, place, finish, stitch ----

@dataclass
class Written:
    """The reading PDF's parts, written, in order, with what the book needs of them."""

    parts: list[Finished]
    anchors: dict[str, int]  # anchor -> page in the book
    crossing: list[str]  # CSS counters that run across parts (see crossing_counters)
    texts: list[str]  # anchors whose text another part shows (target-text())
    running: list[str]  # running elements a part shows from the parts before it


def render_parts(sources: list[Source], job_for, finish_args: tuple, jobs: int,
                 cache: PartCache, uses_total: bool, progress: Progress = silent,
                 spec: Path | None = None) -> Written:
    """Lay out and write every part (see the module's note). `job_for(source)` makes its
    PartJob; `finish_args` is (identifier, created, modified, variant)."""
    book = _Book(sources, {source.name: job_for(source) for source in sources}, finish_args,
                 cache, uses_total)
    # A worker pays for itself (a process, the layout's style parsed again) with two parts
    # to lay out: an edit to one essay is laid out in the build's own process.
    unknown = sum(name not in book.known for name in book.order)
    workers = Workers(max(1, min(jobs, unknown // 2)), spec)
    try:
        book.run(workers, progress, spec)
    except BaseException:  # the time limit, say: the workers stop now, not after their part
        with shielded():
            workers.kill()
        raise
    finally:
        with shielded():
            workers.close()
    book.remember()
    cache.prune()
    return Written([book.finished[name] for name in book.order], book.anchors(),
                   crossing_counters([book.ties.get(name, {}) for name in book.order]),
                   sorted({anchor for name in book.order
                           for anchor in book.ties.get(name, {}).get("texts", ())}),
                   running_from_before([book.finished[name].running for name in book.order]))


def running_from_before(parts: list[dict]) -> list[str]:
    """The running elements (element()) a part's margin boxes looked for in vain in the
    part, and that a part before it defines: the whole book would show them there."""
    defined: set[str] = set()
    shown: set[str] = set()
    for part in parts:
        shown.update(name for name in part.get("wants", ()) if name in defined)
        defined.update(part.get("defines", ()))
    return sorted(shown)


def crossing_counters(parts: list[dict]) -> list[str]:
    """The CSS counters whose value a part reads before it sets them, and would have from
    the parts before it in the whole book but does not have in its own document: an essay
    number counted across essays, say (each part's counters start afresh). `parts` holds,
    in order, each part's counters as partlayout._Ties.summary gives them."""
    crossing: set[str] = set()
    book: dict[str, int] = dict(parts[0].get("start", {})) if parts else {}
    for part in parts:
        start, end = part.get("start", {}), part.get("end", {})
        crossing.update(name for name in part.get("reads", ())
                        if book.get(name) != start.get(name))
        for name in part.get("touched", ()):
            if name in end:
                book[name] = end[name]
            else:
                book.pop(name, None)
    return sorted(crossing)


class _Book:
    """The parts of one reading PDF, what is known of each, and what is written."""

    def __init__(self, sources, jobs: dict[str, PartJob], finish_args: tuple,
                 cache: PartCache, uses_total: bool):
        self.sources, self.jobs, self.cache = sources, jobs, cache
        self.finish_args, self.uses_total = finish_args, uses_total
        self.order = [source.name for source in sources]
        self.keys = {name: _digest("layout", job.html, job.sheets, job.ltr, job.shell,
                                   job.lines) for name, job in jobs.items()}
        self.ltr = next(iter(jobs.values())).ltr
        self.digests: dict[Path, str] = {}  # of the files cached layouts loaded
        self.inputs: dict[str, dict] = {}  # each part's files (images, fonts) and hashes
        self.known: dict[str, Known] = {}
        self.ties: dict[str, dict] = {}  # what ties each part to others (see Laid.ties)
        for name in self.order:
            entry = cache.layout(self.keys[name])
            if entry and _inputs_unchanged(entry.get("inputs", {}), self.digests):
                try:  # a damaged entry (a build killed while writing it) is no entry
                    self.known[name] = Known(int(entry["pages"]), dict(entry["anchors"]),
                                             int(entry["start"]),
                                             {str(key): str(value) for key, value
                                              in entry.get("strings", {}).items()})
                    self.inputs[name] = dict(entry["inputs"])  # as they are now
                    self.ties[name] = dict(entry.get("ties", {}))
                except (KeyError, TypeError, ValueError):
                    pass
        self.owner: dict[str, int] = {}  # a part laid out in this build: its worker
        self.finished: dict[str, Finished] = {}
        self.laid = 0  # parts laid out so far, for the progress shown
        self.refs = {source.name: source.refs for source in sources}
        self.anchor_part = {anchor: source.name for source in sources for anchor in source.ids}
        self.written_at: dict[str, Placement] = {}
        self.sent: dict[str, Placement] = {}  # the parts being written, and where for
        self.tries: dict[str, int] = {}  # how often each part was laid out in this build
        # The parts being renumbered: what is known of each, and the page it was written for.
        self.bodies: dict[str, tuple[Finished, int]] = {}

    def run(self, workers: Workers, progress: Progress, spec) -> None:
        """Lay out and write every part. A part is written (and its layout let go) as soon
        as everything before it and everything it refers to is laid out; if writing one
        changes its length (its contents page numbers grew wider, say), the parts written
        after it where they no longer stand are written again."""
        for _ in range(4):
            self._pump(workers, progress, spec)
            places = self._places()
            if all(self.written_at.get(name) == places[name] for name in self.order):
                return

    def _pump(self, workers: Workers, progress: Progress, spec) -> None:
        flight: set[str] = set()  # the parts the workers are busy with
        while True:
            for worker in workers.idle():
                task = self._task(worker, flight)
                if task is not None:
                    flight.add(task[2])
                    workers.send(worker, task)
            if not flight:
                return
            worker, (kind, name, value, error) = workers.receive()
            flight.discard(name)
            if error is not None:
                raise _failed(name, error, spec)
            if kind == "lay_out":
                self._laid(name, worker, value)
            elif kind == "renumber":
                self._renumbered(name, value)
            else:
                self._finished(name, value)
            if kind == "lay_out" or kind == "finish" and value.laid_out:
                self.laid += 1
                todo = len(self._misplaced(flight)) + len(flight)
                progress(Step("part", spec, self.laid, self.laid + todo, name))

    def _task(self, worker: int, flight: set[str]) -> tuple | None:
        """What `worker` does next: write a part it holds (or that no one holds) that is
        ready; else lay out a part it may (see _next)."""
        places = self._places()
        misplaced = self._misplaced(flight)
        for name in self.order:
            if name in flight or self.written_at.get(name) == places[name] \
                    or not self._ready(name, misplaced, flight):
                continue
            if self._from_cache(name, places[name]):
                continue
            if name not in self.owner and (body := self._body(name, places[name])):
                self.sent[name] = places[name]
                return worker, "renumber", name, (self.jobs[name], places[name], *body)
            if self.owner.get(name, worker) == worker:
                self.owner[name] = worker
                self.sent[name] = places[name]  # where it is written for
                return worker, "finish", name, (self.jobs[name], places[name],
                                                *self.finish_args)
        name = self._next([name for name in misplaced if name not in flight], worker,
                          bool(flight))
        if name is None:
            return None
        return worker, "lay_out", name, (self.jobs[name], places[name])

    def _ready(self, name: str, misplaced: list[str], flight: set[str]) -> bool:
        """Whether the part's place and the pages it refers to are final: every part
        before it (all parts, if the layout prints the page count) and every part it
        refers to is laid out where it stands."""
        unsettled = set(misplaced) | flight
        index = self.order.index(name)
        needed = self.order if self.uses_total else self.order[:index + 1]
        needed = [*needed, *(self.anchor_part.get(ref) for ref in self.refs[name])]
        return not any(part in unsettled for part in needed if part)

    def _from_cache(self, name: str, placement: Placement) -> bool:
        """Take the part written for this placement by an earlier build, if there is one."""
        hit = self.cache.written(self._written_key(name, placement))
        try:
            finished = _from_cache(name, *hit) if hit is not None else None
            if finished is not None and name == self.order[0]:
                finished = self._dated(finished, hit[1])
        except (KeyError, TypeError, ValueError):
            finished = None  # damaged: written again
        if finished is not None:
            self._written(name, placement, finished)
            self.cache.keep("body", self._body_key(name, placement))
        return finished is not None

    def _finished(self, name: str, finished: Finished) -> None:
        placement = self.sent.pop(name)
        self.owner.pop(name, None)
        self.known[name] = replace(self.known[name], pages=finished.pages,
                                   anchors=finished.anchors, start=placement.start)
        if finished.margins is not None:
            meta = {**_meta(finished), "margins": finished.margins}
            self.cache.keep_body(self._body_key(name, placement), finished.body, meta)
        finished.body, finished.margins = b"", None  # kept in the cache, not in memory
        self._written(name, placement, finished)
        self.cache.keep_written(self._written_key(name, placement), finished.pdf,
                                {**_meta(finished), "dates": self.finish_args[1:3]})

    def _dated(self, finished: Finished, meta: dict) -> Finished:
        """The cached first part, with this build's dates (see _written_key)."""
        dates = tuple(self.finish_args[1:3])
        if tuple(meta["dates"]) == dates:
            return finished
        return replace(finished, pdf=redated(finished.pdf, *dates))

    def _body(self, name: str, placement: Placement) -> tuple | None:
        """(body, margins) of the part written by an earlier build on this side of the
        book, if numbering it again for `placement` is all it needs: the pages it gave the
        anchors of other parts are right, and its own cross-references did not move."""
        hit = self.cache.body(self._body_key(name, placement))
        if hit is None:
            return None
        body, meta = hit
        margins = meta.get("margins")
        try:
            fits = all(placement.foreign.get(anchor) == page
                       for anchor, page in margins["used"].items()) \
                and (not margins["local_refs"] or margins["start"] == placement.start)
            self.bodies[name] = (_from_cache(name, b"", meta), int(margins["start"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            return None  # damaged: laid out again
        return (body, margins) if fits else None

    def _renumbered(self, name: str, pdf: bytes) -> None:
        placement = self.sent.pop(name)
        cached, start = self.bodies.pop(name)
        shift = placement.start - start
        finished = Finished(name, pdf, cached.pages, cached.anchors,
                            [replace(start, page=start.page + shift)
                             for start in cached.starts],
                            cached.missing_glyphs, cached.diagnostics, running=cached.running)
        self.known[name] = replace(self.known[name], pages=finished.pages,
                                   anchors=finished.anchors, start=placement.start)
        self._written(name, placement, finished)
        self.cache.keep_written(self._written_key(name, placement), pdf, _meta(finished))

    def _body_key(self, name: str, placement: Placement) -> str:
        # The first part starts on page 1 in every build: it is never renumbered.
        return _digest("body", self.keys[name], placement.start % 2, self._identity(),
                       sorted(self.inputs.get(name, {}).items()))

    def _places(self) -> dict[str, Placement]:
        return placements(self.sources, self.known, self.ltr)

    def _next(self, todo: list[str], worker: int, busy: bool) -> str | None:
        """The next part for `worker` to lay out: one it holds, or no one does; a part that
        refers to parts still being laid out (or, for the back matter, follows them) waits
        for them while other parts are being laid out."""
        free = [name for name in todo if self.owner.get(name, worker) == worker]
        # The last part (the back matter) starts on whichever side the essays leave it.
        waits = {name: [self.anchor_part.get(ref) for ref in self.refs[name]]
                 for name in free}
        waits[self.order[-1]] = self.order[:-1]
        settled = [name for name in free if name == self.order[0]
                   or all(part in self.known for part in waits[name] if part)]
        if settled or busy:
            return (settled or [None])[0]
        return (free or [None])[0]

    def _misplaced(self, flight: set[str]) -> list[str]:
        """The parts not laid out, or laid out on the side they no longer start on (and
        not being laid out now): the first part first (its length places all the others),
        and the parts that refer to others (cross-references) last, when the pages they
        refer to are known."""
        places = self._places()
        refers = {source.name: bool(source.refs) for source in self.sources}
        # A part laid out three times already is left to be written where it then stands
        # (writing lays it out there): guesses that keep moving cannot keep it going.
        return sorted((name for name in self.order if name not in flight and (
            name not in self.known or (places[name].start - self.known[name].start) % 2
            and self.tries.get(name, 0) < 3)),
                      key=lambda name: (name != self.order[0] and refers[name],
                                        self.order.index(name)))

    def anchors(self) -> dict[str, int]:
        places = placements(self.sources, self.known, self.ltr)
        return {anchor: places[name].start + page - 1 for name in self.order
                for anchor, page in self.known[name].anchors.items()}

    def remember(self) -> None:
        """Keep the layouts of this build for the next (and let the cache drop the rest)."""
        for name in self.order:
            known = self.known[name]
            entry = {"pages": known.pages, "anchors": known.anchors, "start": known.start,
                     "strings": known.strings,
                     "inputs": self.inputs.get(name, {}),
                     "ties": self.ties.get(name, {})}
            self.cache.keep_layout(self.keys[name], entry)

    def _laid(self, name: str, worker: int, laid: Laid) -> None:
        self.tries[name] = self.tries.get(name, 0) + 1
        self.owner[name] = worker
        self.known[name] = Known(laid.pages, laid.anchors, laid.placement.start, laid.strings)
        self.inputs[name] = laid.inputs
        self.ties[name] = laid.ties

    def _written(self, name: str, placement: Placement, finished: Finished) -> None:
        self.finished[name] = finished
        self.written_at[name] = placement

    def _written_key(self, name: str, placement: Placement) -> str:
        # The files it loaded, as they were: a written part drew the old picture.
        return _digest("pdf", self.keys[name], placement.start,
                       placement.total if self.uses_total else "-",
                       sorted(placement.foreign.items()), sorted(placement.strings.items()),
                       self._identity(), sorted(self.inputs.get(name, {}).items()))

    def _identity(self) -> tuple:
        """The book's identifier and PDF variant, which every written part holds. Only the
        first part's PDF lends the book its metadata, dates included; as the modification
        date is the build's, a cached first part is dated again (_dated), not keyed by it."""
        return self.finish_args[0], self.finish_args[3]


def _meta(finished: Finished) -> dict:
    """What a written part keeps beside its PDF in the cache."""
    return {"pages": finished.pages, "anchors": finished.anchors,
            "starts": [asdict(start) for start in finished.starts],
            "missing_glyphs": sorted(finished.missing_glyphs),
            "running": finished.running,
            "diagnostics": [as_plain(d) for d in finished.diagnostics]}


def _from_cache(name: str, pdf: bytes, meta: dict) -> Finished:
    return Finished(
        name, pdf, int(meta["pages"]), dict(meta["anchors"]),
        [PageStart(**start) for start in meta["starts"]],
        set(meta["missing_glyphs"]),
        [from_plain(d) for d in meta["diagnostics"]], running=dict(meta.get("running", {})))


def _inputs_unchanged(inputs: dict, digests: dict[Path, str]) -> bool:
    """Whether every file a cached layout loaded (images, fonts) is as it was; `digests`
    holds the hashes found so far in this build."""
    return isinstance(inputs, dict) and all(
        _file_digest(Path(path), digests) == digest for path, digest in inputs.items())


def _file_digest(path: Path, digests: dict[Path, str]) -> str:
    if path not in digests:
        try:
            with open(path, "rb") as stream:
                digests[path] = hashlib.file_digest(stream, "sha256").hexdigest()
        except OSError:
            digests[path] = "missing"
    return digests[path]


def _failed(name: str, error, spec):
    if isinstance(error, tuple):
        return OSError(*error)
    if error.startswith(BUG):
        return RuntimeError(f"in the part {name!r}: {error.removeprefix(BUG)}")
    return fail("O503", f"the part {name!r} of the PDF could not be rendered: {error}", spec,
                hint="check the layout's CSS and the essays' images")
