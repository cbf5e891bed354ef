"""The e-book cover: the print cover rendered by WeasyPrint and rasterised with PDFium.

A drawn cover is kept in the user's cache (usercache.Store) between builds: an edit to an
essay does not change it, and drawing it is most of what the e-book costs a rebuild. It is
keyed by the cover's HTML, the layout's print style and the versions, and taken only if
every file it loaded (fonts, pictures) still passes the gate with the same bytes; the
problems its drawing reported are reported again."""

from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

import pypdfium2 as pdfium

from .. import __version__
from ..book.assemble import Pamphlet
from ..diagnostics import Diagnostics, as_plain, from_plain
from ..book.layouts import Layout
from ..project.images import RASTER, SUFFIXES, named, sniff
from ..store.paths import Refused
from ..store.usercache import Store, secret
from ..engine.pdf import print_sheets, render_html, render_pdf

MIN_HEIGHT = 1600  # pixels; what e-book shops and library views ask for
FORMAT = "1"  # of a kept cover: a change to what one holds leaves the old ones unused
_RASTER = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".gif": ".gif", ".webp": ".webp"}


def cover_image(pamphlet: Pamphlet, layout: Layout, diagnostics: Diagnostics,
                cache: Store | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of the cover: the spec's own image, or the print cover as a JPEG
    (kept in `cache`, if given, for the next build)."""
    image = pamphlet.spec.cover.image
    # A photograph the e-book can hold as it is; anything else (an SVG, which could carry
    # scripts, a BMP, a TIFF) is drawn on the print cover and rasterised with it.
    # What it is, its bytes say: a JPEG called cover.png goes in as a JPEG, and an SVG or a
    # web page called cover.png is drawn, never shipped as a photograph.
    if image is not None and image.suffix.lower() in _RASTER:
        data = pamphlet.spec.gate.read_bytes(image, what="cover image")
        kind = sniff(data)
        if kind in RASTER:
            if kind != named(image):
                diagnostics.warning(
                    "B705", f"the cover image is a {kind.upper()} by its bytes, not what its "
                    f"name says; the EPUB holds it as a {kind.upper()}", image,
                    hint=f"rename it to end in {SUFFIXES[kind]}")
            return f"cover{SUFFIXES[kind]}", data
        what = "no picture" if kind == "unknown" else f"a {kind.upper()}"
        diagnostics.warning("B704", f"the cover image's bytes are {what}, whatever its name "
                            "says, so the e-book's cover is drawn instead", image,
                            hint="use a PNG, JPEG, GIF or WebP file")
    # Only the cover is needed: lay out the pamphlet without its essays, which is quick.
    bare = replace(pamphlet, chapters=(), intro=None)
    key = _key(bare, layout)
    kept = _kept(cache.get(key) if cache else None, layout)
    if kept is None:
        drawn, loaded = Diagnostics(), {}
        kept = {"jpeg": base64.b64encode(_drawn(bare, layout, drawn, loaded)).decode(),
                "inputs": loaded, "diagnostics": [as_plain(d) for d in drawn]}
        if cache:
            cache.put(key, kept)
    diagnostics.extend([from_plain(d) for d in kept["diagnostics"]])
    return "cover.jpg", base64.b64decode(kept["jpeg"])


def _drawn(bare: Pamphlet, layout: Layout, diagnostics: Diagnostics, loaded: dict) -> bytes:
    document = render_pdf(bare, layout, diagnostics, loaded=loaded)
    pdf = pdfium.PdfDocument(document.copy([document.pages[0]]).write_pdf())
    page = pdf[0]
    scale = MIN_HEIGHT / page.get_height()
    bitmap = page.render(scale=scale).to_pil().convert("RGB")
    out = io.BytesIO()
    bitmap.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()


def _key(bare: Pamphlet, layout: Layout) -> str:
    tools = "|".join(version(name) for name in ("weasyprint", "pypdfium2", "pillow"))
    digest = hashlib.sha256(secret() + f"|{__version__}|{FORMAT}|{tools}|{MIN_HEIGHT}|"
                            f"{bare.spec.root}".encode())
    # The cleaned sheets, and what cleaning them left out: two sheets that differ only in
    # what was left out clean to the same text, and the cover's kept diagnostics say which.
    said = Diagnostics()
    sheets = print_sheets(layout, said)
    for part in (render_html(bare, layout), *(f"{base}\0{text}" for text, base in sheets),
                 *(d.format() for d in said)):
        digest.update(b"\0" + (part.encode() if isinstance(part, str) else part))
    return digest.hexdigest()


def _kept(value, layout: Layout) -> dict | None:
    """A kept cover whose files still pass the gate with the bytes it was drawn from."""
    try:
        base64.b64decode(value["jpeg"], validate=True)
        [from_plain(d) for d in value["diagnostics"]]
        for path, sha in dict(value["inputs"]).items():
            if hashlib.sha256(layout.gate.read_bytes(Path(path))).hexdigest() != sha:
                return None
    except (TypeError, KeyError, ValueError, Refused, OSError):
        return None  # none, damaged, or made from files that changed
    return value
