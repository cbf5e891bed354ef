"""All-or-nothing output: a build makes every output in a scratch folder inside the output
folder, then moves them into place together, so a failure at any stage leaves the old ones.

The scratch folder is locked (flock) while its build runs, so the next build can tell a live
build's scratch from the leftovers of a killed one, and removes only the latter. Commits to one
output folder are serialised by a lock on the folder itself, so parallel builds that share it
(and its cache record) never interleave.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from ..diagnostics import PamphletError, fail
from .limits import check, shielded
from .paths import writable

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: builds there are not locked
    fcntl = None

SCRATCH = ".pamphlet-scratch-"
# What earlier builds, killed, may have left: scratch folders, and the .part files and
# temporary folders of earlier versions of pamphlet. Nothing else is ever removed.
LEFTOVER = re.compile(r"\.pamphlet-scratch-[a-z0-9_]{8}|\.pamphlet-[a-z0-9_]{8}|"
                      r"\..+\.(pdf|epub)\.[a-z0-9_]{8}\.(part|ebooklib)|"
                      r"\.pamphlet-cache\.json\.\d+\.part")
PART = re.compile(r"^\.(.+)\.[a-z0-9_]{8}\.part$")
DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG)
NOT_ALLOWED = (errno.EACCES, errno.EPERM, errno.EROFS)


def write_error(error: OSError, where: Path) -> PamphletError:
    """The diagnostic for an OSError met while writing into the folder `where`."""
    reason = error.strerror or str(error)
    if where.name.startswith(SCRATCH):  # the user knows the output folder, not our scratch
        where = where.parent
    if error.errno in DISK_FULL:
        return fail("O505", f"the disk is full: cannot write to {where} ({reason})", where,
                    hint="free some space (the old outputs are kept until the new ones are "
                    "complete, so a build needs room for both), or build elsewhere with --out")
    if error.errno in (*NOT_ALLOWED, errno.ENOTDIR, errno.EEXIST):
        if error.errno in (errno.ENOTDIR, errno.EEXIST):
            reason = "it is not a folder"
        return fail("O502", f"cannot write to {where}: {reason}", where,
                    hint="make the folder writable, or choose another output folder with --out")
    if error.errno == errno.EISDIR:
        return occupied(where)
    # Name the output, not our temporary copy of it (.name.XXXXXXXX.part).
    name = PART.sub(r"\1", Path(error.filename).name) if error.filename else ""
    name = f" ({name})" if name else ""
    return fail("O509", f"an output could not be made in {where}: {reason}{name}", where,
                hint="check the output folder and its file system, or build elsewhere with --out")


def occupied(path: Path) -> PamphletError:
    """O506: something that is not a file stands where an output goes."""
    return fail("O506", f"{path} is in the way: it is not a file, so the output cannot "
                "replace it", path, hint="move it away, or build elsewhere with --out")


def check_free(folder: Path, names: list[str], ours: bool = False) -> None:
    """Fail (O506) if a folder, or anything but a file or a link, holds one of the output
    names; for names that are `ours` alone (the cache record), only a folder blocks."""
    for name in names:
        try:
            mode = os.lstat(folder / name).st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode) or not (ours or stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            raise occupied(folder / name)


@contextlib.contextmanager
def atomic_output(target: Path, mode: int = 0o644):
    """Yield a temporary path in the target's folder; on success it replaces the target,
    with the permissions `mode`."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                        dir=target.parent)
    except OSError as error:
        raise write_error(error, target.parent) from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        raise write_error(error, target.parent) from None
    finally:
        temporary.unlink(missing_ok=True)


def write_file(path: Path, data: bytes, root: Path, code: str = "S906") -> Path:
    """`data` as the file `path` (made, or replaced whole), in a folder that leads nowhere
    outside `root` (paths.writable); a link standing at `path` is replaced, not followed."""
    writable(path.parent, root, code)
    with atomic_output(path) as temporary:
        temporary.write_bytes(data)
    return path


