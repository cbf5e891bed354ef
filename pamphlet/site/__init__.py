"""The static library site: pages, OPDS 1.2 and 2.0 catalogs and an Atom feed, built in shards.

`build_site` is the one-machine run: the shard 1/1, kept in build/.site-work so that a rebuild
redoes only what changed, then gathered into the site. `make_shard` and `gather` are the two
halves, for runs spread over machines; both halves give the same bytes.

Diagnostic codes: T101 a --gather folder is not a whole shard, T102 the shards are not every
share of one run once, T103 shards of different versions of the project, T104 a shard could
not build a unit, T105 the output folder is not one pamphlet may write into, T106 the site
could not be written, T107 --base-url is not an http(s) address, T110 a shard carries a
record of a unit another shard does (gather.py); T108 and T109 in
trust.py (what --gather takes from a shard).

May import: every stage (`build` and below); not `cli`, `serve` or `importers`.
"""

from __future__ import annotations

from pathlib import Path

from ..project.limit import command_limit
from .gather import MARKER, Gathered, gather
from .shard import GATHERED, ShardResult, default_work, make_shard

__all__ = ["MARKER", "Gathered", "ShardResult", "build_site", "default_work", "gather",
           "make_shard"]


def build_site(root: Path, out: Path, base_url: str | None = None, encoding: str = "utf-8",
               progress=None) -> tuple[ShardResult, Gathered | None]:
    """Build the whole site of the project at `root` into `out`, on this machine."""
    work = default_work(root)
    result = make_shard(root, work, None, encoding, progress)
    if result.diagnostics.has_errors or result.failed:
        return result, None
    with command_limit(root, "gathering the site"):
        return result, gather([work], out, base_url, result.diagnostics, work / GATHERED)
