"""`pamphlet site`: the library's static site and catalogs, whole, in shards, or gathered."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..diagnostics import Diagnostics, shorten
from ..project.clock import source_date_epoch
from ..project.spec import find_spec, project_root
from ..locale.plural import ngettext
from .common import EXIT_ERROR, EXIT_OK, relative, shard_option, show


def add_parser(commands) -> None:
    site_cmd = commands.add_parser(
        "site", help="build the library's static site, OPDS catalogs and feed",
        description="Build every spec (through the cache) and write a static site to "
        "build/site/: a page for each pamphlet and essay with downloads, tag pages, an Atom "
        "feed, OPDS 1.2 (opds.xml) and OPDS 2.0 (opds.json) catalogs. Spread the work over "
        "machines with --shard K/N on each, then --gather their folders.")
    site_cmd.add_argument("path", nargs="?", default=Path("."), type=Path, metavar="PATH",
                          help="the project folder (default: this folder)")
    site_cmd.add_argument("--out", type=Path, metavar="DIR",
                          help="write the site (or, with --shard, the shard) to DIR")
    site_cmd.add_argument("--base-url", metavar="URL",
                          help="the site's address, so the feeds carry absolute URLs (when the "
                          "site is written: not with --shard)")
    parts = site_cmd.add_mutually_exclusive_group()
    parts.add_argument("--shard", type=shard_option, metavar="K/N",
                       help="build only the K-th of N fixed shares, into a shard folder")
    parts.add_argument("--gather", nargs="+", type=Path, metavar="DIR",
                       help="assemble the site from the folders of every shard")
    site_cmd.add_argument("-v", "--verbose", action="store_true",
                          help="name each unit (spec:NAME, essay:SLUG) made afresh")
    site_cmd.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..project.filenames import output_folder
    from ..project.limit import command_limit
    from ..site import build_site, gather, make_shard

    source_date_epoch()
    base_url = _base_url(args.base_url)
    root = project_root(find_spec(args.path)) if args.path.is_file() else args.path.resolve()
    if args.gather:
        found = Diagnostics()
        with command_limit(root, "gathering the site"):
            site = gather(args.gather,
                          args.out or output_folder(root / "pamphlet.toml") / "site",
                          base_url, found)
        show(found)
        print(f"wrote {relative(args.out or root / 'build' / 'site')} ({_counted(site)})")
        return EXIT_OK
    if args.shard:
        k, n = args.shard
        out = args.out or output_folder(root / "pamphlet.toml") / f"site-shard-{k}-of-{n}"
        result = make_shard(root, out, args.shard)
        site = None
    else:
        out = args.out or output_folder(root / "pamphlet.toml") / "site"
        result, site = build_site(root, out, base_url)
    show(result.diagnostics)
    failed = f", {len(result.failed)} failed" if result.failed else ""
    if args.verbose and result.built:
        print(f"made afresh: {', '.join(result.built)}")
    print(f"{len(result.built):,} made afresh, {len(result.reused):,} current{failed}")
    if result.failed or result.diagnostics.has_errors:
        print("pamphlet: the site was not written; its old pages were kept", file=sys.stderr)
        return EXIT_ERROR
    if site is not None:
        print(f"{'wrote' if site.written else 'up to date:'} {relative(out)} "
              f"({_counted(site, tags=True)})")
    else:
        print(f"wrote shard {args.shard[0]}/{args.shard[1]} to {relative(out)}")
    return EXIT_OK


def _counted(site, tags: bool = False) -> str:
    """"1 pamphlet, 12 essays, 3 tags": what the site holds."""
    counts = [ngettext("{n} pamphlet", "{n} pamphlets", site.pamphlets),
              ngettext("{n} essay", "{n} essays", site.essays)]
    if tags:
        counts.append(ngettext("{n} tag", "{n} tags", site.tags))
    return ", ".join(counts)


def _base_url(text: str | None) -> str | None:
    """--base-url as given, if it is an http(s) address with a host (T107)."""
    from urllib.parse import urlsplit

    from ..diagnostics import fail

    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query \
            or parts.fragment or any(c in text for c in ' <>"{}|\\^`'):
        raise fail("T107", f"--base-url is not a web address to put the site at: "
                   f"{shorten(text, 80)!r}", hint="write it like https://example.org/library/")
    return text
