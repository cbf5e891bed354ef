"""The `pamphlet` command: the only code that prints; maps results to exit codes.

Exit status: 0 success, 1 a build error (the diagnostics say why), 2 a usage error.
Heavy modules (WeasyPrint, ebooklib) are imported only when a build really runs, so that
`--help`, `list` and an up-to-date rebuild answer at once.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from . import __version__
from .clock import source_date_epoch
from .diagnostics import (Diagnostic, Diagnostics, PamphletError, Severity, fail, format_group,
                          grouped, shorten)
from .essays import essay_paths, read_essay
from .imposition import SCHEMES
from .printing import SHEETS, print_plan, settings_from_table
from .progress import Progress, Step, silent
from .project import PAGE_SIZES, PRINT_FIELDS, find_spec, load_spec, project_root, specs_in
from .schema import Field

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.run(args)
    except PamphletError as error:
        _show(error.diagnostics)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("pamphlet: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pamphlet", description="Compile a library of essays into a printable "
        "pamphlet (a zine) and an EPUB e-book.")
    parser.add_argument("--version", action="version", version=f"pamphlet {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    _build_parser(commands)
    _impose_parser(commands)
    _library_parsers(commands)
    _serve_parser(commands)
    _site_parser(commands)
    return parser


def _build_parser(commands) -> None:
    build_cmd = commands.add_parser(
        "build", help="build specs into their outputs",
        description="Build pamphlets: for each spec, the reading PDF, the EPUB and, with a "
        "[print] table, the imposed PDF. A project folder builds its pamphlet.toml and every "
        "packets/*.toml. Specs whose inputs have not changed are skipped.")
    build_cmd.add_argument("paths", nargs="*", default=[Path(".")], type=Path, metavar="PATH",
                           help="project folders or spec files (default: this folder)")
    build_cmd.add_argument("--out", type=Path, metavar="DIR",
                           help="write outputs to DIR instead of the project's build/")
    build_cmd.add_argument("--jobs", "-j", type=_positive, default=cores(), metavar="N",
                           help="work in N processes: one spec's parts, or several specs at "
                           "once (default: the number of cores, here %(default)s)")
    build_cmd.add_argument("--shard", type=_shard, metavar="K/N",
                           help="build only the K-th of N fixed shares of the specs")
    build_cmd.add_argument("--force", action="store_true",
                           help="build even the specs whose outputs are current")
    build_cmd.add_argument("--encoding", type=_encoding, default="utf-8", metavar="NAME",
                           help="read essays in this encoding (default: utf-8), e.g. cp1252")
    build_cmd.add_argument("--each-essay", action="store_true",
                           help="also build each essay as a booklet of its own, in "
                           "build/essays/ (as [site] each_essay = true does)")
    _verbose_option(build_cmd)
    build_cmd.set_defaults(run=_build)


def _verbose_option(command) -> None:
    command.add_argument("--verbose", "-v", action="store_true",
                         help="show every warning, even one repeated in many files")


def _impose_parser(commands) -> None:
    impose_cmd = commands.add_parser(
        "impose", help="impose any PDF for printing and folding",
        description="Impose a PDF: place its pages on sheets to print, fold and staple.")
    impose_cmd.add_argument("source", type=Path, metavar="IN.pdf", nargs="?")
    impose_cmd.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    impose_cmd.add_argument("--scheme", choices=SCHEMES, default="saddle")
    impose_cmd.add_argument("--sheet", choices=sorted(SHEETS),
                            help="paper size (default: from the page size)")
    impose_cmd.add_argument("--duplex", choices=("short-edge", "long-edge"), default="short-edge")
    impose_cmd.add_argument("--binding", choices=("left", "right"), default="left",
                            help="the spine's side: right for a right-to-left booklet")
    impose_cmd.add_argument("--signature", metavar="N|LOW-HIGH",
                            help='pages per signature (a multiple of 4), or a range like 16-32')
    impose_cmd.add_argument("--creep", metavar="LENGTH", help="paper thickness, e.g. 0.1mm")
    impose_cmd.add_argument("--marks", action="store_true", help="crop and fold marks")
    impose_cmd.add_argument("--copies", type=_within(PRINT_FIELDS["copies"]), default=1,
                            help="copies, for the print plan")
    impose_cmd.add_argument("--keep-last", type=_within(Field((int,), minimum=0, maximum=999)),
                            default=1, metavar="N",
                            help="pages that stay at the end, after any blanks (default: 1)")
    impose_cmd.add_argument("--test-sheet", action="store_true",
                            help="write a one-sheet printer test (flip, page order, scale) for "
                            "these settings to OUT.pdf instead of imposing a PDF")
    impose_cmd.set_defaults(run=_impose)


def _library_parsers(commands) -> None:
    init_cmd = commands.add_parser(
        "init", help="start a new project",
        description="Make a project: pamphlet.toml, source/ with one example essay, an empty "
        "layouts/ and a .gitignore. Existing files are never overwritten.")
    init_cmd.add_argument("folder", nargs="?", default=Path("."), type=Path, metavar="DIR")
    init_cmd.set_defaults(run=_init)

    new_cmd = commands.add_parser(
        "new", help="add an essay to source/",
        description="Create source/<slug>.md with front matter for the title.")
    new_cmd.add_argument("title")
    new_cmd.add_argument("--author", default="")
    new_cmd.add_argument("--tag", action="append", default=[], dest="tags", metavar="TAG")
    new_cmd.add_argument("--project", type=Path, default=Path("."), metavar="DIR")
    new_cmd.set_defaults(run=_new)

    import_cmd = commands.add_parser(
        "import", help="import essays from text, HTML, Markdown or a WordPress export",
        description="Import essays into source/: plain text (one or several per file), HTML "
        "pages, Markdown with Jekyll, Hugo, Zola or Obsidian front matter (a file or a folder of "
        "them), and WordPress WXR exports (published posts only). Writes new files only.")
    import_cmd.add_argument("files", nargs="+", type=Path, metavar="FILE")
    import_cmd.add_argument("--project", type=Path, default=Path("."), metavar="DIR")
    import_cmd.add_argument("--split-at", metavar="MARKER",
                            help="in plain text, start a new essay after each line MARKER")
    import_cmd.add_argument("--pages", action="store_true",
                            help="also import a WordPress export's pages, not only its posts")
    import_cmd.add_argument("--site", type=Path, metavar="DIR",
                            help="a local checkout of the site, to copy the images posts use")
    _verbose_option(import_cmd)
    import_cmd.set_defaults(run=_import)

    check_cmd = commands.add_parser(
        "check", help="check a project without building it",
        description="Lint a project: specs, front matter, essays with no source, footnotes "
        "called but not defined (or defined but not called), missing images and dead links.")
    check_cmd.add_argument("path", nargs="?", default=Path("."), type=Path, metavar="PATH")
    check_cmd.add_argument("--epub", action="store_true",
                           help="also run EPUBCheck on the EPUBs in build/ (and on the "
                           "booklets in build/essays/ when [site] each_essay asks for them)")
    check_cmd.add_argument("--each-essay", action="store_true",
                           help="with --epub: check the booklets in build/essays/ too")
    check_cmd.add_argument("--strict", action="store_true", help="fail on warnings too")
    _verbose_option(check_cmd)
    check_cmd.set_defaults(run=_check)

    list_cmd = commands.add_parser(
        "list", help="list the essays of a project",
        description="List each essay in source/ with its title, author, tags, words, reading "
        "time and estimated pages in the spec's layout.")
    list_cmd.add_argument("path", nargs="?", default=".", type=Path,
                          help="a project folder or a spec file (default: this folder)")
    list_cmd.add_argument("--tags", action="store_true", help="list the tags with their counts")
    list_cmd.set_defaults(run=_list)


def _serve_parser(commands) -> None:
    serve_cmd = commands.add_parser(
        "serve", help="the bookbuilder and live preview in the browser",
        description="Serve the project at http://127.0.0.1:8765/: the library, each essay's "
        "reading view, and the bookbuilder (pick and order essays, set the spec, build, save). "
        "Pages update themselves when files change.")
    serve_cmd.add_argument("path", nargs="?", default=Path("."), type=Path, metavar="PATH",
                           help="the project folder (default: this folder)")
    serve_cmd.add_argument("--port", type=_within(Field((int,), minimum=1, maximum=65535)),
                           default=8765, metavar="N", help="the port (default: 8765, or the "
                           "next free one)")
    serve_cmd.add_argument("--host", default="127.0.0.1", metavar="H",
                           help="the address to serve on (default: 127.0.0.1, this machine only)")
    serve_cmd.add_argument("--no-open", action="store_true", help="do not open a browser")
    serve_cmd.set_defaults(run=_serve)


def _serve(args: argparse.Namespace) -> int:
    import threading
    import webbrowser

    import uvicorn

    from .serve import address, bind, project_folder
    from .serve.app import create_app
    from .serve.guard import is_loopback

    root = project_folder(args.path)
    source_date_epoch()  # a malformed value is said now, not at each build
    sock, port = bind(args.host, args.port)
    url = address(args.host, port)
    print(f"serving {_relative(root)} at {url}", flush=True)
    if port != args.port:
        print(f"  port {args.port} was taken, so pamphlet serves at port {port}", flush=True)
    if not is_loopback(args.host):
        _show([Diagnostic("V102", Severity.WARNING, f"serving on {args.host}: anyone who can "
                          "reach this machine can read the project and build it", None, None,
                          "serve on 127.0.0.1 (the default) unless you mean to share it")])
    print("  press Ctrl+C to stop", flush=True)
    server = uvicorn.Server(uvicorn.Config(create_app(root, args.host, port), log_level="warning",
                                           timeout_graceful_shutdown=2, lifespan="on"))
    if not args.no_open:
        threading.Timer(0.5, webbrowser.open, (url,)).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return EXIT_OK


def _site_parser(commands) -> None:
    site_cmd = commands.add_parser(
        "site", help="build the library's static site, OPDS catalogs and feed",
        description="Build every spec (through the cache) and write a static site to "
        "build/site/: a page for each pamphlet and essay with downloads, tag pages, an Atom "
        "feed, OPDS 1.2 (opds.xml) and OPDS 2.0 (opds.json) catalogs. Spread the work over "
        "machines with --shard K/N on each, then --gather their folders.")
    site_cmd.add_argument("path", nargs="?", default=Path("."), type=Path, metavar="PATH",
                          help="the project folder (default: this folder)")
    site_cmd.add_argument("--out", type=Path, metavar="DIR",
                          help="write the site (or, with --shard, the shard) to DIR")
    site_cmd.add_argument("--base-url", metavar="URL",
                          help="the site's address, so the feeds carry absolute URLs (when the "
                          "site is written: not with --shard)")
    parts = site_cmd.add_mutually_exclusive_group()
    parts.add_argument("--shard", type=_shard, metavar="K/N",
                       help="build only the K-th of N fixed shares, into a shard folder")
    parts.add_argument("--gather", nargs="+", type=Path, metavar="DIR",
                       help="assemble the site from the folders of every shard")
    site_cmd.add_argument("-v", "--verbose", action="store_true",
                          help="name each unit (spec:NAME, essay:SLUG) made afresh")
    site_cmd.set_defaults(run=_site)


def cores() -> int:
    """The cores this process may run on (fewer than the machine's, in a container or under
    taskset)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("must be a whole number of 1 or more")
    return int(text)


