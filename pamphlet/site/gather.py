"""Gather shard folders into the site: their files, and pages and feeds made from their records.

The site is made in a scratch folder beside its place and moved there only when whole; a
folder is replaced only if pamphlet made it (it holds MARKER). A one-machine build keeps, in
its work folder, a digest of everything the site was made from (the records, the files, the
base URL, pamphlet's version) with the site's place: a gather whose inputs have that digest
leaves the site as it stands (the site itself is the same bytes however it was made).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import __version__
from ..diagnostics import Diagnostics, fail
from ..store.limits import shielded
from .records import FORMAT, link_file
from .shard import MANIFEST, prepare_folder
from .units import Unit, owner

MARKER = ".pamphlet-site"


@dataclass(frozen=True)
class Gathered:
    """What a gather put in the site, counted; `written` is False when the site already
    stood as these shards make it."""

    pamphlets: int
    essays: int
    tags: int
    written: bool = True


def gather(folders: list[Path], out: Path, base_url: str | None = None,
           diagnostics: Diagnostics | None = None, stamp: Path | None = None) -> Gathered:
    """Assemble the shards in `folders` (every share of one run) into the site at `out`;
    what it finds to warn of in them goes to `diagnostics` (see trust.py). With `stamp`, a
    file of the caller's, the site is left as it stands if the stamp says it was made from
    these very inputs, and the stamp is renewed when it is written."""
    diagnostics = Diagnostics() if diagnostics is None else diagnostics
    manifests = [read_manifest(folder) for folder in folders]
    check_shards(folders, manifests)
    inputs = _inputs_digest(folders, out, base_url) if stamp else ""
    standing = _standing(stamp, out, inputs) if stamp else None
    if standing is not None:
        return standing
    from .feeds import write_feeds  # (here: a site that stands needs no pages made)
    from .model import site_model
    from .pages import write_pages
    from .trust import site_words

    warned = len(diagnostics.warnings)
    records = [record for folder, manifest in zip(folders, manifests)
               for record in _records(folder, manifest["part"], diagnostics)]
    site = site_model(manifests[0]["site"], records, site_words(manifests[0]))
    del records  # the model holds what the pages need
    gathered = Gathered(len(site.pamphlets), len(site.essays), len(site.tags))
    prepare_folder(out, MARKER, "a site", make=False)
    scratch = Path(tempfile.mkdtemp(prefix=".site-new-", dir=out.parent))
    try:
        scratch.chmod(0o755)  # a site is for reading (mkdtemp makes it private)
        for folder in folders:
            _link_files(folder, scratch)
        write_pages(site, scratch)
        write_feeds(site, scratch, base_url)
        (scratch / MARKER).write_text("made by pamphlet site; replaced whole by the next run\n")
        if stamp:
            stamp.unlink(missing_ok=True)
        with shielded():  # a time limit stops it before, or after, never half-way
            _replace(scratch, out)
        # Warnings (T109) are said again by every gather that reads the records.
        if stamp and len(diagnostics.warnings) == warned:
            stamp.write_text(json.dumps({"inputs": inputs, **asdict(gathered)}))
    except OSError as error:
        raise fail("T106", f"the site could not be written: {error.strerror or error}", out,
                   hint="check that the folder is writable and the disk is not full") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return gathered


def _inputs_digest(folders: list[Path], out: Path, base_url: str | None) -> str:
    """A digest of everything a gather reads and where it writes: each shard's manifest and
    records, the name, size and inode of each file (linked into the site, never read), the
    site's place, the base URL and this version of pamphlet."""
    digest = hashlib.sha256(f"{__version__}|{base_url}|{out.resolve()}".encode())
    for folder in folders:
        digest.update(f"\0{folder.resolve()}\0".encode())
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if path.is_symlink() or not path.is_file():
                digest.update(f"{relative}|other\n".encode())
            elif relative == MANIFEST or relative.startswith("records/"):
                digest.update(f"{relative}|".encode() + hashlib.sha256(path.read_bytes()).digest())
            elif relative.split("/")[0] in ("files", "covers", "media"):
                info = path.stat()
                digest.update(f"{relative}|{info.st_size}|{info.st_mtime_ns}|{info.st_ino}\n"
                              .encode())
    return digest.hexdigest()


def _standing(stamp: Path, out: Path, inputs: str) -> Gathered | None:
    """What the site at `out` holds, if `stamp` says it was made from inputs with this
    digest and it is still there."""
    try:
        said = json.loads(stamp.read_text())
        if said.pop("inputs") == inputs and (out / MARKER).is_file() \
                and (out / "index.html").is_file():
            return Gathered(**{**said, "written": False})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    return None


