"""The user's own cache of pamphlet ($XDG_CACHE_HOME/pamphlet): where it is, the salt of its
keys, and the check that a folder in it leads nowhere else. The reading PDF's parts
(engine/parts.py), the essays' converted Markdown (markcache.py) and the e-book's drawn
cover live there, never in a project, so that a failed build leaves its output folder as it
was and a project cannot arrive with cached results of its own.

A cache only saves time. One that cannot be made (XDG_CACHE_HOME is a file, say) is not
used, and the build says so once (`problem`, O515); a folder in it that leads outside it
(a link) is neither read, written nor pruned; an entry that cannot be read back, whatever
its recorded hash says, is made again, and the build says so (`Store.damaged`, O516)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from pathlib import Path

from .paths import Refused, writable


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


def problem() -> str | None:
    """Why this user's cache cannot be used (it cannot be made, or is not a folder); None
    when it can."""
    home = cache_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"{home} cannot be made: {error.strerror or error}"
    return None if home.is_dir() else f"{home} is not a folder"


def sealed(folder: Path) -> bool:
    """Whether `folder` lies in the user's cache and leads nowhere else: each link on the way
    resolves inside the cache, and what stands there is a folder (or nothing yet)."""
    try:
        writable(folder, cache_home(), make=False)
    except Refused:
        return False
    return problem() is None


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
        self.folder = folder if folder is not None and sealed(folder) and problem() is None \
            else None
        self.used: set[str] = set()
        self.damaged: list[str] = []  # entries found but not read back (see the module)

    def sibling(self, kind: str) -> "Store":
        """A store of another kind for the same output folder and spec."""
        if self.folder is None:
            return Store(None)
        return Store(self.folder.parents[2] / kind / self.folder.parent.name / self.folder.name)

    def get(self, key: str):
        """The value kept under `key`; None if there is none, or it is damaged (a build
        killed while writing it, a failing disk; then in `damaged`) or not a plain file."""
        if self.folder is None:
            return None
        self.used.add(key)
        try:
            descriptor = os.open(self.folder / f"{key}.json", os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            return None
        except OSError:
            self.damaged.append(key)
            return None
        try:
            with os.fdopen(descriptor, "rb") as stream:
                data = stream.read(self.MAX_ENTRY + 1)
            entry = json.loads(data) if len(data) <= self.MAX_ENTRY else None
            if _sha(entry["value"]) == entry["sha256"]:
                return entry["value"]
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            pass
        self.damaged.append(key)
        return None

    def put(self, key: str, value) -> None:
        if self.folder is None:
            return
        self.used.add(key)
        path = self.folder / f"{key}.json"
        temporary = path.with_name(f".{key}.{os.getpid()}")
        try:
            writable(self.folder, cache_home())  # never write where a link leads
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC |
                                 os.O_NOFOLLOW, 0o600)
            with os.fdopen(descriptor, "w") as stream:
                stream.write(json.dumps({"value": value, "sha256": _sha(value)}))
            os.replace(temporary, path)
        except (OSError, Refused):  # a cache that cannot be written only costs time
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)

    def prune(self) -> None:
        """Remove the entries this build did not use, and the folders of output folders
        not built for a month."""
        if self.folder is None or not self.folder.is_dir() or not sealed(self.folder):
            return
        remove_unused(self.folder, lambda name: Path(name).stem in self.used)
        forget_old(self.folder.parent)


def remove_unused(folder: Path, used) -> None:
    """Remove the files (and links) of `folder` whose names `used(name)` does not claim; a
    link is removed, never followed."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not used(entry.name) and not entry.is_dir(follow_symlinks=False):
                os.unlink(entry.path)


def forget_old(place: Path) -> None:
    """Mark the output folder's entries `place` as used now, and remove those of other
    output folders (beside it) not built for a month: folders only, no link followed."""
    with contextlib.suppress(OSError):
        os.utime(place)
    month = time.time() - 30 * 24 * 3600
    with contextlib.suppress(OSError):
        for other in os.scandir(place.parent):
            if other.is_dir(follow_symlinks=False) \
                    and other.stat(follow_symlinks=False).st_mtime < month:
                shutil.rmtree(other.path, ignore_errors=True)  # which follows no link


def _sha(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()
