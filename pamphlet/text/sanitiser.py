"""One sanitiser for every piece of HTML: essays, spec intros, questions, agenda, colophon.

Raw HTML goes through nh3's allow-list; what it takes out is reported (M305) against the
file and line it came from. What the allow-list keeps is then made valid for EPUB's XHTML
schema as well: attribute values it rejects are converted or dropped, ids become XML names,
and elements stand only where their parent may hold them.

Diagnostic codes: M305 an unsafe element, attribute or link was removed (warning),
M309 a language tag that is not BCP 47 was corrected or replaced (warning).
"""

from __future__ import annotations

import base64
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import markdown
import nh3
from lxml import etree, html as lxml_html

from ..diagnostics import Diagnostics, shorten
from ..locale.quotes import (CLOSE_DOUBLE, CLOSE_SINGLE, NONCHARACTERS, OPEN_DOUBLE,
                             OPEN_SINGLE, curl)

# Straight quotes become marks, set as each text's language has them (locale/quotes.py).
SMART = {
    "left-single-quote": OPEN_SINGLE, "right-single-quote": CLOSE_SINGLE,
    "left-double-quote": OPEN_DOUBLE, "right-double-quote": CLOSE_DOUBLE,
    "left-angle-quote": "«", "right-angle-quote": "»",
    "ellipsis": "…", "ndash": "–", "mdash": "—",
}
EXTERNAL_SCHEMES = ("http", "https", "ftp", "mailto")
UNSAFE_ELEMENTS = ("script", "style", "iframe", "object", "embed", "frame", "frameset",
                   "form", "input", "button", "link", "meta", "base", "svg", "math", "video",
                   "audio", "canvas", "template")
ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "u", "s",
    "del", "ins", "mark", "small", "sub", "sup", "code", "pre", "kbd", "samp", "var", "q",
    "cite", "abbr", "dfn", "time", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "img",
    "figure", "figcaption", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "div", "span", "bdi", "bdo", "ruby", "rt", "rp", "wbr"}
# `cite` on q and blockquote is left out: no reader shows it, and EPUBCheck warns of any
# address in it that is not https.
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title"},
    "a": {"href"}, "img": {"src", "alt", "width", "height"},
    "th": {"style", "align", "colspan", "rowspan", "scope"},
    "td": {"style", "align", "colspan", "rowspan"},
    "ol": {"start", "reversed", "type"}, "li": {"value"}, "time": {"datetime"},
    "abbr": {"title"}}
PHRASING = {"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "img",
            "ins", "kbd", "mark", "q", "ruby", "s", "samp", "small", "span", "strong", "sub",
            "sup", "time", "u", "var", "wbr"}
# Elements whose content may only be phrasing content (text and inline elements).
PHRASING_ONLY = PHRASING - {"a", "del", "ins"} | {"p", "h1", "h2", "h3", "h4", "h5", "h6",
                                                  "pre", "dt", "rt", "rp"}
# The parents an element may stand in, for those that cannot stand just anywhere.
PARENTS = {"li": {"ul", "ol"}, "dt": {"dl"}, "dd": {"dl"}, "tr": {"table", "thead", "tbody",
           "tfoot"}, "td": {"tr"}, "th": {"tr"}, "thead": {"table"}, "tbody": {"table"},
           "tfoot": {"table"}, "caption": {"table"}, "figcaption": {"figure"},
           "rt": {"ruby"}, "rp": {"ruby"}}
_INTEGER = re.compile(r"-?\d{1,9}")
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)%")
_DATETIME = re.compile(r"\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"
                       r"(Z|[+-]\d{2}:?\d{2})?)?)?)?|\d{2}:\d{2}(:\d{2})?")
_NOT_NAME = re.compile(r"[^A-Za-z0-9_.-]+")
# A well-formed BCP 47 language tag (RFC 5646 section 2.1), which EPUB's lang and
# dc:language must be: language, script, region, variants, extensions, private use.
BCP47 = re.compile(r"""(?ix)
    (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})
    (?:-[a-z]{4})?
    (?:-(?:[a-z]{2}|\d{3}))?
    (?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*
    (?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*
    (?:-x(?:-[a-z\d]{1,8})+)?
    |x(?:-[a-z\d]{1,8})+""")