def _within(field: Field):
    """An argparse type: a whole number within the bounds a schema field declares."""
    def number(text: str) -> int:
        value = int(text) if text.strip().lstrip("+-").isdecimal() and len(text) < 20 else None
        wanted = field.out_of_bounds(value) if value is not None else "a whole number"
        if wanted:
            raise argparse.ArgumentTypeError(f"must be {wanted}, not {shorten(text, 40)!r}")
        return value
    return number


def _encoding(name: str) -> str:
    """An argparse type: the name of a text encoding Python knows, like cp1252."""
    try:
        b"a".decode(name)  # (an empty string is never decoded, so never looked up)
    except ValueError:  # a known encoding in which "a" alone is not whole (utf-16)
        pass
    except LookupError:
        raise argparse.ArgumentTypeError(
            f"unknown text encoding {shorten(name, 40)!r}; try utf-8, cp1252, latin-1 or "
            "utf-16") from None
    return name


def _shard(text: str) -> tuple[int, int]:
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise argparse.ArgumentTypeError("write K/N with 1 <= K <= N, like 2/4")
    return int(k), int(n)


def shard(specs: list[Path], part: tuple[int, int] | None) -> list[Path]:
    """The K-th of N shares: every N-th spec in sorted order, so shares never overlap."""
    if part is None:
        return specs
    k, n = part
    return [spec for index, spec in enumerate(sorted(specs)) if index % n == k - 1]


