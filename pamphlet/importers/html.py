"""A saved web page (or a folder of them) as an essay: the article's text as Markdown, with
its title, authors, date and address in front matter.

The steps, on one lxml tree of the page:
1. the bytes become text by the page's own encoding (`html_decode`);
2. the metadata is read (`html_meta`);
3. footnotes and sidenotes leave the text, each leaving a token (`html_notes`), and a block
   quote's attribution (`<footer>`, a last `<cite>`, the caption of its figure) becomes its
   last paragraph;
4. trafilatura, an extractor made for the purpose, decides where the article is: the
   deepest element that holds nearly all of the text it extracts. Its own output is not
   used, since it drops notes, captions and attributions; ours converts that element;
5. share boxes, ads, bylines and the like leave the article, each with `drop`, which keeps
   the text after it; images become copies (a file beside the page) or stay addresses;
6. markdownify writes Markdown; tokens become `[^n]` footnotes and images.

Diagnostic codes: N840 a page its own encoding cannot read; N841 an unknown declared encoding
(warning); N842 a page with no declared encoding that is not UTF-8, read as windows-1252
(warning); N843 a page with no text to import (warning); N844 a page with no title, titled
from its file name (warning); N845 a note whose reference is not in the article, kept as a
paragraph at its end (warning); N846 a page whose article could not be told from its
surroundings, imported whole (warning); N847 a page nested too deep to read whole
(warning); N849 a page whose import met an internal fault (the other files are still
imported). Images reuse N815 (not found) and N818 (not copied).
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree, html as lxml_html

from ..store.paths import Gate, Refused
from .draft import (ESSAY_SCHEME, MAX_IMAGE_MB, Draft, Once, Run, image_kind, markdown_image,
                    markdown_link, missing_image)
from .html_body import Body, attribute_quotes, image_source
from .html_decode import decode_page
from .html_meta import PageMeta, page_meta
from .html_notes import drop, take_notes

_GONE = ("script", "style", "noscript", "template", "button", "input", "select", "textarea",
         "nav", "svg", "canvas", "object", "embed", "link", "meta", "dialog")
_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "td", "th", "dd", "dt",
           "blockquote", "figcaption")
# Words in a class or id that mark what is around an article, not in it.
_CHROME_WORDS = {
    "share", "sharing", "sharedaddy", "social", "related", "relatedposts", "comments",
    "comment", "respond", "newsletter", "subscribe", "subscription", "signup", "promo",
    "promotion", "advert", "advertisement", "ads", "ad", "adsbygoogle", "sponsor", "sponsored",
    "cookie", "cookies", "popup", "modal", "breadcrumb", "breadcrumbs", "pagination", "pager",
    "byline", "tags", "readmore", "sidebar", "widget", "footer", "meta", "postmeta", "dateline",
    "date", "posted", "timestamp", "nav", "navigation", "toolbar", "skip", "button", "cta",
    "paywall", "noprint", "editsection",
}
_CHROME_CLASSES = {"info", "author", "read-more", "read-more-wrap", "screen-reader-text",
                   "author-box", "author-bio", "post-navigation", "nav-links", "print-hide",
                   "no-print", "hidden-print", "d-print-none"}
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif", ".bmp", ".tif",
                   ".tiff")
MARKERS = re.compile("[\ue010-\ue014\ue020\ue021\ue030\ue031\ue040\ue041\ue050]")
_TEXT = re.compile(r"[\s\ue000-\uf8ff]+")
# One descendant axis, not `//body//text()`: libxml2 merges the node sets of every step of
# `//` one into the next, which took cubic time (67 s on a page of 16,000 paragraphs).
_READABLE = ("//body/descendant::text()[not(ancestor::script or ancestor::style or "
             "ancestor::noscript or ancestor::template)] | //body/descendant::img/@alt")


def from_html(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """The essay in one saved web page; [] (after a diagnostic) when it holds none."""
    text = decode_page(raw, path, run.diagnostics)
    if text is None:
        return []
    # The private-use characters the import marks its places with (notes, images, copies)
    # leave first, so that no page can forge one; in a page they are icon-font glyphs,
    # which print as nothing without the site's font.
    text = MARKERS.sub("", text)
    page = _parse(text, path, run)
    if page is None or not _TEXT.sub("", "".join(page.xpath(_READABLE))):
        run.diagnostics.warning("N843", f"{path.name} holds no text to import", path,
                                hint="check that this is the saved page, not an empty frame")
        return []
    try:
        meta = page_meta(page, text, fallback=lambda: _trafilatura_meta(text))
        return [_Page(page, path, run, meta).draft()]
    except Exception as error:  # a fault of ours must not cost the other pages
        run.diagnostics.error("N849", f"{path.name} could not be imported: an internal fault "
                              f"({type(error).__name__}: {error})", path,
                              hint="please report it with the page; the other files are "
                              "imported")
        return []


def _parse(text: str, path: Path, run: Run):
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        page = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return None  # an empty document, or one lxml cannot hold
    # libxml2 stops at 255 levels of nesting (deeper, a converter would run out of stack);
    # what lies deeper is cut, and that is said.
    deep = next((e for e in parser.error_log if "Excessive depth" in e.message), None)
    if deep is not None:
        run.diagnostics.warning("N847", f"{path.name} nests elements more than 255 levels "
                                "deep; the text inside them is left out", path, deep.line,
                                hint="save the page from the browser's reader view, or "
                                "copy its text into a .txt file")
    return page


def _trafilatura_meta(text: str) -> dict | None:
    from trafilatura.metadata import extract_metadata

    try:
        found = extract_metadata(text)
    except Exception:  # a third party's heuristic: its failure leaves only our own reading
        return None
    return found.as_dict() if found is not None else None


class _Page(Body):
    """One page on its way to a draft."""

    beside = "beside the page"
    missing_hint = ("save the page with its images (\"Web page, complete\"), or add the "
                    "image to source/ by hand")

    def __init__(self, page, path: Path, run: Run, meta: PageMeta):
        self.page, self.path, self.run, self.meta = page, path, run, meta
        self.title = meta.title
        if not self.title:
            self.title = path.stem
            run.diagnostics.warning("N844", f"{path.name} names no title; the essay is "
                                    f"called '{self.title}'", path,
                                    hint="give the essay a title in its front matter")
        source = meta.url
        if source and meta.site:
            source = {"publisher": meta.site, "url": source}
        super().__init__(Draft(self.title, "", _authors(meta.authors), meta.date, meta.tags,
                               source, path, lang=meta.lang), Once(run.diagnostics, path))
        base = next(iter(page.xpath("//base/@href")), "").strip()
        self.base = base if re.match(r"https?://", base) else meta.url

    def draft(self) -> Draft:
        """The draft: notes taken out, the article found and cleared, then converted."""
        self.prepare()
        notes = take_notes(self.page)  # first: Tufte's sidenotes are found by their inputs
        _drop_unprintable(self.page)
        attribute_quotes(self.page)
        article, weights = self.article()
        self.clear(article, weights)
        for part in [article] + notes:
            self.resolve_links(part)
        self.draft_.body = self.markdown(article, notes)
        return self.draft_

    def prepare(self) -> None:
        """What a kind of page needs done before its notes are taken (nothing, for a page
        of the web)."""

    def article(self):
        """The element that holds the article, and each element's share of its text."""
        body = self.page.find("body") if self.page.find("body") is not None else self.page
        found = _extracted(self.page)
        weights: dict = {}
        for block in body.iter(*_BLOCKS) if found else ():
            own = _TEXT.sub("", block.text_content())
            if len(own) >= 15 and own in found:
                for element in [block, *block.iterancestors()]:
                    weights[element] = weights.get(element, 0) + len(own)
        total = weights.get(body, 0)
        if not total:
            chosen = _fallback(body)
            if chosen.tag in ("article", "main") or chosen.get("role") == "main":
                return chosen, {}  # the page says where its article is
            self.run.diagnostics.warning(
                "N846", f"the article in {self.path.name} cannot be told from the page "
                f"around it; <{chosen.tag}> is imported whole", self.path, chosen.sourceline,
                hint="check the essay, and delete what is not the article")
            return chosen, {}
        chosen = body
        while True:
            heavier = next((c for c in chosen if weights.get(c, 0) >= 0.85 * total), None)
            if heavier is None or heavier.tag in _BLOCKS:
                return chosen, {e: w / total for e, w in weights.items()}
            chosen = heavier

    def clear(self, article, weights: dict) -> None:
        """Take the site's furniture out of the article: share boxes, ads, bylines, the
        title heading; an element that holds half the article's text always stays."""
        length = len(_TEXT.sub("", article.text_content())) or 1
        for element in list(article.iterdescendants()):
            if element.getparent() is None or not isinstance(element.tag, str):
                continue
            if _chrome(element) and weights.get(element, 0) < 0.5 and \
                    len(_TEXT.sub("", element.text_content())) < 0.5 * length:
                drop(element)
            elif element.tag in ("iframe", "video", "audio"):
                self.media_link(element)
        self.drop_title(article)

    def media_link(self, element) -> None:
        """An embedded player, which no page can play, becomes a link to what it plays."""
        from urllib.parse import urljoin

        src = (element.get("src") or next(iter(element.xpath(".//source/@src")), "")).strip()
        if src.startswith("//"):
            src = "https:" + src
        if self.base and src and not re.match(r"[a-z][a-z0-9+.-]*:", src, re.I):
            src = urljoin(self.base, src)
        drop(element, self.token(markdown_link(src)) if re.match(r"https?://", src) else "")

    def drop_title(self, article) -> None:
        """The title's own heading, before the text begins, is the title, not the text."""
        wanted = " ".join(self.title.split()).casefold()
        for element in article.iter("h1", "h2", "h3", "p"):
            if element.tag == "p" and _TEXT.sub("", element.text_content()):
                return
            if element.tag != "p" and " ".join(element.text_content().split()).casefold() \
                    == wanted:
                drop(element)
                return

    def resolve_links(self, root) -> None:
        """Links that lead off the page keep their full address; a link within the page (to
        an anchor no essay keeps) or to a site's relative path with no known address, or to
        a script, leaves only its text."""
        from urllib.parse import urljoin

        for link in list(root.iter("a")):
            href = (link.get("href") or "").strip()
            if re.match(r"(?:https?|mailto):", href, re.I) or href.startswith(ESSAY_SCHEME):
                continue  # an address, or a link to another imported essay
            if href and not href.startswith("#") and self.base and \
                    not re.match(r"[a-z][a-z0-9+.-]*:", href, re.I):
                link.set("href", urljoin(self.base, href))
                continue
            link.drop_tag()

    def image(self, src: str, alt: str, caption: str, line: int | None) -> str | None:
        """An image's Markdown: its copy's token when the file is beside the page, its
        address when on the web, else its alt text in a frame (N815) or nothing."""
        from urllib.parse import unquote, urljoin

        if not src:
            return None
        if src.startswith("//"):
            src = "https:" + src
        if src[:5].lower() == "data:" and len(src) < 300:
            return None  # a lazy-loading placeholder (a blank GIF or SVG), not a picture
        if re.match(r"(?:https?|data):", src, re.I):
            return self.web_image(src, alt, caption, line)
        if re.match(r"[a-z][a-z0-9+.-]*:", src, re.I):
            return None  # javascript:, file: and their like are never followed
        name = unquote(src.split("?")[0].split("#")[0])
        token, refusal = self.local_image(name, alt, caption, line)
        if token is not None:
            return token
        if self.base:  # the page's own address: the image is still on the web
            return markdown_image(urljoin(self.base, src), alt, caption)
        if refusal and "not found" not in refusal:
            self.once.warn("N818", f"image:{src}", f"image {src} not copied: {refusal}", line,
                           hint="copy the image beside the page")
        else:
            self.once.warn("N815", f"image:{src}", f"image {src} cannot be found "
                           f"{self.beside}; its alt text is shown in its place", line,
                           hint=self.missing_hint)
        caption = re.sub(r"([\\`*_\[\]<>])", r"\\\1", caption)  # its words, as words
        return missing_image(alt or name.rsplit("/", 1)[-1]) + (f" {caption}" if caption else "")

    def web_image(self, src: str, alt: str, caption: str, line: int | None) -> str:
        """An image on the web stays an address (the build leaves it out, saying so)."""
        return markdown_image(src, alt, caption)

    def local_image(self, name: str, alt: str, caption: str,
                    line: int | None) -> tuple[str | None, str | None]:
        """(the token of a copy of the image beside the page, or None; why not)."""
        if name.startswith("/"):
            return None, None
        gate = Gate((self.path.parent.resolve(),), MAX_IMAGE_MB)
        try:
            found = gate.check(self.path.parent / name, (self.path, line), "image")
        except Refused as refused:
            return None, refused.diagnostics[0].message
        if _is_image(found):
            return self.draft_.attach(found, alt, caption), None
        return None, "it is not an image"  # a page may name any file beside it



