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
  M308 a link to an anchor that does not exist is unwrapped (warning)
  M320 an image has no alt text (warning)
  M311 brackets too many to read as links were left as text (warning)
  M312 an essay has more footnotes than MAX_NOTES (error)
  M313 a line of an essay is longer than MAX_LINE (error)
"""

from __future__ import annotations

import copy
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown
from lxml import etree, html as lxml_html
from markdown.inlinepatterns import SimpleTagInlineProcessor
from markdown.preprocessors import Preprocessor

from ..diagnostics import Diagnostics, shorten
from ..project.essays import Essay
from ..project.images import MANY_PIXELS, MAX_PIXELS, data_url_bytes, pixel_count
from ..locale.formats import digits
from ..locale.quotes import NONCHARACTERS, curl
from .citations import CLASS as CITATION, CitationExtension
from .callouts import CalloutsAndCaptions
from .markcache import MarkupCache
from .mdsafe import BUDGET_MARK, LINE_WORK, BoundedLinks, marks
from .urls import href, linkify
from ..store.paths import Gate, Refused
from .sanitiser import (EXTERNAL_SCHEMES, SMART, UNSAFE_ELEMENTS, Origin, clean_tree, depths,
                        held_picture, inline_markdown, inner_xml, ncname, not_a_block,
                        one_line, valid_url)

EPUB_NS = "http://www.idpf.org/2007/ops"
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
MAX_DEPTH = 24  # levels of nested elements kept; deeper ones are flattened
MAX_NOTES = 3_000  # footnotes an essay may have: more is no essay, and would take hours
# Characters in one line; and see mdsafe.LINE_WORK: Python-Markdown copies a paragraph's
# text again for each piece of markup it finds in it, so a line's cost grows with the
# square of its markup.
MAX_LINE = 100_000
_NOTE_DEFINITION = re.compile(r"(?m)^ {0,3}\[\^[^\[\]\s]+\]:")


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

    slug: str  # the anchor: the id of the essay's element and the prefix of every id in it
    html: str
    notes: tuple[Note, ...]
    links: tuple[Link, ...]
    images: tuple[Path, ...]
    ids: tuple[tuple[str, str], ...] = ()  # (id as the author wrote it, id in the output)


@dataclass(frozen=True)
class PrintBody:
    """The body made for paper: notes inline for CSS footnotes, link URLs as notes."""

    html: str
    link_endnotes: tuple[Link, ...]


# Where a link to another essay can be written: `other.md` (inline, <angled>, reference
# definitions, raw HTML) and `#other`. Each ends a name; the name runs back to a delimiter.
def render_body(essay: Essay, root: Path, diagnostics: Diagnostics,
                slugs: Mapping[str, str] | frozenset[str] = frozenset(),
                anchor: str | None = None, what: str = "an essay",
                gate: Gate | None = None, cache: MarkupCache | None = None,
                lang: str | None = None) -> Body:
    """Convert an essay's Markdown into a `Body`, reporting problems with their lines.

    `slugs` are the essays of the same pamphlet, which links to `<slug>.md` may reach, each
    with its anchor; `anchor` is this essay's, the prefix of every id in it. Images are
    found through `gate` (by default, one for the project at `root`). `cache` keeps the
    Markdown conversion proper, which depends on the text alone, between builds; the
    quotation marks it made are then set as the essay's language `lang` sets them.
    """
    text = NONCHARACTERS.sub("", essay.body)  # no text may stand in for a quotation mark
    # The footnote extension's ids carry a mark that the essay's own raw HTML cannot hold (a
    # hash of the essay), so HTML that imitates its notes or calls is never taken for them.
    mark = f"-{hashlib.sha256(text.encode()).hexdigest()[:16]}-"
    if _too_many_notes(essay, diagnostics) or _too_long_line(essay, diagnostics):
        return Body(ncname(anchor or essay.slug, "essay"), "", (), (), ())
    convert = lambda: _markdown(mark).convert(text)  # noqa: E731
    converted = curl((cache.converted(text, convert) if cache else convert()) or "<p></p>",
                     lang)
    if f"<!--{BUDGET_MARK}{mark}-->" in converted:
        diagnostics.warning(
            "M311", "the essay holds so many brackets that cannot be links (opened and never "
            "closed, say) that the rest of them were printed as written, not read as links",
            essay.path, essay.body_line,
            hint="close each [ with ] and each ( with ), or escape a bracket meant as text: \\[")
    anchor = ncname(anchor or essay.slug, "essay")
    fixer = _TreeFixer(essay, (gate or Gate.for_project(root)).project_only(), diagnostics,
                       slugs, anchor, mark)
    tree = clean_tree(converted, Origin(essay.path, essay.body_line, essay.body), diagnostics,
                      what)
    # Addresses written out become links, as in GitHub's Markdown (the e-book follows them).
    linkify(tree, etree.Element, lambda address: valid_url(href(address)))
    # The passes see the notes too, so links and images in them are treated alike.
    fixer.limit_depth(tree)
    fixer.citations(tree)
    fixer.element_ids(tree)
    fixer.headings(tree)
    images = fixer.images(tree)
    links = fixer.links(tree)
    fixer.section_breaks(tree)
    notes = fixer.take_notes(tree)
    return Body(anchor, inner_xml(tree), tuple(notes), tuple(links), tuple(images),
                tuple(fixer.ids.items()))


def _too_many_notes(essay: Essay, diagnostics: Diagnostics) -> bool:
    """An error (M312) for an essay with more footnotes than MAX_NOTES, which is not
    converted: Python-Markdown would take hours over a million of them."""
    count = sum(1 for _ in _NOTE_DEFINITION.finditer(essay.body))
    if count <= MAX_NOTES:
        return False
    diagnostics.error("M312", f"the essay has {count:,} footnotes, more than the "
                      f"{MAX_NOTES:,} an essay may have", essay.path, essay.body_line,
                      hint="split the essay, or turn notes into text")
    return True


def _too_long_line(essay: Essay, diagnostics: Diagnostics) -> bool:
    """An error (M313) for an essay with a line longer than MAX_LINE, which is not converted."""
    if len(essay.body) * marks(essay.body) <= LINE_WORK and len(essay.body) <= MAX_LINE:
        return False
    number, line = next(((number, line) for number, line in enumerate(essay.body.split("\n"))
                         if len(line) > MAX_LINE or len(line) * marks(line) > LINE_WORK),
                        (0, ""))
    if not line:
        return False
    problem = f"more than the {MAX_LINE:,} a line may have" if len(line) > MAX_LINE else \
        f"with {marks(line):,} quotes, dashes and other marks: more than a line may hold"
    diagnostics.error("M313", f"a line of the essay is {len(line):,} characters long, "
                      f"{problem}", essay.path, essay.body_line + number,
                      hint="break it into paragraphs; put a large picture in a file of its own, "
                      "not in a data: address")
    return True


def _markdown(mark: str) -> markdown.Markdown:
    """Python-Markdown as essays are converted; `mark` is in the footnotes' ids. Everything
    that shapes the conversion is here and in mdsafe.py (markcache.py keys its entries by
    these modules)."""
    return markdown.Markdown(
        extensions=["footnotes", "tables", "smarty", "fenced_code", "sane_lists", "def_list",
                    _CommonMarkLists(), _AuthorsMarkdown(), CitationExtension(mark),
                    CalloutsAndCaptions(), BoundedLinks(mark)],
        extension_configs={"smarty": {"substitutions": SMART},
                           "footnotes": {"BACKLINK_TEXT": "", "SEPARATOR": mark}},
        output_format="xhtml")


def smarten(text: str, lang: str | None = None) -> str:
    """Plain text with smart quotes (as the language `lang` sets them), dashes and ellipses;
    any Markdown markup is dropped."""
    tree = lxml_html.fragment_fromstring(inline_markdown(not_a_block(text), lang) or "<p></p>",
                                         create_parent="div")
    for unsafe in tree.iter(*UNSAFE_ELEMENTS):  # a <script> in a title leaves no text behind
        unsafe.drop_tree()
    return one_line(_text(tree))


def link_across(documents: list[tuple[Body, Essay]], diagnostics: Diagnostics) -> list[Body]:
    """Links between the pamphlet's documents, once all are rendered: `other.md#section` goes
    to that section's id, and a link whose target is gone (left out of an excerpt, or never
    there) is unwrapped with a warning (M308)."""
    present = {body.slug: _ids_in(body) for body, _ in documents}
    every = set().union(*present.values()) if present else set()
    written = {body.slug: dict(body.ids) for body, _ in documents}
    names = {body.slug: essay.slug for body, essay in documents}

    def fix(fragment: str, body: Body, essay: Essay) -> str:
        if 'href="#' not in fragment:
            return fragment
        tree = parse_fragment(fragment)
        for anchor in tree.xpath(".//a[starts-with(@href, '#')]"):
            target = anchor.get("href")[1:]
            section = anchor.attrib.pop("data-fragment", None)
            if section is not None:
                found = written.get(target, {}).get(section)
                if found:
                    anchor.set("href", f"#{found}")
                else:
                    dangling(anchor, f"{names.get(target)}.md#{section}", essay, diagnostics,
                             "that essay has no such section")
            elif target not in every:
                mine: dict[str, str] = {}
                for old, new in written[body.slug].items():  # the first is as written
                    mine.setdefault(new, old)
                dangling(anchor, f"#{mine.get(target, target)}", essay, diagnostics,
                         "the section is not in this pamphlet")
        return inner_xml(tree)

    return [replace(body, html=fix(body.html, body, essay),
                    notes=tuple(replace(note, html=fix(note.html, body, essay))
                                for note in body.notes))
            for body, essay in documents]


def _ids_in(body: Body) -> set[str]:
    found = {body.slug}
    for fragment in (body.html, *(note.html for note in body.notes)):
        found.update(parse_fragment(fragment).xpath("//@id"))
    return found


def print_html(body: Body, link_notes: str = "footnote", lang: str = "en") -> PrintBody:
    """Inline each footnote for CSS `float: footnote`; print every link's URL as a note,
    numbered in the digits of the book's language `lang` (as its page numbers are)."""
    tree = parse_fragment(body.html)
    notes = {note.number: note for note in body.notes}
    for marker in tree.iter("span"):
        if (number := note_call(marker)) is not None:
            note = parse_fragment(notes[number].html)
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
            ref.text = f"[{digits(str(len(endnotes)), lang)}]"
            _insert_after(anchor, ref)
    return PrintBody(inner_xml(tree), tuple(endnotes))


