"""Images from a project, checked before anything decodes them: no decompression bombs.

A small PNG can declare 50,000 × 50,000 pixels and unpack to gigabytes. Pillow refuses such
an image (DecompressionBombError) only when it is decoded, deep in WeasyPrint or the cover
code; this reads the image's header alone, up front, so the problem is reported with the
file and line that name the image.
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

# Pillow's own threshold for refusing an image outright (twice its warning threshold).
MAX_PIXELS = 2 * Image.MAX_IMAGE_PIXELS


def too_many_pixels(image: Path | bytes) -> str | None:
    """Why an image is too large to decode ('2,500,000,000 pixels, ...'); else None.

    Files Pillow does not know (SVG, say) pass: WeasyPrint reads those itself.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(image) if isinstance(image, bytes) else image) as opened:
                pixels = opened.size[0] * opened.size[1]
    except Image.DecompressionBombError as error:  # it says how many pixels it declares
        pixels = int(re.search(r"\((\d+) pixels\)", str(error))[1])
    except (OSError, ValueError, SyntaxError):  # not an image Pillow knows
        return None
    if pixels <= MAX_PIXELS:
        return None
    return f"{pixels:,} pixels, more than the {MAX_PIXELS:,} an image may have"


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
