"""The `pamphlet` command: the only code that prints; maps results to exit codes.

One module per command (`build`, `impose`, `init`, `new`, `import_`, `check`, `list_`,
`serve`, `site`), each with its `add_parser` and its `run`; what they share is in `common`,
and the live progress display in `display`. Exit status: 0 success, 1 a build error (the
diagnostics say why), 2 a usage error. Heavy modules (WeasyPrint, ebooklib) are imported only
when a build really runs, so that `--help`, `list` and an up-to-date rebuild answer at once.

May import: everything in the package; nothing imports it.
"""

from __future__ import annotations

import argparse
import sys

from .. import __version__
from ..diagnostics import PamphletError
from . import build, check, impose, import_, init, list_, new, serve, site
from .common import EXIT_ERROR, EXIT_USAGE, show

COMMANDS = (build, impose, init, new, import_, check, list_, serve, site)  # in --help's order


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.run(args)
    except PamphletError as error:
        show(error.diagnostics)
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
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


if __name__ == "__main__":
    sys.exit(main())
