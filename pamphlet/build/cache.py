"""The incremental cache: a spec's outputs are current when nothing they are made from changed.

A spec's key (`build_key`, the same for `pamphlet build` and `pamphlet site`) hashes the spec
file, any intro file or cover image it names, the essays it selects, in order, every other
file under the project's source/ but the other essays (images), its layouts/, the built-in
layouts, the package version and SOURCE_DATE_EPOCH: an edit to an essay rebuilds only the
specs that hold it. A booklet's key (`essay_key`) is its essay's. Records live in
`<out>/.pamphlet-cache.json`, written together with the outputs they describe; a record that
is damaged or not ours is ignored with a warning (O508), and a record never makes the build
read outside its folders.

Within `one_look()`, each folder is listed and each file hashed once: a site of a thousand
essays keys a thousand booklets, and each key looked at all of source/ again (a no-op rebuild
grew with the square of the library).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import __version__
from ..diagnostics import Diagnostics, PamphletError
from ..store.paths import BUILTIN_LAYOUTS, Gate, Refused, present
from ..project.essays import essay_paths
from ..project.spec import Spec, load_spec, project_root

RECORD = ".pamphlet-cache.json"
RECORD_LIMIT = 4_000_000  # bytes; a record is a few hundred bytes a spec
_seen: dict | None = None  # within one_look(): folders listed and files hashed, by call


@contextmanager
def one_look() -> Iterator[None]:
    """Within it, keys list each folder and hash each file once (a file changed meanwhile is
    seen by the next run, whose key then differs)."""
    global _seen
    outer = _seen
    _seen = {} if outer is None else outer
    try:
        yield
    finally:
        _seen = outer


def _resolved(path: Path) -> Path:
    return _once(("resolved", path), path.resolve)


def _once(key: tuple, make):
    if _seen is None:
        return make()
    if key not in _seen:
        _seen[key] = make()
    return _seen[key]
HASH = re.compile(r"[0-9a-f]{64}")
HASH_LIMIT_MB = 1e9  # the key only hashes, so a file of any size counts


def cache_key(spec: Path, options: str = "") -> str:
    """A hash of everything the spec's outputs are made from (`options`: the build's own)."""
    root = project_root(spec)
    return _digest(options, [spec, *_named_files(spec, root), *_tree(root)], root)


def essay_key(spec: Spec, options: str = "") -> str:
    """The key of a spec made for one essay (booklets.py), which has no file of its own: the
    essay, every file of source/ but the other essays (images), the layouts, the settings it
    inherits, written out, and which of the essays it links to exist. Another essay's edit,
    or a new essay it does not link to, leaves it as it was."""
    paths = _once(("essays", spec.source_dir), lambda: essay_paths(spec.source_dir))
    others = {path for path in paths.values() if path != spec.path}
    files = [spec.path, *(path for path in _tree(spec.root) if path not in others)]
    # A link to another essay is dropped from a booklet, and said to be (M304) only when
    # that essay does not exist: so the names of those it links to are what count.
    from ..text.links import linked_slugs

    linked = linked_slugs(_text(spec.path, spec.root))
    names = "|".join(sorted(slug for slug, path in paths.items()
                            if path in others and slug in linked))
    return _digest(f"{options}|booklet|{spec!r}|{names}", files, spec.root)


def _text(path: Path, within: Path) -> str:
    """The file's text, read through the path gate ("" if refused or unreadable)."""
    try:
        data = Gate.for_project(within).read_bytes(path)  # the build reads no larger one
    except (Refused, OSError):
        return ""
    return data.decode("utf-8", "replace")


def _tree(root: Path) -> list[Path]:
    """Every file under the project's source/ and layouts/, and the built-in layouts."""
    return _once(("tree", root), lambda: _listed(root))


def _listed(root: Path) -> list[Path]:
    files = []
    for folder in (root / "source", root / "layouts", BUILTIN_LAYOUTS):
        files += sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    return files


def _digest(options: str, files: list[Path], root: Path) -> str:
    digest = hashlib.sha256(
        f"{__version__}|{os.environ.get('SOURCE_DATE_EPOCH', '')}|{options}".encode())
    for path in files:
        digest.update(str(path).encode())
        digest.update(_source_hash(path, root).encode())
    return digest.hexdigest()


def current_outputs(out: Path, spec: Path, key: str,
                    diagnostics: Diagnostics | None = None) -> list[Path] | None:
    """The outputs recorded for this spec, if the key matches and they are all unchanged."""
    entry = load_records(out, diagnostics).get(str(spec.resolve()))
    if not entry or entry["key"] != key or not entry["outputs"]:
        return None
    outputs = [Path(path) for path in entry["outputs"]]
    for path in outputs:
        # Only a file of the output folder itself: a record cannot make us read elsewhere.
        if path.parent != out.resolve() or _file_hash(path, out) != entry["outputs"][str(path)]:
            return None
    return outputs


def stage_record(out: Path, scratch: Path, spec: Path, key: str, names: list[str]) -> str:
    """Write into `scratch` the record with this spec's new outputs (staged there, under
    `names`), to be moved into `out` with them; return the record's file name."""
    records = load_records(out)
    records[str(spec.resolve())] = {
        "key": key,
        "outputs": {str(out.resolve() / name): _file_hash(scratch / name, scratch)
                    for name in names}}
    (scratch / RECORD).write_text(json.dumps(records, indent=1, sort_keys=True))
    return RECORD


