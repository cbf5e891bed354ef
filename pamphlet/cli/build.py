"""`pamphlet build`: each spec built (in a pool of processes when there are several), its
outputs shown as soon as they are in place, and the progress on a terminal."""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from ..diagnostics import Diagnostics, PamphletError, fail, internal_error
from ..locale.plural import ngettext
from ..progress import Progress, Step, silent
from ..project.clock import source_date_epoch
from ..project.spec import load_spec, project_root, specs_in
from .common import (EXIT_ERROR, EXIT_OK, cores, encoding, isatty, positive, quietly,
                     relative, shard, shard_option, sheets_and_sides, show, verbose_option)


def add_parser(commands) -> None:
    build_cmd = commands.add_parser(
        "build", help="build specs into their outputs",
        description="Build pamphlets: for each spec, the reading PDF, the EPUB and, with a "
        "[print] table, the imposed PDF. A project folder builds its pamphlet.toml and every "
        "packets/*.toml. Specs whose inputs have not changed are skipped.")
    build_cmd.add_argument("paths", nargs="*", default=[Path(".")], type=Path, metavar="PATH",
                           help="project folders or spec files (default: this folder)")
    build_cmd.add_argument("--out", type=Path, metavar="DIR",
                           help="write outputs to DIR instead of the project's build/")
    build_cmd.add_argument("--jobs", "-j", type=positive, default=cores(), metavar="N",
                           help="work in N processes: one spec's parts, or several specs at "
                           "once (default: the number of cores, here %(default)s)")
    build_cmd.add_argument("--shard", type=shard_option, metavar="K/N",
                           help="build only the K-th of N fixed shares of the specs")
    build_cmd.add_argument("--force", action="store_true",
                           help="build even the specs whose outputs are current")
    build_cmd.add_argument("--encoding", type=encoding, default="utf-8", metavar="NAME",
                           help="read essays in this encoding (default: utf-8), e.g. cp1252")
    build_cmd.add_argument("--each-essay", action="store_true",
                           help="also build each essay as a booklet of its own, in "
                           "build/essays/ (as [site] each_essay = true does)")
    verbose_option(build_cmd)
    build_cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..build import cache
    from ..store.atomic import clean_leftovers

    source_date_epoch()  # a malformed value stops the build before anything is laid out
    specs = list(dict.fromkeys(s.resolve() for path in args.paths for s in specs_in(path)))
    outs = _output_folders(specs, args.out)
    booklets = _booklet_projects(args)
    todo, notes = [], Diagnostics()
    for spec in shard(specs, args.shard):
        out = outs[spec]
        clean_leftovers(out)
        key = cache.build_key(spec, args.encoding)
        if cache.current_outputs(out, spec, key, notes) and not args.force:
            print(f"{relative(spec)}: up to date", flush=True)
            continue
        todo.append((spec, out, key))
    shown = _Shown(args.verbose)
    shown(notes)
    failed = _build_all(todo, args, shown)
    if booklets:  # (imported only then: an up-to-date build reads no Markdown)
        from ..build.booklets import build_booklets
    for root in booklets:
        for result in build_booklets(root, args.out, args.jobs, args.shard, args.force,
                                     args.encoding):
            failed += _show_booklet(result, shown)
    shown.close()
    return EXIT_ERROR if failed else EXIT_OK


def _build_all(todo: list, args: argparse.Namespace, shown: "_Shown") -> int:
    """Build each spec, showing its outputs as soon as they are in place (not when all are
    done) and, on a terminal, the build's progress meanwhile; how many failed."""
    failed = 0
    with _board(todo) as board:
        for (spec, out, key), result in _run_builds(todo, args.jobs, args.encoding, board.step):
            board.finished(spec)
            shown(result.diagnostics)
            if not result.ok:
                print(f"pamphlet: {relative(spec)} failed; its outputs were not changed",
                      file=sys.stderr, flush=True)
                failed += 1
                continue
            _show_written(result)
    return failed


class _Plain:
    """No progress display: for output that is not a terminal, and for nothing to build."""

    def __enter__(self) -> "_Plain":
        return self

    def __exit__(self, *exc) -> None:
        pass

    step = staticmethod(silent)

    def finished(self, spec: Path) -> None:
        pass


def _board(todo: list):
    """The live progress display on a terminal, else none."""
    if not todo or not isatty(sys.stderr):  # before rich is imported: it takes a while
        return _Plain()
    from . import display
    from ..project.filenames import output_names

    if not display.wanted(sys.stderr):
        return _Plain()
    outputs = {}
    for spec, _, _ in todo:
        try:
            outputs[spec] = len(output_names(load_spec(spec)))
        except PamphletError:
            outputs[spec] = None  # its build says what is wrong with it
    return display.Board(outputs, relative, stdout_too=isatty(sys.stdout))


