"""The site's units of work (each spec, each essay) and their fixed, content-stable shares.

A unit goes to a shard by a hash of its kind and name alone, so a shard's share never depends
on which other specs or essays exist: adding an essay moves no other unit to another machine.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..project.essays import essay_paths
from ..project.spec import specs_in


@dataclass(frozen=True, order=True)
class Unit:
    """One piece of the site's work: a spec to build, or an essay to give a page."""

    kind: str  # "spec" or "essay"
    name: str  # the spec's stem, or the essay's slug
    path: Path

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.name}"


def project_units(root: Path) -> list[Unit]:
    """Every spec of the project and every essay of its library, in a fixed order."""
    specs = [Unit("spec", spec.stem, spec.resolve()) for spec in specs_in(root)]
    essays = [Unit("essay", slug, path.resolve())
              for slug, path in essay_paths(root / "source").items()]
    return sorted(specs + essays)


def share(units: list[Unit], part: tuple[int, int] | None) -> list[Unit]:
    """The units of shard K of N (all of them without a part)."""
    if part is None:
        return list(units)
    k, n = part
    return [unit for unit in units if owner(unit, n) == k]


def owner(unit: Unit, n: int) -> int:
    """The shard (1..n) that does `unit`: from its kind and name only."""
    digest = hashlib.sha256(unit.key.encode()).digest()
    return int.from_bytes(digest[:8], "big") % n + 1


def units_digest(units: list[Unit]) -> str:
    """A fingerprint of every unit's name and content, which every shard of one run shares:
    shards built from two versions of a project are not gathered into one site."""
    digest = hashlib.sha256()
    for unit in units:
        digest.update(f"{unit.key}\n".encode())
        with unit.path.open("rb") as stream:
            digest.update(hashlib.file_digest(stream, "sha256").digest())
    return digest.hexdigest()


_PLAIN = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def tag_slug(tag: str) -> str:
    """A file name for a tag's pages: the tag itself when it is plain, else a readable part
    and a hash, so that no two tags share a page and no tag makes an unsafe name."""
    if _PLAIN.fullmatch(tag):
        return tag
    readable = re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-")[:30] or "tag"
    return f"{readable}-{hashlib.sha256(tag.encode()).hexdigest()[:8]}"

