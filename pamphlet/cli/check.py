"""`pamphlet check`: lint a project without building it."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..locale.plural import ngettext
from .common import EXIT_ERROR, EXIT_OK, show, verbose_option


def add_parser(commands) -> None:
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
    verbose_option(check_cmd)
    check_cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..build.check import check_project

    diagnostics, specs, essays = check_project(args.path, args.epub, args.each_essay)
    show(diagnostics, args.verbose)
    errors, warnings = len(diagnostics.errors), len(diagnostics.warnings)
    print(f"checked {ngettext('{n} spec', '{n} specs', specs)} and "
          f"{ngettext('{n} essay', '{n} essays', essays)}: "
          f"{ngettext('{n} error', '{n} errors', errors)}, "
          f"{ngettext('{n} warning', '{n} warnings', warnings)}")
    return EXIT_ERROR if errors or (args.strict and warnings) else EXIT_OK
