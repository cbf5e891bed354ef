"""A saved web page's bytes as text, by the rules browsers follow: a byte-order mark first,
then the encoding the page declares (an XML declaration or a `<meta charset>`), else UTF-8,
else windows-1252 (what browsers assume for an undeclared Western page).

lxml refuses a `str` that still carries an XML declaration with an encoding, so the
declaration is taken off the decoded text. A page that declares UTF-8 but holds no UTF-8
letter at all is read as if undeclared (old templates said UTF-8 of windows-1252 pages), with
a warning. A page that its own encoding cannot read is an error (N840) with the line of the
first bad byte: no character is guessed or replaced.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..diagnostics import Diagnostics

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
         (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_XML_DECLARATION = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([^\"']{1,40})[\"']")
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})",
                           re.I)
_DECLARATION_TEXT = re.compile(r"^\s*<\?xml\b[^>]*\?>")
# One well-formed multi-byte UTF-8 letter: a page holding one is UTF-8 with faults, not a
# windows-1252 page that wrongly declares UTF-8 (as old sites' templates often did).
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|"
                            rb"[\xf0-\xf4][\x80-\xbf]{3}")
# WHATWG Encoding: labels that browsers read as another encoding than their name says.
_AS_BROWSERS_READ = {"latin1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252",
                     "iso8859_9": "cp1254", "iso8859_11": "cp874", "tis_620": "cp874"}
_HINT = "save the page again as UTF-8, or correct the charset it declares"


def decode_page(raw: bytes, path: Path, diagnostics: Diagnostics) -> str | None:
    """The page's text, its XML declaration and byte-order mark removed; None (after an
    error) when its bytes are not text in the encoding it declares or any we may assume."""
    for mark, encoding in _BOMS:
        if raw.startswith(mark):
            return _decoded(raw[len(mark):], encoding, path, diagnostics)
    declared = _declared(raw, path, diagnostics)
    if declared == "utf_8" and not _UTF8_SEQUENCE.search(raw):
        declared = None  # says UTF-8 but holds no UTF-8 letter: read as if undeclared
    if declared is not None:
        return _decoded(raw, declared, path, diagnostics)
    try:
        return _DECLARATION_TEXT.sub("", raw.decode("utf-8"), count=1)
    except UnicodeDecodeError:
        pass
    text = _decoded(raw, "cp1252", path, diagnostics, quiet=True)
    if text is not None:
        said = "says it is UTF-8 but is not" if _said_utf8(raw) else \
            "declares no encoding and is not UTF-8"
        diagnostics.warning("N842", f"{path.name} {said}; read as windows-1252", path,
                            hint="check its accented letters and quotes; " + _HINT)
        return text
    return _decoded(raw, "utf-8", path, diagnostics)  # the error names UTF-8's first fault


def _declared(raw: bytes, path: Path, diagnostics: Diagnostics) -> str | None:
    """The Python codec for the encoding the page declares, if any and if known."""
    head = raw[:4096]
    found = _XML_DECLARATION.match(head) or _META_CHARSET.search(head)
    if found is None:
        return None
    label = found.group(1).decode("ascii", "replace").strip()
    try:
        name = codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        diagnostics.warning("N841", f"{path.name} declares an unknown encoding "
                            f"'{label}'; read as UTF-8 (or windows-1252)", path,
                            raw[:found.start()].count(b"\n") + 1, hint=_HINT)
        return None
    if name.startswith(("utf_16", "utf_32")):
        return None  # a byte-order-less page that says UTF-16 is ASCII-compatible: browsers
        # read it as UTF-8, since its declaration could not be read otherwise
    return _AS_BROWSERS_READ.get(name, name)


def _said_utf8(raw: bytes) -> bool:
    found = _XML_DECLARATION.match(raw[:4096]) or _META_CHARSET.search(raw[:4096])
    return bool(found) and found.group(1).lower().replace(b"-", b"") in (b"utf8", b"utf_8")


def _decoded(raw: bytes, encoding: str, path: Path, diagnostics: Diagnostics,
             quiet: bool = False) -> str | None:
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        if not quiet:
            line = raw[:error.start].count(b"\n") + 1
            diagnostics.error("N840", f"cannot read {path.name} as {_label(encoding)}: byte "
                              f"0x{raw[error.start]:02x} at line {line} is not "
                              f"{_label(encoding)} text", path, line, hint=_HINT)
        return None
    return _DECLARATION_TEXT.sub("", text, count=1)


def _label(encoding: str) -> str:
    return {"cp1252": "windows-1252", "utf_8": "UTF-8", "utf-8": "UTF-8"}.get(
        encoding, encoding.replace("_", "-"))