def _build(args: argparse.Namespace) -> int:
    from . import cache
    from .atomic import clean_leftovers
    from .booklets import build_booklets

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
            print(f"{_relative(spec)}: up to date", flush=True)
            continue
        todo.append((spec, out, key))
    shown = _Shown(args.verbose)
    shown(notes)
    failed = _build_all(todo, args, shown)
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
                print(f"pamphlet: {_relative(spec)} failed; its outputs were not changed",
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
    if not todo or not _isatty(sys.stderr):  # before rich is imported: it takes a while
        return _Plain()
    from . import display
    from .build import output_names

    if not display.wanted(sys.stderr):
        return _Plain()
    outputs = {}
    for spec, _, _ in todo:
        try:
            outputs[spec] = len(output_names(load_spec(spec)))
        except PamphletError:
            outputs[spec] = None  # its build says what is wrong with it
    return display.Board(outputs, _relative, stdout_too=_isatty(sys.stdout))


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream is no terminal
        return False


class _Shown:
    """A build's diagnostics: errors at once, with the spec that failed; warnings at the end,
    each once, grouped across every spec and booklet (the pamphlet and a packet read the same
    essays, and specs built at once finish in any order). --verbose: each as it comes."""

    def __init__(self, verbose: bool):
        self.verbose, self.warnings = verbose, {}  # in order, without twins

    def __call__(self, diagnostics) -> None:
        if self.verbose:
            _show(diagnostics, verbose=True)
            return
        _show([d for d in diagnostics if d.is_error])
        self.warnings.update(dict.fromkeys(d for d in diagnostics if not d.is_error))

    def close(self) -> None:
        """Show the warnings gathered."""
        _show(list(self.warnings))


def _booklet_projects(args: argparse.Namespace) -> list[Path]:
    """The projects whose essays become booklets: those that ask (`[site] each_essay`), or
    all, with --each-essay. Fails (O533) before anything is built if two would share --out."""
    from .booklets import booklets_wanted

    roots = [root for root in dict.fromkeys(
        path.resolve() if path.is_dir() else project_root(path) for path in args.paths)
        if args.each_essay or _quietly(booklets_wanted, root)]
    if args.out is not None and len(roots) > 1:
        raise fail("O533", f"the booklets of {len(roots)} projects would share "
                   f"{_relative(args.out / 'essays')}", args.out,
                   hint="build each project's booklets with an --out of its own")
    return roots


def _show_booklet(result, shown: "_Shown") -> int:
    """Say what one booklet's build did; 1 if it failed."""
    shown(result.diagnostics)
    name = _relative(result.spec.path) if result.spec else "an essay"
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
        print(f"wrote {_relative(output)} ({_describe(output, result)})", flush=True)
    for note in result.notes:
        print(f"  {note}", flush=True)


def _quietly(check, *args) -> bool:
    """`check(*args)`, or False where it meets a problem (the spec's build reports it)."""
    try:
        return check(*args)
    except PamphletError:
        return False


def _output_folders(specs: list[Path], out: Path | None) -> dict[Path, Path]:
    """Each spec's output folder; fail before anything is built if one leads out of its
    project (O512), or if two specs would write the same file (O507)."""
    from .build import output_folder

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
    from .build import output_names

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
                    "O507", f"this spec and {_relative(first)} would both write "
                    f"{_relative(path)}", spec,
                    hint="give one of the specs another file name, or build them one at a "
                    "time with different --out folders")


