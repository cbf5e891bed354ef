"""Blocks other Markdown tools write, as our pages show them: callouts (Obsidian's and
GitHub's `> [!note] Title`) become styled asides, and Pandoc's table captions (`: Caption`
or `Table: Caption` beside a table) become the table's caption.

A callout is a `div class="callout callout-<type>"` (not an `aside`, which readers and
screen readers take for a landmark or a note to pop up) whose first paragraph,
`class="callout-title"`, holds its title: the one written after the marker, else its type
as Obsidian shows it ("Note", "Tip"). A foldable callout (`[!faq]-`) is printed open: paper
cannot fold. Callouts nest as the quotes that carry them do.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown.blockprocessors import BlockQuoteProcessor
from markdown.treeprocessors import Treeprocessor

# The marker: a type of letters, digits and dashes (Obsidian's own types and any custom one),
# then + or - for a foldable callout. Bounded, so that no line makes it backtrack.
_MARKER = re.compile(r"\[!([A-Za-z][\w-]{0,40})\]([+-]?)[ \t]*")
_CAPTION = re.compile(r"(?:Table)?:[ \t]+")


class CalloutsAndCaptions(markdown.Extension):
    """Callouts and Pandoc table captions, after the inline patterns have run."""

    def extendMarkdown(self, md):
        md.parser.blockprocessors.register(_Quotes(md.parser), "quote", 20)
        md.treeprocessors.register(_Callouts(md), "callouts", 15)
        md.treeprocessors.register(_TableCaptions(md), "table_captions", 14)


class _Quotes(BlockQuoteProcessor):
    """Python-Markdown joins quotes that a blank line parts into one; a callout, as in
    Obsidian, ends at a blank line, and a callout after a quote starts anew."""

    _OPENS = re.compile(r"[ ]{0,3}>[ ]?" + _MARKER.pattern)

    def run(self, parent, blocks) -> None:
        self.fresh = bool(self._OPENS.match(blocks[0]))
        super().run(parent, blocks)

    def lastChild(self, parent):
        sibling = super().lastChild(parent)
        if sibling is not None and sibling.tag == "blockquote" and (
                self.fresh or _MARKER.match(_first_text(sibling))):
            return None
        return sibling


def _first_text(quote) -> str:
    return (quote[0].text or "") if len(quote) and quote[0].tag == "p" else ""


class _Callouts(Treeprocessor):
    def run(self, root):
        for quote in list(root.iter("blockquote")):
            first = quote[0] if len(quote) and not (quote.text or "").strip() else None
            if first is None or first.tag != "p":
                continue
            marker = _MARKER.match(first.text or "")
            if marker:
                _make_callout(quote, first, marker)


def _make_callout(quote, first, marker: re.Match) -> None:
    kind = marker.group(1).lower()
    quote.tag = "div"
    quote.set("class", f"callout callout-{kind}")
    title = etree.Element("p", {"class": "callout-title"})
    first.text = first.text[marker.end():]
    _move_first_line(first, title)
    if not (title.text or "").strip() and not len(title):
        title.text = kind.replace("-", " ").capitalize()
    quote.insert(0, title)
    if not (first.text or "").strip() and not len(first):
        quote.remove(first)


def _move_first_line(paragraph, title) -> None:
    """Move the paragraph's content up to its first line break into `title`."""
    text = paragraph.text or ""
    if "\n" in text:
        title.text, paragraph.text = text.split("\n", 1)
        return
    title.text, paragraph.text = text, None
    for child in list(paragraph):
        if child.tag == "br":
            paragraph.text, child.tail = child.tail, None
            paragraph.remove(child)
            return
        paragraph.remove(child)
        title.append(child)
        if "\n" in (child.tail or ""):
            child.tail, paragraph.text = child.tail.split("\n", 1)
            return


class _TableCaptions(Treeprocessor):
    """`: Caption` after a table (which the definition lists would make a `dd` with no
    term) or a paragraph `Table: Caption` just before or after one: the table's caption."""

    def run(self, root):
        for parent in list(root.iter()):
            children = list(parent)
            for index, table in enumerate(children):
                if table.tag != "table" or table.find("caption") is not None:
                    continue
                for neighbour in (children[index + 1] if index + 1 < len(children) else None,
                                  children[index - 1] if index else None):
                    if neighbour is not None and _caption_from(neighbour, table, parent):
                        break


def _caption_from(block, table, parent) -> bool:
    """Make `block` the caption of `table` if it is one; whether it was."""
    if block.tag == "dl" and len(block) == 1 and block[0].tag == "dd":
        source = block[0]
        if len(source) == 1 and source[0].tag == "p" and not (source.text or "").strip():
            source = source[0]
    elif block.tag == "p" and (block.text or "").startswith("Table:"):
        source = block
        source.text = _CAPTION.sub("", source.text, count=1)
    else:
        return False
    caption = etree.Element("caption")
    caption.text = source.text
    caption.extend(list(source))
    table.insert(0, caption)
    parent.remove(block)
    return True
