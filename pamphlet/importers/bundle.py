"""A platform's export as it arrives (Substack's, Tumblr's, Notion's...): a folder, or a zip
archive read through `archive.Archive`, never unpacked. Its files are looked up by clean
relative names, and each is read with a bound.

A zip member whose name leads out of the export, or that is a link, is refused by `archive`
(N851). A folder's links and special files are passed over and named in one warning (N891),
and its files are read through the path gate, so a link swapped in later still cannot lead
out. A zip that holds only zips (Notion's parts of a large export) is read through them, one
level deep.

May import: `store`, `diagnostics` (as the importers do).
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostics
from ..store.paths import Gate, Refused
from .archive import Archive, Unreadable, resolve

MAX_FILES = 100_000  # files in one exported folder; a larger one is refused (N890)
MAX_NESTED_MB = 256  # a zip inside the export, read in memory
# What a folder holds beside an export: macOS's resource forks, hidden files.
_IGNORED = re.compile(r"(?:^|/)(?:__MACOSX|\.[^./][^/]*|Thumbs\.db|desktop\.ini)(?:/|$)",
                      re.I)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif", ".bmp", ".tif",
                  ".tiff")


@dataclass
class Bundle:
    """A folder or a zip archive of an export, by the clean relative names of its files."""

    root: Path
    diagnostics: Diagnostics
    files: dict[str, object] = field(default_factory=dict)  # name -> Path, or (Archive, name)
    refused: list[tuple[str, str]] = field(default_factory=list)
    _folded: dict[str, str] | None = None

    def where(self, name: str) -> Path:
        """The path a diagnostic names for a file: `export.zip/posts/1.html`."""
        return self.root / name

    def names(self, pattern: str | None = None) -> list[str]:
        """The files' names in order, those matching the regular expression if given."""
        found = sorted(self.files)
        return [n for n in found if re.search(pattern, n)] if pattern else found

    def find(self, name: str) -> str | None:
        """The file called `name`, exactly or else ignoring case (exports made on macOS
        and Windows name files as they like)."""
        if name in self.files:
            return name
        if self._folded is None:
            self._folded = {}
            for member in sorted(self.files):
                self._folded.setdefault(member.casefold(), member)
        return self._folded.get(name.casefold())

    def resolve(self, base: str, href: str) -> str | None:
        """The file a relative link in file `base` names, or None if it leads out of the
        export or names nothing."""
        target = resolve(base, href.strip()) if not href.strip().startswith("/") else None
        return self.find(target) if target else None

    def read(self, name: str, limit_mb: float, what: str = "file") -> bytes | None:
        """A file's bytes, at most `limit_mb`; else None after a diagnostic."""
        source = self.files.get(name)
        if source is None:
            return None
        try:
            if isinstance(source, Path):
                return Gate((Path(os.path.realpath(self.root)),), limit_mb).read_bytes(
                    source, (source, None), what)
            archive, member = source
            return archive.read(member, limit_mb)
        except Refused as refused:
            self.diagnostics.add(refused.diagnostics[0])
        except Unreadable as error:
            self.diagnostics.warning(error.code, error.message, self.where(name),
                                     hint=error.hint or "make the export again, or unpack it "
                                     "and import the folder")
        return None

    def text(self, name: str, limit_mb: float) -> str | None:
        """A file's text (UTF-8, with or without a byte-order mark, or UTF-16 with one;
        else windows-1252, which every byte decodes in), line ends made `\\n`."""
        data = self.read(name, limit_mb)
        if data is None:
            return None
        try:
            text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else \
                data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[:error.start].count(b"\n") + 1
            self.diagnostics.warning("N894", f"{name} is not UTF-8; read as windows-1252",
                                     self.where(name), line,
                                     hint="check its accented letters and quotation marks")
            text = data.decode("windows-1252", errors="replace")
        return text.replace("\r\n", "\n").replace("\r", "\n")

    def member(self, name: str) -> "Member":
        return Member(self, name)

    def report_refused(self) -> None:
        """One warning naming the files that were passed over, and why."""
        if not self.refused:
            return
        shown = "; ".join(f"{name!r} ({why})" for name, why in self.refused[:3])
        more = f" (and {len(self.refused) - 3} more)" if len(self.refused) > 3 else ""
        count = len(self.refused)
        self.diagnostics.warning("N891", f"{count} file{'s' * (count != 1)} in {self.root.name} "
                                 f"{'were' if count != 1 else 'was'} not read: {shown}{more}",
                                 self.root, hint="an export never needs these; check where "
                                 "the export came from")


