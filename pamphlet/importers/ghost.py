"""Ghost's JSON export (Settings → Advanced → Import/Bundle; Ghost 4 to 6, and older): each
published post (and page, with --pages) with its authors, tags, `published_at`, canonical
URL, custom excerpt (the essay's subtitle) and feature image with its caption.

A post's text is its `html` as Ghost rendered it; a post whose export has none is rendered
from its `lexical` or `mobiledoc` (`ghost_render`). Drafts, scheduled posts, and posts for
members or paying members only (without --paid) are counted in N807. The export holds no
images: they are looked for beside the JSON (a zip or folder with Ghost's `content/images/`)
and in --site (Ghost's content folder), else their addresses stay. The export does not name
the site's address either; a post's canonical URL, else its own links, give it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from lxml import html as lxml_html

from .bundle import Bundle, single
from .article import Furniture, Platform, Post, convert, html_fragment, post_key
from .draft import Draft, Run
from .exports import guarded
from .ghost_render import Render, parse_document
from .html_notes import drop
from .records import iso_date, read_json

MAX_JSON_MB = 256
FURNITURE = (
    Furniture("a button", classes=("kg-button-card", "kg-product-card-button",
                                   "kg-header-card-button", "kg-cta-button")),
    Furniture("a signup form", classes=("kg-signup-card",)),
    Furniture("a call to action", classes=("kg-cta-card",)),
    Furniture("a part shown only in the email", classes=("kg-email-card",
                                                          "kg-email-cta-card")),
    Furniture("a player's controls", classes=("kg-audio-player", "kg-video-player",
                                              "kg-video-overlay")),
)
_SKIPPED = {"draft": "draft", "scheduled": "scheduled"}
_VISIBILITY = {"members": "members-only", "paid": "paid-only", "tiers": "paid-only",
               "filter": "paid-only"}
_ID = re.compile(r'"id"\s*:\s*"?([^",}\s]+)')
_MARKDOWN_CARD = re.compile(r"<!--kg-card-begin: markdown-->(.*?)<!--kg-card-end: markdown-->",
                            re.S)
_ANCHOR = re.compile(r'\b(id|href)="(#?)([^"]*)"')


@guarded
def read_file(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """A Ghost export given as its JSON file."""
    export = single(path, run.diagnostics)
    return _read(export, path.name, run)


def read_export(export: Bundle, run: Run) -> list[Draft]:
    """A zip or folder holding a Ghost export's JSON (and perhaps `content/images/`)."""
    names = export.names(r"(?:^|/)(?:data/)?[^/]*ghost[^/]*\.json$")
    return _read(export, min(names, key=lambda n: (n.count("/"), n)), run)


def _read(export: Bundle, name: str, run: Run) -> list[Draft]:
    where = export.where(name)
    text = export.text(name, MAX_JSON_MB)
    document = read_json(text, where, run.diagnostics) if text is not None else None
    if document is None:
        return []
    database = _database(document)
    if database is None:
        run.diagnostics.error("N895", f"{name} is not a Ghost export (no db → data → posts)",
                              where, hint="export again from Ghost: Settings → Advanced → "
                              "Import/Bundle → Bundle content")
        return []
    data = database["data"]
    tables = _Tables(data)
    lines = _lines(text)
    site = _site(data, tables)
    platform = Platform("Ghost", export, run, FURNITURE, site_root="content")
    posts = [post for item in data["posts"] if isinstance(item, dict) and
             (post := _post(item, tables, site, name, where, lines, run)) is not None]
    for post in posts:
        for address in (post.url, f"/{post.slug}/"):
            if address:
                platform.posts[post_key(address)] = post.draft
    platform.rewrite = _rewrite
    return [draft for post in posts if (draft := convert(post, platform)) is not None]


def _database(document) -> dict | None:
    """The export's `db[0]` (or the document itself, as hand-made imports write it)."""
    if isinstance(document, dict) and isinstance(document.get("db"), list) and document["db"]:
        document = document["db"][0]
    if isinstance(document, dict) and isinstance(document.get("data"), dict) and \
            isinstance(document["data"].get("posts"), list):
        return document
    return None


