"""Logseq pages as essays: an outliner's page read as the text it holds.

- page properties (`title::`, `tags::`, `author::`, `date::`, `description::`) are front
  matter; a journal's date comes from its file name (`2024_03_14.md`);
- outline bullets that hold prose (sentences) become paragraphs, headings (`- ## Usage`)
  headings; runs of short items stay lists, nested as they were;
- `../assets/` images are copied (the graph is the one folder read);
- `[[Page]]` and `#[[Page]]` become links to the imported essays (else their text),
  `((block))` references and `{{embed}}` the block or page they name, `{{cloze x}}` its
  text, `{{video url}}` a link; other macros (N879) and references that cannot be
  found (N880) are named; block properties (`id::`, `collapsed::`) and task markers leave.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from .document import split_list
from .body_images import Images
from .draft import Draft, Once, Run, essay_link, iso_date, prose

MAX_DEPTH = 40  # outline levels kept; a page rendered deeper would exhaust the stack
_PROPERTY = re.compile(r"[ \t]*([A-Za-z][\w-]{0,60})::[ \t]*(.*)$")
_BULLET = re.compile(r"([ \t]*)-(?:[ \t]+(.*))?$")
_MARKER = re.compile(r"(?:TODO|DOING|DONE|LATER|NOW|WAITING|WAIT|CANCELED|CANCELLED|IN-PROGRESS)"
                     r"[ \t]+(?:\[#[ABC]\][ \t]+)?")
_HEADING = re.compile(r"(#{1,6})[ \t]+")
_PAGE_REF = re.compile(r"#?\[\[([^\[\]\n]{1,300})\]\]")
_BLOCK_REF = re.compile(r"\(\(([0-9a-f-]{36})\)\)")
_MACRO = re.compile(r"\{\{[ \t]*([\w-]{1,40})[ \t]*([^{}\n]{0,2000})\}\}")
_IMAGE_ATTRS = re.compile(r"(?<=\))\{:[^{}\n]{0,300}\}")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?:\s|$)")
_JOURNAL = re.compile(r"(\d{4})_(\d\d)_(\d\d)$")


def graph_of(path: Path) -> Path | None:
    """The Logseq graph a page is in: the folder above `pages/` or `journals/` that holds
    `logseq/` (its settings) or `assets/`."""
    folder = Path(os.path.abspath(path)).parent
    if folder.name in ("pages", "journals") and any(
            (folder.parent / name).is_dir() for name in ("logseq", "assets")):
        return folder.parent
    return None


def is_page(text: str, path: Path) -> bool:
    """Whether Markdown is a Logseq page: in a graph, or opening with `key:: value` lines."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    return graph_of(path) is not None or bool(_PROPERTY.match(first) and "::" in first)


@dataclass
class _Block:
    text: list[str]
    children: list["_Block"] = field(default_factory=list)
    rendered: str | None = None  # its Markdown, once made


class Graph:
    """One graph's pages, by name, for links and block references between them."""

    def __init__(self, root: Path):
        self.root = root
        self.pages: dict[str, Path] = {}
        self.blocks: dict[str, str] | None = None
        for folder in ("pages", "journals"):
            for page in sorted((root / folder).glob("*.md")):
                self.pages[page_name(page).casefold()] = page

    def block(self, uuid: str) -> str | None:
        """The text of the block whose `id::` is `uuid`, anywhere in the graph."""
        if self.blocks is None:
            self.blocks = {}
            for page in self.pages.values():
                _index_blocks(_read(page), self.blocks)
        return self.blocks.get(uuid)


def _read(page: Path) -> str:
    try:
        if page.is_symlink() or page.stat().st_size > 8_000_000:
            return ""
        return page.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _index_blocks(text: str, blocks: dict[str, str]) -> None:
    current: list[str] = []
    for line in text.split("\n"):
        bullet = _BULLET.match(line)
        if bullet:
            current = [bullet.group(2) or ""]
            continue
        prop = _PROPERTY.match(line)
        if prop and prop.group(1) == "id":
            blocks[prop.group(2).strip()] = " ".join(current).strip()
        elif line.strip() and not prop:
            current.append(line.strip())


def page_name(path: Path) -> str:
    """A page's name from its file name (`a___b.md` and `a%2Fb.md` are `a/b`)."""
    return unquote(path.stem.replace("___", "/"))


def from_logseq(text: str, path: Path, run: Run) -> list[Draft]:
    """The essay one Logseq page holds."""
    root = graph_of(path)
    graph = run.vault(root, Graph) if root else None
    lines = text.split("\n")
    properties, at = _page_properties(lines)
    blocks = _outline(lines[at:])
    if blocks and all(_PROPERTY.match(line) for line in blocks[0].text if line.strip()) \
            and not properties and blocks[0].text and not blocks[0].children:
        properties, _ = _page_properties(blocks.pop(0).text)
    once = Once(run.diagnostics, path)
    page = _Page(graph, path, once, text)
    body = "\n\n".join(page.render(blocks)).strip()
    title = _clean(properties.get("title", "")) or page_name(path)
    journal = _JOURNAL.search(path.stem)
    date = iso_date(_clean(properties.get("date", ""))) or (
        iso_date("-".join(journal.groups())) if journal else None)
    authors = [a.strip() for a in re.split(r"[;,]", _clean(properties.get("author", "")))]
    draft = Draft(title, "", [a for a in authors if a] or None, date,
                  split_list(_clean(properties.get("tags", ""))), None, path,
                  summary=_clean(properties.get("description", "")) or None)
    draft.key = f"logseq:{page_name(path).casefold()}"
    draft.body = Images(draft, text, path, run, root=root).images(body)
    if (properties.get("public", "").strip().lower() == "false"):
        run.skip("private", path)
        return []
    return [draft]