@dataclass(frozen=True, eq=False)
class Member:
    """One file of an export, as an image a draft uses: read only when the draft is
    written (`write_drafts` copies it into source/<slug>/, once however often it is shown)."""

    bundle: Bundle
    name: str

    def __eq__(self, other) -> bool:
        return isinstance(other, Member) and other.bundle is self.bundle and \
            other.name == self.name

    def __hash__(self) -> int:
        return hash((id(self.bundle), self.name))

    @property
    def where(self) -> Path:
        return self.bundle.where(self.name)

    def load(self, limit_mb: float) -> bytes | None:
        return self.bundle.read(self.name, limit_mb, "image")


def open_bundle(path: Path, raw: bytes | None, diagnostics: Diagnostics) -> Bundle | None:
    """The export at `path`: a folder (`raw` None) or a zip archive (its bytes); None after
    an error (N850, N890) when it cannot be read."""
    bundle = Bundle(path, diagnostics)
    if raw is None:
        _walk(bundle)
        if len(bundle.files) > MAX_FILES:
            diagnostics.error("N890", f"{path.name} holds more than {MAX_FILES:,} files", path,
                              hint="import the export in parts")
            return None
    else:
        try:
            _members(bundle, Archive(raw, path, diagnostics), nested=True)
        except Unreadable as error:
            diagnostics.error(error.code, error.message, path,
                              hint=error.hint or "download the export again; a file cut "
                              "short cannot be read")
            return None
    bundle.report_refused()
    return bundle


def single(path: Path, diagnostics: Diagnostics) -> Bundle:
    """A bundle of one file (a Ghost JSON, a Blogger backup, a Medium post given alone)."""
    return Bundle(path.parent, diagnostics, {path.name: path})


def is_image_name(name: str) -> bool:
    return posixpath.splitext(name)[1].lower() in IMAGE_SUFFIXES


def _members(bundle: Bundle, archive: Archive, nested: bool) -> None:
    names = [n for n in archive.names() if not _IGNORED.search(n)]
    if nested and names and all(n.lower().endswith(".zip") for n in names):
        for name in names:  # Notion splits a large export into zips inside a zip
            try:
                inner = Archive(archive.read(name, MAX_NESTED_MB), bundle.root / name,
                                bundle.diagnostics)
            except Unreadable as error:
                bundle.refused.append((name, f"a zip inside the zip that cannot be read: "
                                             f"{error.message}"))
                continue
            _members(bundle, inner, nested=False)
        return
    for name in names:
        bundle.files.setdefault(name, (archive, name))


def _walk(bundle: Bundle) -> None:
    root = bundle.root
    for folder, dirs, files in os.walk(root):  # links to folders are never followed
        dirs[:] = sorted(d for d in dirs if not _IGNORED.search(d))
        for file in sorted(files):
            if _IGNORED.search(file):
                continue
            path = Path(folder) / file
            name = path.relative_to(root).as_posix()
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                continue
            if stat.S_ISLNK(mode):
                bundle.refused.append((name, "a link"))
            elif not stat.S_ISREG(mode):
                bundle.refused.append((name, "not a regular file"))
            else:
                bundle.files[name] = path
            if len(bundle.files) > MAX_FILES:
                return
