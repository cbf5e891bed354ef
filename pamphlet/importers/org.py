"""Org documents as one essay each: `#+TITLE`, `#+SUBTITLE`, `#+AUTHOR`, `#+DATE` (an Org
timestamp or words), `#+FILETAGS`, `#+LANGUAGE`, `#+DESCRIPTION` and ox-hugo's
`#+HUGO_DRAFT`; footnotes `[fn:1]`, `[fn:name]` and inline `[fn::text]` become Markdown
footnotes in reading order (pandoc converts the body). A footnote defined but never called
is kept as a paragraph at the end (N874); `#+INCLUDE` is not followed (N872).
"""

from __future__ import annotations

import re
from pathlib import Path

from .document import Document, Fields, date_of, line_of, split_list
from .draft import Draft, Run

_KEYWORD = re.compile(r"(?im)^[ \t]*#\+([A-Z_]{1,40}):[ \t]*(.*)$")
_DEFINITION = re.compile(r"(?m)^\[fn:([^\]\s:]{1,100})\][ \t]*")
_CALL = re.compile(r"\[fn:([^\]\s:]{1,100})[\]:]")
# A definition ends at two blank lines, the next definition or the next heading.
_DEFINITION_END = re.compile(r"\n[ \t]*\n[ \t]*\n|\n(?=\[fn:|\*+ )")
_VERBATIM = re.compile(r"=[^=\n]{1,500}=|~[^~\n]{1,500}~")
_SRC = re.compile(r"(?im)^[ \t]*#\+begin_(src|example|export)\b.*$")
_END = re.compile(r"(?im)^[ \t]*#\+end_(src|example|export)\b.*$")


def from_org_file(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """The essay in one Org file's bytes (UTF-8)."""
    from .text import decode_text

    text = decode_text(raw, path, run)
    return [] if text is None else from_org(text, path, run)


def from_org(text: str, path: Path, run: Run) -> list[Draft]:
    """The essay in one Org file."""
    document = Document(text, path, run)
    keywords: dict[str, str] = {}
    for found in _KEYWORD.finditer(_outside_blocks(text)):
        name, value = found.group(1).upper(), found.group(2).strip()
        if name == "INCLUDE" or name == "SETUPFILE":
            document.include(value or "a file", line_of(text, found.start()))
        elif name == "TITLE" and "TITLE" in keywords:
            keywords[name] += " " + value  # several TITLE lines make one title
        else:
            keywords.setdefault(name, value)
    body = re.sub(r"(?im)^[ \t]*#\+(?:include|setupfile):.*$", "", text)
    body = _uncalled_notes(body, document)
    return document.draft(_fields(keywords), body, "org")


def _fields(keywords: dict[str, str]) -> Fields:
    get = keywords.get
    authors = get("AUTHOR", "")
    status = "draft" if (get("HUGO_DRAFT") or "").lower() in ("t", "true", "yes") else None
    return Fields(title=get("TITLE") or None, subtitle=get("SUBTITLE") or None,
                  authors=[a.strip() for a in re.split(r"\s+and\s+|;|,", authors) if a.strip()],
                  date=date_of(get("DATE")), tags=split_list(get("FILETAGS", "")) +
                  split_list(get("HUGO_TAGS", "")) + split_list(get("KEYWORDS", "")),
                  lang=get("LANGUAGE") or None, summary=get("DESCRIPTION") or None,
                  status=status)


def _outside_blocks(text: str) -> str:
    """`text` with source, example and export blocks blanked (keeping the line count), so
    that an example's `#+TITLE:` is no keyword."""
    out, at = [], 0
    while (start := _SRC.search(text, at)) is not None:
        end = _END.search(text, start.end())
        stop = end.end() if end else len(text)
        out += [text[at:start.start()], re.sub(r"[^\n]", " ", text[start.start():stop])]
        at = stop
    return "".join(out) + text[at:]


def _uncalled_notes(text: str, document: Document) -> str:
    """Footnote definitions no text calls, moved to the end as plain paragraphs (pandoc
    would leave them out)."""
    plain = _VERBATIM.sub(lambda m: " " * len(m.group(0)), _outside_blocks(text))
    definitions = list(_DEFINITION.finditer(plain))
    counts: dict[str, int] = {}
    for label in _CALL.findall(plain):  # a definition's own label counts once
        counts[label] = counts.get(label, 0) + 1
    kept, moved, at = [], [], 0
    for found in definitions:
        label = found.group(1)
        if counts.get(label, 0) > 1 or found.start() < at:
            continue
        end = _DEFINITION_END.search(plain, found.end())
        stop = end.start() if end else len(text)
        document.uncalled(f"[fn:{label}]", line_of(text, found.start()))
        kept.append(text[at:found.start()])
        moved.append(text[found.end():stop].strip())
        at = stop
    return "".join(kept) + text[at:] + "".join(f"\n\n{paragraph}" for paragraph in moved)
