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


def cover_image(pamphlet: Pamphlet, layout: Layout, diagnostics: Diagnostics) -> tuple[str, bytes]:
    """(file name, bytes) of the cover: the spec's own image, or the print cover as a JPEG."""
    image = pamphlet.spec.cover.image
    if image is not None:
        return f"cover{image.suffix.lower()}", pamphlet.spec.gate.read_bytes(image, what="cover image")
    # Only the cover is needed: lay out the pamphlet without its essays, which is quick.
    document = render_pdf(replace(pamphlet, chapters=(), intro=None), layout, diagnostics)
    pdf = pdfium.PdfDocument(document.copy([document.pages[0]]).write_pdf())
    page = pdf[0]
    scale = MIN_HEIGHT / page.get_height()
    bitmap = page.render(scale=scale).to_pil().convert("RGB")
    out = io.BytesIO()
    bitmap.save(out, format="JPEG", quality=88, optimize=True)
    return "cover.jpg", out.getvalue()

