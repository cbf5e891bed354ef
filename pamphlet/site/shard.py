"""One shard of the site: build a share of the units and write their records and files.

A shard folder holds `shard.json` (which share of which run it is), `records/` and the files
the records bring, where they stand in the site (files/, covers/, media/). A one-machine build
is the shard 1/1 in build/.site-work, gathered; so it reuses that folder's records when
nothing they are made from changed. Which records are current is read from one index,
`index.json` (each record's key, files, size and time), so a rebuild that changes nothing
parses no record: at 10,000 essays, reading them all took longer than the rest.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..build import cache
from ..diagnostics import Diagnostics, PamphletError, fail, internal_error
from ..project.limit import CommandLimit
from ..project.spec import SPEC_NAME, Spec, load_spec, project_root
from ..project.essays import Essay, read_essay
from ..store.atomic import atomic_output, write_file
from ..store.paths import writable
from .records import (FORMAT, assets_digest, downloads, essay_key, essay_record,
                      save_record, spec_record)
from .units import Unit, project_units, share, units_digest
from ..locale.words import Words
from ..text.sanitiser import Origin, language

if TYPE_CHECKING:
    from ..book.assemble import Pamphlet

MANIFEST = "shard.json"
# In a shard folder while its shard is made (MANIFEST says it is whole): a run stopped
# half-way (a crash, Ctrl-C, a killed machine) leaves a folder the next run knows as its own.
UNFINISHED = ".unfinished"
INDEX = "index.json"
GATHERED = "gathered.json"  # a one-machine build's stamp of the site it last gathered
CONTENT = ("records", "files", "covers", "media")


@dataclass
class ShardResult:
    """What a shard did, unit by unit, and what it had to say."""

    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    built: list[str] = field(default_factory=list)  # units made afresh
    reused: list[str] = field(default_factory=list)  # units whose record was current
    failed: list[str] = field(default_factory=list)


@dataclass
class Library:
    """What the shard's units may depend on, worked out once: the essays' names, their
    images' fingerprint, and each essay's front matter, read when a spec's key asks."""

    paths: dict[str, Path]
    house: Spec | None
    encoding: str
    assets: str = ""  # a fingerprint of source/'s images
    read: dict[Path, Essay | None] = field(default_factory=dict)

    @property
    def words(self) -> Words:
        """The site's words: its house spec's language and [words] (English without one)."""
        house = self.house
        if house is None:
            return Words()
        lang = language(house.lang, Origin(house.path), Diagnostics(), "en")  # (reported by
        return Words.for_language(lang, house.words)  # the spec's build, with its line)

    @property
    def slugs(self) -> list[str]:
        return list(self.paths)

    @property
    def slug_set(self) -> set[str]:
        return set(self.paths)

    def essay(self, path: Path) -> Essay | None:
        """The essay at `path`, read once (the spec's build reports any problem, with its
        line)."""
        if path not in self.read:
            gate = self.house.gate if self.house else None
            self.read[path] = read_essay(path, Diagnostics(), self.encoding, gate)
        return self.read[path]