def read_manifest(folder: Path) -> dict:
    """A shard folder's manifest, or T101 saying it is no shard."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        k, n = manifest["part"]
        if manifest["format"] != FORMAT or not 1 <= k <= n \
                or not isinstance(manifest["units"], str):
            raise ValueError("not this version's")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise fail("T101", f"{folder} is not a whole shard of `pamphlet site --shard` "
                   f"({error.strerror if isinstance(error, OSError) else error})", folder,
                   hint="give the folders that `pamphlet site --shard K/N --out DIR` wrote, "
                   "each one after its shard finished") from None
    return manifest


def check_shards(folders: list[Path], manifests: list[dict]) -> None:
    """Every share of one N, once each, all from the same project (T102, T103, T104)."""
    problems = Diagnostics()
    counts = {m["part"][1] for m in manifests}
    if len(counts) > 1:
        problems.error("T102", f"the shards were cut in different numbers of shares: "
                       f"{', '.join(map(str, sorted(counts)))}", folders[0],
                       hint="gather the shards of one run, all made with the same N in K/N")
    elif problem := _not_each_once([m["part"][0] for m in manifests], counts.pop()):
        problems.error("T102", f"the shards are not every share once: {problem}", folders[0],
                       hint="gather exactly the folders of shards 1/N to N/N of one run")
    if len({(m["units"], m["site"], repr((m.get("lang"), m.get("words"))))
            for m in manifests}) > 1:
        problems.error("T103", "the shards were made from different versions of the project "
                       "(their specs and essays differ)", folders[0],
                       hint="build every shard from the same commit, then gather them")
    elif len({m.get("made") for m in manifests}) > 1:
        problems.error("T103", "the shards were made differently: "
                       + "; ".join(sorted({str(m.get("made")) for m in manifests})), folders[0],
                       hint="build every shard with the same pamphlet and the same "
                       "SOURCE_DATE_EPOCH (the commit's time, say), then gather them")
    for folder, manifest in zip(folders, manifests):
        for unit in manifest.get("failed", []):
            problems.error("T104", f"shard {manifest['part'][0]}/{manifest['part'][1]} could not "
                           f"build {unit}, so the site would lack it", folder,
                           hint="fix what that shard's build reported, and build it again")
    problems.raise_if_errors()


def _not_each_once(seen: list[int], n: int) -> str:
    """What is wrong with the shard numbers `seen` of N (empty: each is there once)."""
    missing = [f"{k}/{n}" for k in range(1, n + 1) if k not in seen]
    twice = [f"{k}/{n}" for k in sorted(set(seen)) if seen.count(k) > 1]
    return "; ".join(([f"missing {', '.join(missing)}"] if missing else [])
                     + ([f"given twice {', '.join(twice)}"] if twice else []))


def _records(folder: Path, part: tuple[int, int], diagnostics: Diagnostics) -> list[dict]:
    """The shard's records, each checked (T101, T108), found to be the shard's own (T110)
    and its page sanitised again (T109)."""
    from .trust import check_record, clean_essay_page, read_record_text

    if (folder / "records").is_symlink():
        raise fail("T108", "the shard's records/ is a link, so none of it is read",
                   folder / "records", hint="gather only shard folders that pamphlet wrote")
    records = []
    for path in sorted((folder / "records").glob("*.json")):
        try:
            record = json.loads(read_record_text(path))
        except (OSError, ValueError) as error:
            raise fail("T101", f"a record of the shard is damaged: {error}", path,
                       hint="build that shard again") from None
        kind = path.name.split("-", 1)[0]
        check_record(record, kind, path)
        _own_unit(record, kind, path, part)
        if not _own_paths(record):
            raise fail("T101", "a record of the shard names files outside the shard's "
                       "files/, covers/ and media/", path, hint="build that shard again")
        if kind == "essay":
            clean_essay_page(record, path, diagnostics)
        record["kind_of_unit"] = kind
        records.append(record)
    return records


def _own_unit(record: dict, kind: str, path: Path, part: tuple[int, int]) -> None:
    """T110 unless the record is of a unit shard `part` does, by the rule the shards use
    (units.owner), and stands under its own name: a shard cannot carry another's page."""
    name = record["name"] if kind == "spec" else record["slug"]
    k, n = part
    if path.name != f"{kind}-{name}.json":
        raise fail("T110", f"the record of {kind} '{name}' is filed as {path.name}", path,
                   hint="gather only shard folders that pamphlet wrote")
    if owner(Unit(kind, name, path), n) != k:
        raise fail("T110", f"the record of {kind} '{name}' belongs to shard "
                   f"{owner(Unit(kind, name, path), n)}/{n}, not to this one ({k}/{n})", path,
                   hint="gather only shard folders that pamphlet wrote, each as it was made")


def _own_paths(record: dict) -> bool:
    """Whether every file a record names is a plain path inside the shard's own folders:
    a record of a shard fetched from elsewhere cannot point the site at anything else."""
    from urllib.parse import unquote

    from .shard import record_files

    try:
        paths = record_files(record) | set(record.get("files", []))
    except (AttributeError, KeyError, TypeError):
        return False
    return all(isinstance(p, str) and p.split("/")[0] in ("files", "covers", "media")
               and ".." not in p.split("/") and ":" not in unquote(p) and "\\" not in p
               for p in paths)


def _link_files(folder: Path, scratch: Path) -> None:
    """The shard's files, into the site; a link among them is refused (T101), so that a
    shard folder cannot bring a file from elsewhere on the gathering machine."""
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if relative.parts[0] not in ("files", "covers", "media"):
            continue
        if path.is_symlink():
            raise fail("T101", f"the shard holds a link, {relative}, where pamphlet writes "
                       "files", folder, hint="gather shard folders as pamphlet wrote them")
        if path.is_file():
            link_file(path, scratch / relative, scratch)


def _replace(scratch: Path, out: Path) -> None:
    """Put the finished site in place of the old one (which only pamphlet can have made)."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=".site-old-", dir=out.parent))
        os.replace(out, old / "site")
    try:
        os.replace(scratch, out)
    except OSError:
        if old is not None:
            os.replace(old / "site", out)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