def load_records(out: Path, diagnostics: Diagnostics | None = None) -> dict:
    """The records in `out`; a record that is not ours, or is damaged, counts as none (O508)."""
    path = out / RECORD
    try:
        records = _records(json.loads(_read_record(path)))
    except (FileNotFoundError, NotADirectoryError):
        return {}
    except (OSError, ValueError, RecursionError) as error:
        if diagnostics is not None:
            diagnostics.warning(
                "O508", f"the cache record is unreadable or not pamphlet's, so it is ignored "
                f"({error.strerror if isinstance(error, OSError) else error})", path,
                hint="nothing to do: every spec is rebuilt and the record is written afresh")
        return {}
    return records


def _read_record(path: Path) -> str:
    """The record's text: a regular file, not a link, and not huge (a record names no files
    outside the output folder, and cannot hang or exhaust the build)."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ValueError("it is a link") from None
        raise
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("it is not a file")
        if info.st_size > RECORD_LIMIT:
            raise ValueError(f"it is {info.st_size:,} bytes, more than any record")
        return stream.read(RECORD_LIMIT).decode("utf-8")


def _records(data) -> dict:
    """`data` if it has the shape of our records: {spec: {"key": hash, "outputs": {path: hash}}}."""
    def entry_ok(entry) -> bool:
        outputs = entry.get("outputs") if isinstance(entry, dict) else None
        return (isinstance(outputs, dict) and isinstance(entry.get("key"), str)
                and all(isinstance(p, str) and isinstance(h, str) and HASH.fullmatch(h)
                        for p, h in outputs.items()))
    if not isinstance(data, dict) or not all(entry_ok(e) for e in data.values()):
        raise ValueError("its contents are not a pamphlet cache record")
    return data


def _named_files(spec: Path, root: Path) -> list[Path]:
    try:  # through the gate: a spec that is a FIFO must not hang the check
        data = tomllib.loads(Gate.for_project(root).read_bytes(spec).decode("utf-8-sig"))
    except (PamphletError, ValueError, RecursionError):
        return []
    names = [data.get("intro_file"), (data.get("cover") or {}).get("image")
             if isinstance(data.get("cover"), dict) else None]
    citations = data.get("citations") if isinstance(data.get("citations"), dict) else {}
    bibliography = citations.get("bibliography")
    names += [bibliography] if isinstance(bibliography, str) else bibliography or []
    names.append(citations.get("style"))  # a .csl of the project's (an id names no file)
    return [root / name for name in names if isinstance(name, str) and present(root / name)]


_BIBLIOGRAPHY = re.compile(r"^bibliography:(.*(?:\n[ \t]+-.*)*)", re.MULTILINE)


def _essay_bibliographies(essays: list[Path], root: Path) -> list[Path]:
    """The files essays name in their front matter's `bibliography:` (beside the essay)."""
    found = []
    for essay in essays:
        head = _text(essay, root)[:20_000].split("\n---", 1)[0]
        for match in _BIBLIOGRAPHY.finditer(head):
            for name in re.findall(r"[^\s\[\],'\"-][^\[\],'\"\n]*", match.group(1)):
                path = essay.parent / name.strip()
                if present(path):
                    found.append(path)
    return found


def _source_hash(path: Path, within: Path) -> str:
    """`_file_hash` of a file a key is made from (once within `one_look`: builds write
    outputs, never sources)."""
    return _once(("hash", path, within), lambda: _file_hash(path, within))


def _file_hash(path: Path, within: Path) -> str:
    """The file's SHA-256, read in pieces through the path gate; a file the gate refuses (a
    link leading out of `within`, anything but a regular file) is never read, and counts by
    the refusal and, for a link, where it points."""
    gate = Gate((within.resolve(), BUILTIN_LAYOUTS), limit_mb=HASH_LIMIT_MB)
    try:
        with gate.opened(path) as (_, stream):
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except Refused as refused:
        link = os.readlink(path) if os.path.islink(path) else ""
        return f"refused {refused.diagnostics[0].code} {link}"
    except OSError:
        return "unreadable"


def build_key(spec: Path, encoding: str = "utf-8", read=None) -> str:
    """The key of a spec's outputs, the same for `pamphlet build` and `pamphlet site` (so
    neither rebuilds what the other made): `selection_key` of the essays it selects (`read`:
    a caller's cached essay reader); the coarse `cache_key` for a spec that does not load,
    whose build fails and records nothing."""
    from ..project.select import selected_paths

    options = f"encoding={encoding}"
    try:
        loaded = load_spec(spec)
    except PamphletError:
        return cache_key(spec, options)
    return selection_key(spec, selected_paths(loaded, encoding, read), options)


def selection_key(spec: Path, essays: list[Path], options: str = "") -> str:
    """The key of a spec whose selection is known (see `build_key`): the spec, the
    files it names, its essays in order, the rest of source/ but the other essays (images),
    and the layouts. An edit to an essay it does not hold leaves it as it was; a new essay
    that its [select] would take changes `essays`, and so the key."""
    root = project_root(spec)
    chosen = {_resolved(path) for path in essays}
    source = _once(("essays", root / "source"), lambda: essay_paths(root / "source"))
    others = {path for path in source.values() if _resolved(path) not in chosen}
    files = [spec, *_named_files(spec, root), *essays, *_essay_bibliographies(essays, root),
             *(path for path in _tree(root) if path not in others)]
    return _digest(f"{options}|selection", files, root)
