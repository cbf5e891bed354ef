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
