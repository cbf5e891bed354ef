"""WeasyPrint's public API as pamphlet uses it: HTML and CSS laid out with one font
configuration a process (which tells each sheet the font files it stands for, loaded or
not), files loaded only through the project's path gate
(`ProjectFetcher`), and WeasyPrint's log turned into diagnostics (`weasyprint_log`).

Diagnostic codes: O501 WeasyPrint reported a problem (warning); S901 a resource outside the
project or on the network was refused (warning).
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import mimetypes
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from functools import lru_cache
from multiprocessing import util
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL.Image import DecompressionBombWarning
from weasyprint import CSS, HTML, __version__ as VERSION
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ...diagnostics import Diagnostics, shorten, shorten_urls
from ...store.limits import check
from ...store.paths import Gate, Refused

__all__ = ["CSS", "FONTS", "HTML", "VERSION", "ProjectFetcher", "weasyprint_log"]


class ProjectFetcher(URLFetcher):
    """Lets WeasyPrint load only data: URLs and files that pass the project's path gate.

    An essay or a layout that asks for /etc/passwd, a file beside the project, a FIFO or
    anything on the network gets nothing, and the build says so. Files are read here,
    through the gate, so nothing can be swapped between the check and the read.
    """

    def __init__(self, gate: Gate, diagnostics: Diagnostics, path: Path):
        super().__init__(allowed_protocols=("data",), timeout=5)
        self.gate, self.diagnostics, self.path = gate, diagnostics, path
        # Each file loaded, with the hash of what was read: a cached part made from a
        # picture or font that has since changed is laid out again (parts.py).
        self.loaded: dict[str, str] = {}

    def fetch(self, url, headers=None):
        check()  # WeasyPrint catches what a fetcher raises: past the time limit, raise again
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            target = Path(unquote(urlsplit(url).path))
            try:
                data = self.gate.read_bytes(target, (self.path, None))
            except Refused as refused:
                self._refuse(url, refused.diagnostics[0].message)
            else:
                self.loaded[str(target)] = hashlib.sha256(data).hexdigest()
                kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, data, {"Content-Type": kind})
        self._refuse(url, "only files inside the project are used")

    def _refuse(self, url: str, why: str):
        self.diagnostics.warning(
            "S901", f"refused to load {shorten(url)}: {why}",
            self.path, hint="copy the file into the project and refer to it there")
        raise ValueError(f"refused: {shorten(url)}")


class _Fonts(FontConfiguration):
    """The process's font configuration, which remembers the files each @font-face rule
    loaded.

    WeasyPrint adds a face once a configuration (by its descriptors) and does not fetch it
    again, so a second sheet with the same rule, in a process that lays out several parts
    or several books, would load nothing through its fetcher: its parts would not list the
    font among their inputs, and a changed font would not lay them out again. Each later
    fetcher is told the files the first one read."""

    def __init__(self):
        super().__init__()
        self._files: dict[str, dict[str, str]] = {}

    def add_font_face(self, rule_descriptors, url_fetcher):
        if self._folder is None:  # else WeasyPrint's own, which a killed process leaves
            self._folder = _font_folder()
        key = str(rule_descriptors)
        loaded = getattr(url_fetcher, "loaded", None)
        if key in self._files:
            if loaded is not None:
                loaded.update(self._files[key])
            return super().add_font_face(rule_descriptors, url_fetcher)
        before = dict(loaded or {})
        result = super().add_font_face(rule_descriptors, url_fetcher)
        self._files[key] = {path: digest for path, digest in (loaded or {}).items()
                            if before.get(path) != digest}
        return result


FONTS = _FONTS = _Fonts()


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """The font families fontconfig knows (which WeasyPrint draws with), by each of their
    names; none where fc-list is missing."""
    command = shutil.which("fc-list")
    if command is None:
        return frozenset()
    listed = subprocess.run([command, ":", "family"], capture_output=True, text=True,
                            check=False).stdout
    return frozenset(name.strip() for line in listed.splitlines() for name in line.split(","))

# WeasyPrint copies each @font-face's file into a folder of its own and removes it when the
# configuration is collected, which a process's one configuration never is: every process
# that loaded a web font left megabytes in /tmp, and a worker `serve` or the time limit
# killed could not clean up at all. The folder is removed at the process's end
# (multiprocessing's finalizers run in its workers too, atexit does not), and the first
# folder a process makes clears those of processes that died: each holds a lock on its
# folder while it lives (and so does a forked child that shares it), which the kernel
# lets go however the process ends.
_PREFIX = "pamphlet-fonts-"
_LOCKS: list = []  # the lock files this process holds, kept open for its life


def _font_folder() -> Path:
    temp = Path(tempfile.gettempdir())
    _clear_dead(temp)
    new = Path(tempfile.mkdtemp(prefix="." + _PREFIX, dir=temp))
    lock = open(new / ".lock", "wb")  # noqa: SIM115 (held until the process ends)
    fcntl.flock(lock, fcntl.LOCK_EX)
    _LOCKS.append(lock)
    folder = temp / new.name[1:]
    new.rename(folder)  # locked before it can be seen: the sweep below never takes a live one
    util.Finalize(None, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True},
                  exitpriority=0)
    return folder


def _clear_dead(temp: Path) -> None:
    for folder in temp.glob(_PREFIX + "*"):
        try:
            if folder.is_symlink() or folder.stat().st_uid != os.getuid():
                continue
            with open(folder / ".lock", "rb") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:  # alive (locked), or gone already
            continue
# WeasyPrint's notes about its own installation, which a pamphlet's author cannot act on.
# (An image without alt text is reported as M320, against the essay's line; the PDF makes
# it an artifact, see tagged.py.)
_NOT_THE_USERS_CONCERN = ("Using fontTools instead of HarfBuzz-Subset", "Image \"")


# WeasyPrint's warning for a character that no font has, one per character.
_NOTDEF = re.compile(r"\.notdef glyph rendered .*\(U\+([0-9A-F]+)\)$")


class _LogCollector(logging.Handler):
    def __init__(self, diagnostics: Diagnostics, path: Path):
        super().__init__(logging.WARNING)
        self.diagnostics, self.path = diagnostics, path
        self.missing_glyphs: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if notdef := _NOTDEF.match(message):
            self.missing_glyphs.add(chr(int(notdef[1], 16)))
        elif not message.startswith(_NOT_THE_USERS_CONCERN):
            self.diagnostics.warning("O501", f"WeasyPrint: {shorten_urls(message)}", self.path)


class weasyprint_log:
    """Turn WeasyPrint's logged warnings into diagnostics while a render runs."""

    def __init__(self, diagnostics: Diagnostics, path: Path):
        self.handler = _LogCollector(diagnostics, path)
        self.logger = logging.getLogger("weasyprint")

    def __enter__(self) -> _LogCollector:
        # Pillow's own warning of a huge image; pamphlet has said so already (E217).
        self.warnings = warnings.catch_warnings()
        self.warnings.__enter__()
        warnings.simplefilter("ignore", DecompressionBombWarning)
        self.logger.addHandler(self.handler)
        self.propagate, self.logger.propagate = self.logger.propagate, False
        return self.handler

    def __exit__(self, *exc):
        self.logger.removeHandler(self.handler)
        self.logger.propagate = self.propagate
        self.warnings.__exit__(*exc)
