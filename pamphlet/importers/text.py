"""Plain text: one essay, or several split at a marker line or at underlined titles.

A Project Gutenberg text loses its header and licence; its title, author, language and
ebook URL come from the header. In every plain text, a block of short lines (verse, an
address, a title page) keeps its line breaks, and indentation never becomes a code block.

Diagnostic code: N830 a text that holds no essay: empty, or a Gutenberg text with nothing
between its start and end lines (warning).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..diagnostics import Diagnostics
from .draft import Draft

NBSP = "\u00a0"
SHORT = 55  # a block whose lines are shorter than this is set line by line (verse)
_START = re.compile(r"(?im)^[ \t]*(?:\*{3}[ \t]*START OF (?:THE|THIS) PROJECT GUTENBERG"
                    r"\b.*|\*END\*THE SMALL PRINT!.*)$")
_END = re.compile(r"(?im)^[ \t]*(?:\*{3}[ \t]*END OF (?:THE|THIS) PROJECT GUTENBERG\b"
                  r"|End of (?:the )?Project Gutenberg(?:'s)?\b).*$")
_CREDIT = re.compile(r"(?i)(?:produced by|e-?text prepared by|transcribed (?:from|by))\b")
LANGUAGES = {"english": "en", "french": "fr", "german": "de", "spanish": "es",
             "italian": "it", "portuguese": "pt", "dutch": "nl", "latin": "la",
             "finnish": "fi", "swedish": "sv", "danish": "da", "norwegian": "no",
             "greek": "el", "russian": "ru", "polish": "pl", "hungarian": "hu",
             "esperanto": "eo", "chinese": "zh", "japanese": "ja", "catalan": "ca",
             "czech": "cs", "welsh": "cy", "irish": "ga", "icelandic": "is", "tagalog": "tl"}


def from_text_file(raw: bytes, path: Path, run) -> list[Draft]:
    """A text file's essays (see `from_text`), once its bytes are decoded."""
    text = decode_text(raw, path, run)
    return [] if text is None else from_text(text, path, run.split_at, run.diagnostics)