def _run_builds(todo: list, jobs: int, encoding: str, progress: Progress = silent):
    """Each spec's (task, result) as it finishes; a crash in one spec's build never hides the
    others'. One spec, or --jobs 1: built here, with `jobs` workers for its parts; several:
    each in a process of the pool, its progress relayed back."""
    if jobs == 1 or len(todo) < 2:
        for task in todo:
            yield task, _build_one(*task, encoding, jobs, progress)
        return
    died = []
    with _Relay(progress) as relay, ProcessPoolExecutor(
            max_workers=min(jobs, len(todo)), initializer=_worker,
            initargs=(relay.queue,)) as pool:
        futures = {pool.submit(_build_one, *task, encoding): task for task in todo}
        for future in as_completed(futures):
            task = futures[future]
            try:
                yield task, future.result()
            except BrokenProcessPool:
                died.append(task)  # a worker died: which spec killed it is found out below
            except Exception as error:  # the result could not come back, say
                yield task, _crashed(task[0], error)
    # Rebuilt one at a time, each in a fresh process: slower, but only after a worker died.
    for task in died:
        yield task, _build_alone(*task, encoding)


def _build_alone(spec: Path, out: Path, key: str, encoding: str):
    """Build again, in a process of its own, a spec whose worker died (with it, any spec that
    shared the pool): a process that dies now has died of this spec (O511)."""
    with ProcessPoolExecutor(max_workers=1, initializer=_worker, initargs=(None,)) as pool:
        try:
            return pool.submit(_build_one, spec, out, key, encoding).result()
        except BrokenProcessPool:
            return _crashed(spec, None)


