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

import re
from dataclasses import dataclass, field

from ..diagnostics import Diagnostics, shorten
from ..project.essays import Essay
from ..project.schema import nearest
from ..project.spec import Spec
from ..project.styles import DEFAULT, find_style
from ..store.usercache import Store
from ..text import citeproc
from ..text.bibliography import Library, load
from ..text.citations import keys_of
from ..text.markup import Body, parse_fragment
from .citeitems import sources_job
from .citeplace import Plan, Putter, cite_as, mark_id, references, text_of, unmarked

__all__ = ["Cited", "cite", "cite_as", "cites", "references", "uncited", "unmarked"]


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
        jobs.append(sources_job(spec, documents, people))
    if not jobs or diagnostics.has_errors:
        return Cited(tuple(unmarked(body) for body, _, _ in documents))
    results = citeproc.run(jobs, style.xml, store)
    made = Putter(spec, style, diagnostics)
    bodies, references = [], None
    for (body, essay, anchor), plan in zip(documents, plans):
        html = results.get("references" if book else anchor)
        bodies.append(made.essay(body, essay, anchor, html, plan, not book))
    if book and "references" in results:
        references = made.bibliography("references", results["references"], spec.path)
    sources, cite_as = made.sources(results.get("sources"), documents)
    return Cited(tuple(bodies), references, sources, cite_as)


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
                     if mark_id(m) and text_of(m).startswith("[")]
            if marks:
                text = text_of(marks[0])
                line = essay.body_line + essay.body[:max(essay.body.find(text), 0)].count("\n")
                diagnostics.warning(
                    "R109", f"the essay cites works ({shorten(text, 60)}) but no bibliography "
                    "is given, so its citations are printed as written", essay.path, line,
                    hint="name the library in the spec: [citations] bibliography = "
                    "\"library.bib\" (a .bib, or CSL JSON as Zotero exports it)")
                break


def _plan(body: Body, essay: Essay, library: Library, diagnostics: Diagnostics) -> Plan:
    plan = Plan([], [], [])
    notes = {note.number: note for note in body.notes}
    tree = parse_fragment(body.html)
    for element in tree.iter("span"):
        if mark_id(element):
            if _known(element, essay, library, diagnostics):
                plan.marks.append((mark_id(element), text_of(element)))
                # On one line: a citation's words (which may hold &#10;) can start no block,
                # and no YAML block that would tell pandoc which files to read.
                one_line = " ".join(text_of(element).split())
                plan.skeleton.append(f"::: {{#{mark_id(element)}}}\n{one_line}\n:::\n")
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


def _note_markdown(tree, number: int, plan: Plan, essay: Essay, library: Library,
                   diagnostics: Diagnostics) -> str:
    """A note as pandoc Markdown: its words (escaped), each citation as written in a span of
    its own; citeproc punctuates and capitalises a citation by the words around it."""
    parts = [_escaped(tree.text)]
    for child in tree:
        if mark_id(child) and _known(child, essay, library, diagnostics):
            plan.marks.append((mark_id(child), text_of(child)))
            plan.in_notes.setdefault(number, []).append(mark_id(child))
            parts.append(text_of(child))  # no span around it: citeproc reads what follows
        elif mark_id(child):
            parts.append(_escaped(text_of(child)))
        else:
            parts.append(_note_markdown(child, number, plan, essay, library, diagnostics))
        parts.append(_escaped(child.tail))
    return " ".join("".join(parts).split())


def _escaped(text: str | None) -> str:
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text or "")


def _known(mark, essay: Essay, library: Library, diagnostics: Diagnostics) -> bool:
    """Whether every key of a citation is in the library; an unknown one is reported."""
    text = text_of(mark)
    missing = [key for key in keys_of(text) if key not in library]
    if not missing:
        return True
    line = essay.body_line + essay.body[:max(essay.body.find(text), 0)].count("\n")
    bare = not text.startswith("[")
    for key in missing:
        if bare and nearest(key, library.works) is None:
            diagnostics.warning("R108", f"'@{shorten(key, 60)}' is no key of the "
                                "bibliography, so it is printed as written", essay.path, line,
                                hint="if it names a work, give the key the bibliography has "
                                "for it; a handle or a name may stay as it is")
        else:
            _unknown(key, essay, line, library, diagnostics)
    return False


def _unknown(key: str, essay: Essay, line: int | None, library: Library,
             diagnostics: Diagnostics) -> None:
    near = nearest(key, library.works)
    diagnostics.error("R105", f"no work with the key '{shorten(key, 80)}' in the bibliography",
                      essay.path, line, hint=f"did you mean '{near}'?" if near else
                      "add the work to the bibliography, or correct the key")


def _job(name: str, plans: list[Plan], library: Library, lang: str) -> citeproc.Job:
    keys = {key for plan in plans for _, text in plan.marks for key in keys_of(text)}
    nocite = tuple(dict.fromkeys(key for plan in plans for key in plan.nocite))
    body = "\n".join(part for plan in plans for part in plan.skeleton)
    return citeproc.Job(name, body, library.items(keys | set(nocite)), nocite,
                        {"lang": lang})
