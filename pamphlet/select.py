"""A spec and the library into the ordered selection of essays it names.

Diagnostic codes: P104 a slug names no essay (with the nearest slug), P112 nothing selected.
"""

from __future__ import annotations

from .diagnostics import Diagnostics
from .essays import Essay, essay_paths, read_essay
from .project import Spec
from .schema import did_you_mean


def select(spec: Spec, diagnostics: Diagnostics) -> tuple[Essay, ...]:
    """The essays the spec lists, in its order; problems go to `diagnostics`."""
    paths = essay_paths(spec.source_dir)
    essays: list[Essay] = []
    for slug in spec.essays:
        path = paths.get(slug)
        if path is None:
            diagnostics.error(
                "P104", f"no essay '{slug}' in {spec.source_dir.name}/", spec.path,
                spec.locator.line_of_value(slug, "essays") if spec.locator else None,
                hint=did_you_mean(slug, paths) or f"add source/{slug}.md, or remove the slug")
            continue
        essay = read_essay(path, diagnostics)
        if essay is not None:
            essays.append(essay)
    if not spec.essays:
        diagnostics.error("P112", "the spec selects no essays", spec.path,
                          spec.line_of("essays"),
                          hint="list essay slugs (file names without .md) in 'essays'")
    return tuple(essays)
