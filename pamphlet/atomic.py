"""Atomic output: write beside the target, then rename, so a failed build leaves the old file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .diagnostics import fail


@contextlib.contextmanager
def atomic_output(target: Path):
    """Yield a temporary path in the target's folder; on success it replaces the target."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                        dir=target.parent)
    except OSError as error:
        raise fail("O502", f"cannot write to {target.parent}: {error.strerror or error}",
                   target.parent, hint="choose another output folder with --out") from None
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
