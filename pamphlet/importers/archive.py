"""A zip archive given to `import` (a DOCX, an ODT, an EPUB, a zipped export), read as
untrusted: every member's name, size and XML is checked before anything uses it.

- Names: a member named with `..`, an absolute path, a drive or a backslash, or stored as a
  symbolic link, is never read (it is named in one warning, N851). Nothing is ever extracted
  by its own name: images are written under names the import makes.
- Sizes: the archive's members are counted and each one is inflated in pieces, stopping as
  soon as it passes its bound (a zip bomb lies about its sizes in its headers, so they are not
  trusted); all members read together are bounded too (N852).
- XML: parsed without a DTD, without the network and without expanding entities; a member
  that declares entities (a "billion laughs" bomb, or an external entity that would read a
  file) is refused whole (N853), as no office document or e-book needs one.

Diagnostic codes: N850 not a readable zip archive; N851 warning: members with unsafe names or
links, not read; N852 a member or the whole archive larger than the import reads; N853 an XML
member that declares entities, or is not well-formed.
"""

from __future__ import annotations

import io
import posixpath
import re
import stat
import zipfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from lxml import etree

from ..diagnostics import Diagnostics

MAX_MEMBERS = 50_000
MAX_MEMBER_MB = 100  # one member, inflated: a long book's text, a large photograph
MAX_TOTAL_MB = 600  # every member read from one archive, inflated
_CHUNK = 1 << 16
_ENTITY = re.compile(rb"<!ENTITY", re.I)


def is_zip(head: bytes) -> bool:
    """Whether a file beginning with `head` is a zip archive (an empty one too)."""
    return head[:4] in (b"PK\x03\x04", b"PK\x05\x06")


class Archive:
    """The members of one zip archive that are safe to read, and a bounded reader for them."""

    def __init__(self, data: bytes, path: Path, diagnostics: Diagnostics):
        self.path, self.diagnostics = path, diagnostics
        self.read_total = 0
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise Unreadable(f"{path.name} is not a readable zip archive ({error})") from None
        if len(infos) > MAX_MEMBERS:
            raise Unreadable(f"{path.name} holds {len(infos):,} files, more than the "
                             f"{MAX_MEMBERS:,} an import reads")
        self.members: dict[str, zipfile.ZipInfo] = {}
        unsafe = []
        for info in infos:
            name = safe_name(info.filename)
            if name is None or _is_link(info):
                unsafe.append(info.filename)
            elif not info.is_dir() and name not in self.members:
                self.members[name] = info
        if unsafe:
            shown = ", ".join(repr(n) for n in unsafe[:3]) + (" ..." if len(unsafe) > 3 else "")
            diagnostics.warning("N851", f"{len(unsafe)} member{'s' * (len(unsafe) != 1)} of "
                                f"{path.name} with a name that leads out of the archive, or "
                                f"stored as a link, not read: {shown}", path,
                                hint="nothing is written by such a name; if this file came "
                                "from someone else, treat it with suspicion")

    def names(self) -> list[str]:
        return list(self.members)

    def has(self, name: str) -> bool:
        return name in self.members

    def find(self, name: str) -> str | None:
        """The member called `name`, matched without regard to case (Windows zips differ)."""
        if name in self.members:
            return name
        folded = name.casefold()
        return next((n for n in self.members if n.casefold() == folded), None)

    def size(self, name: str) -> int:
        return self.members[name].file_size

    def read(self, name: str, limit_mb: float = MAX_MEMBER_MB) -> bytes:
        """A member's bytes, inflated piece by piece and never past `limit_mb` (or the whole
        archive's bound); raises `Unreadable` with the reason."""
        info = self.members.get(name)
        if info is None:
            raise Unreadable(f"{self.path.name} has no {name}")
        limit = int(limit_mb * 1_000_000)
        left = MAX_TOTAL_MB * 1_000_000 - self.read_total
        out = bytearray()
        try:
            with self.zip.open(info) as member:
                while chunk := member.read(_CHUNK):
                    out += chunk
                    if len(out) > limit or len(out) > left:
                        raise Unreadable(f"{name} in {self.path.name} inflates to more than "
                                         f"{min(limit, left) / 1_000_000:g} MB", "N852")
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
                RuntimeError) as error:  # a bad CRC, an unknown method, an encrypted member
            raise Unreadable(f"{name} in {self.path.name} cannot be read ({error})") from None
        self.read_total += len(out)
        return bytes(out)

    def xml(self, name: str):
        """A member parsed as XML (see `parse_xml`); raises `Unreadable`."""
        return parse_xml(self.read(name), f"{name} in {self.path.name}")

    def warn(self, code: str, message: str, hint: str | None = None) -> None:
        self.diagnostics.warning(code, message, self.path, hint=hint)


class Unreadable(Exception):
    """A member or an archive that cannot be read safely; carries its message and code."""

    def __init__(self, message: str, code: str = "N850", hint: str | None = None):
        super().__init__(message)
        self.message, self.code, self.hint = message, code, hint


@contextmanager
def reading(path: Path, diagnostics: Diagnostics):
    """Turn what stops one file's import into one error, never a traceback: an archive or a
    member that cannot be read safely (its own code), or a fault of ours (N849)."""
    try:
        yield
    except Unreadable as error:
        diagnostics.error(error.code, error.message, path, hint=error.hint or
                          "open it in the program that made it and save it again")
    except Exception as error:  # a fault of ours must not cost the other files
        diagnostics.error("N849", f"{path.name} could not be imported: an internal fault "
                          f"({type(error).__name__}: {error})", path,
                          hint="please report it with the file; the other files are "
                          "imported")


def safe_name(name: str) -> str | None:
    """A member's name as a relative POSIX path inside the archive, or None when it could
    lead out of it (`..`, an absolute path, a drive letter, a backslash, a NUL)."""
    if not name or "\\" in name or "\x00" in name or re.match(r"[A-Za-z]:", name):
        return None
    if name.startswith("/") or ".." in PurePosixPath(name).parts:
        return None
    return posixpath.normpath(name).removeprefix("./")


def resolve(base: str, target: str) -> str | None:
    """A relative reference (`../images/a.png` from `OEBPS/text/ch1.xhtml`) as a member's
    name; None when it leaves the archive or is an address (`http:`, `data:`)."""
    from urllib.parse import unquote

    target = unquote(target.split("#", 1)[0].split("?", 1)[0]).strip()
    if not target or re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), target)) \
        if not target.startswith("/") else posixpath.normpath(target.lstrip("/"))
    return None if joined.startswith("../") or joined == ".." else joined


def parse_xml(data: bytes, where: str):
    """XML from an archive: no DTD loaded, no entity expanded, nothing fetched; a document
    that declares entities is refused (N853), not read."""
    head = data[:65536]
    if _ENTITY.search(head) or (b"<!DOCTYPE" in head and _ENTITY.search(data)):
        raise Unreadable(f"{where} declares XML entities (a file made to exhaust memory or "
                         "to read other files); it is not read", "N853")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise Unreadable(f"{where} is not well-formed XML: {error.msg} (line "
                         f"{error.lineno})", "N853") from None


def _is_link(info: zipfile.ZipInfo) -> bool:
    """Whether a member was stored as a symbolic link (Unix mode in its external attributes)."""
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)
