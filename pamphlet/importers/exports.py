"""Platforms' exports (Substack, Ghost, Blogger, Medium, Tumblr, Hashnode, Notion): how
`formats` tells them, and how their readers are called.

A folder or a zip archive is an export when its files say so (Substack's `posts.csv`,
Tumblr's `posts/html/`, Notion's names ending in a page's id...); a single file, when its
first bytes do (a Ghost or Hashnode JSON export, a Blogger backup). A reader of a folder or
zip is given the export as a `bundle.Bundle`; a reader of one file, its bytes. Either way a
fault of ours is one error (N849), never a traceback.

May import: `text`, `project`, `store`, `locale`, `diagnostics` (as the importers do).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from .archive import reading
from .bundle import open_bundle

NOTION_ID = r"[ _-]?[0-9a-f]{32}"  # what Notion adds to every page's and database's name
_JSON = re.compile(rb"^(?:\xef\xbb\xbf)?\s*[\[{]")


def named(*patterns: str):
    """A probe's test: a folder or zip holding a file matching each pattern."""
    compiled = [re.compile(p, re.I) for p in patterns]
    return lambda probe: (probe.folder or probe.archive) and all(
        any(c.search(name) for name in probe.members) for c in compiled)


def json_with(*words: bytes):
    """A probe's test: a JSON file whose first bytes hold each word."""
    return lambda probe: not probe.archive and not probe.folder and \
        bool(_JSON.match(probe.head)) and all(w in probe.head for w in words)


def blogger_atom(probe) -> bool:
    start = probe.head[:4000]
    return not probe.archive and b"<feed" in start and (
        b"schemas.google.com/blogger" in start or b"blogger.com" in start or
        b"kind#post" in probe.head)


def medium_page(probe) -> bool:
    return probe.suffix in (".html", ".htm") and b"h-entry" in probe.head and \
        b'data-field="body"' in probe.head


def notion_page(probe) -> bool:
    return not probe.archive and bool(re.search(rf"{NOTION_ID}\.md$", probe.path.name))


def hashnode_file(probe) -> bool:
    front = probe.head[:4000]
    markdown = probe.suffix in (".md", ".markdown") and front.startswith(b"---") and \
        b"\ncuid:" in front and (b"\ndatePublished:" in front or b"\nslug:" in front)
    return markdown or json_with(b'"posts"', b'"cuid"')(probe) or \
        json_with(b'"contentMarkdown"')(probe)


def zip_of_zips(probe) -> bool:
    """A zip archive that holds only zips: an export in parts (Notion's, when large)."""
    return probe.archive and bool(probe.members) and all(
        m.lower().endswith(".zip") for m in probe.members if "__MACOSX" not in m)


def other_json(probe) -> bool:
    """JSON that is no export `import` knows: refused rather than read as text."""
    return probe.suffix == ".json" and bool(_JSON.match(probe.head))


def read_bundle(reader, raw: bytes | None, path: Path, run) -> list:
    """An export's drafts: the folder (`raw` None) or zip at `path`, opened, given to
    `reader`."""
    with reading(path, run.diagnostics):
        bundle = open_bundle(path, raw, run.diagnostics)
        return reader(bundle, run) if bundle is not None else []
    return []


def guarded(reader):
    """A reader of one file whose own faults are an error (N849), never a traceback."""
    @functools.wraps(reader)
    def read(raw: bytes, path: Path, run) -> list:
        with reading(path, run.diagnostics):
            return reader(raw, path, run)
        return []
    return read
