"""The one gate for every file a project names: essays, intro files, covers, images, layouts,
stylesheets, template includes and fonts.

A project may come from someone else, so a path it names is followed only when:
- it resolves (symlinks and `..` included) inside the project or the built-in layouts;
- it is a regular file, not a FIFO, a device or a socket (which could hang or never end);
- it is no larger than the spec's `[limits] file_size_mb`.
The file is opened once, without following a last symlink, and checked on the open file
descriptor before a byte is read, so it cannot be swapped between the check and the read.

Diagnostic codes: S902 a path leads outside the project, S903 not a regular file,
S904 a file over the size limit, S905 a file cannot be read. Callers that have long had a
code of their own for "outside" (M302 images, P109 cover, P113 intro) pass it in.

Writing has its gate too (`writable`): every folder pamphlet writes into (source/ for
`import` and `new`, build/ and every folder in it, the user's cache) is made or taken only
when it resolves, links and all, inside the folder it belongs to, and is a folder. A
project may arrive with `build/` or `source/` a link to the builder's home; the code for
such a folder is the caller's (O512 build/, N821 source/, T105 a site's folders), else S906.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, PamphletError, Severity

_PACKAGE = Path(__file__).parent.parent
_PACKAGED = _PACKAGE / "layouts"  # in the wheel; in a checkout, beside the package
BUILTIN_LAYOUTS = (_PACKAGED if _PACKAGED.is_dir() else _PACKAGE.parent / "layouts").resolve()
DEFAULT_LIMIT_MB = 50
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | \
    getattr(os, "O_CLOEXEC", 0)


def ignored(path: Path) -> bool:
    """Editor leftovers and hidden files, which no listing of a project should show:
    `.hidden`, emacs' `.#lock` and `#autosave#`, and `backup~`."""
    name = path.name
    return name.startswith((".", "#")) or name.endswith("~")


Where = tuple[Path | None, int | None]  # the file and line that name a path
Codes = dict[str, str]  # a caller's own codes: {"outside": "M302", "missing": "M301"}


def present(path: Path) -> bool:
    """Whether anything (a file, a folder, a link, even a broken one) stands at `path`;
    False, not an exception, for a name too long or otherwise impossible."""
    try:
        return os.path.lexists(path)
    except (OSError, ValueError):
        return False


class Refused(PamphletError):
    """A path the gate will not follow; carries the diagnostic saying why."""


