"""What the site knows of one unit: a record (plain JSON data) and the files it brings.

A shard writes, for each unit of its share, a record into `records/` and the unit's files
(downloads, cover, thumbnail, images) where they stand in the site. Pages and feeds are made
from records alone, so a site gathered from shards is the site one machine makes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from typing import TYPE_CHECKING

from .. import __version__
from ..diagnostics import Diagnostics
from ..store.atomic import write_file
from ..store.paths import writable
from ..project.essays import Essay, read_essay
from ..project.spec import Spec
from ..text.links import linked_slugs
from ..locale.scripts import direction
from ..locale.words import Words

if TYPE_CHECKING:  # the book and the Markdown are imported where a record is made, so that
    from ..book.assemble import Pamphlet  # a rebuild with nothing to make needs neither

FORMAT = 3  # of records and shard folders; a change makes every record stale
THUMB_HEIGHT = 360  # pixels: twice the largest the pages show, for sharp phone screens
MEDIA_TYPES = {".pdf": "application/pdf", ".epub": "application/epub+zip",
               ".kepub.epub": "application/kepub+zip", ".ics": "text/calendar"}
# What a build's files are, by what follows the spec's name, in the order the site offers
# them: the books first (EPUB, Kobo edition, reading PDF: what a reader app takes, in the
# order it should prefer them), then the files for the printer and the meeting. True: a book.
KINDS = {".epub": True, ".kepub.epub": True, ".pdf": True, "-print.pdf": False,
         "-print-bw.pdf": False, "-press.pdf": False, "-cover.pdf": False,
         "-test-sheet.pdf": False, ".ics": False}


def media_type(name: str) -> str:
    """The download's media type, by its file name (a Kobo edition is not a plain EPUB)."""
    if name.endswith(".kepub.epub"):
        return MEDIA_TYPES[".kepub.epub"]
    return MEDIA_TYPES.get(Path(name).suffix, "application/octet-stream")


def label(name: str, stem: str, words: Words = Words(), perfect: bool = False) -> str:
    """What a download is, in the site's words."""
    rest = name[len(stem):]
    if perfect and rest == "-print.pdf":  # a bound book's block, in reading order
        return words.pgettext("download_block", "Print PDF (the book block, for perfect binding)")
    labels = {".pdf": lambda: words.pgettext("download_reading", "Reading PDF"),
              "-print.pdf": lambda: words.pgettext("download_print",
                                                   "Print PDF (imposed for folding)"),
              "-print-bw.pdf": lambda: words.pgettext("download_print_bw",
                                                      "Print PDF, black and white"),
              "-press.pdf": lambda: words.pgettext("download_press",
                                                   "Print-shop PDF (with bleed)"),
              "-cover.pdf": lambda: words.pgettext("download_cover", "Wraparound cover (PDF)"),
              "-test-sheet.pdf": lambda: words.pgettext("download_test_sheet",
                                                        "Printer test sheet (PDF)"),
              ".epub": lambda: "EPUB",
              ".kepub.epub": lambda: words.pgettext("download_kobo", "Kobo edition (kepub)"),
              ".ics": lambda: words.pgettext("download_calendar", "Calendar event")}
    return labels[rest]() if rest in labels else name


def is_book(name: str, stem: str) -> bool:
    """Whether a download is a book to read (an acquisition, to a catalog), not a file for
    the printer or the meeting."""
    return KINDS.get(name[len(stem):], False)


def _order(name: str, stem: str) -> int:
    rest = name[len(stem):]
    return list(KINDS).index(rest) if rest in KINDS else len(KINDS)


def href(*parts: str) -> str:
    """A site-relative URL from path parts, each quoted (names come from file names)."""
    return "/".join(quote(part, safe="") for part in parts)


def link_file(source: Path, target: Path, root: Path) -> None:
    """`target` as a second link to `source` (a copy where links cannot be made), in a folder
    that leads nowhere outside `root`; whatever stood at `target` (a link too) is replaced,
    not followed."""
    writable(target.parent, root, "T105")
    if os.path.lexists(target):
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        write_file(target, source.read_bytes(), root, "T105")


def save_record(work: Path, kind: str, name: str, record: dict) -> Path:
    return write_file(work / "records" / f"{kind}-{name}.json",
                      json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False).encode(),
                      work, "T105")


