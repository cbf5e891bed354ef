"""WordPress exports (WXR 1.0 to 1.2, from wordpress.org or WordPress.com): each published
post as a draft, its shortcodes turned into what they mean.

The export namespace is matched by pattern (http or https, any version), so exports of every
WordPress era read alike. A file with small XML faults (an undeclared `atom:` prefix in old
WordPress.com exports, a stray `&`) is read again in lxml's recovery mode, with a warning
that says what was repaired. Entities are never expanded and nothing is fetched.
"""

from __future__ import annotations

import email.utils
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html as lxml_html

from .draft import Draft, Once, Run, code_block, markdown_image, markdown_link
from .xmlread import parse_export

_WP = re.compile(r"^https?://wordpress\.(?:org|com)/export/\d+(?:\.\d+)*/?$")
_CONTENT = "http://purl.org/rss/1.0/modules/content/"
_DC = "http://purl.org/dc/elements/1.1/"
_SKIPPED = {"draft": "draft", "auto-draft": "draft", "pending": "pending review",
            "private": "private", "future": "scheduled", "trash": "trashed"}
_TAXONOMIES = (None, "category", "post_tag", "tag")  # WXR 1.0 wrote "tag"; post_format is not
_MEDIA = ("src", "mp4", "m4v", "webm", "ogv", "wmv", "flv", "mp3", "ogg", "oga", "wav", "m4a",
          "wma", "flac", "url")
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:")
_URL_LINE = re.compile(r"(?m)^[ \t]*(https?://[^\s<>\"']+)[ \t]*$")
# WordPress's own shortcode pattern (get_shortcode_regex), for any name: [[escaped]],
# [name attrs], [name attrs /], [name attrs]content[/name].
_SHORTCODE = re.compile(r"\[(\[?)([A-Za-z][\w-]*)(?![\w-])([^\[\]]*?)(/)?\](\]?)")
_ATTR = re.compile(r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'"""
                   r"""|([\w-]+)\s*=\s*([^\s'"]+)|"([^"]*)"|'([^']*)'|(\S+)""")
_TOKEN = re.compile("\ue020(\\d+)\ue021")


@dataclass
class _Names:
    """The tags of one export: namespaced, or `prefix:name` where a prefix was undeclared."""

    wp: str | None
    content: str | None
    dc: str | None

    def wp_(self, name: str) -> str:
        return f"{{{self.wp}}}{name}" if self.wp else f"wp:{name}"

    def content_(self) -> str:
        return f"{{{self.content}}}encoded" if self.content else "content:encoded"

    def dc_(self, name: str) -> str:
        return f"{{{self.dc}}}{name}" if self.dc else f"dc:{name}"


@dataclass
class _Attachment:
    url: str
    title: str
    parent: int
    order: int
    caption: str


@dataclass
class _Export:
    """What posts refer to: the authors' display names and the attachments' addresses."""

    names: _Names
    authors: dict[str, str] = field(default_factory=dict)
    attachments: dict[int, _Attachment] = field(default_factory=dict)


