"""`pamphlet import`: essays from other formats written into source/."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..diagnostics import Diagnostics
from .common import EXIT_ERROR, EXIT_OK, add_option, place, show, verbose_option


def add_parser(commands) -> None:
    import_cmd = commands.add_parser(
        "import", help="import essays from Word, OpenDocument, EPUB, HTML, Markdown, text, a "
        "WordPress export or a platform's export (Substack, Ghost, Blogger, Medium, Tumblr, "
        "Hashnode, Notion)",
        description="Import essays into source/: Word (.docx) and OpenDocument (.odt) files, "
        "Google Docs pages (.zip), chapters of an EPUB, plain text (one or several per file), "
        "HTML pages, Markdown with Jekyll, Hugo, Zola or Obsidian front matter (a file or a "
        "folder of them), WordPress WXR exports (published posts only), and the exports of "
        "Substack, Ghost, Blogger, Medium, Tumblr, Hashnode and Notion (a zip, its folder or "
        "the export's file). A file is known by what it holds, not by its name. Writes new "
        "files only.")
    import_cmd.add_argument("files", nargs="+", type=Path, metavar="FILE")
    import_cmd.add_argument("--project", type=Path, default=Path("."), metavar="DIR")
    import_cmd.add_argument("--split-at", metavar="MARKER",
                            help="in plain text, start a new essay after each line MARKER")
    import_cmd.add_argument("--pages", action="store_true",
                            help="also import an export's pages (WordPress, Ghost, Blogger, "
                            "Substack), not only its posts")
    import_cmd.add_argument("--paid", action="store_true",
                            help="also import posts for paying subscribers or members only "
                            "(Substack, Ghost)")
    import_cmd.add_argument("--site", type=Path, metavar="DIR",
                            help="a local checkout of the site, to copy the images posts use")
    add_option(import_cmd)
    chapters = import_cmd.add_mutually_exclusive_group()
    chapters.add_argument("--chapters", metavar="LIST",
                          help="an EPUB's chapters to import, by the numbers the import lists "
                          "without it: 3,5-7 or all")
    chapters.add_argument("--chapter", metavar="TITLE",
                          help="the EPUB's chapter of that title to import")
    verbose_option(import_cmd)
    import_cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..importers import Run, read_all, write_drafts
    from ..project.limit import command_limit
    from ..project.spec import is_project

    project = args.project
    was_project = is_project(project)
    diagnostics = Diagnostics()
    run = Run(diagnostics, args.split_at, args.pages, args.site, paid=args.paid,
              chapters=args.chapters, chapter=args.chapter)
    # Reading is where an export's work lies; the essays are written only once all are read
    # (in linear time), so a stop never leaves some of them written.
    with command_limit(project, "reading the files to import"):
        drafts = read_all(args.files, run)
    written = write_drafts(drafts, project / "source", diagnostics)
    if written:
        place(project, written, args.add, diagnostics, was_project)
    for book, chapters in run.listings:
        print(contents(book, chapters))
    show(diagnostics, args.verbose)
    return EXIT_ERROR if diagnostics.has_errors else EXIT_OK


def contents(book: Path, chapters: list) -> str:
    """An EPUB's chapters as the import lists them: numbered, indented by level."""
    width = len(str(len(chapters)))
    lines = [f"{book.name}: {len(chapters)} chapter{'s' * (len(chapters) != 1)}; import some "
             f"with --chapters 3,5-7 (or all) or --chapter \"Title\""]
    lines += [f"  {c.number:>{width}}  {'  ' * (c.level - 1)}{c.label}" for c in chapters]
    return "\n".join(lines)