@dataclass(frozen=True)
class Origin:
    """Where a piece of Markdown comes from: a file, the line it starts on, and its text
    (to find the line of a finding within it)."""

    path: Path
    line: int | None = None
    text: str = ""

    def line_of(self, needle: str) -> int | None:
        at = self.text.find(needle) if needle else -1
        if self.line is None:
            return None
        return self.line + (self.text[:at].count("\n") if at >= 0 else 0)


def sanitise(html: str) -> str:
    """Keep only the elements and attributes an essay can need (nh3's allow-list cleaner)."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto", "ftp", "data"},
                     filter_style_properties={"text-align"}, link_rel=None,
                     strip_comments=True)


# A web edition's page (records.web_html) is an essay's sanitised body inside what the build
# itself writes around it (epub.essay_section, the notes, page-break numbers): these, and
# nothing more, are let into a page made from a shard's record (site/trust.py).
PAGE_TAGS = ALLOWED_TAGS | {"section", "header", "aside"}
PAGE_ATTRIBUTES = {**ALLOWED_ATTRIBUTES,
                   "*": ALLOWED_ATTRIBUTES["*"] | {"role", "aria-label", "data-pb"}}


def sanitise_page(html: str, keep_url) -> str:
    """HTML made by a build elsewhere, cleaned again by the essays' allow-list (with the few
    elements and attributes the build adds around an essay): an href or src that is not an
    address of EXTERNAL_SCHEMES is kept only if `keep_url(tag, name, value)` says so."""
    def url_filter(tag: str, name: str, value: str) -> str | None:
        if name not in ("href", "src"):
            return value
        scheme = urlsplit(value).scheme.lower()
        if name == "href" and scheme in EXTERNAL_SCHEMES:
            return value
        return value if keep_url(tag, name, value) else None
    return nh3.clean(html, tags=PAGE_TAGS, attributes=PAGE_ATTRIBUTES,
                     attribute_filter=url_filter,
                     url_schemes={"http", "https", "mailto", "ftp", "data"},
                     filter_style_properties={"text-align"}, link_rel=None,
                     strip_comments=True)


def report_unsafe(tree, origin: Origin, diagnostics: Diagnostics, what: str = "an essay") -> None:
    """Warn of the raw HTML the sanitiser removes: scripts, frames, forms, handlers."""
    for element in tree.xpath(".//*"):
        if not isinstance(element.tag, str):
            continue
        if element.tag in UNSAFE_ELEMENTS:
            diagnostics.warning("M305", f"<{element.tag}> is not allowed in {what} and was removed",
                                origin.path, origin.line_of(f"<{element.tag}"))
        for name in [n for n in element.attrib if n.lower().startswith("on")]:
            diagnostics.warning("M305", f"the {name} attribute is not allowed and was removed",
                                origin.path, origin.line_of(name))
        href = element.get("href") if element.tag == "a" else None
        scheme = urlsplit(href or "").scheme.lower()
        if scheme and scheme not in EXTERNAL_SCHEMES:
            diagnostics.warning("M305", f"link with '{scheme}:' removed: {shorten(href)}",
                                origin.path, origin.line_of(href),
                                hint="link to http(s) addresses only")


def clean_tree(html: str, origin: Origin, diagnostics: Diagnostics, what: str = "an essay"):
    """Raw HTML, reported and sanitised, as a tree under a `div` that the schema accepts."""
    report_unsafe(lxml_html.fragment_fromstring(html, create_parent="div"), origin, diagnostics,
                  what)
    html, deepest = shallow(html)
    if deepest > MAX_NESTING:
        diagnostics.warning("M306", f"elements nested {deepest:,} deep were flattened below "
                            f"level {MAX_NESTING}", origin.path, origin.line,
                            hint="nest less deeply; the deepest levels are printed as text")
    tree = lxml_html.fragment_fromstring(sanitise(html) or "", create_parent="div")
    for anchor in tree.iter("a"):  # the allow-list keeps data: for images, not for links
        scheme = urlsplit(anchor.get("href") or "").scheme.lower()
        if scheme and scheme not in EXTERNAL_SCHEMES:
            del anchor.attrib["href"]
        elif scheme:
            anchor.set("href", valid_url(anchor.get("href")))
    fix_attributes(tree)
    fix_content(tree)
    return tree


# Elements nested deeper than this lose their tags (their text stays) before the allow-list
# reads them: the HTML parsers take time by the depth for each element (nh3's grows with
# the square of it), and lxml's drops what lies deeper than 255 levels.
MAX_NESTING = 64
_ANY_TAG = re.compile(r"<(/?)([A-Za-z][^\s/<>]*+)[^<>]*+>")  # possessive, stops at a `<`: linear
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}


def shallow(html: str) -> tuple[str, int]:
    """`html` without the tags nested deeper than MAX_NESTING, and the deepest nesting it had.

    Tags are found by a pattern, not parsed: what it misreads (a `>` in an attribute, a tag
    in a comment) changes only which deep tags go, as the allow-list reads the rest."""
    kept, depth, deepest, done, opened = [], 0, 0, 0, []
    for tag in _ANY_TAG.finditer(html):
        name = tag.group(2).lower()
        if tag.group(1):
            drop = opened.pop() if opened else False
            depth = max(depth - 1, 0)
        elif name in _VOID or tag.group(0).endswith("/>"):
            drop = depth >= MAX_NESTING
        else:
            drop = depth >= MAX_NESTING
            depth += 1
            deepest = max(deepest, depth)
            opened.append(drop)
        if drop:
            kept.append(html[done:tag.start()])
            done = tag.end()
    if not done:
        return html, deepest
    kept.append(html[done:])
    return "".join(kept), deepest


def valid_url(url: str) -> str:
    """An address as a valid URL: characters no URL may hold (spaces, control characters,
    brackets outside an IPv6 host, a second `#`) percent-encoded, as a browser sends them."""
    base, hash_, fragment = url.strip().partition("#")
    safe = "!$&'()*+,/:;=?@%~"
    url = quote(base, safe=safe) + hash_ + quote(fragment, safe=safe)
    url = re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)%5B([0-9A-Fa-f:.]+)%5D", r"\1[\2]", url)
    return re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", url)


def fix_attributes(tree) -> None:
    """Convert or drop attribute values that EPUB's XHTML schema rejects."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in list(element.attrib.items()):
            fixed = _attribute(element, name, value.strip())
            if fixed is None:
                del element.attrib[name]
            elif fixed != value:
                element.set(name, fixed)