class _Tables:
    """The export's other tables, by post: authors, tags, meta; and the site's settings."""

    def __init__(self, data: dict):
        users = {u.get("id"): u.get("name") for u in _rows(data, "users")}
        tags = {t.get("id"): t for t in _rows(data, "tags")}
        self.authors: dict = {}
        for row in sorted(_rows(data, "posts_authors"), key=_order):
            if users.get(row.get("author_id")):
                self.authors.setdefault(row.get("post_id"), []).append(users[row["author_id"]])
        self.users = users
        self.tags: dict = {}
        for row in sorted(_rows(data, "posts_tags"), key=_order):
            tag = tags.get(row.get("tag_id"))
            if tag and _public(tag):
                self.tags.setdefault(row.get("post_id"), []).append(str(tag["name"]).strip())
        self.meta = {row.get("post_id"): row for row in _rows(data, "posts_meta")}
        self.settings = {row.get("key"): row.get("value") for row in _rows(data, "settings")}


def _rows(data: dict, table: str) -> list[dict]:
    rows = data.get(table)
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _order(row: dict):
    order = row.get("sort_order")
    return order if isinstance(order, (int, float)) else 0


def _public(tag: dict) -> bool:
    """Whether a tag is the site's (Ghost's internal tags start with '#')."""
    name = str(tag.get("name") or "").strip()
    return bool(name) and not name.startswith("#") and tag.get("visibility") != "internal"


def _post(item: dict, tables: _Tables, site: str | None, name: str, where: Path,
          lines: dict, run: Run) -> Post | None:
    kind = item.get("type") or ("page" if item.get("page") in (1, True) else "post")
    status = str(item.get("status") or "published")
    visibility = str(item.get("visibility") or "public")
    if kind == "page" and not run.pages:
        reason = "page"
    elif status in _SKIPPED or status not in ("published", "sent"):
        reason = _SKIPPED.get(status, status)
    elif visibility in _VISIBILITY and not run.paid:
        reason = _VISIBILITY[visibility]
    else:
        reason = None
    if reason:
        run.skip(reason, where)
        return None
    post_id, slug = item.get("id"), str(item.get("slug") or "")
    meta = tables.meta.get(post_id, {})
    url = _text(item.get("canonical_url")) or (f"{site}/{slug}/" if site and slug else None)
    owner = tables.users.get(item.get("author_id"))  # before Ghost 1.22, one author a post
    authors = tables.authors.get(post_id) or ([owner] if owner else [])
    post = Post(None, name, _text(item.get("title")), subtitle=_text(item.get("custom_excerpt")),
                authors=authors,
                date=iso_date(item.get("published_at")), tags=tables.tags.get(post_id, []),
                url=url, publisher=_text(tables.settings.get("title")) or None,
                lang=_lang(item, tables), line=lines.get(str(post_id)), origin=where,
                lead=_feature(item, meta), slug=slug)
    post.html = _body(item, post, run, where)
    return post


def _text(value) -> str:
    return " ".join(str(value).split()) if isinstance(value, (str, int, float)) else ""


def _lang(item: dict, tables: _Tables) -> str | None:
    value = item.get("locale") or tables.settings.get("locale") or tables.settings.get("lang")
    return str(value).replace("_", "-") if isinstance(value, str) and value.strip() else None


def _feature(item: dict, meta: dict) -> str:
    """The feature image, shown first, with its alt text and caption."""
    from html import escape

    src = item.get("feature_image") or item.get("image")
    if not isinstance(src, str) or not src.strip():
        return ""
    alt = html_fragment(str(meta.get("feature_image_alt") or item.get("feature_image_alt")
                            or ""))
    caption = str(meta.get("feature_image_caption") or item.get("feature_image_caption") or "")
    image = f'<img src="{escape(_ghost(src), quote=True)}" alt="{escape(alt, quote=True)}">'
    return f"<figure>{image}" + (f"<figcaption>{caption}</figcaption>" if caption.strip()
                                 else "") + "</figure>"


