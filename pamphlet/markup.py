"""The Markdown pipeline: an essay's body into well-formed XHTML with its notes and links.

`render_body` does the work once and keeps footnotes as neutral placeholders; `print_html`
and `ebook_html` then turn them into what paper and screens each need.

Diagnostic codes of this stage:
  M301 an image file is missing           M302 an image lies outside the project
  M303 a remote image is left out (warning)
  M304 a link to a local file that is not an essay of the pamphlet is removed (warning)
  M305 an unsafe link or element is removed (warning)
  M306 nesting too deep was flattened (warning)
  E216 an image has too many pixels to decode (a decompression bomb)
  E217 an image has so many pixels that it is slow to print (warning)
"""

from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from lxml import etree, html as lxml_html
from markdown.preprocessors import Preprocessor

from .diagnostics import Diagnostics, shorten
from .essays import Essay
from .paths import Gate, Refused
from .images import MANY_PIXELS, MAX_PIXELS, data_url_bytes, pixel_count

SMART = {
    "left-single-quote": "‘", "right-single-quote": "’", "left-double-quote": "“",
    "right-double-quote": "”", "left-angle-quote": "«", "right-angle-quote": "»",
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
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title"},
    "a": {"href"}, "img": {"src", "alt", "width", "height"},
    "th": {"style", "align", "colspan", "rowspan"}, "td": {"style", "align", "colspan", "rowspan"},
    "ol": {"start", "reversed", "type"}, "li": {"value"}, "time": {"datetime"},
    "abbr": {"title"}, "q": {"cite"}, "blockquote": {"cite"}}
EPUB_NS = "http://www.idpf.org/2007/ops"
MAX_DEPTH = 24  # levels of nested elements kept; deeper ones are flattened


@dataclass(frozen=True)
class Note:
    number: int
    html: str  # the note's paragraphs, as XHTML


@dataclass(frozen=True)
class Link:
    url: str
    text: str


@dataclass(frozen=True)
class Body:
    """An essay's text as XHTML; footnote calls are `<span class="noteref" data-note="N"/>`."""

    slug: str
    html: str
    notes: tuple[Note, ...]
    links: tuple[Link, ...]
    images: tuple[Path, ...]


@dataclass(frozen=True)
class PrintBody:
    """The body made for paper: notes inline for CSS footnotes, link URLs as notes."""

    html: str
    link_endnotes: tuple[Link, ...]


def render_body(essay: Essay, root: Path, diagnostics: Diagnostics,
                slugs: frozenset[str] = frozenset(), gate: Gate | None = None) -> Body:
    """Convert an essay's Markdown into a `Body`, reporting problems with their lines.

    `slugs` are the essays of the same pamphlet, which links to `<slug>.md` may reach;
    images are found through `gate` (by default, one for the project at `root`).
    """
    md = markdown.Markdown(
        extensions=["footnotes", "tables", "smarty", "fenced_code", "sane_lists",
                    _CommonMarkLists()],
        extension_configs={"smarty": {"substitutions": SMART},
                           "footnotes": {"BACKLINK_TEXT": ""}},
        output_format="xhtml")
    converted = md.convert(essay.body) or "<p></p>"
    fixer = _TreeFixer(essay, (gate or Gate.for_project(root)).project_only(), diagnostics,
                       slugs)
    # Say what the allow-list will take out, then let it take it out.
    fixer.report_unsafe(lxml_html.fragment_fromstring(converted, create_parent="div"))
    tree = lxml_html.fragment_fromstring(sanitise(converted) or "<p></p>", create_parent="div")
    # The passes see the notes too, so links and images in them are treated alike.
    fixer.limit_depth(tree)
    fixer.headings(tree)
    images = fixer.images(tree)
    links = fixer.links(tree)
    fixer.section_breaks(tree)
    notes = fixer.take_notes(tree)
    return Body(essay.slug, inner_xml(tree), tuple(notes), tuple(links), tuple(images))


def inline_html(text: str) -> str:
    """A line of Markdown (a question, an editor's note) as inline XHTML with smart typography."""
    md = markdown.Markdown(extensions=["smarty"],
                           extension_configs={"smarty": {"substitutions": SMART}})
    tree = lxml_html.fragment_fromstring(md.convert(text) or "<p></p>", create_parent="div")
    paragraphs = tree.findall("p")
    if len(paragraphs) == 1 and len(tree) == 1:
        tree = paragraphs[0]
    return inner_xml(tree).strip()


