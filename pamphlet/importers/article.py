"""A post of a platform's export, whose HTML is the article itself, as a draft.

The conversion is the web page importer's (`html._Page`: notes in reading order, figures with
their captions, quotes with their attributions, embedded players as links), without its
search for the article and its guesses about a site's furniture: an export's body holds only
the post. What the platform itself put into the post (subscribe boxes, buttons, share bars,
a paywall's marker) is named by each importer as its `furniture`, left out, and said in one
warning per post (N893). Images are looked for in the export (a path relative to the post, a
site-root path, or a picture of the same name), then in the `--site` folder; else they stay
on the web. Links to another post of the same export become links between the essays.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

from ..store.paths import Gate, Refused
from .bundle import Bundle, is_image_name
from .draft import (ESSAY_SCHEME, MAX_IMAGE_MB, Draft, Once, Run, essay_link, image_kind,
                    markdown_image)
from .html import MARKERS, _parse, _Page
from .html_body import Body
from .html_meta import PageMeta
from .html_notes import drop
from .records import first_line
from .static_site import _EMBEDS

MAX_POST_MB = 64
# A link to another essay, as markdownify writes it: its text (escapes and one level of
# brackets inside), the address that stands for it, a title.
# (an escaped bracket starts none, and the text is read once: linear)
_ESSAY_LINK = re.compile(r"(?<![!\\])\[((?:\\.|[^\[\]\\]|\[(?:\\.|[^\[\]\\])*+\])*+)\]"
                         r"\(<?pamphlet-essay:(\d+)>?(?:[ \t]+\"(?:\\.|[^\"\\])*\")?\)")
# What no printed page can hold and no reader of the post saw as text.
_SILENT = ("script", "style", "template", "noscript", "link", "meta", "svg", "canvas")


@dataclass(frozen=True)
class Furniture:
    """Something a platform adds to its posts, found by its classes or component name."""

    name: str  # as the warning says it: "a subscribe box"
    classes: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def matches(self, element) -> bool:
        classes = set((element.get("class") or "").split())
        return bool(classes & set(self.classes)) or element.tag in self.tags or \
            (element.get("data-component-name") or "") in self.components


# Form controls, which the web page importer drops as it meets them: in a post, the words
# on them are said to be left out too.
CONTROLS = Furniture("a button or a form", tags=("button", "input", "select", "textarea",
                                                 "form"))


@dataclass
class Post:
    """What an export says of one post, before its body is converted."""

    html: str | None  # None: the member `name` holds it, read when the post is converted
    name: str  # the export's member that holds the post (or the export's own file)
    title: str
    draft: Draft = field(init=False)
    lead: str = ""  # HTML put before the body: a feature image, a podcast's address
    slug: str = ""  # the platform's own name for the post
    addresses: list[str] = field(default_factory=list)  # more it goes by, in links
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    tags: list[str] = field(default_factory=list)
    url: str | None = None
    publisher: str | None = None
    lang: str | None = None
    line: int | None = None  # the post's line, when its body is not a file of its own
    origin: Path | None = None

    def __post_init__(self):
        self.draft = keyed(Draft(self.title, "", _one_or_all(self.authors), self.date,
                                 self.tags, source_of(self.url, self.publisher), self.origin,
                                 lang=self.lang, subtitle=self.subtitle or None))


@dataclass
class Platform:
    """One export being imported: where its files are, what its posts hold that is not the
    author's, and which addresses are its own posts."""

    name: str  # "Substack"
    export: Bundle
    run: Run
    furniture: tuple[Furniture, ...] = ()
    posts: dict[str, Draft] = field(default_factory=dict)  # post_key(url) -> draft
    site_root: str | None = None  # the folder --site may name instead (Ghost's content/)
    rewrite: Callable | None = None  # reshapes a post's body before its conversion
    key: Callable | None = None  # a link's key in `posts`, other than post_key's
    _images: dict[str, list[str]] | None = None

    def post(self, href: str, base: str | None = None) -> Draft | None:
        """The draft of the export's post at `href` (an address or a relative file)."""
        if not href or href.startswith("#"):
            return None
        if base and not re.match(r"[a-z][a-z0-9+.-]*:|/", href, re.I):
            member = self.export.resolve(base, href.split("#")[0])
            if member is not None and member in self.posts:
                return self.posts[member]
        if self.key is not None and (key := self.key(href)) in self.posts:
            return self.posts[key]
        return self.posts.get(post_key(href))

    def same_name(self, name: str) -> str | None:
        """The export's one picture whose file name is `name`'s, if there is exactly one."""
        found = self.named(name)
        return found[0] if len(found) == 1 else None

    def named(self, name: str) -> list[str]:
        """The export's pictures whose file name is `name`'s."""
        if self._images is None:
            self._images = {}
            for member in self.export.names():
                if is_image_name(member):
                    self._images.setdefault(posixpath.basename(member).casefold(),
                                            []).append(member)
        return self._images.get(posixpath.basename(name).casefold(), [])


