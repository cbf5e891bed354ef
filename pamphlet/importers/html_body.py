"""HTML on its way to an essay's Markdown body, for every importer whose text is HTML (web
pages, Word and OpenDocument files through pandoc, Google Docs pages, EPUB chapters): notes
become Markdown footnotes numbered in reading order, images become copies in source/ (or
stay addresses), a quote keeps its attribution, and markdownify writes the Markdown.

A `Body` is given the element that holds the text and the notes taken out of it (see
`html_notes`); a subclass says where an image's file comes from (`image`).
"""

from __future__ import annotations

import abc
import re

from lxml import html as lxml_html

from .draft import MAX_IMAGE_MB, Draft, Once
from .html_notes import NOTE_TOKEN, drop

# The spaces (and one line break) before a note's mark: a run is tried from its start only
# (after a line break, from its second character, as the mark may not open a line), so that
# a long run of spaces is not searched again from each of its characters.
_BEFORE_MARK = re.compile(r"(?:(?<![\n \t])|(?<=\n[ \t]))[ \t]*+(?:\n[ \t]*+)?(?=\ue030)")

IMAGE_TOKEN = re.compile("\ue040(\\d+)\ue041")
_SPLIT = "\ue050"  # between notes converted together
_DASHES = ("—", "–", "―", "-", "~", "−")


class Body(abc.ABC):
    """One text's conversion: its images' Markdown, kept as tokens until the text is
    Markdown, and the warnings it gives once each."""

    def __init__(self, draft: Draft, once: Once):
        self.draft_, self.once = draft, once
        self.images: list[str] = []

    def markdown(self, root, notes: list) -> str:
        """`root`'s Markdown, its notes' tokens as `[^n]` and the notes after it."""
        for part in [root] + notes:
            self.place_images(part)
            inline_semantics(part)
        return self.with_notes(markdown_of(root), markdown_each(notes))

    @abc.abstractmethod
    def image(self, src: str, alt: str, caption: str, line: int | None) -> str | None:
        """An image's Markdown (a token from `draft_.attach`, an address), or None."""

    def archived(self, archive, member: str | None, alt: str, caption: str,
                 shown: str) -> str:
        """The Markdown of a picture an archive holds (a DOCX's, an EPUB's): a copy when the
        member is truly an image, else its alt text in a frame (N818: absent, not an image,
        too large)."""
        from .archive import Unreadable
        from .draft import Blob, image_kind, missing_image

        problem = "it is not in the file" if member is None else None
        if member is not None:
            try:
                data = archive.read(member, limit_mb=MAX_IMAGE_MB)
                problem = None if image_kind(data[:1024]) else (
                    "it is not an image" + ({".emf": ": an EMF drawing", ".wmf": ": a WMF "
                                             "drawing"}.get(member[-4:].lower(), "")))
            except Unreadable as error:
                problem = error.message
        if problem is None:
            return self.draft_.attach(Blob(member.rsplit("/", 1)[-1], data), alt, caption)
        self.once.warn("N818", f"image:{shown}", f"image {shown} not copied: {problem}; its "
                       "alt text is shown in its place", None,
                       hint="save the picture as PNG, JPEG or SVG and add it by hand")
        return missing_image(alt or shown.rsplit("/", 1)[-1])

    def token(self, markdown: str) -> str:
        self.images.append(markdown)
        return f"\ue040{len(self.images) - 1}\ue041"

    def place_images(self, root) -> None:
        """Each image as a token of its Markdown; a figure of one image becomes a paragraph
        of it, its caption the image's caption."""
        images = list(root.iter("img"))
        figures = {}
        for image in images:  # decided first: a figure's other images are tokens later
            figure = next(image.iterancestors("figure"), None)
            single = figure is not None and len(figure.findall(".//img")) == 1
            figures[image] = figure if single else None
        for image in images:
            if image.getparent() is not None:
                self.place_image(image, figures[image])

    def place_image(self, image, figure) -> None:
        holder = image.getparent() if image.getparent().tag == "picture" else image
        caption = figure.find(".//figcaption") if figure is not None else None
        words = " ".join(caption.text_content().split()) if caption is not None else ""
        markdown = self.image(image_source(image), image.get("alt") or "", words,
                              image.sourceline)
        if markdown is None:
            drop(holder)
        elif figure is None:
            drop(holder, self.token(markdown))
        else:
            for used in (holder, caption):
                if used is not None:
                    drop(used)
            paragraph = lxml_html.Element("p")
            rest = " ".join(figure.text_content().split())  # what else the figure said
            paragraph.text = self.token(markdown) + (f" {rest}" if rest else "")
            figure.addprevious(paragraph)
            drop(figure)


    def with_notes(self, body: str, notes: list[str]) -> str:
        """`body` with its note tokens as `[^n]`, numbered in reading order, and the notes
        after it (a note may refer to another, whose number comes next); a note whose
        reference is not in the article is kept as a paragraph (N845)."""
        numbers: dict[int, int] = {}
        definitions: list[str] = []

        def number(match: re.Match) -> str:
            key = int(match.group(1))
            numbers.setdefault(key, len(numbers) + 1)
            return f"[^{numbers[key]}]"

        def refs(text: str) -> str:
            # a note's mark sits on the word before it, across a line break but not a
            # paragraph's end (a margin note may open a paragraph)
            return NOTE_TOKEN.sub(number, re.sub(_BEFORE_MARK, "",
                                                 text))

        def settle() -> None:
            keys = {n: key for key, n in numbers.items()}
            while len(definitions) < len(numbers):
                definitions.append(definition(len(definitions) + 1,
                                               refs(notes[keys[len(definitions) + 1]])))
                keys = {n: key for key, n in numbers.items()}

        parts = [refs(body).strip()]
        settle()
        for key, note in enumerate(notes):
            if key not in numbers and note.strip():
                self.once.warn("N845", f"note:{key}", "a note whose reference is not in the "
                               "article is kept as a paragraph at its end", None,
                               hint="move it back beside the sentence it belongs to")
                parts.append(refs(note).strip())
                settle()
        text = "\n\n".join(p for p in parts + definitions if p)
        return IMAGE_TOKEN.sub(lambda m: self.images[int(m.group(1))], text)


