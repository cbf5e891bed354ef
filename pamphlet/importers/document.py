"""What the importers of marked-up documents (reStructuredText, Org, AsciiDoc) share: one file
is one essay, its metadata from the format's own fields (`Fields`), its body converted by
pandoc, its images copied, and whatever was left out named in a warning with its line.

Diagnostic codes: N870 a document pandoc could not convert (the file is not imported);
N871 a construct the importer does not know, kept as text or left out (warning); N872 an
include (`.. include::`, `#+INCLUDE`, `include::`) not followed (warning); N873 raw text
for another output format (LaTeX, ...) left out (warning); N874 a footnote defined but never
called, kept as a paragraph at the essay's end (warning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .body_images import Images
from .draft import Draft, Once, Run, iso_date
from .footnotes import reading_order
from .pandoc import PandocError, convert


# Pandoc's time grows with the cube of a list's depth (200 levels: seconds); no text nests
# this deep, and a document that does is refused before pandoc runs.
MAX_NESTING = 60
_MARKERS = re.compile(r"(?m)^([*.#:>-]{2,})[ \t]")


def _nesting(text: str) -> int:
    """How deep `text` nests: its deepest indentation (two spaces or a tab a level), or its
    longest run of list, heading or quote markers (AsciiDoc's `***`, Org's `***`)."""
    indent = max((len(line.expandtabs(2)) - len(line.expandtabs(2).lstrip(" "))
                  for line in text.split("\n") if line.strip()), default=0)
    markers = max((len(m.group(1)) for m in _MARKERS.finditer(text)), default=0)
    return max(indent // 2, markers)


@dataclass
class Fields:
    """An essay's metadata as a document states it."""

    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    tags: list[str] = field(default_factory=list)
    lang: str | None = None
    source: str | None = None
    summary: str | None = None
    status: str | None = None  # "draft", "private": not imported


def split_list(value: str) -> list[str]:
    """Tags or names written in one line: `a, b`, `a; b`, Org's `:a:b:`."""
    value = value.strip()
    if re.fullmatch(r":(?:[^:\s]+:)+", value):
        return value.strip(":").split(":")
    parts = re.split(r"[;,]" if re.search(r"[;,]", value) else r"\s+", value)
    return list(dict.fromkeys(p.strip().lstrip("#") for p in parts if p.strip().lstrip("#")))


def line_of(text: str, at: int) -> int:
    """The line of `text` that its character `at` is on."""
    return text.count("\n", 0, at) + 1


class Document:
    """One file's conversion: its warnings given once per construct, with their lines."""

    def __init__(self, text: str, path: Path, run: Run):
        self.text, self.path, self.run = text, path, run
        self.once = Once(run.diagnostics, path)
        self.log: list[str] = []  # pandoc's messages about the conversion

    def unknown(self, what: str, line, kept: bool = True, message: str | None = None) -> None:
        """Name a construct the importer does not know (once); `line` may be a function."""
        self.once.warn("N871", f"unknown:{what}", message or f"{what} is not known to the "
                       "importer; " + ("its text is kept as plain text" if kept else
                                      "it is left out"),
                       line, hint="check the essay's text there")

    def include(self, target: str, line: int | None) -> None:
        self.once.warn("N872", f"include:{target}", f"the include of {target} is not "
                       "followed; its text is not imported", line,
                       hint="import the included file too, or paste its text in")

    def uncalled(self, label: str, line: int | None) -> None:
        self.run.diagnostics.warning("N874", f"footnote {label} is never called; its text is "
                                     "kept as a paragraph at the end", self.path, line,
                                     hint="add a call to it where it belongs")

    def draft(self, fields: Fields, body: str, reader: str, code=None, fill=None,
              images_in: str = "") -> list[Draft]:
        """The essay: `body` converted from pandoc's `reader` format, with `fields` (which
        `fill(fields, meta)` may complete from pandoc's reading of the header); `code` turns
        interpreted text into inlines, `images_in` is the folder relative images are in."""
        if (depth := _nesting(body)) > MAX_NESTING:
            self.run.diagnostics.error("N870", f"cannot convert {self.path.name}: it nests "
                                       f"lists or blocks {depth} levels deep (at most "
                                       f"{MAX_NESTING} are read)", self.path,
                                       hint="nest less deeply")
            return []
        try:
            converted = convert(body, reader, code, images_in)
        except RecursionError:
            self.run.diagnostics.error("N870", f"cannot convert {self.path.name}: it nests "
                                       "lists or blocks too deep to read", self.path,
                                       hint="nest less deeply")
            return []
        except PandocError as error:
            self.run.diagnostics.error("N870", f"cannot convert {self.path.name}: {error}",
                                       self.path, hint="check that the file is valid "
                                       f"{reader}; the other files are still imported")
            return []
        if fill:
            fill(fields, converted.meta)
        if fields.status:
            self.run.skip(fields.status, self.path)
            return []
        if fields.date and fields.date > self.run.today.isoformat():
            self.run.skip("scheduled", self.path)
            return []
        self.log = converted.log
        for what in dict.fromkeys(converted.dropped):
            self.once.warn("N873", f"raw:{what}", f"{what} (for another output format) is "
                           "left out", None, hint="rewrite it in the document's own markup")
        title = fields.title or self.path.stem.replace("-", " ").replace("_", " ")
        draft = Draft(title, "", fields.authors or None, fields.date, fields.tags,
                      fields.source, self.path, lang=fields.lang, subtitle=fields.subtitle,
                      summary=fields.summary)
        # AsciiDoc's footnote:name[] calls a named note again; pandoc repeats its text
        merge = reader == "asciidoc" and bool(re.search(r"footnote:[\w-]+\[\]", body))
        markdown = reading_order(converted.markdown, merge_same=merge)
        draft.body = Images(draft, self.text, self.path, self.run).images(markdown)
        return [draft]


def date_of(value: str | None) -> str | None:
    return iso_date(value) if value else None
