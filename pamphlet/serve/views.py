"""What the pages show, as plain data: the essay reading view (the e-book's own rendering of
the essay, through assemble and the EPUB writer) and the specs a project has."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ..book.assemble import anchor, assemble
from ..diagnostics import Diagnostic, Diagnostics, PamphletError
from ..project.essays import essay_paths, read_essay
from ..outputs.epub import essay_section as epub_essay_section  # the e-book's markup
from ..text.links import linked_slugs
from ..store.paths import ignored
from ..project.select import select
from ..project.spec import SPEC_NAME, load_spec, spec_from_data
from ..project.schema import TomlLocator


@dataclass
class EssayView:
    """One essay as the e-book shows it, and what the build would say about it."""

    slug: str
    title: str
    html: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    context: str | None = None  # the spec whose build judged its links; None: the library
    outside: bool = False  # the essay is not one that spec selects


def essay_view(root: Path, slug: str, spec_name: str | None = None) -> EssayView | None:
    """The reading view of `source/<slug>.md`, or None if there is no such essay. Its links
    to other essays are judged as the build of `spec_name` judges them (a link to an essay
    it does not select is dropped, M304), or without one as `pamphlet check` does (any
    essay of the library may be linked to); each such link leads to that essay's view."""
    paths = essay_paths(root / "source")
    path = paths.get(slug)
    if path is None:
        return None
    diagnostics = Diagnostics()
    essay = read_essay(path, diagnostics)
    if essay is None:
        return EssayView(slug, slug, None, list(diagnostics), spec_name)
    try:
        spec, reachable = _context(root, essay, spec_name, paths)
        outside = spec_name is not None and slug not in reachable
        linked = [read_essay(paths[s], Diagnostics()) for s in sorted(
            (linked_slugs(essay.body) & reachable) - {slug})]
        essays = (essay, *(e for e in linked if e is not None))
        found = Diagnostics()
        chapter = assemble(spec, essays, found).chapters[0]
        diagnostics.extend(d for d in found if d.path is not None and
                           Path(d.path).resolve() == essay.path.resolve())
        images = {path.relative_to(spec.root).as_posix():
                  "/files/" + quote(path.relative_to(spec.root).as_posix())
                  for path in chapter.body.images}
        html = _essay_links(epub_essay_section(chapter, spec.lang, images), essays,
                            None if outside else spec_name)
    except PamphletError as error:
        diagnostics.extend(error.diagnostics)
        html, outside = None, False
    return EssayView(slug, essay.title, html, list(diagnostics), spec_name, outside)


def _context(root: Path, essay, spec_name: str | None, paths: dict) -> tuple:
    """The spec the essay is assembled with, and the essays its links may reach: those the
    named spec selects (the essay is shown with that spec's intro, questions and excerpt),
    else the whole library, with the project's language."""
    if spec_name is not None:
        spec = load_spec(root / spec_name)
        reachable = frozenset(e.slug for e in select(spec, Diagnostics()))
        if essay.slug in reachable:
            return spec, reachable
    lang, words = _language(root)
    spec = spec_from_data({"title": essay.title, "essays": [essay.slug], "lang": lang,
                           "words": words}, root / SPEC_NAME, TomlLocator(""))
    return spec, frozenset(paths)


def _essay_links(html: str, essays: tuple, spec_name: str | None) -> str:
    """Links to the other essays assembled beside this one (`#essay-00N...`, as the book
    writes them) as links to their reading views, where each is essay-001."""
    homes = {anchor(number): essay.slug for number, essay in enumerate(essays, 1)}
    query = f"?spec={quote(spec_name)}" if spec_name else ""

    def target(match: re.Match) -> str:
        home, rest = match[1], match[2] or ""
        if home not in homes or home == anchor(1):
            return match[0]
        fragment = f"#{anchor(1)}{rest}" if rest else ""
        return f'href="/essay/{quote(homes[home])}{query}{fragment}"'
    return re.sub(r'href="#(essay-\d{3})(-[^"]*)?"', target, html)


def _language(root: Path) -> tuple[str, dict]:
    """The project's language and own words (its pamphlet.toml's): the reading view shows
    an essay as the book would."""
    try:
        spec = load_spec(root / SPEC_NAME)
        return spec.lang, spec.words
    except PamphletError:
        return "en", {}


def spec_names(root: Path) -> list[str]:
    """The project's specs, as the browser names them: pamphlet.toml, packets/<name>.toml."""
    names = [SPEC_NAME] if (root / SPEC_NAME).is_file() else []
    packets = root / "packets"
    if packets.is_dir():
        names += sorted(f"packets/{p.name}" for p in packets.glob("*.toml")
                        if not ignored(p) and p.is_file())
    return names
