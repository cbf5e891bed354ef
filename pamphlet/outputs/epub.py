"""The EPUB 3 e-book, made from the assembled model with ebooklib (the only module that imports it).

Diagnostic codes: B701 nothing to put in the e-book, B702 an essay with an empty title,
B703 ebooklib could not write the book, B704 an image the e-book cannot hold (warning).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path
from urllib.parse import quote

from ebooklib import epub

from ..book.assemble import Chapter, Pamphlet
from ..store.atomic import atomic_output
from ..project.clock import build_time, reproducible
from ..diagnostics import Diagnostics, fail
from ..book.layouts import Layout
from ..text.markup import ebook_html
from ..project.images import RASTER, SUFFIXES, named, sniff
from ..text.css import Resources, stylesheet
from ..text.sanitiser import clean_svg, valid_url
from ..text.urls import href, linked_text
from ..locale.bidi import isolate
from ..locale.formats import counter_style, digits
from ..locale.scripts import direction
from ..locale.words import Words
from ..store.usercache import Store
from .cover import cover_image
from ..engine.pagebreaks import PageStart, mark, marker_id, place

XHTML = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" \
lang="{lang}" xml:lang="{lang}" dir="{dir}">
<head>
<meta charset="utf-8"/>
<title>{title}</title>
<link rel="stylesheet" type="text/css" href="style/ebook.css"/>
</head>
<body{body_attrs}>
{body}
</body>
</html>
"""


@dataclass(frozen=True)
class EpubResult:
    path: Path
    identifier: str
    documents: int


def write_epub(pamphlet: Pamphlet, layout: Layout, target: Path, diagnostics: Diagnostics,
               pages: tuple[PageStart, ...] = (), cache: Store | None = None) -> EpubResult:
    """Write the EPUB to `target`, atomically and, with SOURCE_DATE_EPOCH, reproducibly;
    `pages` are where the reading PDF's pages begin, marked in the essays as page breaks;
    `cache` keeps the drawn cover between builds."""
    _check(pamphlet)
    book = epub.EpubBook()
    identifier = pamphlet.identifier
    name, data = cover_image(pamphlet, layout, diagnostics, cache)
    book.set_cover(f"images/{name}", data, create_page=False)
    # ebooklib guesses the cover's media type from the machine's MIME table, which may not
    # know WebP (Python's own does not): a cover.webp would be application/octet-stream.
    book.get_item_with_id("cover-img").media_type = _MEDIA_TYPES[named(Path(name))]
    images = _image_files(pamphlet, diagnostics)
    documents, placed = _documents(book, pamphlet, name, images, pages)
    _metadata(book, pamphlet, identifier, bool(placed))
    css = layout.find(f"{layout.name}/ebook.css") or layout.find("zine/ebook.css")
    # A layout may come from anyone: its stylesheet goes in cleaned, with each file it names
    # (imports resolved, fonts and pictures checked by their bytes) carried in (css.py).
    carried = Resources()
    book.add_item(epub.EpubItem(uid="style", file_name="style/ebook.css", media_type="text/css",
                                content=(stylesheet(css, layout.gate, diagnostics, carried,
                                                    clean_svg) + _frame_lists(pamphlet.lang)
                                         ).encode("utf-8")))
    for number, (name, data, media_type) in enumerate(carried.files.values(), 1):
        book.add_item(epub.EpubItem(uid=f"css{number}", file_name=name, media_type=media_type,
                                    content=data))
    for number, (name, data, media_type) in enumerate(images.values(), 1):
        book.add_item(epub.EpubImage(uid=f"img{number}", file_name=name, media_type=media_type,
                                     content=data))
    words = pamphlet.words
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title=words.pgettext("contents", "Contents"),
                       direction="rtl" if pamphlet.dir == "rtl" else None)
    nav.add_link(href="style/ebook.css", rel="stylesheet", type="text/css")  # styled as the rest
    book.add_item(nav)
    book.spine = [documents[0], documents[1], nav, *documents[2:]]
    options = {"raise_exceptions": True, "mtime": build_time(),
               # TRANSLATORS: the heading of the e-book's list of landmarks (cover, contents,
               # the first essay), which reading apps show as the book's guide.
               "landmark_title": words.pgettext("nav_landmarks", "Guide"),
               "pages_title": words.pgettext("nav_pages", "Pages")}
    with atomic_output(target) as temporary:
        raw = temporary.with_suffix(".ebooklib")
        try:
            if not epub.write_epub(str(raw), book, options):
                raise OSError("ebooklib reported a failure")
            _repack(raw, temporary, pamphlet.lang, _page_list(placed, pamphlet))
        except (OSError, ValueError, TypeError) as error:
            raise fail("B703", f"the EPUB could not be written: {error}", pamphlet.spec.path,
                       hint="check that the output folder is writable") from None
        finally:
            raw.unlink(missing_ok=True)
    return EpubResult(target, identifier, len(documents))