def iso_date(value) -> str | None:
    """YYYY-MM-DD from a spec's or essay's date, when it is one."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2}).*", str(value or "").strip())
    return "-".join(match.groups()) if match else None


# ---- a spec: the pamphlet or packet -------------------------------------------------------

def spec_record(pamphlet: Pamphlet, built: list[Path], work: Path, plans: dict[str, str],
                words: Words = Words()) -> dict:
    """The record of a built spec, with its downloads and cover (see `downloads`): what the
    site writes of it (its credit, date, meeting) in the site's `words`; its own texts
    (title, chapters) as they are."""
    spec = pamphlet.spec
    files, cover = downloads(built, work, spec.stem, plans, words=words,
                             perfect=bool(spec.printing and spec.printing.scheme == "perfect"))
    pamphlet = replace(pamphlet, spec=replace(spec, lang=words.lang, words=dict(
        words.overrides)), layers=())
    return {
        "kind": "packet" if spec.path.parent.name == "packets" else "pamphlet",
        "name": spec.stem, "title": pamphlet.title, "subtitle": pamphlet.subtitle,
        "description": pamphlet.description, "credit": pamphlet.credit,
        "people": list(pamphlet.people), "lang": spec.lang, "dir": direction(spec.lang),
        "date": pamphlet.date, "iso_date": iso_date(spec.date), "identifier": pamphlet.identifier,
        "tags": list(pamphlet.tags), "event": _event(pamphlet),
        "publisher": spec.colophon.publisher, "license": spec.colophon.license,
        "chapters": [{"slug": c.essay.slug, "title": c.title, "byline": c.byline,
                      "lang": c.lang, "dir": c.dir} for c in pamphlet.chapters],
        "downloads": files, "cover": cover,
    }


def downloads(built: list[Path], work: Path, stem: str, plans: dict[str, str],
              folder: tuple[str, ...] = (), words: Words = Words(), perfect: bool = False
              ) -> tuple[list[dict], dict | None]:
    """The downloads of a build, books first (KINDS), named in the site's `words`, linked
    into `work/files/<folder>/`, and its cover into `work/covers/<folder>/` (the EPUB's own
    cover raster, and a thumbnail made from it)."""
    found = []
    for path in sorted(built, key=lambda path: (_order(path.name, stem), path.name)):
        link_file(path, work.joinpath("files", *folder, path.name), work)
        found.append({"href": href("files", *folder, path.name),
                      "label": label(path.name, stem, words, perfect),
                      "type": media_type(path.name), "size": path.stat().st_size,
                      "note": plans.get(path.name, ""), "book": is_book(path.name, stem)})
    epub = next((p for p in built if p.name == f"{stem}.epub"), None)
    return found, save_cover(epub, work, stem, ("covers", *folder)) if epub else None


def _event(pamphlet: Pamphlet) -> dict | None:
    event = pamphlet.event
    if event is None:
        return None
    return {"name": event.name, "when": pamphlet.event_when or "",
            "rows": [list(row) for row in pamphlet.event_rows], "agenda": list(event.agenda)}


def save_cover(epub: Path, work: Path, name: str, folder: tuple[str, ...]) -> dict | None:
    """The EPUB's cover image, as it is, and a thumbnail; None if the book names none."""
    with zipfile.ZipFile(epub) as book:
        inside = _cover_name(book)
        if inside is None:
            return None
        data = book.read(inside)
    suffix = Path(inside).suffix.lower()
    full = work.joinpath(*folder, f"{name}{suffix}")
    write_file(full, data, work, "T105")
    thumb, size = _thumbnail(data)
    write_file(full.with_name(f"{name}-thumb.jpg"), thumb, work, "T105")
    return {"href": href(*folder, full.name), "type": _image_type(suffix),
            "thumb": href(*folder, f"{name}-thumb.jpg"), "thumb_size": size}


def _cover_name(book: zipfile.ZipFile) -> str | None:
    """The zip entry of the item the package document calls the cover image."""
    from lxml import etree

    container = etree.fromstring(book.read("META-INF/container.xml"))
    opf = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
    package = etree.fromstring(book.read(opf))
    found = package.xpath("//*[local-name()='item'][contains(concat(' ', @properties, ' '), "
                          "' cover-image ')]/@href")
    if not found:
        return None
    return (Path(opf).parent / found[0]).as_posix()


