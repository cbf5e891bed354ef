"""What a web page says about itself: title, authors, date, address and the site's name.

The title is the article's, never the site's and never a heading deep in the text: Open
Graph's `og:title`, the JSON-LD headline, the part of `<title>` that is also a heading of the
page, the page's first `h1`, then `<title>` without the site's name. Each value is read from
the page's metadata first (Open Graph, JSON-LD, Dublin Core, `<time>`), then from the byline
("Posted on ... by ..."), and last from trafilatura's metadata reader.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

_SEPARATORS = ("|", "–", "—", "-", "::", "·", "•", "»", "«", ":")
_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)")
_DATE_NAMES = ("article:published_time", "datepublished", "date", "dcterms.date", "dc.date",
               "dc.date.issued", "dcterms.issued", "citation_publication_date",
               "citation_date", "pubdate", "publish-date", "parsely-pub-date",
               "sailthru.date", "og:published_time")
# A name is short: the bound keeps each "by" from being read to the end of the text.
_BYLINE = re.compile(r"\bby\s++([^\n|•,]{1,120}?)(?:\s++(?:at|on|in)\s|\s*+[|•,]|\s*+$)", re.I)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(https?://[^\s>]+?)\s*-->")
_BYLINE_WORDS = {"byline", "info", "meta", "posted", "author", "postmeta", "entry-footer",
                 "post-footers", "dateline"}


@dataclass
class PageMeta:
    """The metadata of one page, each value None when the page does not say."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    url: str | None = None
    site: str | None = None
    lang: str | None = None
    tags: list[str] = field(default_factory=list)


def page_meta(page, text: str, fallback=None) -> PageMeta:
    """`page`'s metadata; `text` is its source (for a "saved from" comment), `fallback` a
    function giving trafilatura's metadata, called only when the page's own is missing."""
    metas = _metas(page)
    graph = list(_json_ld(page))
    site = _clean(metas.get("og:site_name") or _ld_site(graph) or metas.get("application-name"))
    meta = PageMeta(site=site, lang=_lang(page))
    meta.title = title_of(page, metas, graph, site)
    meta.authors = _authors(page, metas, graph)
    meta.date = _date(page, metas, graph)
    meta.url = _url(page, metas, text) or _ld_url(graph)
    meta.tags = _tags(page, graph)
    if fallback is not None and not (meta.authors and meta.date):
        found = fallback()
        if not meta.authors and found and found.get("author"):
            meta.authors = [a.strip() for a in found["author"].split(";") if a.strip()]
        meta.date = meta.date or _iso_date(found.get("date") if found else None)
    return meta


def headings(page, levels=("h1", "h2", "h3")) -> list[str]:
    """The text of the page's headings (h1 to h3), in order; a site's banner (a heading that
    is only a link to the site's home page) is not one of them."""
    return [_clean(h.text_content()) or "" for h in page.iter(*levels) if not _banner(h)]


def _banner(heading) -> bool:
    from urllib.parse import urlsplit

    links = heading.findall(".//a")
    if len(links) != 1 or _clean(links[0].text_content()) != _clean(heading.text_content()):
        return False
    href = (links[0].get("href") or "").strip()
    return href in ("/", "./", "../", "index.html", "../index.html") or \
        bool(re.match(r"https?://", href) and urlsplit(href).path in ("", "/"))


def title_of(page, metas: dict, graph: list, site: str | None) -> str | None:
    """The article's title (see the module's docstring), or None."""
    own = _clean(metas.get("og:title") or metas.get("twitter:title") or _ld_headline(graph))
    if own and own != site:  # some sites give every page their own name as og:title
        return _without_site(own, site)
    titled = page.find(".//title")
    whole = _clean(titled.text_content()) if titled is not None else None
    known = {h.casefold() for h in headings(page) if h}
    if whole:
        for part in [whole] + _parts(whole):
            if part.casefold() in known and (not site or part.casefold() != site.casefold()):
                return part
    first = next((h for h in headings(page, ("h1",)) if h), None)
    if first and (not site or first.casefold() != site.casefold()):
        return first
    return _without_site(whole, site) if whole else None


def _parts(title: str) -> list[str]:
    pattern = "|".join(re.escape(s) for s in _SEPARATORS)
    parts = re.split(rf"\s+(?:{pattern})\s+|:\s+", title)
    return [p.strip() for p in parts if p.strip()] if len(parts) > 1 else []


def _without_site(title: str, site: str | None) -> str:
    if not site:
        return title
    for separator in _SEPARATORS:
        for shape in (f" {separator} {site}", f"{separator} {site}"):
            if title.endswith(shape) and len(title) > len(shape):
                return title[:-len(shape)].strip()
        shape = f"{site} {separator} " if separator != ":" else f"{site}: "
        if title.startswith(shape) and len(title) > len(shape):
            return title[len(shape):].strip()
    return title


def _metas(page) -> dict:
    metas: dict = {}
    for meta in page.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key and meta.get("content") and key not in metas:
            metas[key] = meta.get("content")
    return metas


def _json_ld(page):
    """Every object in the page's JSON-LD scripts, @graph members included."""
    for script in page.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack += item["@graph"]


def _types(item: dict) -> set:
    kind = item.get("@type")
    return set(kind) if isinstance(kind, list) else {kind}


