"""Web addresses in running text: found, made links, and set so that a line breaks them only
where a reader sees a break is no hyphen.

An address written out in an essay (`https://example.org/notes`, `www.example.org`) becomes
a link, as GitHub's Markdown makes it, so the e-book can follow it. On paper an address is
not a word: `hyphens: auto` would break it as one and add a hyphen that is no part of it.
`breakable` lets a line break it only where the Chicago Manual of Style says (7.42): after
`//`, before a single slash, a dot, a comma, a hyphen, an underscore, a tilde, `#`, `%`,
`?` or `@`, before or after `=` and `&`. Each piece between two such places is kept whole
(white-space: nowrap) and a `<wbr>` stands between pieces; a piece too long for any line
(a hash, say) may still be broken anywhere, with no hyphen.
"""

from __future__ import annotations

import re
from html import escape, unescape

# An address as people write one in text: a scheme and //, or www.; mail addresses too.
# What may follow it (GFM's rule): trailing punctuation, and a ) it does not open, are not
# part of it.
URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"\u00a0\u2000-\u200b\u2066-\u2069\u3000]+"
                 r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_TRAILING = ".,:;!?*_~'\"’”)"
# Where a line may break: after "//" (or ":" before it), before these, around = and &.
_BEFORE = "/.,-_~#%?@"
_AROUND = "=&"
LONGEST_PIECE = 24  # characters; a longer piece may be broken anywhere
_NOWRAP = "white-space: nowrap"
_ANYWHERE = "overflow-wrap: anywhere; hyphens: manual"  # broken, but never hyphenated
SKIP = {"a", "code", "pre", "script", "style", "title", "head", "svg", "math", "textarea",
        "kbd", "samp"}  # text in these is code, already a link, or no running text
# In a document: what is not running text (a comment, a tag, or an element whose text is no
# prose: the head, code, styles, scripts, drawings), passed over whole.
_MARKUP = re.compile(r"<!--.*?-->|<(head|script|style|pre|code|kbd|samp|svg|math|textarea)\b"
                     r"[^>]*>.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)


def find(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each address in `text`, without punctuation that ends a sentence."""
    found = []
    for match in URL.finditer(text):
        start, end = match.span()
        while end > start and text[end - 1] in _TRAILING:
            if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
                break  # (a balanced parenthesis belongs to it: wikipedia's Foo_(bar))
            end -= 1
        if "." in text[start:end].split("//", 1)[-1]:  # a host with a dot, at least
            found.append((start, end))
    return found


def href(address: str) -> str:
    """The link an address written in text goes to."""
    if "://" in address:
        return address
    return f"mailto:{address}" if "@" in address and not address.lower().startswith(
        "www.") else f"https://{address}"


def pieces(address: str) -> list[str]:
    """The address cut where a line may break it; joined, they are the address."""
    cut = [0]
    scheme = address.find("//")
    for index, char in enumerate(address):
        if index == 0:
            continue
        if 0 <= scheme and index == scheme + 2:
            cut.append(index)  # after the // that ends the scheme
        elif scheme <= index < scheme + 2 and scheme >= 0:
            continue  # never inside "://"
        elif char in _BEFORE and address[index - 1] not in _BEFORE + _AROUND:
            cut.append(index)
        elif char in _AROUND or address[index - 1] in _AROUND:
            cut.append(index)
    cut.append(len(address))
    return [address[a:b] for a, b in zip(cut, cut[1:]) if b > a]


def linked_text(text: str, target=href) -> str:
    """Plain `text` as HTML, each address in it a link to `target(address)` (for the
    e-book's own pages)."""
    out, last = [], 0
    for start, end in find(text):
        address = text[start:end]
        out += [escape(text[last:start]),
                f'<a class="url" dir="ltr" href="{escape(target(address))}">{escape(address)}</a>']
        last = end
    return "".join(out) + escape(text[last:])


def linkify(tree, make, target=href) -> None:
    """Make each address in the text of `tree` (an lxml or ElementTree element) a link to
    `target(address)`, as `make(tag, attributes)` makes elements; text inside links and code
    is left alone."""
    for parent, element, attribute in list(_runs(tree, SKIP)):
        _split(parent, element, attribute, lambda address: _link(make, address, target))


def breakable_html(html: str) -> str:
    """The HTML document with each address in its running text cut into pieces that a line
    breaks only between, as the module says. It reads the document as our templates and the
    essays' XHTML write it (text never holds a raw "<"), so it needs no parser: a whole
    book's HTML is read in milliseconds, where parsing it would take seconds."""
    out, last = [], 0
    for match in _MARKUP.finditer(html):
        out.append(_breakable_text(html[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_breakable_text(html[last:]))
    return "".join(out)


def _breakable_text(run: str) -> str:
    """A run of HTML text (with its entities), its addresses cut into pieces."""
    if not URL.search(run):
        return run
    text = unescape(run)
    out, last = [], 0
    for start, end in find(text):
        out += [escape(text[last:start], quote=False), _pieces_html(text[start:end])]
        last = end
    return "".join(out) + escape(text[last:], quote=False)


def _pieces_html(address: str) -> str:
    # Left to right and isolated as one: WeasyPrint lays each piece out as a box of its own,
    # and in a right-to-left line would set the boxes right to left ("org.example@bo").
    return '<bdi dir="ltr">' + "<wbr>".join(
        f'<span style="{_NOWRAP if len(piece) <= LONGEST_PIECE else _ANYWHERE}">'
        f"{escape(piece, quote=False)}</span>" for piece in pieces(address)) + "</bdi>"


def _runs(element, skip: set[str], parent=None, skipped: bool = False):
    """(parent, element, "text" or "tail") for each run of text with an address in it."""
    if not isinstance(element.tag, str):  # a comment or processing instruction
        inside = skipped
    else:
        inside = skipped or _name(element.tag) in skip
        if not inside and element.text and URL.search(element.text):
            yield parent, element, "text"
    for child in list(element):
        yield from _runs(child, skip, element, inside)
    if parent is not None and not skipped and element.tail and URL.search(element.tail):
        yield parent, element, "tail"


def _name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _split(parent, element, attribute: str, replace) -> None:
    """Replace each address in element.text (or .tail) with what `replace` makes of it:
    as the element's first children, or as its following siblings."""
    text = getattr(element, attribute)
    spans = find(text)
    if not spans:
        return
    setattr(element, attribute, text[:spans[0][0]])
    into, index = (element, 0) if attribute == "text" else \
        (parent, list(parent).index(element) + 1)
    new = []
    for number, (start, end) in enumerate(spans):
        made = replace(text[start:end])
        following = spans[number + 1][0] if number + 1 < len(spans) else len(text)
        made[-1].tail = text[end:following]
        new += made
    for offset, child in enumerate(new):
        into.insert(index + offset, child)


def _link(make, address: str, target) -> list:
    link = make("a", {"href": target(address), "class": "url", "dir": "ltr"})
    link.text = address
    return [link]