def keyed(draft: Draft) -> Draft:
    """`draft`, with a key other drafts of the import link to it by (`draft.essay_link`)."""
    draft.key = draft.key or f"export:{id(draft)}"
    return draft


def post_key(url: str) -> str:
    """An address as a key that ignores its scheme, `www.`, a trailing slash, its query and
    its fragment: the forms one post's address takes in links."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").removeprefix("www.")
    except ValueError:  # "http://[": no address of a post
        return url.strip().casefold()
    return f"{host}{unquote(parts.path).rstrip('/')}".casefold()


def source_of(url: str | None, publisher: str | None) -> str | dict | None:
    """The front matter's `source`: the address, with the publisher when there is one."""
    if url and publisher:
        return {"publisher": publisher, "url": url}
    return url or ({"publisher": publisher} if publisher else None)


def convert(post: Post, platform: Platform) -> Draft | None:
    """The post's draft, its body converted; None (after N849) for a fault of ours."""
    run = platform.run
    where = platform.export.where(post.name)
    body = post.html if post.html is not None else platform.export.text(post.name, MAX_POST_MB)
    if body is None:
        return None
    text = MARKERS.sub("", post.lead + body)
    page = _parse(f"<!DOCTYPE html><html><body>{text}</body></html>", where, run)
    if page is None:
        post.draft.body = ""
        return post.draft
    try:
        return _ExportPost(page, post, platform).draft()
    except Exception as error:  # a fault of ours must not cost the other posts
        run.diagnostics.error("N849", f"'{post.title}' could not be imported: an internal "
                              f"fault ({type(error).__name__}: {error})", where, post.line,
                              hint="please report it with the export; the other posts are "
                              "imported")
        return None


class _PostOnce(Once):
    """Warnings of a post whose body is not a file of its own point at the post's line."""

    def __init__(self, diagnostics, path, line):
        super().__init__(diagnostics, path)
        self.fixed = line

    def warn(self, code, key, message, line=None, hint=None):
        super().warn(code, key, message, self.fixed if self.fixed else line, hint)


class _ExportPost(_Page):
    """One post on its way to a draft (see the module's docstring)."""

    beside = "in the export"
    missing_hint = ("import with --site pointing at a folder that holds the site's images, "
                    "or add the image to source/ by hand")

    def __init__(self, page, post: Post, platform: Platform):
        # _Page's own __init__ finds a title and makes a draft; a post brings both.
        self.page, self.post, self.platform, self.run = page, post, platform, platform.run
        self.export = platform.export
        self.path = self.export.where(post.name)
        self.meta = PageMeta(post.title, post.authors, post.date, post.url, post.publisher,
                             post.lang, post.tags)
        Body.__init__(self, post.draft, _PostOnce(self.run.diagnostics, self.path, post.line))
        self.title, self.base = post.title, post.url

    def prepare(self) -> None:
        """The platform's furniture and the form controls leave, counted by kind (N893)."""
        if self.platform.rewrite is not None:
            self.platform.rewrite(self.page.find("body"))
        gone: Counter = Counter()
        first = None
        stack = [self.page.find("body")]
        while stack:
            element = stack.pop()
            kind = next((f for f in self.platform.furniture + (CONTROLS,)
                         if f.matches(element)), None) if element.getparent() is not None \
                else None
            if kind is None:
                stack.extend(reversed([c for c in element if isinstance(c.tag, str)]))
                continue
            if _words(element):
                gone[kind.name] += 1
                first = first or element.sourceline
            drop(element)
        if gone:
            what = ", ".join(f"{n} × {name}" if n > 1 else name for name, n in gone.items())
            self.once.warn("N893", "furniture", f"left out what {self.platform.name} adds to "
                           f"a post: {what}", first,
                           hint="these are the platform's, not the essay's; add back by hand "
                           "anything you want printed")

    def article(self):
        return self.page.find("body"), {}

    def clear(self, article, weights: dict) -> None:
        """Players become links to what they play; the title's own heading leaves."""
        for element in list(article.iter("iframe", "video", "audio")):
            if element.getparent() is not None:
                self.media_link(element)
        self.drop_title(article)

    def draft(self) -> Draft:
        self.essays: list[Draft] = []
        draft = super().draft()
        draft.body = _ESSAY_LINK.sub(lambda m: essay_link(
            self.essays[int(m.group(2))].key, m.group(1), markdown=True), draft.body)
        return draft

    def resolve_links(self, root) -> None:
        """A link to another post of the export becomes a link to its essay (an address
        markdownify keeps as it is, made the draft's token once converted)."""
        for link in root.iter("a"):
            href = (link.get("href") or "").strip()
            if href.lower().startswith(ESSAY_SCHEME):
                del link.attrib["href"]  # a post cannot forge one of ours
                continue
            target = self.platform.post(href, self.post.name)
            if target is not None and target is not self.draft_:
                self.essays.append(keyed(target))
                link.set("href", f"{ESSAY_SCHEME}{len(self.essays) - 1}")
        super().resolve_links(root)

    def media_link(self, element) -> None:
        """A player as a link to what it plays; a YouTube or Vimeo one, to its page."""
        src = (element.get("src") or "").strip()
        for pattern, address in _EMBEDS:
            if found := pattern.search(src):
                element.set("src", address.format(found.group(1)))
        super().media_link(element)

    def web_image(self, src: str, alt: str, caption: str, line: int | None) -> str:
        member = self.platform.same_name(unquote(src.split("?")[0].split("#")[0]))
        if member is not None and not src.startswith("data:"):
            return self.draft_.attach(self.export.member(member), alt, caption)
        return markdown_image(src, alt, caption)

    def local_image(self, name: str, alt: str, caption: str,
                    line: int | None) -> tuple[str | None, str | None]:
        """An image in the export: relative to the post, from the site's root, or the one
        picture of that name; else in the --site folder."""
        if name.startswith("/"):
            member = self.rooted(name)
        else:
            member = self.export.resolve(self.post.name, name) or \
                self.platform.same_name(name)
        if member is not None:
            if not self.picture(member):
                return None, "it is not an image"
            return self.draft_.attach(self.export.member(member), alt, caption), None
        return self.from_site(name, alt, caption, line)

    def rooted(self, name: str) -> str | None:
        """The export's file at a site-root path: the shortest member ending with it."""
        wanted = name.strip("/").casefold()
        found = [m for m in self.platform.named(name) if m.casefold() == wanted or
                 m.casefold().endswith("/" + wanted)]
        return min(found, key=len) if found else self.platform.same_name(name)

    def picture(self, member: str) -> bool:
        if is_image_name(member):
            return True
        head = self.export.read(member, MAX_IMAGE_MB, "image")
        return head is not None and image_kind(head[:1024]) is not None

    def from_site(self, name: str, alt: str, caption: str,
                  line: int | None) -> tuple[str | None, str | None]:
        site = self.run.site
        if site is None:
            return None, None
        relative = name.lstrip("/")
        candidates = [site / relative]
        root = self.platform.site_root
        if root and relative.startswith(root + "/"):
            candidates.append(site / relative[len(root) + 1:])
        gate = Gate((site.resolve(),), MAX_IMAGE_MB)
        refusal = None
        for candidate in candidates:
            try:
                return self.draft_.attach(gate.check(candidate, (self.path, line), "image"),
                                          alt, caption), None
            except Refused as refused:
                refusal = refusal or refused.diagnostics[0].message
        return None, refusal


