"""An HTML page: its article's text as Markdown, with title, author, date and address."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree, html as lxml_html

from . import Draft

_DROP = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe")


def from_html(text: str, path: Path) -> Draft:
    """An HTML page: its article's text as Markdown, with title, author, date and address."""
    from markdownify import markdownify

    page = lxml_html.fromstring(text)
    meta = {m.get("name") or m.get("property"): m.get("content")
            for m in page.iter("meta") if m.get("content")}
    article = _article(page)
    heading = article.find(".//h1") if article is not None else None
    title = ("".join(heading.itertext()) if heading is not None else None) or meta.get(
        "og:title") or page.findtext(".//title") or path.stem
    if heading is not None:
        heading.getparent().remove(heading)
    for element in article.xpath(".//" + " | .//".join(_DROP)):
        element.getparent().remove(element)
    body = markdownify(etree.tostring(article, encoding="unicode", method="html"),
                       heading_style="ATX", bullets="-")
    canonical = page.xpath("//link[@rel='canonical']/@href")
    source = meta.get("og:url") or (canonical[0] if canonical else None)
    date = meta.get("article:published_time") or next(iter(page.xpath("//time/@datetime")), None)
    # Collapse ASCII white space only: a no-break space in a title is the author's.
    title = re.sub(r"[ \t\r\n]+", " ", title).strip(" ")
    return Draft(title, re.sub(r"\n{3,}", "\n\n", body),
                 meta.get("author"), date[:10] if date else None, [], source, path)


def _article(page):
    for query in ("//article", "//main", "//*[@role='main']"):
        found = page.xpath(query)
        if found:
            return found[0]
    body = page.find("body")
    candidates = body.xpath(".//div") if body is not None else []
    return max(candidates, key=lambda d: len(d.findall("p")), default=body)