@dataclass(frozen=True)
class Gate:
    """The folders a project may read from, and the largest file it may read."""

    roots: tuple[Path, ...]
    limit_mb: float = DEFAULT_LIMIT_MB

    @classmethod
    def for_project(cls, root: Path, limit_mb: float = DEFAULT_LIMIT_MB) -> "Gate":
        return cls((Path(root).resolve(), BUILTIN_LAYOUTS), limit_mb)

    @property
    def limit(self) -> int:
        return int(self.limit_mb * 1_000_000)

    def inside(self, path: Path) -> bool:
        """Whether `path`, with every symlink resolved, lies inside one of the roots."""
        resolved = Path(os.path.realpath(path))
        return any(resolved.is_relative_to(root) for root in self.roots)

    def check(self, path: Path, where: Where | None = None, what: str = "file",
              codes: Codes | None = None) -> Path:
        """The resolved path of a regular file inside the roots; else raise `Refused`.

        `where` is the file and line that name the path; `codes` may give a caller's own
        codes for "outside" and "missing"."""
        with self._open(path, where, what, codes or {}) as (resolved, _):
            return resolved

    def read_bytes(self, path: Path, where: Where | None = None, what: str = "file",
                   codes: Codes | None = None) -> bytes:
        """The bytes of a file that passes the gate; else raise `Refused`."""
        where = where or (Path(path), None)
        with self._open(path, where, what, codes or {}) as (_, handle):
            data = handle.read(self.limit + 1)
        if len(data) > self.limit:  # it grew since fstat
            raise self._refuse("S904", f"{what} {self._show(path, where)} is larger than "
                               f"{self.limit_mb:g} MB", where,
                               "raise [limits] file_size_mb in the spec, or shrink the file")
        return data

    def opened(self, path: Path, where: Where | None = None, what: str = "file",
               codes: Codes | None = None):
        """`with gate.opened(path) as (resolved, handle)`: the file, open after every check,
        for a caller that reads it in pieces (the cache hashes files this way)."""
        return self._open(path, where or (Path(path), None), what, codes or {})

    def project_only(self) -> "Gate":
        """The same gate without the built-in layouts: for what an essay names."""
        return Gate(self.roots[:1], self.limit_mb)

    def _open(self, path: Path, where: Where | None, what: str, codes: Codes):
        where = where or (Path(path), None)
        resolved = Path(os.path.realpath(path))
        if not any(resolved.is_relative_to(root) for root in self.roots):
            linked = os.path.normpath(os.path.abspath(path)) != str(resolved)
            raise self._refuse(codes.get("outside", "S902"),
                               f"{what} outside the project: {self._show(path, where)}"
                               + (f" (a link to {resolved})" if linked else ""), where,
                               "copy the file into the project; links that point outside "
                               "it are not followed")
        try:
            descriptor = os.open(resolved, _OPEN_FLAGS)
        except OSError as error:
            raise self._os_error(error, path, where, what, codes) from None
        try:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise self._refuse("S903", f"{what} {self._show(path, where)} is not a regular file "
                                   f"({_kind(info.st_mode)})", where,
                                   "only ordinary files are read; remove or replace it")
            if info.st_size > self.limit:
                raise self._refuse("S904", f"{what} {self._show(path, where)} is "
                                   f"{info.st_size / 1e6:.1f} MB, over the limit of "
                                   f"{self.limit_mb:g} MB", where,
                                   "raise [limits] file_size_mb in the spec, or shrink the file")
        except BaseException:
            os.close(descriptor)
            raise
        return _Opened(resolved, os.fdopen(descriptor, "rb"))

    def _os_error(self, error: OSError, path: Path, where: Where, what: str,
                  codes: Codes) -> Refused:
        if error.errno in (errno.ENOENT, errno.ENOTDIR) and os.path.islink(path):
            return self._refuse(codes.get("missing", "S905"),
                                f"cannot read {what} {self._show(path, where)}: it is a link to a "
                                "file that does not exist", where, "remove the link")
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            return self._refuse(codes.get("missing", "S905"),
                                f"{what} not found: {self._show(path, where)}", where,
                                "check the name and the folder it is in")
        if error.errno == errno.ELOOP:
            return self._refuse("S905", f"{what} {self._show(path, where)} is a symbolic link that "
                                "changed while it was read", where, "build again")
        hint = {errno.ENAMETOOLONG: "shorten the file name or the folders' names",
                errno.EACCES: "check the file's permissions",
                errno.EPERM: "check the file's permissions"}.get(error.errno, "check the file")
        return self._refuse("S905", f"cannot read {what} {self._show(path, where)}: "
                            f"{error.strerror or error}", where, hint)

    def _show(self, path: Path, where: Where, width: int = 120) -> str:
        """The path as the file naming it would write it (relative to that file's folder,
        or to the project), shortened."""
        text = os.path.normpath(os.path.abspath(path))
        for base in ((where[0].parent,) if where[0] else ()) + self.roots[:1]:
            if Path(text).is_relative_to(base.absolute()) and Path(text) != base.absolute():
                text = str(Path(text).relative_to(base.absolute()))
                break
        return text if len(text) <= width else text[:width - 1] + "…"

    @staticmethod
    def _refuse(code: str, message: str, where, hint: str) -> Refused:
        path, line = where
        return Refused(Diagnostic(code, Severity.ERROR, message, path, line, hint))


def writable(folder: Path, root: Path, code: str = "S906", what: str = "folder",
             make: bool = True, hint: str | None = None) -> Path:
    """`folder`, made if need be (with `make`), once it is certain that writing into it
    writes inside `root`: every link on the way resolves inside `root`'s own real place,
    and what stands there is a folder. Else raise Refused with `code`.

    `root` is where the caller may write (the project, an output folder named on the
    command line, the user's cache); links above it are the user's own and followed."""
    folder, real_root = Path(folder), Path(os.path.realpath(root))
    resolved = Path(os.path.realpath(folder))
    if not resolved.is_relative_to(real_root):
        linked = os.path.normpath(os.path.abspath(folder)) != str(resolved)
        raise _write_refusal(code, f"the {what} {folder} leads outside {root}"
                             + (f" (a link to {resolved})" if linked else ""), folder,
                             hint or "remove the link; pamphlet writes only inside the "
                             "folders it was given")
    if present(folder) and not os.path.isdir(folder):
        raise _write_refusal(code, f"the {what} {folder} is not a folder", folder,
                             hint or "move it away, or name another folder")
    if make:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _write_refusal(code, f"cannot make the {what} {folder}: "
                                 f"{error.strerror or error}", folder,
                                 hint or "check the permissions of the folders above it") \
                from None
        if not Path(os.path.realpath(folder)).is_relative_to(real_root):  # swapped meanwhile
            raise _write_refusal(code, f"the {what} {folder} leads outside {root}", folder,
                                 hint or "remove the link")
    return folder


def _write_refusal(code: str, message: str, path: Path, hint: str) -> Refused:
    return Refused(Diagnostic(code, Severity.ERROR, message, path, None, hint))


def is_inside(path: Path, root: Path) -> bool:
    """Whether `path`, links and all, lies inside `root`'s real place."""
    return Path(os.path.realpath(path)).is_relative_to(Path(os.path.realpath(root)))


class _Opened:
    """An open file and its resolved path, closed when the `with` block ends."""

    def __init__(self, resolved: Path, handle):
        self.resolved, self.handle = resolved, handle

    def __enter__(self):
        return self.resolved, self.handle

    def __exit__(self, *exc):
        self.handle.close()


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "not a file"
