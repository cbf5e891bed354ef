"""The build's time: now, or SOURCE_DATE_EPOCH when it is set, for reproducible outputs.

Diagnostic code: O520 SOURCE_DATE_EPOCH is not a time outputs can be stamped with.
"""

from __future__ import annotations

import datetime as dt
import os

from ..diagnostics import fail, shorten

# 2107-12-31 23:59:59 UTC: the last second a ZIP entry (and so the EPUB) can record.
LATEST = 4_354_819_199


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH in seconds; None when it is unset; O520 when it is no such time.

    The variable's specification asks a build to stop on a malformed value rather than
    quietly use the clock, which would make outputs that only look reproducible. An empty
    one is malformed too (a `$(git log ...)` that failed, say), and fontTools, which reads it
    when it embeds fonts, fails on it.
    """
    text = os.environ.get("SOURCE_DATE_EPOCH")
    if text is None:
        return None
    text = text.strip()
    if not (text.isascii() and text.isdigit() and int(text[:20]) <= LATEST):
        raise fail("O520", f"SOURCE_DATE_EPOCH is not a time to stamp outputs with: "
                   f"'{shorten(text, 40)}'",
                   hint="set it to whole seconds since 1970 (as `date +%s` or "
                        "`git log -1 --format=%ct` print), at most 4354819199 (the year 2107); "
                        "or unset it")
    return int(text)


def build_time() -> dt.datetime:
    """The time to stamp outputs with (UTC, whole seconds)."""
    epoch = source_date_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def reproducible() -> bool:
    return source_date_epoch() is not None
