"""Which specs take which essays, so that `new`, `import` and `check` can say where an essay
goes; and `--add`, which lists new essays in the project's spec.

A spec takes an essay when its selection does (select.py): pamphlet.toml without `essays`
or `[select]` takes every essay in source/, so a new project builds what it holds; once it
lists its essays, a new one goes in only when it is listed. `--add` lists it with tomlkit,
so the spec keeps its comments, order and layout.

Diagnostic codes: C106 an essay no spec takes (warning: `check`, and `new` and `import`
for the essays they make), N884 the folder is not a project, N885 the spec cannot be edited
(it is not valid, or cannot be written), N886 the spec chooses its essays by tags, so listing
one would not put it in (warning).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tomlkit
import tomlkit.exceptions

from ..diagnostics import Diagnostics, PamphletError, fail
from ..store.atomic import atomic_output
from .select import selected_paths
from .spec import SPEC_NAME, Spec, is_project, load_spec, specs_in


@dataclass(frozen=True)
class Membership:
    """The specs of a project and the essays each takes."""

    specs: dict[Path, frozenset[str]]  # every spec that loads: the slugs it takes
    house: Spec | None  # pamphlet.toml, or else the only packet: where --add lists essays
    broken: tuple[Path, ...] = ()  # the specs that do not load: they may take any essay

    @property
    def complete(self) -> bool:
        """Whether every spec loaded, so that an essay none takes is in none."""
        return not self.broken

    def taking(self, slug: str) -> list[Path]:
        """The specs that take the essay `slug`."""
        return [path for path, slugs in self.specs.items() if slug in slugs]


def project_folder(folder: Path) -> Path:
    """`folder`, if it is a project (N884 otherwise): new essays are written only into one."""
    if not is_project(folder):
        raise fail("N884", f"{folder} is not a pamphlet project (no {SPEC_NAME}, source/ or "
                   "packets/), so no essay is written there", folder,
                   hint="make one with: pamphlet init (or name one with --project DIR)")
    return folder


def membership(root: Path) -> Membership:
    """Which essays each of the project's specs takes (specs that do not load are left out)."""
    try:
        paths = specs_in(root)
    except PamphletError:  # no spec at all: essays are in none
        return Membership({}, None)
    specs, broken = {}, []
    for path in paths:
        try:
            specs[path] = load_spec(path)
        except PamphletError:
            broken.append(path)
    taken = {path: frozenset(essay.stem for essay in selected_paths(spec))
             for path, spec in specs.items()}
    house = specs.get(root / SPEC_NAME) or (specs[paths[0]] if specs and len(paths) == 1
                                            else None)
    return Membership(taken, house, tuple(broken))


def report_unplaced(found: Membership, essays: dict[str, Path], diagnostics: Diagnostics,
                    made: bool = False) -> None:
    """C106 for each essay (slug: file) that no spec takes, with how to put it in; nothing
    in a project with no spec, or when some spec does not load (its own error comes first,
    and it may take them). Essays just `made` are named in the hint; check's hint is one
    for all, so that many are shown as one warning."""
    if not found.complete or not found.specs:
        return
    for slug, path in essays.items():
        if found.taking(slug):
            continue
        name = f'"{slug}"' if made else "its file name (without .md)"
        if found.house is not None:
            hint = listing_hint(found.house, name, slug)
        else:
            hint = f"list {name} in the essays of one of: " + ", ".join(
                path.name for path in found.specs)
        if made and found.house is not None and found.house.selection.slugs is not None:
            hint += "; next time, --add lists a new essay as it is made"
        diagnostics.warning("C106", "no spec takes this essay, so no build holds it", path, 1,
                            hint=hint)


def listing_hint(spec: Spec, names: str, slug: str | None = None) -> str:
    """How to put essays (`names`, as said) in `spec` by hand, where it leaves them out
    (`slug`: the one essay, if it is one)."""
    if slug is not None and slug in (spec.selection.slugs or ()):
        return (f"{spec.path.name} lists it, but its [select] leaves it out (tags_any, "
                "tags_all, exclude or limit)")
    if spec.selection.slugs is not None:
        line = spec.line_of("essays")
        at = f" (line {line})" if line else ""
        return f"add {names} to essays in {spec.path.name}{at}"
    rules = spec.selection
    tags, which = (rules.tags_any, "one") if rules.tags_any else (rules.tags_all, "all")
    return (f"{spec.path.name} chooses its essays by tags in [select] ({', '.join(tags)}): "
            f"give the essay {which} of them" if tags else
            f"{spec.path.name} leaves it out by [select] exclude or limit")


def add_to_spec(spec: Spec, slugs: list[str], diagnostics: Diagnostics) -> list[str]:
    """List `slugs` at the end of the spec's `essays`, keeping its comments and layout; the
    slugs it lists now. A spec that chooses by tags gets no list (N886)."""
    if spec.selection.slugs is None:
        if spec.selection.tags_any or spec.selection.tags_all:
            diagnostics.warning("N886", "the spec chooses its essays by tags, so listing "
                                "the new ones would not put them in", spec.path,
                                spec.line_of("select"), hint=listing_hint(spec, "them"))
        return []  # without a list, it takes every essay in source/ already
    new = [slug for slug in slugs if slug not in spec.selection.slugs]
    if not new:
        return []
    try:
        if spec.path.is_symlink():  # written over, the link would become a file
            raise OSError("it is a symbolic link")
        document = tomlkit.parse(spec.path.read_text(encoding="utf-8-sig"))
        document["essays"].extend(new)
        mode = spec.path.stat().st_mode & 0o7777  # the user's, which the new file keeps
        with atomic_output(spec.path, mode) as temporary:
            temporary.write_text(tomlkit.dumps(document), encoding="utf-8")
    except PamphletError as error:  # the disk is full, the folder read-only, ...
        problem = error.diagnostics[0].message
    except (OSError, tomlkit.exceptions.TOMLKitError, ValueError) as error:
        problem = getattr(error, "strerror", None) or str(error)
    else:
        return new
    diagnostics.error("N885", f"cannot list the new essays in {spec.path.name}: {problem}",
                      spec.path, spec.line_of("essays"),
                      hint=listing_hint(spec, ", ".join(f'"{slug}"' for slug in new)))
    return []
