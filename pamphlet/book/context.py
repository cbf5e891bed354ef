"""What a layout template sees: the assembled pamphlet as plain data.

Templates may come from someone else, so they receive only strings, numbers, booleans,
lists and mappings: never a `Path`, a module, or an object with methods that reach the file
system. A cover image is a `file:` URL string that the PDF's fetcher (the path gate) loads.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .assemble import Chapter, Pamphlet
from ..text.markup import PrintBody
from .qr import qr_svg
from ..locale.formats import digit_symbols


def template_context(pamphlet: Pamphlet, bodies: dict[str, PrintBody]) -> dict[str, Any]:
    """The names a layout's `pamphlet.html` receives: `pamphlet`, `bodies`, `settings`."""
    return {"pamphlet": _pamphlet(pamphlet),
            "bodies": {anchor: _body(body) for anchor, body in bodies.items()},
            "settings": _record(pamphlet.spec.pdf)}


def _pamphlet(pamphlet: Pamphlet) -> dict[str, Any]:
    spec = pamphlet.spec
    cover = {"image": spec.cover.image.as_uri() if spec.cover.image else None,
             "background": spec.cover.background, "foreground": spec.cover.foreground,
             "accent": spec.cover.accent}
    event = {**_record(spec.event), "date": pamphlet.event_date} if spec.event else None
    url = (spec.event.url if spec.event else None) or spec.url
    return {
        "title": pamphlet.title, "subtitle": pamphlet.subtitle, "lang": pamphlet.lang,
        "dir": pamphlet.dir, "identifier": pamphlet.identifier, "credit": pamphlet.credit,
        "people": list(pamphlet.people), "date": pamphlet.date, "tags": list(pamphlet.tags),
        "description": pamphlet.description, "generator": pamphlet.generator,
        "event": event, "event_date": pamphlet.event_date,
        # The meeting's time on the language's clock, and its date and time as one phrase.
        "event_time": pamphlet.event_time, "event_when": pamphlet.event_when,
        # The language's own digits where it does not write 0-9 (Persian, Bengali, ...), for
        # the layout's page numbers: the counter style `pamphlet-digits`.
        "digits": list(digit_symbols(pamphlet.lang) or ""),
        "intro": pamphlet.intro is not None,
        "references": pamphlet.references is not None, "cite_as": pamphlet.cite_as,
        "references_title": pamphlet.references_title, "cite_as_label": pamphlet.cite_as_label,
        "chapters": [_chapter(chapter) for chapter in pamphlet.chapters],
        # The spec's own tables, as layouts have always reached them.
        "spec": {"cover": cover, "colophon": _record(spec.colophon), "pdf": _record(spec.pdf),
                 "title": spec.title, "subtitle": spec.subtitle, "stem": spec.stem,
                 "editors": list(spec.editors), "authors": list(spec.authors),
                 "lang": spec.lang, "layout": spec.layout},
        "cover": cover, "colophon": _record(spec.colophon),
        # The event kit: the address phones at the meeting open, and its QR code (SVG).
        "url": url, "qr": qr_svg(url, pamphlet.words.pgettext(
            # TRANSLATORS: what a screen reader says of the QR code that leads to the
            # meeting's or the book's web address.
            "qr_code", "QR code: %(url)s", url=url)) if url else None,
    }


def _chapter(chapter: Chapter) -> dict[str, Any]:
    essay = chapter.essay
    return {
        "number": chapter.number, "anchor": chapter.anchor, "slug": essay.slug,
        "lang": chapter.lang, "dir": chapter.dir, "title": chapter.title,
        "subtitle": chapter.subtitle, "byline": chapter.byline,
        "authors": list(essay.authors), "date": essay.date, "tags": list(essay.tags),
        "summary": essay.summary, "license": essay.license,
        "source": _record(essay.source) if essay.source else None,
        "source_line": chapter.source_line, "citation": chapter.citation,
        "source_entry": chapter.source_entry,  # XHTML, in the [citations] style
        "intro": chapter.intro, "questions": list(chapter.questions), "excerpt": chapter.excerpt,
    }


def _body(body: PrintBody) -> dict[str, Any]:
    return {"html": body.html,
            "link_endnotes": [{"url": link.url, "text": link.text} for link in body.link_endnotes]}


def _record(value) -> dict[str, Any]:
    """A frozen dataclass of plain values as a mapping (tuples become lists)."""
    return {name: _plain(item) for name, item in dataclasses.asdict(value).items()}


def _plain(value):
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)  # dates and the like: their ISO text
