"""The essays of source/ as `pamphlet list` shows them, kept in the user's cache by the hash
of each file's bytes: an essay that has not changed since the last listing is read, but not
parsed or counted again (a library of a thousand essays lists in well under a second)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import __version__
from ..diagnostics import Diagnostics, as_plain, from_plain
from ..store.paths import Gate, Refused
from ..store.usercache import Store, secret, store_folder
from .essays import essay_paths, read_essay

FORMAT = "1"  # of the kept rows: a change to what a row holds leaves the old ones unused
_INDEX = "rows"


@dataclass(frozen=True)
class Row:
    """What `list` shows of one essay."""

    slug: str
    title: str
    authors: tuple[str, ...]
    tags: tuple[str, ...]
    words: int


def listed_essays(root: Path, diagnostics: Diagnostics) -> list[Row]:
    """Every essay of `root`'s source/ that can be read, in slug order; what reading them
    says (kept with each row, so it is said again) goes into `diagnostics`."""
    store = Store(store_folder("listing", root, "source"))
    kept = store.get(_INDEX)
    kept = kept if isinstance(kept, dict) else {}
    gate = Gate.for_project(root).project_only()
    rows, fresh = [], {}
    for path in essay_paths(root / "source").values():
        try:
            raw = gate.read_bytes(path, what="essay", codes={"missing": "E201"})
        except Refused as refused:
            diagnostics.extend(refused.diagnostics)
            continue
        key = _key(path, raw)
        entry = kept.get(key) if isinstance(kept.get(key), dict) else None
        row, said = _from_entry(entry) if entry else (None, None)
        if said is None:
            row, said = _read(path)
        fresh[key] = {"row": asdict(row) if row else None, "said": [as_plain(d) for d in said]}
        diagnostics.extend(said)
        if row is not None:
            rows.append(row)
    if fresh != kept:
        store.put(_INDEX, fresh)
    return rows


def _read(path: Path) -> tuple[Row | None, list]:
    said = Diagnostics()
    essay = read_essay(path, said)
    row = None if essay is None else Row(essay.slug, essay.title, tuple(essay.authors),
                                         tuple(essay.tags), essay.word_count)
    return row, list(said)


def _from_entry(entry: dict) -> tuple[Row | None, list | None]:
    """A kept row and what was said reading it; (None, None) if the entry is not whole."""
    try:
        said = [from_plain(plain) for plain in entry["said"]]
        plain = entry["row"]
        row = None if plain is None else Row(
            str(plain["slug"]), str(plain["title"]), tuple(map(str, plain["authors"])),
            tuple(map(str, plain["tags"])), int(plain["words"]))
    except (KeyError, TypeError, ValueError):
        return None, None
    return row, said


def _key(path: Path, raw: bytes) -> str:
    digest = hashlib.sha256(f"{__version__}|{FORMAT}|{path}|".encode() + secret())
    digest.update(raw)
    return digest.hexdigest()