def _thumbnail(data: bytes) -> tuple[bytes, list[int]]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGB")
        width = max(1, round(image.width * THUMB_HEIGHT / image.height))
        small = image.resize((width, THUMB_HEIGHT), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue(), [width, THUMB_HEIGHT]


def _image_type(suffix: str) -> str:
    return {".png": "image/png", ".gif": "image/gif", ".webp": "image/webp"}.get(
        suffix, "image/jpeg")


# ---- an essay: its web edition ------------------------------------------------------------

def assets_digest(spec: Spec) -> str:
    """A fingerprint of the files of source/ that are not essays (the images essays show,
    their own bibliographies) and of the spec's [citations] (its bibliographies, its style)."""
    digest = hashlib.sha256()
    citations = spec.citations
    digest.update(f"{citations.placement}|{citations.title}|".encode())
    digest.update(citations.style.xml if citations.style else b"")
    named = [spec.root / name for name in citations.bibliography]
    for other in [*named, *sorted(spec.source_dir.rglob("*"))]:
        if other.is_file() and other.suffix != ".md":
            info = other.stat()
            digest.update(f"{other}|{info.st_size}|{info.st_mtime_ns}".encode())
    return digest.hexdigest()


def essay_key(path: Path, spec: Spec, slugs: set[str], assets: str) -> str:
    """What an essay's page is made from: its file, the images of source/ (`assets`), which
    of the essays it links to exist, the site's language and words and this version. Another essay's
    edit, or a new essay it does not link to, leaves it as it was."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    text = path.read_bytes()
    linked = linked_slugs(text.decode("utf-8", "replace"))
    digest = hashlib.sha256(f"{FORMAT}|{__version__}|{spec.lang}|{sorted(spec.words.items())}|"
                            f"{epoch}|{assets}".encode())
    digest.update(text)
    digest.update("\n".join(sorted(linked & slugs)).encode())
    return digest.hexdigest()


def essay_record(path: Path, spec: Spec, slugs: list[str], work: Path,
                 diagnostics: Diagnostics) -> dict | None:
    """The record of one essay, its images written into `work/media/`; None if unreadable.
    What the site writes of it is in the language and [words] of `spec`, the site's."""
    from ..book.assemble import Chapter, format_date
    from ..book.cite import cite, cites, unmarked
    from ..outputs.epub import essay_document
    from ..text.markup import render_body, smarten

    essay = read_essay(path, diagnostics)
    if essay is None:
        return None
    anchors = {slug: _anchor(slug) for slug in slugs}
    lang = essay.lang or spec.lang
    body = render_body(essay, spec.root, diagnostics, anchors, anchors.get(essay.slug),
                       gate=spec.gate, lang=lang)
    if cites(spec, [essay]):  # its citations as its booklet has them, works cited after it
        body = cite(spec, [(body, essay, anchors.get(essay.slug) or "essay")],
                    diagnostics).bodies[0]
    else:
        body = unmarked(body)
    words = Words.for_language(spec.lang, spec.words)
    chapter = Chapter(1, essay, body, lang, smarten(essay.title, lang),
                      smarten(essay.subtitle, lang) if essay.subtitle else None, words=words)
    xhtml, images = essay_document(chapter, spec, diagnostics)
    names = {name: _save_media(work, data, name) for name, data, _ in images}
    return {
        "slug": essay.slug, "title": chapter.title, "subtitle": chapter.subtitle,
        "authors": list(essay.authors), "byline": chapter.byline, "lang": lang,
        "dir": direction(lang), "date": format_date(essay.date, spec.lang),
        "iso_date": iso_date(essay.date),
        "source_line": chapter.source_line, "tags": list(essay.tags),
        "summary": _summary(essay, body.html), "html": web_html(xhtml, names, anchors),
        "downloads": [], "cover": None, "media": sorted({n[len("../"):] for n in names.values()}),
    }


def _anchor(slug: str) -> str:
    from ..text.sanitiser import ncname

    return ncname(slug, "essay")


def _summary(essay: Essay, body: str) -> str:
    """The essay's own summary, or the first forty words of its text as rendered."""
    from lxml import etree

    from ..text.markup import smarten

    if essay.summary:
        return smarten(essay.summary, essay.lang)
    tree = etree.fromstring(f"<div>{body}</div>")  # notes are apart, their calls empty
    words = " ".join("".join(p.itertext()) for p in tree.iter("p")).split()
    return " ".join(words[:40]) + (" …" if len(words) > 40 else "")


def _save_media(work: Path, data: bytes, name: str) -> str:
    """Store an image once by its content; the page's path to it."""
    stored = f"{hashlib.sha256(data).hexdigest()[:20]}{Path(name).suffix}"
    write_file(work / "media" / stored, data, work, "T105")
    return f"../media/{stored}"


def web_html(xhtml: str, images: dict[str, str], anchors: dict[str, str]) -> str:
    """The e-book's XHTML of an essay as HTML for a web page: images from the site's media/,
    links to other essays to their pages, and no EPUB-only attributes."""
    from lxml import etree

    from ..text.markup import EPUB_NS

    pages = {f"#{anchor}": href(slug) + ".html" for slug, anchor in anchors.items()}
    tree = etree.fromstring(f'<div xmlns:epub="{EPUB_NS}">{xhtml}</div>')
    for element in tree.iter():
        for name in [n for n in element.attrib if n.startswith(f"{{{EPUB_NS}}}")
                     or n == "data-fragment"]:
            del element.attrib[name]
        if element.tag == "img" and element.get("src") in images:
            element.set("src", images[element.get("src")])
        if element.tag == "a" and element.get("href") in pages:
            element.set("href", pages[element.get("href")])
    etree.cleanup_namespaces(tree)
    return "".join(etree.tostring(child, encoding="unicode", method="html") for child in tree)

