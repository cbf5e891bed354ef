"""A selection into a `Pamphlet`: chapters with their bodies, credits, sources, colophon."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field, replace

from .. import __version__
from ..diagnostics import Diagnostics
from ..project.essays import Essay, Source
from .cite import cite, cites, uncited, unmarked
from .citeplace import cite_as as cite_as_words, references as references_words
from ..text.excerpt import keep_sections
from ..text.markcache import MarkupCache
from ..text.markup import Body, link_across, render_body, smarten
from ..project.spec import Colophon, EssayOverride, Spec
from ..text.sanitiser import Origin, inline_field, language, plain_field
from ..project.schema import impossible_date
from ..project.eventkit import clock, duration, times
from ..locale import formats
from ..locale.scripts import direction
from ..locale.words import Words, languages


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
    words: Words = field(default_factory=Words)  # the book's, for the lines it writes
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
        """The authors, joined as the essay's own language joins names."""
        return join_names(self.essay.authors, self.lang)

    @property
    def source_line(self) -> str:
        return source_line(self.essay.source, self.title, self.words)

    @property
    def citation(self) -> str:
        return citation(self.essay, self.title, self.words)


@dataclass(frozen=True)
class Pamphlet:
    """Everything a layout needs to show one pamphlet; templates receive this."""

    spec: Spec
    chapters: tuple[Chapter, ...]
    intro: Body | None = None
    generator: str = f"pamphlet {__version__}"
    layers: tuple[bytes, ...] = ()  # the layout's own catalogs, compiled (layouts.py)
    references: Body | None = None  # the book's bibliography ([citations] placement = "book")
    cite_as: str | None = None  # how to cite the pamphlet, in the [citations] style (XHTML)

    @property
    def words(self) -> Words:
        """Every word the book writes, in its language, with the layout's catalogs and the
        spec's [words] over pamphlet's (locale/words.py)."""
        return Words(self.spec.lang, Words.for_language("", self.spec.words).overrides,
                     self.layers)

    @property
    def references_title(self) -> str:
        """The heading of the works cited, as the spec names it, else in its language."""
        return self.spec.citations.title or references_words(self.words)

    @property
    def cite_as_label(self) -> str:
        """The colophon's label for how to cite the pamphlet, in its language."""
        return cite_as_words(self.words)

    @property
    def event(self):
        return self.spec.event

    @property
    def event_date(self) -> str | None:
        return format_date(self.spec.event.date, self.lang) if self.spec.event else None

    @property
    def event_time(self) -> str | None:
        """The meeting's time (or its start and end) on the language's clock; a time that
        cannot be read as written."""
        event = self.spec.event
        return event_clock(event.time, event.end, event.duration, self.lang) if event else None

    @property
    def event_when(self) -> str | None:
        """The meeting's date and time as one phrase: '8 December 2026, 19:00–21:00'."""
        if not self.spec.event:
            return None
        return formats.date_and_time(self.event_date, self.event_time, self.lang) or None

    @property
    def event_rows(self) -> list[tuple[str, str]]:
        """The meeting as (label, value) lines in the book's language, those it has."""
        event, words = self.spec.event, self.words
        if event is None:
            return []
        # TRANSLATORS: labels of the meeting a reading packet is made for, on its title
        # page: its name, when and where, the person who leads it, whom to write to.
        rows = ((words.pgettext("event_meeting", "Meeting"), event.name),
                (words.pgettext("event_when", "When"), self.event_when),
                (words.pgettext("event_where", "Where"), event.place),
                (words.pgettext("event_host", "Host"), event.host),
                (words.pgettext("event_contact", "Contact"), event.contact))
        return [(label, value) for label, value in rows if value]

    @property
    def title(self) -> str:
        return smarten(self.spec.title, self.lang)

    @property
    def subtitle(self) -> str | None:
        return smarten(self.spec.subtitle, self.lang) if self.spec.subtitle else None

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
            # TRANSLATORS: on the cover and the title page: the book's editors.
            return self.words.pgettext("edited_by", "Edited by %(names)s",
                                       names=join_names(self.spec.editors, self.lang))
        if self.spec.authors:
            # TRANSLATORS: on the cover and the title page: the whole book's authors.
            return self.words.pgettext("by", "By %(names)s",
                                       names=join_names(self.spec.authors, self.lang))
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
        return format_date(self.spec.date, self.lang)

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t for c in self.chapters for t in c.essay.tags))

    @property
    def description(self) -> str:
        return self.spec.description or self.spec.subtitle or formats.names(
            [c.title for c in self.chapters], self.lang)


def anchor(number: int) -> str:
    """The anchor of the essay at `number` (from 1)."""
    return f"essay-{number:03d}"


