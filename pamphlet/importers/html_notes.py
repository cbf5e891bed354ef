"""Notes on a web page, taken out of its text so that they become Markdown footnotes.

Two shapes cover the generators in use:
- endnotes: a short link (`1`, `[2]`, `*`), often in a `<sup>`, to an `<li>` of a list at the
  end: Pandoc and Hakyll (`a.footnote-ref`, `a.footnoteRef`, `section.footnotes`), Kramdown
  and Python-Markdown (`sup > a.footnote`), WordPress's Footnotes block (`sup.fn > a`,
  `ol.wp-block-footnotes`) and footnote plugins;
- sidenotes: Tufte CSS's `label.margin-toggle` + `input` + `span.sidenote` (numbered) or
  `span.marginnote` (unnumbered), whose text sits in the middle of the sentence.
Each reference becomes a token (`NOTE_TOKEN`) where the number was; each note's element is
kept apart and leaves the page, so its text is neither lost nor repeated in the body. Every
element leaves through `drop`, which keeps the text that follows it (lxml's `.tail`).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from lxml import html as lxml_html

NOTE_TOKEN = re.compile("\ue030(\\d+)\ue031")
_SIDENOTE = ("sidenote", "marginnote", "margin-note", "side-note")
_BACK_TEXT = {"↩", "↩︎", "^", "↑", "⤴", "⤴︎", "back", "return"}
_BACK_CLASSES = ("footnote-back", "reversefootnote", "footnote-backref", "footnote-return",
                 "footnote-number", "easy-footnote-to-top")
_NOTE_CLASS = re.compile(r"(?:[a-z]+-)?(?:foot|end)note(?:-(?:item|single|entry))?")
_WORD_NOTE = re.compile(r"_?(?:ftn|edn)\d+")  # Word's HTML: div#ftn1 holds note 1
_NOTES_HEADINGS = {"notes", "footnotes", "endnotes", "anmerkungen", "notas", "fußnoten"}


def note_token(number: int) -> str:
    return f"\ue030{number}\ue031"


def drop(element, replacement: str = "") -> None:
    """Take `element` out of its parent, leaving `replacement` and the text after it."""
    parent = element.getparent()
    if parent is None:
        return
    text = replacement + (element.tail or "")
    before = element.getprevious()
    if before is not None:
        before.tail = (before.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(element)


def take_notes(page) -> list:
    """The notes of `page` as detached elements, in the order of their first reference;
    each reference in `page` is replaced by `note_token(index)`."""
    notes: list = []
    _sidenotes(page, notes)
    _endnotes(page, notes)
    return notes


def _classes(element) -> list[str]:
    return (element.get("class") or "").lower().split()


def _sidenotes(page, notes: list) -> None:
    found = [e for e in page.iter("span", "aside", "small", "div")
             if set(_classes(e)) & set(_SIDENOTE)]
    labels = {label.get("for"): label for label in page.iter("label") if label.get("for")}
    for note in found:
        toggle = note.getprevious()
        toggle = toggle if toggle is not None and toggle.tag == "input" else None
        label = labels.get(toggle.get("id")) if toggle is not None else None
        figure = next((a for a in note.iterancestors("figure")), None)
        if figure is not None and figure.find(".//figcaption") is None and \
                "marginnote" in _classes(note):
            _as_caption(note, figure)  # Tufte CSS: a figure's label is a margin note
        else:
            notes.append(_detached(note))
            place = label if label is not None else note
            if place is note:
                drop(note, note_token(len(notes) - 1))
            else:
                drop(note)
                drop(place, note_token(len(notes) - 1))
        for element in (toggle, label):
            if element is not None and element.getparent() is not None:
                drop(element)


def _as_caption(note, figure) -> None:
    caption = lxml_html.Element("figcaption")
    caption.text = note.text
    caption.extend(list(note))
    drop(note)
    figure.append(caption)


def _detached(element):
    """A copy of `element`'s content in a neutral `div`, for conversion on its own."""
    from copy import deepcopy

    holder = lxml_html.Element("div")
    copy = deepcopy(element)
    holder.text = copy.text
    holder.extend(list(copy))
    return holder