def from_wxr(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """A WordPress export: each published post (and page, with --pages), as a draft."""
    root = _parse(raw, path, run)
    if root is None:
        return []
    names = _names(root)
    if names.wp is None and next(_all(root, "wp:post_type"), None) is None:
        run.diagnostics.error("N809", f"{path.name} is not a WordPress export (no wp: "
                              "namespace)", path, hint="export again from WordPress: Tools → "
                              "Export, All content")
        return []
    export = _read_export(root, names)
    drafts = []
    for item in root.iter("item"):
        draft = _post(item, export, path, run)
        if draft is not None:
            drafts.append(draft)
    return drafts


def _parse(raw: bytes, path: Path, run: Run):
    return parse_export(raw, path, run, "item", b"</rss>", "WordPress export", "N809",
                        "export again from WordPress: Tools → Export")


def _names(root) -> _Names:
    spaces = {e.tag[1:].split("}")[0] for e in root.iter()
              if isinstance(e.tag, str) and e.tag.startswith("{")}
    spaces |= set(root.nsmap.values())
    wp = next((s for s in sorted(spaces, key=str) if s and _WP.match(s)), None)
    return _Names(wp, _CONTENT if _CONTENT in spaces else None, _DC if _DC in spaces else None)


def _read_export(root, names: _Names) -> _Export:
    export = _Export(names)
    for author in _all(root, names.wp_("author")):
        login = _text(author, names.wp_("author_login"))
        if login:
            export.authors[login] = _plain(_text(author, names.wp_("author_display_name"))
                                           or login)
    for item in root.iter("item"):
        if _text(item, names.wp_("post_type")) != "attachment":
            continue
        number = _int(_text(item, names.wp_("post_id")))
        url = _text(item, names.wp_("attachment_url")) or _text(item, "guid")
        if number is not None and url:
            export.attachments[number] = _Attachment(
                url.strip(), _plain(_text(item, "title")),
                _int(_text(item, names.wp_("post_parent"))) or 0,
                _int(_text(item, names.wp_("menu_order"))) or 0,
                _plain(_excerpt(item)))
    return export


def _post(item, export: _Export, path: Path, run: Run) -> Draft | None:
    names = export.names
    kind = _text(item, names.wp_("post_type")) or "post"
    if kind not in ("post", "page"):
        return None  # attachments, menu items, reusable blocks, revisions: never essays
    status = _text(item, names.wp_("status")) or "publish"
    if kind == "page" and not run.pages:
        run.skip("page", path)
        return None
    if status != "publish" or _text(item, names.wp_("post_password")):
        run.skip("password-protected" if status == "publish" else _SKIPPED.get(status, status),
                 path)
        return None
    content = _text(item, names.content_()) or ""
    date = _date(item, names)
    once = Once(run.diagnostics, path)
    title = _plain(_text(item, "title")) or _untitled(content, date, item, once)
    creator = _plain(_text(item, names.dc_("creator")))
    body = _Body(export, _int(_text(item, names.wp_("post_id"))), once, item.sourceline)
    return Draft(title, body.markdown(content), export.authors.get(creator, creator) or None,
                 date, _tags(item), _address(item), path)


def _untitled(content: str, date: str | None, item, once: Once) -> str:
    heading = re.search(r"<h[1-6][^>]*>(.*?)</h[1-6]>", content, re.S | re.I)
    title = _plain(heading.group(1)) if heading else ""
    title = title or (f"Untitled ({date})" if date else "Untitled")
    once.warn("N810", f"untitled:{item.sourceline}", f"a post has no title; it is called "
              f"'{title}' (from its {'first heading' if heading else 'date'})",
              item.sourceline, hint="give the essay a title in its front matter")
    return title


def _date(item, names: _Names) -> str | None:
    for tag in (names.wp_("post_date"), names.wp_("post_date_gmt")):
        value = _text(item, tag)
        if value and re.match(r"\d{4}-\d\d-\d\d", value) and not value.startswith("0000"):
            return value[:10]
    try:
        return email.utils.parsedate_to_datetime(_text(item, "pubDate") or "").date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _tags(item) -> list[str]:
    tags = [_plain(c.text) for c in item.findall("category")
            if c.get("domain") in _TAXONOMIES and c.text]
    return list(dict.fromkeys(t for t in tags if t))


def _address(item) -> str | None:
    link = (_text(item, "link") or "").strip()
    guid = next((child for child in item if child.tag == "guid"), None)
    if not link.startswith(("http://", "https://")) and guid is not None and \
            guid.get("isPermaLink") != "false":
        link = (guid.text or "").strip()
    return link if link.startswith(("http://", "https://")) else None


def _converter():
    from markdownify import MarkdownConverter

    class Converter(MarkdownConverter):
        """markdownify, with a `|` in a table cell escaped so that it stays in its cell."""

        def convert_td(self, el, text, *args, **kwargs):
            return super().convert_td(el, text.replace("|", "\\|"), *args, **kwargs)

        def convert_th(self, el, text, *args, **kwargs):
            return super().convert_th(el, text.replace("|", "\\|"), *args, **kwargs)

    return Converter


class _Body:
    """A post's HTML as Markdown, its shortcodes and block comments turned into Markdown."""

    def __init__(self, export: _Export, post_id: int | None, once: Once, line: int | None):
        self.export, self.post_id, self.once, self.line = export, post_id, once, line
        self.blocks: list[str] = []

    def markdown(self, content: str) -> str:
        # Block comments are HTML comments, which markdownify drops too; removed first so
        # that no shortcode-like text in their JSON attributes is ever read as a shortcode.
        text = _without_block_comments(content)
        text = self.shortcodes(text)
        text = _URL_LINE.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', text)
        # WordPress stores classic posts as blank-line-separated text, not <p> elements.
        if "<p" not in text:
            text = "".join(f"<p>{part}</p>" for part in re.split(r"\n\s*\n", text)
                           if part.strip())
        markdown = _converter()(heading_style="ATX", bullets="-").convert(text)
        markdown = _TOKEN.sub(lambda m: f"\n\n{self.blocks[int(m.group(1))]}\n\n", markdown)
        return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", markdown).strip()

    def shortcodes(self, text: str) -> str:
        """`text` with each shortcode replaced, scanned once from left to right.

        An enclosing shortcode's closing tag is looked up once per name and position (not by
        one backtracking pattern), so a post of a thousand unclosed `[a]` stays linear."""
        out, at, closers, unknown = [], 0, {}, set()
        while (match := _SHORTCODE.search(text, at)) is not None:
            out.append(text[at:match.start()])
            at = match.end()
            if match.group(1) == "[" and match.group(5) == "]":
                out.append(match.group(0)[1:-1])  # [[name]]: WordPress's literal [name]
                continue
            name = match.group(2).lower()
            close = None if match.group(4) else _closer(text, name, at, closers)
            handler = getattr(self, f"_sc_{name.replace('-', '_')}", None)
            if handler is not None:
                inner = text[at:close.start()] if close else ""
                at = close.end() if close else at
                out.append(match.group(1) + self._block(handler(_attrs(match.group(3)), inner))
                           + match.group(5))
            else:
                out.append(self._unknown(match, name, close))
                unknown |= {name} if close and out[-1] != match.group(0) else set()
        text = "".join(out) + text[at:]
        for name in unknown:  # the closing tags of unknown shortcodes, whose text stays
            text = re.sub(rf"\[/{re.escape(name)}\]", "", text, flags=re.I)
        return text

    def _unknown(self, match: re.Match, name: str, close: re.Match | None) -> str:
        """An unknown shortcode, removed with a warning; brackets in prose, kept."""
        if not (close or match.group(4) or "=" in match.group(3) or re.search(r"[-_]", name)):
            return match.group(0)  # [sic], [simple boat]: brackets in prose, not a shortcode
        self.once.warn("N811", f"shortcode:{name}", f"unknown shortcode [{name}] removed"
                       + (" (the text inside it is kept)" if close else ""), self.line,
                       hint="check the post against the blog, and add by hand what it showed")
        return match.group(1) + match.group(5)

    def _block(self, markdown: str) -> str:
        self.blocks.append(markdown)
        return f"\ue020{len(self.blocks) - 1}\ue021"

    def _sc_caption(self, attrs: dict, inner: str) -> str:
        fragment = lxml_html.fragment_fromstring(inner or "<span></span>", create_parent="div")
        image = fragment.find(".//img")
        if image is None:
            return self._html_text(inner)
        caption = attrs.get("caption") or fragment.text_content()
        return markdown_image(image.get("src") or "", image.get("alt") or "", caption.strip())

    _sc_wp_caption = _sc_caption

    def _sc_gallery(self, attrs: dict, inner: str) -> str:
        wanted = attrs.get("ids") or attrs.get("include") or ""
        ids = [_int(n) for n in re.split(r"[\s,]+", wanted.strip()) if n]
        if not wanted:
            ids = [n for n, a in sorted(self.export.attachments.items(),
                                        key=lambda p: (p[1].order, p[0]))
                   if a.parent == self.post_id and self._is_image(a.url)]
        found = [self.export.attachments[n] for n in ids if n in self.export.attachments]
        missing = [str(n) for n in ids if n not in self.export.attachments]
        if missing:
            self.once.warn("N812", f"gallery:{','.join(missing)}", "gallery images not in the "
                           f"export: {', '.join(missing)}", self.line,
                           hint="export 'All content' (with media) to have them")
        return "\n\n".join(markdown_image(a.url, a.title, a.caption) for a in found)

    def _sc_code(self, attrs: dict, inner: str) -> str:
        return code_block(html.unescape(inner).strip("\n"),
                          attrs.get("lang") or attrs.get("language") or "")

    _sc_sourcecode = _sc_code

    def _sc_embed(self, attrs: dict, inner: str) -> str:
        url = (inner or "").strip() or attrs.get("src") or attrs.get("url") or attrs.get(0, "")
        return markdown_link(html.unescape(url)) if url else ""

    def _sc_video(self, attrs: dict, inner: str) -> str:
        url = next((attrs[key] for key in _MEDIA if attrs.get(key)), None) or attrs.get(0)
        url = url or re.sub(r"<[^>]*>", "", inner or "").strip()
        return markdown_link(html.unescape(url)) if url else ""

    _sc_audio = _sc_youtube = _sc_vimeo = _sc_video

    def _html_text(self, inner: str) -> str:
        from markdownify import markdownify

        return markdownify(inner, heading_style="ATX", bullets="-").strip()

    @staticmethod
    def _is_image(url: str) -> bool:
        return bool(re.search(r"\.(jpe?g|png|gif|webp|svg|avif|bmp|tiff?)(\?|$)", url, re.I))


def _without_block_comments(text: str) -> str:
    """`text` without Gutenberg's `<!-- wp:... -->` comments, in one pass."""
    out, at = [], 0
    while (start := _BLOCK_COMMENT.search(text, at)) is not None:
        end = text.find("-->", start.end())
        if end < 0:
            break
        out.append(text[at:start.start()])
        at = end + 3
    return "".join(out) + text[at:]


def _closer(text: str, name: str, at: int, found: dict) -> re.Match | None:
    """The first `[/name]` after `at`, remembered per name so that text is searched once."""
    known = found.get(name)
    if known and known[0] <= at and (known[1] is None or at <= known[1].start()):
        return known[1]
    match = re.compile(rf"\[/{re.escape(name)}\]", re.I).search(text, at)
    found[name] = (at, match)
    return match


def _attrs(text: str) -> dict:
    """Shortcode attributes as WordPress reads them; positional values under 0, 1, ..."""
    text = re.sub("[\u00a0\u200b]", " ", text).replace("\u201c", '"').replace("\u201d", '"')
    attrs: dict = {}
    position = 0
    for match in _ATTR.finditer(text):
        groups = match.groups()
        for key_at in (0, 2, 4):
            if groups[key_at]:
                attrs[groups[key_at].lower()] = html.unescape(groups[key_at + 1])
                break
        else:
            attrs[position] = html.unescape(next(g for g in groups[6:] if g is not None))
            position += 1
    return attrs


def _text(element, tag: str) -> str | None:
    # Children compared by tag, not found by path: `wp:x` under an undeclared prefix is a
    # plain tag name, which an ElementPath query would take for a prefix.
    found = next((child for child in element if child.tag == tag), None)
    return found.text if found is not None else None


def _all(root, tag: str):
    return (element for element in root.iter() if element.tag == tag)


def _excerpt(item) -> str:
    for child in item:
        if isinstance(child.tag, str) and "excerpt" in child.tag and \
                child.tag.endswith(("}encoded", ":encoded")):
            return child.text or ""
    return ""


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


def _plain(text: str | None) -> str:
    """Text of a title, category or name: tags dropped and HTML entities decoded once."""
    if not text:
        return ""
    if re.search(r"<[A-Za-z/!]", text):
        text = lxml_html.fragment_fromstring(text, create_parent="span").text_content()
    else:
        text = html.unescape(text)
    # Collapse ASCII white space only: a no-break space in a title is the author's.
    return re.sub(r"[ \t\r\n]+", " ", text).strip(" ")