class _Relay:
    """Carries the Steps of builds in worker processes back to `progress`, through a queue a
    thread here reads; nothing at all when `progress` is silent."""

    def __init__(self, progress: Progress):
        self.progress, self.queue, self.thread = progress, None, None

    def __enter__(self) -> "_Relay":
        if self.progress is not silent:
            import multiprocessing
            import threading

            self.queue = multiprocessing.SimpleQueue()
            self.thread = threading.Thread(target=self._read, daemon=True)
            self.thread.start()
        return self

    def _read(self) -> None:
        while (step := self.queue.get()) is not None:
            try:
                self.progress(step)
            except Exception:  # noqa: BLE001 - a display's fault must not stop the reading,
                pass  # or the workers would wait on a full queue

    def __exit__(self, *exc) -> None:
        if self.thread is not None:  # the pool is shut down: no worker writes any more
            self.queue.put(None)
            self.thread.join(timeout=5)
            self.queue.close()


_relay = None  # in a worker process: the queue its builds' Steps go back through


def _worker(queue) -> None:
    """Start a worker: its output goes to the real streams (not to a progress display it
    inherited), and its builds' Steps to `queue`, if there is one."""
    global _relay
    sys.stdout, sys.stderr, _relay = sys.__stdout__, sys.__stderr__, queue


def _relayed(step: Step) -> None:
    _relay.put(step)


def _build_one(spec: Path, out: Path, key: str, encoding: str, jobs: int = 1,
               progress: Progress | None = None):
    from .build import build

    if progress is None:  # in a worker of the pool
        progress = silent if _relay is None else _relayed
    progress(Step("spec", spec))
    try:
        return build(spec, out, encoding, key, jobs, progress)
    except Exception as error:  # a bug of ours: say so, name the spec, and go on with the rest
        if os.environ.get("PAMPHLET_DEBUG"):
            raise
        return _crashed(spec, error)


