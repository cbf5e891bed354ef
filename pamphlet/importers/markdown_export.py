"""The Markdown of an export's post (Hashnode, Notion): its images found in the export and
copied, its links to the export's other posts made links between the essays, its embeds made
links. Code blocks and code spans are left as they are (`static_site._prose`).

A relative link to a file of the export that is no post (a Notion database's table, a file
attached to a page) keeps only its text, and so does one that leads out of the export or to
nothing: each is said once per essay (N877).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from .bundle import is_image_name
from .article import Platform
from .draft import Draft, Once, markdown_link, missing_image
from .html import MARKERS
from .static_site import _IMAGE, _prose

# [text](destination "title"): the text may hold brackets in pairs, one level deep.
_LINK = re.compile(r"(?<![!\\])\[((?:[^\[\]\n]|\[[^\[\]\n]*\]){1,1000})\]\([ \t]*<?"
                   r"([^()\s<>]{1,2000}|[^()<>\n]{1,2000}?(?=>))>?"
                   r"((?:[ \t]+\"[^\"\n]{0,1000}\")?)[ \t]*\)")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.I)


class ExportMarkdown:
    """One post's Markdown on its way to a draft."""

    def __init__(self, draft: Draft, platform: Platform, name: str, line: int | None = None):
        self.draft, self.platform, self.name = draft, platform, name
        self.export = platform.export
        self.once = Once(platform.run.diagnostics, self.export.where(name))
        self.line = line

    def markdown(self, body: str) -> str:
        body = MARKERS.sub("", body)  # no post can forge the import's own tokens
        body = _prose(body, lambda part: _IMAGE.sub(self.image, part))
        body = _prose(body, lambda part: _LINK.sub(self.link, part))
        return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", body).strip()

    def image(self, match: re.Match) -> str:
        alt, src, caption = match.group(1) or "", match.group(2) or match.group(4), match.group(3)
        if match.group(4):
            alt = (re.search(r"\balt=[\"']([^\"']*)", match.group(0)) or [None, ""])[1]
        src = src.strip()
        if _SCHEME.match(src) or src.startswith("#"):
            return match.group(0)  # on the web (the build leaves it out, saying so)
        member = self.export.resolve(self.name, src.split("?")[0]) or \
            self.platform.same_name(unquote(src))
        if member is not None and is_image_name(member):
            return self.draft.attach(self.export.member(member), alt, caption or "")
        self.once.warn("N815", f"image:{src}", f"image {unquote(src)} cannot be found in the "
                       "export; its alt text is shown in its place", self.line,
                       hint="export again with its files, or add the image to source/ by hand")
        return missing_image(alt or unquote(src).rsplit("/", 1)[-1])

    def link(self, match: re.Match) -> str:
        text, href, title = match.group(1), match.group(2).strip(), match.group(3)
        if href.startswith("#") or href.startswith("mailto:"):
            return match.group(0)
        target = self.platform.post(href, self.name)
        if target is not None and target is not self.draft:
            return f"[{text}]({self.draft.link(target, href)}{title})"
        if _SCHEME.match(href):
            return match.group(0)
        self.once.warn("N877", f"link:{href}", f"a link to {unquote(href)}, which is no "
                       "imported essay, keeps only its text", self.line,
                       hint="link the text by hand if it should lead somewhere")
        return text


def embed_link(url: str) -> str:
    """An embed (`%[https://…]`, a bare address on a line) as a paragraph with its link."""
    return markdown_link(url.strip())