def sanitise(html: str) -> str:
    """Keep only the elements and attributes an essay can need (nh3's allow-list cleaner)."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto", "ftp", "data"},
                     filter_style_properties={"text-align"}, link_rel=None,
                     strip_comments=True)


def smarten(text: str) -> str:
    """Plain text with smart quotes, dashes and ellipses; any Markdown markup is dropped."""
    md = markdown.Markdown(extensions=["smarty"],
                           extension_configs={"smarty": {"substitutions": SMART}})
    tree = lxml_html.fragment_fromstring(md.convert(text) or "<p></p>", create_parent="div")
    for unsafe in tree.iter(*UNSAFE_ELEMENTS):  # a <script> in a title leaves no text behind
        unsafe.drop_tree()
    return " ".join(_text(tree).split())


def print_html(body: Body, link_notes: str = "footnote") -> PrintBody:
    """Inline each footnote for CSS `float: footnote`; print every link's URL as a note."""
    tree = parse_fragment(body.html)
    notes = {note.number: note for note in body.notes}
    for marker in tree.iter("span"):
        if marker.get("class") == "noteref":
            note = parse_fragment(notes[int(marker.get("data-note"))].html)
            _urls_inline(note)
            _replace(marker, _as_inline(note, "footnote"))
    endnotes: list[Link] = []
    for anchor in list(tree.iter("a")):
        if not _is_external(anchor.get("href")) or _inside(anchor, "footnote"):
            continue
        url = _display_url(anchor.get("href"))
        if _same_text(_text(anchor), url):
            anchor.set("class", "url")
        elif link_notes == "footnote":
            note = etree.Element("span", {"class": "footnote link-note"})
            etree.SubElement(note, "span", {"class": "url"}).text = url
            _insert_after(anchor, note)
        else:
            endnotes.append(Link(url, _text(anchor)))
            ref = etree.Element("sup", {"class": "link-ref"})
            ref.text = f"[{len(endnotes)}]"
            _insert_after(anchor, ref)
    return PrintBody(inner_xml(tree), tuple(endnotes))


def ebook_html(body: Body) -> str:
    """EPUB 3 notes: each call a `noteref` link, each note an `aside` with a back-link."""
    tree = parse_fragment(body.html)
    seen: set[int] = set()
    for marker in list(tree.iter("span")):
        if marker.get("class") != "noteref":
            continue
        number = int(marker.get("data-note"))
        sup = etree.Element("sup")
        ref = etree.SubElement(sup, "a", {
            "href": f"#{body.slug}-note-{number}", "class": "noteref",
            f"{{{EPUB_NS}}}type": "noteref", "role": "doc-noteref"}, nsmap={"epub": EPUB_NS})
        if number not in seen:
            ref.set("id", f"{body.slug}-noteref-{number}")
        seen.add(number)
        ref.text = str(number)
        _replace(marker, sup)
    xml = inner_xml(tree)
    if body.notes:
        xml += _ebook_notes(body)
    return xml


def _ebook_notes(body: Body) -> str:
    section = etree.Element("section", {"class": "footnotes", f"{{{EPUB_NS}}}type": "footnotes"},
                            nsmap={"epub": EPUB_NS})
    for note in body.notes:
        aside = etree.SubElement(section, "aside", {
            "id": f"{body.slug}-note-{note.number}", f"{{{EPUB_NS}}}type": "footnote",
            "role": "doc-footnote", "class": "footnote"})
        back = etree.Element("a", {"href": f"#{body.slug}-noteref-{note.number}",
                                   "role": "doc-backlink", "class": "backlink"})
        back.text = f"{note.number}."
        paragraphs = list(parse_fragment(note.html))
        if paragraphs and paragraphs[0].tag == "p":
            first = paragraphs[0]
            back.tail, first.text = " " + (first.text or ""), None
            first.insert(0, back)
        else:
            first = etree.Element("p")
            first.append(back)
            paragraphs.insert(0, first)
        aside.extend(paragraphs)
    return etree.tostring(section, encoding="unicode", method="xml")