def _check(pamphlet: Pamphlet) -> None:
    if not pamphlet.chapters:
        raise fail("B701", "the e-book would have no essays", pamphlet.spec.path,
                   hint="select at least one essay")
    for chapter in pamphlet.chapters:
        if not chapter.title.strip():
            raise fail("B702", f"essay '{chapter.essay.slug}' has an empty title",
                       chapter.essay.path, hint="give the essay a title in its front matter")


def _metadata(book: epub.EpubBook, pamphlet: Pamphlet, identifier: str, paged: bool) -> None:
    spec = pamphlet.spec
    book.set_identifier(identifier)
    book.set_title(pamphlet.title)
    book.set_language(pamphlet.lang)
    if pamphlet.dir == "rtl":  # the reader turns pages leftwards
        book.set_direction("rtl")
    for number, person in enumerate(pamphlet.people, 1):
        book.add_author(person, uid=f"creator{number}")
    if spec.date:
        book.add_metadata("DC", "date", str(spec.date))
    if pamphlet.description:
        book.add_metadata("DC", "description", pamphlet.description)
    if spec.colophon.publisher:
        book.add_metadata("DC", "publisher", spec.colophon.publisher)
    if spec.colophon.license:
        book.add_metadata("DC", "rights", spec.colophon.license)
    for tag in pamphlet.tags:
        book.add_metadata("DC", "subject", tag)
    event = spec.event
    if event:
        # The meeting a packet is for: where and when it is read (Dublin Core coverage).
        for value in (event.name, event.place, pamphlet.event_when):
            if value:
                book.add_metadata("DC", "coverage", value)
    for chapter in pamphlet.chapters:
        source = chapter.essay.source
        if source and source.url:
            book.add_metadata("DC", "source", source.url)
    has_images = any(chapter.body.images for chapter in pamphlet.chapters)
    features = ["structuralNavigation", "tableOfContents", "readingOrder",
                "displayTransformability"] + (["alternativeText"] if has_images else []) \
        + (["printPageNumbers", "pageNavigation"] if paged else [])
    for mode in ["textual"] + (["visual"] if has_images else []):
        _meta(book, "schema:accessMode", mode)
    _meta(book, "schema:accessModeSufficient", "textual")
    for feature in features:
        _meta(book, "schema:accessibilityFeature", feature)
    _meta(book, "schema:accessibilityHazard", "none")
    _meta(book, "schema:accessibilitySummary", summary(pamphlet))
    _meta(book, "dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA")
    if paged:
        _meta(book, "pageBreakSource", print_edition(pamphlet))


def summary(pamphlet: Pamphlet) -> str:
    """The accessibility summary, in the book's language."""
    return pamphlet.words.pgettext(
        "accessibility_summary", "This publication is a collection of essays in reflowable "
        "text with a table of contents, headings and page-foot notes linked both ways; images "
        "have text alternatives. It meets EPUB Accessibility 1.1 at WCAG 2.1 level AA.")


def print_edition(pamphlet: Pamphlet) -> str:
    """The printed edition whose page numbers the e-book carries: the reading PDF."""
    spec = pamphlet.spec
    return pamphlet.words.pgettext(
        "page_break_source", "%(title)s, reading PDF %(file)s (%(size)s, %(layout)s layout)",
        title=pamphlet.title, file=spec.stem + ".pdf", size=spec.pdf.page_size,
        layout=spec.layout)


def _meta(book: epub.EpubBook, prop: str, value: str) -> None:
    book.add_metadata(None, "meta", value, {"property": prop})


