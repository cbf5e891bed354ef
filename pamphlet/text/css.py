"""The one sanitiser for CSS: a layout's stylesheets as the reading PDF and the e-book load
them, and the style in an SVG picture.

A layout may come from someone else, so what its stylesheets name is checked here, before
any engine reads them:
- `@import` is resolved here, through the path gate (inside the project or the built-in
  layouts), and the sheet it names put in its place, within its media queries. One that
  leads outside, runs in a circle, nests more than MAX_DEPTH deep or passes MAX_SHEETS
  sheets or MAX_BYTES is left out (S907). No engine ever sees an @import.
- Every `url()` must name a file inside the project or the built-in layouts, or hold its
  bytes (a data: URL). Anything else (a file: or network address, a path leading out,
  `javascript:`) is left out with its declaration (S901), as are `expression()`,
  `image-set()` (which names files by bare strings) and `behavior`/`-moz-binding`.
- A font (`src` of `@font-face`) must be a font by its bytes, an image an image: one that is
  not (an HTML page called font.woff2) is left out (S908).
- For the reading PDF, each file keeps its place as a `file:` URL, which the fetcher opens
  through the gate again. For the e-book (`Resources`), each file is carried into the book
  under a name of its own, its type the one its bytes say, an SVG cleaned; `data:` URLs
  likewise.
Rules nested more than MAX_NESTING deep are left out, and parsing is tinycss2's, which reads
escapes (`u\\72 l(...)`) as a browser would, so no spelling hides a URL.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

import tinycss2
from tinycss2.serializer import serialize_identifier

from ..diagnostics import Diagnostics, shorten
from ..project.images import FONTS, KINDS, RASTER, SUFFIXES, data_url_bytes, sniff
from ..store.paths import Gate, Refused

MAX_DEPTH = 16  # imports within imports
MAX_SHEETS = 64  # sheets one stylesheet may import in all
MAX_BYTES = 10_000_000  # of CSS, the imported sheets together
MAX_NESTING = 32  # blocks within blocks
_DANGEROUS_FUNCTIONS = ("expression", "image-set")
_DANGEROUS_PROPERTIES = ("behavior", "-moz-binding", "-ms-behavior")


class Resources:
    """The files the e-book's stylesheet names, carried into the book: each once, under a
    name of its own in `fonts/` or `images/` beside the stylesheet's `style/` folder."""

    def __init__(self):
        self.files: dict[str, tuple[str, bytes, str]] = {}  # key -> (name, bytes, media type)

    def add(self, key: str, data: bytes, kind: str) -> str:
        """The stylesheet's URL of the file (`kind` as images.sniff says)."""
        if key not in self.files:
            folder = "fonts" if kind in FONTS else "images"
            name = f"{folder}/css-{len(self.files) + 1:03d}{SUFFIXES[kind]}"
            self.files[key] = (name, data, KINDS[kind])
        return f"../{self.files[key][0]}"


@dataclass
class _Reading:
    """One stylesheet being cleaned, with all it imports."""

    gate: Gate | None
    diagnostics: Diagnostics
    where: Path | None  # the file reported (the stylesheet a layout names)
    resources: Resources | None = None  # for the e-book; None for the reading PDF
    ids: frozenset[str] | None = None  # in an SVG picture: the ids `url(#id)` may name
    # The SVG cleaner (sanitiser.clean_svg, passed in: it calls this module for its style)
    svg: Callable[..., bytes | None] | None = None
    chain: list[Path] = field(default_factory=list)
    sheets: int = 0
    size: int = 0

    def refuse(self, code: str, what: str, why: str, hint: str) -> None:
        self.diagnostics.warning(code, f"{what} in a stylesheet was left out: {why}",
                                 self.chain[-1] if self.chain else self.where, hint=hint)


def stylesheet(path: Path, gate: Gate, diagnostics: Diagnostics,
               resources: Resources | None = None, svg: Callable | None = None) -> str:
    """The text of the stylesheet at `path`, clean (see the module's note): for the reading
    PDF, or with `resources` for the e-book, where `svg` (sanitiser.clean_svg) cleans the
    SVG pictures it names."""
    reading = _Reading(gate, diagnostics, path, resources, svg=svg)
    return _sheet(path, reading) or ""


def svg_style(text: str, ids: frozenset[str], diagnostics: Diagnostics, where: Path | None,
              svg: Callable, declarations: bool = False) -> str:
    """An SVG picture's style (a <style> element's text, or with `declarations` a style
    attribute's), clean: no import, no file, and `url()` only to the picture's own `ids` or
    to a picture held in a data: URL (cleaned by `svg`, as the picture is)."""
    reading = _Reading(None, diagnostics, where, Resources(), ids, svg)
    if declarations:
        return _block(tinycss2.parse_blocks_contents(text, skip_comments=True), reading, 1,
                      False)
    return _rules(tinycss2.parse_stylesheet(text, skip_comments=True), reading, 0)


