"""Medium's export (Settings → Download your information: a zip, or its folder): one page a
post in `posts/`, marked up as an `h-entry`: the title (`p-name`), the subtitle (`p-summary`),
the body (`e-content`), and a footer with the author, the date, the canonical URL and, in
some exports, the tags.

Drafts (`posts/draft_…`) are counted in N807, and so are responses (comments on others'
stories, which the export keeps among the posts: their title is their own first words and
they have no title heading). The title and subtitle that open the body are left out of it
(they are the essay's front matter). Pictures stay on Medium's servers.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from lxml import html as lxml_html

from .bundle import Bundle, single
from .article import Platform, Post, convert, post_key
from .draft import Draft, Run
from .exports import guarded
from .html_decode import decode_page
from .html_notes import drop
from .records import iso_date

MAX_PAGE_MB = 64
# The footer's links along one axis (`//footer//a` merges node sets: quadratic, html.py)
FOOTER_LINKS = "//footer/descendant::a"


@guarded
def read_file(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """One post of a Medium export, given as its file."""
    return _read(single(path, run.diagnostics), [path.name], run)


def read_export(export: Bundle, run: Run) -> list[Draft]:
    """Every post of a Medium export."""
    return _read(export, export.names(r"(?:^|/)posts/[^/]+\.html?$"), run)


def _read(export: Bundle, names: list[str], run: Run) -> list[Draft]:
    platform = Platform("Medium", export, run)
    author = _profile_name(export)
    posts = [post for name in names if (post := _post(export, name, author, run)) is not None]
    for post in posts:
        for address in post.addresses:
            platform.posts[post_key(address)] = post.draft
    return [draft for post in posts if (draft := convert(post, platform)) is not None]


def _post(export: Bundle, name: str, author: str | None, run: Run) -> Post | None:
    where = export.where(name)
    if posixpath.basename(name).startswith("draft_"):
        run.skip("draft", export.root)
        return None
    raw = export.read(name, MAX_PAGE_MB)
    text = decode_page(raw, where, run.diagnostics) if raw is not None else None
    if text is None:
        return None
    page = lxml_html.document_fromstring(text or "<html></html>")
    body = _first(page, "//*[@data-field='body'] | //*[contains(@class, 'e-content')]")
    title = _text(_first(page, "//*[contains(@class, 'p-name')]")) or _text(page.find(".//title"))
    if body is None:
        run.diagnostics.warning("N892", f"{posixpath.basename(name)} has no body (no "
                                "section data-field=\"body\"); it is not imported", where,
                                hint="export again from Medium")
        return None
    if _is_response(body, title):
        run.skip("response", export.root)
        return None
    subtitle = _text(_first(page, "//*[@data-field='subtitle']"))
    _clean(body, title, subtitle)
    authors = [_text(a) for a in page.xpath(f"{FOOTER_LINKS}[contains(@class, 'p-author')]")]
    canonical = _attribute(page, "//a[contains(@class, 'p-canonical')]", "href")
    return Post(_inner(body), name, title, subtitle=subtitle or None,
                authors=[a for a in authors if a] or ([author] if author else []),
                date=iso_date(_attribute(page, "//time[contains(@class, 'dt-published')]",
                                         "datetime")),
                tags=[_text(a) for a in page.xpath(f"{FOOTER_LINKS}[contains(@class, 'p-tag')]")],
                url=canonical, origin=where,
                addresses=[a for a in (canonical,
                                       _attribute(page, f"{FOOTER_LINKS}[time]", "href")) if a])


def _is_response(body, title: str) -> bool:
    """A response: no title heading of its own, and a title that is its first words."""
    if body.xpath(".//*[contains(@class, 'graf--title')]"):
        return False
    start = " ".join(body.text_content().split())
    wanted = " ".join(title.split()).rstrip("…. ")
    return bool(wanted) and start.startswith(wanted)


def _clean(body, title: str, subtitle: str) -> None:
    """The body without the title and subtitle that open it, the rule that opens its first
    section, and the empty picture links of link cards."""
    for element in body.xpath(".//*[contains(@class, 'graf--title') or "
                              "contains(@class, 'graf--subtitle')]"):
        if _text(element) in (title, subtitle):
            drop(element)
    opening = body.xpath(".//*[contains(@class, 'section--first')]"
                         "//hr[contains(@class, 'section-divider')]")
    if opening:
        drop(opening[0])
    for card in body.xpath(".//*[contains(@class, 'graf--mixtapeEmbed')]"):
        _link_card(card)


def _link_card(card) -> None:
    """Medium's link card (a link around a title, a description and a site's name, and an
    empty link holding its picture) as a paragraph: the title linked, then the description."""
    link = _first(card, ".//a[contains(@class, 'mixtapeEmbed-anchor')]")
    if link is None:
        return
    title = _text(_first(link, ".//strong")) or link.get("href")
    about = _text(_first(link, ".//em"))
    paragraph = lxml_html.Element("p")
    anchor = lxml_html.Element("a", href=link.get("href") or "")
    anchor.text = title
    anchor.tail = f" — {about}" if about else None
    paragraph.append(anchor)
    card.addprevious(paragraph)
    drop(card)


def _profile_name(export: Bundle) -> str | None:
    names = export.names(r"(?:^|/)profile/profile\.html$")
    raw = export.read(names[0], MAX_PAGE_MB) if names else None
    if not raw:
        return None
    page = lxml_html.document_fromstring(raw.decode("utf-8", errors="replace") or "<html/>")
    return _text(_first(page, "//*[contains(@class, 'p-name')]")) or None


def _first(root, query: str):
    found = root.xpath(query)
    return found[0] if found else None


def _text(element) -> str:
    return " ".join(element.text_content().split()) if element is not None else ""


def _attribute(root, query: str, name: str) -> str | None:
    element = _first(root, query)
    value = (element.get(name) or "").strip() if element is not None else ""
    return value or None


def _inner(element) -> str:
    return (element.text or "") + "".join(
        lxml_html.tostring(child, encoding="unicode") for child in element)

