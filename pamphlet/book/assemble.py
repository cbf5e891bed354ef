"""A selection into a `Pamphlet`: chapters with their bodies, credits, sources, colophon."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, replace

from .. import __version__
from ..diagnostics import Diagnostics
from ..project.essays import Essay, Source
from .cite import REFERENCES, cite, cites, uncited, unmarked
from ..text.excerpt import keep_sections
from ..text.markcache import MarkupCache
from ..text.markup import Body, link_across, render_body, smarten
from ..project.spec import Colophon, EssayOverride, Spec
from ..text.sanitiser import Origin, inline_field, language, plain_field
from ..project.schema import impossible_date
from ..locale.scripts import direction

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True)
class Chapter:
    """One essay as it stands in the pamphlet."""

    number: int
    essay: Essay
    body: Body
    lang: str
    title: str  # with smart typography, as it is shown
    subtitle: str | None
    intro: str | None = None  # the spec's editor's note for this essay, as inline XHTML
    questions: tuple[str, ...] = ()  # discussion questions, as inline XHTML
    excerpt: bool = False  # only some sections are kept
    source_entry: str | None = None  # its Sources entry in the [citations] style, as XHTML

    @property
    def anchor(self) -> str:
        """The essay's id in the PDF and its name in the EPUB: from its place, never its slug,
        so that any file name gives a valid id and none can meet the front or back matter's."""
        return anchor(self.number)

    @property
    def dir(self) -> str:
        """'rtl' for an essay in Arabic, Hebrew, Persian, ...; else 'ltr'."""
        return direction(self.lang)

    @property
    def byline(self) -> str:
        return join_names(self.essay.authors)

    @property
    def source_line(self) -> str:
        return source_line(self.essay.source, self.title)

    @property
    def citation(self) -> str:
        return citation(self.essay, self.title)


@dataclass(frozen=True)
class Pamphlet:
    """Everything a layout needs to show one pamphlet; templates receive this."""

    spec: Spec
    chapters: tuple[Chapter, ...]
    intro: Body | None = None
    generator: str = f"pamphlet {__version__}"
    references: Body | None = None  # the book's bibliography ([citations] placement = "book")
    cite_as: str | None = None  # how to cite the pamphlet, in the [citations] style (XHTML)

    @property
    def references_title(self) -> str:
        """The heading of the works cited, as the spec names it."""
        return self.spec.citations.title or REFERENCES

    @property
    def event(self):
        return self.spec.event

    @property
    def event_date(self) -> str | None:
        return format_date(self.spec.event.date) if self.spec.event else None

    @property
    def title(self) -> str:
        return smarten(self.spec.title)

    @property
    def subtitle(self) -> str | None:
        return smarten(self.spec.subtitle) if self.spec.subtitle else None

    @property
    def lang(self) -> str:
        return self.spec.lang

    @property
    def dir(self) -> str:
        return direction(self.spec.lang)

    @property
    def identifier(self) -> str:
        """A UUID URN that stays the same for every build of the same spec: the e-book's
        identifier and the first half of the PDFs' file identifier."""
        spec = self.spec
        key = "|".join([spec.title, spec.stem, *spec.editors, *spec.authors])
        if spec.booklet:  # an essay's own booklet is never taken for a spec of the same name
            key = "essay-booklet|" + key
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'pamphlet:' + key)}"

    @property
    def credit(self) -> str | None:
        """'Edited by A and B' or 'By A', as the spec says."""
        if self.spec.editors:
            return f"Edited by {join_names(self.spec.editors)}"
        if self.spec.authors:
            return f"By {join_names(self.spec.authors)}"
        return None

    @property
    def people(self) -> tuple[str, ...]:
        """The editors or authors of the whole, else every essay's authors."""
        named = self.spec.editors or self.spec.authors
        if named:
            return named
        return tuple(dict.fromkeys(a for c in self.chapters for a in c.essay.authors))

    @property
    def date(self) -> str | None:
        return format_date(self.spec.date)

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for c in self.chapters for t in c.essay.tags))

    @property
    def description(self) -> str:
        return self.spec.description or self.spec.subtitle or ", ".join(
            c.title for c in self.chapters)


