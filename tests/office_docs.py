"""Word, OpenDocument, Google Docs and EPUB files for the import tests, packed at test time from
the XML in tests/fixtures/office/ (see its README for where each structure comes from), so
that no binary file is kept in the repository.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "office"
_MEDIA = {"docx": "word/media/image1.png", "odt": "Pictures/100000010000000800000006B1E3A2C4F5D6E7A8.png",
          "gdocs": "images/image1.png", "epub": "OEBPS/images/press.png"}


def png(width: int = 8, height: int = 6, rgb: tuple = (120, 120, 120)) -> bytes:
    """A small grey PNG, written byte by byte."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def pack(folder: Path, out: Path, extra: dict[str, bytes] | None = None,
         replace: dict[str, bytes] | None = None) -> Path:
    """Zip `folder` into `out` (a `mimetype` first and stored, as OCF and ODF ask), with
    `extra` members added and `replace` members' bytes swapped."""
    names = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    replace = replace or {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if "mimetype" in names:
            names.remove("mimetype")
            archive.writestr(zipfile.ZipInfo("mimetype"), (folder / "mimetype").read_bytes(),
                             zipfile.ZIP_STORED)
        for name in names:
            archive.writestr(name, replace.get(name, (folder / name).read_bytes()))
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out


def docx(producer: str, out_dir: Path, replace: dict[str, bytes] | None = None) -> Path:
    """The essay as Word, Google Docs or LibreOffice writes it (`word`, `google`,
    `libreoffice`), with the members in `replace` swapped."""
    media = {_MEDIA["docx"]: png()}
    replace = dict(replace or {})
    for name in list(replace):
        if name in media:
            media[name] = replace.pop(name)
    return pack(FIXTURES / f"docx-{producer}", out_dir / f"{producer}.docx", media, replace)


def odt(out_dir: Path, replace: dict[str, bytes] | None = None) -> Path:
    """The essay as LibreOffice Writer saves it (.odt), with the members in `replace` swapped."""
    return pack(FIXTURES / "odt", out_dir / "essay.odt", {_MEDIA["odt"]: png()}, replace)


def source_words(folder: Path, members: list[str], text_tags: tuple[str, ...],
                 skip=lambda element: False) -> list[str]:
    """The words of a document's text as its XML holds them, to check that the import kept
    them: the text of each outermost element named in `text_tags`, less what no reader sees
    (a note's printed number, a picture's description, deleted text) and what `skip` says
    is not the essay's."""
    import re

    from lxml import etree

    hidden = {"note-citation", "desc", "title", "delText", "head"}
    words: list[str] = []
    for member in members:
        if member.endswith((".html", ".htm")):  # HTML's void elements and named entities
            from lxml import html

            root = html.parse(str(folder / member))
        else:
            root = etree.parse(str(folder / member))
        for element in root.iter():
            if not isinstance(element.tag, str) or _local(element) not in text_tags or \
                    any(_local(a) in text_tags for a in element.iterancestors()):
                continue
            for part in element.iter():
                if isinstance(part.tag, str) and (_local(part) in hidden or skip(part)):
                    part.clear(keep_tail=True)
            words += re.findall(r"\w+", " ".join(element.itertext()))
    return words


def _local(element) -> str:
    return element.tag.rsplit("}", 1)[-1]