def make_shard(root: Path, work: Path, part: tuple[int, int] | None,
               encoding: str = "utf-8", progress=None) -> ShardResult:
    """Build shard `part` (K, N) of the project at `root` into the folder `work`."""
    result = ShardResult()
    units = project_units(root)
    mine = share(units, part)
    prepare_folder(work, (MANIFEST, UNFINISHED), "a shard folder")
    (work / UNFINISHED).write_text("a shard being made by pamphlet site\n")
    for folder in CONTENT:  # what is pruned and written in it leads nowhere else
        writable(work / folder, work, "T105", "shard's folder", make=False)
    (work / MANIFEST).unlink(missing_ok=True)  # until the shard is whole, it is none
    house = _house_spec(root, result.diagnostics)
    library = Library({u.name: u.path for u in units if u.kind == "essay"}, house, encoding,
                      assets_digest(house) if house else "")
    booklets = _booklet_specs(root, house, encoding)
    index = load_index(work)
    limit = CommandLimit.of_spec(house)
    with cache.one_look():
        for number, unit in enumerate(mine, 1):
            if progress:
                progress(number, len(mine), unit)
            try:  # each unit has its spec's whole time limit: a library's units are many
                with (CommandLimit.of(unit.path) if unit.kind == "spec" else limit).bound(
                        f"making the site's {unit.key}"):
                    if unit.kind == "spec":
                        _spec_unit(unit, work, library, index, result)
                    elif house is not None:
                        _essay_unit(unit, house, library, booklets.get(unit.name), work,
                                    encoding, index, result)
            except PamphletError as error:  # the time limit's (S909); the others go on
                result.diagnostics.extend(error.diagnostics)
                result.failed.append(unit.key)
            except Exception as error:  # a bug of ours: said as `build` says it; others go on
                if os.environ.get("PAMPHLET_DEBUG"):
                    raise
                result.diagnostics.add(internal_error(error, unit.path,
                                                      "this unit of the site"))
                result.failed.append(unit.key)
    _forget_others(work, mine, index)
    _save_index(work, index)
    manifest = {"format": FORMAT, "part": list(part or (1, 1)), "units": units_digest(units),
                "site": site_title(root, house), "failed": sorted(result.failed),
                # The language the site speaks, and the collective's own words (trust.py).
                "lang": library.words.lang, "words": dict(library.words.overrides),
                # Shards made by other versions, or stamped with other times, differ too.
                "made": f"pamphlet {__version__}, SOURCE_DATE_EPOCH "
                        f"{os.environ.get('SOURCE_DATE_EPOCH', 'unset')}"}
    write_file(work / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode(), work)
    (work / UNFINISHED).unlink()
    return result


def site_title(root: Path, house: Spec | None) -> str:
    """The library's name: the publisher of its main spec, else the project folder's name."""
    if house is not None and house.colophon.publisher:
        return house.colophon.publisher
    words = Words.for_language(house.lang, house.words) if house else Words()
    return root.resolve().name or words.pgettext("site_library", "Library")


def prepare_folder(folder: Path, markers: str | tuple[str, ...], what: str,
                   make: bool = True) -> None:
    """Make `folder` (or, without `make`, its parent), or check that it is one of ours (it
    holds one of the `markers`) or empty: a site or shard is written over only where
    pamphlet wrote one before, never over a user's folder."""
    markers = (markers,) if isinstance(markers, str) else markers
    if folder.is_symlink() or folder.exists() and not folder.is_dir():
        raise fail("T105", f"{folder} is not a folder pamphlet can write {what} into", folder,
                   hint="name another folder with --out")
    if folder.is_dir() and any(folder.iterdir()) and \
            not any((folder / marker).is_file() for marker in markers):
        raise fail("T105", f"{folder} already holds files that are not {what} pamphlet made, "
                   "so nothing is written there", folder,
                   hint="name an empty or new folder with --out")
    try:
        (folder if make else folder.parent).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise fail("T105", f"cannot make {folder}: {error.strerror or error}", folder,
                   hint="name a folder you can write into with --out") from None


def _house_spec(root: Path, diagnostics: Diagnostics) -> Spec | None:
    """The spec whose language and limits the essays' own pages follow: pamphlet.toml, or
    else the first packet that loads."""
    from ..project.spec import specs_in

    problems = Diagnostics()
    for path in specs_in(root):
        try:
            return load_spec(path)
        except PamphletError as error:
            problems.extend(error.diagnostics)
    diagnostics.extend(problems)  # each spec's build says the same; essays get no pages
    return None


def _spec_unit(unit: Unit, work: Path, library: Library, index: dict,
               result: ShardResult) -> None:
    """Build the spec through the cache, then record it (unless its record is current)."""
    from ..project.filenames import output_folder

    encoding = library.encoding
    try:
        spec, build_key = _site_spec(unit.path, library)
        words = library.words
        key = f"{build_key}|{words.lang}|{words.overrides!r}"  # what the site writes of it
        if _current(work, index, unit, key):
            result.reused.append(unit.key)
            return
        outputs = _built(spec, output_folder(unit.path), build_key, encoding, result)
        if outputs is None:
            result.failed.append(unit.key)
            return
        with tempfile.TemporaryDirectory(dir=work, prefix=".kobo-") as scratch:
            offered = _with_kobo(spec, outputs, Path(scratch))
            record = spec_record(_model(spec, encoding), offered, work,
                                 print_plans(spec, outputs, words), words)
    except PamphletError as error:
        result.diagnostics.extend(error.diagnostics)
        result.failed.append(unit.key)
        return
    _save(work, unit, {**record, "key": key}, index, result)