def anchor(number: int) -> str:
    """The anchor of the essay at `number` (from 1)."""
    return f"essay-{number:03d}"


def assemble(spec: Spec, essays: tuple[Essay, ...], diagnostics: Diagnostics,
             cache: MarkupCache | None = None) -> Pamphlet:
    """Render each essay's body, apply the spec's additions, and put the chapters in order.
    `cache` keeps the essays' Markdown conversions between builds (markcache.py)."""
    spec = _displayed(spec, diagnostics)
    slugs = {essay.slug: anchor(number) for number, essay in enumerate(essays, 1)}
    chapters = [_chapter(number, essay, spec, slugs, diagnostics, cache)
                for number, essay in enumerate(essays, 1)]
    intro = _intro(spec, slugs, diagnostics, cache)
    documents = [(chapter.body, chapter.essay) for chapter in chapters]
    if intro is not None:
        documents.append(intro)
    bodies = link_across(documents, diagnostics)
    chapters = [replace(chapter, body=body) for chapter, body in zip(chapters, bodies)]
    intro_body = unmarked(bodies[-1]) if intro is not None else None
    if not cites(spec, essays):
        uncited([(c.body, c.essay) for c in chapters], diagnostics)
        return Pamphlet(spec, tuple(replace(c, body=unmarked(c.body)) for c in chapters),
                        intro_body)
    store = cache.sibling("citations") if cache is not None else None
    people = spec.editors or spec.authors or tuple(
        dict.fromkeys(a for essay in essays for a in essay.authors))
    cited = cite(spec, [(c.body, c.essay, c.anchor) for c in chapters], diagnostics, store,
                 people)
    if store is not None:
        store.prune()
    chapters = [replace(chapter, body=body, source_entry=cited.sources.get(chapter.anchor))
                for chapter, body in zip(chapters, cited.bodies)]
    return Pamphlet(spec, tuple(chapters), intro_body, references=cited.references,
                    cite_as=cited.cite_as)


def _chapter(number: int, essay: Essay, spec: Spec, slugs: dict[str, str],
             diagnostics: Diagnostics, cache: MarkupCache | None = None) -> Chapter:
    body = render_body(essay, spec.root, diagnostics, slugs, anchor(number), gate=spec.gate,
                       cache=cache)
    title = smarten(essay.title)
    plain_field(essay.title, Origin(essay.path, essay.title_line, essay.title), diagnostics,
                "a title")  # to report what it drops
    if not title:
        diagnostics.error("E210", f"the title '{essay.title}' is empty once its markup is removed",
                          essay.path, essay.title_line, hint="write the title as plain text")
    override = spec.overrides.get(essay.slug, EssayOverride())
    if override.sections:
        body, missing = keep_sections(body, override.sections)
        for heading in missing:
            diagnostics.error(
                "P115", f"essay '{essay.slug}' has no section headed '{heading}'", spec.path,
                spec.line_of("essay", essay.slug, "sections"),
                hint="use a heading as it stands in the essay (## ...)")
    field = lambda key, text: inline_field(  # noqa: E731
        text, Origin(spec.path, spec.line_of("essay", essay.slug, key), text), diagnostics,
        f"the spec's [essay.{essay.slug}] {key}")
    return Chapter(
        number, essay, body, _essay_lang(essay, spec, diagnostics), title,
        smarten(essay.subtitle) if essay.subtitle else None,
        intro=field("intro", override.intro) if override.intro else None,
        questions=tuple(field("questions", q) for q in override.questions),
        excerpt=bool(override.sections))