def _articles(graph: list) -> list[dict]:
    return [i for i in graph if _types(i) & {"Article", "BlogPosting", "NewsArticle",
                                             "ScholarlyArticle", "TechArticle", "Report"}]


def _ld_headline(graph: list) -> str | None:
    return next((i["headline"] for i in _articles(graph) if isinstance(i.get("headline"), str)),
                None)


def _ld_site(graph: list) -> str | None:
    for item in graph:
        if "WebSite" in _types(item) and isinstance(item.get("name"), str):
            return item["name"]
    publisher = next((i.get("publisher") for i in _articles(graph)), None)
    return publisher.get("name") if isinstance(publisher, dict) else None


def _names(value) -> list[str]:
    values = value if isinstance(value, list) else [value]
    names = [v.get("name") if isinstance(v, dict) else v for v in values]
    return [_clean(n) for n in names if isinstance(n, str) and _clean(n)]


def _authors(page, metas: dict, graph: list) -> list[str]:
    nodes = {item["@id"]: item for item in graph if isinstance(item.get("@id"), str)}
    for item in _articles(graph):
        authors = item.get("author")
        authors = authors if isinstance(authors, list) else [authors]
        # Yoast's graph names an author by reference: {"@id": ".../#/schema/person/..."}
        found = _names([nodes.get(a.get("@id"), a) if isinstance(a, dict) and "name" not in a
                        else a for a in authors])
        if found:
            return found
    for key in ("author", "article:author", "dc.creator", "dcterms.creator", "citation_author"):
        value = _clean(metas.get(key))
        if value and not re.match(r"https?://", value):
            return [value]
    for label, data in (("twitter:label1", "twitter:data1"), ("twitter:label2", "twitter:data2")):
        if (metas.get(label) or "").lower() in ("written by", "author", "by"):
            return _names(metas.get(data))
    for element in page.xpath("//*[@rel='author' or @itemprop='author']"):
        name = _clean(element.get("content") or element.text_content())
        if name:
            return [name]
    return _byline_author(page)


def _byline_author(page) -> list[str]:
    """The name in a byline such as "Posted on August 1, 2017 by Ryan" (Hakyll, Movable Type)."""
    for element in page.iter("div", "p", "span", "section"):
        words = set(re.split(r"[\s_-]+", f"{element.get('class', '')} {element.get('id', '')}"
                             .lower())) | {element.get("class", "").lower()}
        if words & _BYLINE_WORDS:
            found = _BYLINE.search(" ".join(element.text_content().split()))
            if found and len(found.group(1)) <= 80:
                return [found.group(1).strip()]
    return []


def _date(page, metas: dict, graph: list) -> str | None:
    for item in _articles(graph):
        for key in ("datePublished", "dateCreated"):
            if _iso_date(item.get(key)):
                return _iso_date(item.get(key))
    for key in _DATE_NAMES:
        if _iso_date(metas.get(key)):
            return _iso_date(metas.get(key))
    for element in page.xpath("//*[@itemprop='datePublished'] | //time[@datetime]"):
        found = _iso_date(element.get("content") or element.get("datetime"))
        if found:
            return found
    return None


def _iso_date(value) -> str | None:
    found = _DATE.match(value.strip()) if isinstance(value, str) else None
    if found is None:
        return None
    try:
        return dt.date(*map(int, found.groups())).isoformat()
    except ValueError:
        return None


def _url(page, metas: dict, text: str) -> str | None:
    candidates = page.xpath("//link[@rel='canonical']/@href") + [metas.get("og:url")]
    saved = _SAVED_FROM.search(text[:2000])
    candidates.append(saved.group(1) if saved else None)
    return next((c.strip() for c in candidates if c and re.match(r"https?://\S+$", c.strip())),
                None)


def _ld_url(graph: list) -> str | None:
    for item in _articles(graph):
        for value in (item.get("url"), item.get("mainEntityOfPage")):
            value = value.get("@id") if isinstance(value, dict) else value
            if isinstance(value, str) and re.match(r"https?://\S+$", value.strip()):
                return value.strip()
    return None


def _tags(page, graph: list) -> list[str]:
    """The article's own tags (Open Graph's `article:tag`, else JSON-LD's keywords); a
    page's `<meta name="keywords">` is left alone, being written for search engines."""
    tags = [m.get("content") for m in page.iter("meta")
            if (m.get("property") or "").lower() == "article:tag"]
    if not tags:
        keywords = next((i.get("keywords") for i in _articles(graph) if i.get("keywords")), [])
        tags = keywords.split(",") if isinstance(keywords, str) else keywords
    cleaned = [_clean(t) for t in tags if isinstance(t, str)]
    return list(dict.fromkeys(t for t in cleaned if t))


def _lang(page) -> str | None:
    # An XHTML page's xml:lang, as the HTML parser leaves it (a plain attribute), or an XML one.
    lang = (page.get("lang") or page.get("xml:lang")
            or page.get("{http://www.w3.org/XML/1998/namespace}lang") or "")
    return lang.strip() if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", lang.strip()) \
        else None


def _clean(value) -> str | None:
    """Collapse ASCII white space only: a no-break space in a title is the author's."""
    if not isinstance(value, str):
        return None
    return re.sub(r"[ \t\r\n\f]+", " ", value).strip(" ") or None
