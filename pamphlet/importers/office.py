"""Word (DOCX, as Word, Google Docs and LibreOffice write it) and OpenDocument text (ODT):
one document, one essay.

pandoc reads the document (see `pandoc`; chosen over mammoth by measured fidelity, see
bench/office_converters.py), after the archive has been checked member by member and packed
again with only what passed (see `archive`), so pandoc never inflates a bomb or meets an
entity. Its HTML becomes Markdown as any HTML does (`html_body`): footnotes and endnotes as
Markdown footnotes in reading order, images copied from the archive into source/<slug>/,
paragraphs in a quotation style ("Quote", LibreOffice's "Quotations") as block quotes.

The front matter comes from the document itself: its title (a "Title" paragraph, else the
document's properties, else a lone first heading, else the file's name), its subtitle, its
author(s), its creation date, its keywords as tags, its language (the properties, else the
default of its styles). What Word keeps beside the text is named, never silently lost:
comments (N855), tracked changes, which are taken as accepted (N856), and the text of page
headers and footers (N857).

Diagnostic codes: N854 a document pandoc cannot read (or pandoc missing); N855 warning:
comments left out; N856 warning: tracked changes accepted; N857 warning: header and footer
text left out. Archives: N850-N853 (see `archive`). Images: N818.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from pathlib import Path

from lxml import html as lxml_html

from .draft import Draft, Once, Run, markdown_image
from .archive import Archive, Unreadable, parse_xml, reading, resolve
from .html_body import Body, attribute_quotes
from .html_notes import drop, take_notes
from .pandoc import PandocError, to_html

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CORE = {"dc": "http://purl.org/dc/elements/1.1/",
         "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
         "dcterms": "http://purl.org/dc/terms/"}
_ODF = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
        "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
        "dc": "http://purl.org/dc/elements/1.1/",
        "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
        "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
        "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
        "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
        "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
        "xlink": "http://www.w3.org/1999/xlink"}
# Paragraph styles that hold a quotation, in the languages Word and LibreOffice ship.
QUOTE_STYLES = {"quote", "intense quote", "block text", "quotations", "quotation",
                "zitat", "citation", "cita", "citazione", "citaat", "cytat", "цитата"}
# Authors that are an installation's placeholder, not a person.
_NO_AUTHOR = {"", "user", "windows user", "microsoft office user", "admin", "administrator",
              "unknown", "unknown author", "author", "owner", "usuario de windows",
              "utilisateur windows", "benutzer"}
_NO_TITLE = re.compile(r"(?i)^(?:microsoft word - .*|document\d*|untitled.*|title)$")


def from_docx(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """The essay in a Word document."""
    with reading(path, run.diagnostics):
        return [_Docx(Archive(raw, path, run.diagnostics), path, run).draft()]
    return []


def from_odt(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """The essay in an OpenDocument text."""
    with reading(path, run.diagnostics):
        return [_Odt(Archive(raw, path, run.diagnostics), path, run).draft()]
    return []


class _Document:
    """What DOCX and ODT share: a checked archive, pandoc's HTML of it, and the draft."""

    reader = ""
    options: tuple[str, ...] = ()

    def __init__(self, archive: Archive, path: Path, run: Run):
        self.archive, self.path, self.run = archive, path, run
        self.once = Once(run.diagnostics, path)

    def draft(self) -> Draft:
        page = lxml_html.document_fromstring(self.html())
        found = _title_block(page)
        meta = {**self.properties(), **{k: v for k, v in found.items() if v}}
        body = page.find("body")
        self.styled(body)
        attribute_quotes(body)
        notes = take_notes(body)
        title = self.title(body, meta)
        draft = Draft(title, "", _authors(meta.get("author")), meta.get("date"),
                      meta.get("tags") or [], None, self.path, lang=meta.get("lang"),
                      subtitle=meta.get("subtitle"))
        _drop_byline(body, draft.author)
        self.report()
        draft.body = _Images(draft, self.once, self).markdown(body, notes)
        return draft

    def html(self) -> str:
        """The document as HTML: pandoc's reading of the checked archive."""
        try:
            return to_html(self.package(), self.reader, self.options)
        except PandocError as error:
            raise Unreadable(f"cannot import {self.path.name}: {error}", "N854") from None

    def package(self) -> bytes:
        """The archive packed again from its checked members only (stored, not deflated):
        every XML member parsed safely first, every member read within its bounds. A
        picture that cannot be read so is left out with a warning; the text cannot be."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as packed:
            for name in self.archive.names():
                xml = name.endswith((".xml", ".rels"))
                try:
                    data = self.archive.read(name)
                    if xml:
                        parse_xml(data, f"{name} in {self.path.name}")
                except Unreadable as error:
                    if xml:
                        raise
                    self.run.diagnostics.warning(error.code, f"{error.message}; it is left out",
                                                 self.path, hint="if it is a picture, add it "
                                                 "by hand")
                    continue
                packed.writestr(name, data)
        return out.getvalue()

    def properties(self) -> dict:
        return {}

    def styled(self, body) -> None:
        """Paragraphs in a quotation style become block quotes; other styles' wrappers go."""
        for holder in list(body.iter("div", "span")):
            style = holder.get("data-custom-style")
            if style is None:
                continue
            if holder.tag == "div" and style.strip().casefold() in QUOTE_STYLES and \
                    next(holder.iterancestors("blockquote"), None) is None and \
                    next(holder.iter("blockquote"), None) is None:  # pandoc's own quote
                holder.tag = "blockquote"
                del holder.attrib["data-custom-style"]
            else:
                holder.drop_tag()
        _join_quotes(body)

    def title(self, body, meta: dict) -> str:
        """The title the reader sees first: a "Title" paragraph (in `meta`), else the
        document's properties, else a first heading that stands alone, else the file name."""
        title = meta.get("title") or ""
        heading = _first_heading(body)
        if heading is not None and _words(heading.text_content()) == _words(title):
            drop(heading)  # the title, repeated as the text's first heading
        elif not title and heading is not None and heading.tag == "h1" and \
                len(body.findall(".//h1")) == 1:
            title = " ".join(heading.text_content().split())
            drop(heading)
        return title or self.path.stem

    def report(self) -> None:
        pass

    def alt(self, member: str, alt: str) -> str:
        """An image's alt text, as the document gives it."""
        return alt

    def member(self, src: str) -> str | None:
        """The archive's member an image's `src` names."""
        name = resolve("", src)
        return self.archive.find(name) if name else None