def _sheet(path: Path, reading: _Reading) -> str | None:
    try:
        data = reading.gate.read_bytes(path, (reading.chain[-1] if reading.chain else
                                              reading.where, None), "stylesheet")
    except Refused as refused:
        if not reading.chain:  # the layout's own stylesheet: the build cannot go on
            reading.diagnostics.extend(refused.diagnostics)
        else:  # an imported one is left out, as a file a url() names would be
            reading.refuse("S907", f"@import {shorten(str(path), 80)}",
                           refused.diagnostics[0].message, refused.diagnostics[0].hint or
                           "import stylesheets of the layout by their paths")
        return None
    reading.size += len(data)
    reading.chain.append(path.resolve())
    try:
        text = data.decode("utf-8-sig", errors="replace")
        return _rules(tinycss2.parse_stylesheet(text, skip_comments=True), reading, 0)
    finally:
        reading.chain.pop()


def _rules(rules, reading: _Reading, depth: int) -> str:
    out = []
    for rule in rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            out.append(_imported(rule, reading))
        elif rule.type == "at-rule" and rule.lower_at_keyword == "charset":
            continue
        elif rule.type == "at-rule" and rule.lower_at_keyword == "namespace":
            out.append(tinycss2.serialize([rule]))  # a name, never fetched
        elif rule.type in ("at-rule", "qualified-rule"):
            out.append(_rule(rule, reading, depth))
        elif rule.type == "whitespace":
            out.append(rule.value)
    return "".join(out)


def _rule(rule, reading: _Reading, depth: int) -> str:
    if depth >= MAX_NESTING:
        reading.refuse("S907", "a rule", f"it is nested more than {MAX_NESTING} deep",
                       "nest less deeply")
        return ""
    if rule.type == "at-rule" and rule.lower_at_keyword in ("import", "namespace"):
        reading.refuse("S907", f"@{rule.at_keyword}", "it may only open a stylesheet",
                       "put it at the top of the stylesheet")
        return ""
    prelude = _value(rule.prelude, reading, False)
    if prelude is None:
        return ""
    head = f"@{rule.at_keyword}{prelude}" if rule.type == "at-rule" else prelude
    if rule.content is None:
        return f"{head};"
    font = rule.type == "at-rule" and rule.lower_at_keyword == "font-face"
    contents = tinycss2.parse_blocks_contents(rule.content, skip_comments=True)
    return f"{head}{{{_block(contents, reading, depth + 1, font)}}}"


def _block(contents, reading: _Reading, depth: int, font: bool) -> str:
    out = []
    for node in contents:
        if node.type == "declaration":
            out.append(_declaration(node, reading, font))
        elif node.type in ("at-rule", "qualified-rule"):
            out.append(_rule(node, reading, depth))
        elif node.type == "whitespace":
            out.append(node.value)
    return "".join(out)


def _declaration(node, reading: _Reading, font: bool) -> str:
    if node.lower_name in _DANGEROUS_PROPERTIES:
        reading.refuse("S901", f"'{node.name}'", "it runs code", "remove it")
        return ""
    value = _value(node.value, reading, font and node.lower_name == "src")
    if value is None:
        return ""
    return f"{serialize_identifier(node.name)}:{value}{' !important' if node.important else ''};"


def _value(tokens, reading: _Reading, font: bool) -> str | None:
    """Tokens as CSS text, each URL checked and given its new address; None if one of them
    is refused (the caller leaves out the whole declaration or rule)."""
    out = []
    for token in tokens:
        if token.type == "url" or (token.type == "function" and token.lower_name in ("url", "src")):
            address = token.value if token.type == "url" else _first_string(token.arguments)
            new = None if address is None else _address(address.strip(), reading, font)
            if new is None:
                return None
            out.append(f'url("{_escaped(new)}")')
        elif token.type == "function":
            if any(token.lower_name.lstrip("-").endswith(name) for name in _DANGEROUS_FUNCTIONS):
                reading.refuse("S901", f"{token.name}()", "it names files or runs code",
                               "use url() with a file of the project")
                return None
            inner = _value(token.arguments, reading, font)
            if inner is None:
                return None
            out.append(f"{serialize_identifier(token.name)}({inner})")
        elif token.type in ("[] block", "() block", "{} block"):
            inner = _value(token.content, reading, font)
            if inner is None:
                return None
            opening = token.type[0]
            out.append(f"{opening}{inner}{ {'[': ']', '(': ')', '{': '}'}[opening]}")
        else:
            out.append(tinycss2.serialize([token]))
    return "".join(out)


def _first_string(arguments) -> str | None:
    for token in arguments:
        if token.type == "string":
            return token.value
        if token.type not in ("whitespace", "comment"):
            return None
    return None


def _escaped(text: str) -> str:
    return "".join(f"\\{ord(c):x} " if c in '"\\\n\r\f' or ord(c) < 32 else c for c in text)