def _authors(names: list[str]) -> str | list[str] | None:
    return None if not names else names[0] if len(names) == 1 else names


def _extracted(page) -> str:
    """The text trafilatura takes for the article, without white space (for matching)."""
    import logging

    import trafilatura

    # Its log says what it discards; with no handler of the caller's, Python would print it.
    logging.getLogger("trafilatura").addHandler(logging.NullHandler())
    try:
        found = trafilatura.extract(lxml_html.tostring(page, encoding="unicode"),
                                    output_format="txt", favor_recall=True,
                                    include_comments=False, include_tables=True,
                                    deduplicate=False)
    except Exception:  # a third party's heuristic: its failure leaves only our fallback
        return ""
    return _TEXT.sub("", found or "")


def _fallback(body):
    for query in (".//article", ".//main", ".//*[@role='main']"):
        found = body.find(query) if "@" not in query else next(iter(body.xpath(query)), None)
        if found is not None:
            return found
    best = max(body.iter("div"), key=lambda d: len(d.findall("p")), default=None)
    return best if best is not None and best.find("p") is not None else body


def _drop_unprintable(page) -> None:
    """Scripts, styles, forms' controls, menus and the like leave; a `<noscript>` that holds
    a lazy-loading page's only real image gives it up instead (its placeholder leaves)."""
    for gone in list(page.iter(*_GONE)):
        if gone.getparent() is None:
            continue
        if gone.tag == "noscript" and _only_image_here(gone):
            for placeholder in [i for i in gone.getparent().iter("img")
                                if image_source(i).startswith("data:")]:
                drop(placeholder)
            gone.drop_tag()
        else:
            drop(gone)