def _crashed(spec: Path, error: Exception | None):
    """The result of a build that crashed: O510 for an exception, O511 for a dead process."""
    from .build import BuildResult

    result = BuildResult()
    if error is None:
        result.diagnostics.error(
            "O511", "the process building this spec died (killed, or out of memory)", spec,
            hint="build it alone, without --jobs, to see more; any other specs are built as "
            "usual")
        return result
    where = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    at = f" at {Path(where[0].filename).name}:{where[0].lineno}" if where else ""
    result.diagnostics.error(
        "O510", f"internal error while building this spec: {type(error).__name__}: "
        f"{_clip(str(error), 200)}{at}", spec,
        hint="this is a bug in pamphlet; please report it with this spec (PAMPHLET_DEBUG=1 "
        "shows the traceback); any other specs are built as usual")
    return result


def _describe(output: Path, result) -> str:
    imposed = result.imposed
    if imposed is not None and output.stem.endswith(("-print", "-print-bw")):
        return f"{imposed.sheets} sheets, {imposed.sides} sides"
    if output.name.endswith(".kepub.epub"):
        return "Kobo EPUB"
    if output.suffix == ".epub":
        return "EPUB 3"
    if output.suffix == ".ics":
        return "iCalendar event"
    if output.stem.endswith(("-cover", "-test-sheet")):
        return "1 page"
    return f"{result.pages} pages"


def _site(args: argparse.Namespace) -> int:
    from .build import output_folder
    from .site import build_site, gather, make_shard

    source_date_epoch()
    base_url = _base_url(args.base_url)
    root = project_root(find_spec(args.path)) if args.path.is_file() else args.path.resolve()
    if args.gather:
        found = Diagnostics()
        site = gather(args.gather, args.out or output_folder(root / "pamphlet.toml") / "site",
                      base_url, found)
        _show(found)
        print(f"wrote {_relative(args.out or root / 'build' / 'site')} "
              f"({len(site.pamphlets)} pamphlets, {len(site.essays)} essays)")
        return EXIT_OK
    if args.shard:
        k, n = args.shard
        out = args.out or output_folder(root / "pamphlet.toml") / f"site-shard-{k}-of-{n}"
        result = make_shard(root, out, args.shard)
        site = None
    else:
        out = args.out or output_folder(root / "pamphlet.toml") / "site"
        result, site = build_site(root, out, base_url)
    _show(result.diagnostics)
    failed = f", {len(result.failed)} failed" if result.failed else ""
    if args.verbose and result.built:
        print(f"made afresh: {', '.join(result.built)}")
    print(f"{len(result.built)} made afresh, {len(result.reused)} current{failed}")
    if result.failed or result.diagnostics.has_errors:
        print("pamphlet: the site was not written; its old pages were kept", file=sys.stderr)
        return EXIT_ERROR
    if site is not None:
        print(f"wrote {_relative(out)} ({len(site.pamphlets)} pamphlets, "
              f"{len(site.essays)} essays, {len(site.tags)} tags)")
    else:
        print(f"wrote shard {args.shard[0]}/{args.shard[1]} to {_relative(out)}")
    return EXIT_OK


def _base_url(text: str | None) -> str | None:
    """--base-url as given, if it is an http(s) address with a host (T107)."""
    from urllib.parse import urlsplit

    from .diagnostics import fail

    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query \
            or parts.fragment or any(c in text for c in ' <>"{}|\\^`'):
        raise fail("T107", f"--base-url is not a web address to put the site at: "
                   f"{shorten(text, 80)!r}", hint="write it like https://example.org/library/")
    return text