def _clean(value: str) -> str:
    """A property's value without Logseq's brackets: `[[a]], [[b c]]` is `a, b c`."""
    return _PAGE_REF.sub(r"\1", value).strip()


def _page_properties(lines: list[str]) -> tuple[dict, int]:
    properties, at = {}, 0
    while at < len(lines) and (found := _PROPERTY.match(lines[at])) and \
            not _BULLET.match(lines[at]):
        properties.setdefault(found.group(1).lower(), found.group(2).strip())
        at += 1
    return properties, at


def _outline(lines: list[str]) -> list[_Block]:
    """The page's bullets as a tree; lines before the first bullet are a block of their own."""
    roots: list[_Block] = []
    stack: list[tuple[int, _Block]] = []
    for line in lines:
        bullet = _BULLET.match(line)
        if bullet:
            depth = min(_depth(bullet.group(1)), MAX_DEPTH)  # deeper bullets join the deepest
            block = _Block([bullet.group(2) or ""])
            while stack and stack[-1][0] >= depth:
                stack.pop()
            (stack[-1][1].children if stack else roots).append(block)
            stack.append((depth, block))
        elif stack:
            stack[-1][1].text.append(_dedent(line, stack[-1][0]))
        elif line.strip():
            roots.append(_Block([line]))
    return roots


def _depth(indent: str) -> int:
    return indent.count("\t") + indent.count(" ") // 2


def _dedent(line: str, depth: int) -> str:
    """A block's continuation line without the indentation of its bullet (tabs, then two
    spaces for the text's column)."""
    cut = 0
    while cut < len(line) and cut < depth and line[cut] == "\t":
        cut += 1
    rest = line[cut:]
    return rest[2:] if rest.startswith("  ") else rest.lstrip("\t")


class _Page:
    """The rendering of one page's outline, with the graph to resolve references in."""

    def __init__(self, graph: Graph | None, path: Path, once: Once, text: str):
        self.graph, self.path, self.once, self.source = graph, path, once, text

    def line(self, snippet: str) -> int | None:
        at = self.source.find(snippet)
        return self.source.count("\n", 0, at) + 1 if at >= 0 else None

    def render(self, blocks: list[_Block]) -> list[str]:
        """Sibling blocks as Markdown: headings, paragraphs, or a list."""
        out: list[str] = []
        run: list[_Block] = []
        for block in blocks + [None]:
            heading = block is not None and _HEADING.match(self.text(block))
            if block is not None and not heading:
                run.append(block)
                continue
            out += self.run(run)
            run = []
            if block is not None:
                out.append(self.text(block))
                out += self.render(block.children)
        return out

    def run(self, blocks: list[_Block]) -> list[str]:
        if not blocks:
            return []
        prose = sum(_isprose(self.text(b)) for b in blocks)
        if prose * 2 >= len(blocks) or len(blocks) == 1 and not blocks[0].children:
            out = []
            for block in blocks:
                if self.text(block):
                    out.append(self.text(block))
                out += self.render(block.children)
            return out
        return ["\n".join(self.items(blocks, 0))]

    def items(self, blocks: list[_Block], depth: int) -> list[str]:
        lines = []
        for block in blocks:
            text = self.text(block).split("\n")
            lines.append("  " * depth + "- " + text[0])
            lines += ["  " * (depth + 1) + line if line.strip() else "" for line in text[1:]]
            lines += self.items(block.children, depth + 1)
        return lines

    def text(self, block: _Block) -> str:
        """A block's own text, its properties and task marker gone, references resolved."""
        if block.rendered is None:
            lines = [line for line in block.text if not _PROPERTY.match(line)]
            text = _MARKER.sub("", "\n".join(lines).strip(), count=1)
            block.rendered = self.inline(text)
        return block.rendered

    def inline(self, text: str) -> str:
        return prose(text, self.references)

    def references(self, text: str) -> str:
        text = _IMAGE_ATTRS.sub("", text)
        text = _MACRO.sub(self.macro, text)
        text = _BLOCK_REF.sub(self.block_ref, text)
        return _PAGE_REF.sub(self.page_ref, text)

    def page_ref(self, match: re.Match) -> str:
        name = match.group(1).strip()
        if self.graph is not None and name.casefold() in self.graph.pages:
            return essay_link(f"logseq:{name.casefold()}", name)
        return name

    def block_ref(self, match: re.Match) -> str:
        found = self.graph.block(match.group(1)) if self.graph else None
        if found is None:
            self.once.warn("N880", f"ref:{match.group(1)}", f"the block reference "
                           f"(({match.group(1)[:8]}…)) names no block of the graph; it is "
                           "left out", lambda: self.line(match.group(0)),
                           hint="import the page from its graph, or paste the block's text in")
            return ""
        return self.references(found)

    def macro(self, match: re.Match) -> str:
        name, argument = match.group(1).lower(), match.group(2).strip()
        if name == "cloze":
            return argument.split("\\\\")[0].strip()
        if name in ("video", "youtube", "vimeo", "tweet", "twitter") and \
                re.match(r"https?://\S+$", argument):
            return f"<{argument}>"
        if name == "embed":
            return self.references(argument)
        self.once.warn("N879", f"macro:{name}", f"the Logseq macro {{{{{name}}}}} is left out",
                       lambda: self.line(match.group(0)),
                       hint="it draws something in Logseq (a query, a renderer) that no page "
                       "can print")
        return ""


def _isprose(text: str) -> bool:
    """Whether a block reads as prose (sentences), not as a list item: two sentences, or
    one of a dozen words or more."""
    plain = re.sub(r"[`*_\[\]()#]", "", text)
    sentences = len(_SENTENCE_END.findall(plain + " "))
    return sentences >= 2 or (sentences == 1 and len(plain.split()) >= 12)
