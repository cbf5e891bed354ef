"""Markdown from static sites (Jekyll, Hugo, Zola) and notes (Obsidian): YAML or TOML front
matter, template tags and shortcodes turned into Markdown, site-root images copied or framed.

Liquid, Hugo and Zola expand their tags everywhere, code blocks included, except in `{% raw %}`
and the `{{</* */>}}` and `{{/* */}}` escapes; so does this importer. Kramdown and Pandoc
attribute lists are left out of prose but kept in code, where they are the example's text.
"""

from __future__ import annotations

import datetime as dt
import glob
import re
import tomllib
from pathlib import Path

import yaml

from .body_images import _IMAGE, Images
from .footnotes import inline_notes, reading_order
from .logseq import from_logseq, is_page
from .mdx import MdxBody, settle
from .obsidian import NoteBody, Vault, note_key, vault_of
from .pandoc_markdown import fenced_divs, title_block
from .draft import (Draft, Run, code_block, iso_date, markdown_image, markdown_link,
                    missing_image, pairs, prose)

# Paired tags are found as pairs (`pairs`), never by one pattern spanning their text, so an
# opening without its closing costs one search, not one per opening.
_RAW = (re.compile(r"\{%-?\s*raw\s*-?%\}"), re.compile(r"\{%-?\s*endraw\s*-?%\}"))
_COMMENT = (re.compile(r"\{%-?\s*comment\s*-?%\}"), re.compile(r"\{%-?\s*endcomment\s*-?%\}"))
_HIGHLIGHTS = (
    (re.compile(r"\{%-?\s*highlight\s+([\w+#.-]+)?[^%{}]*-?%\}[ \t]*\n?"),
     re.compile(r"\n?[ \t]*\{%-?\s*endhighlight\s*-?%\}")),
    (re.compile(r"\{\{[<%]\s*highlight\s+([\w+#.-]+)?[^>%{}]*[>%]\}\}[ \t]*\n?"),
     re.compile(r"\n?[ \t]*\{\{[<%]\s*/\s*highlight\s*[>%]\}\}")))
_ESCAPED = re.compile(r"\{\{<\s*/\*([^{}]*?)\*/\s*>\}\}|\{\{%\s*/\*([^{}]*?)\*/\s*%\}\}"
                      r"|\{\{\s*/\*([^{}]*?)\*/\s*\}\}|\{%\s*/\*([^{}]*?)\*/\s*%\}")
# A Hugo shortcode {{< name args >}} / {{% name args %}}, a Zola one {{ name(args) }} or
# {% name(args) %}, a Liquid tag {% name args %}, a Liquid output {{ expression }}.
_TAG = re.compile(r"\{\{([<%])\s*(/?)\s*([\w./-]+)([^{}]*?)\s*[>%]\}\}"
                  r"|\{\{-?\s*([\w-]+)\(([^{}]*?)\)\s*-?\}\}"
                  r"|\{%-?\s*([\w-]+)\(([^{}]*?)\)\s*-?%\}"
                  r"|\{%-?\s*([\w-]+)([^{}]*?)-?%\}"
                  r"|\{\{-?([^{}]*?)-?\}\}")
_ARG = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s,)]+))"""
                  r"""|"([^"]*)"|'([^']*)'|([^\s,=]+)""")
_ATTR_LINE = re.compile(r"(?m)^(?:[*-][ \t]+TOC[ \t]*\n)?[ \t]*\{:[^{}\n]*\}[ \t]*\n?")
# Every part of these patterns is either bounded or can match in one way only, so that no
# crafted line makes them backtrack without end.
_ATTR_TAIL = re.compile(r"(?<![ \t])[ \t]*\{:?(?:[#.][\w:-]+|[\w-]+=(?:\"[^\"\n]*\"|[^\s}#.]+)"
                        r"|[ \t])+\}(?=[ \t]*$)", re.M)
_ATTR_SPAN = re.compile(r"\{:[^{}\n]*\}|\[([^\[\]\n]{1,500})\]\{[#.][^{}\n]*\}")
_IFRAME = re.compile(r"<iframe\b[^<>]{0,2000}?\bsrc=[\"']([^\"'<>]{1,2000})[\"'][^<>]{0,2000}>"
                     r"\s*</iframe>", re.I)
