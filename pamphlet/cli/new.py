"""`pamphlet new`: add an essay to source/."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..diagnostics import Diagnostics
from .common import EXIT_ERROR, EXIT_OK, add_option, place, show


def add_parser(commands) -> None:
    new_cmd = commands.add_parser(
        "new", help="add an essay to source/",
        description="Create source/<slug>.md with front matter for the title, and say which "
        "specs take it (pamphlet.toml takes every essay in source/ until it lists them).")
    new_cmd.add_argument("title")
    new_cmd.add_argument("--author", default="")
    new_cmd.add_argument("--tag", action="append", default=[], dest="tags", metavar="TAG")
    new_cmd.add_argument("--project", type=Path, default=Path("."), metavar="DIR")
    add_option(new_cmd)
    new_cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..project.library import new_essay
    from ..project.membership import project_folder

    path = new_essay(project_folder(args.project), args.title, args.author, tuple(args.tags))
    diagnostics = Diagnostics()
    place(args.project, [path], args.add, diagnostics)
    show(diagnostics)
    return EXIT_ERROR if diagnostics.has_errors else EXIT_OK