class _Shown:
    """A build's diagnostics: errors at once, with the spec that failed; warnings at the end,
    each once, grouped across every spec and booklet (the pamphlet and a packet read the same
    essays, and specs built at once finish in any order). --verbose: each as it comes."""

    def __init__(self, verbose: bool):
        self.verbose, self.warnings = verbose, {}  # in order, without twins

    def __call__(self, diagnostics) -> None:
        if self.verbose:
            show(diagnostics, verbose=True)
            return
        show([d for d in diagnostics if d.is_error])
        self.warnings.update(dict.fromkeys(d for d in diagnostics if not d.is_error))

    def close(self) -> None:
        """Show the warnings gathered."""
        show(list(self.warnings))


def _booklet_projects(args: argparse.Namespace) -> list[Path]:
    """The projects whose essays become booklets: those that ask (`[site] each_essay`), or
    all, with --each-essay. Fails (O533) before anything is built if two would share --out."""
    from ..project.filenames import booklets_wanted

    roots = [root for root in dict.fromkeys(
        path.resolve() if path.is_dir() else project_root(path) for path in args.paths)
        if args.each_essay or quietly(booklets_wanted, root)]
    if args.out is not None and len(roots) > 1:
        raise fail("O533", f"the booklets of {len(roots)} projects would share "
                   f"{relative(args.out / 'essays')}", args.out,
                   hint="build each project's booklets with an --out of its own")
    return roots


def _show_booklet(result, shown: "_Shown") -> int:
    """Say what one booklet's build did; 1 if it failed."""
    shown(result.diagnostics)
    name = relative(result.spec.path) if result.spec else "an essay"
    if not result.ok:
        print(f"pamphlet: the booklet of {name} failed; its outputs were not changed",
              file=sys.stderr, flush=True)
        return 1
    if result.up_to_date:
        print(f"{name}: booklet up to date", flush=True)
    else:
        _show_written(result)
    return 0


def _show_written(result) -> None:
    for output in result.outputs:
        print(f"wrote {relative(output)} ({_describe(output, result)})", flush=True)
    for note in result.notes:
        print(f"  {note}", flush=True)


def _output_folders(specs: list[Path], out: Path | None) -> dict[Path, Path]:
    """Each spec's output folder; fail before anything is built if one leads out of its
    project (O512), or if two specs would write the same file (O507)."""
    from ..project.filenames import output_folder

    outs, problems = {}, Diagnostics()
    for spec in specs:
        try:
            outs[spec] = output_folder(spec, out)
        except PamphletError as error:
            problems.extend(error.diagnostics)
    problems.raise_if_errors()
    _check_collisions(outs, problems)
    problems.raise_if_errors()
    return outs


def _check_collisions(outs: dict[Path, Path], problems: Diagnostics) -> None:
    """O507 for each output file that two specs would write."""
    from ..project.filenames import output_names

    writers: dict[Path, Path] = {}
    for spec, out in outs.items():
        try:
            names = output_names(load_spec(spec))
        except PamphletError:
            continue  # its own build reports what is wrong with it, and writes nothing
        for name in names:
            path = out.resolve() / name
            first = writers.setdefault(path, spec)
            if first != spec:
                problems.error(
                    "O507", f"this spec and {relative(first)} would both write "
                    f"{relative(path)}", spec,
                    hint="give one of the specs another file name, or build them one at a "
                    "time with different --out folders")


def _run_builds(todo: list, jobs: int, encoding: str, progress: Progress = silent):
    """Each spec's (task, result) as it finishes; a crash in one spec's build never hides the
    others'. One spec, or --jobs 1: built here, with `jobs` workers for its parts. Several:
    the largest first, each in a process of its own forked from here, up to `jobs` at once,
    and each with `jobs` workers for its parts (a long book keeps its parallel parts while
    short packets are built beside it); their progress comes back with their results."""
    if jobs == 1 or len(todo) < 2:
        for task in todo:
            yield task, _build_one(*task, encoding, jobs, progress)
        return
    from multiprocessing.connection import wait

    from ..build import pipeline  # noqa: F401 - imported once, here, for every child

    pending = sorted(todo, key=_size, reverse=True)
    running: dict = {}  # the reading end of a child's pipe -> (task, process)
    while pending or running:
        while pending and len(running) < jobs:
            task = pending.pop(0)
            running.update([_forked(task, encoding, jobs)])
        ends = {process.sentinel: reading for reading, (_, process) in running.items()}
        for ready in wait([*running, *ends]):
            reading = ends.get(ready, ready)
            if reading not in running:
                continue  # its pipe and its end were both ready: done with already
            task, process = running[reading]
            message = _message(reading, ended=ready in ends)
            if message is None:
                continue  # nothing more yet
            kind, value = message
            value = value if kind in ("step", "text") or value is not None \
                else _crashed(task[0], None)
            if kind == "step":
                progress(value)
                continue
            if kind == "text":  # shown here, above the display (see _Relayed)
                name, text = value
                (sys.stdout if name == "stdout" else sys.stderr).write(text)
                continue
            del running[reading]
            reading.close()
            process.join()
            yield task, value