def decode_text(raw: bytes, path: Path, run) -> str | None:
    """A text file's characters: UTF-8 (with or without a byte-order mark), or the encoding
    a Project Gutenberg header declares; else None after an error (N805) that names the line
    of the first byte that is not UTF-8."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = declared_decode(raw)  # a Gutenberg text says its encoding in its header
        if text is None:
            run.diagnostics.error("N805", f"cannot read {path.name}: it is not UTF-8 text "
                                  f"({error.reason} at byte {error.start})", path,
                                  raw[:error.start].count(b"\n") + 1,
                                  hint="save it as UTF-8 text, or import the document it came "
                                  "from")
            return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def from_text(text: str, path: Path, split_at: str | None = None,
              diagnostics: Diagnostics | None = None) -> list[Draft]:
    """Plain text: one essay, or several split at a marker line or at underlined titles.

    A title is the first line when a blank line follows it, or a line underlined with `===`.
    A Project Gutenberg text is one essay titled from its header unless it splits.
    """
    book = gutenberg(text)
    if book is not None:
        text = book.pop("body")
    if split_at is not None:
        parts = re.split(rf"(?m)^{re.escape(split_at)}[ \t]*$", text)
    else:
        parts = re.split(r"(?m)^(?=.+\n=+[ \t]*$)", text)
    parts = [p.strip("\n") for p in parts if p.strip()]
    if not parts and diagnostics is not None:
        diagnostics.warning("N830", f"{path.name} holds no text to import" + (
            " between its Project Gutenberg start and end lines" if book else ""), path,
            hint="check that this is the file you meant")
    drafts = []
    for part in parts:
        lines = part.split("\n")
        underlined = len(lines) > 1 and re.fullmatch(r"=+[ \t]*", lines[1])
        if book and len(parts) == 1 and book.get("title"):
            title, body = book["title"], part
        elif underlined or (len(lines) > 2 and not lines[1].strip() and len(lines[0]) < 120):
            title, body = lines[0].strip(" \t"), "\n".join(lines[2:])
        else:
            title, body = path.stem.replace("-", " ").replace("_", " "), part
        draft = Draft(title, keep_lines(body), origin=path)
        if book:
            draft.author, draft.source, draft.lang = (book.get("author"), book.get("source"),
                                                      book.get("lang"))
        drafts.append(draft)
    return drafts


def gutenberg(text: str) -> dict | None:
    """A Project Gutenberg text's body (header and licence cut off) and what its header
    says: title, author, source (the ebook's URL, its release date) and language."""
    start = _START.search(text)
    if start is None:
        return None
    header, body = text[:start.start()], text[start.end():]
    end = _END.search(body)
    if end is not None:
        body = body[:end.start()]
    book = {"body": _drop_credit(body)}
    for key in ("title", "author"):
        if (value := _field(header, key)) is not None:
            book[key] = value
    if (language := _field(header, "language")) is not None:
        book["lang"] = LANGUAGES.get(language.split()[0].strip(",;").lower())
    source = {"publisher": "Project Gutenberg"}
    if number := re.search(r"(?i)\be-?(?:book|text)\s*#\s*(\d+)", header):
        source["url"] = f"https://www.gutenberg.org/ebooks/{number.group(1)}"
    released = _field(header, r"release date|posting date")
    if released and (date := _date(re.sub(r"\s*\[.*$", "", released).strip())):
        source["date"] = date
    book["source"] = source if len(source) > 1 else None
    return book


def _field(header: str, key: str) -> str | None:
    """A `Key: value` header line, with its indented continuation lines joined on."""
    # At most three lines carried on: a header that goes on and on names no title.
    found = re.search(rf"(?im)^(?:{key}):[ \t]*(.*(?:\n[ \t]+\S.*){{0,3}})", header)
    if found is None:
        return None
    value = ""
    for line in (line.strip() for line in found.group(1).split("\n")):
        # A carried-on line that starts afresh is a subtitle, as gutenberg.org shows it.
        subtitle = key == "title" and value and value[-1].isalnum() and line[:1].isupper()
        value += (": " if subtitle else " " if value else "") + line
    return value or None


def _date(text: str) -> str | None:
    """A release date as YYYY-MM-DD (or YYYY-MM), else as written; None when empty."""
    for form, out in (("%B %d, %Y", "%Y-%m-%d"), ("%b %d, %Y", "%Y-%m-%d"),
                      ("%B, %Y", "%Y-%m"), ("%B %Y", "%Y-%m")):
        try:
            return dt.datetime.strptime(text, form).strftime(out)
        except ValueError:
            continue
    return text or None


def _drop_credit(body: str) -> str:
    """The body without its first paragraph when that only credits the transcribers."""
    stripped = body.lstrip("\n")
    first, _, rest = stripped.partition("\n\n")
    return rest if _CREDIT.match(first.strip()) else body


def declared_decode(raw: bytes) -> str | None:
    """A text that is not UTF-8, read in the encoding its header declares (Gutenberg's
    `Character set encoding: ISO-8859-1`); None if it declares none, or another."""
    found = re.search(rb"(?im)^character set encoding:[ \t]*([A-Za-z0-9_.:-]{1,40})",
                      raw[:20_000])
    if found is None:
        return None
    try:
        text = raw.decode(found.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def keep_lines(body: str) -> str:
    """The body with each block of short lines set line by line, and no indentation that
    Markdown would read as code: it is kept as no-break spaces where it carries meaning."""
    blocks = re.split(r"(\n(?:[ \t]*\n)+)", body)
    return "".join(_block(block) if index % 2 == 0 else block
                   for index, block in enumerate(blocks))


def _block(block: str) -> str:
    lines = block.split("\n")
    if not any(line.strip() for line in lines) or _fenced(lines):
        return block
    indents = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    margin = min(indents)
    if len(lines) == 1:
        return lines[0][margin:] if margin >= 2 else lines[0]
    if _prose(lines):  # wrapped prose: Markdown joins its lines, as it should
        return block if margin < 2 else "\n".join("> " + line.strip() for line in lines)
    return "\n".join(_verse_line(line[margin:] if line.strip() else "", index < len(lines) - 1)
                     for index, line in enumerate(lines))


def _prose(lines: list[str]) -> bool:
    """Whether a block is wrapped prose: its lines are long, and either most of them ended
    because the next word would not fit in the block's widest line, or many go on in
    lower case (a printed page's lines). Verse lines end where the poet ended them, and
    begin with a capital unless they carry on a line too long for the page."""
    words = [line.strip() for line in lines]
    widths = sorted(len(word) for word in words[:-1])
    if widths[len(widths) // 2] < SHORT:
        return False
    widest = max(len(word) for word in words)
    full = sum(len(line) + 1 + len(after.split()[0] if after else "") > widest
               for line, after in zip(words, words[1:]))
    margin = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    going_on = [word[:1].islower() for line, word in zip(lines[1:], words[1:])
                if word and len(line) - len(line.lstrip()) == margin]
    return full >= 0.75 * (len(words) - 1) or sum(going_on) * 3 >= len(going_on) > 0


def _verse_line(line: str, broken: bool) -> str:
    text = line.lstrip(" \t")
    indent = len(line) - len(text)
    return NBSP * indent + text.rstrip(" \t") + ("  " if broken else "")


def _fenced(lines: list[str]) -> bool:
    """A block that is already Markdown's own code fence, list or quotation stays as it is."""
    first = lines[0].lstrip()
    return first.startswith(("```", "~~~", ">", "|")) or bool(
        re.match(r"[-*+] |\d+[.)] ", first)) and all(
        re.match(r"\s*([-*+]|\d+[.)]) ", line) or line.startswith(" ") for line in lines)
