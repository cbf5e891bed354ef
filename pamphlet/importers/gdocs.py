"""A Google Docs document downloaded as "Web page (.html, zipped)": one page and its images/.

Google writes every piece of formatting as a CSS class (`.c7{font-weight:700}`), lists as
flat `ul`/`ol` elements whose class ends in their level (`lst-kix_x-1`), block quotes as
indented paragraphs, every link through a redirect (`https://www.google.com/url?q=...`),
footnotes as `[1]` links to paragraphs after a rule, and comments as `[a]` links. Each is
turned back into what it means before the page becomes Markdown like any other HTML
(`html_body`): emphasis, nested lists, quotes, plain links, Markdown footnotes. Comments are
left out and named (N855); the title and subtitle are the document's "Title" and
"Subtitle" paragraphs.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from lxml import html as lxml_html

from .archive import Archive, reading, resolve
from .draft import Draft, Once, Run, markdown_image
from .html_body import Body
from .html_notes import drop, take_notes
from .office import comments_left_out

_RULE = re.compile(r"([^{}]+)\{([^}]*)\}")
_LEVEL = re.compile(r"lst-kix_[\w-]+?-(\d+)\b")
_MARKS = (("strong", r"font-weight:\s*(?:700|bold)"), ("em", r"font-style:\s*italic"),
          ("s", r"text-decoration:[^;]*line-through"), ("sup", r"vertical-align:\s*super"),
          ("sub", r"vertical-align:\s*sub"))


def from_gdocs_zip(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """The essay in a Google Docs page and its images."""
    with reading(path, run.diagnostics):
        archive = Archive(raw, path, run.diagnostics)
        name = next(n for n in archive.names() if "/" not in n and n.lower().endswith(".html"))
        page = lxml_html.document_fromstring(archive.read(name).decode("utf-8", "replace"))
        return [_draft(page, archive, path, run)]
    return []


def _draft(page, archive: Archive, path: Path, run: Run) -> Draft:
    styles = _classes(page)
    body = page.find("body")
    title = _take(body, "title") or " ".join((page.findtext(".//title") or path.stem).split())
    subtitle = _take(body, "subtitle")
    comments_left_out(run, path, _take_comments(body))
    _marks(body, styles)
    _links(body)
    _quotes(body, styles)
    _nest_lists(body)
    _header_rows(body)
    _mark_notes(body)
    notes = take_notes(body)
    draft = Draft(title, "", origin=path, subtitle=subtitle or None,
                  lang=page.get("lang") or None)
    draft.body = _Images(draft, Once(run.diagnostics, path), archive).markdown(body, notes)
    return draft


def _classes(page) -> dict[str, str]:
    """Each class of the page's style sheet and the declarations it carries."""
    found: dict[str, str] = {}
    for style in page.iter("style"):
        for selectors, declarations in _RULE.findall(style.text or ""):
            for selector in selectors.split(","):
                if re.fullmatch(r"\s*\.[\w-]+\s*", selector):
                    name = selector.strip()[1:]
                    found[name] = found.get(name, "") + ";" + declarations
    return found


def _style(element, styles: dict[str, str]) -> str:
    return ";".join(styles.get(c, "") for c in (element.get("class") or "").split()) + ";" + \
        (element.get("style") or "")


def _take(body, kind: str) -> str:
    """The text of the "Title" or "Subtitle" paragraph, taken out of the body."""
    for paragraph in body.iter("p"):
        if kind in (paragraph.get("class") or "").split():
            text = " ".join(paragraph.text_content().split())
            drop(paragraph)
            return text
    return ""


def _take_comments(body) -> list[str]:
    """The comments' text, taken out with their marks in the text."""
    said = []
    for link in list(body.iter("a")):
        href = link.get("href") or ""
        if href.startswith("#cmnt_ref"):  # the comment itself, after the text
            holder = link.getparent()
            while holder is not None and holder.getparent() is not body:
                holder = holder.getparent()
            if holder is not None:
                said.append(" ".join(holder.text_content().split()).removeprefix(
                    link.text_content()).strip())
                _drop_with_rule(holder)
        elif href.startswith("#cmnt") and link.getparent() is not None:
            parent = link.getparent()
            drop(parent if parent.tag == "sup" and len(parent) == 1 else link)
    return said