def assemble(spec: Spec, essays: tuple[Essay, ...], diagnostics: Diagnostics,
             cache: MarkupCache | None = None, layers: tuple[bytes, ...] = ()) -> Pamphlet:
    """Render each essay's body, apply the spec's additions, and put the chapters in order.
    `cache` keeps the essays' Markdown conversions between builds (markcache.py); `layers`
    are the layout's own catalogs (layouts.py: Layout.catalogs)."""
    spec = _displayed(spec, diagnostics)
    book = Pamphlet(spec, (), layers=layers)
    if book.words.missing:
        diagnostics.warning(
            "P180", f"pamphlet has no words in the language '{spec.lang}', so the words it "
            "writes (Contents, Sources, ...) are English", spec.path, spec.line_of("lang"),
            hint="give them in a [words] table, or write lang as one of: "
                 + ", ".join(languages()))
    slugs = {essay.slug: anchor(number) for number, essay in enumerate(essays, 1)}
    chapters = [_chapter(number, essay, spec, slugs, diagnostics, cache, book.words)
                for number, essay in enumerate(essays, 1)]
    intro = _intro(spec, slugs, diagnostics, cache, book.words)
    documents = [(chapter.body, chapter.essay) for chapter in chapters]
    if intro is not None:
        documents.append(intro)
    bodies = link_across(documents, diagnostics)
    chapters = [replace(chapter, body=body) for chapter, body in zip(chapters, bodies)]
    intro_body = unmarked(bodies[-1]) if intro is not None else None
    if not cites(spec, essays):
        uncited([(c.body, c.essay) for c in chapters], diagnostics)
        return replace(book, chapters=tuple(replace(c, body=unmarked(c.body)) for c in chapters),
                       intro=intro_body)
    store = cache.sibling("citations") if cache is not None else None
    people = spec.editors or spec.authors or tuple(
        dict.fromkeys(a for essay in essays for a in essay.authors))
    cited = cite(spec, [(c.body, c.essay, c.anchor) for c in chapters], diagnostics, store,
                 people)
    if store is not None:
        store.prune()
    chapters = [replace(chapter, body=body, source_entry=cited.sources.get(chapter.anchor))
                for chapter, body in zip(chapters, cited.bodies)]
    return replace(book, chapters=tuple(chapters), intro=intro_body,
                   references=cited.references, cite_as=cited.cite_as)


def _chapter(number: int, essay: Essay, spec: Spec, slugs: dict[str, str],
             diagnostics: Diagnostics, cache: MarkupCache | None = None,
             words: Words = Words()) -> Chapter:
    lang = _essay_lang(essay, spec, diagnostics)
    body = render_body(essay, spec.root, diagnostics, slugs, anchor(number), gate=spec.gate,
                       cache=cache, lang=lang)
    title = smarten(essay.title, lang)
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
        f"the spec's [essay.{essay.slug}] {key}", spec.lang)
    return Chapter(
        number, essay, body, lang, title,
        smarten(essay.subtitle, lang) if essay.subtitle else None,
        intro=field("intro", override.intro) if override.intro else None,
        questions=tuple(field("questions", q) for q in override.questions),
        excerpt=bool(override.sections), words=words)


def _essay_lang(essay: Essay, spec: Spec, diagnostics: Diagnostics) -> str:
    if not essay.lang:
        return spec.lang
    text = spec.gate.read_bytes(essay.path).decode("utf-8", errors="replace")
    lines = text.splitlines()[:essay.body_line]
    line = next((n for n, text in enumerate(lines, 1) if text.startswith("lang:")), None)
    return language(essay.lang, Origin(essay.path, line), diagnostics, spec.lang)


def _intro(spec: Spec, slugs: dict[str, str], diagnostics: Diagnostics,
           cache: MarkupCache | None = None,
           words: Words = Words()) -> tuple[Body, Essay] | None:
    """The packet's own introduction, rendered like an essay's text."""
    if not spec.intro:
        return None
    essay = Essay(slug="introduction", path=spec.path,
                  title=words.pgettext("introduction", "Introduction"), body=spec.intro,
                  body_line=spec.line_of("intro") or spec.line_of("intro_file") or 1)
    return render_body(essay, spec.root, diagnostics, slugs, "introduction",
                       "the spec's intro", gate=spec.gate, cache=cache, lang=spec.lang), essay


