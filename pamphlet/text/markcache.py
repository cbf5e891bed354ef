"""Essays' Markdown as Python-Markdown converted it in earlier builds, kept in the user's
cache: the conversion is most of what an unchanged essay costs a rebuild.

Only the conversion proper is kept (markup.py's `_markdown(...).convert(body)`): a pure
function of the essay's text, whose settings (the extensions, their options, the smart
quotes) are all in markup.py (with the callouts extension, callouts.py) and sanitiser.py. An
entry is keyed by the text, this user's salt (usercache.secret), pamphlet's and
Python-Markdown's versions and the source of those modules, so that a change to any of them leaves the old entries unused. Everything
after it (the sanitiser, images, links, ids, the spec's selection and overrides) reads the
project and reports its problems, and runs in every build, cached or not. The conversion
reads no file and reports nothing, so an entry holds no diagnostics to give again.

Entries are kept per output folder and spec, as the parts are (outputs/parts.py); those a
build did not use are removed at its end. A damaged entry is converted again; a folder
reached through a link is neither read, written nor pruned.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

import markdown

from .. import __version__
from ..store.usercache import Store, secret, store_folder

FORMAT = "1"  # of an entry: a change to what one holds leaves the old ones unused
# where the conversion and its settings are defined (callouts.py and citations.py: the
# extensions it loads)
_CODE = ("markup.py", "callouts.py", "citations.py", "sanitiser.py")


def markup_folder(out: Path, stem: str) -> Path:
    """Where the converted essays of the spec `stem` built into `out` are kept."""
    return store_folder("markup", out, stem)


class MarkupCache(Store):
    """The converted essays of one output folder and spec (see the module's note)."""

    def converted(self, text: str, convert: Callable[[], str]) -> str:
        """`convert()`, the conversion of `text`, as an earlier build kept it if it did."""
        if self.folder is None:
            return convert()
        key = _key(text)
        found = self.get(key)
        if not isinstance(found, str):
            found = convert()
            self.put(key, found)
        return found


def _key(text: str) -> str:
    digest = hashlib.sha256(_salt() + b"\0" + text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


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
