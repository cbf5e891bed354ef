"""`pamphlet new`: add an essay to source/."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import EXIT_OK, relative


def add_parser(commands) -> None:
    new_cmd = commands.add_parser(
        "new", help="add an essay to source/",
        description="Create source/<slug>.md with front matter for the title.")
    new_cmd.add_argument("title")
    new_cmd.add_argument("--author", default="")
    new_cmd.add_argument("--tag", action="append", default=[], dest="tags", metavar="TAG")
    new_cmd.add_argument("--project", type=Path, default=Path("."), metavar="DIR")
    new_cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..project.library import new_essay

    path = new_essay(args.project, args.title, args.author, tuple(args.tags))
    print(f"made {relative(path)}")
    return EXIT_OK
