"""The incremental cache: a spec's outputs are current when nothing they are made from changed.

The key hashes the spec file, every file under the project's source/ and layouts/, the
built-in layouts, any intro file or cover image the spec names, the package version and
SOURCE_DATE_EPOCH. It is deliberately coarse: an edit to any essay rebuilds every spec, which
is always correct and still cheap to check. Records live in `<out>/.pamphlet-cache.json`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from pathlib import Path

from . import __version__
from .layouts import BUILTIN_LAYOUTS
from .project import project_root

RECORD = ".pamphlet-cache.json"


def cache_key(spec: Path, options: str = "") -> str:
    """A hash of everything the spec's outputs are made from (`options`: the build's own)."""
    root = project_root(spec)
    digest = hashlib.sha256(
        f"{__version__}|{os.environ.get('SOURCE_DATE_EPOCH', '')}|{options}".encode())
    files = [spec, *_named_files(spec, root)]
    for folder in (root / "source", root / "layouts", BUILTIN_LAYOUTS):
        files += sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    for path in files:
        digest.update(str(path).encode())
        digest.update(_file_hash(path).encode())
    return digest.hexdigest()


def current_outputs(out: Path, spec: Path, key: str) -> list[Path] | None:
    """The outputs recorded for this spec, if the key matches and they are all unchanged."""
    entry = _load(out).get(str(spec.resolve()))
    if not entry or entry.get("key") != key:
        return None
    outputs = [Path(path) for path in entry.get("outputs", {})]
    for path in outputs:
        if not path.is_file() or _file_hash(path) != entry["outputs"][str(path)]:
            return None
    return outputs


def record(out: Path, spec: Path, key: str, outputs: list[Path]) -> None:
    """Remember a successful build (written atomically, like every output)."""
    records = _load(out)
    records[str(spec.resolve())] = {"key": key,
                                    "outputs": {str(p): _file_hash(p) for p in outputs}}
    temporary = out / f"{RECORD}.{os.getpid()}.part"
    temporary.write_text(json.dumps(records, indent=1, sort_keys=True))
    os.replace(temporary, out / RECORD)


def _load(out: Path) -> dict:
    try:
        return json.loads((out / RECORD).read_text())
    except (OSError, ValueError):
        return {}


def _named_files(spec: Path, root: Path) -> list[Path]:
    try:
        data = tomllib.loads(spec.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return []
    names = [data.get("intro_file"), (data.get("cover") or {}).get("image")]
    return [root / name for name in names if isinstance(name, str) and (root / name).is_file()]


def _file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"
