"""The user's own cache of pamphlet ($XDG_CACHE_HOME/pamphlet): where it is, the salt of its
keys, and the check that a folder in it is reached without following a link. The reading
PDF's parts (outputs/parts.py) and the essays' converted Markdown (markcache.py) live there,
never in a project, so that a failed build leaves its output folder as it was and a project
cannot arrive with cached results of its own."""

from __future__ import annotations

import os
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
