"""`pamphlet init`: start a project."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from .common import EXIT_OK, command, relative


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
    here = args.folder.resolve() == Path.cwd().resolve()
    pamphlet = command()
    print("next: " + ("" if here else f"cd {shlex.quote(str(args.folder))} && ") +
          f"{pamphlet} build")
    print(f'then: {pamphlet} new "A Title" writes an essay, {pamphlet} import FILE brings one '
          "in; every essay in source/ goes in until pamphlet.toml lists them")
    return EXIT_OK
