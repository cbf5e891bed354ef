"""The command line's live progress on a terminal (used by cli.py only): the specs, the parts
of each reading PDF laid out and the outputs made, each with a time estimate, drawn with rich.

Nothing here runs when standard error is not an interactive terminal; the display is
transient, so what stays on the screen is what a log would hold: diagnostics and `wrote` lines.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn,
                           Task, TextColumn)
from rich.table import Column
from rich.text import Text

from ..progress import Step


def wanted(terminal) -> bool:
    """Whether to draw on `terminal`, a stream known to be one: not if it is dumb, or if
    TTY_INTERACTIVE=0 says not to."""
    return Console(file=terminal).is_interactive


class Estimate(ProgressColumn):
    """`about 0:12 left` once a task has done some of its work; `took 0:03` once done."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        if task.finished and elapsed is not None:
            return Text(f"took {_clock(elapsed)}", style="progress.elapsed")
        if not task.completed or not task.total or elapsed is None:
            return Text("")
        # The work done so far, at its own pace: simpler than rich's rolling speed, and shown
        # from the first part or spec done on, which a build of a few specs needs.
        left = elapsed * (task.total - task.completed) / task.completed
        return Text(f"about {_clock(left)} left", style="progress.remaining")


def _one_line() -> Column:
    return Column(no_wrap=True, overflow="ellipsis")


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds + 0.5), 60)
    return f"{minutes}:{seconds:02d}"


class Board:
    """A build's progress, live on standard error; `step` is the build's progress callback.

    A row for the specs (when there are several), and one for each spec being built: the
    parts of its reading PDF laid out, then its outputs made; gone once the spec is done.
    Steps may come from another thread (relayed from worker processes), hence the lock.
    """

    def __init__(self, outputs: dict[Path, int | None], name: Callable[[Path], str],
                 console: Console | None = None, stdout_too: bool = False):
        # soft wrap: a long diagnostic stays one line, for the terminal to wrap and to copy
        console = console or Console(stderr=True, soft_wrap=True)
        self._progress = Progress(
            # On a narrow terminal a row is cut short, never wrapped onto two lines.
            SpinnerColumn(), TextColumn("{task.description}", table_column=_one_line()),
            BarColumn(bar_width=24), MofNCompleteColumn(), TextColumn("{task.fields[unit]}"),
            Estimate(table_column=_one_line()),
            TextColumn("{task.fields[now]}", style="dim", table_column=_one_line()),
            # `wrote` lines and diagnostics go above the display, not through it; stdout only
            # when it is a terminal too (else it is a file or a pipe, and stays one).
            console=console, transient=True, redirect_stderr=True, redirect_stdout=stdout_too)
        self._outputs, self._name = outputs, name
        self._rows: dict[Path, int] = {}  # each spec being built: its row
        self._units: dict[Path, str] = {}  # and what the row counts now
        self._done: set[Path] = set()
        self._lock = threading.Lock()
        self._specs = self._progress.add_task(
            f"{len(outputs)} specs", total=len(outputs), unit="", now="",
            visible=len(outputs) > 1)

    def __enter__(self) -> "Board":
        global _SHOWN
        self._progress.start()
        _SHOWN = True
        return self

    def __exit__(self, *exc) -> None:
        global _SHOWN
        _SHOWN = False
        self._progress.stop()  # also on an error or Ctrl-C: the cursor and streams come back

    def step(self, step: Step) -> None:
        """Show one finished step of a spec's build."""
        with self._lock:
            if step.spec in self._done:  # a late step relayed from a worker
                return
            if step.kind == "spec":
                self._row(step.spec, "outputs", now="laying out")
            elif step.kind == "part":
                row = self._row(step.spec, "parts", step.total)
                # (a part laid out again, at its place, makes the count grow)
                self._progress.update(row, completed=step.done, now=step.name,
                                      total=max(step.total, step.done), refresh=True)
            elif step.kind == "output":
                row = self._row(step.spec, "outputs")
                self._progress.update(row, advance=1, now=f"made {step.name}", refresh=True)

    def finished(self, spec: Path) -> None:
        """A spec's build is over: its row goes, and the specs row moves on."""
        with self._lock:
            self._done.add(spec)
            if spec in self._rows:
                self._progress.remove_task(self._rows.pop(spec))
                del self._units[spec]
            self._progress.advance(self._specs)

    def _row(self, spec: Path, unit: str, total: int | None = None, now: str = "") -> int:
        """The spec's one row, counting `unit` (parts, then outputs) from 0 when it changes."""
        total = total if unit == "parts" else self._outputs.get(spec)
        if spec not in self._rows:
            self._rows[spec] = self._progress.add_task(self._name(spec), total=total,
                                                       unit=unit, now=now)
        elif self._units[spec] != unit:  # the estimate is for what is being done now
            self._progress.reset(self._rows[spec], total=total, unit=unit, now=now)
        self._units[spec] = unit
        return self._rows[spec]


# While a board is shown, sys.stdout and sys.stderr are its proxies: a process forked then
# (a worker laying out parts, the e-book's writer) that wrote through them would draw its
# own copy of the board on the terminal, which the command's board never clears. Such a
# process gets plain streams on the same files instead (a spec's own process then sends
# what it writes to the command's: cli/build.py's _Relayed).
_SHOWN = False


def _plain_streams() -> None:
    if _SHOWN:
        sys.stdout = open(1, "w", buffering=1, closefd=False, encoding="utf-8", errors="replace")
        sys.stderr = open(2, "w", buffering=1, closefd=False, encoding="utf-8", errors="replace")


os.register_at_fork(after_in_child=_plain_streams)
