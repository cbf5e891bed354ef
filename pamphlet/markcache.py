"""Essays' Markdown as Python-Markdown converted it in earlier builds, kept in the user's
cache: the conversion is most of what an unchanged essay costs a rebuild.

Only the conversion proper is kept (markup.py's `_markdown(...).convert(body)`): a pure
function of the essay's text, whose settings (the extensions, their options, the smart
quotes) are all in markup.py and sanitiser.py. An entry is keyed by the text, this user's
salt (usercache.secret), pamphlet's and Python-Markdown's versions and the source of those
two modules, so that a change to any of them leaves the old entries unused. Everything
after it (the sanitiser, images, links, ids, the spec's selection and overrides) reads the
project and reports its problems, and runs in every build, cached or not. The conversion
reads no file and reports nothing, so an entry holds no diagnostics to give again.

Entries are kept per output folder and spec, as the parts are (outputs/parts.py); those a
build did not use are removed at its end. A damaged entry is converted again; a folder
reached through a link is neither read, written nor pruned.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Callable

import markdown

from . import __version__
from .usercache import cache_home, secret, unlinked

FORMAT = "1"  # of an entry: a change to what one holds leaves the old ones unused
MAX_ENTRY = 64_000_000  # bytes: larger files in the cache are not ours to read
_CODE = ("markup.py", "sanitiser.py")  # where the conversion and its settings are defined


def markup_folder(out: Path, stem: str) -> Path:
    """Where the converted essays of the spec `stem` built into `out` are kept."""
    place = hashlib.sha256(str(Path(out).resolve()).encode()).hexdigest()[:24]
    return cache_home() / "markup" / place / stem


class MarkupCache:
    """The converted essays of one output folder and spec (see the module's note)."""

    def __init__(self, folder: Path | None):
        self.folder = folder if folder is not None and self._safe(folder) else None
        self.used: set[str] = set()

    def converted(self, text: str, convert: Callable[[], str]) -> str:
        """`convert()`, the conversion of `text`, as an earlier build kept it if it did."""
        if self.folder is None:
            return convert()
        key = _key(text)
        self.used.add(key)
        found = self._read(key)
        if found is None:
            found = convert()
            self._write(key, found)
        return found

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

    def _read(self, key: str) -> str | None:
        """The entry's HTML; None if there is none, or it is damaged or not a plain file."""
        try:
            descriptor = os.open(self.folder / f"{key}.json", os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(descriptor, "rb") as stream:
                data = stream.read(MAX_ENTRY + 1)
            entry = json.loads(data) if len(data) <= MAX_ENTRY else None
            html = entry["html"]
            if isinstance(html, str) and _sha(html) == entry["sha256"]:
                return html
        except (OSError, ValueError, TypeError, KeyError):
            pass  # none, or damaged (a build killed while writing it): converted again
        return None

    def _write(self, key: str, html: str) -> None:
        path = self.folder / f"{key}.json"
        temporary = path.with_name(f".{key}.{os.getpid()}")
        try:
            if not self._safe(self.folder):
                return  # never write where a link leads
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps({"html": html, "sha256": _sha(html)}))
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)  # a cache that cannot be written only costs time

    @staticmethod
    def _safe(folder: Path) -> bool:
        """Whether `folder` is reached from the user's cache without following a link."""
        return unlinked(folder, cache_home())


def _key(text: str) -> str:
    digest = hashlib.sha256(_salt() + b"\0" + text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _salt() -> bytes:
    """What every key holds besides the text: the user's secret, the versions and the
    code of the conversion (read once a process)."""
    global _SALT
    if _SALT is None or _SALT[0] != secret():
        code = hashlib.sha256()
        for name in _CODE:
            code.update((Path(__file__).parent / name).read_bytes())
        _SALT = (secret(), f"{__version__}|{FORMAT}|{markdown.__version__}|".encode()
                 + code.hexdigest().encode())
    return _SALT[0] + _SALT[1]


_SALT: tuple[bytes, bytes] | None = None
