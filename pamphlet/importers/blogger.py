"""Blogger's backups: the Atom file of Settings → Back up content (`blog-MM-DD-YYYY.xml`,
whose entries' kind is a category: post, comment, page, settings, template) and Google
Takeout's `Takeout/Blogger/Blogs/<blog>/feed.atom` (whose entries say `blogger:type` and
`blogger:status`). Only posts are essays (pages with --pages); labels become tags; drafts,
scheduled and deleted posts are counted in N807. Comments, settings and the template are no
posts, and are passed over.

Old posts often have no paragraphs, only `<br>`s: two in a row start a new paragraph. A
picture with a caption is a small table in Blogger's editor; it becomes a figure.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

from lxml import etree, html as lxml_html

from .bundle import Bundle, single
from .article import Platform, Post, convert, post_key, untitled
from .draft import Draft, Run
from .exports import guarded
from .html_notes import drop
from .records import iso_date
from .xmlread import parse_export

MAX_FEED_MB = 256
_KIND = "http://schemas.google.com/g/2005#kind"
_STATUS = {"DRAFT": "draft", "SCHEDULED": "scheduled", "SOFT_TRASHED": "trashed",
           "DELETED": "trashed"}
_DOUBLE_BREAK = re.compile(r"(?:<br\s*/?>\s*){2,}", re.I)


@guarded
def read_file(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """A Blogger backup given as its Atom file."""
    export = single(path, run.diagnostics)
    return _read(raw, export, path.name, run)


def read_export(export: Bundle, run: Run) -> list[Draft]:
    """Google Takeout's Blogger folder (or zip): each blog's `feed.atom`."""
    drafts: list[Draft] = []
    for name in export.names(r"(?:^|/)feed\.atom$"):
        raw = export.read(name, MAX_FEED_MB)
        if raw is not None:
            drafts += _read(raw, export, name, run)
    return drafts


def _read(raw: bytes, export: Bundle, name: str, run: Run) -> list[Draft]:
    where = export.where(name)
    root = parse_export(raw, where, run, "entry", b"</feed>", "Blogger backup", "N890",
                        "back the blog up again: Settings → Back up content")
    if root is None:
        return []
    blog = _text(root, "title")
    home = next((link.get("href") for link in root.findall("{*}link")
                 if link.get("rel") == "alternate" and link.get("href")), None)
    lang = _setting(root, "BLOG_LOCALE")
    platform = Platform("Blogger", export, run, rewrite=_rewrite)
    posts = [post for entry in root.iter("{*}entry")
             if (post := _post(entry, blog, home, lang, name, where, run)) is not None]
    for post in posts:
        if post.url:
            platform.posts[post_key(post.url)] = post.draft
        if not post.title:
            post.title = post.draft.title = untitled(post, platform)
    return [draft for post in posts if (draft := convert(post, platform)) is not None]


def _post(entry, blog: str, home: str | None, lang: str | None, name: str, where: Path,
          run: Run) -> Post | None:
    kind, status = _kind(entry), _status(entry)
    if kind not in ("post", "page") or (kind == "page" and not run.pages):
        if kind == "page":
            run.skip("page", where)
        return None  # comments, settings, the template: no posts
    date = iso_date(_text(entry, "published"))
    if status is None and date and date > run.today.isoformat():
        status = "scheduled"
    if status:
        run.skip(status, where)
        return None
    url = next((link.get("href") for link in entry.findall("{*}link")
                if link.get("rel") == "alternate" and link.get("href")), None)
    filename = _text(entry, "filename")
    if not url and home and filename:
        url = urljoin(home, filename)
    authors = [" ".join(n.split()) for a in entry.findall("{*}author")
               if (n := _text(a, "name")) and n.strip() not in ("Unknown", "Anonymous")]
    return Post(_content(entry), name, " ".join(_text(entry, "title").split()),
                authors=authors, date=date, tags=_labels(entry), url=url,
                publisher=" ".join(blog.split()) or None, lang=lang, line=entry.sourceline,
                origin=where)


def _kind(entry) -> str | None:
    """post, page, comment, settings or template: as the old backup's category says it, or
    the new one's `blogger:type`."""
    for category in entry.findall("{*}category"):
        if category.get("scheme") == _KIND:
            return (category.get("term") or "").rpartition("#")[2] or None
    typed = _text(entry, "type")
    return typed.strip().lower() or None


def _status(entry) -> str | None:
    """Why a post is not published (draft, scheduled, trashed), or None."""
    control = _child(entry, "control")
    if control is not None and _text(control, "draft").strip().lower() == "yes":
        return "draft"
    status = _text(entry, "status").strip().upper()
    return _STATUS.get(status, status.lower()) if status and status != "LIVE" else None


def _labels(entry) -> list[str]:
    labels = [" ".join((c.get("term") or "").split()) for c in entry.findall("{*}category")
              if c.get("scheme") != _KIND]
    return list(dict.fromkeys(label for label in labels if label))


def _content(entry) -> str:
    """The entry's HTML: escaped in `type="html"`, inline in `type="xhtml"`, else text."""
    content = entry.find("{*}content")
    if content is None:
        return ""
    kind = (content.get("type") or "text").lower()
    if kind == "xhtml":
        inner = "".join(etree.tostring(child, encoding="unicode") for child in content)
        return (content.text or "") + inner
    text = _all_text(content)
    if kind == "html":
        return text if re.search(r"<(?:p|div|h[1-6]|ul|ol|blockquote|table)\b", text, re.I) \
            else "".join(f"<p>{part}</p>" for part in _DOUBLE_BREAK.split(text) if part.strip())
    from html import escape

    return "".join(f"<p>{escape(part.strip())}</p>" for part in re.split(r"\n\s*\n", text)
                   if part.strip())


def _text(element, name: str) -> str:
    found = _child(element, name)
    return _all_text(found) if found is not None else ""


def _all_text(element) -> str:
    """An element's text, without the entity references in it (never expanded, see
    xmlread), but with the text after them."""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child, etree._Entity):
            parts.append(_all_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _child(element, name: str):
    """The first child called `name` in any namespace, or with a prefix that was never
    declared (old backups write `app:control` so, and recovery keeps it as its name)."""
    return next((c for c in element if isinstance(c.tag, str) and
                 re.sub(r"^\{[^}]*\}|^[\w.-]+:", "", c.tag) == name), None)


def _setting(root, name: str) -> str | None:
    """A setting of the old backup, an entry whose id ends in `.settings.NAME`."""
    for entry in root.iter("{*}entry"):
        if _text(entry, "id").strip().endswith(f".settings.{name}"):
            value = _text(entry, "content").strip()
            return value.replace("_", "-") if value else None
    return None


def _rewrite(body) -> None:
    """Blogger's captioned picture (`table.tr-caption-container`) as a figure; runs of
    `<br>` between the text's blocks as paragraph breaks."""
    for table in list(body.xpath("//table[contains(@class, 'tr-caption-container')]")):
        image = table.find(".//img")
        caption = table.xpath(".//*[contains(@class, 'tr-caption')]")
        if image is None or table.getparent() is None:
            continue
        figure = lxml_html.Element("figure")
        figure.append(image)
        if caption:
            figcaption = lxml_html.Element("figcaption")
            figcaption.text = " ".join(caption[0].text_content().split())
            figure.append(figcaption)
        table.addprevious(figure)
        drop(table)