def ebook_html(body: Body, lang: str = "en") -> str:
    """EPUB 3 notes: each call a `noteref` link, each note an `aside` with a back-link, their
    numbers in the digits of the book's language `lang` (as its page list's are)."""
    tree = parse_fragment(body.html)
    seen: set[int] = set()
    for marker in list(tree.iter("span")):
        number = note_call(marker)
        if number is None:
            continue
        sup = etree.Element("sup")
        ref = etree.SubElement(sup, "a", {
            "href": f"#{body.slug}-note-{number}", "class": "noteref",
            f"{{{EPUB_NS}}}type": "noteref", "role": "doc-noteref"}, nsmap={"epub": EPUB_NS})
        if number not in seen:
            ref.set("id", f"{body.slug}-noteref-{number}")
        seen.add(number)
        ref.text = digits(str(number), lang)
        _replace(marker, sup)
    xml = inner_xml(tree)
    if body.notes:
        xml += _ebook_notes(body, lang)
    return xml


def note_call(marker) -> int | None:
    """The number of the note a footnote call placeholder stands for, else None.

    Only `take_notes` writes `data-note`; the sanitiser keeps an author's `class="noteref"`
    but never a `data-*` attribute, so the class alone would take raw HTML for a call."""
    number = marker.get("data-note")
    return None if number is None else int(number)


