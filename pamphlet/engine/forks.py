"""Forking the build's process so that its children share its memory (workers, the EPUB)."""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def sharing():
    """Around the start of forked processes: the garbage is collected first, and every
    object left is frozen while they start, so a child's garbage collector never visits
    (writes to) the objects it inherited: each page it wrote would be copied, and the
    book's memory held twice."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()  # the build's own process collects them again
