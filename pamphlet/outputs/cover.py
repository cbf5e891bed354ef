"""The e-book cover: the print cover rendered by WeasyPrint and rasterised with PDFium."""

from __future__ import annotations

import io
from dataclasses import replace

import pypdfium2 as pdfium

from ..assemble import Pamphlet
from ..diagnostics import Diagnostics
from ..layouts import Layout
from .pdf import render_pdf

MIN_HEIGHT = 1600  # pixels; what e-book shops and library views ask for
_RASTER = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".gif": ".gif", ".webp": ".webp"}


def cover_image(pamphlet: Pamphlet, layout: Layout, diagnostics: Diagnostics) -> tuple[str, bytes]:
    """(file name, bytes) of the cover: the spec's own image, or the print cover as a JPEG."""
    image = pamphlet.spec.cover.image
    # A photograph the e-book can hold as it is; anything else (an SVG, which could carry
    # scripts, a BMP, a TIFF) is drawn on the print cover and rasterised with it.
    if image is not None and image.suffix.lower() in _RASTER:
        data = pamphlet.spec.gate.read_bytes(image, what="cover image")
        return f"cover{_RASTER[image.suffix.lower()]}", data
    # Only the cover is needed: lay out the pamphlet without its essays, which is quick.
    document = render_pdf(replace(pamphlet, chapters=(), intro=None), layout, diagnostics)
    pdf = pdfium.PdfDocument(document.copy([document.pages[0]]).write_pdf())
    page = pdf[0]
    scale = MIN_HEIGHT / page.get_height()
    bitmap = page.render(scale=scale).to_pil().convert("RGB")
    out = io.BytesIO()
    bitmap.save(out, format="JPEG", quality=88, optimize=True)
    return "cover.jpg", out.getvalue()