class _CommonMarkLists(markdown.Extension):
    """Lists nested by the width of their parent's marker, as CommonMark does.

    Python-Markdown nests a list only when it is indented by four spaces; people write two
    (or three under `1.`). This re-indents list lines to Python-Markdown's four per level.
    """

    def extendMarkdown(self, md):
        md.preprocessors.register(_ListIndenter(md), "commonmark_lists", 27)


class _ListIndenter(Preprocessor):
    _MARKER = re.compile(r"^( *)([-+*]|\d{1,9}[.)])( +|$)(.*)$")
    _RULE = re.compile(r"^ {0,3}([-*_])( *\1){2,} *$")
    _FENCE = re.compile(r"^ *(```|~~~)")

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        columns: list[int] = []  # content column of each open list item, outermost first
        blank = fenced = False
        for line in lines:
            if self._FENCE.match(line):
                fenced = not fenced
            if not line.strip():
                out.append(line)
                blank = True
                continue
            indent = len(line) - len(line.lstrip(" "))
            # Four spaces more than the open item's content column make code, not a list.
            limit = (columns[-1] if columns else 0) + 4
            marker = None if fenced or indent >= limit or self._RULE.match(line) else \
                self._MARKER.match(line)
            if marker:
                while columns and indent < columns[-1]:
                    columns.pop()
                out.append(" " * 4 * len(columns) + line[indent:])
                columns.append(indent + len(marker.group(2)) + max(1, len(marker.group(3))))
            elif columns and indent > 0:
                while columns and indent < columns[-1]:
                    columns.pop()
                extra = indent - columns[-1] if columns else indent
                out.append(" " * (4 * len(columns) + extra) + line[indent:])
            else:
                if blank and not fenced:
                    columns = []
                out.append(line)
            blank = False
        return out