def _attribute(element, name: str, value: str) -> str | None:
    """The value the schema accepts for one attribute, or None to drop it."""
    if name == "lang":
        return value if value == "" or BCP47.fullmatch(value) else None
    if name == "dir":
        return value.lower() if value.lower() in ("ltr", "rtl", "auto") else None
    if name == "id":  # made an XML name, and unique, where the essay's ids are prefixed
        return value or None
    if name in ("width", "height") and element.tag == "img":
        return _dimension(element, name, value)
    if name == "align":  # obsolete in HTML5: the same alignment as CSS
        if value.lower() in ("left", "right", "center", "justify"):
            style = (element.get("style") or "").rstrip("; ")
            element.set("style", f"{style}; text-align: {value.lower()}".lstrip("; "))
        return None
    if name in ("colspan", "rowspan"):
        # ASCII digits only: str.isdigit() takes "²", which int() refuses
        return str(min(int(value), 1000)) if _DIGITS.fullmatch(value) and int(value) > 0 \
            else None
    if name == "scope":  # a row's header or a column's: the tagged PDF's Scope
        return value.lower() if value.lower() in ("row", "col", "rowgroup", "colgroup") else None
    if name in ("start", "value"):
        return value if _INTEGER.fullmatch(value) else None
    if name == "type" and element.tag == "ol":
        return value if value in ("1", "a", "A", "i", "I") else None
    if name == "reversed":
        return "reversed"
    if name == "datetime":
        return value if _DATETIME.fullmatch(value) else None
    return value


_DIGITS = re.compile(r"[0-9]{1,9}")