_YOUTUBE, _VIMEO = "https://www.youtube.com/watch?v={}", "https://vimeo.com/{}"
_EMBEDS = ((re.compile(r"youtube(?:-nocookie)?\.com/embed/([\w-]+)"), _YOUTUBE),
           (re.compile(r"player\.vimeo\.com/video/(\d+)"), _VIMEO))
# Obsidian: ![[picture.png|alt]] embeds an image found anywhere in the vault; [[Note|text]]
# links to another note, which a printed page can only name.
_WIKI_IMAGE = re.compile(r"!\[\[([^\[\]|#\n]{1,300})(?:\|([^\[\]\n]{0,300}))?\]\]")
_WIKI_LINK = re.compile(r"(?<!!)\[\[([^\[\]|\n]{1,300})(?:\|([^\[\]\n]{1,300}))?\]\]")
_EMPTY_LINK = re.compile(r"(?<!!)\[([^\[\]\n]{1,500})\]\([ \t]*\)")
_FILE_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)-")
_MD_LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\([^()\s]{0,2000}\)")
_MEDIA = {"youtube": _YOUTUBE, "yt": _YOUTUBE, "vimeo": _VIMEO, "vimeo_simple": _VIMEO}
_TOKEN = re.compile("\ue030(\\d+)\ue031")


def from_markdown_file(raw: bytes, path: Path, run: Run, mdx: bool = False) -> list[Draft]:
    """A Markdown (or MDX) file's essay (see `from_markdown`), once its bytes are decoded."""
    from .text import decode_text

    text = decode_text(raw, path, run)
    return [] if text is None else from_markdown(text, path, run, mdx)


def from_mdx_file(raw: bytes, path: Path, run: Run) -> list[Draft]:
    """An MDX file's essay: Markdown, its statements and components taken out (see `mdx`)."""
    return from_markdown_file(raw, path, run, mdx=True)


def from_markdown(text: str, path: Path, run: Run, mdx: bool = False) -> list[Draft]:
    """Markdown with Jekyll or Obsidian YAML, or Hugo and Zola YAML or TOML, front matter;
    a Logseq page (see `logseq`)."""
    if is_page(text, path):
        return from_logseq(text, path, run)
    split = _front_matter(text, path, run)
    if split is None:
        return []
    meta, lines, body = split
    if not meta:
        meta, body = title_block(body)  # Pandoc's % Title / % Author / % Date
    fields = _Fields(meta, lines, path, run)
    date = fields.date() or _file_date(path)
    if reason := _unpublished(fields, date, run):
        run.skip(reason, path)
        return []
    title = fields.text("title")
    if not title and (heading := re.search(r"(?m)^# (.+)$", body)):
        title = heading.group(1).strip(" \t")
        body = body[:heading.start()] + body[heading.end():]
    draft = Draft(title or _FILE_DATE.sub("", _name(path)).replace("-", " ").replace("_", " "),
                  "", fields.names("author", "authors") or None, date,
                  fields.tags(), fields.address(), path, lang=fields.text("lang"),
                  subtitle=fields.text("subtitle"),
                  summary=fields.text("summary") or fields.text("description"))
    vault = vault_of(path, run.site)
    if vault is not None:
        draft.key = note_key(vault, path)
    draft.body = _Body(draft, text, path, run, root=vault, mdx=mdx).markdown(body)
    return [draft]


def _front_matter(text: str, path: Path, run: Run):
    """(meta, key lines, body), or None after a diagnostic; no front matter is an empty one."""
    opening = re.match(r"(---|\+\+\+)[ \t]*\n", text)
    if opening is None:
        return {}, {}, text
    fence = opening.group(1)
    closing = re.compile(r"(?m)^(?:---|\.\.\.)[ \t]*$" if fence == "---" else r"(?m)^\+\+\+[ \t]*$")
    end = closing.search(text, opening.end())
    if end is None:
        run.diagnostics.error("N816", "the front matter is never closed", path, 1,
                              hint=f"end the front matter with a line '{fence}'")
        return None
    front, body = text[opening.end():end.start()], text[end.end():].lstrip("\n")
    parsed = _yaml(front, path, run) if fence == "---" else _toml(front, path, run)
    return None if parsed is None else (*parsed, body)


