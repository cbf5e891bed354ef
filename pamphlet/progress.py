"""How far a build has got, for the command line to show (the library never prints).

A build calls its `progress` with a `Step` as work finishes: the parts of the reading PDF
as each is laid out, and each output as it is made. The default is `silent`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Step:
    """One piece of a spec's build, finished."""

    kind: str  # "part": one part of the reading PDF laid out; "output": one output made
    # (and "spec", said by the command line itself: this spec's build begins)
    spec: Path  # the spec being built
    done: int = 0  # parts laid out so far (for "part")
    total: int = 0  # parts in all (for "part")
    name: str = ""  # the part's or the output's name


Progress = Callable[[Step], None]


def silent(step: Step) -> None:
    """Show nothing."""