def _site_spec(path: Path, library: Library) -> tuple[Spec, str]:
    """The spec, with the key `pamphlet build` gives it: each command finds current what
    the other built (and an edit to one essay rebuilds only the specs that hold it)."""
    return load_spec(path), cache.build_key(path, library.encoding, library.essay)


def _with_kobo(spec: Spec, outputs: list[Path], scratch: Path) -> list[Path]:
    """The outputs, and the Kobo edition that the site always offers: the spec's own if it
    asks for one, else made from its EPUB into `scratch` (build/ keeps only what the spec
    asks for)."""
    from ..outputs.kepub import write_kepub

    if spec.ebook.kobo:
        return outputs
    epub = next(path for path in outputs if path.name == f"{spec.stem}.epub")
    return [*outputs, write_kepub(epub, scratch / f"{spec.stem}.kepub.epub", spec.path)]


def _built(spec: Spec, out: Path, key: str, encoding: str, result: ShardResult) -> list | None:
    """The spec's outputs: the cached ones when current, else built now; None if it failed."""
    from ..build.pipeline import build_spec

    outputs = cache.current_outputs(out, spec.path, key, result.diagnostics)
    if outputs is not None:
        return outputs
    built = build_spec(spec, out, encoding, key)
    result.diagnostics.extend(built.diagnostics)
    return built.outputs if built.ok else None


def _model(spec: Spec, encoding: str) -> "Pamphlet":
    """The pamphlet as its build assembled it (what it had to say was shown by the build)."""
    from ..book.assemble import assemble
    from ..project.select import select

    quiet = Diagnostics()
    return assemble(spec, select(spec, quiet, encoding), quiet)


def print_plans(spec: Spec, outputs: list[Path], words: Words = Words()) -> dict[str, str]:
    """The copy-shop line of each print PDF, in the site's `words`, worked out again from
    the reading PDF's pages (a build skipped as current left no result to read it from)."""
    from pypdf import PdfReader

    from ..outputs.wrap import perfect_plan
    from ..project.imposition import impose
    from ..project.printing import print_plan, sheet_size

    settings = spec.printing
    reading = next((p for p in outputs if p.name == f"{spec.stem}.pdf"), None)
    if settings is None or reading is None:
        return {}
    pages = len(PdfReader(reading).pages)
    if settings.scheme == "perfect":  # no imposition: the pages stay in reading order
        line = perfect_plan(pages, settings, words)
        return {f"{spec.stem}-print.pdf": line, f"{spec.stem}-print-bw.pdf": line}
    plan = impose(settings.scheme, pages, 1, settings.signature, settings.duplex,
                  settings.binding)
    sides = sum(1 + (sheet.back is not None) for sheet in plan.sheets)
    line = print_plan(pages, len(plan.sequence), len(plan.sheets), sides,
                      sheet_size(settings, spec.pdf.page_size)[0], settings, words)
    return {f"{spec.stem}-print.pdf": line, f"{spec.stem}-print-bw.pdf": line}


def _booklet_specs(root: Path, house: Spec | None, encoding: str) -> dict[str, Spec]:
    """Each essay's booklet spec, by slug, when pamphlet.toml asks for them (each_essay)."""
    from ..build.booklets import essay_specs

    if house is None or house.path.name != SPEC_NAME or not house.site.each_essay:
        return {}
    # An essay that cannot be read is reported by its own unit, which then fails.
    return {spec.stem: spec for spec in essay_specs(root, Diagnostics(), encoding)}


def _essay_unit(unit: Unit, house: Spec, library: Library, booklet: Spec | None, work: Path,
                encoding: str, index: dict, result: ShardResult) -> None:
    """The essay's page (and, with each_essay, its booklet), unless its record is current."""
    key = essay_key(unit.path, house, library.slug_set, library.assets)
    booklet_key = cache.essay_key(booklet, f"encoding={encoding}") if booklet else ""
    if _current(work, index, unit, key + booklet_key):
        result.reused.append(unit.key)
        return
    try:
        record = essay_record(unit.path, house, library.slugs, work, result.diagnostics)
        if record is not None and booklet is not None:
            record = _with_booklet(record, booklet, booklet_key, work, encoding, result,
                                   library.words)
    except PamphletError as error:
        result.diagnostics.extend(error.diagnostics)
        record = None
    if record is None:
        result.failed.append(unit.key)
        return
    _save(work, unit, {**record, "key": key + booklet_key}, index, result)


