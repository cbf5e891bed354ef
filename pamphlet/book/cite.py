"""A book's citations, formatted as pandoc's citeproc formats them, put in place.

The essays' citations (text/citations.py marks them) are checked against the works their
bibliographies hold (the spec's `[citations] bibliography` and an essay's own), then each
essay (or, with `placement = "book"`, the whole book) becomes one citeproc job holding its
citations in order, inside the essay's notes where they stand in one. One pandoc process
formats every job (text/citeproc.py). The results replace the marks: each citation a
`<span class="citation">` whose links lead to the entry they cite; in a note style, a
citation in the text becomes a footnote, numbered with the essay's own; each bibliography a
section of `csl-entry` divisions, after its essay or at the end of the book. With a style,
the Sources section and the line under each title are the essays' own entries in it.

Diagnostic codes: R105 a citation names no work of the bibliography (an error; a bare
`@name` in the text that is near no key is a warning, R108, and stays as written),
R109 an essay cites works but no bibliography is given (warning).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from ..diagnostics import Diagnostics, shorten
from ..project.essays import Essay, Source
from ..project.schema import nearest
from ..project.spec import Spec
from ..project.styles import DEFAULT, Style, find_style
from ..store.usercache import Store
from ..text import citeproc
from ..text.bibliography import Library, load
from ..text.citations import CLASS, keys_of
from ..text.markup import Body, Note, parse_fragment, unwrap
from ..text.sanitiser import inner_xml
from ..text.sanitiser import Origin, clean_tree, ncname

REFERENCES = "References"  # the bibliography's heading; words for readers: wrap for gettext
CITE_AS = "Cite as"
_PLACEHOLDER_NOTE = 100_000  # numbers of notes made for citations, until they are renumbered


@dataclass(frozen=True)
class Cited:
    """What the citation step adds to a book."""

    bodies: tuple[Body, ...]  # each essay's, citations in place (and its bibliography)
    references: Body | None = None  # the book's bibliography, with placement = "book"
    sources: dict[str, str] = field(default_factory=dict)  # anchor -> styled Sources entry
    cite_as: str | None = None  # how to cite the pamphlet itself, styled


def cites(spec: Spec, essays: list[Essay]) -> bool:
    """Whether the book formats citations at all: a bibliography or a style is given."""
    return bool(spec.citations.bibliography or spec.citations.style
                or any(essay.bibliography for essay in essays))


def cite(spec: Spec, documents: list[tuple[Body, Essay, str]], diagnostics: Diagnostics,
         store: Store | None = None, people: tuple[str, ...] = ()) -> Cited:
    """Format the citations of `documents` (body, essay, anchor) and the book's Sources."""
    settings = spec.citations
    essays = [essay for _, essay, _ in documents]
    style = settings.style or find_style(DEFAULT, spec.gate, (spec.path, None), diagnostics)
    if style is None:
        return Cited(tuple(body for body, _, _ in documents))
    libraries = _libraries(spec, essays, diagnostics, store)
    jobs, plans = [], []
    book = settings.placement == "book"
    for index, (body, essay, anchor) in enumerate(documents):
        library = libraries[essay.slug]
        plan = _plan(body, essay, library, diagnostics)
        plans.append(plan)
        if not book and (plan.marks or plan.nocite):
            jobs.append(_job(anchor, [plan], library, spec.lang))
    if book and any(plan.marks or plan.nocite for plan in plans):
        everything = Library({k: w for lib in libraries.values() for k, w in lib.works.items()})
        jobs.append(_job("references", plans, everything, spec.lang))
    if style and spec.citations.style:  # Sources and the colophon in the style too
        jobs.append(_sources_job(spec, documents, people))
    if not jobs or diagnostics.has_errors:
        return Cited(tuple(unmarked(body) for body, _, _ in documents))
    results = citeproc.run(jobs, style.xml, store)
    made = _Putter(spec, style, diagnostics)
    bodies, references = [], None
    for (body, essay, anchor), plan in zip(documents, plans):
        html = results.get("references" if book else anchor)
        bodies.append(made.essay(body, essay, anchor, html, plan, not book))
    if book and "references" in results:
        references = made.bibliography("references", results["references"], spec.path)
    sources, cite_as = made.sources(results.get("sources"), documents)
    return Cited(tuple(bodies), references, sources, cite_as)


@dataclass
class _Plan:
    """One essay's citations in document order: marks in the text and notes as they come."""

    marks: list[tuple[str, str]]  # (id, text as written) of each citation
    skeleton: list[str]  # pandoc Markdown: a div per citation in the text, a note per note
    nocite: list[str]
    in_notes: dict[int, list[str]] = field(default_factory=dict)  # note -> its marks' ids


