"""Every essay as a short pamphlet of its own (a booklet), as Amusewiki offers for each text.

For each essay of source/, `essay_specs` makes a spec in memory: the essay alone, with its own
title, author, date, summary and cover (the project's colours, its title and author), and
the rest from the project's pamphlet.toml (layout, page size, print settings, colophon). Each
booklet is built like any spec, all or nothing, into build/essays/: `<slug>.pdf`,
`<slug>-print.pdf`, `<slug>.epub` and the Kobo edition `<slug>.kepub.epub`. Its cache key
is the essay's own (cache.essay_key), so an edit to one essay rebuilds only its booklet.

Diagnostic codes: O531 build/essays leads out of the output folder; O532 a booklet's build
crashed (a bug of pamphlet's).
"""

from __future__ import annotations

import dataclasses
import hashlib
import traceback
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache
from ..diagnostics import Diagnostics, PamphletError, fail
from ..project.essays import Essay, essay_paths, read_essay
from ..project.printing import PrintSettings
from ..project.spec import SPEC_NAME, EbookSettings, Selection, Spec, load_spec, spec_from_data
from ..text.sanitiser import Origin, language, plain_field
from ..project.schema import TomlLocator
from ..locale.scripts import direction

if TYPE_CHECKING:
    from .pipeline import BuildResult

FOLDER = "essays"  # the booklets' folder inside the output folder, and their stems' prefix


def essay_specs(project_root: Path, diagnostics: Diagnostics | None = None,
                encoding: str = "utf-8") -> list[Spec]:
    """One spec per essay of source/, in slug order; `spec.stem` is the essay's slug and its
    outputs go to build/essays/ (see `booklet_stem`). An essay that cannot be read is left
    out, its problems reported into `diagnostics`."""
    root = Path(project_root).resolve()
    base = _base_spec(root)
    problems = Diagnostics() if diagnostics is None else diagnostics
    specs = []
    for path in essay_paths(root / "source").values():
        essay = read_essay(path, problems, encoding, base.gate)
        if essay is not None:
            specs.append(booklet_spec(base, essay))
    return specs


def _plain(essay: Essay, text: str | None, lang: str) -> str | None:
    """A front-matter line as the booklet's own title: plain text, its quotation marks the
    essay's language's (what is dropped from it is reported once, with its line, where the
    essay's heading is made)."""
    return None if text is None else plain_field(text, Origin(essay.path), Diagnostics(), "",
                                                 lang)


def booklet_stem(spec: Spec) -> str:
    """The booklet's outputs' path stem relative to the output folder: `essays/<slug>`."""
    return f"{FOLDER}/{spec.stem}"


def booklet_spec(base: Spec, essay: Essay) -> Spec:
    """The spec of one essay's booklet: the essay's own metadata, the project's settings."""
    lang = language(essay.lang, Origin(essay.path), Diagnostics(), base.lang) \
        if essay.lang else base.lang  # the build reports a bad tag, with its line
    return dataclasses.replace(
        base, path=essay.path.resolve(), title=_plain(essay, essay.title, lang),
        subtitle=_plain(essay, essay.subtitle, lang), editors=(), authors=essay.authors,
        date=essay.date, lang=lang, description=_plain(essay, essay.summary, lang),
        selection=Selection(slugs=(essay.slug,)),
        cover=dataclasses.replace(base.cover, image=None),  # the project's picture is not its
        colophon=dataclasses.replace(base.colophon,
                                     license=essay.license or base.colophon.license),
        event=None, printing=_printing(base, lang), intro=None, overrides={}, locator=None,
        ebook=EbookSettings(kobo=True), booklet=True,
        # The project's own words are in its language: a booklet in another has its own.
        words=base.words if _language(lang) == _language(base.lang) else {},
        # one essay: laid out as one document (parts pay off with several essays)
        pdf=dataclasses.replace(base.pdf, render="whole"))


def _language(tag: str) -> str:
    return tag.replace("_", "-").split("-")[0].lower()


def build_booklets(project_root: Path, out_dir: Path | None = None, jobs: int = 1,
                   shard: tuple[int, int] | None = None, force: bool = False,
                   encoding: str = "utf-8") -> list[BuildResult]:
    """Build every essay's booklet (or, with `shard=(k, n)`, the k-th of n fixed shares) into
    `out_dir`/essays/ (build/essays/); a booklet whose outputs are current is not rebuilt
    (`up_to_date`). One result per essay, in slug order; an unreadable essay's result holds
    its diagnostics and no spec."""
    from .pipeline import BuildResult

    root = Path(project_root).resolve()
    try:
        out = booklet_folder(root, out_dir)
        diagnostics = Diagnostics()
        specs = [spec for spec in essay_specs(root, diagnostics, encoding)
                 if in_shard(spec.stem, shard)]
    except PamphletError as error:
        return [_failed(error.diagnostics)]
    results = _unread(diagnostics, {spec.path for spec in specs}, shard)
    todo = []
    with cache.one_look():
        for spec in specs:
            key = cache.essay_key(spec, f"encoding={encoding}")
            current = None if force else _current(spec, out, key)
            if current is not None:
                results.append(current)
            else:
                todo.append((spec, key))
    results += _run(todo, out, jobs, encoding)
    return sorted(results, key=lambda r: r.spec.stem if r.spec else _stem(r.diagnostics))


def booklet_folder(project_root: Path, out_dir: Path | None = None) -> Path:
    """`out_dir`/essays, or the project's build/essays, which must stay inside it (O531)."""
    from ..project.filenames import output_folder

    base = output_folder(Path(project_root) / SPEC_NAME, out_dir)
    out = base / FOLDER
    if not out.resolve().is_relative_to(base.resolve()):
        raise fail("O531", f"{out} is a link to {out.resolve()}, outside {base}, so no "
                   "booklet is built there", out,
                   hint="remove the link; the booklets are written into a folder of their own")
    return out


