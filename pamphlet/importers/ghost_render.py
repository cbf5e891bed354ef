"""Ghost's two stored forms of a post, Lexical (Ghost 5 and 6) and Mobiledoc (Ghost 1 to 5),
as the HTML Ghost itself would render: for a post whose export has no `html`.

Cards are rendered by kind, their payload's keys being the same in both forms. A card that
shows nothing but the platform (a button, a signup form, the paywall's marker) renders as the
element Ghost gives it, so that the post's conversion names it as furniture; a card of a kind
not known here is left out and said (N896). Text is escaped; only the `html` and `markdown`
cards carry markup of the author's, which the conversion treats as any post's HTML.
"""

from __future__ import annotations

import json
import re
from html import escape

# Lexical's text formats, as bits of a text node's `format`, and the tags Ghost gives them.
_FORMATS = ((1, "strong"), (2, "em"), (4, "s"), (8, "u"), (16, "code"), (32, "sub"),
            (64, "sup"), (128, "mark"))


class Render:
    """One post's rendering; `left_out` names the cards of kinds it does not know."""

    def __init__(self):
        self.left_out: list[str] = []

    # Cards, as both forms store them ---------------------------------------------------

    def card(self, kind: str, card: dict) -> str:
        method = getattr(self, "card_" + kind.replace("-", "_"), None)
        if method is None:
            self.left_out.append(kind)
            return ""
        return method(card)

    def card_image(self, card: dict) -> str:
        image = f'<img src="{_attr(card.get("src"))}" alt="{_attr(card.get("alt"))}">'
        if card.get("href"):
            image = f'<a href="{_attr(card["href"])}">{image}</a>'
        caption = card.get("caption") or ""
        return f"<figure>{image}" + (f"<figcaption>{caption}</figcaption>" if caption else "") \
            + "</figure>"

    def card_gallery(self, card: dict) -> str:
        images = card.get("images") if isinstance(card.get("images"), list) else []
        shown = "".join(self.card_image(i) for i in images if isinstance(i, dict))
        caption = card.get("caption") or ""
        return shown + (f"<p>{caption}</p>" if caption else "")

    def card_markdown(self, card: dict) -> str:
        import markdown

        text = str(card.get("markdown") or "")
        rendered = markdown.markdown(text, extensions=["footnotes", "tables", "fenced_code"],
                                     output_format="html")
        # as Ghost marks it in a post's html: each card's notes are told apart by it
        return f"<!--kg-card-begin: markdown-->{rendered}<!--kg-card-end: markdown-->"

    def card_html(self, card: dict) -> str:
        return str(card.get("html") or "")

    def card_codeblock(self, card: dict) -> str:
        language = _attr(card.get("language"))
        return (f'<pre><code class="language-{language}">' if language else "<pre><code>") + \
            escape(str(card.get("code") or "")) + "</code></pre>"

    card_code = card_codeblock

    def card_horizontalrule(self, card: dict) -> str:
        return "<hr>"

    card_hr = card_horizontalrule

    def card_callout(self, card: dict) -> str:
        emoji = escape(str(card.get("calloutEmoji") or ""))
        text = str(card.get("calloutText") or "")
        if not text.lstrip().startswith("<p"):
            text = f"<p>{text}</p>"
        if emoji:  # the emoji opens the callout's first line, as Ghost shows it
            text = re.sub(r"^(\s*<p\b[^>]*>)", lambda m: f"{m.group(1)}{emoji} ", text, count=1)
        return f"<blockquote>{text}</blockquote>"

    def card_toggle(self, card: dict) -> str:
        return f"<p><strong>{card.get('heading') or ''}</strong></p>{card.get('content') or ''}"

    def card_bookmark(self, card: dict) -> str:
        meta = card.get("metadata") if isinstance(card.get("metadata"), dict) else {}
        url = _attr(card.get("url"))
        title = escape(str(meta.get("title") or card.get("url") or ""))
        text = escape(str(meta.get("description") or ""))
        caption = card.get("caption") or ""
        return f'<p><a href="{url}">{title}</a>' + (f"<br>{text}" if text else "") + "</p>" + \
            (f"<p>{caption}</p>" if caption else "")

    def card_embed(self, card: dict) -> str:
        meta = card.get("metadata") if isinstance(card.get("metadata"), dict) else {}
        url = _attr(card.get("url"))
        title = escape(str(meta.get("title") or card.get("url") or ""))
        caption = card.get("caption") or ""
        return (f'<p><a href="{url}">{title}</a></p>' if url else "") + \
            (f"<p>{caption}</p>" if caption else "")

    def card_video(self, card: dict) -> str:
        return self._media(card.get("src"), card.get("caption") or card.get("fileName"))

    def card_audio(self, card: dict) -> str:
        return self._media(card.get("src"), card.get("title"))

    def card_file(self, card: dict) -> str:
        return self._media(card.get("src"), card.get("fileTitle") or card.get("fileName"),
                           card.get("fileCaption"))

    def _media(self, src, title, caption=None) -> str:
        if not src:
            return ""
        shown = escape(str(title or src))
        return f'<p><a href="{_attr(src)}">{shown}</a></p>' + \
            (f"<p>{escape(str(caption))}</p>" if caption else "")

    def card_header(self, card: dict) -> str:
        header, sub = card.get("header") or "", card.get("subheader") or ""
        return (f"<h2>{header}</h2>" if header else "") + (f"<p>{sub}</p>" if sub else "") + \
            self.card_button({"buttonText": card.get("buttonText"),
                              "buttonUrl": card.get("buttonUrl")})

    def card_product(self, card: dict) -> str:
        title = card.get("productTitle") or ""
        image = card.get("productImageSrc")
        return (self.card_image({"src": image}) if image else "") + \
            (f"<h3>{title}</h3>" if title else "") + str(card.get("productDescription") or "") \
            + self.card_button({"buttonText": card.get("productButton"),
                                "buttonUrl": card.get("productUrl")})

    def card_button(self, card: dict) -> str:
        text = escape(str(card.get("buttonText") or ""))
        return f'<div class="kg-button-card"><a href="{_attr(card.get("buttonUrl"))}">' \
            f"{text}</a></div>" if text else ""

    def card_signup(self, card: dict) -> str:
        words = " ".join(str(card.get(k) or "") for k in ("header", "subheader", "disclaimer",
                                                          "buttonText"))
        return f'<div class="kg-signup-card">{words}</div>'

    def card_call_to_action(self, card: dict) -> str:
        return f'<div class="kg-cta-card">{card.get("textValue") or ""}' \
            f'{escape(str(card.get("buttonText") or ""))}</div>'

    def card_email_cta(self, card: dict) -> str:
        return f'<div class="kg-email-cta-card">{card.get("html") or ""}</div>'

    def card_email(self, card: dict) -> str:
        return f'<div class="kg-email-card">{card.get("html") or ""}</div>'

    def card_paywall(self, card: dict) -> str:
        return ""

    card_transistor = card_paywall  # a podcast player, shown only to members

    # Lexical ---------------------------------------------------------------------------

    def lexical(self, document: dict) -> str:
        root = document.get("root") if isinstance(document, dict) else None
        return self.children(root) if isinstance(root, dict) else ""

    def children(self, node: dict) -> str:
        children = node.get("children")
        return "".join(self.node(c) for c in children if isinstance(c, dict)) \
            if isinstance(children, list) else ""

    def node(self, node: dict) -> str:
        kind = str(node.get("type") or "")
        if kind in ("text", "extended-text", "tk"):
            return self.text(node)
        if kind == "linebreak":
            return "<br>"
        if kind == "tab":
            return "\t"
        if kind in ("link", "autolink", "at-link"):
            return f'<a href="{_attr(node.get("url"))}">{self.children(node)}</a>'
        tag = _ELEMENTS.get(kind)
        if kind in ("heading", "extended-heading"):
            tag = str(node.get("tag") or "h2") if str(node.get("tag")) in _HEADINGS else "h2"
        elif kind == "list":
            return self.list(node)
        if tag is not None:
            return f"<{tag}>{self.children(node)}</{tag}>"
        if "children" in node:  # an element of a kind not known here keeps its text
            return self.children(node)
        return self.card(kind, node)

    def text(self, node: dict) -> str:
        text = escape(str(node.get("text") or ""))
        format_ = node.get("format") if isinstance(node.get("format"), int) else 0
        for bit, tag in _FORMATS:
            if format_ & bit:
                text = f"<{tag}>{text}</{tag}>"
        return text

    def list(self, node: dict) -> str:
        tag = "ol" if node.get("listType") == "number" or node.get("tag") == "ol" else "ul"
        start = node.get("start")
        opening = f'<ol start="{start}">' if tag == "ol" and isinstance(start, int) and \
            start != 1 else f"<{tag}>"
        items = [c for c in node.get("children") or [] if isinstance(c, dict)]
        return opening + "".join(f"<li>{self.children(item)}</li>" for item in items) + \
            f"</{tag}>"

    # Mobiledoc -------------------------------------------------------------------------

    def mobiledoc(self, document: dict) -> str:
        self.atoms = _list(document.get("atoms"))
        self.cards = _list(document.get("cards"))
        self.markups = _list(document.get("markups"))
        return "".join(self.section(s) for s in _list(document.get("sections")))

    def section(self, section) -> str:
        if not isinstance(section, list) or not section:
            return ""
        kind = section[0]
        if kind == 1 and len(section) >= 3:
            tag = str(section[1]).lower()
            tag = "blockquote" if tag in ("aside", "pull-quote") else \
                tag if tag in _SECTION_TAGS else "p"
            return f"<{tag}>{self.markers(section[2])}</{tag}>"
        if kind == 2 and len(section) >= 2:
            return self.card_image({"src": section[1]})
        if kind == 3 and len(section) >= 3:
            tag = "ol" if str(section[1]).lower() == "ol" else "ul"
            return f"<{tag}>" + "".join(f"<li>{self.markers(item)}</li>"
                                        for item in _list(section[2])) + f"</{tag}>"
        if kind == 10 and len(section) >= 2 and isinstance(section[1], int) and \
                0 <= section[1] < len(self.cards):
            card = _list(self.cards[section[1]])
            if len(card) >= 1:
                return self.card(str(card[0]),
                                 card[1] if len(card) > 1 and isinstance(card[1], dict) else {})
        return ""

    def markers(self, markers) -> str:
        out, open_tags = [], []
        for marker in _list(markers):
            if not isinstance(marker, list) or len(marker) < 4:
                continue
            kind, opened, closed, value = marker[:4]
            for index in _list(opened):
                tag, attrs = self.markup(index)
                out.append(f"<{tag}{attrs}>")
                open_tags.append(tag)
            out.append(self.atom(value) if kind == 1 else escape(str(value)))
            for _ in range(min(closed if isinstance(closed, int) else 0, len(open_tags))):
                out.append(f"</{open_tags.pop()}>")
        out += [f"</{tag}>" for tag in reversed(open_tags)]
        return "".join(out)

    def markup(self, index) -> tuple[str, str]:
        markup = _list(self.markups[index]) if isinstance(index, int) and \
            0 <= index < len(self.markups) else []
        tag = str(markup[0]).lower() if markup else "span"
        tag = tag if tag in _MARKUP_TAGS else "span"
        pairs = _list(markup[1]) if len(markup) > 1 else []
        attrs = "".join(f' {name}="{_attr(value)}"' for name, value in zip(pairs[::2],
                                                                           pairs[1::2])
                        if str(name) in ("href", "rel", "title"))
        return tag, attrs

    def atom(self, index) -> str:
        atom = _list(self.atoms[index]) if isinstance(index, int) and \
            0 <= index < len(self.atoms) else []
        if atom and atom[0] == "soft-return":
            return "<br>"
        return escape(str(atom[1])) if len(atom) > 1 else ""


_ELEMENTS = {"paragraph": "p", "quote": "blockquote", "extended-quote": "blockquote",
             "aside": "blockquote", "listitem": "li", "root": None}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_SECTION_TAGS = _HEADINGS + ("p", "blockquote")
_MARKUP_TAGS = ("a", "b", "strong", "i", "em", "u", "s", "code", "sub", "sup", "mark")


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _attr(value) -> str:
    return escape(str(value or ""), quote=True)


def parse_document(text) -> dict | None:
    """A Lexical or Mobiledoc document, stored as a JSON string in the export."""
    if isinstance(text, dict):
        return text
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        found = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return found if isinstance(found, dict) else None
