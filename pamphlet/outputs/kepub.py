"""The Kobo edition (`<stem>.kepub.epub`): the finished EPUB with Kobo's span markup added.

Kobo's own reader counts reading statistics, keeps highlights and turns pages by spans of
class `koboSpan` whose ids are `kobo.<paragraph>.<segment>`, and lays pages out in
`<div id="book-columns"><div id="book-inner">` around each document's body (the conventions of
Kobo's store books, which kepubify and calibre's KoboTouch driver also follow). This module
reads the EPUB that outputs/epub.py wrote, so the two books share one model and the plain
EPUB is never touched; it adds only elements, never text, so each document reads as before.

Diagnostic code: O530 the Kobo edition could not be written.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from ..store.atomic import atomic_output
from ..diagnostics import fail

XHTML_NS = "http://www.w3.org/1999/xhtml"
OPF_NS = "http://www.idpf.org/2007/opf"
X = f"{{{XHTML_NS}}}"
# Inside these, text is not the reader's running text, or a span is not allowed.
SKIPPED = {f"{X}script", f"{X}style", f"{X}head", "{http://www.w3.org/2000/svg}svg",
           "{http://www.w3.org/1998/Math/MathML}math"}
# Elements whose own text (whitespace between items) must stay outside any span.
NO_PHRASING = {f"{X}{name}" for name in ("ol", "ul", "dl", "table", "thead", "tbody",
                                         "tfoot", "tr", "colgroup", "select", "html", "body")}
# A new Kobo paragraph starts at each of these (and after it ends).
BLOCKS = {f"{X}{name}" for name in (
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "caption",
    "figcaption", "blockquote", "pre", "div", "section", "article", "aside", "header",
    "footer", "nav", "figure", "table", "ol", "ul", "dl", "hr", "address")}
PRESERVED = {f"{X}pre"}  # whitespace matters: one segment per text node, never split
# A segment ends after . ! ? or … (with any closing quotes or brackets) and the spaces after.
# Each run of marks is tried from its first only (a later one ends the same way).
SENTENCE_END = re.compile(r"""(?<![.!?…])[.!?…]++["'”’»)\]]*+\s+""")
DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
STYLE_HACKS = "div#book-inner { margin-top: 0; margin-bottom: 0; }"


def write_kepub(epub_path: Path, target: Path, spec_path: Path) -> Path:
    """Write the Kobo edition of the EPUB at `epub_path` to `target`, atomically."""
    with atomic_output(target) as temporary:
        try:
            _convert(epub_path, temporary)
        except (OSError, ValueError, KeyError, etree.XMLSyntaxError) as error:
            raise fail("O530", f"the Kobo edition could not be written: {error}", spec_path,
                       hint="check that the output folder is writable") from None
    return target


def _convert(source: Path, target: Path) -> None:
    """Copy the EPUB entry by entry, in its order and with its dates (so a reproducible
    EPUB gives a reproducible Kobo edition), adding spans to each content document."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        documents = content_documents(old)
        for info in old.infolist():
            data = old.read(info)
            if info.filename in documents:
                data = kobo_document(data)
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            new.writestr(entry, data, compresslevel=9)


def content_documents(book: zipfile.ZipFile) -> set[str]:
    """The zip names of the XHTML documents in the manifest, except the navigation document
    (a list of links, which Kobo shows from its own table of contents)."""
    container = _xml(book.read("META-INF/container.xml"))
    opf_name = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
    opf = _xml(book.read(opf_name))
    folder = opf_name.rpartition("/")[0]
    names = set()
    for item in opf.iter(f"{{{OPF_NS}}}item"):
        properties = (item.get("properties") or "").split()
        if item.get("media-type") == "application/xhtml+xml" and "nav" not in properties:
            names.add(f"{folder}/{item.get('href')}" if folder else item.get("href"))
    return names


def kobo_document(data: bytes) -> bytes:
    """One XHTML document with Kobo's markup: the style hack in its head, its body's content
    inside book-columns and book-inner, and every run of text and every image in a koboSpan."""
    root = _xml(data)
    head, body = root.find(f"{X}head"), root.find(f"{X}body")
    style = etree.SubElement(head, f"{X}style", type="text/css", id="kobostylehacks")
    style.text = STYLE_HACKS
    columns = etree.Element(f"{X}div", id="book-columns")
    inner = etree.SubElement(columns, f"{X}div", id="book-inner")
    for child in list(body):
        inner.append(child)  # moves it, with its tail; the body keeps its own text
    body.append(columns)
    _Spanner(set(root.xpath("//@id"))).element(inner)
    return (DECLARATION + etree.tostring(root, encoding="unicode") + "\n").encode("utf-8")


def _xml(data: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser)


def segments(text: str) -> list[str]:
    """The text cut after each sentence's end (with the spaces after it): the pieces join
    up to the text again, and none is empty."""
    cuts = [0, *(match.end() for match in SENTENCE_END.finditer(text)), len(text)]
    return [text[start:end] for start, end in zip(cuts, cuts[1:]) if end > start]


class _Spanner:
    """Numbers spans kobo.P.S in document order: P counts paragraphs, S segments in one."""

    def __init__(self, taken: set[str]):
        self.taken = taken  # the document's own ids, which a span's id must never repeat
        self.made: set[str] = set()  # the spans' ids, so that no span is walked again
        self.paragraph, self.segment, self.fresh = 0, 0, True

    def element(self, element, preserve: bool = False) -> None:
        """Wrap the text inside `element`, and its images, in spans (not its tail)."""
        preserve = preserve or element.tag in PRESERVED
        if element.tag in BLOCKS:
            self.fresh = True
        if element.text and element.text.strip() and element.tag not in NO_PHRASING:
            spans = self._spans(element.text, preserve)
            element.text = None
            for index, span in enumerate(spans):
                element.insert(index, span)
        for child in [c for c in element if c.get("id") not in self.made]:
            self._child(element, child, preserve)
        if element.tag in BLOCKS:
            self.fresh = True

    def _child(self, parent, child, preserve: bool) -> None:
        if isinstance(child.tag, str) and child.tag not in SKIPPED:
            if child.tag == f"{X}img":
                child = self._wrap_image(parent, child)
            else:
                self.element(child, preserve)
        if child.tail and child.tail.strip() and parent.tag not in NO_PHRASING:
            spans = self._spans(child.tail, preserve)
            child.tail = None
            at = parent.index(child) + 1
            for offset, span in enumerate(spans):
                parent.insert(at + offset, span)

    def _wrap_image(self, parent, image):
        """An image is a paragraph of its own, in a span (as Kobo's books have it)."""
        self.fresh = True
        span = self._span()
        span.tail, image.tail = image.tail, None
        parent.replace(image, span)
        span.append(image)
        self.fresh = True
        return span

    def _spans(self, text: str, preserve: bool) -> list:
        spans = []
        for part in ([text] if preserve else segments(text)):
            span = self._span()
            span.text = part
            spans.append(span)
        return spans

    def _span(self):
        if self.fresh:
            self.paragraph, self.segment, self.fresh = self.paragraph + 1, 0, False
        self.segment += 1
        while f"kobo.{self.paragraph}.{self.segment}" in self.taken:
            self.segment += 1
        name = f"kobo.{self.paragraph}.{self.segment}"
        self.taken.add(name)
        self.made.add(name)
        return etree.Element(f"{X}span", {"class": "koboSpan", "id": name})
