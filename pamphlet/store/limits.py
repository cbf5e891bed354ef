"""Bounds on work: the time limit that stops a command, how deep data may nest, and which
characters text may hold to become XML or iCalendar.

A project, a layout, an export or a form may come from someone who means harm, so every
input must end in bounded time. Parsers are kept linear; the time limit is the backstop.
Its alarm raises `TimeUp`, a BaseException, so that no `except Exception` in a library
between the alarm and the command (WeasyPrint's URL fetcher, its stylesheet loader) can
swallow it; and it rings again each second after the limit until the command has stopped,
for a library that catches even BaseException (WeasyPrint's SVG drawing). Callbacks that a
library calls (the URL fetcher) call `check()`, which raises it again once the time is up.
An alarm that lands where nothing can be raised (a `__del__`, a garbage-collector callback)
is dropped without Python's "Exception ignored" report, and rings again at once.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable

from ..diagnostics import PamphletError

AGAIN = 1.0  # seconds between rings once the time is up, until the work has stopped


class TimeUp(BaseException):
    """The time limit of `owner` ran out (see the module's note)."""

    def __init__(self, owner: "_Limit"):
        super().__init__(f"time limit of {owner.seconds:g} s")
        self.owner = owner


@dataclass(eq=False)
class _Limit:
    seconds: float
    deadline: float  # time.monotonic()
    stopped: Callable[[], PamphletError]


class _Clock(threading.local):
    def __init__(self):
        self.limits: list[_Limit] = []
        self.shielded = 0
        self.previous = None  # the SIGALRM handler before the first limit
        self.unraisable = None  # sys.unraisablehook before it


_CLOCK = _Clock()


@contextlib.contextmanager
def time_limit(seconds: float | None, stopped: Callable[[], PamphletError],
               started: float | None = None):
    """Stop the work inside once `seconds` have passed since `started` (a time.monotonic(),
    by default now): `stopped()` makes the error raised instead. None or 0: no limit.

    Limits nest: an inner one (a spec's build) stops only its own work; an outer one (a
    command's) stops everything inside it. Outside the main thread no alarm can ring, and
    only `check()` stops the work."""
    if not seconds:
        yield
        return
    limit = _Limit(seconds, (time.monotonic() if started is None else started) + seconds,
                   stopped)
    _push(limit)
    try:
        yield
    except TimeUp as up:
        if up.owner is not limit:
            raise
        with shielded():
            _pop(limit)
        raise limit.stopped() from None
    finally:
        if limit in _CLOCK.limits:
            with shielded():
                _pop(limit)


def check() -> None:
    """Raise TimeUp if a time limit has run out: for callbacks a library calls, which may
    have caught the alarm's own exception, and for long loops of our own."""
    if _CLOCK.limits and not _CLOCK.shielded:
        now = time.monotonic()
        expired = [limit for limit in _CLOCK.limits if limit.deadline <= now]
        if expired:
            raise TimeUp(expired[0])  # the outermost: its work, all of it, stops


def remaining() -> float | None:
    """Seconds left of the nearest time limit; None without one."""
    if not _CLOCK.limits:
        return None
    return max(0.0, min(limit.deadline for limit in _CLOCK.limits) - time.monotonic())


@contextlib.contextmanager
def shielded():
    """No alarm raises inside: for cleaning up after the time is up (ending workers,
    removing scratch files), which must not itself be cut short."""
    _CLOCK.shielded += 1
    try:
        yield
    finally:
        _CLOCK.shielded -= 1


def _push(limit: _Limit) -> None:
    main = threading.current_thread() is threading.main_thread()
    if main and not _CLOCK.limits:
        _CLOCK.previous = signal.signal(signal.SIGALRM, _ring)
        _CLOCK.unraisable, sys.unraisablehook = sys.unraisablehook, _unraisable
    _CLOCK.limits.append(limit)
    if main:
        _arm()


def _pop(limit: _Limit) -> None:
    _CLOCK.limits.remove(limit)
    if threading.current_thread() is not threading.main_thread():
        return
    if _CLOCK.limits:
        _arm()
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, _CLOCK.previous or signal.SIG_DFL)
        if sys.unraisablehook is _unraisable:
            sys.unraisablehook = _CLOCK.unraisable or sys.__unraisablehook__
        _CLOCK.previous = _CLOCK.unraisable = None


def _arm() -> None:
    """Ring at the nearest deadline, then each AGAIN seconds until it is taken down."""
    left = min(limit.deadline for limit in _CLOCK.limits) - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), AGAIN)


def _ring(signum, frame) -> None:
    if _CLOCK.shielded or not _CLOCK.limits:
        return
    now = time.monotonic()
    expired = [limit for limit in _CLOCK.limits if limit.deadline <= now + 0.001]
    if not expired:  # an outer limit's alarm, reset by an inner one's end: ring on time
        _arm()
        return
    raise TimeUp(expired[0])  # the outermost: its work, all of it, stops


def _unraisable(unraisable) -> None:
    """An alarm that rang inside a `__del__` or a garbage-collector callback, where Python
    can only report the exception and go on: ring again in a moment, in the work itself."""
    if isinstance(unraisable.exc_value, TimeUp) and _CLOCK.limits:
        signal.setitimer(signal.ITIMER_REAL, 0.01, AGAIN)
        return
    (_CLOCK.unraisable or sys.__unraisablehook__)(unraisable)


def _forget() -> None:
    """In a forked child: the parent's limits are the parent's; it ends the child itself."""
    _CLOCK.limits = []
    _CLOCK.shielded = 0
    _CLOCK.previous = None
    if sys.unraisablehook is _unraisable:
        sys.unraisablehook = _CLOCK.unraisable or sys.__unraisablehook__
    _CLOCK.unraisable = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget)


# ---- Depth ----

def deeper_than(value, limit: int) -> bool:
    """Whether lists and mappings nest in `value` more than `limit` deep (counted without
    recursion, so any depth is measured)."""
    todo = [(value, 0)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, (list, tuple)):
            if depth >= limit:
                return True
            todo.extend((inner, depth + 1) for inner in item)
    return False


# ---- Characters XML cannot hold ----

# XML 1.0's Char production leaves out C0 controls but tab, newline and carriage return,
# surrogates, and U+FFFE and U+FFFF. iCalendar (RFC 5545) takes no controls but tab either.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def not_xml_at(text: str) -> int | None:
    """The index of the first character XML cannot hold in `text`; None if there is none."""
    found = NOT_XML.search(text)
    return found.start() if found else None


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot hold."""
    return NOT_XML.sub("", text)
