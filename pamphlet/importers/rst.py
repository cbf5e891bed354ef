"""reStructuredText posts (Pelican, Sphinx and ABlog) as one essay each: the title from the
document's title, the rest from its field list (`:date:`, `:tags:`, `:author:` or
`:authors:`, `:category:`, `:lang:`, `:summary:`, `:status:`) or ABlog's `.. post::`.

Pandoc converts the body (it reads reST more fully than any other converter we measured,
and its notes come out in reading order); Sphinx's roles become their text, Pelican's
`{static}` and `|filename|` prefixes paths from the site's root, and every directive pandoc
does not know is named in a warning (its text is kept).
"""

from __future__ import annotations

import re
from pathlib import Path

from .document import Document, Fields, date_of, line_of, split_list
from .draft import Draft, Run
from .pandoc import CALLOUTS

_ADORNMENT = re.compile(r"([!-/:-@\[-`{-~])\1{2,}[ \t]*")
_COMMENT = re.compile(r"\.\.(?:[ \t]+(?![^\n]*::)[^\n]*)?$")  # `.. text`, no directive
_FIELD = re.compile(r":([^:\s][^:\n]{0,80}):(?:[ \t]+(.*))?$")
_POST = re.compile(r"(?m)^\.\.[ \t]+post::[ \t]*([^\n]*)")
_INCLUDE = re.compile(r"(?m)^[ \t]*\.\.[ \t]+(?:literal)?include::[ \t]*(.*)$")
_PELICAN = re.compile(r"\{(?:static|filename|attach)\}|\|(?:static|filename|attach)\|")
# Sphinx's navigation, which means nothing on paper: left out, with its options and entries.
_NAVIGATION = re.compile(r"(?m)^\.\.[ \t]+(toctree|contents|sectnum|index|highlight|meta|"
                         r"tags)::[^\n]*")
_INDENTED = re.compile(r"\n(?:[ \t]*\n)*[ \t]+\S[^\n]*")  # a directive's block goes on
_SKIPPED = re.compile(r"\[INFO\] Skipped '\.\. ([^']{1,80})'")
# Sphinx roles that name code, and those whose text is `title <target>`.
_CODE_ROLES = {"func", "class", "meth", "mod", "attr", "obj", "data", "exc", "const", "command",
               "program", "file", "samp", "kbd", "envvar", "option", "makevar", "regexp",
               "mailheader", "code", "literal", "c:func", "cpp:func", "js:func"}
_TEXT_ROLES = {"ref", "doc", "term", "numref", "any", "download", "keyword", "token", "abbr",
               "dfn", "guilabel", "menuselection", "title", "title-reference", "program",
               "pep", "rfc", "manpage", "confval", "index", "eq", "cite", "citep", "citet"}