class _TreeFixer:
    """The post-Markdown passes over one essay's tree; each reports what it finds."""

    def __init__(self, essay: Essay, gate: Gate, diagnostics: Diagnostics,
                 slugs: frozenset[str]):
        self.essay, self.gate, self.diagnostics = essay, gate, diagnostics
        self.root = gate.roots[0]
        self.slugs = slugs
        self.ids: dict[str, str] = {}

    def line_of(self, needle: str) -> int:
        at = self.essay.body.find(needle)
        return self.essay.body_line + (self.essay.body[:at].count("\n") if at >= 0 else 0)

    def take_notes(self, tree) -> list[Note]:
        numbers: dict[str, int] = {}
        notes: list[Note] = []
        for block in tree.xpath("./div[@class='footnote']"):
            for number, item in enumerate(block.iter("li"), 1):
                numbers[item.get("id", "")] = number
                for back in item.xpath(".//a[contains(@class, 'footnote-backref')]"):
                    _drop(back)
                _strip_trailing_space(item)
                notes.append(Note(number, inner_xml(item).strip()))
            block.getparent().remove(block)
        for sup in tree.xpath(".//sup[starts-with(@id, 'fnref')]"):
            target = sup.find("a").get("href", "#")[1:]
            marker = etree.Element("span", {"class": "noteref", "data-note": str(numbers[target])})
            _replace(sup, marker)
        return notes

    def report_unsafe(self, tree) -> None:
        """Warn of the raw HTML the sanitiser removes: scripts, frames, forms, handlers."""
        for element in tree.xpath(".//*"):
            if not isinstance(element.tag, str):
                continue
            if element.tag in UNSAFE_ELEMENTS:
                self.diagnostics.warning(
                    "M305", f"<{element.tag}> is not allowed in an essay and was removed",
                    self.essay.path, self.line_of(f"<{element.tag}"))
            for name in [n for n in element.attrib if n.lower().startswith("on")]:
                self.diagnostics.warning(
                    "M305", f"the {name} attribute is not allowed and was removed",
                    self.essay.path, self.line_of(name))
            href = element.get("href") if element.tag == "a" else None
            scheme = urlsplit(href or "").scheme.lower()
            if scheme and scheme not in EXTERNAL_SCHEMES:
                self.diagnostics.warning(
                    "M305", f"link with '{scheme}:' removed: {shorten(href)}", self.essay.path,
                    self.line_of(href), hint="link to http(s) addresses only")

    def limit_depth(self, tree) -> None:
        """Flatten nesting past MAX_DEPTH: layout engines recurse, and no reader follows it."""
        deepest = max((len(list(e.iterancestors())) for e in tree.iter()), default=0)
        if deepest <= MAX_DEPTH:
            return
        self.diagnostics.warning(
            "M306", f"lists or quotes nested {deepest} deep were flattened below level "
            f"{MAX_DEPTH}", self.essay.path, self.essay.body_line,
            hint="nest less deeply; the deepest levels are printed as plain paragraphs")
        for element in list(tree.iter()):
            depth = len(list(element.iterancestors()))
            if depth >= MAX_DEPTH and element.tag in ("ul", "ol", "li", "blockquote", "div"):
                element.drop_tag()

    def headings(self, tree) -> None:
        headings = [h for h in tree.iter() if h.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
        shift = 1 if any(h.tag == "h1" for h in headings) else 0
        for heading in headings:
            heading.tag = f"h{min(6, int(heading.tag[1]) + shift)}"
            anchor = self._unique_id(heading.get("id") or _slugify(_text(heading)))
            self.ids[heading.get("id") or anchor] = anchor
            heading.set("id", anchor)

    def images(self, tree) -> list[Path]:
        found: list[Path] = []
        for image in list(tree.iter("img")):
            src = image.get("src") or ""
            if src.startswith("data:"):
                self._check_pixels(data_url_bytes(src) or b"", src)
                self._figure(image)
                continue
            path = self._image_path(src)
            if path is not None and not self._check_pixels(self._read(path, src), src):
                path = None
            if path is None:
                alt = etree.Element("span", {"class": "missing-image"})
                alt.text = image.get("alt") or ""
                _replace(image, alt)
                continue
            image.set("src", path.relative_to(self.root).as_posix())
            image.set("alt", image.get("alt") or "")
            found.append(path)
            self._figure(image)
        return found

    def _read(self, path: Path, src: str) -> bytes:
        try:
            return self.gate.read_bytes(path, (self.essay.path, self.line_of(src)), "image")
        except Refused as refused:
            self.diagnostics.extend(refused.diagnostics)
            return b""

    def _check_pixels(self, image: bytes, src: str) -> bool:
        """False, with an error, for an image too large to decode (a decompression bomb);
        a warning for one that is merely huge (slow, and near a gigabyte of memory)."""
        pixels = pixel_count(image)
        if pixels > MANY_PIXELS:
            report = self.diagnostics.error if pixels > MAX_PIXELS else self.diagnostics.warning
            report("E216" if pixels > MAX_PIXELS else "E217",
                   f"the image {shorten(src)} has {pixels:,} pixels"
                   + (f", more than the {MAX_PIXELS:,} an image may have"
                      if pixels > MAX_PIXELS else ", which take long to print"),
                   self.essay.path, self.line_of(src),
                   hint="scale the image down; a page needs a few million pixels at most")
        return pixels <= MAX_PIXELS

    def _image_path(self, src: str) -> Path | None:
        scheme = urlsplit(src).scheme.lower()
        if scheme in ("http", "https", "ftp"):
            self.diagnostics.warning(
                "M303", f"remote image left out: {shorten(src)}", self.essay.path,
                self.line_of(src),
                hint="download the image into the project and link to the file")
            return None
        where = (self.essay.path, self.line_of(src))
        if scheme not in ("", "file"):
            self.diagnostics.error(
                "M302", f"image outside the project: {shorten(src)}", *where,
                hint="copy the image into the project (next to the essay, say) and link to it")
            return None
        try:
            return self.gate.check(self.essay.path.parent / unquote(src.removeprefix("file://")),
                                   where, "image", {"outside": "M302", "missing": "M301"})
        except Refused as refused:
            self.diagnostics.extend(refused.diagnostics)
            return None

    def _figure(self, image) -> None:
        parent = image.getparent()
        if parent.tag != "p" or len(parent) != 1 or (parent.text or "").strip() or (
                image.tail or "").strip():
            return
        parent.tag = "figure"
        parent.text = image.tail = None
        if image.get("title"):
            caption = etree.SubElement(parent, "figcaption")
            caption.text = image.attrib.pop("title")

    def links(self, tree) -> list[Link]:
        found: list[Link] = []
        for anchor in tree.iter("a"):
            href = (anchor.get("href") or "").strip()
            scheme = urlsplit(href).scheme.lower()
            if href.startswith("#"):
                anchor.set("href", "#" + self.ids.get(href[1:], href[1:]))
            elif scheme in EXTERNAL_SCHEMES:
                found.append(Link(href, _text(anchor)))
            elif href and not scheme:
                self._cross_reference(anchor, href)
        return found

    def _cross_reference(self, anchor, href: str) -> None:
        """A link to another essay's file becomes a link to where it stands in the pamphlet."""
        target = unquote(href.split("#", 1)[0])
        slug = Path(target).stem if target.endswith(".md") else None
        if slug in self.slugs:
            anchor.set("href", f"#{slug}")
            anchor.set("class", "cross-ref")
            return
        self.diagnostics.warning(
            "M304", f"link to a file that is not in this pamphlet: {shorten(href)}",
            self.essay.path, self.line_of(href),
            hint="link to an essay of the selection (other-essay.md) or to a web address")
        del anchor.attrib["href"]

    def section_breaks(self, tree) -> None:
        for rule in tree.iter("hr"):
            rule.set("class", "section-break")

    def _unique_id(self, base: str) -> str:
        anchor = f"{self.essay.slug}-{base or 'section'}"
        candidate, n = anchor, 1
        while candidate in self.ids.values():
            n += 1
            candidate = f"{anchor}-{n}"
        return candidate


def parse_fragment(fragment: str):
    """Parse XHTML that this module wrote (well-formed, so the XML parser reads it)."""
    return etree.fromstring(f"<div>{fragment}</div>")


def inner_xml(element) -> str:
    text = _escape(element.text or "")
    return text + "".join(etree.tostring(child, encoding="unicode", method="xml")
                          for child in element)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _replace(old, new) -> None:
    new.tail = old.tail
    old.getparent().replace(old, new)


def _drop(element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _strip_trailing_space(item) -> None:
    """Drop the no-break space that Python-Markdown puts before a footnote's back-link."""
    paragraph = item[-1] if len(item) else item
    if len(paragraph):
        paragraph[-1].tail = (paragraph[-1].tail or "").rstrip() or None
    else:
        paragraph.text = (paragraph.text or "").rstrip()


def _insert_after(element, new) -> None:
    new.tail, element.tail = element.tail, None
    element.addnext(new)


def _inside(element, css_class: str) -> bool:
    return any(css_class in (a.get("class") or "").split() for a in element.iterancestors())


def _as_inline(note, css_class: str):
    """A note's paragraphs as one inline span (block elements cannot float as footnotes)."""
    span = etree.Element("span", {"class": css_class})
    span.text = note.text
    for index, child in enumerate(note):
        if child.tag == "p" and index == 0:
            # The first paragraph runs on from the note's number.
            span.text = (span.text or "").strip() + (child.text or "")
            span.extend(list(child))
            continue
        if child.tag == "p":
            child.tag = "span"
            child.set("class", "note-p")
        span.append(child)
    return span



def _urls_inline(note) -> None:
    for anchor in note.iter("a"):
        href = anchor.get("href")
        if _is_external(href) and not _same_text(_text(anchor), _display_url(href)):
            url = etree.Element("span", {"class": "url"})
            url.text = _display_url(href)
            url.tail = ")" + (anchor.tail or "")
            anchor.tail = " ("
            anchor.addnext(url)


def _text(element) -> str:
    return "".join(element.itertext())


def _is_external(href: str | None) -> bool:
    return bool(href) and urlsplit(href).scheme.lower() in EXTERNAL_SCHEMES


def _display_url(href: str) -> str:
    return href[len("mailto:"):] if href.lower().startswith("mailto:") else href


def _same_text(text: str, url: str) -> bool:
    def norm(value: str) -> str:
        value = re.sub(r"^(https?://)?(www\.)?", "", value.strip().lower())
        return value.rstrip("/")
    return norm(text) == norm(url)


def _slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
