"""`pamphlet init`: start a project."""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import EXIT_OK, relative


def add_parser(commands) -> None:
    init_cmd = commands.add_parser(
        "init", help="start a new project",
        description="Make a project: pamphlet.toml, source/ with one example essay, an empty "
        "layouts/ and a .gitignore. Existing files are never overwritten.")
    init_cmd.add_argument("folder", nargs="?", default=Path("."), type=Path, metavar="DIR")
    init_cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..project.library import init_project

    for path in init_project(args.folder):
        print(f"made {relative(path)}")
    print(f"next: cd {args.folder} && pamphlet build")
    return EXIT_OK