def _dimension(image, name: str, value: str) -> str | None:
    """Pixels stay an attribute; a percentage becomes CSS, which the schema allows."""
    if _DIGITS.fullmatch(value):
        return str(int(value))
    if re.fullmatch(r"\d{1,5}px", value):
        return value[:-2]
    if percent := _PERCENT.fullmatch(value):
        style = (image.get("style") or "").rstrip("; ")
        image.set("style", f"{style}; {name}: {percent.group(1)}%".lstrip("; "))
    return None


def fix_content(tree) -> None:
    """Put each element where the schema allows it: no blocks inside phrasing elements, list
    items only in lists, rows only in tables, no link inside a link."""
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element is tree:
            continue
        parent = element.getparent()
        if element.tag in PARENTS:
            if parent.tag not in PARENTS[element.tag]:
                _as_span(element)
        elif parent.tag in ("ul", "ol"):
            _wrap(element, "li")
        elif parent.tag == "dl" and element.tag != "div":
            _wrap(element, "dd")
        elif element.tag not in PHRASING and _in_phrasing(element):
            _as_span(element)
        elif element.tag == "a" and any(a.tag == "a" for a in element.iterancestors()):
            element.drop_tag()
        elif element.tag == "time" and not element.get("datetime"):
            element.tag = "span"  # a time without a datetime may hold only text


def _in_phrasing(element) -> bool:
    return any(a.tag in PHRASING_ONLY or a.tag in PHRASING for a in element.iterancestors())


def _wrap(element, tag: str) -> None:
    wrapper = etree.Element(tag)
    element.addprevious(wrapper)
    wrapper.append(element)
    wrapper.tail, element.tail = element.tail, None


def _as_span(element) -> None:
    """A misplaced element becomes a span, keeping its text and the attributes a span has."""
    element.tag = "span"
    for name in list(element.attrib):
        if name not in ALLOWED_ATTRIBUTES["*"]:
            del element.attrib[name]


def ncname(text: str, fallback: str = "id") -> str:
    """`text` as an XML name without colons (what EPUB's ids must be): letters, digits,
    `-`, `_` and `.`, starting with a letter or `_`."""
    name = _NOT_NAME.sub("-", text).strip("-")
    if not name or not (name[0].isalpha() or name[0] == "_"):
        name = f"{fallback}-{name}" if name else fallback
    return name


def language(tag: str, origin: Origin, diagnostics: Diagnostics, fallback: str) -> str:
    """A language tag as BCP 47 has it (`en_US` is read as `en-US`); one that is not a tag
    at all is reported (M309) and `fallback` used instead."""
    written = tag.strip().replace("_", "-")
    if BCP47.fullmatch(written):
        if written != tag:
            diagnostics.warning("M309", f"the language '{tag}' is read as '{written}'",
                                origin.path, origin.line,
                                hint=f"write it as a BCP 47 tag: lang: {written}")
        return written
    diagnostics.warning("M309", f"'{tag}' is not a language tag, so '{fallback}' is used",
                        origin.path, origin.line,
                        hint="write a BCP 47 tag such as en, fr, pt-BR or zh-Hant")
    return fallback


def inline_markdown(text: str, lang: str | None = None) -> str:
    """Markdown as HTML, with smart typography: quotation marks as the language `lang`
    sets them (English's without one)."""
    # One converter a thread, reset between texts: making one costs ten times the
    # conversion of a title, and a build converts two for each essay.
    md = getattr(_INLINE, "markdown", None)
    if md is None:
        md = _INLINE.markdown = markdown.Markdown(
            extensions=["smarty"], extension_configs={"smarty": {"substitutions": SMART}})
    try:
        return curl(md.reset().convert(NONCHARACTERS.sub("", text)), lang)
    except BaseException:
        _INLINE.markdown = None  # a conversion cut short leaves it in no known state
        raise


_INLINE = threading.local()


def depths(tree):
    """Each element of `tree` (comments too) with its depth below it, read in one walk: not
    by counting each element's ancestors, which a tree a thousand deep makes slow."""
    depth = -1
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            depth += 1
            yield element, depth
        else:
            depth -= 1


