"""Pandoc's Markdown (and what Quarto, Docusaurus and markdown-it containers share with it),
read by the static-site importer with these additions:

- a title block (`% Title`, `% Author; Other`, `% Date`) is front matter;
- fenced divs (`::: {.note}` ... `:::`, `::: warning Title`, Quarto's `{.callout-tip}`)
  become callouts when their class is a callout's, else their text stays and the fences
  go (N878, once per essay);
- inline notes `^[text]` become footnotes (see `footnotes`), numbered in reading order;
- table captions (`: Caption`, `Table: Caption`) stay as written: essays show them as the
  table's caption; dates in words and authors as links or objects are read by the front
  matter's fields.
"""

from __future__ import annotations

import re

from .draft import Once
from .pandoc import CALLOUTS

_FENCE = re.compile(r"[ \t]{0,3}(:{3,})(.*)$")
_CODE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")


def title_block(text: str) -> tuple[dict, str]:
    """Pandoc's `% Title` / `% Authors` / `% Date` lines at the top, as front matter."""
    lines = text.split("\n")
    if not lines or not lines[0].startswith("% "):
        return {}, text
    fields, at = [], 0
    while at < len(lines) and at < 3 and lines[at].startswith("%"):
        fields.append(lines[at][1:].strip())
        at += 1
    meta = dict(zip(("title", "author", "date"), fields))
    if meta.get("author"):
        meta["author"] = [a.strip() for a in meta["author"].split(";") if a.strip()]
    return {k: v for k, v in meta.items() if v}, "\n".join(lines[at:]).lstrip("\n")


def fenced_divs(text: str, once: Once, line_of) -> str:
    """Fenced divs as callouts (a callout's class) or as their text (any other)."""
    if ":::" not in text:
        return text
    out: list[str] = []
    stack: list[tuple[int, bool]] = []  # each open div: its fence's length, a callout?
    code = None
    for line in text.split("\n"):
        fence = _CODE.match(line)
        if code is not None:
            if fence and fence.group(1)[0] == code[0] and len(fence.group(1)) >= len(code):
                code = None
            out.append(_quoted(line, stack))
            continue
        if fence:
            code = fence.group(1)
            out.append(_quoted(line, stack))
            continue
        div = _FENCE.match(line)
        if div is None:
            out.append(_quoted(line, stack))
            continue
        colons, rest = div.group(1), div.group(2).strip().rstrip(":").strip()
        if not rest:  # a closing fence
            if stack:
                stack.pop()
            continue
        kind, title = _kind(rest)
        if kind is None:
            once.warn("N878", "fenced-div", f"fenced div '::: {rest}' left out; its text is kept",
                      lambda: line_of(line), hint="the class styled the page it came from")
            stack.append((len(colons), False))
            continue
        stack.append((len(colons), True))
        out.append(_quoted(f"[!{kind}]{' ' + title if title else ''}", stack))
    return "\n".join(out)


def _kind(rest: str) -> tuple[str | None, str]:
    """A fenced div's callout type (None if it is none) and its title."""
    title = ""
    attributes = re.match(r"\{([^{}]*)\}[ \t]*(.*)$", rest)
    if attributes:
        classes = re.findall(r"\.([\w-]{1,60})", attributes.group(1))
        found = re.search(r"title=\"([^\"]{0,300})\"", attributes.group(1))
        title = found.group(1) if found else attributes.group(2)
    else:
        words = rest.split(None, 1)
        classes, title = [words[0]], words[1] if len(words) > 1 else ""
    for name in classes:
        kind = name.lower().removeprefix("callout-")
        if kind in CALLOUTS or kind in ("danger", "info", "success", "failure"):
            return kind, title.strip()
    return None, ""


def _quoted(line: str, stack: list[tuple[int, bool]]) -> str:
    """`line` inside the callouts open around it: one `> ` for each."""
    depth = sum(callout for _, callout in stack)
    return ("> " * depth + line).rstrip() if depth else line
