"""The model every importer fills: a `Draft` (an essay on its way in), the `Run` of one
`pamphlet import` with its options and findings, and the helpers that write Markdown from
what a source holds without losing a character.

May import: `project`, `diagnostics` (as the importers do).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..diagnostics import Diagnostics
from ..project.library import today

MAX_IMAGE_MB = 50
# A link's address, while a page is converted, that stands for `Draft.link`'s token
# (markdownify would write the token's own characters escaped).
ESSAY_SCHEME = "pamphlet-essay:"


@dataclass(frozen=True)
class Blob:
    """An image held in memory (a member of a DOCX, an EPUB or a zip), with its name there."""

    name: str
    data: bytes


@dataclass
class Draft:
    """An essay on its way in: front matter values and a Markdown body."""

    title: str
    body: str
    author: str | list[str] | None = None
    date: str | None = None
    tags: list[str] = field(default_factory=list)
    source: str | dict | None = None
    origin: Path | None = None
    images: dict[int, tuple] = field(default_factory=dict)  # token -> (file, alt, caption)
    lang: str | None = None
    subtitle: str | None = None
    license: str | None = None
    summary: str | None = None
    key: str | None = None  # how other drafts of the same import link to this one
    extra: dict = field(default_factory=dict)  # more front matter (a database's properties)

    def text(self, body: str | None = None) -> str:
        meta = {"title": self.title or "Untitled"}
        for key in ("subtitle", "author", "date", "tags", "source", "lang", "license",
                    "summary"):
            value = getattr(self, key)
            if value:
                meta[key] = value
        meta.update({k: v for k, v in self.extra.items() if k not in meta and v})
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
        return f"---\n{front}---\n\n{(self.body if body is None else body).strip()}\n"

    def attach(self, path: Path | Blob, alt: str = "", caption: str = "") -> str:
        """A token for the body that becomes an image of `path`'s copy in source/ (`path`
        may also be an export's member, read only then: see `bundle.Member`)."""
        number = len(self.images)
        self.images[number] = (path, alt, caption)
        return f"\ue010{number}\ue011"


def essay_link(key: str, text: str, fragment: str = "", markdown: bool = False) -> str:
    """A Markdown link to the draft whose `key` is `key`, made when every draft of the
    import has its slug (`write_drafts`); to a draft not written, the text alone. `text` is
    plain text, or with `markdown` a link's text already written as Markdown."""
    label = text if markdown else re.sub(r"([\\\[\]])", r"\\\1", text)
    return f"\ue012{key}\ue014{fragment}\ue014{label}\ue013"


@dataclass
class Run:
    """One `pamphlet import`: its options, its findings, and the posts it passed over."""

    diagnostics: Diagnostics
    split_at: str | None = None
    pages: bool = False
    site: Path | None = None
    paid: bool = False  # also posts for paying subscribers or members only
    chapters: str | None = None  # an EPUB's chapters to import: "3,5-7", "all"
    chapter: str | None = None  # or one chapter, by its title
    today: dt.date = field(default_factory=today)
    listings: list = field(default_factory=list)  # (book, chapters) for the CLI to show
    skipped: Counter = field(default_factory=Counter)
    skipped_in: set = field(default_factory=set)
    vaults: dict = field(default_factory=dict)  # an Obsidian vault's or Logseq graph's files

    def vault(self, root: Path, make):
        """The vault (or graph) at `root`, listed once for the whole import by `make`."""
        if root not in self.vaults:
            self.vaults[root] = make(root)
        return self.vaults[root]

    def skip(self, reason: str, path: Path) -> None:
        """Count a post that is not imported (a draft, a future post, a page...)."""
        self.skipped[reason] += 1
        self.skipped_in.add(path)

    def summarise(self) -> None:
        """The one line that says what was skipped, counted by status (N807)."""
        if not self.skipped:
            return
        total = sum(self.skipped.values())
        counts = ", ".join(f"{n} {reason}" for reason, n in sorted(
            self.skipped.items(), key=lambda item: (-item[1], item[0])))
        where = next(iter(self.skipped_in)) if len(self.skipped_in) == 1 else None
        hint = ("pages import with --pages; " if "page" in self.skipped else "") + \
            ("posts for subscribers or members import with --paid; "
             if {"paid-only", "members-only"} & set(self.skipped) else "") + \
            "publish a post (or clear 'draft') to import it"
        self.diagnostics.warning("N807", f"skipped {total} post{'s' * (total != 1)} that "
                                 f"{'are' if total != 1 else 'is'} not published: {counts}",
                                 where, hint=hint)
        self.skipped.clear()