def from_rst_file(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """The essay in one reST file's bytes (UTF-8)."""
    from .text import decode_text

    text = decode_text(raw, path, run)
    return [] if text is None else from_rst(text, path, run)


def from_rst(text: str, path: Path, run: Run) -> list[Draft]:
    """The essay in one reST file."""
    document = Document(text, path, run)
    fields, body = _header(text, document)
    body = _directives(body, _POST, lambda m, block: _ablog(m, block, fields))
    body = _INCLUDE.sub(lambda m: _include(m, document, text), body)
    body = _directives(body, _NAVIGATION, lambda m, block: _navigation(m, document, text))
    body = _PELICAN.sub("", body)  # {static}/images/x.png is a path from the site's root
    drafts = document.draft(fields, body, "rst", code=lambda role, t: _role(role, t, document))
    skipped = dict.fromkeys(found.group(1).split("::")[0].strip() for message in document.log
                            if (found := _SKIPPED.match(message)))
    for name in skipped:
        if name not in CALLOUTS:
            at = re.search(rf"(?m)^[ \t]*\.\.[ \t]+{re.escape(name)}::", text)
            document.unknown(f"the directive '{name}::'", line_of(text, at.start()) if at
                             else None)
    return drafts


def _header(text: str, document: Document) -> tuple[Fields, str]:
    """The fields a post's head gives (its title, its field list) and its body without them."""
    lines = text.split("\n")
    fields, values, at = Fields(), {}, 0
    for _ in range(2):  # Sphinx's file-wide fields come before the title, Pelican's after
        at = _blank(lines, at)
        title, at = _title(lines, at)
        if title and not fields.title:
            fields.title = title
        at = _blank(lines, at)
        at = _field_list(lines, at, values)
    _fill(fields, values, document)
    return fields, "\n".join(lines[at:])


def _blank(lines: list[str], at: int) -> int:
    """The first line at or after `at` that is neither blank nor in a comment."""
    while at < len(lines):
        if _COMMENT.match(lines[at]):
            at += 1
            while at < len(lines) and (lines[at][:1] in (" ", "\t") or not lines[at].strip()):
                at += 1
        elif not lines[at].strip():
            at += 1
        else:
            break
    return at


def _title(lines: list[str], at: int) -> tuple[str | None, int]:
    """A section title at `at` (underlined, or over- and underlined), and the line after."""
    window = lines[at:at + 3] + ["", "", ""]
    if _ADORNMENT.fullmatch(window[0]) and window[1].strip() and \
            window[2].strip() == window[0].strip():
        return window[1].strip(), at + 3
    if window[0].strip() and not _ADORNMENT.fullmatch(window[0]) and \
            _ADORNMENT.fullmatch(window[1]) and not _FIELD.match(window[0]):
        return window[0].strip(), at + 2
    return None, at


def _field_list(lines: list[str], at: int, values: dict) -> int:
    """Read `:name: value` lines (values may go on over indented lines) into `values`."""
    while at < len(lines) and (found := _FIELD.match(lines[at])):
        name, value, start = found.group(1).strip().lower(), [found.group(2) or ""], at
        at += 1
        while at < len(lines) and lines[at][:1] in (" ", "\t") and lines[at].strip():
            value.append(lines[at].strip())
            at += 1
        values.setdefault(name, ("\n".join(value).strip(), start + 1))
    return at


def _fill(fields: Fields, values: dict, document: Document) -> None:
    """The fields an essay keeps, from Pelican's and Sphinx's names for them."""
    get = lambda name: values.get(name, ("", 0))[0]  # noqa: E731
    fields.title = get("title") or fields.title
    fields.date = date_of(get("date")) or date_of(get("published"))
    authors = get("authors") or get("author")
    if authors:
        lines = [line.lstrip("-* ").strip() for line in authors.split("\n")]
        fields.authors = lines if len(lines) > 1 else \
            [a.strip() for a in re.split(r";" if ";" in authors else r",(?![^,]*\w+,)",
                                         authors) if a.strip()] \
            if ";" in authors else [authors.strip()]
    tags = split_list(get("tags").replace("\n", ",")) if get("tags") else []
    tags += split_list(get("keywords")) if get("keywords") else []
    fields.tags = list(dict.fromkeys(tags + ([get("category")] if get("category") else [])))
    fields.lang = get("lang") or get("language") or None
    fields.summary = " ".join(get("summary").split()) or None
    fields.subtitle = get("subtitle") or None
    status = get("status").lower()
    fields.status = status if status in ("draft", "private") else None
    for key in ("url", "source", "canonical", "original_url"):
        if re.match(r"https?://\S+$", get(key)):
            fields.source = get(key)
            break


def _directives(text: str, pattern: re.Pattern, render) -> str:
    """`text` with each directive `pattern` finds, with its indented block, replaced by
    `render(match, block)`."""
    out, at = [], 0
    while (found := pattern.search(text, at)) is not None:
        end = found.end()
        while (following := _INDENTED.match(text, end)):
            end = following.end()
        out += [text[at:found.start()], render(found, text[found.end():end])]
        at = end
    return "".join(out) + text[at:]


def _ablog(match: re.Match, block: str, fields: Fields) -> str:
    """ABlog's `.. post:: date` and its options, read as the post's fields and removed."""
    fields.date = fields.date or date_of(match.group(1))
    values = {found.group(1).lower(): (found.group(2) or "").strip()
              for line in block.split("\n") if (found := _FIELD.match(line.strip()))}
    fields.tags = list(dict.fromkeys(fields.tags + split_list(values.get("tags", "")) +
                                     split_list(values.get("category", ""))))
    fields.authors = fields.authors or split_list(values.get("author", ""))
    fields.lang = fields.lang or values.get("language") or None
    return ""


def _first_line(text: str, snippet: str) -> int | None:
    at = text.find(snippet)
    return line_of(text, at) if at >= 0 else None


def _navigation(match: re.Match, document: Document, text: str) -> str:
    at = text.find(match.group(0))
    document.unknown(f"the directive '{match.group(1)}::'", line_of(text, at) if at >= 0
                     else None, kept=False)
    return ""


def _include(match: re.Match, document: Document, text: str) -> str:
    document.include(match.group(1).strip() or "a file", line_of(text, match.start()))
    return ""


def _role(role: str, text: str, document: Document) -> list:
    """Sphinx's interpreted text as its text: `:ref:` with `Title <target>` is "Title"."""
    label = re.sub(r"[ \t]*<[^<>]*>$", "", text).strip() or text
    role = role.lower()
    if role in _CODE_ROLES:
        return [{"t": "Code", "c": [["", [], []], label]}]
    if role in ("pep", "rfc"):
        label = f"{role.upper()} {label}"
    elif role not in _TEXT_ROLES:
        document.unknown(f"the role ':{role}:'", lambda: _first_line(document.text, f":{role}:`"))
    return [{"t": "Str", "c": label}]