def _libraries(spec: Spec, essays: list[Essay], diagnostics: Diagnostics,
               store: Store | None) -> dict[str, Library]:
    """Each essay's library: the spec's bibliographies and the essay's own."""
    settings = spec.citations
    where = (spec.path, spec.line_of("citations", "bibliography"))
    shared = [(spec.root / name, where) for name in settings.bibliography]
    base = load(shared, spec.gate, spec.lang, diagnostics, store)
    found = {}
    for essay in essays:
        if not essay.bibliography:
            found[essay.slug] = base
            continue
        own = [(essay.path.parent / name, (essay.path, essay.bibliography_line))
               for name in essay.bibliography]
        extra = load(own, spec.gate, spec.lang, diagnostics, store)
        found[essay.slug] = Library({**base.works, **{
            key: work for key, work in extra.works.items() if key not in base.works}})
    return found


def uncited(documents: list[tuple[Body, Essay]], diagnostics: Diagnostics) -> None:
    """Warn of each essay that cites in brackets (`[@key]`) in a book with no bibliography:
    its citations are printed as written (R109)."""
    for body, essay in documents:
        for fragment in (body.html, *(note.html for note in body.notes)):
            marks = [m for m in parse_fragment(fragment).iter("span")
                     if _mark_id(m) and _text(m).startswith("[")]
            if marks:
                text = _text(marks[0])
                line = essay.body_line + essay.body[:max(essay.body.find(text), 0)].count("\n")
                diagnostics.warning(
                    "R109", f"the essay cites works ({shorten(text, 60)}) but no bibliography "
                    "is given, so its citations are printed as written", essay.path, line,
                    hint="name the library in the spec: [citations] bibliography = "
                    "\"library.bib\" (a .bib, or CSL JSON as Zotero exports it)")
                break


def _plan(body: Body, essay: Essay, library: Library, diagnostics: Diagnostics) -> _Plan:
    plan = _Plan([], [], [])
    notes = {note.number: note for note in body.notes}
    tree = parse_fragment(body.html)
    for element in tree.iter("span"):
        if _mark_id(element):
            if _known(element, essay, library, diagnostics):
                plan.marks.append((_mark_id(element), _text(element)))
                plan.skeleton.append(f"::: {{#{_mark_id(element)}}}\n{_text(element)}\n:::\n")
        elif element.get("data-note") is not None:
            number = int(element.get("data-note"))
            note = notes.pop(number, None)
            if note is not None:  # a note's first call: the note, its citations in place
                text = _note_markdown(parse_fragment(note.html), number, plan, essay,
                                      library, diagnostics)
                plan.skeleton.append(f"::: {{#note-{number}}}\n^[{text or '.'}]\n:::\n")
    for key in essay.nocite:
        if key == "*":
            plan.nocite.extend(library.works)
        elif key in library:
            plan.nocite.append(key)
        else:
            _unknown(key, essay, essay.nocite_line, library, diagnostics)
    return plan


def _note_markdown(tree, number: int, plan: _Plan, essay: Essay, library: Library,
                   diagnostics: Diagnostics) -> str:
    """A note as pandoc Markdown: its words (escaped), each citation as written in a span of
    its own; citeproc punctuates and capitalises a citation by the words around it."""
    parts = [_escaped(tree.text)]
    for child in tree:
        if _mark_id(child) and _known(child, essay, library, diagnostics):
            plan.marks.append((_mark_id(child), _text(child)))
            plan.in_notes.setdefault(number, []).append(_mark_id(child))
            parts.append(_text(child))  # no span around it: citeproc reads what follows
        elif _mark_id(child):
            parts.append(_escaped(_text(child)))
        else:
            parts.append(_note_markdown(child, number, plan, essay, library, diagnostics))
        parts.append(_escaped(child.tail))
    return " ".join("".join(parts).split())


def _escaped(text: str | None) -> str:
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text or "")


def _mark_id(element) -> str | None:
    """The id a citation mark has in its job (`c` and its number), else None."""
    number = element.get("data-cite") if element.get("class") == CLASS else None
    return None if number is None else f"c{number}"


def _text(element) -> str:
    return "".join(element.itertext())


