"""AsciiDoc documents as one essay each: the header's `= Title`, author line (`Name <email>;
Other`), revision line (`v1.0, 2023-01-15: remark`) and attributes (`:author:`, `:revdate:`,
`:keywords:` or `:tags:`, `:lang:`, `:description:`, JBake's `:jbake-*:`, a Hugo front
matter); `footnote:[...]` and `footnote:name[...]` become Markdown footnotes in reading order,
`image::` and `image:` copies of the images (under `:imagesdir:`).

Pandoc (3.8 and later reads AsciiDoc) converts the body. What it does not read is seen first:
`include::` is not followed (N872); a conditional's lines (`ifdef::[]`) go, its text stays;
a block macro pandoc does not know (`video::`, `audio::`, a custom one) is kept as a literal
line, or a link to the video, with a warning (N871).
"""

from __future__ import annotations

import re
from pathlib import Path

from .document import Document, Fields, date_of, split_list
from .draft import Draft, Run

_ATTRIBUTE = re.compile(r"(?m)^:([\w-]{1,60}):[ \t]*(.*)$")
_MACRO = re.compile(r"(?m)^([A-Za-z][\w-]{0,40})::(\S{0,2000}?)\[([^\]\n]{0,2000})\][ \t]*$")
_DELIMITER = re.compile(r"(?m)^(-{4,}|\.{4,}|\+{4,}|/{4,})[ \t]*$")
_KNOWN = {"image", "toc"}
_CONDITIONAL = {"ifdef", "ifndef", "ifeval", "endif"}
_VIDEOS = {"youtube": "https://www.youtube.com/watch?v={}", "vimeo": "https://vimeo.com/{}"}


def from_asciidoc_file(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """The essay in one AsciiDoc file's bytes (UTF-8)."""
    from .text import decode_text

    text = decode_text(raw, path, run)
    return [] if text is None else from_asciidoc(text, path, run)


def from_asciidoc(text: str, path: Path, run: Run) -> list[Draft]:
    """The essay in one AsciiDoc file."""
    document = Document(text, path, run)
    front, text_body = _hugo_front_matter(text, path, run)
    if text_body is None:
        return []
    attributes = {m.group(1).lower(): m.group(2).strip()
                  for m in _ATTRIBUTE.finditer(_header(text_body))}
    body = _macros(text_body, document, text.count("\n") - text_body.count("\n"))
    fields = Fields(status=_status(attributes, front))
    return document.draft(fields, body, "asciidoc",
                          fill=lambda f, meta: _fill(f, meta, attributes, front),
                          images_in=attributes.get("imagesdir", ""))


def _hugo_front_matter(text: str, path: Path, run: Run):
    """A Hugo page's front matter (YAML or TOML) above the AsciiDoc, and the rest."""
    if not re.match(r"(---|\+\+\+)[ \t]*\n", text):
        return {}, text
    from .static_site import _front_matter

    split = _front_matter(text, path, run)
    return (split[0], split[2]) if split else ({}, None)


def _header(text: str) -> str:
    """The document header: the lines up to the first blank line after the title."""
    return text.split("\n\n", 1)[0] if text.lstrip().startswith("= ") else \
        text.split("\n\n", 2)[0]


def _status(attributes: dict, front: dict) -> str | None:
    if attributes.get("jbake-status", "").lower() == "draft" or front.get("draft") is True:
        return "draft"
    return None


def _macros(text: str, document: Document, offset: int) -> str:
    """Includes, conditionals and block macros pandoc does not know, outside literal blocks;
    `text` begins `offset` lines into the file."""
    out, literal = [], None
    for number, line in enumerate(text.split("\n"), 1):
        delimiter = _DELIMITER.match(line)
        if delimiter and (literal is None or delimiter.group(1) == literal):
            literal = None if literal else delimiter.group(1)
        found = _MACRO.match(line) if literal is None else None
        if found is None or found.group(1) in _KNOWN:
            out.append(line)
            continue
        out.append(_macro(found, document, number + offset))
    return "\n".join(out)


def _macro(found: re.Match, document: Document, line: int) -> str:
    name, target, attributes = found.groups()
    if name == "include":
        document.include(target, line)
        return ""
    if name in _CONDITIONAL:
        document.unknown(f"the conditional '{name}::'", line, message=f"the conditional "
                         f"'{name}::' is not evaluated: the text inside it is kept")
        return ""
    if name == "video" and (service := attributes.split(",")[0].strip()) in _VIDEOS:
        return _VIDEOS[service].format(target)
    document.unknown(f"the block macro '{name}::'", line)
    return f"....\n{found.group(0)}\n...."  # a literal block: printed as written


def _fill(fields: Fields, meta: dict, attributes: dict, front: dict) -> None:
    """The essay's fields from pandoc's reading of the header, the attributes and any front
    matter (which wins over both)."""
    title = front.get("title") or meta.get("title")
    fields.title = str(title).strip() if title else None
    authors = front.get("author") or meta.get("author") or attributes.get("author") or []
    authors = authors if isinstance(authors, list) else split_list(str(authors))
    fields.authors = [re.sub(r"\s*\(\S+@\S+\)$", "", str(a)).strip() for a in authors
                      if str(a).strip()]
    date = front.get("date") or attributes.get("jbake-date") or attributes.get("revdate") \
        or meta.get("date")
    fields.date = date_of(str(date)) if date else None
    tags = attributes.get("tags") or attributes.get("jbake-tags") or \
        attributes.get("keywords") or ""
    fields.tags = list(dict.fromkeys(split_list(tags) + [
        str(t) for t in front.get("tags") or [] if isinstance(t, (str, int))]))
    fields.lang = attributes.get("lang") or None
    fields.summary = attributes.get("description") or None
