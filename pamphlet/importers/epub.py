"""An EPUB as a source of essays: `import book.epub` lists its chapters, numbered; with
`--chapters 3,5-7` (or `all`, or `--chapter "Title"`) each chosen chapter becomes an essay.

The chapters are the book's table of contents (EPUB 3's nav, else EPUB 2's NCX; else one a
document of the spine), flattened and numbered; a chapter runs from its entry to the next
entry at its level or above, across the spine's documents, so that picking a part picks its
chapters. An essay's title is its chapter's own heading (the table of contents' label when
the heading is only a number); author, date, language and rights come from the package
document, and `source:` names the book (its title, publisher, date and address).

Notes: EPUB 3's `epub:type="noteref"` calls and the `footnote`, `endnote`, `rearnote` and
`note` they lead to, in the chapter or in another document (an endnotes file), and EPUB 2's
superscript links to a note elsewhere, become Markdown footnotes in reading order. Images
are copied from the book (only what is truly an image). The XHTML is parsed as XML without
entities (HTML's named ones, such as `&nbsp;`, are read as the characters they name).

Diagnostic codes: N860 the book has no readable package document or no chapters; N861 a
chapter asked for is not in the book; N862 warning: a chapter asked for lies inside another
one asked for, and is imported with it. Archives: N850-N853; images: N818.
"""

from __future__ import annotations

import html as html_entities
import posixpath
import re
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path

from lxml import etree, html as lxml_html

from .archive import Archive, Unreadable, parse_xml, reading, resolve
from .draft import Draft, Once, Run, markdown_image
from .html_body import Body, attribute_quotes
from .html_notes import drop, take_notes

OPF = "http://www.idpf.org/2007/opf"
_NS = {"opf": OPF, "dc": "http://purl.org/dc/elements/1.1/",
       "c": "urn:oasis:names:tc:opendocument:xmlns:container",
       "ncx": "http://www.daisy.org/z3986/2005/ncx/", "x": "http://www.w3.org/1999/xhtml",
       "ops": "http://www.idpf.org/2007/ops"}
_OPS_TYPE = "{http://www.idpf.org/2007/ops}type"
_NOTE_TYPES = {"footnote", "endnote", "rearnote", "note"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_ORDINAL = re.compile(r"(?i)^(?:(?:chapter|part|book|section|kapitel|chapitre|cap[ií]tulo)\s+)?"
                      r"(?:[ivxlcdm]+|\d+|[a-z])\.?$")
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}


@dataclass
class Chapter:
    """One entry of the book's table of contents and where its text starts."""

    number: int
    level: int
    label: str
    document: str  # the member it starts in
    anchor: str  # an id in that document, or "" for its start