def inner_xml(element) -> str:
    """The content of an element as XML, without the element itself."""
    text = (element.text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text + "".join(etree.tostring(child, encoding="unicode", method="xml")
                          for child in element)


def phrasing(tree) -> str:
    """A tree's content as phrasing XHTML, to stand inside a paragraph or a list item: blocks
    become spans, separated by line breaks."""
    if len(tree) == 1 and tree[0].tag == "p" and not (tree.text or "").strip() \
            and not (tree[0].tail or "").strip():
        tree = tree[0]
    blocks = [child for child in tree if child.tag not in PHRASING]
    for index, block in enumerate(blocks):
        if index and block.getprevious() is not None:
            block.addprevious(etree.Element("br"))
    for element in list(tree.iter()):
        if element is not tree and element.tag not in PHRASING:
            _as_span(element)
            if element not in blocks:  # words of nested blocks stay apart
                element.tail = " " + (element.tail or "")
    return inner_xml(tree).strip()


def inline_field(text: str, origin: Origin, diagnostics: Diagnostics, what: str,
                 lang: str | None = None) -> str:
    """A spec's Markdown field (an editor's note, a question) as safe phrasing XHTML, its
    quotation marks as the language `lang` sets them."""
    tree = clean_tree(inline_markdown(not_a_block(text), lang) or "<p></p>", origin,
                      diagnostics, what)
    for element in tree.xpath(".//*[@id]"):  # ids belong to the essays
        del element.attrib["id"]
    for image in tree.iter("img"):  # a field has no folder of its own to find images in
        _replace_with_text(image, image.get("alt") or "")
    for anchor in list(tree.iter("a")):
        if not urlsplit(anchor.get("href") or "").scheme:  # no essay to resolve it against
            anchor.drop_tag()
    return phrasing(tree)


def plain_field(text: str, origin: Origin, diagnostics: Diagnostics, what: str,
                lang: str | None = None) -> str:
    """A spec's one-line field (a title, an agenda item, the colophon's text) as plain text
    with smart typography (quotation marks as `lang` sets them); markup is dropped, and
    anything unsafe in it reported."""
    tree = clean_tree(inline_markdown(not_a_block(text), lang) or "<p></p>", origin,
                      diagnostics, what)
    return one_line("".join(tree.itertext()))


_BREAKING = re.compile(r"[ \t\n\r\f\v\x85\u2028\u2029]+")


def one_line(text: str) -> str:
    """`text` on one line: its runs of spaces and line breaks (Unicode's too) one space each;
    the no-break spaces it holds (a French quotation mark's thin one, say) stay, but none
    is left at either end, where it holds nothing together."""
    return _BREAKING.sub(" ", text).strip()


def not_a_block(text: str) -> str:
    """A field's text with a leading `1.`, `#`, `-` or `>` kept as written, not made a list,
    heading or quote: "1. Welcome" in an agenda is a line of text."""
    return re.sub(r"(?m)^([ \t]*)(\d+)([.)])|^([ \t]*)([#>]|[+*-](?=\s))",
                  lambda m: f"{m[1]}{m[2]}\\{m[3]}" if m[2] else f"{m[4]}\\{m[5]}", text)


def _replace_with_text(element, text: str) -> None:
    span = etree.Element("span")
    span.text, span.tail = text, element.tail
    element.getparent().replace(element, span)


SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


# Elements of an SVG picture that run code or hold another document, removed whole.
_SVG_UNSAFE = ("script", "foreignObject", "handler", "iframe", "listener")
# Elements that change an attribute of another while the picture is shown (SMIL): one that
# sets a handler, a link or a style could make the picture run code or fetch a file.
_SVG_ANIMATIONS = ("set", "animate", "animateMotion", "animateTransform", "animateColor")
_SVG_LINKS = ("href", "src", "style", "action", "formaction", "base", "xml:base")


def clean_svg(data: bytes, diagnostics: Diagnostics | None = None,
              where: Path | None = None) -> bytes | None:
    """An SVG image without scripts, handlers, embedded HTML, entities or references to other
    files (an e-book would run or fetch them); None if it is not an SVG document.

    Its `<style>` and `style` attributes go through the CSS sanitiser (css.py: no import, no
    file, url() only to its own parts); animations that would set a handler, a link or a
    style are removed; a picture it holds in a data: URL must be a PNG, JPEG or GIF by its
    bytes. What is taken out is reported to `diagnostics`, if given (S901)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    if root.tag != f"{{{SVG_NS}}}svg":
        return None
    quiet = Diagnostics() if diagnostics is None else diagnostics
    ids = frozenset(root.xpath("//@id"))
    for element in list(root.iter()):
        if isinstance(element, etree._Entity) or not isinstance(element.tag, str) or \
                _svg_element_unsafe(element):
            if element is not root:
                _remove_keeping_tail(element)
            continue
        if etree.QName(element).localname == "style":
            _svg_style_element(element, ids, quiet, where)
        for name in list(element.attrib):
            value = _svg_attribute(name, element.get(name).strip(), ids, quiet, where)
            if value is None:
                del element.attrib[name]
            elif value != element.get(name):
                element.set(name, value)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _svg_element_unsafe(element) -> bool:
    local = etree.QName(element).localname
    if local in _SVG_UNSAFE:
        return True
    if local not in _SVG_ANIMATIONS:
        return False
    target = (element.get("attributeName") or "").strip().lower()
    target = target.rpartition(":")[2] if target.startswith("xlink:") else target
    return target.startswith("on") or target in _SVG_LINKS or not target and local != "animateMotion"


def _svg_style_element(element, ids: frozenset[str], diagnostics: Diagnostics,
                       where: Path | None) -> None:
    from .css import svg_style

    text = "".join(element.itertext())
    for child in list(element):
        element.remove(child)
    element.text = svg_style(text, ids, diagnostics, where, clean_svg)


def _svg_attribute(name: str, value: str, ids: frozenset[str], diagnostics: Diagnostics,
                   where: Path | None) -> str | None:
    """The attribute's value as it may stay, or None to drop it: no handlers, no base;
    references only to the image's own parts (that exist) or to images it holds."""
    from .css import svg_style

    local = etree.QName(name).localname.lower()
    if local.startswith("on") or local == "base" or "javascript:" in value.lower():
        return None
    if local == "href":
        if value.startswith("#"):
            return value if value[1:] in ids else None
        return _held_image(value)
    if local == "style":
        return svg_style(value, ids, diagnostics, where, clean_svg, declarations=True)
    if "(" not in value:
        return value
    found = _css_addresses(value)
    return value if found is not None and all(
        ref.startswith("#") and ref[1:] in ids for ref in found) else None


def held_picture(url: str, diagnostics: Diagnostics | None = None,
                 where: Path | None = None) -> str | None:
    """A picture held in a data: URL as a page may show it: a PNG, JPEG, GIF or WebP typed
    as its bytes say (whatever the URL claims), or an SVG cleaned (clean_svg); None for
    anything else (an HTML page, a script, bytes that are no picture)."""
    from ..project.images import RASTER, data_url_bytes, sniff

    data = data_url_bytes(url) if url[:5].lower() == "data:" else None
    kind = sniff(data) if data else "unknown"
    if kind == "svg":
        data = clean_svg(data, diagnostics, where)
    if data is None or kind not in (*RASTER, "svg"):
        return None
    media = RASTER.get(kind, "image/svg+xml")
    return f"data:{media};base64,{base64.b64encode(data).decode()}"


def _held_image(value: str) -> str | None:
    """A PNG, JPEG or GIF held in a data: URL, typed as its bytes say; else None."""
    from ..project.images import data_url_bytes, sniff

    if not value[:5].lower() == "data:":
        return None
    data = data_url_bytes(value)
    kind = sniff(data) if data else "unknown"
    if kind not in ("png", "jpeg", "gif"):
        return None
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def _css_addresses(value: str) -> list[str] | None:
    """Every address a presentation attribute's value names with url(), as CSS reads it
    (escapes and all); None if it cannot be read."""
    import tinycss2

    found, todo = [], list(tinycss2.parse_component_value_list(value))
    while todo:
        token = todo.pop()
        if token.type == "url":
            found.append(token.value.strip())
        elif token.type == "function":
            if token.lower_name in ("url", "src"):
                strings = [t for t in token.arguments if t.type == "string"]
                if not strings:
                    return None
                found.append(strings[0].value.strip())
            todo.extend(token.arguments)
        elif token.type.endswith("block"):
            todo.extend(token.content)
        elif token.type == "error":
            return None
    return found


def _remove_keeping_tail(element) -> None:
    parent, tail = element.getparent(), element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
