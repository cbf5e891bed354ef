"""Tumblr's export (Settings → the blog → Bundle: a zip, or its folder): one page a post in
`posts/html/<id>.html` (the title in an `h1`, the post, and a footer with its time and tags),
the pictures in `media/<id>.<ext>` or `media/<id>_<n>.<ext>`.

Text, quote, link and photo posts alike become essays: a post with no title is titled from
its first line (N810); a photo post's pictures are found in `media/` whatever spaces its
`src` holds, and a picture of the post that its page forgot is added after its text. Posts
that others sent in (`posts/html/submissions/`) are not the blog's own, and are counted in
N807.
"""

from __future__ import annotations

import posixpath
import re

from lxml import html as lxml_html

from .bundle import Bundle, is_image_name
from .article import Platform, Post, convert, untitled
from .draft import Draft, Run
from .html_decode import decode_page
from .html_notes import drop
from .records import loose_date

MAX_PAGE_MB = 64
_POST = re.compile(r"(?:^|/)posts/html/(?:submissions/)?([^/]+)\.html?$")


def read_export(export: Bundle, run: Run) -> list[Draft]:
    """Every post of a Tumblr export."""
    platform = Platform("Tumblr", export, run, key=_post_id)
    media = _media(export)
    posts = []
    for name in export.names(_POST.pattern):
        if "/submissions/" in f"/{name}":
            run.skip("submission", export.root)
            continue
        post = _post(export, name, media, run)
        if post is not None:
            posts.append(post)
            platform.posts[name] = platform.posts[f"tumblr:{post.slug}"] = post.draft
    for post in posts:
        if not post.title:
            post.title = post.draft.title = untitled(post, platform)
    return [draft for post in posts if (draft := convert(post, platform)) is not None]


def _post_id(href: str) -> str | None:
    """A link to a post of a Tumblr blog (`…tumblr.com/post/<id>/<slug>`), by its id."""
    found = re.search(r"^https?://[^/]+/post/(\d+)(?:[/?#]|$)", href.strip())
    return f"tumblr:{found.group(1)}" if found else None


def _media(export: Bundle) -> dict[str, list[str]]:
    """The pictures in the export's media folders, by the id of their post."""
    found: dict[str, list[str]] = {}
    for name in export.names(r"(?:^|/)media/[^/]+$"):
        if is_image_name(name):
            stem = posixpath.splitext(posixpath.basename(name))[0]
            found.setdefault(re.sub(r"_\d+$", "", stem), []).append(name)
    return found


def _post(export: Bundle, name: str, media: dict, run: Run) -> Post | None:
    where = export.where(name)
    raw = export.read(name, MAX_PAGE_MB)
    text = decode_page(raw, where, run.diagnostics) if raw is not None else None
    if text is None:
        return None
    page = lxml_html.document_fromstring(text.strip() or "<html></html>")
    body = page.find("body") if page.find("body") is not None else page
    footer = body.find(".//*[@id='footer']")
    stamp = footer.find(".//*[@id='timestamp']") if footer is not None else None
    tags = [" ".join(t.text_content().split()) for t in
            (footer.xpath(".//*[contains(concat(' ', @class, ' '), ' tag ')]")
             if footer is not None else [])]
    if footer is not None:
        drop(footer)  # read: its time and tags are the essay's front matter
    title = _title(body)
    post_id = _POST.search(name).group(1)
    _add_forgotten_pictures(body, media.get(post_id, []), name)
    html = (body.text or "") + "".join(lxml_html.tostring(child, encoding="unicode")
                                       for child in body)
    return Post(html, name, title, date=loose_date(stamp.text_content()) if stamp is not None
                else None, tags=[t.lstrip("#") for t in tags if t.strip("# ")], origin=where,
                line=None, slug=post_id)


def _title(body) -> str:
    """The post's title: its first heading, which leaves the body; a link post's heading
    is a link, which stays in the body as the post's first paragraph."""
    heading = body.find(".//h1")
    if heading is None:
        return ""
    title = " ".join(heading.text_content().split())
    link = heading.find(".//a[@href]")
    if link is not None:
        paragraph = lxml_html.Element("p")
        anchor = lxml_html.Element("a", href=link.get("href").strip())
        anchor.text = link.get("href").strip()
        paragraph.append(anchor)
        heading.addnext(paragraph)
    drop(heading)
    return title


def _add_forgotten_pictures(body, pictures: list[str], name: str) -> None:
    """A photo post's pictures in media/ that its page does not show come after its text
    (Tumblr's export sometimes leaves the `img` out)."""
    shown = {posixpath.basename((img.get("src") or "").strip()) for img in body.iter("img")}
    for picture in sorted(pictures):
        if posixpath.basename(picture) not in shown:
            figure = lxml_html.Element("figure")
            relative = posixpath.relpath(picture, posixpath.dirname(name))
            figure.append(lxml_html.Element("img", src=relative, alt=""))
            body.append(figure)