def _endnotes(page, notes: list) -> None:
    # Old pages (and Word's HTML, pasted into Blogger) name their notes' anchors `<a name>`.
    ids = {a.get("name"): a for a in page.iter("a") if a.get("name")}
    ids.update({e.get("id"): e for e in page.iter() if isinstance(e.tag, str) and e.get("id")})
    numbers: dict = {}
    references: dict = {}
    for link in list(page.iter("a")):
        item = _note_item(link, ids)
        if item is None or link.getparent() is None:
            continue
        if item not in numbers:
            numbers[item] = len(notes)
            notes.append(None)
        reference = _reference(link)
        references.setdefault(item, set()).update(
            e.get("id") or e.get("name") for e in reference.iter()
            if e.get("id") or e.get("name"))
        drop(reference, note_token(numbers[item]))
    for item, number in numbers.items():
        _drop_back_links(item, references[item])
        notes[number] = _detached(item)
        _remove_item(item)


def _note_item(link, ids: dict):
    """The note `link` refers to (a list item, or a block marked as a note, such as
    Substack's `div.footnote`), or None when it is an ordinary link."""
    href = (link.get("href") or "").strip()
    marked = link.getparent().tag == "sup" or link.find("sup") is not None or \
        "noteref" in (link.get("role") or "") or \
        any("footnote" in c or "fnref" in c for c in _classes(link))
    if "#" not in href or not (href.startswith("#") or marked):
        return None  # an address with a fragment is a note only when marked as one
    target = ids.get(unquote(href.split("#", 1)[1]))
    item = next((e for e in ([target] + list(target.iterancestors())[:3]
                             if target is not None else []) if _is_note(e)), None)
    if item is None or any(a is item for a in link.iterancestors()):
        return None  # not a note, or a link inside the note itself (a back-link)
    text = " ".join(link.text_content().split())
    return item if text and (len(text) <= 6 or marked) and len(text) <= 12 else None


def _is_note(element) -> bool:
    """An item of a list, or a block whose class or role says it is one note."""
    if element.tag == "li":
        return element.getparent() is not None and element.getparent().tag in ("ol", "ul")
    return element.tag in ("div", "aside", "section", "p") and (
        (element.get("role") or "") in ("doc-endnote", "doc-footnote") or
        any(_NOTE_CLASS.fullmatch(c) for c in _classes(element)) or
        bool(_WORD_NOTE.fullmatch(element.get("id") or "")))


def _reference(link):
    """What stands for the note in the text: the link, or the `<sup>` that holds only it."""
    parent = link.getparent()
    if parent.tag == "sup" and " ".join(parent.text_content().split()) == \
            " ".join(link.text_content().split()):
        return parent
    return link


def _drop_back_links(item, reference_ids: set) -> None:
    for holder in list(item.iter("span")):
        if "mw-cite-backlink" in _classes(holder):  # Wikipedia's "^ a b" before the note
            drop(holder)
    for link in list(item.iter("a")):
        href = unquote((link.get("href") or "").strip())
        text = " ".join(link.text_content().split()).lower()
        if href.partition("#")[2] in reference_ids or text in _BACK_TEXT or \
                "backlink" in (link.get("role") or "") or \
                any(c in _BACK_CLASSES for c in _classes(link)):
            drop(link)


def _remove_item(item) -> None:
    """Take the note's item out of its list; an emptied list leaves with its container (a
    footnotes section and its rule), and with the rule and "Notes" heading just before it."""
    listing = item.getparent()
    drop(item)
    if item.tag != "li":  # a note of its own (Substack's div.footnote, Word's div#ftn1)
        if listing.tag == "div" and not " ".join(listing.text_content().split()) and \
                listing.find(".//img") is None and listing.getparent() is not None:
            drop(listing)  # Word's list of notes, with its rule, once emptied
        return
    if listing.find("li") is not None:
        return
    gone = listing
    while gone.getparent() is not None and gone.getparent().tag in ("section", "div", "aside",
                                                                      "footer") and \
            not " ".join(gone.getparent().text_content().split()) and \
            gone.getparent().find(".//img") is None:
        gone = gone.getparent()
    before = gone.getprevious()
    while before is not None and (before.tag == "hr" or (
            before.find(".//img") is None and
            " ".join(before.text_content().split()).rstrip(":").lower() in _NOTES_HEADINGS)):
        drop(before)  # the rule and the "Notes" heading that open the list
        before = gone.getprevious()
    drop(gone)