def _impose(args: argparse.Namespace) -> int:
    from .outputs.impose import impose_pdf

    problems = Diagnostics()
    def report(code: str, key: str, message: str, hint: str) -> None:
        problems.error(code, f"--{key}: {message}", hint=hint)
    settings = settings_from_table({
        "scheme": args.scheme, "sheet": args.sheet, "duplex": args.duplex,
        "binding": args.binding, "signature": args.signature,
        "creep": args.creep, "marks": args.marks, "copies": args.copies,
        "variants": ["print"], "instructions": False, "fit": False}, report)
    if args.source is None and not args.test_sheet:
        problems.error("O563", "name the PDF to impose, or ask for --test-sheet",
                       hint="pamphlet impose IN.pdf -o OUT.pdf, or pamphlet impose --test-sheet "
                            "-o test.pdf")
    if problems.has_errors:
        _show(problems)
        return EXIT_USAGE
    if args.test_sheet:
        from .outputs.testsheet import write_test_sheet
        write_test_sheet(settings, "A5", args.output)
        print(f"wrote {_relative(args.output)} (printer test sheet, duplex, "
              f"flip on the {settings.duplex.removesuffix('-edge')} edge)")
        return EXIT_OK
    result = impose_pdf(args.source, settings, args.output, args.keep_last)
    print(f"wrote {_relative(result.path)} ({result.sheets} sheets, {result.sides} sides)")
    print("  " + print_plan(result.pages, result.padded, result.sheets, result.sides,
                            result.sheet_name, settings))
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from .library import init_project

    for path in init_project(args.folder):
        print(f"made {_relative(path)}")
    print(f"next: cd {args.folder} && pamphlet build")
    return EXIT_OK


def _new(args: argparse.Namespace) -> int:
    from .library import new_essay

    path = new_essay(args.project, args.title, args.author, tuple(args.tags))
    print(f"made {_relative(path)}")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from .check import check_project

    diagnostics, specs, essays = check_project(args.path, args.epub, args.each_essay)
    _show(diagnostics, args.verbose)
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    print(f"checked {specs} spec{'s' * (specs != 1)} and {essays} essay{'s' * (essays != 1)}: "
          f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return EXIT_ERROR if errors or (args.strict and warnings) else EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from .importers import Run, read_all, write_drafts

    diagnostics = Diagnostics()
    drafts = read_all(args.files, Run(diagnostics, args.split_at, args.pages, args.site))
    written = write_drafts(drafts, args.project / "source", diagnostics)
    for path in written:
        print(f"made {_relative(path)}")
    _show(diagnostics, args.verbose)
    return EXIT_ERROR if diagnostics.has_errors else EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from .library import estimated_pages, reading_minutes, tag_counts

    root = project_root(find_spec(args.path)) if args.path.is_file() else args.path.resolve()
    page_size = _page_size(args.path)
    diagnostics = Diagnostics()
    essays = [e for e in (read_essay(p, diagnostics) for p in essay_paths(root / "source").values())
              if e is not None]
    if args.tags:
        _table(("tag", "essays"), [(tag, str(n)) for tag, n in tag_counts(essays)])
    else:
        _table(("slug", "title", "author", "tags", "words", "minutes", f"pages ({page_size})"),
               [(e.slug, e.title, ", ".join(e.authors), ", ".join(e.tags), str(e.word_count),
                 str(reading_minutes(e.word_count)), str(estimated_pages(e.word_count, page_size)))
                for e in essays])
    if not essays and not diagnostics.items:
        print(f"no essays in {_relative(root / 'source')}/")
    _show(diagnostics)
    return EXIT_ERROR if diagnostics.has_errors else EXIT_OK


def _page_size(path: Path) -> str:
    """The page size of the spec at `path`, if there is a readable one."""
    try:
        return load_spec(path).pdf.page_size
    except PamphletError:
        return PAGE_SIZES[0]


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    if not rows:
        return
    widths = [min(40, max(len(row[i]) for row in [header, *rows])) for i in range(len(header))]
    numeric = [all(row[i].isdigit() for row in rows) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [_clip(cell, width).rjust(width) if number else _clip(cell, width).ljust(width)
                 for cell, width, number in zip(row, widths, numeric)]
        print("  ".join(cells).rstrip())


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _show(diagnostics: Diagnostics | list[Diagnostic], verbose: bool = False) -> None:
    """Print diagnostics; a warning repeated across files is one block unless `verbose`."""
    groups = [[d] for d in diagnostics] if verbose else grouped(diagnostics)
    for group in groups:
        # one write: a progress display, above which it goes, never splits it from its hint
        sys.stderr.write(format_group(group, relative_to=Path.cwd()) + "\n")
        sys.stderr.flush()


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
