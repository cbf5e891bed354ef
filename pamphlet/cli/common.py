"""What every command shares: exit codes, argument types, and how diagnostics, paths and
tables are shown (the command line is the only code that prints)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..diagnostics import Diagnostic, Diagnostics, PamphletError, format_group, grouped, shorten
from ..project.schema import Field


EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def verbose_option(command) -> None:
    command.add_argument("--verbose", "-v", action="store_true",
                         help="show every warning, even one repeated in many files")


def cores() -> int:
    """The cores this process may run on (fewer than the machine's, in a container or under
    taskset)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("must be a whole number of 1 or more")
    return int(text)


def within(field: Field):
    """An argparse type: a whole number within the bounds a schema field declares."""
    def number(text: str) -> int:
        value = int(text) if text.strip().lstrip("+-").isdecimal() and len(text) < 20 else None
        wanted = field.out_of_bounds(value) if value is not None else "a whole number"
        if wanted:
            raise argparse.ArgumentTypeError(f"must be {wanted}, not {shorten(text, 40)!r}")
        return value
    return number


def encoding(name: str) -> str:
    """An argparse type: the name of a text encoding Python knows, like cp1252."""
    try:
        b"a".decode(name)  # (an empty string is never decoded, so never looked up)
    except ValueError:  # a known encoding in which "a" alone is not whole (utf-16)
        pass
    except LookupError:
        raise argparse.ArgumentTypeError(
            f"unknown text encoding {shorten(name, 40)!r}; try utf-8, cp1252, latin-1 or "
            "utf-16") from None
    return name


def shard_option(text: str) -> tuple[int, int]:
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
        raise argparse.ArgumentTypeError("write K/N with 1 <= K <= N, like 2/4")
    return int(k), int(n)


def shard(specs: list[Path], part: tuple[int, int] | None) -> list[Path]:
    """The K-th of N shares: every N-th spec in sorted order, so shares never overlap."""
    if part is None:
        return specs
    k, n = part
    return [spec for index, spec in enumerate(sorted(specs)) if index % n == k - 1]


def quietly(check, *args) -> bool:
    """`check(*args)`, or False where it meets a problem (the spec's build reports it)."""
    try:
        return check(*args)
    except PamphletError:
        return False


def isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream is no terminal
        return False


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    if not rows:
        return
    widths = [min(40, max(len(row[i]) for row in [header, *rows])) for i in range(len(header))]
    numeric = [all(row[i].isdigit() for row in rows) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [clip(cell, width).rjust(width) if number else clip(cell, width).ljust(width)
                 for cell, width, number in zip(row, widths, numeric)]
        print("  ".join(cells).rstrip())


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def show(diagnostics: Diagnostics | list[Diagnostic], verbose: bool = False) -> None:
    """Print diagnostics; a warning repeated across files is one block unless `verbose`."""
    groups = [[d] for d in diagnostics] if verbose else grouped(diagnostics)
    for group in groups:
        # one write: a progress display, above which it goes, never splits it from its hint
        sys.stderr.write(format_group(group, relative_to=Path.cwd()) + "\n")
        sys.stderr.flush()


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
