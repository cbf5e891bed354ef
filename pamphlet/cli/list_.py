"""`pamphlet list`: the essays of a project, or its tags."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..diagnostics import Diagnostics, PamphletError
from ..project.spec import PAGE_SIZES, find_spec, load_spec, project_root
from ..locale.plural import ngettext
from .common import EXIT_ERROR, EXIT_OK, relative, show, table


def add_parser(commands) -> None:
    list_cmd = commands.add_parser(
        "list", help="list the essays of a project",
        description="List each essay in source/ with its title, author, tags, words, reading "
        "time and estimated pages in the spec's layout.")
    list_cmd.add_argument("path", nargs="?", default=".", type=Path,
                          help="a project folder or a spec file (default: this folder)")
    list_cmd.add_argument("--tags", action="store_true", help="list the tags with their counts")
    list_cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..project.library import estimated_pages, reading_minutes, tag_counts
    from ..project.limit import command_limit
    from ..project.listing import listed_essays

    root = project_root(find_spec(args.path)) if args.path.is_file() else args.path.resolve()
    page_size = _page_size(args.path)
    diagnostics = Diagnostics()
    with command_limit(args.path, "listing the essays"):  # (it prints nothing before it ends)
        essays = listed_essays(root, diagnostics)
    if args.tags:
        table(("tag", "essays"), [(tag, str(n)) for tag, n in tag_counts(essays)])
    else:
        table(("slug", "title", "author", "tags", "words", "minutes", f"pages ({page_size})"),
              [(e.slug, e.title, ", ".join(e.authors), ", ".join(e.tags), str(e.words),
                str(reading_minutes(e.words)), str(estimated_pages(e.words, page_size)))
               for e in essays])
    if not essays and not diagnostics.items:
        print(f"no essays in {relative(root / 'source')}/")
    elif args.tags and not any(essay.tags for essay in essays):
        print(f"no tags: none of the {ngettext('{n} essay', '{n} essays', len(essays))} in "
              f"{relative(root / 'source')}/ has any (give one 'tags: [zines, printing]' in "
              "its front matter)")
    show(diagnostics)
    return EXIT_ERROR if diagnostics.has_errors else EXIT_OK


def _page_size(path: Path) -> str:
    """The page size of the spec at `path`, if there is a readable one."""
    try:
        return load_spec(path).pdf.page_size
    except PamphletError:
        return PAGE_SIZES[0]