def _page(book: epub.EpubBook, uid: str, title: str, lang: str, body: str,
          body_type: str = "", landmark: str | None = None) -> epub.EpubItem:
    attrs = f' epub:type="{body_type}"' if body_type else ""
    item = epub.EpubItem(uid=uid, file_name=f"{uid}.xhtml", media_type="application/xhtml+xml",
                         content=XHTML.format(lang=escape(lang), dir=direction(lang),
                                              title=escape(title),
                                              body=body, body_attrs=attrs).encode())
    book.add_item(item)
    if landmark:
        book.guide.append({"href": item.file_name, "title": title, "type": landmark})
    return item


def _documents(book: epub.EpubBook, pamphlet: Pamphlet, cover_name: str,
               image_files: dict[str, tuple[str, bytes, str]],
               pages: tuple[PageStart, ...]) -> tuple[list, list[tuple[str, int]]]:
    """The book's documents in reading order, and its page breaks: (document, page)."""
    lang, title, words = pamphlet.lang, pamphlet.title, pamphlet.words
    introduction = words.pgettext("introduction", "Introduction")
    docs = [_page(book, "cover", title, lang,
                  f'<section class="cover" epub:type="cover">'
                  f'<img role="doc-cover" src="images/{cover_name}" '
                  f'alt="{escape(_cover_alt(pamphlet))}"/></section>', landmark="cover"),
            _page(book, "titlepage", title, lang, _title_page(pamphlet), "frontmatter")]
    book.guide.append({"href": "nav.xhtml", "title": words.pgettext("contents", "Contents"),
                       "type": "toc"})
    toc = []
    # Each text by the name of its document: the anchor, never the slug, so that no essay's
    # file name can make an invalid name or take the place of the nav, Sources or colophon.
    images = {relative: name for relative, (name, _, _) in image_files.items()}
    bodies = {chapter.anchor: essay_section(chapter, pamphlet.lang, images, words)
              for chapter in pamphlet.chapters}
    lang = pamphlet.lang
    if pamphlet.intro is not None:
        bodies["introduction"] = (f'<section id="introduction" epub:type="introduction" '
                                  f'role="doc-introduction"><h1>{escape(introduction)}</h1>'
                                  f'{_images_src(ebook_html(mark(pamphlet.intro), lang), images)}'
                                  f'</section>')
    if pamphlet.references is not None:
        bodies["references"] = (f'<section id="references" epub:type="bibliography" '
                                f'role="doc-bibliography"><h1>{escape(pamphlet.references_title)}'
                                f'</h1>{ebook_html(mark(pamphlet.references), lang)}</section>')
    placed = []
    for anchor, body in bodies.items():
        bodies[anchor], found = place(body, [start for start in pages if start.essay == anchor],
                                      words)
        placed += [(f"{anchor}.xhtml", start.page) for start in found if not start.line]
    homes = {name: anchor for anchor, body in bodies.items() for name in _ids(body)}
    if pamphlet.intro is not None:
        docs.append(_page(book, "introduction", introduction, lang,
                          _links(bodies["introduction"], "introduction", homes), "frontmatter"))
        toc.append(epub.Link("introduction.xhtml", introduction, "introduction"))
    for index, chapter in enumerate(pamphlet.chapters):
        item = _page(book, chapter.anchor, chapter.title, chapter.lang,
                     _links(bodies[chapter.anchor], chapter.anchor, homes), "bodymatter",
                     landmark="bodymatter" if index == 0 else None)
        docs.append(item)
        toc.append(epub.Link(item.file_name, chapter.title, chapter.anchor))
    if pamphlet.references is not None:
        docs.append(_page(book, "references", pamphlet.references_title, lang,
                          _links(bodies["references"], "references", homes), "backmatter"))
        toc.append(epub.Link("references.xhtml", pamphlet.references_title, "references"))
    sources, colophon = words.pgettext("sources", "Sources"), \
        words.pgettext("colophon", "Colophon")
    docs.append(_page(book, "sources", sources, lang, _sources(pamphlet), "backmatter"))
    docs.append(_page(book, "colophon", colophon, lang, _colophon(pamphlet), "backmatter"))
    toc += [epub.Link("sources.xhtml", sources, "sources"),
            epub.Link("colophon.xhtml", colophon, "colophon")]
    book.toc = toc
    return docs, sorted(placed, key=lambda item: item[1])


def _cover_alt(pamphlet: Pamphlet) -> str:
    parts = [pamphlet.title, pamphlet.subtitle, pamphlet.credit]
    return pamphlet.words.pgettext("cover_of", "Cover: %(title)s",
                                   title=". ".join(p for p in parts if p))