def in_shard(stem: str, shard: tuple[int, int] | None) -> bool:
    """Whether the booklet `stem` falls in the k-th of n shares: by a hash of its name, so an
    essay stays in its share whatever other essays come and go."""
    if shard is None:
        return True
    k, n = shard
    return int(hashlib.sha256(stem.encode()).hexdigest(), 16) % n == k - 1


def outputs_of(spec: Spec, out: Path) -> list[Path]:
    """The files a booklet's build writes into `out` (build/essays/)."""
    from ..project.filenames import output_names

    return [out / name for name in output_names(spec)]


def _base_spec(root: Path) -> Spec:
    """The project's pamphlet.toml, whose settings booklets inherit; else the defaults."""
    if (root / SPEC_NAME).is_file():
        return load_spec(root / SPEC_NAME)
    return spec_from_data({"title": "Booklet", "essays": []}, root / SPEC_NAME,
                          TomlLocator(""))


def _printing(base: Spec, lang: str) -> PrintSettings:
    """The project's [print] settings with a reading and a print PDF, else the defaults."""
    if base.printing is None:
        return PrintSettings(binding="right" if direction(lang) == "rtl" else "left")
    variants = tuple(dict.fromkeys(("read", "print", *base.printing.variants)))
    return dataclasses.replace(base.printing, variants=variants)


def _quiet_cross_links(result: BuildResult) -> BuildResult:
    """Without M304 for links to the project's other essays: a booklet holds one essay, so
    they are dropped as expected (the pamphlets that hold both keep them)."""
    slugs = set(essay_paths(result.spec.source_dir))
    def expected(diagnostic) -> bool:
        href = diagnostic.message.rpartition(": ")[2].partition("#")[0]
        return diagnostic.code == "M304" and href.endswith(".md") and Path(href).stem in slugs
    result.diagnostics.items = [d for d in result.diagnostics if not expected(d)]
    return result


def _failed(diagnostics) -> BuildResult:
    """The result of a booklet (or all of them) that could not even start."""
    from .pipeline import BuildResult

    result = BuildResult()
    result.diagnostics.extend(diagnostics)
    return result


def _unread(diagnostics: Diagnostics, read: set[Path],
            shard: tuple[int, int] | None) -> list[BuildResult]:
    """A failed result for each essay of the share that could not be read, with its
    problems (those of essays that were read are reported again by their own builds)."""
    by_essay: dict[Path, list] = {}
    for diagnostic in diagnostics:
        path = Path(diagnostic.path).resolve() if diagnostic.path else None
        if path not in read and in_shard(path.stem if path else "", shard):
            by_essay.setdefault(path, []).append(diagnostic)
    return [_failed(found) for found in by_essay.values()]


def _stem(diagnostics: Diagnostics) -> str:
    first = next(iter(diagnostics), None)
    return Path(first.path).stem if first and first.path else ""


def _run(todo: list[tuple[Spec, str]], out: Path, jobs: int, encoding: str) -> list[BuildResult]:
    if jobs <= 1 or len(todo) < 2:
        return [_build_one(spec, out, key, encoding) for spec, key in todo]
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo))) as pool:
        futures = [pool.submit(_build_one, spec, out, key, encoding) for spec, key in todo]
        return [_outcome(future, spec) for future, (spec, _) in zip(futures, todo)]


def _outcome(future, spec: Spec) -> BuildResult:
    """A worker's result; a worker that died (killed, out of memory) fails its booklet."""
    try:
        return future.result()
    except BrokenProcessPool:
        return _crashed(spec, "the process building it died (killed, or out of memory)")


def build_booklet(spec: Spec, folder: Path, encoding: str = "utf-8", key: str | None = None,
                  force: bool = False) -> BuildResult:
    """Build one essay's booklet into `folder` (see `booklet_folder`), as `pamphlet build
    --each-essay` and `pamphlet site` both do: skipped when current (`up_to_date`), its links
    to the project's other essays dropped without a word (no M304), a crash its own (O532)."""
    from .pipeline import build_spec

    key = key or cache.essay_key(spec, f"encoding={encoding}")
    current = None if force else _current(spec, folder, key)
    if current is not None:
        return current
    try:
        return _quiet_cross_links(build_spec(spec, folder, encoding, key))
    except Exception as error:  # a bug of ours: name the essay, and build the others
        where = traceback.extract_tb(error.__traceback__)[-1:]
        at = f" at {Path(where[0].filename).name}:{where[0].lineno}" if where else ""
        return _crashed(spec, f"internal error: {type(error).__name__}: {error}{at}")


def _current(spec: Spec, folder: Path, key: str) -> BuildResult | None:
    """The result of a booklet whose recorded outputs are current, else None."""
    from .pipeline import BuildResult

    outputs = cache.current_outputs(folder, spec.path, key)
    return None if outputs is None else BuildResult(spec=spec, outputs=outputs, up_to_date=True)


def _build_one(spec: Spec, out: Path, key: str, encoding: str) -> BuildResult:
    """A stale booklet, built (in a worker, with --jobs)."""
    return build_booklet(spec, out, encoding, key, force=True)


def _crashed(spec: Spec, what: str) -> BuildResult:
    """O532: this essay's booklet could not be built for a reason of pamphlet's own."""
    from .pipeline import BuildResult

    result = BuildResult(spec=spec)
    result.diagnostics.error(
        "O532", f"the booklet could not be built: {what}", spec.path,
        hint="build it again alone (without --jobs) to see more; if it recurs, this is a bug "
        "in pamphlet: please report it with this essay")
    return result