def attribute_quotes(page) -> None:
    """A block quote's attribution (its `<footer>`, a last `<cite>`, the caption of the
    figure it stands in) becomes the quote's last paragraph, after a dash."""
    for quote in list(page.iter("blockquote")):
        figure = quote.getparent()
        if figure is not None and figure.tag == "figure":
            caption = figure.find("figcaption")
            if caption is not None and figure.find(".//img") is None:
                quote.append(caption)
        children = [c for c in quote if isinstance(c.tag, str)]
        for child in children:
            last = child is children[-1] and not (child.tail or "").strip()
            if child.tag in ("footer", "figcaption") or (child.tag == "cite" and last):
                _as_attribution(child)


def _as_attribution(element) -> None:
    element.tag = "p"
    for key in list(element.attrib):
        del element.attrib[key]
    for cite in element.iter("cite"):
        cite.tag = "em"  # a work's title, set in italics as print does
    if not " ".join(element.text_content().split()).startswith(_DASHES):
        element.text = "— " + (element.text or "").lstrip()


def inline_semantics(root) -> None:
    """What a browser shows of an element and Markdown has no word for: a `<cite>` (a work's
    title) in italics, a `<q>` between the quotation marks a browser adds."""
    for cite in root.iter("cite"):
        cite.tag = "em"
    for quote in list(root.iter("q")):
        inner = any(a.tag == "q" for a in quote.iterancestors())
        opening, closing = ("‘", "’") if inner else ("“", "”")
        quote.text = opening + (quote.text or "")
        if len(quote):
            quote[-1].tail = (quote[-1].tail or "") + closing
        else:
            quote.text += closing
    for quote in list(root.iter("q")):
        quote.drop_tag()



def image_source(image) -> str:
    src = (image.get("src") or "").strip()
    lazy = image.get("data-src") or image.get("data-lazy-src") or image.get("data-original")
    if lazy and (not src or src.startswith("data:")):
        src = lazy.strip()
    if not src and image.get("srcset"):
        src = image.get("srcset").split(",")[0].split()[0]
    return src



def markdown_of(element) -> str:
    from .wxr import _converter

    html = lxml_html.tostring(element, encoding="unicode", method="html")
    markdown = _converter()(heading_style="ATX", bullets="-", sup_symbol="<sup>",
                            sub_symbol="<sub>").convert(html)
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", markdown).strip()


def markdown_each(elements: list) -> list[str]:
    """Each element's Markdown, converted in one pass (one parse for a page of 3000 notes)."""
    holder = lxml_html.Element("div")
    for element in elements:
        holder.append(element)
        mark = lxml_html.Element("p")
        mark.text = _SPLIT
        holder.append(mark)
    parts = markdown_of(holder).split(_SPLIT)
    return [part.strip() for part in parts[:len(elements)]]


def definition(number: int, note: str) -> str:
    """A Markdown footnote; a note of several paragraphs indents all but its first line."""
    lines = note.strip().split("\n")
    rest = [f"    {line}" if line.strip() else "" for line in lines[1:]]
    return "\n".join([f"[^{number}]: {lines[0]}"] + rest)