def _message(reading, ended: bool) -> tuple | None:
    """The next thing a spec's process said: a step, or its result (which is O511 if it
    ended, or died, without one). None if it has not said anything more yet."""
    try:
        if reading.poll():
            return reading.recv()
    except (EOFError, OSError):
        pass
    else:
        if not ended:
            return None
    return "result", None  # filled in by the caller's _crashed below


def _size(task: tuple) -> int:
    """How much a spec has to lay out, about: the bytes of the essays it selects."""
    from ..project.select import selected_paths

    try:
        return sum(path.stat().st_size for path in selected_paths(load_spec(task[0])))
    except (PamphletError, OSError):
        return 0  # its build says what is wrong


def _forked(task: tuple, encoding: str, jobs: int):
    """A process of its own building `task`'s spec, and the reading end of its pipe."""
    import multiprocessing

    from ..engine.forks import sharing

    context = multiprocessing.get_context("fork")
    reading, sending = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(task, encoding, jobs, sending), daemon=False)
    with sharing():
        process.start()
    sending.close()
    return reading, (task, process)


def _child(task: tuple, encoding: str, jobs: int, sending) -> None:
    """In a spec's own process: build it, telling each step and then the result."""
    # Streams of its own: not the display it inherited, nor streams whose locks the
    # display's thread may have held when this process was forked; what it writes goes
    # to the command's process, which shows it above the display.
    sys.stdout, sys.stderr = _Relayed(sending, "stdout"), _Relayed(sending, "stderr")
    try:
        result = _build_one(*task, encoding, jobs, lambda step: sending.send(("step", step)))
    except KeyboardInterrupt:  # Ctrl+C reaches every process: the command says so, once
        sys.exit(130)
    try:
        sending.send(("result", result))
    except Exception as error:  # the result cannot be sent (pickled), say: a bug of ours
        sending.send(("result", _crashed(task[0], error)))
    sending.close()


class _Relayed(io.TextIOBase):
    """A spec process's stdout or stderr (a library's warning, say, through logging's last
    resort): sent to the command's process, which writes it above its display. Written to
    the terminal directly, behind the display's back, it shifted the display down a line,
    and the display's first row stayed on the screen when it was cleared."""

    def __init__(self, sending, name: str):
        self._sending, self._name = sending, name

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text:
            try:
                self._sending.send(("text", (self._name, text)))
            except (OSError, ValueError):  # the command's process has stopped listening
                pass
        return len(text)


def _build_one(spec: Path, out: Path, key: str, encoding: str, jobs: int = 1,
               progress: Progress = silent):
    from ..build.pipeline import build

    progress(Step("spec", spec))
    try:
        return build(spec, out, encoding, key, jobs, progress)
    except Exception as error:  # a bug of ours: say so, name the spec, and go on with the rest
        if os.environ.get("PAMPHLET_DEBUG"):
            raise
        return _crashed(spec, error)


def _crashed(spec: Path, error: Exception | None):
    """The result of a build that crashed: O510 for an exception, O511 for a dead process."""
    from ..build.pipeline import BuildResult

    result = BuildResult()
    if error is None:
        result.diagnostics.error(
            "O511", "the process building this spec died (killed, or out of memory)", spec,
            hint="build it alone, without --jobs, to see more; any other specs are built as "
            "usual")
        return result
    result.diagnostics.add(internal_error(error, spec))
    return result


def _describe(output: Path, result) -> str:
    imposed = result.imposed
    if imposed is not None and output.stem.endswith(("-print", "-print-bw")):
        return sheets_and_sides(imposed.sheets, imposed.sides)
    if output.name.endswith(".kepub.epub"):
        return "Kobo EPUB"
    if output.suffix == ".epub":
        return "EPUB 3"
    if output.suffix == ".ics":
        return "iCalendar event"
    if output.stem.endswith(("-cover", "-test-sheet")):
        return "1 page"
    pages = result.pages
    if output.stem.endswith(("-print", "-print-bw", "-press")):  # a block, or padded
        from pypdf import PdfReader
        pages = len(PdfReader(output).pages)
    return ngettext("{n} page", "{n} pages", pages)
