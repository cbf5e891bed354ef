"""`pamphlet import`: plain text, HTML pages, Markdown from other tools, and WordPress exports.

Each source becomes one or more `Draft`s, written as new essays in source/ with our front
matter. Nothing is ever overwritten, and no character is changed: no-break spaces, curly
quotes and dashes come through as they were. Diagnostic codes: N804 a slug was taken, so the
essay got another name (warning); N805 a file that cannot be read or recognised; N806 a
WordPress post that is not published, skipped (warning).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from lxml import etree, html as lxml_html

from .diagnostics import Diagnostics
from .library import slugify

WP = "http://wordpress.org/export/1.2/"
NS = {"wp": WP, "content": "http://purl.org/rss/1.0/modules/content/",
      "dc": "http://purl.org/dc/elements/1.1/"}
_DROP = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe")


@dataclass
class Draft:
    """An essay on its way in: front matter values and a Markdown body."""

    title: str
    body: str
    author: str | list[str] | None = None
    date: str | None = None
    tags: list[str] = field(default_factory=list)
    source: str | dict | None = None
    origin: Path | None = None

    def text(self) -> str:
        meta = {"title": self.title}
        for key in ("author", "date", "tags", "source"):
            value = getattr(self, key)
            if value:
                meta[key] = value
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
        return f"---\n{front}---\n\n{self.body.strip()}\n"


def read_drafts(path: Path, diagnostics: Diagnostics, split_at: str | None = None) -> list[Draft]:
    """The essays in one file, by its kind: .xml (WXR), .html, .md or plain text."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as error:
        diagnostics.error("N805", f"cannot read {path.name}: {error}", path,
                          hint="import UTF-8 text, HTML, Markdown or a WordPress export")
        return []
    suffix = path.suffix.lower()
    if suffix == ".xml" or "<rss" in text[:500] and WP[:-4] in text[:2000]:
        return from_wxr(raw, path, diagnostics)
    if suffix in (".html", ".htm"):
        return [from_html(text, path)]
    if suffix in (".md", ".markdown"):
        return [from_markdown(text, path)]
    return from_text(text, path, split_at)


def from_text(text: str, path: Path, split_at: str | None = None) -> list[Draft]:
    """Plain text: one essay, or several split at a marker line or at underlined titles.

    A title is the first line when a blank line follows it, or a line underlined with `===`.
    """
    if split_at is not None:
        parts = re.split(rf"(?m)^{re.escape(split_at)}[ \t]*$", text)
    else:
        parts = re.split(r"(?m)^(?=.+\n=+[ \t]*$)", text)
    drafts = []
    for part in (p.strip("\n") for p in parts):
        if not part.strip():
            continue
        lines = part.split("\n")
        underlined = len(lines) > 1 and re.fullmatch(r"=+[ \t]*", lines[1])
        if underlined or (len(lines) > 2 and not lines[1].strip() and len(lines[0]) < 120):
            title, body = lines[0].strip(" \t"), "\n".join(lines[2:])
        else:
            title, body = path.stem.replace("-", " ").replace("_", " "), part
        drafts.append(Draft(title, body, origin=path))
    return drafts


def from_markdown(text: str, path: Path) -> Draft:
    """Markdown with Jekyll or Obsidian YAML, or Hugo YAML/TOML front matter, or none."""
    meta, body = {}, text
    if text.startswith("---\n") and (end := re.search(r"(?m)^---[ \t]*$", text[4:])):
        meta = yaml.safe_load(text[4:4 + end.start()]) or {}
        body = text[4 + end.end():]
    elif text.startswith("+++\n") and (end := re.search(r"(?m)^\+\+\+[ \t]*$", text[4:])):
        meta = tomllib.loads(text[4:4 + end.start()])
        body = text[4 + end.end():]
    if not isinstance(meta, dict):
        meta = {}
    title = meta.get("title")
    if not title and (heading := re.search(r"(?m)^# (.+)$", body)):
        title = heading.group(1).strip(" \t")
        body = body[:heading.start()] + body[heading.end():]
    tags = meta.get("tags") or meta.get("categories") or []
    tags = tags.split() if isinstance(tags, str) else [str(t).lstrip("#") for t in tags]
    author = meta.get("author") or meta.get("authors")
    date = meta.get("date")
    source = meta.get("source") or meta.get("canonical") or meta.get("url")
    return Draft(str(title or path.stem), body, author, str(date)[:10] if date else None,
                 tags, source, path)


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


def from_wxr(raw: bytes, path: Path, diagnostics: Diagnostics) -> list[Draft]:
    """A WordPress export: each published post, with its date, tags and address."""
    try:
        root = etree.fromstring(raw, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        diagnostics.error("N805", f"not a readable WordPress export: {error}", path,
                          error.lineno, hint="export again from WordPress: Tools → Export")
        return []
    authors = {a.findtext("wp:author_login", namespaces=NS): a.findtext(
        "wp:author_display_name", namespaces=NS) for a in root.iter(f"{{{WP}}}author")}
    drafts = []
    for item in root.iter("item"):
        if item.findtext("wp:post_type", namespaces=NS) not in ("post", None):
            continue
        title = item.findtext("title") or ""
        if item.findtext("wp:status", namespaces=NS) != "publish":
            diagnostics.warning("N806", f"'{title}' is not published; skipped", path,
                                item.sourceline, hint="publish it in WordPress to import it")
            continue
        creator = item.findtext("dc:creator", namespaces=NS)
        tags = [c.text for c in item.findall("category") if c.text]
        html = item.findtext("content:encoded", namespaces=NS) or ""
        drafts.append(Draft(title.strip(" \t"), _html_body(html), authors.get(creator, creator),
                            (item.findtext("wp:post_date", namespaces=NS) or "")[:10] or None,
                            list(dict.fromkeys(tags)), item.findtext("link"), path))
    return drafts


def _html_body(html: str) -> str:
    from markdownify import markdownify

    # WordPress stores paragraphs as blank-line-separated text, not <p> elements.
    if "<p" not in html:
        html = "".join(f"<p>{part}</p>" for part in re.split(r"\n\s*\n", html) if part.strip())
    return re.sub(r"\n{3,}", "\n\n", markdownify(html, heading_style="ATX", bullets="-"))


def write_drafts(drafts: list[Draft], source: Path, diagnostics: Diagnostics) -> list[Path]:
    """Write each draft as a new file in source/; a taken name gets -2, -3, ..."""
    source.mkdir(parents=True, exist_ok=True)
    written = []
    for draft in drafts:
        base = slugify(draft.title) or "untitled"
        slug, number = base, 1
        while (source / f"{slug}.md").exists():
            number += 1
            slug = f"{base}-{number}"
        if slug != base:
            diagnostics.warning("N804", f"source/{base}.md exists; imported as source/{slug}.md",
                                draft.origin, hint="rename or merge the two by hand")
        path = source / f"{slug}.md"
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(draft.text())
        written.append(path)
    return written
