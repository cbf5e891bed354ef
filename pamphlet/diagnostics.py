"""Diagnostics: the one way every stage reports a problem in the user's input."""

from __future__ import annotations

import enum
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path


LONGEST_WORD = 200  # characters of one URL or path that a printed diagnostic shows


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a stable code, where it is, what is wrong and how to fix it."""

    code: str
    severity: Severity
    message: str
    path: Path | None = None
    line: int | None = None
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self, relative_to: Path | None = None) -> str:
        """`path:line` (or just `path`, or `pamphlet`) for the start of a printed line."""
        if self.path is None:
            return "pamphlet"
        path = self.path
        if relative_to is not None:
            try:
                path = path.resolve().relative_to(relative_to.resolve())
            except ValueError:
                pass
        return f"{path}:{self.line}" if self.line else str(path)

    def format(self, relative_to: Path | None = None) -> str:
        """The printed form: `path:line: CODE message`, with the hint on its own line."""
        # Whatever a message quotes, a 1 MB data: URL say, is shown a few lines long at most.
        message = shorten_urls(self.message, LONGEST_WORD)
        text = f"{self.location(relative_to)}: {self.code} {message}"
        if self.severity is Severity.WARNING:
            text = f"{self.location(relative_to)}: {self.code} warning: {message}"
        if self.hint:
            text += f"\n    hint: {shorten_urls(self.hint, LONGEST_WORD)}"
        return text


def as_plain(diagnostic: Diagnostic) -> dict:
    """A diagnostic as JSON can keep it (a cache entry holds the problems it was made with)."""
    return {**asdict(diagnostic), "severity": diagnostic.severity.value,
            "path": str(diagnostic.path) if diagnostic.path else None}


def from_plain(plain: dict) -> Diagnostic:
    """The diagnostic `as_plain` kept."""
    return Diagnostic(**{**plain, "severity": Severity(plain["severity"]),
                         "path": Path(plain["path"]) if plain.get("path") else None})


@dataclass
class Diagnostics:
    """A collector that stages append to; the CLI shows what it holds."""

    items: list[Diagnostic] = field(default_factory=list)
    # What `items` holds, to find a repeated finding at once: an essay of 50,000 broken
    # links must not compare each new one with every one before it.
    _seen: set[Diagnostic] = field(default_factory=set, repr=False, compare=False)
    _seen_of: tuple[int, int] = field(default=(0, 0), repr=False, compare=False)

    def error(self, code: str, message: str, path: Path | None = None,
              line: int | None = None, hint: str | None = None) -> Diagnostic:
        return self.add(Diagnostic(code, Severity.ERROR, message, path, line, hint))

    def warning(self, code: str, message: str, path: Path | None = None,
                line: int | None = None, hint: str | None = None) -> Diagnostic:
        return self.add(Diagnostic(code, Severity.WARNING, message, path, line, hint))

    def add(self, diagnostic: Diagnostic) -> Diagnostic:
        if self._seen_of != (id(self.items), len(self.items)):  # set or changed from outside
            self._seen = set(self.items)
        if diagnostic not in self._seen:
            self.items.append(diagnostic)
            self._seen.add(diagnostic)
        self._seen_of = (id(self.items), len(self.items))
        return diagnostic

    def extend(self, diagnostics: "Diagnostics | list[Diagnostic]") -> None:
        for diagnostic in diagnostics:
            self.add(diagnostic)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if not d.is_error]

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    def raise_if_errors(self) -> None:
        if self.has_errors:
            raise PamphletError(self.errors)


def internal_error(error: Exception, path: Path | None, what: str = "this spec") -> Diagnostic:
    """O510: a bug of pamphlet's stopped the work on `what`, with where it happened."""
    import traceback

    where = traceback.extract_tb(error.__traceback__)[-1:] if error.__traceback__ else []
    at = f" at {Path(where[0].filename).name}:{where[0].lineno}" if where else ""
    text = str(error)
    text = text if len(text) <= 200 else text[:199] + "…"
    return Diagnostic(
        "O510", Severity.ERROR, f"internal error while building {what}: "
        f"{type(error).__name__}: {text}{at}", path,
        hint="this is a bug in pamphlet; please report it with this spec (PAMPHLET_DEBUG=1 "
        "shows the traceback); any other specs are built as usual")


def grouped(diagnostics: "Diagnostics | list[Diagnostic]") -> list[list[Diagnostic]]:
    """The diagnostics in order, with each warning that recurs word for word in other files
    (one unknown front-matter key in 85 essays) gathered into one group at its first place.

    Errors are never grouped: each one is something to fix where it stands.
    """
    groups: list[list[Diagnostic]] = []
    by_text: dict[tuple, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if diagnostic.is_error:
            groups.append([diagnostic])
            continue
        key = (diagnostic.code, diagnostic.message, diagnostic.hint)
        group = by_text.get(key)
        if group is not None and diagnostic.path not in {d.path for d in group}:
            group.append(diagnostic)
            continue
        groups.append([diagnostic])
        by_text.setdefault(key, groups[-1])
    return groups


def format_group(group: list[Diagnostic], relative_to: Path | None = None, shown: int = 3) -> str:
    """One printed block for a group from `grouped`: the first diagnostic, and where else the
    same warning stands (the first `shown` places, then how many more)."""
    first, others = group[0], group[1:]
    if not others:
        return first.format(relative_to)
    places = ", ".join(d.location(relative_to) for d in others[:shown])
    more = f" and {len(others) - shown} more" if len(others) > shown else ""
    text = first.format(relative_to)
    head, _, hint = text.partition("\n")
    files = "file" if len(others) == 1 else "files"
    head += f" (also in {len(others)} other {files}: {places}{more}; --verbose lists each)"
    return f"{head}\n{hint}" if hint else head


class PamphletError(Exception):
    """Raised when a stage cannot go on; carries the diagnostics that say why."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = list(diagnostics)
        super().__init__("; ".join(d.format() for d in self.diagnostics))


def fail(code: str, message: str, path: Path | None = None, line: int | None = None,
         hint: str | None = None) -> PamphletError:
    """An error to raise at once: `raise fail("P101", ...)`."""
    return PamphletError(Diagnostic(code, Severity.ERROR, message, path, line, hint))


def shorten(text: str, limit: int = 160) -> str:
    """`text` cut to about `limit` characters for a message: a 1 MB data: URL, a long path.

    A data: URL keeps its media type; anything cut says how long it was.
    """
    text = str(text)
    if len(text) <= limit:
        return text
    if text[:5].lower() == "data:":
        head = text[:min(text.find(",") + 1 or limit, limit)]
        return f"{head}… ({len(text):,} characters)"
    return f"{text[:limit - 20]}…{text[-12:]} ({len(text):,} characters)"


def shorten_urls(text: str, limit: int = 160) -> str:
    """`text` with every over-long word in it (a URL, a path) shortened, as `shorten` does."""
    return re.sub(r"[^\s'\"<>()\[\]]{%d,}" % (limit + 1), lambda match: shorten(match[0], limit),
                  text)