def _yaml(front: str, path: Path, run: Run):
    loader = yaml.SafeLoader(front)
    try:
        node = loader.get_single_node()
        meta = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        run.diagnostics.error("N816", "the front matter is not valid YAML: "
                              f"{getattr(error, 'problem', None) or error}", path,
                              mark.line + 2 if mark is not None else 1,
                              hint="check indentation, and quote values that contain ': '")
        return None
    finally:
        loader.dispose()
    if not isinstance(meta, dict):
        run.diagnostics.error("N816", "the front matter is not a list of 'key: value' lines",
                              path, 2, hint="write 'title: My essay' between the '---' lines")
        return None
    return meta, {str(key.value): key.start_mark.line + 2 for key, _ in node.value}


def _toml(front: str, path: Path, run: Run):
    try:
        meta = tomllib.loads(front)
    except tomllib.TOMLDecodeError as error:
        at = re.search(r"at line (\d+)", str(error))
        run.diagnostics.error("N816", f"the front matter is not valid TOML: {error}", path,
                              int(at.group(1)) + 1 if at else 1,
                              hint='write key = "value" lines between the \'+++\' lines')
        return None
    lines = {}
    for number, line in enumerate(front.split("\n"), start=2):
        if key := re.match(r"[ \t]*([\w-]+)[ \t]*=", line):
            lines.setdefault(key.group(1), number)
    return meta, lines


class _Fields:
    """Front-matter values read leniently; a value of the wrong type is left out (N817)."""

    def __init__(self, meta: dict, lines: dict, path: Path, run: Run):
        self.meta, self.lines, self.path, self.run = meta, lines, path, run

    def wrong(self, key: str, wanted: str) -> None:
        self.run.diagnostics.warning("N817", f"'{key}' should be {wanted}; it was left out",
                                     self.path, self.lines.get(key),
                                     hint=f"fix '{key}' in the essay's front matter")

    def text(self, key: str) -> str | None:
        value = self.meta.get(key)
        if value is None or isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip() if value is not None and str(value).strip() else None
        self.wrong(key, "text")
        return None

    def flag(self, key: str) -> bool | None:
        value = self.meta.get(key)
        if value is None or isinstance(value, bool):
            return value
        if str(value).strip().lower() in ("true", "false", "yes", "no"):
            return str(value).strip().lower() in ("true", "yes")
        self.wrong(key, "true or false")
        return None

    def date(self) -> str | None:
        key = next((k for k in ("date", "pubDate", "publishDate", "published", "created")
                    if self.meta.get(k) is not None), "date")  # Astro's, Obsidian's names
        value = self.meta.get(key)
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()[:10]
        if isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\d", value.strip()):
            return value.strip()[:10]
        if isinstance(value, str) and (day := iso_date(value)):
            return day  # Pandoc's "1 January 2023", "January 1, 2023"
        if value is not None:
            self.wrong(key, "a date like 2024-03-01")
        return None

    def names(self, *keys: str) -> list[str]:
        """Names as a text, a list, or Pandoc's objects ({name: ..., affiliation: ...});
        a name written as a Markdown link ([Ada Quill](https://...)) is its text."""
        found: list[str] = []
        for key in keys:
            value = self.meta.get(key)
            values = value if isinstance(value, list) else [value] if value is not None else []
            values = [v.get("name") if isinstance(v, dict) else v for v in values]
            if all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
                found += [_MD_LINK.sub(r"\1", " ".join(str(v).split())) for v in values]
            else:
                self.wrong(key, "a name or a list of names")
        return list(dict.fromkeys(n for n in found if n))

    def tags(self) -> list[str]:
        taxonomies = self.meta.get("taxonomies")
        meta = {**(taxonomies if isinstance(taxonomies, dict) else {}), **self.meta}
        tags: list[str] = []
        for key in ("tags", "categories", "keywords"):  # keywords: Pandoc's
            value = meta.get(key)
            if isinstance(value, str):
                tags += value.split()
            elif isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
                tags += [str(v) for v in value]
            elif value is not None:
                self.wrong(key, "a list of names")
        return list(dict.fromkeys(t.strip().lstrip("#") for t in tags if t.strip().lstrip("#")))

    def address(self) -> str | None:
        for key in ("source", "canonical", "canonical_url", "canonicalURL", "url"):
            value = self.meta.get(key)
            if isinstance(value, str) and re.match(r"https?://\S+$", value.strip()):
                return value.strip()
        return None


