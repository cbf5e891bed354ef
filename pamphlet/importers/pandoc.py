"""The seam to pandoc, which reads Word and OpenDocument files for `import`.

pandoc comes inside the `pypandoc-binary` wheel (pypandoc finds it; a pandoc on PATH does
too), so `pip install` is the whole set-up. It runs as a program of its own, given only bytes
the import has already checked (see `archive`), and is held on a short leash: `--sandbox`
(it reads and writes no file, fetches nothing), a heap of `HEAP_MB` at most, `TIMEOUT`
seconds at most. It writes HTML5, which the import turns into Markdown like any other HTML.

What the import relies on, checked by `tests/test_import_office.py` on each pandoc version:
- notes come as `a.footnote-ref[href="#fnN"]` and `section.footnotes > ol > li#fnN`, Word's
  footnotes and endnotes in one list, in reading order (the web-page notes code reads them);
- with `+styles`, a paragraph's Word style is named in `data-custom-style` on a `div`;
- images are `img[src]` naming the member of the archive (`media/image1.png`);
- a Word "Title", "Subtitle", "Author" or "Date" paragraph is metadata (`-s` writes them into
  `<header id="title-block-header">`), not text.

For reStructuredText, Org and AsciiDoc (`convert`), pandoc writes its AST as JSON instead:
the AST is shaped for our Markdown (figures become captioned images, admonitions callouts,
raw blocks for other formats are counted), and pandoc writes the Markdown our essays use,
footnotes in reading order.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache

OLDEST = (3, 0)  # pandoc 3 put notes in <section class="footnotes"> and reads docx+styles
HEAP_MB = 1500  # a 300-page document takes about a tenth of this
TIMEOUT = 300  # seconds: a 300-page document takes a few


class PandocError(Exception):
    """pandoc is missing, too old, or could not read the document; the message says which."""


@lru_cache(maxsize=1)
def pandoc() -> tuple[str, tuple[int, ...]]:
    """The pandoc program and its version; raises `PandocError` when there is none."""
    try:
        import pypandoc

        program = pypandoc.get_pandoc_path()
    except (ImportError, OSError) as error:
        raise PandocError("pandoc is not installed (reinstall pamphlet, whose "
                          f"pypandoc-binary dependency carries it): {error}") from None
    try:
        found = subprocess.run([program, "--version"], capture_output=True, text=True,
                               timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise PandocError(f"pandoc ({program}) does not run: {error}") from None
    match = re.match(r"pandoc(?:\.exe)? (\d+(?:\.\d+)*)", found)
    version = tuple(int(n) for n in match.group(1).split(".")) if match else (0,)
    if version < OLDEST:
        raise PandocError(f"pandoc {'.'.join(map(str, version))} is older than "
                          f"{'.'.join(map(str, OLDEST))}, the oldest import reads with")
    return program, version


def to_html(data: bytes, reader: str, options: tuple[str, ...] = ()) -> str:
    """The document in `data` (read as pandoc's `reader`, such as "docx+styles") as a
    standalone HTML5 page; raises `PandocError` with pandoc's own words."""
    return _run(["-f", reader, "-t", "html5", "-s", "--wrap=none", *options],
                data).decode("utf-8", "replace")


# The Markdown our essays are written in (Python-Markdown with footnotes, tables, fenced
# code, definition lists), as pandoc's writer names its parts; raw HTML stays (tables too
# complex for pipes), and the sanitiser sees it at build time.
WRITER = ("markdown_strict+footnotes+pipe_tables+backtick_code_blocks+fenced_code_attributes"
          "+definition_lists+strikeout+raw_html+superscript+subscript-smart")
CALLOUTS = {"note", "tip", "hint", "important", "warning", "caution", "danger", "error",
            "attention", "seealso", "admonition", "info", "todo", "example", "quote",
            "abstract", "summary", "question", "success", "failure", "bug", "sidebar"}


_CONTAINERS = ("Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps",
               "Underline")


@dataclass
class Converted:
    """A document as Markdown, with its metadata as plain text and what was left out."""

    markdown: str
    meta: dict
    dropped: list[str] = field(default_factory=list)  # raw blocks in formats no page shows
    log: list[str] = field(default_factory=list)  # pandoc's warnings and skipped parts


def _run(args: list[str], data: bytes, log: list[str] | None = None) -> bytes:
    """pandoc's output for `data`, sandboxed and held to `HEAP_MB` and `TIMEOUT`; its
    warnings (and the parts it skipped) are added to `log`."""
    program, _ = pandoc()
    command = [program, "+RTS", f"-M{HEAP_MB}m", "-RTS", "--sandbox", *args]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise PandocError(f"pandoc took more than {TIMEOUT} s to read it") from None
    except OSError as error:
        raise PandocError(f"pandoc could not be run: {error}") from None
    said = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if done.returncode != 0:
        if any("Heap exhausted" in line for line in said):
            raise PandocError(f"pandoc needed more than {HEAP_MB} MB to read it")
        raise PandocError("pandoc could not read it: " + (said[-1] if said else
                                                           f"exit status {done.returncode}"))
    if log is not None:
        log += [line for line in said if line.startswith(("[WARNING]", "[INFO] Skipped"))]
    return done.stdout


def convert(text: str, reader: str, code=None, images_in: str = "") -> Converted:
    """`text` in pandoc's `reader` format as essay Markdown and metadata; `code(role, text)`,
    if given, turns reST's interpreted text (`:role:`text``) into inlines; relative image
    paths are taken in the folder `images_in` (AsciiDoc's `:imagesdir:`)."""
    if reader == "asciidoc" and pandoc()[1] < (3, 8):
        raise PandocError("pandoc is older than 3.8, the first that reads AsciiDoc")
    log: list[str] = []
    ast = json.loads(_run(["-f", reader, "-t", "json", "--verbose"], text.encode("utf-8"),
                          log))
    shaper = _Shaper(code, images_in)
    ast["blocks"] = shaper.blocks(ast["blocks"])
    markdown = _run(["-f", "json", "-t", WRITER, "--wrap=none"],
                    json.dumps(ast).encode("utf-8")).decode("utf-8")
    meta = {key: plain(value) for key, value in ast.get("meta", {}).items()}
    return Converted(markdown.strip(), meta, shaper.dropped, log)


def plain(value) -> str | list | dict | bool:
    """A metadata value as Python data: inlines as their text."""
    kind, content = value.get("t"), value.get("c")
    if kind in ("MetaInlines", "MetaBlocks"):
        return stringify(content).strip()
    if kind == "MetaList":
        return [plain(item) for item in content]
    if kind == "MetaMap":
        return {key: plain(item) for key, item in content.items()}
    if kind == "MetaBool":
        return bool(content)
    return str(content) if content is not None else ""


def stringify(nodes) -> str:
    """The text of a list of AST inlines or blocks."""
    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        kind, content = node.get("t"), node.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Code", "Math"):
            out.append(content[-1])
        elif kind == "Link" or kind == "Image":
            walk(content[1])
        elif kind == "Note":
            return
        elif kind in ("Para", "Plain"):
            walk(content)
            out.append(" ")
        else:
            walk(content)
    walk(nodes)
    return " ".join("".join(out).split())


class _Shaper:
    """The AST's blocks as our Markdown shows them; what cannot be shown is counted."""

    def __init__(self, code=None, images_in: str = ""):
        self.code, self.images_in = code, images_in.strip().rstrip("/")
        self.dropped: list[str] = []

    def blocks(self, blocks: list) -> list:
        out = []
        for block in blocks:
            out.extend(self.block(block))
        return out

    def block(self, block: dict) -> list:
        """One block as the blocks our Markdown shows."""
        kind, content = block.get("t"), block.get("c")
        if kind == "Figure":
            return self.figure(content)
        if kind == "Div":
            return self.div(content)
        if kind == "RawBlock":
            if content[0] in ("html", "html5", "markdown"):
                return [block]
            if content[0] == "org" and content[1].startswith("#+"):
                return []  # a keyword line (#+STARTUP: ...), which the importer reads
            self.dropped.append(f"a raw {content[0]} block")
            return []
        if kind == "BlockQuote":
            return [{"t": "BlockQuote", "c": self.blocks(content)}]
        if kind in ("BulletList", "OrderedList"):
            items = content if kind == "BulletList" else content[1]
            items = [self.blocks(item) for item in items]
            return [{"t": kind, "c": items if kind == "BulletList" else [content[0], items]}]
        if kind == "DefinitionList":
            return [{"t": kind, "c": [[term, [self.blocks(d) for d in definitions]]
                                       for term, definitions in content]}]
        if kind == "Header":
            level, attr, inlines = content
            inlines = self.inlines(inlines)
            while inlines and inlines[-1].get("t") == "Space":
                inlines.pop()
            while inlines and inlines[0].get("t") == "Space":
                inlines.pop(0)
            return [{"t": "Header", "c": [level, attr, inlines]}]
        if kind in ("Para", "Plain"):
            return [{"t": kind, "c": self.inlines(content)}]
        return [block]

    def inlines(self, inlines: list) -> list:
        out = []
        for inline in inlines:
            out.extend(self.inline(inline))
        return out

    def inline(self, inline: dict) -> list:
        """One inline as the inlines our Markdown shows."""
        kind, content = inline.get("t"), inline.get("c")
        if kind == "RawInline" and content[0] not in ("html", "html5", "markdown"):
            self.dropped.append(f"raw {content[0]} text")
            return []
        if kind == "Note":
            return [{"t": "Note", "c": self.blocks(content)}]
        if kind == "Math":
            return [{"t": "Code", "c": [["", [], []], content[1]]}]
        if kind == "Span":
            if {"tag", "todo", "done"} & set(content[0][1]):
                return []  # an Org heading's TODO keyword and tags: its state, not its text
            return self.inlines(content[1])
        if kind == "Code" and "interpreted-text" in content[0][1] and self.code:
            return self.code(dict(content[0][2]).get("role", ""), content[1])
        if kind in _CONTAINERS:
            return [{"t": kind, "c": self.inlines(content)}]
        if kind == "Image" and self.images_in and not re.match(r"[a-z][a-z0-9+.-]*:|/|#",
                                                                content[2][0], re.I):
            content = [content[0], content[1], [f"{self.images_in}/{content[2][0]}",
                                                content[2][1]]]
            return [{"t": "Image", "c": content}]
        if kind in ("Link", "Quoted", "Cite"):
            return [{"t": kind, "c": [content[0], self.inlines(content[1]), *content[2:]]}]
        return [inline]

    def figure(self, content: list) -> list:
        """A figure as its image with the caption as the image's title (our Markdown makes a
        figure with a figcaption of it); a figure of anything else, its blocks and caption."""
        attr, (short, caption), body = content
        images = [node for block in body if block.get("t") in ("Plain", "Para")
                  for node in block["c"] if node.get("t") == "Image"]
        text = stringify(caption)
        if len(images) == 1:
            image_attr, alt, (src, title) = self.inline(images[0])[0]["c"]
            alt = alt or [{"t": "Str", "c": text}]
            image = {"t": "Image", "c": [image_attr, alt, [src, text or title]]}
            return [{"t": "Para", "c": [image]}]
        return self.blocks(body) + ([{"t": "Para", "c": self.inlines(caption[0]["c"])}]
                                    if caption and caption[0].get("c") else [])

    def div(self, content: list) -> list:
        """An admonition (reST `.. note::`, AsciiDoc `NOTE:`, Org `#+BEGIN_NOTE`) as a callout;
        any other division, its content."""
        (identifier, classes, _), blocks = content
        kind = next((c for c in classes if c in CALLOUTS), None)
        if kind is None:
            return self.blocks(blocks)
        title: list = []
        if blocks and blocks[0].get("t") == "Div" and "title" in blocks[0]["c"][0][1]:
            title = [i for b in blocks[0]["c"][1] for i in b.get("c", [])]
            blocks = blocks[1:]
        elif kind == "admonition" and blocks and blocks[0].get("t") == "Para":
            title, blocks = blocks[0]["c"], blocks[1:]
        kind = "note" if kind == "admonition" else kind
        if stringify(title).lower() == kind:
            title = []  # the type's own name, which the callout shows anyway
        head = [{"t": "RawInline", "c": ["markdown", f"[!{kind}]"]}]
        if title:
            head += [{"t": "Space"}, *self.inlines(title)]
        return [{"t": "BlockQuote", "c": [{"t": "Para", "c": head}, *self.blocks(blocks)]}]