def _body(item: dict, post: Post, run: Run, where: Path) -> str:
    """The post's HTML: Ghost's own rendering, else its Lexical or Mobiledoc rendered here,
    else its plain text; site addresses made site-root paths."""
    html = item.get("html")
    render = Render()
    if not (isinstance(html, str) and html.strip()):
        try:
            lexical, mobiledoc = (parse_document(item.get(k)) for k in ("lexical", "mobiledoc"))
            html = render.lexical(lexical) if lexical else render.mobiledoc(mobiledoc) \
                if mobiledoc else _plain(item.get("plaintext") or item.get("markdown"))
        except RecursionError:
            html = _plain(item.get("plaintext"))
            render.left_out.append("a document nested too deep")
    if render.left_out:
        kinds = ", ".join(sorted(set(render.left_out)))
        run.diagnostics.warning("N896", f"'{post.title}': cards of a kind pamphlet does not "
                                f"know were left out: {kinds}", where, post.line,
                                hint="add their content to the essay by hand")
    return _unique_note_ids(_ghost(html))


def _plain(text) -> str:
    from html import escape

    if not isinstance(text, str):
        return ""
    return "".join(f"<p>{escape(part.strip())}</p>" for part in re.split(r"\n\s*\n", text)
                   if part.strip())


def _ghost(text: str) -> str:
    """Ghost 4 and later write the site's own address as `__GHOST_URL__`: a site-root path."""
    return text.replace("__GHOST_URL__", "")


def _unique_note_ids(html: str) -> str:
    """Each Markdown card numbers its notes from 1: its ids are made its own, so that a
    reference finds the note of its own card."""
    count = iter(range(1, 1_000_000))

    def card(match: re.Match) -> str:
        prefix = f"card{next(count)}-"
        return _ANCHOR.sub(lambda m: f'{m.group(1)}="{m.group(2)}{prefix}{m.group(3)}"'
                           if m.group(1) == "id" or m.group(2) else m.group(0), match.group(0))

    return _MARKDOWN_CARD.sub(card, html)


def _lines(text: str) -> dict[str, int]:
    """Where each record's id first appears in the file, for a diagnostic's line."""
    lines: dict[str, int] = {}
    line, at = 1, 0
    for match in _ID.finditer(text):
        line += text.count("\n", at, match.start())
        at = match.start()
        lines.setdefault(match.group(1), line)
    return lines


def _site(data: dict, tables: _Tables) -> str | None:
    """The site's address: the one most posts' canonical URLs and links share, or that a
    setting names; None if the export does not say."""
    slugs = {str(p.get("slug")) for p in data["posts"] if isinstance(p, dict)}
    votes: Counter = Counter()
    for post in data["posts"]:
        if not isinstance(post, dict):
            continue
        for found in re.finditer(r"(https?://[a-z0-9.-]+(?::\d+)?(?:/[^\s\"'<>]*?)?)/"
                                 r"([a-z0-9-]+)/?[\"'#?]", str(post.get("html") or ""), re.I):
            if found.group(2) in slugs:
                votes[found.group(1).rstrip("/")] += 1
    return votes.most_common(1)[0][0] if votes else None


def _rewrite(body) -> None:
    """Ghost's bookmark and file cards (a link around blocks) as a paragraph with a link."""
    for card in list(body.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), "
                                "' kg-bookmark-card ') or contains(concat(' ', "
                                "normalize-space(@class), ' '), ' kg-file-card ')]")):
        link = card.find(".//a[@href]")
        if link is None or card.getparent() is None:
            continue
        parts = [_class_text(card, c) for c in ("kg-bookmark-title", "kg-file-card-title")]
        title = next((p for p in parts if p), "") or link.get("href")
        notes = [_class_text(card, c) for c in ("kg-bookmark-description",
                                                 "kg-file-card-caption")]
        caption = card.find(".//figcaption")
        paragraph = lxml_html.Element("p")
        anchor = lxml_html.Element("a", href=link.get("href"))
        anchor.text = title
        paragraph.append(anchor)
        rest = " ".join(n for n in notes if n)
        if rest:
            anchor.tail = f" — {rest}"
        card.addprevious(paragraph)
        if caption is not None and caption.text_content().strip():
            holder = lxml_html.Element("p")
            holder.text = " ".join(caption.text_content().split())
            card.addprevious(holder)
        drop(card)


def _class_text(root, name: str) -> str:
    found = root.xpath(f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")
    return " ".join(found[0].text_content().split()) if found else ""
