"""Images from a project, checked before anything decodes them: no decompression bombs, and
no file taken for what its name says it is.

A small PNG can declare 50,000 × 50,000 pixels and unpack to gigabytes. Pillow refuses such
an image (DecompressionBombError) only when it is decoded, deep in WeasyPrint or the cover
code; this reads the image's header alone, up front, so the problem is reported with the
file and line that name the image.

A file's name says nothing of its bytes: `cover.png` may hold an SVG with a script, or an
HTML page. `sniff` reads what the bytes are, and `RASTER`/`KINDS` say what each kind may be
shipped as, so that nothing leaves under a type it is not.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
from pathlib import Path
from urllib.parse import unquote_to_bytes

from PIL import Image

# Pillow warns of an image past its limit, and refuses one past twice that.
MANY_PIXELS = Image.MAX_IMAGE_PIXELS  # about 89 million: slow, and near a gigabyte of memory
MAX_PIXELS = 2 * MANY_PIXELS


def pixel_count(image: Path | bytes) -> int:
    """How many pixels an image declares, from its header alone; 0 when Pillow cannot tell.

    Files Pillow does not know (SVG, say) count 0: WeasyPrint reads those itself.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(image) if isinstance(image, bytes) else image) as opened:
                return opened.size[0] * opened.size[1]
    except Image.DecompressionBombError as error:  # it says how many pixels it declares
        return int(re.search(r"\((\d+) pixels\)", str(error))[1])
    except (OSError, ValueError, SyntaxError):  # not an image Pillow knows
        return 0


def too_many_pixels(image: Path | bytes) -> str | None:
    """Why an image is too large to decode at all ('200,000,000 pixels, ...'); else None."""
    pixels = pixel_count(image)
    return f"{pixels:,} pixels, more than the {MAX_PIXELS:,} an image may have" \
        if pixels > MAX_PIXELS else None


# What the bytes of each kind of picture or font begin with (SVG is told apart below).
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF87a", "gif"),
          (b"GIF89a", "gif"), (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"), (b"BM", "bmp"),
          (b"\x00\x01\x00\x00", "ttf"), (b"true", "ttf"), (b"OTTO", "otf"),
          (b"ttcf", "ttc"), (b"wOFF", "woff"), (b"wOF2", "woff2"), (b"%PDF-", "pdf"))
RASTER = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
FONTS = {"ttf": "font/ttf", "otf": "font/otf", "woff": "font/woff", "woff2": "font/woff2"}
KINDS = {**RASTER, "svg": "image/svg+xml", **FONTS}  # what may be shipped, as which type
SUFFIXES = {"png": ".png", "jpeg": ".jpg", "gif": ".gif", "webp": ".webp", "svg": ".svg",
            "ttf": ".ttf", "otf": ".otf", "woff": ".woff", "woff2": ".woff2"}
_SVG_START = re.compile(rb"\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--.{0,2000}?-->\s*)*"
                        rb"(?:<!DOCTYPE\s+svg[^>\[]{0,500}(?:\[.{0,20000}?\])?\s*>\s*)?"
                        rb"(?:<!--.{0,2000}?-->\s*)*<(?:[A-Za-z_][\w.-]{0,40}:)?svg[\s>/]", re.S)


def sniff(data: bytes) -> str:
    """What the bytes are: png, jpeg, gif, webp, tiff, bmp, svg, ttf, otf, ttc, woff, woff2,
    pdf, or "unknown" (HTML, a script, text, anything else), whatever the file is named."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    head = data[:40_000].lstrip(b"\xef\xbb\xbf")  # an SVG begins, after an optional BOM,
    return "svg" if _SVG_START.match(head) else "unknown"  # with <svg, its prolog before it


def named(path: Path) -> str | None:
    """The kind a file's name claims (as `sniff` calls it), or None for another name."""
    suffix = path.suffix.lower()
    return {".jpg": "jpeg", ".jpeg": "jpeg", ".tif": "tiff", ".otf": "otf"}.get(
        suffix, suffix[1:] if suffix[1:] in SUFFIXES or suffix[1:] in ("tiff", "bmp")
        else None)


def data_url_bytes(url: str) -> bytes | None:
    """The bytes a data: URL holds, or None when it cannot be decoded."""
    header, comma, data = url.partition(",")
    if not comma:
        return None
    try:
        raw = unquote_to_bytes(data)
        return base64.b64decode(raw) if header.lower().endswith(";base64") else raw
    except (binascii.Error, ValueError):
        return None
