"""The images a Markdown body names in the file system, found through the gate (inside the
site checkout, the vault or graph, or beside the file) and attached to the draft for copying;
an image that cannot be found or read is named (N815, N818) and its alt text shown instead.
Every importer of Markdown-like text uses it: static sites, notes, documents."""

from __future__ import annotations

import re
from pathlib import Path

from ..store.paths import Gate, Refused
from .draft import MAX_IMAGE_MB, Draft, Once, Run, missing_image, prose

_IMAGE = re.compile(r"!\[([^\[\]\n]{0,500})\]\([ \t]*<?([^()\[\]\s<>]{1,2000})>?"
                    r"(?:[ \t]+\"([^\"\n]{0,1000})\")?[ \t]*\)"
                    r"|<img\b[^<>]{0,2000}?\bsrc=[\"']([^\"'<>]{1,2000})[\"'][^<>]{0,2000}>", re.I)


class Images:
    """One file's images, and the line finder its warnings use."""

    def __init__(self, draft: Draft, text: str, path: Path, run: Run, root: Path | None = None):
        self.draft, self.text, self.path, self.run = draft, text, path, run
        self.root = root  # a vault or graph, whose files the note's images may be
        self.once = Once(run.diagnostics, path)

    def images(self, body: str) -> str:
        """`body` with each image it names in the file system copied (outside code)."""
        return prose(body, lambda part: _IMAGE.sub(self.image, part))

    def line(self, snippet: str) -> int | None:
        """The line of the file where `snippet` first stands on a line of its own, or else
        first appears."""
        alone = re.search(rf"(?m)^[ \t]*{re.escape(snippet)}[ \t]*$", self.text)
        at = alone.start() if alone else self.text.find(snippet)
        return self.text[:at].count("\n") + 1 if at >= 0 else None

    def image(self, match: re.Match) -> str:
        alt, src, caption = match.group(1) or "", match.group(2) or match.group(4), match.group(3)
        if match.group(4):
            alt = (re.search(r"\balt=[\"']([^\"']*)", match.group(0)) or [None, ""])[1]
        if re.match(r"[a-z][a-z0-9+.-]*:|#", src, re.I):
            return match.group(0)  # an address on the web, or data: — the build decides
        found = self.find(src)
        if found is None:
            return missing_image(alt or src.rsplit("/", 1)[-1])
        return self.draft.attach(found, alt, caption or "")

    def find(self, src: str, snippet: str | None = None) -> Path | None:
        """The file an image names, inside the site checkout (or beside the post)."""
        from urllib.parse import unquote

        name = unquote(src.split("?")[0].split("#")[0])
        site = self.run.site
        if name.startswith("/"):
            candidates = [site / folder / name.lstrip("/") for folder in ("", "static", "content")] \
                if site else []  # Hugo's static/, Pelican's content/
        else:  # beside the note, or (Obsidian's links from the vault's root) in the vault
            candidates = [self.path.parent / name] + ([self.root / name] if self.root else [])
        gate = Gate(((self.root or site or self.path.parent).resolve(),), MAX_IMAGE_MB)
        refusal = None
        for candidate in candidates:
            try:
                return gate.check(candidate, (self.path, None), "image")
            except Refused as refused:
                refusal = refusal if refusal and "not found" not in refusal.diagnostics[0].message \
                    else refused
        self.report_missing(src, refusal, lambda: self.line(snippet or src))
        return None

    def report_missing(self, src: str, refusal: Refused | None, line) -> None:
        reason = refusal.diagnostics[0].message if refusal else "not found"
        if refusal and "not found" not in reason:
            self.once.warn("N818", f"image:{src}", f"image {src} not copied: {reason}", line,
                           hint="copy the image into the site checkout")
            return
        self.once.warn("N815", f"image:{src}", f"image {src} cannot be found"
                       + ("" if self.run.site or not src.startswith("/") else " (a path "
                          "from the site's root: import with --site DIR to copy it)")
                       + "; its alt text is shown in its place", line,
                       hint="import with --site pointing at a checkout of the site, or add "
                       "the image to source/ by hand")
