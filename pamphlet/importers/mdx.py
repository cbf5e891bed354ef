"""MDX (and Astro's Markdown with components): the front matter is read as for any static
site; what only a JavaScript build understands is taken out or given its meaning.

- `import` and `export` statements leave, each named in a warning (N881); an image imported
  by name (`import hero from './hero.jpg'`) is kept for the components that show it;
- `<Image src={hero} alt="..."/>`, `<img src="..."/>`, `<Picture>` become images, `<Figure>`
  (`src`, `caption`) an image with its caption, `<figure>` with `<img>` and `<figcaption>` too;
- `<Callout type="warning">`, `<Aside type="tip" title="...">`, `<Admonition>`, `<Note>`,
  `<Tip>`, `<Warning>`, `<Caution>`, `<Info>` become callouts (`> [!warning] Title`);
- any other component leaves with a warning (N882), its children's text kept;
- `{expressions}` leave with a warning (N883); `{/* comments */}` leave quietly.

Code blocks and code spans are never touched.
"""

from __future__ import annotations

import re

from .draft import Once, pairs

_IMPORT = re.compile(r"(?m)^import[ \t]+(?:([\w$]+)[ \t]+from[ \t]+)?[^\n]*$")
_IMPORT_PATH = re.compile(r"""from[ \t]*["']([^"'\n]{1,1000})["']|^import[ \t]+["']([^"'\n]+)["']""")
_EXPORT = re.compile(r"(?m)^export[ \t]+")
# Each branch of the attributes starts with its own character, so a tag never closed costs
# one pass over it.
_TAG = re.compile(r"<(/?)([A-Za-z][\w.]{0,60})((?:[^<>{}\"']|\"[^\"]*\"|'[^']*'|\{[^{}]*\})*)>")
_COMMENT = (re.compile(r"\{/\*"), re.compile(r"\*/\}"))
_ATTRIBUTE = re.compile(r"""([\w-]{1,60})(?:[ \t\n]*=[ \t\n]*(?:"([^"]*)"|'([^']*)'|\{([^{}]*)\}))?""")
_CALLOUT_TAGS = {"callout": "note", "aside": "note", "admonition": "note", "note": "note",
                 "tip": "tip", "warning": "warning", "caution": "caution", "info": "info",
                 "danger": "danger", "important": "important"}
_IMAGE_TAGS = {"image", "img", "picture"}
_HTML = {"p", "em", "strong", "a", "br", "hr", "sup", "sub", "code", "pre", "blockquote",
         "ul", "ol", "li", "table", "thead", "tbody", "tr", "td", "th", "span", "div", "b",
         "i", "u", "s", "del", "ins", "mark", "small", "abbr", "cite", "q", "kbd", "h1", "h2",
         "h3", "h4", "h5", "h6", "dl", "dt", "dd", "caption", "details", "summary"}