def _unpublished(fields: _Fields, date: str | None, run: Run) -> str | None:
    if fields.flag("draft"):
        return "draft"
    if fields.flag("published") is False:
        return "unpublished"
    if date and date > run.today.isoformat():
        return "scheduled"
    return None


def _file_date(path: Path) -> str | None:
    """The date in a Jekyll file name (2021-03-04-title.md, or a bundle's folder)."""
    found = _FILE_DATE.match(_name(path))
    try:
        return dt.date(*map(int, found.groups())).isoformat() if found else None
    except ValueError:
        return None


def _name(path: Path) -> str:
    return path.parent.name if path.stem == "index" else path.stem


class _Body(Images):
    """A post's Markdown with its template tags, shortcodes and attribute lists translated."""

    def __init__(self, draft: Draft, text: str, path: Path, run: Run, root: Path | None = None,
                 mdx: bool = False):
        super().__init__(draft, text, path, run, root)
        self.mdx = mdx
        self.kept: list[str] = []

    def markdown(self, body: str) -> str:
        body = pairs(body, *_RAW, lambda start, inner, end: self.keep(inner))
        body = _ESCAPED.sub(self.escaped, body)
        body = pairs(body, *_COMMENT, lambda start, inner, end: self.removed(
            "{% comment %}", start.group(0)))
        for highlight in _HIGHLIGHTS:
            body = pairs(body, *highlight, lambda start, inner, end: code_block(
                inner, start.group(1) or ""))
        if self.mdx:
            jsx = MdxBody(self.once, self.line)
            body = settle(prose(prose(body, jsx.statements), jsx.components))
        note = self.note()
        if note is not None:
            body = prose(body, note.embeds)  # the embedded notes' text goes through it all
            body = prose(body, note.tidy)
        body = _TAG.sub(self.tag, body)
        body = fenced_divs(body, self.once, self.line)
        body = prose(body, lambda part: _IFRAME.sub(_embed_link, part))
        body = prose(body, self.attributes)
        body = prose(body, lambda part: _IMAGE.sub(self.image, part))
        if note is not None:
            body = prose(body, note.images)
            body = prose(body, note.links)
        body = prose(body, lambda part: _WIKI_IMAGE.sub(self.wiki_image, part))
        body = prose(body, lambda part: _WIKI_LINK.sub(
            lambda m: m.group(2) or m.group(1).split("#")[0].strip() or m.group(1), part))
        body = _EMPTY_LINK.sub(r"\1", body)  # a link whose address was a removed tag
        body = _TOKEN.sub(lambda m: self.kept[int(m.group(1))], body)
        body = reading_order(inline_notes(body))
        return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", body).strip()

    def note(self) -> NoteBody | None:
        """The Obsidian passes, for a note in a vault."""
        if self.root is None or not (self.root / ".obsidian").is_dir():
            return None
        vault = self.run.vault(self.root, Vault)
        return NoteBody(vault, self.path, self.once, self.draft.attach, self.line)

    def keep(self, literal: str) -> str:
        self.kept.append(literal)
        return f"\ue030{len(self.kept) - 1}\ue031"

    def removed(self, name: str, snippet: str, replacement: str = "") -> str:
        self.once.warn("N813", f"tag:{name}", f"template tag {name} removed",
                       lambda: self.line(snippet),
                       hint="it means something only to the site generator; check the text "
                       "around it")
        return replacement

    def escaped(self, match: re.Match) -> str:
        hugo, hugo_md, zola, zola_block = match.groups()
        inner = next(g for g in match.groups() if g is not None)
        opening, closing = ("{{< ", " >}}") if hugo is not None else ("{{% ", " %}}") \
            if hugo_md is not None else ("{{ ", " }}") if zola is not None else ("{% ", " %}")
        return self.keep(f"{opening}{inner.strip()}{closing}")

    def tag(self, match: re.Match) -> str:
        (delimiter, closing, name, args, zola, zola_args, zola_block, zola_block_args,
         liquid, liquid_args, expression) = match.groups()
        snippet = match.group(0)
        if name is not None:  # Hugo
            if closing:
                return ""
            return self.shortcode(name, _args(args), snippet, f"{{{{< {name} >}}}}")
        if zola is not None or zola_block is not None:
            if (zola_block or "") == "end":
                return ""
            return self.shortcode(zola or zola_block, _args(zola_args or zola_block_args or ""),
                                  snippet, f"{{{{ {zola or zola_block}() }}}}")
        if liquid is not None:
            if liquid in _MEDIA or liquid == "include" and "video" in liquid_args:
                return self.shortcode(liquid if liquid in _MEDIA else "include-video",
                                      _args(liquid_args), snippet, f"{{% {liquid} %}}")
            return self.removed(f"{{% {liquid} %}}", snippet)
        word = (expression or "").strip().split("|")[0].strip() or "…"
        return self.removed(f"{{{{ {word} }}}}", snippet)

    def shortcode(self, name: str, args: dict, snippet: str, shown: str) -> str:
        name = name.lower()
        if name == "include-video":
            name = str(args.get("provider", "")).lower()
            args = {0: args.get("id", "")}
        if name in _MEDIA and (args.get("id") or args.get(0)):
            url = _MEDIA[name].format(args.get("id") or args.get(0))
            return markdown_link(url, args.get("title"))
        if name == "figure" and args.get("src"):
            caption = args.get("caption") or args.get("title") or ""
            return "\n\n" + markdown_image(args["src"], args.get("alt") or re.sub(
                r"<[^>]*>", "", caption), re.sub(r"<[^>]*>", "", caption)) + "\n\n"
        return self.removed(shown, snippet)

    def attributes(self, part: str) -> str:
        first = min((m for m in (p.search(part) for p in (_ATTR_LINE, _ATTR_TAIL, _ATTR_SPAN))
                     if m), key=lambda m: m.start(), default=None)
        if first is None:
            return part
        cleaned = _ATTR_LINE.sub("", part)
        cleaned = _ATTR_TAIL.sub("", cleaned)
        cleaned = _ATTR_SPAN.sub(lambda m: m.group(1) or "", cleaned)
        if cleaned != part:
            self.once.warn("N814", "attributes", "Kramdown/Pandoc attribute lists ({: .class}, "
                           "{#id}, {:toc}) left out", lambda: self.line(first.group(0).strip()),
                           hint="they style the site's pages; headings get ids of their own")
        return cleaned

    def wiki_image(self, match: re.Match) -> str:
        name, alt = match.group(1).strip(), (match.group(2) or "").strip()
        alt = "" if alt.isdigit() else alt  # ![[x.png|300]] gives a width, not a text
        located = self.find(self.vault_path(name), match.group(0))
        return self.draft.attach(located, alt, "") if located else missing_image(alt or name)

    def vault_path(self, name: str) -> str:
        """An Obsidian embed's file as a link: a bare name is looked for in the whole vault
        (the --site folder, or the note's own folder)."""
        site = self.run.site
        if "/" not in name:
            vault = site or self.path.parent
            found = next((p for p in sorted(vault.rglob(glob.escape(name))) if p.is_file()),
                         None)
            if found is not None:
                return "/" + found.relative_to(vault).as_posix() if site else \
                    found.relative_to(vault).as_posix()
        return "/" + name if site else name

def _embed_link(match: re.Match) -> str:
    """An embedded player (which no page can play) as a link to what it plays."""
    src = match.group(1)
    for pattern, address in _EMBEDS:
        if found := pattern.search(src):
            return markdown_link(address.format(found.group(1)))
    return markdown_link(src)


def _args(text: str) -> dict:
    """A shortcode's arguments: named ones by name, positional ones under 0, 1, ..."""
    args: dict = {}
    position = 0
    for match in _ARG.finditer(text or ""):
        key, *values = match.groups()
        if key:
            args[key.lower()] = next((v for v in values[:3] if v is not None), "")
        else:
            args[position] = next(v for v in values[3:] if v is not None)
            position += 1
    return args
