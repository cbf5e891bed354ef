"""Substack's export (Settings → Exports, a zip or its folder): `posts.csv`, one line a post
with its title, subtitle, date, type and audience, and `posts/<id>.<slug>.html`, each post's
body. The subscriber lists beside them (`email_list.*.csv` and the like) are never opened.

Unpublished posts, scheduled ones, pages (without --pages), discussion threads and posts for
paying subscribers only (without --paid) are counted in N807. The export does not name the
publication's address; it is taken from the posts' own links to each other and to their
subscribe page, and then gives each essay's `source`, and links between the posts become
links between the essays.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections import Counter

from .bundle import Bundle
from .article import Furniture, Platform, Post, convert, post_key, untitled
from .draft import Draft, Run
from .records import iso_date, read_csv

MAX_TEXT_MB = 64  # one post's HTML, or the index
FURNITURE = (
    Furniture("a subscribe box", classes=("subscription-widget-wrap",
                                          "subscription-widget-wrap-editor",
                                          "subscribe-widget"),
              components=("SubscribeWidgetToDOM", "SubscribeWidget")),
    Furniture("a button", classes=("button-wrapper", "captioned-button-wrap"),
              components=("ButtonCreateButton", "CaptionedButtonToDOM")),
    Furniture("the paywall", classes=("paywall-jump", "paywall"),
              components=("PaywallToDOM",)),
    Furniture("an app's advertisement", classes=("install-substack-app-embed",)),
    Furniture("a poll", classes=("poll-embed",), components=("PollToDOM",)),
)
_PAID = {"only_paid": "paid-only", "founding": "paid-only"}
_SKIPPED_TYPES = {"thread": "discussion thread", "page": "page"}
_LINK = re.compile(r"https?://([a-z0-9][a-z0-9.-]*\.[a-z]{2,})/(?:p/([a-z0-9-]+)|subscribe\b)",
                   re.I)


def read_export(export: Bundle, run: Run) -> list[Draft]:
    """The published posts of a Substack export."""
    index = min(export.names(r"(?:^|/)posts\.csv$"), key=lambda n: (n.count("/"), n))
    text = export.text(index, MAX_TEXT_MB)
    rows = read_csv(text, export.where(index), run.diagnostics) if text is not None else None
    if rows is None:
        return []
    if rows and "post_id" not in rows[0]:
        run.diagnostics.error("N895", f"{index} has no post_id column: it is not Substack's "
                              "list of posts", export.where(index),
                              hint="import the folder (or zip) Substack's export gave")
        return []
    platform = Platform("Substack", export, run, FURNITURE)
    posts = [post for row in rows if (post := _post(row, export, index, run)) is not None]
    _addresses(posts, platform)
    return [draft for post in posts if (draft := convert(post, platform)) is not None]


def _post(row: dict, export: Bundle, index: str, run: Run) -> Post | None:
    """A row of posts.csv as a post to import, or None (counted or said) when it is not."""
    post_id = (row.get("post_id") or "").strip()
    where = export.where(index)
    if not post_id:
        return None
    date = iso_date(row.get("post_date") or "") or iso_date(row.get("email_sent_at") or "")
    reason = _not_imported(row, date, run)
    if reason:
        run.skip(reason, where)
        return None
    name = export.find(posixpath.join(posixpath.dirname(index), "posts", f"{post_id}.html"))
    if name is None:
        run.diagnostics.warning("N892", f"the post '{_text(row.get('title')) or post_id}' has "
                                f"no posts/{post_id}.html in the export; it is not imported",
                                where, row["#line"],
                                hint="export again: Substack writes every post's text")
        return None
    podcast = (row.get("podcast_url") or "").strip()
    lead = f'<p><a href="{html.escape(podcast)}">{html.escape(podcast)}</a></p>' \
        if re.match(r"https?://", podcast) else ""
    return Post(None, name, _text(row.get("title")), subtitle=_text(row.get("subtitle")),
                date=date, origin=export.where(name), lead=lead,
                slug=post_id.partition(".")[2] or post_id)


def _not_imported(row: dict, date: str | None, run: Run) -> str | None:
    kind = (row.get("type") or "newsletter").strip().lower()
    if (row.get("is_published") or "true").strip().lower() not in ("true", "t", "1", "yes"):
        return "draft"
    if date and date > run.today.isoformat():
        return "scheduled"
    if kind in _SKIPPED_TYPES and not (kind == "page" and run.pages):
        return _SKIPPED_TYPES[kind]
    audience = (row.get("audience") or "everyone").strip().lower()
    if audience in _PAID and not run.paid:
        return _PAID[audience]
    return None


def _text(value: str | None) -> str:
    """A value of posts.csv: Substack writes some characters as HTML entities there."""
    return " ".join(html.unescape(value or "").split())


def _addresses(posts: list[Post], platform: Platform) -> None:
    """The publication's address, from the posts' links to each other and to /subscribe;
    then each post's address, and the export's posts by every address they go by."""
    slugs = {post.slug for post in posts}
    votes: Counter = Counter()
    hosts_of: dict[str, set] = {}
    for post in posts:
        post.html = platform.export.text(post.name, MAX_TEXT_MB) or ""
        for host, slug in _LINK.findall(post.html):
            host = host.lower()
            if not slug or slug in slugs:
                votes[host] += 3 if slug else 1
                hosts_of.setdefault(host, set())
    home = votes.most_common(1)[0][0] if votes else None
    for post in posts:
        if home:
            post.url = f"https://{home}/p/{post.slug}"
            post.draft.source = post.url
        for host in hosts_of:
            platform.posts[post_key(f"https://{host}/p/{post.slug}")] = post.draft
        if not post.title:
            post.title = post.draft.title = untitled(post, platform)
        post.html = None  # read again when converted: an export's posts are not all kept