class Stage:
    """A build's scratch folder, and the one way out of it: `commit`."""

    def __init__(self, out: Path, scratch: Path):
        self.out, self.scratch = out, scratch

    def commit(self, names: list[str],
               prepare: Callable[[Path], str] | None = None) -> list[Path]:
        """Move the staged `names` into the output folder together. `prepare(scratch)` runs
        under the folder's lock and stages one file more (the cache record), moved last. On
        any failure, every output already moved is put back as it was."""
        try:
            with locked(self.out):
                extra = [prepare(self.scratch)] if prepare else []
                check_free(self.out, names)
                check_free(self.out, extra, ours=True)
                moving = [*names, *extra]
                check()  # past the time limit nothing is moved; from here, all of it is
                with shielded():
                    backups = {name: self._backup(name) for name in moving}
                    self._move(moving, backups)
        except OSError as error:
            raise write_error(error, self.out) from None
        return [self.out / name for name in names]

    def _backup(self, name: str) -> Path | None:
        """A second link to the old output, to put back if the commit fails part way."""
        target, backup = self.out / name, self.scratch / f".old-{name}"
        if not os.path.lexists(target):
            return None
        try:
            os.link(target, backup, follow_symlinks=False)
        except OSError:  # a file system without hard links: a copy does as well
            shutil.copy2(target, backup, follow_symlinks=False)
        return backup

    def _move(self, names: list[str], backups: dict[str, Path | None]) -> None:
        done = []
        try:
            for name in names:
                os.replace(self.scratch / name, self.out / name)
                done.append(name)
        except BaseException:
            for name in reversed(done):
                with contextlib.suppress(OSError):
                    if backups[name]:
                        os.replace(backups[name], self.out / name)
                    else:
                        os.unlink(self.out / name)
            raise


@contextlib.contextmanager
def staging(out: Path) -> Iterator[Stage]:
    """A locked scratch folder inside `out` (made if need be), removed whatever happens."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with locked(out):
            _clean(out)
            scratch = Path(tempfile.mkdtemp(prefix=SCRATCH, dir=out))
            handle = _lock(scratch)
    except OSError as error:
        raise write_error(error, out) from None
    try:
        yield Stage(out, scratch)
    finally:
        with shielded():  # a build stopped by its time limit leaves no scratch behind
            shutil.rmtree(scratch, ignore_errors=True)
            _unlock(handle)


def clean_leftovers(out: Path) -> None:
    """Remove what killed builds left in `out`: only names we make, and no live build's."""
    with contextlib.suppress(OSError), locked(out):
        _clean(out)


def _clean(out: Path) -> None:
    try:
        entries = list(os.scandir(out))
    except OSError:
        return
    for entry in entries:
        if not LEFTOVER.fullmatch(entry.name):
            continue
        with contextlib.suppress(OSError):
            if not entry.is_dir(follow_symlinks=False):
                os.unlink(entry.path)
            elif not entry.name.startswith(SCRATCH):
                shutil.rmtree(entry.path)
            else:
                handle = _lock(Path(entry.path), wait=False, follow=False)
                try:
                    shutil.rmtree(entry.path)
                finally:
                    _unlock(handle)


@contextlib.contextmanager
def locked(folder: Path):
    """Hold an exclusive lock on `folder` (one build at a time commits into it)."""
    handle = _lock(folder)
    try:
        yield
    finally:
        _unlock(handle)


def _lock(folder: Path, wait: bool = True, follow: bool = True) -> int | None:
    """An open descriptor of `folder` holding an exclusive lock (OSError if busy, `wait` False)."""
    if fcntl is None:  # pragma: no cover - Windows: no locks, and no folder descriptors
        return None
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | (0 if follow else os.O_NOFOLLOW))
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        os.close(handle)
        raise
    return handle


def _unlock(handle: int | None) -> None:
    if handle is not None:
        os.close(handle)