def _only_image_here(noscript) -> bool:
    """Whether a `<noscript>` holds the only image of its parent worth the name (the others
    being placeholders a script would have replaced)."""
    if noscript.find(".//img") is None or noscript.getparent() is None:
        return False
    return not any(image_source(i) and not image_source(i).startswith("data:")
                   for i in noscript.getparent().iter("img")
                   if not any(a is noscript for a in i.iterancestors()))


def _chrome(element) -> bool:
    """Whether `element` is furniture around the article, by its tag, class or id."""
    if element.tag in ("footer", "header") and element.getparent() is not None and \
            element.getparent().tag not in ("blockquote", "figure"):
        return element.tag == "footer"
    if element.get("hidden") is not None or element.get("aria-hidden") == "true" or \
            re.search(r"display\s*:\s*none", element.get("style") or ""):
        # Hidden icons and duplicates leave; a collapsed section of the text (an accordion
        # the reader would open) holds paragraphs, and stays.
        return next(element.iter(*_BLOCKS), None) is None
    classes = (element.get("class") or "").lower().split()
    names = classes + (element.get("id") or "").lower().split()
    if set(names) & _CHROME_CLASSES or element.get("id") == "title-block-header":
        return True
    words = {w for name in names for w in re.split(r"[-_]+", name)}
    return bool(words & _CHROME_WORDS)


def _is_image(path: Path) -> bool:
    """Whether the file beside a page is a picture, by its name or its first bytes: a
    hostile page that names `../.ssh/id_rsa` or `notes.txt` gets no copy of it."""
    if path.suffix.lower() in _IMAGE_SUFFIXES:
        return True
    try:
        with open(path, "rb") as handle:
            return image_kind(handle.read(1024)) is not None
    except OSError:
        return False