def _title_page(pamphlet: Pamphlet) -> str:
    lines = ['<section class="titlepage" epub:type="titlepage">',
             f"<h1>{escape(pamphlet.title)}</h1>"]
    if pamphlet.subtitle:
        lines.append(f'<p class="subtitle">{escape(pamphlet.subtitle)}</p>')
    if pamphlet.credit:
        lines.append(f'<p class="credit">{escape(pamphlet.credit)}</p>')
    event, words = pamphlet.event, pamphlet.words
    if event:
        for label, value in pamphlet.event_rows:
            lines.append(f'<p class="event">{labelled(words, label, value, _linked)}</p>')
        if event.agenda:
            items = "".join(f"<li>{escape(item)}</li>" for item in event.agenda)
            lines.append(f'<h2>{escape(words.pgettext("schedule", "Schedule"))}</h2>'
                         f'<ol class="agenda">{items}</ol>')
    if pamphlet.date:
        lines.append(f'<p class="date">{escape(pamphlet.date)}</p>')
    return "\n".join(lines + ["</section>"])


def labelled(words: Words, label: str, value: str, render=escape) -> str:
    """'<b>When:</b> 8 December' as XHTML, its label (with what follows it, a colon in
    English, a full-width one in Japanese) in bold, as the language writes a label; `render`
    makes the value's XHTML (escaped text, or with its addresses linked)."""
    text = escape(words.pgettext("label_value", "%(label)s: %(value)s", label="\0",
                                 value="\1"))
    head, _, tail = text.partition("\1")
    bold = head.rstrip()
    return f"<b>{bold.replace(chr(0), escape(label))}</b>{head[len(bold):]}" \
           f"{isolate(render(value), words.lang)}{tail.replace(chr(0), escape(label))}"


def essay_section(chapter: Chapter, book_lang: str, images: dict[str, str],
                  words: Words | None = None) -> str:
    """One essay as the e-book writes it; `images` maps each image's path to its address (the
    book's file name, or the serve app's URL); `words` are the book's (by default, those the
    chapter was assembled with)."""
    head = [f'<header><h1 class="essay-title">{escape(chapter.title)}</h1>']
    if chapter.subtitle:
        head.append(f'<p class="subtitle">{escape(chapter.subtitle)}</p>')
    if chapter.byline:
        head.append(f'<p class="author">{escape(chapter.byline)}</p>')
    words = words or chapter.words
    excerpt = escape(words.pgettext("excerpts", "Excerpts.")) + " " if chapter.excerpt else ""
    own = "" if book_lang == chapter.lang else \
        f' lang="{escape(book_lang)}" xml:lang="{escape(book_lang)}" dir="{direction(book_lang)}"'
    source = chapter.source_entry or _linked(chapter.source_line)
    if excerpt or source:
        head.append(f'<p class="source"{own}>{excerpt}{source}</p>')
    head.append("</header>")
    parts = ["".join(head)]
    if chapter.intro:
        parts.append(f'<p class="editor-intro">{chapter.intro}</p>')
    parts.append(_images_src(ebook_html(mark(chapter.body), book_lang), images))
    if chapter.questions:
        items = "".join(f"<li>{question}</li>" for question in chapter.questions)
        heading = escape(words.pgettext("for_discussion", "For discussion"))
        parts.append(f'<section class="questions"><h2>{heading}</h2><ol>{items}</ol></section>')
    return f'<section id="{chapter.anchor}" class="essay" epub:type="chapter" ' \
           f'role="doc-chapter">{"".join(parts)}</section>'


