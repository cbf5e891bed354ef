"""Excerpts: keep only the sections of an essay whose headings a spec names."""

from __future__ import annotations

from dataclasses import replace

from .markup import Body, Note, inner_xml, note_call, parse_fragment

_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def keep_sections(body: Body, headings: tuple[str, ...]) -> tuple[Body, list[str]]:
    """The body cut to the named sections (each with its subsections), and the names not found.

    Text before the first heading is left out; footnotes that no longer have a call are dropped
    and the rest renumbered, so an excerpt reads like a whole.
    """
    wanted = {_key(heading): heading for heading in headings}
    tree = parse_fragment(body.html)
    found: set[str] = set()
    keeping, level = False, 0
    for element in list(tree):
        if element.tag in _HEADINGS:
            depth = int(element.tag[1])
            if not (keeping and depth > level):
                key = _key("".join(element.itertext()))
                keeping, level = key in wanted, depth
                if keeping:
                    found.add(key)
        if not keeping:
            tree.remove(element)
    notes = _renumber(tree, body.notes)
    links = tuple(link for link in body.links
                  if any(a.get("href") == link.url for a in tree.iter("a")))
    sources = {image.get("src") for image in tree.iter("img")}
    images = tuple(path for path in body.images if any(str(path).endswith(src) for src in sources))
    missing = [heading for key, heading in wanted.items() if key not in found]
    return replace(body, html=inner_xml(tree), notes=notes, links=links, images=images), missing


def _renumber(tree, notes: tuple[Note, ...]) -> tuple[Note, ...]:
    by_number = {note.number: note for note in notes}
    numbers: dict[int, int] = {}
    for marker in tree.iter("span"):
        if (old := note_call(marker)) is not None:
            numbers.setdefault(old, len(numbers) + 1)
            marker.set("data-note", str(numbers[old]))
    return tuple(Note(new, by_number[old].html) for old, new in numbers.items())


def _key(heading: str) -> str:
    return " ".join(heading.replace("’", "'").replace("“", '"').replace("”", '"').split()).casefold()