class MdxBody:
    """The MDX passes over one essay's Markdown (outside code, which the caller keeps)."""

    def __init__(self, once: Once, line_of):
        self.once, self.line_of = once, line_of
        self.imports: dict[str, str] = {}  # a name an import gives -> the file it names

    def statements(self, text: str) -> str:
        """`import` and `export` statements out (with their continuation lines)."""
        out, lines, index = [], text.split("\n"), 0
        while index < len(lines):
            line = lines[index]
            if not (line.startswith("import ") or _EXPORT.match(line)):
                out.append(line)
                index += 1
                continue
            end = _statement_end(lines, index)
            statement = "\n".join(lines[index:end + 1])
            self.remember(statement)
            self.once.warn("N881", f"statement:{index}", f"'{line.strip()[:60]}' removed: "
                           "MDX statements mean something only to the site's build",
                           lambda: self.line_of(line), hint="check the text around it")
            index = end + 1
        return "\n".join(out)

    def remember(self, statement: str) -> None:
        name = re.match(r"import[ \t]+([\w$]+)[ \t]+from", statement)
        where = _IMPORT_PATH.search(statement)
        if name and where:
            self.imports[name.group(1)] = where.group(1) or where.group(2)

    def components(self, text: str) -> str:
        """Components as what they mean, or their text; comments and expressions out."""
        text = pairs(text, *_COMMENT, lambda *_: "")
        out, at, stack = [], 0, []
        for tag in _TAG.finditer(text):
            out.append(text[at:tag.start()])
            at = tag.end()
            out.append(self.tag(tag, stack))
        out.append(text[at:])
        return self.expressions("".join(out))

    def tag(self, tag: re.Match, stack: list) -> str:
        closing, name, attributes = tag.groups()
        lower = name.lower()
        values = self.attributes(attributes)
        if lower in _IMAGE_TAGS or lower == "figure" and values.get("src"):
            return self.image(values) if not closing else ""
        if lower in _CALLOUT_TAGS:
            if closing:
                return "\n\ue060\n"  # the callout ends: its lines are quoted afterwards
            kind = (values.get("type") or values.get("variant") or _CALLOUT_TAGS[lower])
            title = values.get("title", "")
            return f"\n\ue061{kind.lower()}\ue062{title}\ue063\n"
        if lower in _HTML or name[0].islower() and lower in ("figure", "figcaption"):
            return tag.group(0)
        self.once.warn("N882", f"component:{name}", f"the component <{name}> is removed; "
                       "the text inside it is kept", lambda: self.line_of(f"<{name}"),
                       hint="it is drawn by the site's JavaScript, which no page runs")
        if attributes.rstrip().endswith("/"):
            return ""
        return "\ue065" if closing else "\ue064"  # its children's lines are dedented

    def attributes(self, text: str) -> dict[str, str]:
        values = {}
        for found in _ATTRIBUTE.finditer(text or ""):
            name, double, single, expression = found.groups()
            value = double if double is not None else single if single is not None else \
                expression
            if expression is not None:
                value = self.value(expression)
            values[name.lower()] = value or ""
        return values

    def value(self, expression: str) -> str:
        """An attribute's `{expression}`: an imported image's file, a string, or nothing."""
        expression = expression.strip()
        if expression in self.imports:
            return self.imports[expression]
        string = re.fullmatch(r"""["'`]([^"'`]*)["'`]""", expression)
        return string.group(1) if string else ""

    def image(self, values: dict) -> str:
        from .draft import markdown_image

        src = values.get("src", "")
        if not src:
            return values.get("alt", "")
        return "\n\n" + markdown_image(src, values.get("alt", ""),
                                       values.get("caption") or values.get("title") or "") + "\n\n"

    def expressions(self, text: str) -> str:
        def expression(match: re.Match) -> str:
            self.once.warn("N883", f"expression:{match.group(0)[:40]}", f"the expression "
                           f"{match.group(0)[:40]} is removed", lambda: self.line_of(
                               match.group(0)), hint="write its value into the text")
            return ""
        return re.sub(r"\{[^{}\n]{0,500}\}", expression, text)


def settle(text: str) -> str:
    """The marks `components` left: a callout's lines quoted (`> [!kind] Title`), a removed
    component's children no longer indented (MDX has no indented code: they are text)."""
    out, depth, inside = [], 0, 0
    for line in text.split("\n"):
        opened, closed = line.count("\ue064"), line.count("\ue065")
        line = line.replace("\ue064", "").replace("\ue065", "")
        if inside or opened:
            line = line.lstrip(" \t")
        inside = max(0, inside + opened - closed)
        opening = re.fullmatch("\ue061([^\ue062]*)\ue062([^\ue063]*)\ue063", line.strip())
        if opening:
            out.append("> " * depth + f"> [!{opening.group(1)}] {opening.group(2)}".rstrip())
            depth += 1
        elif line.strip() == "\ue060":
            depth = max(0, depth - 1)
            out.append("")
        else:
            out.append(("> " * depth + line.strip()).rstrip() if depth else line)
    return "\n".join(out)


def _statement_end(lines: list[str], index: int) -> int:
    """The last line of the statement starting at `index`: braces balanced and, for an
    import, its `from '...'` read."""
    depth = 0
    for end in range(index, min(len(lines), index + 200)):
        depth += lines[end].count("{") + lines[end].count("(") + lines[end].count("[")
        depth -= lines[end].count("}") + lines[end].count(")") + lines[end].count("]")
        if depth <= 0 and (not lines[index].startswith("import") or
                           re.search(r"""from[ \t]*["']|^import[ \t]+["']""", lines[end])
                           or lines[end].rstrip().endswith(";")):
            return end
    return index