def from_epub(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """The chapters of an EPUB that the run asks for; with none asked for, the book's list
    of chapters goes into `run.listings` for the command to show."""
    with reading(path, run.diagnostics):
        book = Book(Archive(raw, path, run.diagnostics), path)
        if run.chapters is None and run.chapter is None:
            run.listings.append((path, book.chapters))
            return []
        return [book.draft(chapter, run) for chapter in chosen(book, run)]
    return []


def chosen(book: "Book", run: Run) -> list[Chapter]:
    """The chapters `--chapters` or `--chapter` names (N861 for one that is not there); a
    chapter inside another one chosen comes with it (N862)."""
    count = len(book.chapters)
    if run.chapter is not None:
        wanted = _words(run.chapter)
        found = [c for c in book.chapters if _words(c.label) == wanted] or \
            [c for c in book.chapters if wanted and wanted in _words(c.label)]
        if len(found) != 1:
            book.refuse(f"{'no' if not found else len(found)} chapter"
                        f"{'s' * (len(found) > 1)} of {book.path.name} called "
                        f"“{run.chapter}”" + (": " + ", ".join(
                            f"{c.number} {c.label}" for c in found[:5]) if found else ""))
        return found[:1]
    numbers = _numbers(run.chapters or "", count, book)
    picked = [book.chapters[n - 1] for n in numbers]
    inner = [c for c in picked if any(o is not c and o.number < c.number <= book.end(o)
                                      for o in picked)]
    if inner:
        many = len(inner) > 1
        book.warn("N862", f"chapter{'s' * many} {', '.join(str(c.number) for c in inner)} "
                  f"{'lie' if many else 'lies'} inside another chapter asked for, and "
                  f"{'are' if many else 'is'} imported with it",
                  "ask for a part or for its chapters, not both")
    return [c for c in picked if c not in inner]


def _numbers(spec: str, count: int, book: "Book") -> list[int]:
    if spec.strip().lower() == "all":
        return list(range(1, count + 1))
    numbers: list[int] = []
    for part in spec.split(","):
        found = re.fullmatch(r"\s*(\d+)\s*(?:[-–]\s*(\d+)\s*)?", part)
        if not found:
            book.refuse(f"--chapters {spec!r} is not a list of chapter numbers and ranges")
        first, last = int(found.group(1)), int(found.group(2) or found.group(1))
        if not 1 <= first <= last <= count:
            book.refuse(f"{book.path.name} has no chapter {part.strip()}: its chapters are "
                        f"numbered 1 to {count}")
        numbers += [n for n in range(first, last + 1) if n not in numbers]
    return numbers


class Book:
    """An EPUB's package document, table of contents and documents."""

    def __init__(self, archive: Archive, path: Path):
        self.archive, self.path = archive, path
        self.opf_name = self._rootfile()
        self.opf = archive.xml(self.opf_name)
        self.items = {i.get("id"): (resolve(self.opf_name, i.get("href", "")) or "",
                                    i.get("media-type", ""), i.get("properties", ""))
                      for i in self.opf.iterfind(".//opf:manifest/opf:item", _NS)}
        self.spine = [self.items[r.get("idref")][0] for r in
                      self.opf.iterfind(".//opf:spine/opf:itemref", _NS)
                      if r.get("idref") in self.items and
                      self.items[r.get("idref")][1] in ("application/xhtml+xml", "text/html")]
        self.pages: dict[str, object] = {}
        self.chapters = self._toc() or self._spine_chapters()
        if not self.chapters:
            self.refuse(f"{path.name} lists no chapters (its spine holds no text)", "N860")

    def refuse(self, message: str, code: str = "N861"):
        raise Unreadable(message, code, f"import {self.path.name} without --chapters to see "
                         "its chapters, numbered" if code == "N861" else None)

    def warn(self, code: str, message: str, hint: str) -> None:
        self.archive.warn(code, message, hint)

    def _rootfile(self) -> str:
        try:
            container = self.archive.xml("META-INF/container.xml")
        except Unreadable as error:
            raise Unreadable(f"{self.path.name} is not a readable EPUB: {error.message}",
                             "N860") from None
        found = container.find(".//c:rootfile", _NS)
        name = resolve("", found.get("full-path", "")) if found is not None else None
        if not name or not self.archive.has(name):
            raise Unreadable(f"{self.path.name} names no package document that it holds",
                             "N860")
        return name

    # -- the table of contents

    def _toc(self) -> list[Chapter]:
        nav = next((href for href, kind, props in self.items.values()
                    if "nav" in props.split()), None)
        if nav and self.archive.has(nav):
            page = self.page(nav)
            toc = next((n for n in page.iter("nav") if "toc" in (n.get("data-epub-type") or "")),
                       None)
            if toc is not None and toc.find(".//ol") is not None:
                return self._from_nav(toc.find(".//ol"), nav, 1, [])
        spine = self.opf.find(".//opf:spine", _NS)
        ncx = self.items.get(spine.get("toc") if spine is not None else None)
        ncx = ncx[0] if ncx else next((h for h, kind, _ in self.items.values()
                                       if kind == "application/x-dtbncx+xml"), None)
        if ncx and self.archive.has(ncx):
            root = self.archive.xml(ncx).find(".//ncx:navMap", _NS)
            return self._from_ncx(root, ncx, 1, []) if root is not None else []
        return []

    def _from_nav(self, listing, base: str, level: int, out: list) -> list[Chapter]:
        for item in listing.iterchildren("li"):
            link = item.find("a")
            if link is not None and link.get("href"):
                self._entry(out, level, link.text_content(), base, link.get("href"))
            inner = item.find("ol")
            if inner is not None:
                self._from_nav(inner, base, level + 1, out)
        return out

    def _from_ncx(self, parent, base: str, level: int, out: list) -> list[Chapter]:
        for point in parent.iterfind("ncx:navPoint", _NS):
            label = "".join(point.xpath("string(ncx:navLabel/ncx:text)", namespaces=_NS))
            content = point.find("ncx:content", _NS)
            if content is not None:
                self._entry(out, level, label, base, content.get("src", ""))
            self._from_ncx(point, base, level + 1, out)
        return out

    def _entry(self, out: list, level: int, label: str, base: str, href: str) -> None:
        document = resolve(base, href)
        if document in self.spine:
            anchor = href.split("#", 1)[1] if "#" in href else ""
            out.append(Chapter(len(out) + 1, level, " ".join(label.split()) or document,
                               document, anchor))

    def _spine_chapters(self) -> list[Chapter]:
        out = []
        for document in self.spine:
            page = self.page(document)
            heading = next(page.iter(*_HEADINGS), None)
            label = heading.text_content() if heading is not None else \
                page.findtext(".//title") or posixpath.basename(document)
            out.append(Chapter(len(out) + 1, 1, " ".join(label.split()), document, ""))
        return out

    def end(self, chapter: Chapter) -> int:
        """The number of the last entry inside `chapter` (itself when it has none)."""
        for other in self.chapters[chapter.number:]:
            if other.level <= chapter.level:
                return other.number - 1
        return len(self.chapters)

    # -- documents

    def page(self, name: str):
        """A document of the book as an lxml.html tree (parsed once, as XML, no entities)."""
        if name not in self.pages:
            self.pages[name] = _as_html(self.archive.read(name), f"{name} in {self.path.name}")
        return self.pages[name]

    def text(self, chapter: Chapter):
        """A `div` holding the chapter's text: from its entry to the next at its level."""
        after = self.end(chapter)
        stop = self.chapters[after] if after < len(self.chapters) else None
        first = self.spine.index(chapter.document)
        last = self.spine.index(stop.document) if stop else len(self.spine) - 1
        holder = lxml_html.Element("div")
        for document in self.spine[first:last + 1]:
            body = deepcopy(self.page(document).find(".//body"))
            if body is None:
                continue
            if stop is not None and document == stop.document:
                if not stop.anchor or not _cut(body, stop.anchor, before=False):
                    if document != chapter.document:
                        break  # the next chapter starts this document: none of it is ours
            if document == chapter.document and chapter.anchor:
                _cut(body, chapter.anchor, before=True)
            body.tag = "div"
            body.set("data-document", document)
            holder.append(body)
        return holder

    def note(self, document: str, anchor: str):
        """A copy of the note at `document#anchor`: the aside or list item it is, or the
        paragraph that holds its number (EPUB 2's notes)."""
        if document not in self.spine and not self.archive.has(document):
            return None
        try:
            page = self.page(document)
        except Unreadable:
            return None
        target = next(iter(page.xpath("//*[@id=$id]", id=anchor)), None)
        while target is not None and target.tag in ("a", "span", "sup", "b", "strong", "em",
                                                     "i", "small"):
            target = target.getparent()
        if target is None or target.tag in ("body", "section", "html"):
            return None
        return deepcopy(target)

    # -- the essay

    def metadata(self) -> dict:
        def values(tag: str) -> list[str]:
            return [" ".join("".join(e.itertext()).split())
                    for e in self.opf.iterfind(f".//opf:metadata/dc:{tag}", _NS)]
        refines = {}
        for meta in self.opf.iterfind(".//opf:metadata/opf:meta", _NS):
            if meta.get("refines") and meta.get("property"):
                refines.setdefault(meta.get("refines").lstrip("#"), {})[meta.get("property")] \
                    = (meta.text or "").strip()
        creators = [(" ".join("".join(e.itertext()).split()), e.get("id"),
                     e.get(f"{{{OPF}}}role") or e.get("role"))
                    for e in self.opf.iterfind(".//opf:metadata/dc:creator", _NS)]
        authors = [name for name, ident, role in creators if name and
                   (refines.get(ident, {}).get("role") or role or "aut") == "aut"]
        titles = self.opf.findall(".//opf:metadata/dc:title", _NS)
        main = next((t for t in titles if refines.get(t.get("id"), {}).get("title-type")
                     == "main"), titles[0] if titles else None)
        url = next((i for i in values("identifier") if re.match(r"(?:url:)?https?://", i)), "")
        return {"authors": authors, "title": " ".join("".join(main.itertext()).split())
                if main is not None else self.path.stem,
                "publisher": next(iter(values("publisher")), ""),
                "date": _date(next(iter(values("date")), "")),
                "rights": next(iter(values("rights")), ""),
                "lang": next(iter(values("language")), ""),
                "url": url.removeprefix("url:"), "tags": values("subject")}

    def draft(self, chapter: Chapter, run: Run) -> Draft:
        meta = self.metadata()
        text = self.text(chapter)
        lang = self.page(chapter.document).get("lang") or \
            self.page(chapter.document).find(".//body").get("lang") or meta["lang"]
        title, subtitle = _title(text, chapter.label)
        source = {k: v for k, v in (("title", meta["title"]), ("publisher", meta["publisher"]),
                                    ("date", meta["date"]), ("url", meta["url"])) if v}
        authors = meta["authors"]
        draft = Draft(title, "", authors[0] if len(authors) == 1 else authors or None,
                      meta["date"] or None, meta["tags"], source, self.path, lang=lang or None,
                      subtitle=subtitle, license=meta["rights"] or None)
        once = Once(run.diagnostics, self.path)
        notes_into(self, text)
        attribute_quotes(text)
        notes = take_notes(text)
        _plain_links(text)
        draft.body = _Images(draft, once, self).markdown(text, notes)
        return draft


def notes_into(book: Book, text) -> None:
    """Bring the notes the chapter calls into its tree, where the notes code finds them: an
    EPUB 3 `noteref` (or an EPUB 2 superscript link) to a note in another document, or in
    this one outside the chapter, gets a copy of that note at the chapter's end."""
    present = {e.get("id") for e in text.iter() if isinstance(e.tag, str) and e.get("id")}
    holder = None
    for element in text.iter():
        if not isinstance(element.tag, str):
            continue
        kinds = set((element.get("data-epub-type") or "").split())
        if kinds & _NOTE_TYPES or element.tag == "aside" and "footnote" in kinds:
            element.set("role", "doc-endnote")  # the notes code knows roles, not epub:type
    for link in list(text.iter("a")):
        href, kinds = link.get("href") or "", set((link.get("data-epub-type") or "").split())
        if "#" not in href or re.match(r"[a-z][a-z0-9+.-]*:", href, re.I):
            continue
        marked = "noteref" in kinds or link.getparent().tag == "sup" or \
            link.find("sup") is not None
        if not marked:
            continue
        link.set("role", "doc-noteref")
        document = link.getparent()
        while document is not None and document.get("data-document") is None:
            document = document.getparent()
        base = document.get("data-document") if document is not None else ""
        anchor = href.split("#", 1)[1]
        target = base if href.startswith("#") else resolve(base, href)
        if target == base and anchor in present:
            link.set("href", f"#{anchor}")
            continue
        note = book.note(target, anchor) if target else None
        if note is None:
            continue
        if holder is None:
            holder = etree.SubElement(text, "section", {"class": "footnotes"})
            listing = etree.SubElement(holder, "ol")
        note.set("role", "doc-endnote")
        note.set("id", anchor)
        listing.append(note)
        present.add(anchor)
        link.set("href", f"#{anchor}")


def _plain_links(text) -> None:
    """Links into the book (to other chapters, to its pages) leave only their text."""
    for link in list(text.iter("a")):
        href = (link.get("href") or "").strip()
        if not re.match(r"(?:https?|mailto):", href, re.I):
            link.drop_tag()


class _Images(Body):
    """A chapter's images, copied from the book."""

    def __init__(self, draft: Draft, once: Once, book: Book):
        super().__init__(draft, once)
        self.book = book

    def image(self, src: str, alt: str, caption: str, line: int | None) -> str | None:
        if re.match(r"https?://", src):
            return markdown_image(src, alt, caption)
        document, _, shown = src.rpartition("\ue060")
        name = resolve(document, shown)
        return self.archived(self.book.archive, self.book.archive.find(name) if name else None,
                             alt, caption, shown)

    def place_images(self, root) -> None:
        # An image's address is relative to its own document: it is given with it.
        for image in root.iter("img"):
            holder = image
            while holder is not None and holder.get("data-document") is None:
                holder = holder.getparent()
            if holder is not None and image.get("src") and \
                    not re.match(r"[a-z][a-z0-9+.-]*:", image.get("src"), re.I):
                image.set("src", holder.get("data-document") + "\ue060" + image.get("src"))
        super().place_images(root)


def _as_html(data: bytes, where: str):
    """An XHTML document as an lxml.html tree: parsed as XML (no DTD, no entities; HTML's
    named entities read as their characters first), namespaces dropped, `epub:type` kept
    as `data-epub-type`, SVG pictures as images."""
    text = data.decode("utf-8", "replace") if not data.startswith(b"\xff\xfe") else \
        data.decode("utf-16", "replace")
    text = _ENTITY.sub(lambda m: m.group(0) if m.group(1) in _XML_ENTITIES else
                       html_entities.unescape(m.group(0)) if m.group(0) !=
                       html_entities.unescape(m.group(0)) else m.group(0), text)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    root = parse_xml(text.encode("utf-8"), where)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        local = etree.QName(element).localname
        if local == "image" and etree.QName(element).namespace == "http://www.w3.org/2000/svg":
            href = element.get("{http://www.w3.org/1999/xlink}href") or element.get("href")
            element.attrib.clear()
            local = "img"
            if href:
                element.set("src", href)
        element.tag = local
        for name in list(element.attrib):
            if name.startswith("{"):
                value = element.attrib.pop(name)
                space, _, bare = name[1:].partition("}")
                kept = {("http://www.idpf.org/2007/ops", "type"): "data-epub-type",
                        ("http://www.w3.org/XML/1998/namespace", "lang"): "lang"}.get(
                    (space, bare))
                if kept:
                    element.set(kept, value)
    for svg in list(root.iter("svg")):
        if svg.find(".//img") is not None:
            svg.getparent().replace(svg, svg.find(".//img"))
    etree.cleanup_namespaces(root)
    return lxml_html.fromstring(etree.tostring(root, method="html", encoding="unicode"))


def _cut(body, anchor: str, before: bool) -> bool:
    """Remove what comes before the element with id `anchor` (`before`), or that element and
    all that follows it; False if there is no such element."""
    target = next(iter(body.xpath(".//*[@id=$id]", id=anchor)), None)
    if target is None:
        return False
    node = target
    while node is not body:
        parent = node.getparent()
        siblings = list(node.itersiblings(preceding=before))
        for sibling in siblings:
            parent.remove(sibling)
        if before:
            parent.text = None
        else:
            node.tail = None
        node = parent
    if not before:
        emptied = target.getparent()
        emptied.remove(target)
        while emptied is not body and not emptied.text_content().strip() and \
                emptied.find(".//img") is None:  # the next chapter's heading, now empty
            parent = emptied.getparent()
            drop(emptied)
            emptied = parent
    return True


def _title(text, label: str) -> tuple[str, str | None]:
    """The chapter's heading (taken out of its text) as its title, and a subtitle the heading
    group has; the table of contents' label where the heading is only a number."""
    heading = next((e for e in text.iter("hgroup", *_HEADINGS)), None)
    if heading is None:
        return label, None
    if heading.tag == "hgroup":
        lines = [" ".join(e.text_content().split()) for e in heading
                 if isinstance(e.tag, str) and e.text_content().strip()]
        titled = [" ".join(e.text_content().split()) for e in heading
                  if "title" in (e.get("data-epub-type") or "").split()]
        lines = [line for line in lines if not _ORDINAL.match(line)] or lines
        title = titled[0] if titled else lines[0] if lines else label
        rest = [line for line in lines if line != title]
        drop(heading)
        return title, rest[0] if rest else None
    lines = _lines(heading)
    if len(lines) > 1 and _ORDINAL.match(lines[0]):  # "I.<br/>THE HANDBILL"
        lines = lines[1:]
    said = " ".join(lines)
    drop(heading)
    if _ORDINAL.match(said) and label and not _ORDINAL.match(label):
        numbered = re.match(r"(.+?)\s*[:.–—-]\s+(.+)", label)  # "II: The Long Table"
        return (numbered.group(2) if numbered and _ORDINAL.match(numbered.group(1))
                else label), None
    return said or label, None


def _lines(heading) -> list[str]:
    """A heading's text, line by line (`<br/>` ends a line)."""
    copy = deepcopy(heading)
    for br in copy.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return [" ".join(line.split()) for line in copy.text_content().split("\n") if line.strip()]


def _date(stamp: str) -> str:
    """A package date as an essay's: YYYY-MM-DD, YYYY-MM or YYYY as written, the time left."""
    found = re.match(r"(\d{4}(?:-\d{2}(?:-\d{2})?)?)", stamp.strip())
    return found.group(1) if found else stamp.strip()


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))