class _Docx(_Document):
    reader = "docx+styles"
    options = ("--track-changes=accept",)

    def properties(self) -> dict:
        meta: dict = {}
        core = self._xml("docProps/core.xml")
        if core is not None:
            def value(tag: str) -> str:
                return " ".join(str(core.xpath(f"string({tag})", namespaces=_CORE)).split())
            title = value("dc:title")
            meta["title"] = "" if _NO_TITLE.match(title) else title
            meta["author"] = [a for a in re.split(r"\s*;\s*", value("dc:creator"))
                              if a.casefold() not in _NO_AUTHOR]
            meta["tags"] = _tags(value("cp:keywords"))
            meta["date"] = _day(value("dcterms:created"))
            meta["lang"] = value("dc:language")
        if not meta.get("lang"):
            styles = self._xml("word/styles.xml")
            found = styles.xpath("string(//w:docDefaults//w:lang/@w:val)",
                                 namespaces={"w": W[1:-1]}) if styles is not None else ""
            meta["lang"] = str(found)
        return meta

    def member(self, src: str) -> str | None:
        return super().member(f"word/{src}") or super().member(src)

    def report(self) -> None:
        comments = self._xml("word/comments.xml")
        said = [" ".join("".join(c.itertext()).split()) for c in
                comments.iter(f"{W}comment")] if comments is not None else []
        comments_left_out(self.run, self.path, [s for s in said if s])
        document = self._xml(self._main())
        if document is not None:
            changes = {kind: sum(1 for _ in document.iter(f"{W}{kind}"))
                       for kind in ("ins", "del", "moveFrom", "moveTo")}
            _changes(self.run, self.path, changes["ins"] + changes["moveTo"],
                     changes["del"] + changes["moveFrom"])
        self._absent_pictures()
        margins = [m for m in self.archive.names()
                   if re.fullmatch(r"word/(?:header|footer)\d*\.xml", m)]
        words = set()
        for name in margins:
            part = self._xml(name)
            if part is not None:
                text = " ".join(t.text or "" for t in part.iter(f"{W}t"))
                words.add(" ".join(text.split()))
        words.discard("")
        if words:
            shown = "; ".join(sorted(words))[:120]
            self.run.diagnostics.warning(
                "N857", f"the page headers and footers of {self.path.name} are left out: "
                f"“{shown}”", self.path, hint="a pamphlet prints its own running heads; add "
                "to the essay by hand anything in them that belongs to the text")

    def _absent_pictures(self) -> None:
        """A picture the document names but does not hold (or names outside itself) is
        left out by pandoc without a word: it is named here (N818)."""
        main = self._main()
        rels = self._xml(posixpath.join(posixpath.dirname(main), "_rels",
                                        posixpath.basename(main) + ".rels"))
        for rel in rels.iter(f"{_REL}Relationship") if rels is not None else ():
            if rel.get("Type", "").endswith("/image") and rel.get("TargetMode") != "External":
                target = resolve(main, rel.get("Target", ""))
                if target is None or self.archive.find(target) is None:
                    self.once.warn("N818", f"image:{rel.get('Target')}", f"a picture of "
                                   f"{self.path.name} names {rel.get('Target')}, which it does "
                                   "not hold; it is left out", None,
                                   hint="insert the picture in the document again")

    def _main(self) -> str:
        rels = self._xml("_rels/.rels")
        if rels is not None:
            for rel in rels.iter(f"{_REL}Relationship"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    return resolve("", rel.get("Target", "")) or "word/document.xml"
        return "word/document.xml"

    def _xml(self, name: str):
        found = self.archive.find(name)
        return self.archive.xml(found) if found else None


class _Odt(_Document):
    reader = "odt"

    def properties(self) -> dict:
        meta: dict = {}
        found = self.archive.find("meta.xml")
        if found:
            root = self.archive.xml(found)

            def value(tag: str) -> str:
                return " ".join(str(root.xpath(f"string(//{tag})", namespaces=_ODF)).split())
            meta["title"] = "" if _NO_TITLE.match(value("dc:title")) else value("dc:title")
            author = value("meta:initial-creator") or value("dc:creator")
            meta["author"] = [] if author.casefold() in _NO_AUTHOR else [author]
            meta["date"] = _day(value("meta:creation-date"))
            meta["tags"] = [" ".join(str(k).split()) for k in
                            root.xpath("//meta:keyword/text()", namespaces=_ODF) if k.strip()]
            meta["lang"] = value("dc:language")
        if not meta.get("lang"):
            meta["lang"] = self._default_language()
        return meta

    def _default_language(self) -> str:
        found = self.archive.find("styles.xml")
        if not found:
            return ""
        props = self.archive.xml(found).xpath(
            "//style:default-style[@style:family='paragraph']/style:text-properties",
            namespaces=_ODF)
        if not props:
            return ""
        fo = f"{{{_ODF['fo']}}}"
        language, country = props[0].get(f"{fo}language"), props[0].get(f"{fo}country")
        if not language or language == "zxx":
            return ""
        return str(f"{language}-{country}") if country and country != "none" else language

    def draft(self) -> Draft:
        self.content = self.archive.xml(self.archive.find("content.xml") or "content.xml")
        return super().draft()

    def title(self, body, meta: dict) -> str:
        """The "Title" and "Subtitle" paragraphs pandoc passes as text are the title and
        subtitle (ODF's own styles; pandoc keeps no style of a paragraph)."""
        for style, key in (("Title", "title"), ("Subtitle", "subtitle")):
            found = self.content.xpath(f"string(//text:p[@text:style-name='{style}'])",
                                       namespaces=_ODF)
            text = " ".join(found.split())
            paragraph = next((p for p in body.iter("p") if text and
                              _words(p.text_content()) == _words(text)), None)
            if paragraph is not None:
                drop(paragraph)
                meta[key] = text if key == "subtitle" else (meta.get(key) or text)
        return super().title(body, meta)

    def report(self) -> None:
        said = [" ".join("".join(a.xpath(".//text()[not(ancestor::dc:creator or "
                                         "ancestor::dc:date)]", namespaces=_ODF)).split())
                for a in self.content.iter(f"{{{_ODF['office']}}}annotation")]
        comments_left_out(self.run, self.path, [s for s in said if s])
        changes = self.content.xpath("//text:changed-region", namespaces=_ODF)
        inserted = sum(1 for c in changes if c.find(f"{{{_ODF['text']}}}insertion") is not None)
        _changes(self.run, self.path, inserted, len(changes) - inserted)

    def alt(self, member: str, alt: str) -> str:
        """An image's description (LibreOffice's "Alt text"), which pandoc does not pass (it
        gives a captioned picture its caption as alt text)."""
        for frame in self.content.iter(f"{{{_ODF['draw']}}}frame"):
            image = frame.find(f"{{{_ODF['draw']}}}image")
            if image is not None and image.get(f"{{{_ODF['xlink']}}}href") == member:
                for tag in ("desc", "title"):
                    found = frame.find(f"{{{_ODF['svg']}}}{tag}")
                    if found is not None and (found.text or "").strip():
                        return " ".join(found.text.split())
        return alt


class _Images(Body):
    """A document's images, copied from its archive (only what is truly an image)."""

    def __init__(self, draft: Draft, once: Once, document: _Document):
        super().__init__(draft, once)
        self.document = document

    def image(self, src: str, alt: str, caption: str, line: int | None) -> str | None:
        if re.match(r"https?://", src):
            return markdown_image(src, alt, caption)  # a linked picture, still on the web
        member = self.document.member(src)
        alt = self.document.alt(member, alt) if member else alt
        return self.archived(self.document.archive, member, alt, caption, member or src)


def _title_block(page) -> dict:
    """pandoc's title block (a "Title", "Subtitle", "Author" or "Date" paragraph), taken
    out of the page."""
    header = page.find(".//header[@id='title-block-header']")
    if header is None:
        return {}

    def text(query: str) -> list[str]:
        return [" ".join(e.text_content().split()) for e in header.findall(query)]
    found = {"title": next(iter(text(".//h1[@class='title']")), ""),
             "subtitle": next(iter(text(".//p[@class='subtitle']")), ""),
             "author": [a for a in text(".//p[@class='author']") if a],
             "date": next(iter(text(".//p[@class='date']")), "")}
    drop(header)
    return found


def _join_quotes(body) -> None:
    """Block quotes that follow one another with nothing between are one quotation."""
    for quote in list(body.iter("blockquote")):
        after = quote.getnext()
        while after is not None and after.tag == "blockquote" and \
                not (quote.tail or "").strip():
            quote.extend(list(after))
            quote.tail = after.tail
            quote.getparent().remove(after)
            after = quote.getnext()


def _first_heading(body):
    """The first heading, when only headings and nothing else come before it."""
    for element in body.iter():
        if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return element
        if element.tag in ("p", "li", "td", "blockquote", "img", "table") and \
                (element.text_content().strip() or element.tag == "img"):
            return None
    return None


def _drop_byline(body, author) -> None:
    """The author's name typed as the text's first paragraph ("by Mara Okafor") is the
    byline, which the front matter now holds."""
    names = [author] if isinstance(author, str) else list(author or [])
    first = next((p for p in body.iter("p", "h1", "h2", "h3", "h4", "h5", "h6")
                  if p.text_content().strip()), None)
    if first is None or first.tag != "p" or not names:
        return
    said = re.sub(r"(?i)^(?:by|von|par|por|di|door)\s+", "", " ".join(
        first.text_content().split()))
    if said and _words(said) in (_words(" and ".join(names)), _words(", ".join(names))):
        drop(first)


def comments_left_out(run: Run, path: Path, said: list[str]) -> None:
    """One warning that names the comments a document had, which are not imported (N855)."""
    if said:
        shown = "; ".join(f"“{s[:60]}”" for s in said[:3]) + (" ..." if len(said) > 3 else "")
        run.diagnostics.warning("N855", f"{len(said)} comment{'s' * (len(said) != 1)} in "
                                f"{path.name} left out: {shown}", path,
                                hint="comments are notes to the writer, not text of the "
                                "essay; copy into it any that should be printed")


def _changes(run: Run, path: Path, inserted: int, deleted: int) -> None:
    if inserted or deleted:
        run.diagnostics.warning("N856", f"{path.name} has tracked changes ({inserted} "
                                f"insertion{'s' * (inserted != 1)}, {deleted} deletion"
                                f"{'s' * (deleted != 1)}); they are taken as accepted", path,
                                hint="review the changes in the word processor if some "
                                "should have been rejected, and import again")


def _authors(names) -> str | list[str] | None:
    names = [n for n in (names or []) if n]
    return None if not names else names[0] if len(names) == 1 else names


def _tags(keywords: str) -> list[str]:
    return list(dict.fromkeys(t for t in (" ".join(k.split()) for k in
                                          re.split(r"[;,]", keywords)) if t))


def _day(stamp: str) -> str:
    """YYYY-MM-DD from an ISO 8601 time stamp (`2024-03-09T10:21:00Z`), else ''."""
    found = re.match(r"(\d{4}-\d{2}-\d{2})(?:[T ]|$)", stamp.strip())
    return found.group(1) if found and not found.group(1).startswith("1601") else ""


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))
