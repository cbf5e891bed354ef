"""`pamphlet import`: essays from other formats written into source/."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..diagnostics import Diagnostics
from .common import EXIT_ERROR, EXIT_OK, add_option, place, show, verbose_option


def add_parser(commands) -> None:
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
    add_option(import_cmd)
    verbose_option(import_cmd)
    import_cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..importers import Run, read_all, write_drafts
    from ..project.spec import is_project

    project = args.project
    was_project = is_project(project)
    diagnostics = Diagnostics()
    drafts = read_all(args.files, Run(diagnostics, args.split_at, args.pages, args.site))
    written = write_drafts(drafts, project / "source", diagnostics)
    if written:
        place(project, written, args.add, diagnostics, was_project)
    show(diagnostics, args.verbose)
    return EXIT_ERROR if diagnostics.has_errors else EXIT_OK