def _known(mark, essay: Essay, library: Library, diagnostics: Diagnostics) -> bool:
    """Whether every key of a citation is in the library; an unknown one is reported."""
    text = _text(mark)
    missing = [key for key in keys_of(text) if key not in library]
    if not missing:
        return True
    line = essay.body_line + essay.body[:max(essay.body.find(text), 0)].count("\n")
    bare = not text.startswith("[")
    for key in missing:
        if bare and nearest(key, library.works) is None:
            diagnostics.warning("R108", f"'@{shorten(key, 60)}' is no key of the "
                                "bibliography, so it is printed as written", essay.path, line,
                                hint="to cite a work, give its key as the bibliography has it; "
                                "to print an @ before a word, write \\@")
        else:
            _unknown(key, essay, line, library, diagnostics)
    return False


def _unknown(key: str, essay: Essay, line: int | None, library: Library,
             diagnostics: Diagnostics) -> None:
    near = nearest(key, library.works)
    diagnostics.error("R105", f"no work with the key '{shorten(key, 80)}' in the bibliography",
                      essay.path, line, hint=f"did you mean '{near}'?" if near else
                      "add the work to the bibliography, or correct the key")


def _job(name: str, plans: list[_Plan], library: Library, lang: str) -> citeproc.Job:
    keys = {key for plan in plans for _, text in plan.marks for key in keys_of(text)}
    nocite = tuple(dict.fromkeys(key for plan in plans for key in plan.nocite))
    body = "\n".join(part for plan in plans for part in plan.skeleton)
    return citeproc.Job(name, body, library.items(keys | set(nocite)), nocite,
                        {"lang": lang})


def _sources_job(spec: Spec, documents, people: tuple[str, ...]) -> citeproc.Job:
    """The essays as the works their Sources entries describe, and the pamphlet itself."""
    items = [essay_item(essay, anchor) for _, essay, anchor in documents]
    items.append(pamphlet_item(spec, people))
    return citeproc.Job("sources", "", tuple(items), tuple(item["id"] for item in items),
                        {"lang": spec.lang})


def essay_item(essay: Essay, anchor: str) -> dict:
    """An essay as a CSL item: its authors, title, where and when it first appeared."""
    source = essay.source or Source()
    item = {"id": anchor, "type": "webpage" if source.url else "article",
            "title": _plain(source.title or essay.title), "author": [_name(n) for n in essay.authors]}
    if source.publisher:  # as written: no style title-cases a name
        item["container-title"] = f'<span class="nocase">{_plain(source.publisher)}</span>'
    if source.url:
        item["URL"] = source.url
    for key, value in (("issued", source.date or essay.date), ("accessed", source.accessed)):
        if value:
            item[key] = _date(value)
    return item


def pamphlet_item(spec: Spec, people: tuple[str, ...]) -> dict:
    """The pamphlet as a CSL item, for "cite as" in the colophon."""
    title = spec.title + (f": {spec.subtitle}" if spec.subtitle else "")
    item = {"id": "pamphlet", "type": "book", "title": _plain(title)}
    if spec.editors:
        item["editor"] = [_name(n) for n in spec.editors]
    elif spec.authors or people:
        item["author"] = [_name(n) for n in (spec.authors or people)]
    if spec.colophon.publisher:
        item["publisher"] = _plain(spec.colophon.publisher)
    if spec.date:
        item["issued"] = _date(spec.date)
    if spec.url:
        item["URL"] = spec.url
    return item


_PARTICLES = {"van", "von", "de", "der", "den", "da", "del", "della", "di", "du", "la", "le",
              "ter", "ten", "af", "zu", "dos", "das", "y", "bin", "ibn", "al"}


def _name(name: str) -> dict:
    """A name as CSL wants it: "Quill, Ada" or "Ada Quill" as family and given; a name of
    one word (a collective) is literal."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = name.partition(",")
        return {"family": family.strip(), "given": given.strip()}
    words = name.split(" ")
    if len(words) == 1 or words[0].lower() == "the" or any(
            word[:1].islower() and word.lower() not in _PARTICLES for word in words):
        return {"literal": name}  # a collective: "The pamphlet collective", "UNESCO"
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return {"family": " ".join(words[cut:]), "given": " ".join(words[:cut])}


def _date(value) -> dict:
    if isinstance(value, dt.date):
        value = value.isoformat()
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?:[T ].*)?", str(value).strip())
    if match:
        return {"date-parts": [[int(part) for part in match.groups() if part]]}
    return {"literal": str(value)}


def _plain(text: str) -> str:
    """Text for a CSL field, where <, > and & would be read as CSL's own markup."""
    return text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")


def unmarked(body: Body) -> Body:
    """A body whose citation marks are plain text again (no bibliography formats them)."""
    def plain(fragment: str) -> str:
        if CLASS not in fragment:
            return fragment
        tree = parse_fragment(fragment)
        for mark in tree.xpath(f".//span[@class='{CLASS}']"):
            unwrap(mark)  # printed as written
        return inner_xml(tree)
    return replace(body, html=plain(body.html),
                   notes=tuple(replace(note, html=plain(note.html)) for note in body.notes))