def untitled(post: Post, platform: Platform, body: str | None = None) -> str:
    """A title for a post that has none: its first heading, else its first line (N810)."""
    if body is None:
        body = post.html if post.html is not None else \
            platform.export.text(post.name, MAX_POST_MB) or ""
    try:
        page = lxml_html.document_fromstring(f"<html><body>{MARKERS.sub('', body)}</body></html>")
        heading = next((h for h in page.iter("h1", "h2", "h3") if h.text_content().strip()),
                       None)
        text = heading.text_content() if heading is not None else "\n".join(
            p.text_content() for p in page.iter("p", "div", "li", "blockquote", "body")
            if p.text and p.text.strip())
    except Exception:  # lxml's verdict on a body that is no HTML: then it has no title
        heading, text = None, ""
    title = first_line(text) or (f"Untitled ({post.date})" if post.date else "Untitled")
    platform.run.diagnostics.warning(
        "N810", f"a post has no title; it is called '{title}' (from its "
        f"{'first heading' if heading is not None else 'first line' if text else 'date'})",
        platform.export.where(post.name), post.line,
        hint="give the essay a title in its front matter")
    return title


def _words(element) -> bool:
    """Whether a reader saw words in `element` (scripts and icons are not words)."""
    if element.tag in _SILENT:
        return False
    text = "".join(t for t in element.itertext() if not _in_silent(t))
    return bool(text.strip()) or bool(element.get("value", "").strip())


def _in_silent(text) -> bool:
    parent = text.getparent() if hasattr(text, "getparent") else None
    return parent is not None and parent.tag in _SILENT


def _one_or_all(names: list[str]) -> str | list[str] | None:
    names = list(dict.fromkeys(n for n in names if n))
    return None if not names else names[0] if len(names) == 1 else names


def html_fragment(markup: str) -> str:
    """Text the platform stored as HTML in a field of its own (a caption), as plain text."""
    if not markup or "<" not in markup and "&" not in markup:
        return markup or ""
    try:
        return " ".join(lxml_html.fragment_fromstring(markup, create_parent="div")
                        .text_content().split())
    except Exception:  # lxml's parse of a fragment that is no HTML: keep its characters
        return " ".join(markup.split())