def _ids(xml: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', xml)


def _links(xml: str, here: str, homes: dict[str, str]) -> str:
    """A link to an id in another document points at that document."""
    def target(match: re.Match) -> str:
        name = match.group(1)
        home = homes.get(name, here)
        if home == here:
            return match.group(0)
        return f'href="{home}.xhtml"' if name == home else f'href="{home}.xhtml#{name}"'
    return re.sub(r'href="#([^"]+)"', target, xml)


def _images_src(xml: str, names: dict[str, str]) -> str:
    """Images by their names in the book; one the book does not hold becomes its text."""
    def image(match: re.Match) -> str:
        tag = match.group(0)
        src = re.search(r'\ssrc="([^"]*)"', tag)
        if src is None or src.group(1).startswith("data:"):
            return tag
        if unescape(src.group(1)) in names:
            return tag.replace(src.group(0), f' src="{names[unescape(src.group(1))]}"')
        alt = re.search(r'\salt="([^"]*)"', tag)
        return f'<span class="missing-image">{alt.group(1) if alt else ""}</span>'
    return re.sub(r"<img\s[^>]*>", image, xml)


def _image_files(pamphlet: Pamphlet, diagnostics: Diagnostics) -> dict[str, tuple[str, bytes, str]]:
    """Each image's path in the project -> (its name in the book, its bytes, its media type).

    Names are numbered, whatever the file is called (spaces, accents, `..`). What an image
    is, its bytes say, not its name: a JPEG called .png goes in as a JPEG (B705), and bytes
    that are no picture e-books take (a BMP, a TIFF, HTML or SVG with a script called .png, an
    SVG that is not one) are left out with a warning (B704); an SVG is cleaned.
    """
    files: dict[str, tuple[str, bytes, str]] = {}
    seen: set[str] = set()
    documents = [(chapter.body, chapter.essay) for chapter in pamphlet.chapters]
    if pamphlet.intro is not None:
        documents.append((pamphlet.intro, None))
    for body, essay in documents:
        for path in body.images:
            relative = path.relative_to(pamphlet.spec.root).as_posix()
            if relative in seen:
                continue
            seen.add(relative)
            data = pamphlet.spec.gate.read_bytes(path)
            kind = sniff(data)
            where = essay.path if essay else pamphlet.spec.path
            at = max(essay.body.find(path.name), essay.body.find(quote(path.name))) \
                if essay else -1
            line = essay.body_line + essay.body[:at].count("\n") if essay and at >= 0 else None
            if kind == "svg" and named(path) == "svg":  # an SVG by another name is refused:
                data = clean_svg(data)  # a browser shown it as that name would run it
            if kind not in _MEDIA_TYPES or data is None or (kind == "svg" and named(path) != kind):
                diagnostics.warning(
                    "B704", f"the image {relative} is not in a format e-books take"
                    + (f" (its bytes are {'no picture' if kind == 'unknown' else kind}, whatever "
                       "its name says)" if kind != named(path) else "")
                    + ", so the EPUB shows its text instead", where, line,
                    hint="convert it to PNG, JPEG, GIF, WebP or SVG")
                continue
            if kind != named(path):
                diagnostics.warning(
                    "B705", f"the image {relative} is a {kind.upper()} by its bytes, not what "
                    f"its name says; the EPUB holds it as a {kind.upper()}", where, line,
                    hint=f"rename it to end in {SUFFIXES[kind]}")
            name = f"images/image-{len(files) + 1:03d}{SUFFIXES[kind]}"
            files[relative] = (name, data, _MEDIA_TYPES[kind])
    return files


_MEDIA_TYPES = {**RASTER, "svg": "image/svg+xml"}  # by images.sniff's kind


def _sources(pamphlet: Pamphlet) -> str:
    items = "".join(f"<li>{_source_entry(chapter, pamphlet.words)}</li>"
                    for chapter in pamphlet.chapters)
    heading = escape(pamphlet.words.pgettext("sources", "Sources"))
    return f'<section class="sources" epub:type="bibliography" role="doc-bibliography">' \
           f"<h1>{heading}</h1><ol>{items}</ol></section>"


def _source_entry(chapter: Chapter, words: Words) -> str:
    """An essay's Sources entry: in the [citations] style (XHTML), else pamphlet's own."""
    if not chapter.source_entry:
        return _linked(chapter.citation)
    licence = chapter.essay.license
    return chapter.source_entry + (" " + escape(words.pgettext(
        "license", "License: %(license)s.", license=licence)) if licence else "")


def _colophon(pamphlet: Pamphlet) -> str:
    colophon, words = pamphlet.spec.colophon, pamphlet.words
    heading = escape(words.pgettext("colophon", "Colophon"))
    lines = ['<section class="colophon" epub:type="colophon" role="doc-colophon">'
             f'<h1>{heading}</h1>',
             f"<p>{_sentence(_titled(pamphlet), words)}</p>"]
    for text in (pamphlet.credit, pamphlet.date, colophon.license, colophon.text,
                 words.pgettext("published_by", "Published by %(publisher)s.",
                                publisher=colophon.publisher) if colophon.publisher else None,
                 words.pgettext("label_value", "%(label)s: %(value)s", value=colophon.contact,
                                label=words.pgettext("event_contact", "Contact"))
                 if colophon.contact else None,
                 words.pgettext("made_with_ebook", "Made with %(generator)s.",
                                generator=pamphlet.generator)):
        if text:
            lines.append(f"<p>{_linked(text)}</p>")
    if pamphlet.cite_as:
        label = escape(words.pgettext("label_value", "%(label)s: %(value)s",
                                      label=pamphlet.cite_as_label, value="\0"))
        lines.insert(-1, f'<p class="cite-as">{label.replace(chr(0), pamphlet.cite_as)}</p>')
    return "\n".join(lines + ["</section>"])


def _sentence(html: str, words: Words) -> str:
    """The XHTML `html` as a sentence of the book's language, ended by its own full stop."""
    return escape(words.pgettext("sentence", "%(sentence)s.", sentence="\0")).replace(
        "\0", html)


def _linked(text: str) -> str:
    """Plain text as XHTML, the addresses in it links (as they are in the essays)."""
    return linked_text(text, lambda address: valid_url(href(address)))


def _titled(pamphlet: Pamphlet) -> str:
    """The title in italics, and the subtitle after it as the language sets the two."""
    title = isolate(f"<i>{escape(pamphlet.title)}</i>", pamphlet.lang)
    if not pamphlet.subtitle:
        return title
    return escape(pamphlet.words.pgettext("label_value", "%(label)s: %(value)s", label="\0",
                                          value=pamphlet.subtitle)).replace("\0", title)


def _frame_lists(lang: str) -> str:
    """Every list the book numbers (the schedule, the questions, the Sources) in the book's
    digits, as the PDF numbers them (its counter style pamphlet-digits): CSS for the
    e-book's stylesheet, after the layout's."""
    style = counter_style(lang)
    return (f"\n.agenda, .questions ol, .sources ol {{ list-style-type: {style}; }}\n"
            if style else "")


def _page_list(placed: list[tuple[str, int]], pamphlet: Pamphlet) -> bytes:
    """The nav's page-list: a link to each page break, in page order (none, no list), each
    labelled with its number as the printed page shows it."""
    if not placed:
        return b""
    items = "".join(f'<li><a href="{name}#{marker_id(page)}">{digits(str(page), pamphlet.lang)}'
                    f'</a></li>' for name, page in placed)
    heading = escape(pamphlet.words.pgettext("nav_pages", "Pages"))
    return f'<nav epub:type="page-list" role="doc-pagelist" hidden="hidden"><h2>{heading}</h2>' \
           f'<ol>{items}</ol></nav>'.encode()


def _repack(source: Path, target: Path, lang: str, page_list: bytes = b"") -> None:
    """mimetype first and stored; other entries sorted, with one fixed timestamp.

    The package document also gets the book's xml:lang, which ebooklib leaves out, and the
    nav its page-list, which ebooklib does not make from our page breaks. The nav's landmarks
    are for reading systems, not for readers to see on the contents page: hidden, as the
    page-list is (EPUB 3.3, 5.4.2.6).
    """
    stamp = build_time().timetuple()[:6] if reproducible() else None
    stamp = max(stamp, (1980, 1, 1, 0, 0, 0)) if stamp else (1980, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        names = sorted(name for name in old.namelist() if name != "mimetype")
        for name in ["mimetype", *names]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = old.read(name)
            if name.endswith(".opf"):
                data = data.replace(b"<package ", f'<package xml:lang="{escape(lang)}" '.encode(), 1)
            elif name.endswith("/nav.xhtml"):
                data = data.replace(b'<nav epub:type="landmarks">',
                                    b'<nav epub:type="landmarks" hidden="hidden">', 1)
                data = data.replace(b"</body>", page_list + b"</body>", 1)
            new.writestr(info, data, compresslevel=9)


def essay_document(chapter: Chapter, spec, diagnostics: Diagnostics) -> tuple[str, list]:
    """One essay as the e-book renders it, with the images it shows as (name in the book,
    bytes, media type): the web edition of the essay is this, not a copy of it."""
    images = _image_files(Pamphlet(spec, (chapter,)), diagnostics)
    names = {relative: name for relative, (name, _, _) in images.items()}
    return essay_section(chapter, spec.lang, names), list(images.values())