def _ebook_notes(body: Body, lang: str) -> str:
    section = etree.Element("section", {"class": "footnotes", f"{{{EPUB_NS}}}type": "footnotes"},
                            nsmap={"epub": EPUB_NS})
    for note in body.notes:
        aside = etree.SubElement(section, "aside", {
            "id": f"{body.slug}-note-{note.number}", f"{{{EPUB_NS}}}type": "footnote",
            "role": "doc-footnote", "class": "footnote"})
        back = etree.Element("a", {"href": f"#{body.slug}-noteref-{note.number}",
                                   "role": "doc-backlink", "class": "backlink"})
        back.text = f"{digits(str(note.number), lang)}."
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


_FENCE = re.compile(r"^ *(```|~~~)")  # a fenced code block opens or closes


class _AuthorsMarkdown(markdown.Extension):
    """What authors expect from other Markdown tools: `#hashtag` at the start of a line is
    text, not a heading (CommonMark wants a space after the #), and `~~struck~~` is struck."""

    def extendMarkdown(self, md):
        md.preprocessors.register(_HashtagKeeper(md), "hashtags", 28)
        md.inlinePatterns.register(
            SimpleTagInlineProcessor(r"(~~)(?=\S)(.+?)(?<=\S)~~", "del"), "strike", 65)