class _Putter:
    """Puts pandoc's HTML for each job in place of the marks (see the module's note)."""

    def __init__(self, spec: Spec, style: Style, diagnostics: Diagnostics):
        self.spec, self.style, self.diagnostics = spec, style, diagnostics
        self.title = spec.citations.title or REFERENCES

    def essay(self, body: Body, essay: Essay, anchor: str, html: str | None, plan: _Plan,
              own_bibliography: bool) -> Body:
        if html is None:
            return unmarked(body)
        result = self._parse(html, essay.path)
        _name_note_citations(result, plan)
        prefix = anchor if own_bibliography else "references"
        ids = self._entry_ids(result, prefix)
        ids_in = {element.get("id"): element for element in result.iter() if element.get("id")}
        formatted = {mark_id: self._citation(result, ids_in, mark_id, ids)
                     for mark_id, _ in plan.marks}
        notes: list[Note] = []
        new_html = self._replace(body.html, formatted, notes)
        old_notes = [replace(note, html=self._replace(note.html, formatted, None))
                     for note in body.notes]
        body = _renumbered(replace(body, html=new_html, notes=tuple(old_notes) + tuple(notes)))
        if own_bibliography:
            section = self._section(result, ids)
            if section is not None:
                body = replace(body, html=body.html + section)
        return unmarked(body)

    def bibliography(self, name: str, html: str, path: Path) -> Body | None:
        result = self._parse(html, path)
        section = self._section(result, self._entry_ids(result, name), heading=False)
        return None if section is None else Body(name, section, (), (), ())

    def sources(self, html: str | None, documents) -> tuple[dict[str, str], str | None]:
        if html is None:
            return {}, None
        result = self._parse(html, self.spec.path)
        entries = {}
        for entry in result.xpath(".//div[contains(@class, 'csl-entry')]"):
            key = (entry.get("id") or "").removeprefix("ref-")
            entry.attrib.pop("id", None)
            entries[key] = _inner(entry).strip()
        return ({anchor: entries[anchor] for _, _, anchor in documents if anchor in entries},
                entries.get("pamphlet"))

    def _parse(self, html: str, path: Path):
        """pandoc's HTML through the one sanitiser (what a bibliography's fields hold is data)."""
        return clean_tree(html, Origin(path), self.diagnostics, "a bibliography")

    def _entry_ids(self, result, prefix: str) -> dict[str, str]:
        """Each entry's id (`ref-KEY`, as pandoc writes it) -> an XML name unique in the book."""
        ids: dict[str, str] = {}
        for entry in result.xpath(".//div[contains(@class, 'csl-entry')][@id]"):
            written = entry.get("id")
            base = f"{prefix}-ref-{ncname(written.removeprefix('ref-'), 'work')}"
            candidate, n = base, 1
            while candidate in ids.values():
                n += 1
                candidate = f"{base}-{n}"
            ids[written] = candidate
        return ids

    def _citation(self, result, ids_in: dict, mark_id: str,
                  ids: dict[str, str]) -> tuple[str, list[str]]:
        """A citation's XHTML and the notes it makes (a note style's citation in the text)."""
        holder = ids_in.get(mark_id)
        if holder is None:
            return "", []
        if holder.tag == "div":  # a citation in the text: the paragraph pandoc made of it
            holder = holder.find("p") if holder.find("p") is not None else holder
        made_notes = []
        for call in holder.xpath(".//a[contains(@class, 'footnote-ref')]"):
            found = ids_in.get((call.get("href") or "").lstrip("#"))
            item = [found] if found is not None and found.tag == "li" else []
            note = etree.Element("span", {"class": "noteref", "data-note":
                                          str(_PLACEHOLDER_NOTE + len(made_notes))})
            note.tail = call.tail
            call.getparent().replace(call, note)
            made_notes.append(self._note_text(item[0], ids) if item else "")
        self._links(holder, ids)
        for span in holder.iter("span"):
            if span.get("class") == "citation":
                span.attrib.pop("id", None)
        return _inner(holder).strip(), made_notes

    def _note_text(self, item, ids: dict[str, str]) -> str:
        for back in item.xpath(".//a[contains(@class, 'footnote-back')]"):
            back.getparent().remove(back)
        self._links(item, ids)
        paragraphs = [p for p in item if p.tag == "p"]
        return "".join(etree.tostring(p, encoding="unicode", method="xml") for p in paragraphs)

    def _links(self, element, ids: dict[str, str]) -> None:
        for anchor in element.iter("a"):
            href = (anchor.get("href") or "").lstrip("#")
            if anchor.get("href", "").startswith("#") and href in ids:
                anchor.set("href", f"#{ids[href]}")
                anchor.set("role", "doc-biblioref")

    def _replace(self, fragment: str, formatted: dict, notes: list[Note] | None) -> str:
        if CLASS not in fragment:
            return fragment
        tree = parse_fragment(fragment)
        for mark in list(tree.iter("span")):
            if _mark_id(mark) not in formatted:
                continue
            xml, made = formatted[_mark_id(mark)]
            replacement = parse_fragment(xml)
            replacement = replacement[0] if len(replacement) == 1 and not (
                replacement.text or "").strip() else parse_fragment(
                    f'<span class="citation">{xml}</span>')[0]
            for call in replacement.iter("span"):
                number = call.get("data-note")
                if number is not None and notes is not None:
                    index = int(number) - _PLACEHOLDER_NOTE
                    new = _PLACEHOLDER_NOTE + len(notes)
                    call.set("data-note", str(new))
                    notes.append(Note(new, made[index]))
            replacement.tail = mark.tail
            if notes is not None and self.style.note and _opens_with_call(replacement):
                _after_punctuation(mark, replacement)
            mark.getparent().replace(mark, replacement)
        return inner_xml(tree)

    def _section(self, result, ids: dict[str, str], heading: bool = True) -> str | None:
        entries = result.xpath(".//div[contains(@class, 'csl-entry')]")
        if not entries:
            return None
        section = etree.Element("section", {"class": "references", "role": "doc-bibliography"})
        if heading:  # the book's own bibliography is headed by the layout
            etree.SubElement(section, "h2", {"class": "references-heading"}).text = self.title
        holder = etree.SubElement(section, "div", {"class": "csl-bib-body", "role": "list"})
        for entry in entries:
            entry.set("id", ids.get(entry.get("id"), ""))
            entry.set("role", "listitem")
            entry.tail = None
            holder.append(entry)
        return etree.tostring(section, encoding="unicode", method="xml")