def _drop_with_rule(holder) -> None:
    before = holder.getprevious()
    drop(holder)
    if before is not None and before.tag == "hr":
        drop(before)


def _marks(body, styles: dict[str, str]) -> None:
    """A span whose class makes it bold, italic, struck, raised or lowered is wrapped in the
    element that says so (bold is left out in headings, which are bold already)."""
    for span in list(body.iter("span")):
        style = _style(span, styles)
        for tag, pattern in _MARKS:
            if re.search(pattern, style) and not (
                    tag == "strong" and next(span.iterancestors(
                        "h1", "h2", "h3", "h4", "h5", "h6"), None) is not None):
                inner = lxml_html.Element(tag)
                inner.text, span.text = span.text, None
                inner.extend(list(span))
                span.append(inner)


def _links(body) -> None:
    """Google's redirect around every link is taken off."""
    for link in body.iter("a"):
        href = link.get("href") or ""
        parts = urlsplit(href)
        if parts.netloc.endswith("google.com") and parts.path == "/url":
            target = parse_qs(parts.query).get("q", [""])[0]
            if target:
                link.set("href", target)


def _quotes(body, styles: dict[str, str]) -> None:
    """Indented paragraphs that follow one another, outside lists, are one block quote."""
    quote = None
    for paragraph in list(body.iterchildren("p")):
        style = _style(paragraph, styles)
        indent = re.search(r"margin-left:\s*([\d.]+)pt", style)
        if indent and float(indent.group(1)) >= 18 and paragraph.text_content().strip():
            if quote is None or quote.getnext() is not paragraph:
                quote = lxml_html.Element("blockquote")
                paragraph.addprevious(quote)
            quote.append(paragraph)
        else:
            quote = None


def _nest_lists(body) -> None:
    """Google's flat lists, one per level, nested again: a list at level n goes into the
    last item of the list before it at level n - 1."""
    open_lists: dict[int, object] = {}
    for listing in list(body.iterchildren("ul", "ol")):
        found = _LEVEL.search(listing.get("class") or "")
        level = int(found.group(1)) if found else 0
        parent = open_lists.get(level - 1)
        if level > 0 and parent is not None and len(parent):
            parent[-1].append(listing)
        elif level == 0 and listing.getprevious() is not None and \
                listing.getprevious() is open_lists.get(0) and \
                "start" not in (listing.get("class") or "").split():
            open_lists[0].extend(list(listing))  # the same list, after its nested items
            drop(listing)
            continue
        open_lists = {k: v for k, v in open_lists.items() if k < level}
        open_lists[level] = listing


def _header_rows(body) -> None:
    """A table's first row is its header (Google Docs marks none; Markdown needs one)."""
    for table in body.iter("table"):
        first = table.find(".//tr")
        if first is not None and table.find(".//th") is None:
            for cell in first.iterchildren("td"):
                cell.tag = "th"
                for strong in list(cell.iter("strong")):
                    strong.drop_tag()  # a header is bold already


def _mark_notes(body) -> None:
    """Google's footnotes are paragraphs in `div`s after a rule: each `div` is marked as a
    note, the rule goes, and the non-breaking space that opens each note goes too."""
    for link in body.iter("a"):
        if (link.get("href") or "").startswith("#ftnt_ref"):
            holder = link.getparent()
            while holder is not None and holder.tag != "div":
                holder = holder.getparent()
            if holder is not None:
                holder.set("role", "doc-endnote")
                before = holder.getprevious()
                if before is not None and before.tag == "hr":
                    drop(before)
            after = link.getnext()
            if after is not None and after.text:
                after.text = after.text.lstrip("\u00a0 ")


class _Images(Body):
    """The page's images, from the zip's images/ folder."""

    def __init__(self, draft: Draft, once: Once, archive: Archive):
        super().__init__(draft, once)
        self.archive = archive

    def image(self, src: str, alt: str, caption: str, line: int | None) -> str | None:
        if re.match(r"https?://", src):
            return markdown_image(src, alt, caption)
        name = resolve("", src)
        return self.archived(self.archive, self.archive.find(name) if name else None, alt,
                             caption, src)
