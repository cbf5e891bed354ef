"""The user's own cache of pamphlet ($XDG_CACHE_HOME/pamphlet): where it is, the salt of its
keys, and the check that a folder in it is reached without following a link. The reading
PDF's parts (outputs/parts.py) and the essays' converted Markdown (markcache.py) live there,
never in a project, so that a failed build leaves its output folder as it was and a project
cannot arrive with cached results of its own."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path


def cache_home() -> Path:
    """This user's cache of pamphlet ($XDG_CACHE_HOME/pamphlet, else ~/.cache/pamphlet)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pamphlet"


def secret() -> bytes:
    """This user's own salt for the cache's keys (in the user's cache): a cache shared
    with, or copied from, someone else is not taken for this machine's own. Without a
    place to keep it, no cached entry is ever found again."""
    global _SALT
    if _SALT is None:
        home = cache_home()
        path = home / "part-salt"
        try:
            _SALT = path.read_bytes()
            if len(_SALT) < 32:
                raise ValueError("short")
        except (OSError, ValueError):
            _SALT = os.urandom(32)
            try:
                home.mkdir(parents=True, exist_ok=True)
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(descriptor, "wb") as stream:
                    stream.write(_SALT)
            except OSError:
                try:
                    _SALT = path.read_bytes() if len(path.read_bytes()) >= 32 else _SALT
                except OSError:
                    pass
    return _SALT


_SALT: bytes | None = None


def unlinked(folder: Path, within: Path | None) -> bool:
    """Whether no folder from `within` (exclusive) down to `folder` is a link."""
    within = within if within is not None else folder.parent.parent
    try:
        relative = folder.relative_to(within)
    except ValueError:
        return False
    path = within
    for part in relative.parts:
        path = path / part
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            return False
    return True


def store_folder(kind: str, out: Path, stem: str) -> Path:
    """Where entries of `kind` for the spec `stem` built into `out` are kept."""
    place = hashlib.sha256(str(Path(out).resolve()).encode()).hexdigest()[:24]
    return cache_home() / kind / place / stem


class Store:
    """Entries (JSON values under keys that callers salt) kept for one output folder and
    spec: written atomically, checked when read (a damaged entry is none), those a build
    did not use removed at its end, and never read, written or pruned through a link."""

    MAX_ENTRY = 64_000_000  # bytes: larger files in the cache are not ours to read

    def __init__(self, folder: Path | None):
        self.folder = folder if folder is not None and self._safe(folder) else None
        self.used: set[str] = set()

    def sibling(self, kind: str) -> "Store":
        """A store of another kind for the same output folder and spec."""
        if self.folder is None:
            return Store(None)
        return Store(self.folder.parents[2] / kind / self.folder.parent.name / self.folder.name)

    def get(self, key: str):
        """The value kept under `key`; None if there is none, or it is damaged (a build
        killed while writing it, a failing disk) or not a plain file."""
        if self.folder is None:
            return None
        self.used.add(key)
        try:
            descriptor = os.open(self.folder / f"{key}.json", os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(descriptor, "rb") as stream:
                data = stream.read(self.MAX_ENTRY + 1)
            entry = json.loads(data) if len(data) <= self.MAX_ENTRY else None
            if _sha(entry["value"]) == entry["sha256"]:
                return entry["value"]
        except (OSError, ValueError, TypeError, KeyError):
            pass
        return None

    def put(self, key: str, value) -> None:
        if self.folder is None:
            return
        self.used.add(key)
        path = self.folder / f"{key}.json"
        temporary = path.with_name(f".{key}.{os.getpid()}")
        try:
            if not self._safe(self.folder):
                return  # never write where a link leads
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps({"value": value, "sha256": _sha(value)}))
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)  # a cache that cannot be written only costs time

    def prune(self) -> None:
        """Remove the entries this build did not use, and the folders of output folders
        not built for a month."""
        if self.folder is None or not self.folder.is_dir() or not self._safe(self.folder):
            return
        for path in self.folder.iterdir():
            if path.stem not in self.used and path.is_file() and not path.is_symlink():
                path.unlink(missing_ok=True)
        place = self.folder.parent
        os.utime(place)
        month = time.time() - 30 * 24 * 3600
        for other in place.parent.iterdir():
            if other.is_dir() and not other.is_symlink() and other.stat().st_mtime < month:
                shutil.rmtree(other, ignore_errors=True)

    @staticmethod
    def _safe(folder: Path) -> bool:
        """Whether `folder` is reached from the user's cache without following a link."""
        return unlinked(folder, cache_home())


def _sha(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()
