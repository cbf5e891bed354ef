"""Markdown footnotes as an essay needs them: numbered in reading order, every definition
after the text in that order (Python-Markdown numbers notes by where they are defined), and
Pandoc's inline notes `^[text]` made notes like the others. Code is never read for notes.
"""

from __future__ import annotations

import re

from .draft import prose

_DEFINITION = re.compile(r"\[\^([^\]\s]{1,100})\]:[ \t]?")
_CALL = re.compile(r"\[\^([^\]\s]{1,100})\](?!:)")
_FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")


def inline_notes(markdown: str) -> str:
    """Pandoc's `^[a note]` (brackets may nest) as a call and a definition."""
    if "^[" not in markdown:
        return markdown
    notes: list[str] = []

    def change(part: str) -> str:
        out, at = [], 0
        searched = 0
        while (start := part.find("^[", max(at, searched))) >= 0:
            end, searched = _closing(part, start + 2)
            if end is None:
                continue  # never closed: the text stays; the search goes on past it
            notes.append(" ".join(part[start + 2:end].split()))
            out += [part[at:start], f"[^inline-{len(notes)}]"]
            at = end + 1
        return "".join(out) + part[at:]

    body = prose(markdown, change)
    if not notes:
        return markdown
    return body.rstrip() + "\n\n" + "\n".join(
        f"[^inline-{number}]: {note}" for number, note in enumerate(notes, 1)) + "\n"


def _closing(text: str, at: int) -> tuple[int | None, int]:
    """Where the bracket opened before `at` closes (escapes and nesting counted), or None;
    and where the scan stopped, past which no opening inside it can close either."""
    depth = 1
    while at < len(text):
        char = text[at]
        if char == "\\":
            at += 2
            continue
        if char == "\n" and text.startswith("\n\n", at):
            return None, at  # a note is inline: it never spans paragraphs
        depth += (char == "[") - (char == "]")
        if depth == 0:
            return at, at
        at += 1
    return None, at


def reading_order(markdown: str, merge_same: bool = False) -> str:
    """`markdown` with its notes numbered 1, 2, ... as their calls are read, and their
    definitions at the end in that order; `merge_same` makes two notes of the same text one
    (AsciiDoc's named footnotes, which pandoc repeats). A definition never called keeps its
    label and stays, after the others."""
    if "[^" not in markdown:
        return markdown
    text, definitions = _take_definitions(markdown)
    if not definitions:
        return markdown
    order: dict[str, int] = {}
    by_text: dict[str, int] = {}

    def number(match: re.Match) -> str:
        label = match.group(1)
        if label not in definitions:
            return match.group(0)
        if label not in order:
            same = by_text.get(definitions[label]) if merge_same else None
            order[label] = same or len(set(order.values())) + 1
            by_text.setdefault(definitions[label], order[label])
        return f"[^{order[label]}]"

    text = prose(text, lambda part: _CALL.sub(number, part))
    written: dict[int, str] = {}
    for label, n in order.items():
        written.setdefault(n, definitions[label])
    notes = [_definition(str(n), written[n]) for n in sorted(written)]
    notes += [_definition(label, body) for label, body in definitions.items()
              if label not in order]
    return text.rstrip() + "\n\n" + "\n\n".join(notes) + "\n"


def _definition(label: str, body: str) -> str:
    lines = body.split("\n")
    return f"[^{label}]: " + "\n".join([lines[0]] + [("    " + line) if line.strip() else ""
                                                     for line in lines[1:]])


def _take_definitions(markdown: str) -> tuple[str, dict[str, str]]:
    """The text without its footnote definitions, and each definition's text by label."""
    lines, kept, definitions = markdown.split("\n"), [], {}
    fence, index = None, 0
    while index < len(lines):
        line = lines[index]
        opening = _FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None and line.strip().startswith(fence) and \
                not line.strip().strip(fence[0]):
            fence = None
        found = _DEFINITION.match(line) if fence is None and not opening else None
        if found is None or found.group(1) in definitions:
            kept.append(line)
            index += 1
            continue
        body, index = [line[found.end():]], index + 1
        while index < len(lines) and (lines[index].startswith(("    ", "\t")) or (
                not lines[index].strip() and index + 1 < len(lines)
                and lines[index + 1].startswith(("    ", "\t")))):
            body.append(lines[index][4:] if lines[index].startswith("    ") else
                        lines[index].lstrip("\t"))
            index += 1
        definitions[found.group(1)] = "\n".join(body).strip()
    return "\n".join(kept), definitions
