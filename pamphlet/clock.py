"""The build's time: now, or SOURCE_DATE_EPOCH when it is set, for reproducible outputs."""

from __future__ import annotations

import datetime as dt
import os


def build_time() -> dt.datetime:
    """The time to stamp outputs with (UTC, whole seconds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def reproducible() -> bool:
    return os.environ.get("SOURCE_DATE_EPOCH", "").isdigit()