def image_kind(head: bytes) -> str | None:
    """The suffix of the picture whose file begins with `head`, or None if it is none."""
    for magic, suffix in ((b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"),
                          (b"GIF87a", ".gif"), (b"GIF89a", ".gif"), (b"II*\x00", ".tif"),
                          (b"MM\x00*", ".tif"), (b"BM", ".bmp")):
        if head.startswith(magic):
            return suffix
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    if head[4:8] == b"ftyp" and b"avif" in head[8:32]:
        return ".avif"
    return ".svg" if b"<svg" in head[:1024].lower() else None


def markdown_image(src: str, alt: str = "", caption: str = "") -> str:
    """A Markdown image; with a caption, our Markdown makes it a figure with a figcaption."""
    alt = re.sub(r"([\\\[\]])", r"\\\1", " ".join(alt.split()))
    title = ' "' + " ".join(caption.split()).replace("\\", "\\\\").replace('"', '\\"') + '"' \
        if caption.strip() else ""
    return f"![{alt}](<{src}>{title})" if " " in src else f"![{alt}]({src}{title})"


def code_block(code: str, language: str = "") -> str:
    """A fenced code block, its fence longer than any run of backticks in the code."""
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", code)), default=0))
    language = re.sub(r"[^\w+#.-]", "", language)
    return f"{fence}{language}\n{code}\n{fence}"


def pairs(text: str, opening: re.Pattern, closing: re.Pattern, render) -> str:
    """`text` with each opening ... closing pair replaced by `render(opening match, inner
    text, closing match)`; an opening with no closing after it stays as it is.

    One pass: each search starts where the last one ended, whatever the text holds."""
    out, at = [], 0
    while (start := opening.search(text, at)) is not None:
        end = closing.search(text, start.end())
        if end is None:
            break
        out += [text[at:start.start()], render(start, text[start.end():end.start()], end)]
        at = end.end()
    return "".join(out) + text[at:]


def markdown_link(url: str, text: str | None = None) -> str:
    """A Markdown link to `url`, whose text is the URL itself unless given."""
    label = re.sub(r"([\\\[\]])", r"\\\1", text or url)
    return f"[{label}](<{url}>)" if " " in url else f"[{label}]({url})"


def missing_image(alt: str) -> str:
    """What stands in for an image that cannot be found: its alt text, marked, in a frame."""
    from html import escape

    return f'<span class="missing-image">{escape(alt or "image")}</span>'


@dataclass
class Once:
    """Warnings given once per essay per name (a shortcode, a template tag)."""

    diagnostics: Diagnostics
    path: Path | None
    seen: set = field(default_factory=set)

    def warn(self, code: str, key: str, message: str, line=None,
             hint: str | None = None) -> None:
        """Warn unless `key` was warned of; `line` may be a function, called only then."""
        if key not in self.seen:
            self.seen.add(key)
            self.diagnostics.warning(code, message, self.path,
                                     line() if callable(line) else line, hint)


_MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), 1) for name in names}
# Each part bounded, so that no text makes these backtrack.
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?!\d)")
_DAY_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\.?[ \t]{1,9}([A-Za-z]{3,9})\.?,?[ \t]{1,9}"
                        r"(\d{4})(?!\d)")
_MONTH_DAY = re.compile(r"([A-Za-z]{3,9})\.?[ \t]{1,9}(\d{1,2})(?:st|nd|rd|th)?,?[ \t]{1,9}"
                        r"(\d{4})(?!\d)")


def iso_date(text: str) -> str | None:
    """YYYY-MM-DD from the ways documents write a day: 2023-01-15 (a time or weekday after
    it, Org's <2023-01-15 Sun> too), 2023/01/15, 15 January 2023, January 15, 2023, Jan. 15
    2023; None for anything else (a season, a year alone) or a day no calendar has."""
    text = " ".join(str(text).split())[:200]
    for pattern, order in ((_ISO, "ymd"), (_DAY_MONTH, "dmy"), (_MONTH_DAY, "mdy")):
        found = pattern.search(text)
        if not found:
            continue
        parts = dict(zip(order, found.groups()))
        month = _MONTHS.get(parts["m"].lower()) if not parts["m"].isdigit() else int(parts["m"])
        try:
            return dt.date(int(parts["y"]), month or 0, int(parts["d"])).isoformat()
        except ValueError:
            continue
    return None


_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})")
_SPAN = re.compile(r"`[^`\n]+`")


def prose(text: str, change) -> str:
    """`text` with `change` applied outside fenced code blocks and code spans.

    A fence closes at a line of the same character at least as long; one never closed runs
    to the end (as CommonMark has it)."""
    parts, chunk, fence = [], [], None
    for line in text.splitlines(keepends=True):
        opening = _FENCE.match(line)
        if fence is None and opening:
            parts.append(_outside_spans("".join(chunk), change))
            chunk, fence = [line], opening.group(1)
        elif fence is not None and line.strip().startswith(fence) and \
                not line.strip().strip(fence[0]):
            parts.append("".join(chunk) + line)
            chunk, fence = [], None
        else:
            chunk.append(line)
    rest = "".join(chunk)
    return "".join(parts) + (rest if fence is not None else _outside_spans(rest, change))


def _outside_spans(text: str, change) -> str:
    parts, at = [], 0
    for span in _SPAN.finditer(text):
        parts += [change(text[at:span.start()]), span.group(0)]
        at = span.end()
    return "".join(parts + [change(text[at:])])