def _essay_lang(essay: Essay, spec: Spec, diagnostics: Diagnostics) -> str:
    if not essay.lang:
        return spec.lang
    text = spec.gate.read_bytes(essay.path).decode("utf-8", errors="replace")
    lines = text.splitlines()[:essay.body_line]
    line = next((n for n, text in enumerate(lines, 1) if text.startswith("lang:")), None)
    return language(essay.lang, Origin(essay.path, line), diagnostics, spec.lang)


def _intro(spec: Spec, slugs: dict[str, str], diagnostics: Diagnostics,
           cache: MarkupCache | None = None) -> tuple[Body, Essay] | None:
    """The packet's own introduction, rendered like an essay's text."""
    if not spec.intro:
        return None
    essay = Essay(slug="introduction", path=spec.path, title="Introduction", body=spec.intro,
                  body_line=spec.line_of("intro") or spec.line_of("intro_file") or 1)
    return render_body(essay, spec.root, diagnostics, slugs, "introduction",
                       "the spec's intro", gate=spec.gate, cache=cache), essay


def _displayed(spec: Spec, diagnostics: Diagnostics) -> Spec:
    """The spec with the one-line texts a pamphlet prints (agenda, colophon, meeting) as plain
    text through the sanitiser: markup is dropped, and anything unsafe in it reported (M305)."""
    def plain(text: str | None, *key: str) -> str | None:
        if text is None:
            return None
        origin = Origin(spec.path, spec.line_of(*key), text)
        return plain_field(text, origin, diagnostics, "the spec's " + ".".join(key))
    colophon = Colophon(**{name: plain(getattr(spec.colophon, name), "colophon", name)
                           for name in ("license", "publisher", "contact", "text")})
    event = spec.event
    if event is not None:
        agenda = tuple(plain(item, "event", "agenda") for item in event.agenda)
        event = replace(event, agenda=agenda,
                        **{name: plain(getattr(event, name), "event", name)
                           for name in ("name", "time", "place", "host", "contact")})
    for key in ("title", "subtitle", "description"):
        plain(getattr(spec, key), key)  # reported here; shown through smarten
    lang = language(spec.lang, Origin(spec.path, spec.line_of("lang")), diagnostics, "en")
    return replace(spec, colophon=colophon, event=event, lang=lang)


def join_names(names: tuple[str, ...]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def format_date(value: dt.date | str | None) -> str | None:
    """'14 March 2026' from an ISO date (or a year and month); anything else as written."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        value = value.isoformat()
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ].*)?", str(value).strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or impossible_date(str(value)):
        return str(value)
    year, month, day = match.group(1), _MONTHS[int(match.group(2)) - 1], match.group(3)
    return f"{int(day)} {month} {year}" if day else f"{month} {year}"


def source_line(source: Source | None, title: str) -> str:
    """The line under an essay's title: where it first appeared; empty when that is not
    recorded (claiming a first publication nobody recorded would misattribute it)."""
    if source is None:
        return ""
    parts = ["First published"]
    if source.title and source.title.strip() != title.strip():
        parts.append(f"as “{source.title}”")
    if source.publisher:
        parts.append(f"by {source.publisher}")
    if source.date:
        parts.append(f"on {format_date(source.date)}")
    if source.url:
        parts.append(f"at {source.url}")
    return " ".join(parts) + "."


def citation(essay: Essay, title: str) -> str:
    """The full entry for the Sources section."""
    source = essay.source or Source()
    parts = []
    if essay.authors:
        parts.append(join_names(essay.authors) + ".")
    parts.append(f"“{title}.”")
    where = [p for p in (source.title if source.title not in (essay.title, title) else None,
                         source.publisher, format_date(source.date)) if p]
    if where:
        parts.append(", ".join(where) + ".")
    if source.url:
        parts.append(source.url + (f" (accessed {format_date(source.accessed)})."
                                   if source.accessed else "."))
    if essay.source is None:
        parts.append("Source not recorded.")
    if essay.license:
        parts.append(f"License: {essay.license}.")
    return " ".join(parts)
