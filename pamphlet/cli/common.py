"""What every command shares: exit codes, argument types, and how diagnostics, paths and
tables are shown (the command line is the only code that prints)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import shlex
import sys
from pathlib import Path

from ..diagnostics import Diagnostic, Diagnostics, PamphletError, format_group, grouped, shorten
from ..locale.plural import ngettext
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


# A command in a message or hint: `pamphlet` and one of its commands (the stages below the
# command line write them so, not knowing how pamphlet was run).
COMMAND = re.compile(r"(?<![\w/.-])(?<!-m )pamphlet"
                     r"(?= (?:build|impose|init|new|import|check|list|serve|site)\b)")


def as_run(diagnostic: Diagnostic, run: str) -> Diagnostic:
    """The diagnostic with each command it names written as the user runs pamphlet (`run`)."""
    if run == "pamphlet":
        return diagnostic
    return dataclasses.replace(
        diagnostic, message=COMMAND.sub(lambda _: run, diagnostic.message),
        hint=diagnostic.hint and COMMAND.sub(lambda _: run, diagnostic.hint))


def show(diagnostics: Diagnostics | list[Diagnostic], verbose: bool = False) -> None:
    """Print diagnostics (with commands as the user runs pamphlet); a warning repeated
    across files is one block unless `verbose`."""
    run = command()
    diagnostics = [as_run(diagnostic, run) for diagnostic in diagnostics]
    groups = [[d] for d in diagnostics] if verbose else grouped(diagnostics)
    for group in groups:
        # one write: a progress display, above which it goes, never splits it from its hint
        sys.stderr.write(format_group(group, relative_to=Path.cwd()) + "\n")
        sys.stderr.flush()


def command() -> str:
    """How to run pamphlet again, as the user ran it: `pamphlet` when that is on the PATH and
    is this one, else the full path of this script (`.venv/bin/pamphlet` is not on the PATH
    until the environment is activated), so that a printed next step works as printed."""
    import shutil

    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is None or script.name in ("__main__.py", "-m", "-c") or not script.exists():
        return f"{shlex.quote(sys.executable)} -m pamphlet"
    found = shutil.which("pamphlet")
    if found and Path(found).resolve() == script.resolve():
        return "pamphlet"
    return shlex.quote(str(script.resolve()))


def add_option(command) -> None:
    """`--add` of new and import: list the new essays in the project's spec."""
    command.add_argument("--add", action="store_true",
                         help="also list the new essays in pamphlet.toml's essays (with its "
                         "comments kept), when it lists them")


def place(root: Path, made: list[Path], add: bool, diagnostics: Diagnostics,
          was_project: bool = True) -> None:
    """Print each new essay with the specs that take it, listing them first with `add`;
    C106 for one no spec takes, with how to put it in; and, in a folder with no spec, how
    to make one."""
    from ..project.membership import add_to_spec, membership, report_unplaced

    found = membership(root)
    slugs = {path.stem: path for path in made}
    listed = []
    if add and found.house is not None:
        listed = add_to_spec(found.house, list(slugs), diagnostics)
        found = membership(root) if listed else found
    elif add and found.broken:
        diagnostics.error("N885", "the spec does not load, so the new essays were not listed "
                          "in it", found.broken[0], hint="fix what pamphlet check shows, "
                          "then list them in its essays")
    elif add:
        diagnostics.error("N885", "there is no pamphlet.toml to list the new essays in", root,
                          hint="make one with: pamphlet init")
    for slug, path in slugs.items():
        specs = found.taking(slug)
        print(f"made {relative(path)}" + (f" (in {', '.join(map(relative, specs))})"
                                           if specs else ""))
    if listed:
        print(f"listed {', '.join(listed)} in {relative(found.house.path)}")
    if not found.specs and found.complete:
        folder = "" if Path(root).resolve() == Path.cwd().resolve() else \
            " " + shlex.quote(relative(root))
        print(("" if was_project else f"{relative(root)} was no pamphlet project, so source/ "
               "was made in it; ") + f"next: {command()} init{folder} makes its pamphlet.toml, "
              "which takes every essay in source/")
    report_unplaced(found, slugs, diagnostics, made=True)


def sheets_and_sides(sheets: int, sides: int) -> str:
    """"1 sheet, 2 sides": an imposed PDF's paper."""
    return (f"{ngettext('{n} sheet', '{n} sheets', sheets)}, "
            f"{ngettext('{n} side', '{n} sides', sides)}")


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
