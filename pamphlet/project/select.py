"""A spec and the library into the ordered selection of essays it names (pure but for reading).

Selection: the spec's explicit `essays` list (or the whole library when it has none), then
`[select]`: tags (any of, all of), exclusions, an order (manual, date or title) and a limit.
Diagnostic codes: P104 a slug names no essay, P112 nothing selected, P114 an [essay.<slug>]
table names no selected essay, P116 the tags match no essay.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..diagnostics import Diagnostics
from .essays import Essay, essay_paths, read_essay
from .spec import Selection, Spec
from .schema import did_you_mean


def select(spec: Spec, diagnostics: Diagnostics, encoding: str = "utf-8") -> tuple[Essay, ...]:
    """The essays the spec selects, in its order; problems go to `diagnostics`."""
    paths = essay_paths(spec.source_dir)
    gate = spec.gate
    rules = spec.selection
    _check_slugs(spec, paths, rules.slugs or (), "essays", diagnostics)
    _check_slugs(spec, paths, rules.exclude, "exclude", diagnostics)
    candidates = list(paths) if rules.slugs is None else [s for s in rules.slugs if s in paths]
    essays = [essay for essay in (read_essay(paths[slug], diagnostics, encoding, gate)
                                  for slug in candidates) if essay is not None]
    chosen = choose(essays, rules)
    if (rules.tags_any or rules.tags_all) and essays and not _by_tags(essays, rules):
        known = sorted({tag for essay in essays for tag in essay.tags})
        diagnostics.error("P116", "no essay has the tags [select] asks for", spec.path,
                          spec.line_of("select", "tags_any" if rules.tags_any else "tags_all"),
                          hint="tags in the library: " + (", ".join(known) or "none"))
    elif not chosen and not diagnostics.has_errors:
        diagnostics.error("P112", "the spec selects no essays", spec.path,
                          spec.line_of("essays") or spec.line_of("select"),
                          hint="list essay slugs (file names without .md) in 'essays'")
    _check_overrides(spec, chosen, diagnostics)
    return tuple(chosen)


def selected_paths(spec: Spec, encoding: str = "utf-8",
                   read: Callable[[Path], Essay | None] | None = None) -> list[Path]:
    """The files of the essays the spec selects, in its order, without a word said (for a
    cache key: `read` may be a caller's cached reader). An essay that cannot be read counts
    by its file, so the key still follows it."""
    paths = essay_paths(spec.source_dir)
    rules = spec.selection
    read = read or (lambda path: read_essay(path, Diagnostics(), encoding, spec.gate))
    candidates = list(paths) if rules.slugs is None else [s for s in rules.slugs if s in paths]
    essays = {slug: read(paths[slug]) for slug in candidates}
    chosen = choose([essay for essay in essays.values() if essay is not None], rules)
    return [essay.path for essay in chosen] + [paths[slug] for slug, essay in essays.items()
                                                if essay is None]


def choose(essays: list[Essay], rules: Selection) -> list[Essay]:
    """Apply tags, exclusions, order and limit to essays already in manual order (pure)."""
    chosen = [essay for essay in _by_tags(essays, rules) if essay.slug not in rules.exclude]
    if rules.order == "date":
        chosen.sort(key=lambda essay: (essay.date is None, essay.date or ""))
    elif rules.order == "title":
        chosen.sort(key=lambda essay: essay.title.casefold())
    return chosen[:rules.limit] if rules.limit is not None else chosen


def _by_tags(essays: list[Essay], rules: Selection) -> list[Essay]:
    return [essay for essay in essays
            if (not rules.tags_any or set(rules.tags_any) & set(essay.tags))
            and set(rules.tags_all) <= set(essay.tags)]


def _check_slugs(spec: Spec, paths: dict[str, Path], slugs: tuple[str, ...], key: str,
                 diagnostics: Diagnostics) -> None:
    where = ("select", key) if key == "exclude" else (key,)
    for slug in slugs:
        if slug not in paths:
            diagnostics.error(
                "P104", f"no essay '{slug}' in {spec.source_dir.name}/", spec.path,
                spec.locator.line_of_value(slug, *where) if spec.locator else None,
                hint=did_you_mean(slug, paths) or f"add source/{slug}.md, or remove the slug")


def _check_overrides(spec: Spec, chosen: list[Essay], diagnostics: Diagnostics) -> None:
    selected = {essay.slug for essay in chosen}
    for slug in spec.overrides:
        if slug not in selected:
            diagnostics.error(
                "P114", f"[essay.{slug}] names an essay that is not selected", spec.path,
                spec.line_of("essay", slug),
                hint=did_you_mean(slug, selected) or "select the essay, or remove the table")