def _displayed(spec: Spec, diagnostics: Diagnostics) -> Spec:
    """The spec with the one-line texts a pamphlet prints (agenda, colophon, meeting) as plain
    text through the sanitiser: markup is dropped, and anything unsafe in it reported (M305);
    its language tag checked (M309)."""
    lang = language(spec.lang, Origin(spec.path, spec.line_of("lang")), diagnostics, "en")
    def plain(text: str | None, *key: str) -> str | None:
        if text is None:
            return None
        origin = Origin(spec.path, spec.line_of(*key), text)
        return plain_field(text, origin, diagnostics, "the spec's " + ".".join(key), lang)
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
    return replace(spec, colophon=colophon, event=event, lang=lang)


def join_names(names: tuple[str, ...], lang: str = "en") -> str:
    """People's names as the language `lang` joins them: 'A, B, and C', 'A, B et C'."""
    return formats.names(names, lang)


def format_date(value: dt.date | str | None, lang: str = "en") -> str | None:
    """'14 March 2026' (as `lang` writes it, by CLDR) from an ISO date, or a year and month;
    anything else as written."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        value = value.isoformat()
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ].*)?", str(value).strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or impossible_date(str(value)):
        return str(value)
    year, month, day = (int(part) if part else None for part in match.groups())
    return formats.long_date(dt.date(year, month, day), lang) if day else \
        formats.month(year, month, lang)


def event_clock(time: str | None, end: str | None, length: str | None,
                lang: str = "en") -> str | None:
    """An event's time as the language's clock writes it, with its end when one is known
    ('19:00–21:00', '7:00 – 9:00 PM'); a time pamphlet cannot read, as written."""
    if not time:
        return None
    start, until = times(time) or (None, None)
    if start is None:
        return time
    if until is None and end:
        until = clock(end)
    if until is None and length and (span := duration(length)) is not None:
        finish = dt.datetime.combine(dt.date(2000, 1, 1), start) + span
        until = finish.time() if finish.date() == dt.date(2000, 1, 1) else None
    return formats.clock(start, until, lang)


def source_line(source: Source | None, title: str, words: Words = Words()) -> str:
    """The line under an essay's title: where it first appeared; empty when that is not
    recorded (claiming a first publication nobody recorded would misattribute it)."""
    if source is None:
        return ""
    lang = words.lang
    parts = []
    # TRANSLATORS: the line under an essay's title says where it first appeared:
    # "First published as “Old Title” by Zine Press on 9 February 2026 at https://...".
    if source.title and source.title.strip() != title.strip():
        parts.append(words.pgettext("first_published_as", "as “%(title)s”",
                                    title=source.title))
    if source.publisher:
        parts.append(words.pgettext("first_published_by", "by %(publisher)s",
                                    publisher=source.publisher))
    if source.date:
        parts.append(words.pgettext("first_published_on", "on %(date)s",
                                    date=format_date(source.date, lang)))
    if source.url:
        parts.append(words.pgettext("first_published_at", "at %(url)s", url=source.url))
    # TRANSLATORS: what joins the parts of the line "First published as ... by ... on ...":
    # a space in English.
    details = words.pgettext("first_published_separator", " ").join(parts)
    if not details:
        return words.pgettext("first_published_nothing", "First published.")
    return words.pgettext("first_published", "First published %(details)s.", details=details)


def citation(essay: Essay, title: str, words: Words = Words()) -> str:
    """The full entry for the Sources section."""
    lang = words.lang
    source = essay.source or Source()
    parts = []
    if essay.authors:
        # TRANSLATORS: an entry of the Sources section: "A and B. “Title.” Where, Publisher,
        # 9 February 2026. https://... (accessed 20 November 2026). License: CC BY 4.0."
        parts.append(words.pgettext("citation_authors", "%(names)s.",
                                    names=join_names(essay.authors, lang)))
    parts.append(words.pgettext("citation_title", "“%(title)s.”", title=title))
    where = [p for p in (source.title if source.title not in (essay.title, title) else None,
                         source.publisher, format_date(source.date, lang)) if p]
    if where:
        parts.append(words.pgettext("citation_where", "%(where)s.", where=words.pgettext(
            "citation_where_separator", ", ").join(where)))
    if source.url:
        parts.append(words.pgettext("citation_accessed", "%(url)s (accessed %(date)s).",
                                    url=source.url, date=format_date(source.accessed, lang))
                     if source.accessed else
                     words.pgettext("citation_url", "%(url)s.", url=source.url))
    if essay.source is None:
        parts.append(words.pgettext("source_not_recorded", "Source not recorded."))
    if essay.license:
        parts.append(words.pgettext("license", "License: %(license)s.", license=essay.license))
    entry = parts[0]
    for part in parts[1:]:
        # TRANSLATORS: two parts of a Sources entry, one after the other: with a space
        # between them in English, none in Japanese or Chinese.
        entry = words.pgettext("citation_join", "%(before)s %(after)s", before=entry,
                               after=part)
    return entry
