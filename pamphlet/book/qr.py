"""A QR code of a web address as inline SVG (segno), drawn as vectors in the PDF."""

from __future__ import annotations

from html import escape

import segno


def qr_svg(url: str, label: str) -> str:
    """An <svg> element with the QR code of `url`, labelled for screen readers with `label`
    (in the book's language: it says what the code is and where it leads).

    The address has passed the spec's check (P172): http(s), no spaces, at most 2,000
    characters, which fits a QR code at error-correction level M.
    """
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=1, border=4, omitsize=True, dark="#000", light="#fff")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label, quote=True)}" ', 1)