class _HashtagKeeper(Preprocessor):
    _TAG = re.compile(r"^(#{1,6})(?=[^#\s])")

    def run(self, lines: list[str]) -> list[str]:
        out, fenced = [], False
        for line in lines:
            if _FENCE.match(line):
                fenced = not fenced
            out.append(line if fenced else self._TAG.sub(r"\\\1", line))
        return out


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

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        columns: list[int] = []  # content column of each open list item, outermost first
        blank = fenced = False
        for line in lines:
            if _FENCE.match(line):
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
                if len(columns) >= MAX_DEPTH:  # deeper lists stay at that level (Python-
                    columns.pop()  # Markdown's parse of each level costs all those above)
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
                 slugs: Mapping[str, str] | frozenset[str], anchor: str, mark: str):
        self.essay, self.gate, self.diagnostics = essay, gate, diagnostics
        self.mark = mark  # in every id of the footnote extension's, and in no other
        self.root = gate.roots[0]
        self.slugs = slugs if isinstance(slugs, Mapping) else {slug: slug for slug in slugs}
        self.anchor = anchor
        self.ids: dict[str, str] = _Ids()  # id as written -> id in the output
        self.note_ids: set[str] = set()  # the footnote extension's own ids

    @property
    def _notes(self) -> str:
        """The footnote extension's notes (XPath), each an item of its list."""
        return f"./div[@class='footnote']/ol/li[contains(@id, '{self.mark}')]"

    @property
    def _calls(self) -> str:
        """The footnote extension's calls (XPath)."""
        return f".//sup[contains(@id, '{self.mark}')]"

    def line_of(self, needle: str) -> int:
        at = self.essay.body.find(needle)
        return self.essay.body_line + (self.essay.body[:at].count("\n") if at >= 0 else 0)

    def take_notes(self, tree) -> list[Note]:
        numbers: dict[str, int] = {}
        notes: list[Note] = []
        # The notes' own items only: a note may hold a list, and raw HTML may look like one.
        for number, item in enumerate(tree.xpath(self._notes), 1):
            numbers[item.get("id")] = number
            for back in item.xpath(".//a[contains(@class, 'footnote-backref')]"):
                _drop(back)
            _strip_trailing_space(item)
            notes.append(Note(number, inner_xml(item).strip()))
        for block in tree.xpath(f"./div[@class='footnote'][ol/li[contains(@id, '{self.mark}')]]"):
            block.getparent().remove(block)
        for sup in tree.xpath(self._calls):
            marker = etree.Element("span", {"class": "noteref",
                                            "data-note": str(numbers[sup.find("a").get("href")[1:]])})
            _replace(sup, marker)
        return notes

    def citations(self, tree) -> None:
        """The citation extension's marks get a `data-cite` number, which no author's raw HTML
        can hold (the sanitiser drops data-*), and lose the id that carried the mark."""
        number = 0
        for span in tree.iter("span"):
            if span.get("class") != CITATION:
                continue
            if self.mark in (span.get("id") or ""):
                number += 1
                span.set("data-cite", str(number))
                del span.attrib["id"]
            else:
                del span.attrib["class"]  # raw HTML imitating a mark is only a span

    def limit_depth(self, tree) -> None:
        """Flatten nesting past MAX_DEPTH: layout engines recurse, and no reader follows it."""
        found = list(depths(tree))
        deepest = max((depth for _, depth in found), default=0)
        if deepest <= MAX_DEPTH:
            return
        said = any(d.code == "M306" and d.path == self.essay.path for d in self.diagnostics)
        if not said:  # the sanitiser flattened deeper markup first: one warning for both
            self.diagnostics.warning(
                "M306", f"lists or quotes nested {deepest} deep were flattened below level "
                f"{MAX_DEPTH}", self.essay.path, self.essay.body_line,
                hint="nest less deeply; the deepest levels are printed as plain paragraphs")
        for element, depth in found:
            if depth >= MAX_DEPTH and element.tag in ("ul", "ol", "li", "blockquote", "div"):
                element.drop_tag()

    def element_ids(self, tree) -> None:
        """Every id an author wrote gets the essay's prefix, so no two documents share one."""
        self.note_ids = {item.get("id") for item in tree.xpath(self._notes)}
        self.note_ids |= {sup.get("id") for sup in tree.xpath(self._calls)}
        for element in tree.xpath(".//*[@id]"):
            written = element.get("id")
            if written in self.note_ids or element.tag in _HEADINGS:
                continue
            self.ids.setdefault(written, self._unique_id(ncname(written, "id")))
            element.set("id", self.ids[written])

    def headings(self, tree) -> None:
        headings = [h for h in tree.iter() if h.tag in _HEADINGS]
        shift = 1 if any(h.tag == "h1" for h in headings) else 0
        for heading in headings:
            heading.tag = f"h{min(6, int(heading.tag[1]) + shift)}"
            written, text = heading.get("id"), _slugify(_text(heading))
            anchor = self._unique_id(ncname(written, "id") if written else text)
            # A link may name the heading as written, or as its text makes it.
            for key in (written, text, anchor):
                if key:
                    self.ids.setdefault(key, anchor)
            heading.set("id", anchor)

    def images(self, tree) -> list[Path]:
        found: list[Path] = []
        for image in list(tree.iter("img")):
            src = image.get("src") or ""
            if src.startswith("data:"):
                held = held_picture(src, self.diagnostics, self.essay.path)
                if held is None:  # no picture by its bytes: never shipped under its claim
                    self.diagnostics.warning(
                        "M310", f"the image {shorten(src)} holds no PNG, JPEG, GIF, WebP or SVG "
                        "picture (whatever its data: address says), so its text is printed",
                        self.essay.path, self.line_of(src),
                        hint="put the picture in a file of the project and name it")
                    alt = etree.Element("span", {"class": "missing-image"})
                    alt.text = image.get("alt") or ""
                    _replace(image, alt)
                    continue
                image.set("src", held)
                self._check_pixels(data_url_bytes(held) or b"", src)
                self._alt_text(image, src)
                self._figure(image)
                continue
            path = self._image_path(src, image.get("alt") or "")
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
            self._alt_text(image, src)
            self._figure(image)
        return found

    def _alt_text(self, image, src: str) -> None:
        """A warning (M320) for an image that says nothing to a reader who cannot see it:
        the PDF leaves it out of its structure (an artifact), the e-book gives it alt=""."""
        if not (image.get("alt") or "").strip():
            self.diagnostics.warning(
                "M320", f"the image {shorten(src)} has no alt text, so readers who cannot see "
                "it, with a screen reader or the e-book read aloud, learn nothing of it",
                self.essay.path, self.line_of(src),
                hint="describe what it shows between the brackets: ![a folded sheet](images/x.png)")

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

    def _image_path(self, src: str, alt: str = "") -> Path | None:
        if not src.strip():  # none given, or an unsafe one the sanitiser took out (M305)
            self.diagnostics.warning(
                "M310", "an image has no usable source (none, or an unsafe one that was "
                "removed), so its text is printed instead",
                self.essay.path, self.line_of(f"![{alt}") if alt else self.essay.body_line,
                hint="give the image a file in the project: ![description](images/x.png)")
            return None
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
        for anchor in list(tree.iter("a")):
            href = (anchor.get("href") or "").strip()
            scheme = urlsplit(href).scheme.lower()
            if href.startswith("#"):
                self._fragment(anchor, unquote(href[1:]))
            elif scheme in EXTERNAL_SCHEMES:
                found.append(Link(href, _text(anchor)))
            elif href and not scheme:
                self._cross_reference(anchor, href)
        return found

    def _fragment(self, anchor, target: str) -> None:
        """A link within the essay goes to the id it names, or to another essay by its slug."""
        if target in self.note_ids:
            return  # a footnote call, which take_notes turns into a note reference
        if target in self.ids:
            anchor.set("href", f"#{self.ids[target]}")
        elif target in self.slugs:
            anchor.set("href", f"#{self.slugs[target]}")
            anchor.set("class", "cross-ref")
        else:
            dangling(anchor, f"#{target}", self.essay, self.diagnostics)

    def _cross_reference(self, anchor, href: str) -> None:
        """A link to another essay's file becomes a link to where it stands in the pamphlet;
        a section named after `#` is found once every essay is rendered."""
        target, _, fragment = href.partition("#")
        target = unquote(target)
        slug = Path(target).stem if target.endswith(".md") else None
        if slug in self.slugs:
            anchor.set("href", f"#{self.slugs[slug]}")
            anchor.set("class", "cross-ref")
            if fragment:
                anchor.set("data-fragment", unquote(fragment))
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
        anchor = f"{self.anchor}-{base or 'section'}"
        # Numbers below the last one tried for this base are taken (and stay taken).
        n = self.ids.tried.get(anchor, 1)
        candidate = anchor if n == 1 else f"{anchor}-{n}"
        taken = self.ids.taken
        # note-N and noteref-N are the e-book's ids for the footnotes
        while candidate in taken or re.fullmatch(rf"{re.escape(self.anchor)}-note(ref)?-\d+",
                                                 candidate):
            n += 1
            candidate = f"{anchor}-{n}"
        self.ids.tried[anchor] = n
        return candidate