def _with_booklet(record: dict, booklet: Spec, key: str, work: Path, encoding: str,
                  result: ShardResult, words: Words = Words()) -> dict | None:
    """The essay's record with its booklet's downloads and cover; None if it failed."""
    from ..build.booklets import FOLDER, booklet_folder, build_booklet

    built = build_booklet(booklet, booklet_folder(booklet.root), encoding, key)
    result.diagnostics.extend(built.diagnostics)
    if not built.ok:
        return None
    outputs = built.outputs
    files, cover = downloads(outputs, work, booklet.stem,
                             print_plans(booklet, outputs, words), (FOLDER,), words,
                             booklet.printing is not None
                             and booklet.printing.scheme == "perfect")
    return {**record, "downloads": files, "cover": cover}


def _save(work: Path, unit: Unit, record: dict, index: dict, result: ShardResult) -> None:
    record["files"] = sorted(record_files(record))
    path = save_record(work, unit.kind, unit.name, record)
    index[path.name] = {"key": record["key"], "files": record["files"], "stat": _stat(path)}
    result.built.append(unit.key)


def load_index(work: Path) -> dict:
    """The index of the shard folder's records, by file name: each one's key and files. An
    entry whose record is gone or was written since (a run stopped before its index was
    saved) is left out, so its unit is made again."""
    try:
        data = json.loads((work / INDEX).read_text())
        entries = data["records"] if data.get("format") == FORMAT else {}
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return {}
    index = {}
    for name, entry in entries.items() if isinstance(entries, dict) else ():
        try:
            fresh = _stat(work / "records" / name) == entry["stat"]
            files = [str(path) for path in entry["files"]]
            if fresh and isinstance(entry["key"], str):
                index[name] = {"key": entry["key"], "files": files, "stat": entry["stat"]}
        except (OSError, KeyError, TypeError):
            continue
    return index


def _save_index(work: Path, index: dict) -> None:
    with atomic_output(work / INDEX) as temporary:
        temporary.write_text(json.dumps({"format": FORMAT, "records": index}, sort_keys=True))


def _stat(path: Path) -> list[int]:
    info = path.lstat()
    return [info.st_size, info.st_mtime_ns]


def _current(work: Path, index: dict, unit: Unit, key: str) -> bool:
    """Whether the unit's record was made with `key`, and the files it brings are there."""
    entry = index.get(f"{unit.kind}-{unit.name}.json")
    return entry is not None and entry["key"] == key and _files_present(work, entry)


def record_files(record: dict) -> set[str]:
    """The site-relative paths of the files a record brings."""
    from urllib.parse import unquote

    found = {d["href"] for d in record.get("downloads", [])}
    cover = record.get("cover")
    if cover:
        found |= {cover["href"], cover["thumb"]}
    found |= set(record.get("media", []))
    return {unquote(path) for path in found}


def _files_present(work: Path, record: dict) -> bool:
    return all((work / path).is_file() for path in record.get("files", ()))


def _forget_others(work: Path, mine: list[Unit], index: dict) -> None:
    """Remove records of units that are not this shard's (any more), or that the index does
    not know (a unit that failed), and every file no record brings: a shard folder holds
    exactly its share."""
    wanted = {f"{u.kind}-{u.name}.json" for u in mine}
    for path in sorted((work / "records").glob("*.json")) if (work / "records").is_dir() else []:
        if path.name not in wanted or path.name not in index:
            path.unlink()
            index.pop(path.name, None)
    keep = {name for entry in index.values() for name in entry["files"]}
    for folder in CONTENT[1:]:
        for path in sorted((work / folder).rglob("*")) if (work / folder).is_dir() else []:
            if path.is_file() and path.relative_to(work).as_posix() not in keep:
                path.unlink()


def default_work(root: Path) -> Path:
    """Where a one-machine build keeps its records between runs: build/.site-work, when
    build/ is the project's own (O512) and that folder leads nowhere outside it (T105)."""
    from ..project.filenames import output_folder

    build = output_folder(root / SPEC_NAME)
    return writable(build / ".site-work", build, "T105", "site's work folder", make=False)