def _name_note_citations(result, plan: _Plan) -> None:
    """Give each citation pandoc wrote in a note the id of its mark: they come in order."""
    for number, marks in plan.in_notes.items():
        calls = result.xpath(f".//div[@id='note-{number}']//a[contains(@class, 'footnote-ref')]")
        target = (calls[0].get("href") or "").lstrip("#") if calls else None
        item = result.xpath(f".//li[@id='{target}']") if target else []
        spans = item[0].xpath(".//span[@class='citation']") if item else []
        for span, mark in zip(spans, marks):
            span.set("id", mark)


def _opens_with_call(element) -> bool:
    """Whether a citation is only its note (a note style's citation in brackets)."""
    return not (element.text or "").strip() and len(element) > 0 and \
        element[0].get("data-note") is not None and not (element[0].tail or "").strip()


def _after_punctuation(mark, replacement) -> None:
    """As pandoc sets a note style's citation: no space before its note's call, which
    stands after the punctuation that follows it ("hold [@a]." prints "hold.¹")."""
    previous = mark.getprevious()
    before = previous.tail if previous is not None else mark.getparent().text
    before = (before or "").rstrip()
    moved = re.match(r"[.,;:!?]+", replacement.tail or "")
    if moved:
        before += moved.group()
        replacement.tail = replacement.tail[moved.end():]
    if previous is not None:
        previous.tail = before
    else:
        mark.getparent().text = before


def _inner(element) -> str:
    text = (element.text or "").replace("&", "&amp;").replace("<", "&lt;")
    return text + "".join(etree.tostring(child, encoding="unicode", method="xml")
                          for child in element)


def _renumbered(body: Body) -> Body:
    """The body's notes numbered in the order their calls come (the essay's own notes and
    those its citations made, as pandoc numbers a document's notes)."""
    tree = parse_fragment(body.html)
    order: dict[int, int] = {}
    for call in tree.iter("span"):
        number = call.get("data-note")
        if number is not None and int(number) not in order:
            order[int(number)] = len(order) + 1
    for note in body.notes:  # a note never called keeps a place after the others
        order.setdefault(note.number, len(order) + 1)
    for call in tree.iter("span"):
        if call.get("data-note") is not None:
            call.set("data-note", str(order[int(call.get("data-note"))]))
    notes = sorted((Note(order[note.number], note.html) for note in body.notes),
                   key=lambda note: note.number)
    return replace(body, html=inner_xml(tree), notes=tuple(notes))
