"""pandoc's HTML for a book's citations put in place of the marks (book/cite.py makes the
jobs): each citation a `<span class="citation">` whose links lead to its entry, a note
style's citation in the text a footnote numbered with the essay's own (after the
punctuation that follows it, as pandoc sets it), and each bibliography a section of
`csl-entry` divisions with ids unique in the book. pandoc's HTML passes the one sanitiser:
what a bibliography holds is data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from ..diagnostics import Diagnostics
from ..project.essays import Essay
from ..project.spec import Spec
from ..project.styles import Style
from ..text.citations import CLASS
from ..text.markup import Body, Note, parse_fragment, unwrap
from ..locale.words import Words
from ..text.sanitiser import Origin, clean_tree, inner_xml, ncname


def references(words: Words) -> str:
    """The heading of the works cited, in the book's language."""
    return words.pgettext("references", "References")


def cite_as(words: Words) -> str:
    """The colophon's label for how to cite the pamphlet: "Cite as: ..."."""
    return words.pgettext("cite_as", "Cite as")

_PLACEHOLDER_NOTE = 100_000  # numbers of notes made for citations, until they are renumbered


@dataclass
class Plan:
    """One essay's citations in document order: marks in the text and notes as they come."""

    marks: list[tuple[str, str]]  # (id, text as written) of each citation
    skeleton: list[str]  # pandoc Markdown: a div per citation in the text, a note per note
    nocite: list[str]
    in_notes: dict[int, list[str]] = field(default_factory=dict)  # note -> its marks' ids


def mark_id(element) -> str | None:
    """The id a citation mark has in its job (`c` and its number), else None."""
    number = element.get("data-cite") if element.get("class") == CLASS else None
    return None if number is None else f"c{number}"


def text_of(element) -> str:
    return "".join(element.itertext())


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


class Putter:
    """Puts pandoc's HTML for each job in place of the marks (see the module's note)."""

    def __init__(self, spec: Spec, style: Style, diagnostics: Diagnostics):
        self.spec, self.style, self.diagnostics = spec, style, diagnostics
        self.title = spec.citations.title or references(Words.for_language(spec.lang,
                                                                           spec.words))

    def essay(self, body: Body, essay: Essay, anchor: str, html: str | None, plan: Plan,
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
            made_notes.append(self._notetext_of(item[0], ids) if item else "")
        self._links(holder, ids)
        for span in holder.iter("span"):
            if span.get("class") == "citation":
                span.attrib.pop("id", None)
        return _inner(holder).strip(), made_notes

    def _notetext_of(self, item, ids: dict[str, str]) -> str:
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
            if mark_id(mark) not in formatted:
                continue
            xml, made = formatted[mark_id(mark)]
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


def _name_note_citations(result, plan: Plan) -> None:
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
