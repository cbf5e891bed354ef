"""The time limit of a command that reads a project without building it (`list`, `check`,
`import`, `site`'s units and gathering): the spec's `[pdf] time_limit`, as a build has.

A project, an export or a shard may come from someone who means harm. Every pattern over
their text is linear, so this is the backstop for what is merely huge or not yet known:
the command stops with S909, which names the limit and how to raise it, and writes nothing
half-way (each command writes only once its work is done, or all at once).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import PamphletError, fail
from ..store.limits import time_limit
from .spec import PdfSettings, Spec, load_spec

DEFAULT = PdfSettings().time_limit


@dataclass(frozen=True)
class CommandLimit:
    """How long a command may work, and the spec (and line) that says so."""

    seconds: int = DEFAULT
    spec: Path | None = None
    line: int | None = None

    @classmethod
    def of(cls, path: Path) -> "CommandLimit":
        """The limit the spec at `path` (a spec, or a project's pamphlet.toml) sets; the
        default where none loads (the command itself says why). Reading it is bounded too."""
        try:
            with cls().bound(f"reading {Path(path).name}"):
                spec = load_spec(path)
        except PamphletError as error:
            if any(d.code == "S909" for d in error.diagnostics):
                raise
            spec = None
        return cls.of_spec(spec)

    @classmethod
    def of_spec(cls, spec: Spec | None) -> "CommandLimit":
        """The limit a loaded spec sets (the default without one)."""
        if spec is None:
            return cls()
        return cls(spec.pdf.time_limit, spec.path, spec.line_of("pdf", "time_limit"))

    def bound(self, what: str, started: float | None = None):
        """A context in which `what` (a command, a unit of the site) stops at the limit,
        counted from `started` (a time.monotonic(); by default now)."""
        return time_limit(self.seconds, self._stopped(what), started)

    def _stopped(self, what: str):
        where = f"[pdf] time_limit in {self.spec.name}" if self.spec else \
            "[pdf] time_limit in the project's pamphlet.toml (pamphlet init makes one)"
        return lambda: fail("S909", f"{what} took longer than {self.seconds} s and was "
                            "stopped", self.spec, self.line,
                            hint=f"if the project is one you trust, raise {where} "
                            "(0: no limit)")


def command_limit(path: Path, what: str):
    """A context in which `what` (a command) stops at the limit of the project or spec at
    `path`."""
    return CommandLimit.of(path).bound(what)
