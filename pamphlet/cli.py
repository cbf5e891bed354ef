"""The `pamphlet` command: the only code that prints; maps results to exit codes.

Exit status: 0 success, 1 a build error (the diagnostics say why), 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .build import build
from .diagnostics import Diagnostic, Diagnostics, PamphletError
from .essays import essay_paths, read_essay
from .imposition import SCHEMES
from .outputs.impose import impose_pdf
from .printing import SHEETS, print_plan, settings_from_table
from .project import find_spec, project_root, specs_in

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

    build_cmd = commands.add_parser(
        "build", help="build specs into their outputs",
        description="Build pamphlets: for each spec, the reading PDF (build/<spec>.pdf). "
        "A project folder builds its pamphlet.toml and every packets/*.toml.")
    build_cmd.add_argument("paths", nargs="*", default=[Path(".")], type=Path, metavar="PATH",
                           help="project folders or spec files (default: this folder)")
    build_cmd.add_argument("--out", type=Path, metavar="DIR",
                           help="write outputs to DIR instead of the project's build/")
    build_cmd.set_defaults(run=_build)

    impose_cmd = commands.add_parser(
        "impose", help="impose any PDF for printing and folding",
        description="Impose a PDF: place its pages on sheets to print, fold and staple.")
    impose_cmd.add_argument("source", type=Path, metavar="IN.pdf")
    impose_cmd.add_argument("-o", "--output", type=Path, required=True, metavar="OUT.pdf")
    impose_cmd.add_argument("--scheme", choices=SCHEMES, default="saddle")
    impose_cmd.add_argument("--sheet", choices=sorted(SHEETS),
                            help="paper size (default: from the page size)")
    impose_cmd.add_argument("--duplex", choices=("short-edge", "long-edge"), default="short-edge")
    impose_cmd.add_argument("--signature", metavar="N|LOW-HIGH",
                            help='pages per signature (a multiple of 4), or a range like 16-32')
    impose_cmd.add_argument("--creep", metavar="LENGTH", help="paper thickness, e.g. 0.1mm")
    impose_cmd.add_argument("--marks", action="store_true", help="crop and fold marks")
    impose_cmd.add_argument("--copies", type=int, default=1, help="copies, for the print plan")
    impose_cmd.add_argument("--keep-last", type=int, default=1, metavar="N",
                            help="pages that stay at the end, after any blanks (default: 1)")
    impose_cmd.set_defaults(run=_impose)

    list_cmd = commands.add_parser(
        "list", help="list the essays of a project",
        description="List each essay in source/ with its title, author, tags and words.")
    list_cmd.add_argument("path", nargs="?", default=".", type=Path,
                          help="a project folder or a spec file (default: this folder)")
    list_cmd.set_defaults(run=_list)
    return parser


def _build(args: argparse.Namespace) -> int:
    specs = [spec for path in args.paths for spec in specs_in(path)]
    failed = 0
    for spec in dict.fromkeys(spec.resolve() for spec in specs):
        result = build(spec, args.out)
        _show(result.diagnostics)
        if not result.ok:
            print(f"pamphlet: {_relative(spec)} failed; its outputs were not changed",
                  file=sys.stderr)
            failed += 1
            continue
        for output in result.outputs:
            print(f"wrote {_relative(output)} ({_describe(output, result)})")
        for note in result.notes:
            print(f"  {note}")
    return EXIT_ERROR if failed else EXIT_OK


def _describe(output: Path, result) -> str:
    imposed = result.imposed
    if imposed is not None and output.stem.endswith(("-print", "-print-bw")):
        return f"{imposed.sheets} sheets, {imposed.sides} sides"
    if output.suffix == ".epub":
        return "EPUB 3"
    return f"{result.pages} pages"


def _impose(args: argparse.Namespace) -> int:
    problems = Diagnostics()
    def report(code: str, key: str, message: str, hint: str) -> None:
        problems.error(code, f"--{key}: {message}", hint=hint)
    settings = settings_from_table({
        "scheme": args.scheme, "sheet": args.sheet, "duplex": args.duplex,
        "signature": int(args.signature) if (args.signature or "").isdigit() else args.signature,
        "creep": args.creep, "marks": args.marks, "copies": args.copies,
        "variants": ["print"], "instructions": False, "fit": False}, report)
    if problems.has_errors:
        _show(problems)
        return EXIT_USAGE
    result = impose_pdf(args.source, settings, args.output, args.keep_last)
    print(f"wrote {_relative(result.path)} ({result.sheets} sheets, {result.sides} sides)")
    print("  " + print_plan(result.pages, result.padded, result.sheets, result.sides,
                            result.sheet_name, settings))
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    root = project_root(find_spec(args.path)) if args.path.is_file() else args.path.resolve()
    diagnostics = Diagnostics()
    rows = []
    for slug, path in essay_paths(root / "source").items():
        essay = read_essay(path, diagnostics)
        if essay is not None:
            rows.append((slug, essay.title, ", ".join(essay.authors), ", ".join(essay.tags),
                         str(essay.word_count)))
    if not rows and not diagnostics.items:
        print(f"no essays in {_relative(root / 'source')}/")
    _table(("slug", "title", "author", "tags", "words"), rows)
    _show(diagnostics)
    return EXIT_ERROR if diagnostics.has_errors else EXIT_OK


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    if not rows:
        return
    widths = [min(40, max(len(row[i]) for row in [header, *rows])) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [_clip(cell, width).ljust(width) for cell, width in zip(row, widths)]
        cells[-1] = _clip(row[-1], widths[-1]).rjust(widths[-1])
        print("  ".join(cells).rstrip())


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _show(diagnostics: Diagnostics | list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(relative_to=Path.cwd()), file=sys.stderr)


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
