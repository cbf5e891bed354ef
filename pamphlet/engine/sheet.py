"""Lines of text set where a drawing wants them (the printer test sheet's words): pages of a
given size laid out by WeasyPrint, so that each line is shaped, set in its language's
direction and drawn in a font that has its script (fontconfig's choice for the language, as
for the instruction page), embedded as a subset.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..locale.scripts import direction
from .weasy.api import CSS, FONTS, HTML

# The faces for a sheet's words, a sans serif made for each script (as layouts/zine/print.css
# has serif ones), the first installed that has a character; Han characters by the language.
_FACES = ('"Noto Sans", "Noto Sans Arabic", "Noto Naskh Arabic", "Noto Sans Hebrew", '
          '"Noto Sans Devanagari", "Noto Sans Bengali", "DejaVu Sans"')
_CJK = {"zh": "SC", "zh-Hans": "SC", "zh-Hant": "TC", "zh-TW": "TC", "zh-HK": "TC",
        "ja": "JP", "ko": "KR"}
_BY_LANGUAGE = "".join(
    f':lang({tag}) {{ font-family: "Noto Sans", "Noto Sans CJK {cjk}", {_FACES}, sans-serif; }} '
    for tag, cjk in _CJK.items()) + \
    f':lang(ur) {{ font-family: "Noto Sans", "Noto Nastaliq Urdu", {_FACES}, sans-serif; }} '
# Where a line's first baseline falls below the top of its box, as a share of its size (Noto
# Sans at line-height 1.15, as measured): a drawing's words sit on the line it means. A line
# too long for its box goes on below.
_ASCENT = 0.96


@dataclass(frozen=True)
class Placed:
    """A line of text: its box's left edge `x` and baseline `y` (PDF points from the bottom
    left), its size, its box's width, and where it stands in the box ('start', 'center',
    'left')."""

    text: str
    x: float
    y: float
    size: float
    width: float
    align: str = "start"


def placed_pdf(pages: list[list[Placed]], width: float, height: float, lang: str) -> bytes:
    """A PDF of `width` × `height` pages, each with its lines where they are placed."""
    blocks = []
    for lines in pages:
        boxes = "".join(
            f'<p style="left: {line.x:.2f}pt; top: {height - line.y - _ASCENT * line.size:.2f}pt;'
            f' width: {line.width:.2f}pt; font-size: {line.size:g}pt; text-align: {line.align}"'
            f'>{escape(line.text)}</p>' for line in lines)
        blocks.append(f'<div class="page">{boxes}</div>')
    html = (f'<html lang="{escape(lang)}" dir="{direction(lang)}"><body>{"".join(blocks)}'
            f'</body></html>')
    css = (f"@page {{ size: {width:.2f}pt {height:.2f}pt; margin: 0; }} "
           f"body {{ margin: 0; font-family: {_FACES}, sans-serif; }} {_BY_LANGUAGE}"
           f".page {{ position: relative; width: {width:.2f}pt; height: {height:.2f}pt; "
           "break-after: page; } "
           "p { position: absolute; margin: 0; line-height: 1.15; }")
    document = HTML(string=html).render(stylesheets=[CSS(string=css)], font_config=FONTS)
    return document.write_pdf()
