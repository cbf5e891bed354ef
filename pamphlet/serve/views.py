"""What the pages show, as plain data: the essay reading view (the e-book's own rendering of
the essay, through assemble and the EPUB writer) and the specs a project has."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ..book.assemble import assemble
from ..diagnostics import Diagnostic, Diagnostics, PamphletError
from ..project.essays import essay_paths, read_essay
from ..outputs.epub import essay_section as epub_essay_section  # the e-book's markup
from ..store.paths import ignored
from ..project.spec import SPEC_NAME, load_spec, spec_from_data
from ..project.schema import TomlLocator


@dataclass
class EssayView:
    """One essay as the e-book shows it, and what the build would say about it."""

    slug: str
    title: str
    html: str | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def essay_view(root: Path, slug: str) -> EssayView | None:
    """The reading view of `source/<slug>.md`, or None if there is no such essay."""
    path = essay_paths(root / "source").get(slug)
    if path is None:
        return None
    diagnostics = Diagnostics()
    essay = read_essay(path, diagnostics)
    if essay is None:
        return EssayView(slug, slug, None, list(diagnostics))
    try:
        lang, words = _language(root)
        spec = spec_from_data({"title": essay.title, "essays": [slug], "lang": lang,
                               "words": words}, root / SPEC_NAME, TomlLocator(""))
        chapter = assemble(spec, (essay,), diagnostics).chapters[0]
        images = {path.relative_to(spec.root).as_posix():
                  "/files/" + quote(path.relative_to(spec.root).as_posix())
                  for path in chapter.body.images}
        html = epub_essay_section(chapter, spec.lang, images)
    except PamphletError as error:
        diagnostics.extend(error.diagnostics)
        html = None
    return EssayView(slug, essay.title, html, list(diagnostics))


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
