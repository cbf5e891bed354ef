"""The Markdown of an export's post (Hashnode, Notion): its images found in the export and
copied, its links to the export's other posts made links between the essays, its embeds made
links. Code blocks and code spans are left as they are (`draft.prose`).

A relative link to a file of the export that is no post (a Notion database's table, a file
attached to a page) keeps only its text, and so does one that leads out of the export or to
nothing: each is said once per essay (N897).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from .article import Platform, keyed
from .body_images import Images
from .bundle import is_image_name
from .draft import Draft, essay_link, markdown_link, prose
from .html import MARKERS

# [text](destination "title"): the text may hold brackets in pairs, one level deep.
_LINK = re.compile(r"(?<![!\\])\[((?:[^\[\]\n]|\[[^\[\]\n]*\]){1,1000})\]\([ \t]*<?"
                   r"([^()\s<>]{1,2000}|[^()<>\n]{1,2000}?(?=>))>?"
                   r"((?:[ \t]+\"[^\"\n]{0,1000}\")?)[ \t]*\)")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.I)


class ExportMarkdown(Images):
    """One post's Markdown on its way to a draft: `Images` finding its pictures in the
    export rather than on the disk."""

    def __init__(self, draft: Draft, platform: Platform, name: str, text: str = ""):
        super().__init__(draft, text, platform.export.where(name), platform.run)
        self.platform, self.name, self.export = platform, name, platform.export

    def markdown(self, body: str) -> str:
        body = MARKERS.sub("", body)  # no post can forge the import's own tokens
        body = self.images(body)
        body = prose(body, lambda part: _LINK.sub(self.link, part))
        return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", body).strip()

    def find(self, src: str, snippet: str | None = None):
        """The export's picture an image names: relative to the post, or the one picture of
        that name; None (N815, N818) when there is none."""
        src = src.strip()
        member = self.export.resolve(self.name, src.split("?")[0]) or \
            self.platform.same_name(unquote(src.split("?")[0]))
        if member is not None and is_image_name(member):
            return self.export.member(member)
        if member is not None:
            self.once.warn("N818", f"image:{src}", f"image {unquote(src)} not copied: it is "
                           "not a picture", lambda: self.line(snippet or src),
                           hint="replace it with the picture it should be")
        else:
            self.once.warn("N815", f"image:{src}", f"image {unquote(src)} cannot be found in "
                           "the export; its alt text is shown in its place",
                           lambda: self.line(snippet or src),
                           hint="export again with its files, or add the image to source/ "
                           "by hand")
        return None

    def link(self, match: re.Match) -> str:
        text, href = match.group(1), match.group(2).strip()
        if href.startswith("#") or href.startswith("mailto:"):
            return match.group(0)
        target = self.platform.post(href, self.name)
        if target is not None and target is not self.draft:
            return essay_link(keyed(target).key, text, markdown=True)
        if _SCHEME.match(href):
            return match.group(0)
        self.once.warn("N897", f"link:{href}", f"a link to {unquote(href)}, which is no "
                       "imported essay, keeps only its text", lambda: self.line(match.group(0)),
                       hint="link the text by hand if it should lead somewhere")
        return text


def embed_link(url: str) -> str:
    """An embed (`%[https://…]`, a bare address on a line) as a paragraph with its link."""
    return markdown_link(url.strip())