def _address(address: str, reading: _Reading, font: bool) -> str | None:
    """The new address of what a url() names, or None (refused, and said why)."""
    if address.startswith("#"):
        if reading.ids is None or address[1:] in reading.ids:
            return address
        reading.refuse("S901", f"url({shorten(address, 60)})", "the picture has no such part",
                       "name a part of the picture by its id")
        return None
    if address[:5].lower() == "data:":
        return _data(address, reading, font)
    parts = urlsplit(address)
    if parts.scheme or address.startswith("//") or reading.gate is None:
        reading.refuse("S901", f"url({shorten(address, 80)})",
                       "only files inside the project are used" if reading.gate else
                       "a picture may name only its own parts and pictures it holds",
                       "copy the file into the project and name it by its path")
        return None
    return _file(parts, address, reading, font)


def _file(parts, address: str, reading: _Reading, font: bool) -> str | None:
    base = reading.chain[-1].parent if reading.chain else reading.where.parent
    path = base / unquote(parts.path)
    try:
        data = reading.gate.read_bytes(path, (reading.chain[-1], None),
                                       "font" if font else "file a stylesheet names")
    except Refused as refused:
        reading.refuse("S901", f"url({shorten(address, 80)})", refused.diagnostics[0].message,
                       refused.diagnostics[0].hint or "copy the file into the project")
        return None
    kind = _kind(data, address, reading, font)
    if kind is None:
        return None
    if reading.resources is None:
        return path.resolve().as_uri() + (f"#{parts.fragment}" if parts.fragment else "")
    if kind == "svg":
        data = _clean_svg(data, reading, address)
        if data is None:
            return None
    return reading.resources.add(str(path.resolve()), data, kind)


def _kind(data: bytes, address: str, reading: _Reading, font: bool) -> str | None:
    """What the bytes are, if they are what the url() is for (a font, or an image)."""
    kind = sniff(data)
    wanted = FONTS if font else {**RASTER, "svg": ""}
    if kind in wanted:
        return kind
    reading.refuse("S908", f"url({shorten(address, 80)})",
                   f"its bytes are {'not a font' if font else 'not an image'} "
                   f"({'unknown' if kind == 'unknown' else kind})",
                   "name a real font (TrueType, OpenType, WOFF) or picture (PNG, JPEG, GIF, "
                   "WebP, SVG)")
    return None


def _data(address: str, reading: _Reading, font: bool) -> str | None:
    data = data_url_bytes(address)
    kind = _kind(data or b"", shorten(address, 60), reading, font) if data is not None else None
    if kind is None:
        return None
    if kind == "svg":
        data = _clean_svg(data, reading, address)
        if data is None:
            return None
    return f"data:{KINDS[kind]};base64,{base64.b64encode(data).decode()}"


def _clean_svg(data: bytes, reading: _Reading, address: str) -> bytes | None:
    cleaned = reading.svg(data, reading.diagnostics, reading.where) if reading.svg else None
    if cleaned is None:
        reading.refuse("S908", f"url({shorten(address, 80)})", "it is not a readable SVG",
                       "use a PNG, or an SVG that opens in a browser")
    return cleaned


def _imported(rule, reading: _Reading) -> str:
    """The sheet an @import names, cleaned, in its place (see the module's note)."""
    tokens = [t for t in rule.prelude if t.type not in ("whitespace", "comment")]
    first = tokens[0] if tokens else None
    address = first.value if first is not None and first.type in ("url", "string") else \
        _first_string(first.arguments) if first is not None and first.type == "function" \
        and first.lower_name == "url" else None
    conditions = tinycss2.serialize(rule.prelude[rule.prelude.index(first) + 1:]).strip() \
        if first is not None else ""
    what = f"@import {shorten(address or tinycss2.serialize(rule.prelude).strip(), 80)}"
    hint = "import stylesheets of the layout by their paths, or write their rules in place"
    if address is None or urlsplit(address).scheme or address.startswith("//") \
            or reading.gate is None:
        reading.refuse("S907", what, "only stylesheets inside the project are imported", hint)
        return ""
    if any(word in conditions.lower() for word in ("layer", "supports", "{", ";")):
        reading.refuse("S907", what, "layer() and supports() on an import are not read", hint)
        return ""
    path = reading.chain[-1].parent / unquote(urlsplit(address).path)
    problem = _import_problem(path, reading)
    if problem:
        reading.refuse("S907", what, problem, hint)
        return ""
    reading.sheets += 1
    text = _sheet(path, reading)
    if text is None:
        return ""
    return f"@media {conditions}{{{text}}}" if conditions else text


def _import_problem(path: Path, reading: _Reading) -> str | None:
    if path.resolve() in reading.chain:
        return "it imports itself, through the sheets in between (a circle)"
    if len(reading.chain) > MAX_DEPTH:
        return f"imports nest more than {MAX_DEPTH} deep"
    if reading.sheets >= MAX_SHEETS:
        return f"a stylesheet may import {MAX_SHEETS} sheets in all"
    if reading.size > MAX_BYTES:
        return f"the sheets imported pass {MAX_BYTES // 1_000_000} MB"
    return None