class _Ids(dict):
    """Ids as written -> ids in the output, and the set of those given (`taken`), kept as
    they are added: an essay of thousands of headings does not gather it for each one."""

    def __init__(self):
        super().__init__()
        self.taken: set[str] = set()
        self.tried: dict[str, int] = {}  # the last number _unique_id tried for a base

    def setdefault(self, key, default=None):
        value = super().setdefault(key, default)
        self.taken.add(value)
        return value

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.taken.add(value)


def dangling(anchor, href: str, essay: Essay, diagnostics: Diagnostics,
             why: str = "there is no such anchor") -> None:
    """Unwrap a link whose target does not exist: its text stays, the link goes (M308)."""
    at = essay.body.find(href[href.index("#"):])
    line = essay.body_line + (essay.body[:at].count("\n") if at >= 0 else 0)
    diagnostics.warning("M308", f"link to {href[:80]} removed: {why}", essay.path, line,
                        hint="link to a heading of an essay as its text makes it "
                             "(#my-heading, other-essay.md#my-heading)")
    unwrap(anchor)


def unwrap(element) -> None:
    """Remove an element but keep its content where it stood."""
    parent, previous = element.getparent(), element.getprevious()
    text = (element.text or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    for child in list(element):
        element.addprevious(child)
    _drop(element)


def parse_fragment(fragment: str):
    """Parse XHTML that this module wrote (well-formed, so the XML parser reads it)."""
    return etree.fromstring(f"<div>{fragment}</div>")


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
    """The address as people write it: without mailto:, and with its %-escapes decoded unless
    they hide characters no page can show."""
    url = href[len("mailto:"):] if href.lower().startswith("mailto:") else href
    shown = unquote(url)
    return url if re.search(r"[\x00-\x20\x7f-\x9f\ufffe\uffff\ud800-\udfff]", shown) else shown


def _same_text(text: str, url: str) -> bool:
    def norm(value: str) -> str:
        value = re.sub(r"^(https?://)?(www\.)?", "", value.strip().lower())
        return value.rstrip("/")
    return norm(text) == norm(url)


def heading_anchor(text: str) -> str:
    """The anchor a heading's text gives it, which a link `other.md#anchor` may name."""
    return _slugify(text)


def _slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
