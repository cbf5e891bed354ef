"""Python-Markdown's parts that are not linear on hostile text, bounded.

Each essay is converted by a Markdown instance of its own, which this extension hardens:

- Links and images. Python-Markdown finds the `]` that closes a link's `[` from a table of
  the whole paragraph, made again after every link it replaces (so a paragraph of many
  links costs their number times its length), and the `)` that closes its address one
  character at a time to the end of the paragraph (so `[a](` repeated costs its square).
  Here each is found by scanning forward from the bracket, over brackets, parentheses and
  quotes only, and every scan is paid from one budget: ten times the essay's length, and a
  million characters more. A scan the budget cannot pay leaves its bracket as text; the
  conversion then carries BUDGET_MARK, which markup.py reports (M311).
- Long blocks. Python-Markdown takes a block (lines between blank lines) one definition,
  footnote, heading or rule at a time, and after each it searches the rest of the block
  again for the next (so a block of a thousand definitions is searched a thousand times). A
  blank line is put before such a line once MAX_RUN lines have passed since the last one
  (inside a quote, a line of its `>` alone), which changes nothing but a definition's
  spacing: each block is then searched at most MAX_RUN times. Likewise Python-Markdown
  copies a paragraph's text again for each piece of markup it finds in it (a quote, a
  dash, an asterisk, ...): a block whose length times its marks passes BLOCK_WORK is cut at
  its next line (not in a table, which is read whole). Real paragraphs stay whole; one line
  may not pass LINE_WORK (markup.py refuses it, M313).
- Blank tails. The smart-quotes extension reads the tree a second time, once Python-Markdown
  has put a line break after each block, and finds each block with such a tail among its
  parent's children from the first (so an essay of many paragraphs costs their square).
  Tails of white space alone are taken off before it reads, and put back after.
- Raw HTML. Python-Markdown reads it with its own copy of html.parser, whose pattern for a
  start tag reads a tag that is never closed to the end of the text (`<a<a<a...`); here it
  stops at the next `<`, which no tag name, attribute name or bare value may hold.

Nothing here reads a file or reports: the conversion stays a function of the text.
"""

from __future__ import annotations

import re

import markdown
from markdown import htmlparser as _htmlparser
from markdown import inlinepatterns as _inline
from markdown.preprocessors import Preprocessor

BUDGET_MARK = "pamphlet-link-budget"  # in a comment of the converted text (see markup.py)
MAX_RUN = 64  # lines of one block before a blank line is put before its next part
BLOCK_WORK = 20_000_000  # a block's characters times its marks: some tenths of a second
LINE_WORK = 100_000_000  # the same of one line, which cannot be cut: a second or two
_MARKS = "'\"*_`[<&\\~-"  # what Python-Markdown's inline patterns start at


def marks(text: str) -> int:
    """How many characters of `text` an inline pattern of Python-Markdown may start at."""
    return sum(map(text.count, _MARKS))
# A line that Python-Markdown takes as a part of its block by itself (after any `>`s): a
# definition, a footnote's, an ATX heading or a rule; or a setext heading's text (SETEXT
# says so of the line after it).
_QUOTED = re.compile(r"(?:>[ ]?)*")
_PART = re.compile(r"[ ]{0,3}(?::[ ]|\[\^[^\[\]\s]+\]:|#{1,6}(?:[ ]|$)|(?:[-*_][ ]{0,2}){3,}$)")
_SETEXT = re.compile(r"[ ]{0,3}(?:=+|-+)[ ]*$")
_BRACKETS = re.compile(r"[\[\]]")
_IN_ADDRESS = re.compile(r"[()'\"]")  # what the address's closing parenthesis depends on

# The start-tag pattern of Python-Markdown's private copy of html.parser, as Python-Markdown
# itself patches it, with `<` added to what a tag name, attribute name or bare value cannot
# hold: a `<` that opens no tag is then read up to the next `<`, not to the end of the text.
_htmlparser.htmlparser.locatestarttagend_tolerant = re.compile(r"""
  <[a-zA-Z][^`\t\n\r\f />\x00<]*
  (?:[\s/]*
    (?:(?<=['"\s/])[^`\s/><][^\s/=><]*
      (?:\s*=+\s*
        (?:'[^']*'
          |"[^"]*"
          |(?!['"])[^`>\s<]*
         )
         (?:\s*,)*
       )?(?:\s|/(?!>))*
     )*
   )?
  \s*
""", re.VERBOSE)


class Budget:
    """How many characters the link scans of one conversion may still read."""

    def __init__(self):
        self.left = 0
        self.spent = False  # a scan could not be paid

    def reset(self, length: int) -> None:
        self.left, self.spent = 10 * length + 1_000_000, False

    def window(self, data: str, start: int) -> int:
        """Where a scan from `start` must stop: the end of `data`, or what the budget pays."""
        return min(len(data), start + max(self.left, 0))

    def pay(self, start: int, stop: int, end: int) -> bool:
        """Pay for a scan from `start` to `stop`; False if the budget cut it before `end`."""
        self.left -= stop - start
        if stop < end:
            self.spent = True
            return False
        return True


class _Bounded:
    """getText and getLink of Python-Markdown's link processors, each scan paid from the
    conversion's budget (see the module's note); the results are Python-Markdown's."""

    budget: Budget

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        depth, window = 1, self.budget.window(data, index)
        for found in _BRACKETS.finditer(data, index, window):
            depth += 1 if found.group() == "[" else -1
            if depth == 0:
                self.budget.pay(index, found.end(), found.end())
                return data[index:found.start()], found.end(), True
        self.budget.pay(index, window, len(data))
        return "", len(data), False  # not a link (Python-Markdown's copy of the rest is unused)

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        found = self.RE_LINK.match(data, pos=index)
        if found is None or found.group(1):
            return super().getLink(data, index)  # none, or <address>: one bounded match
        scan = _AddressScan(data, found.end())
        window = self.budget.window(data, found.end())
        if scan.run(window):
            self.budget.pay(found.end(), scan.index, scan.index)
        elif not self.budget.pay(found.end(), window, len(data)):
            return "", None, index, False
        href, title, index, handled = scan.result()
        if title is not None:
            title = self.RE_TITLE_CLEAN.sub(" ", _inline.dequote(self.unescape(title.strip())))
        return self.unescape(href).strip(), title, index, handled


class _AddressScan:
    """Python-Markdown's LinkInlineProcessor.getLink loop for `[text](address "title")`,
    visiting only the parentheses and quotes (the other characters change nothing but the
    last one seen, which is looked up where it matters)."""

    def __init__(self, data: str, start: int):
        self.data, self.start, self.index = data, start, start
        self.bracket_count = self.backtrack_count = 1
        self.last_bracket = -1
        self.quote = self.alt_quote = None
        self.start_quote = self.exit_quote = -1
        self.start_alt_quote = self.exit_alt_quote = -1
        self.ignore_matches = False
        self.href, self.title = "", None

    def _last(self, position: int) -> str:
        """The last character before `position` that is not a space ('' if none)."""
        while position > self.start and self.data[position - 1] == " ":
            position -= 1
        return self.data[position - 1] if position > self.start else ""

    def run(self, window: int) -> bool:
        """Scan up to `window`; True once the address is closed."""
        for found in _IN_ADDRESS.finditer(self.data, self.start, window):
            position, char = found.start(), found.group()
            if char == "(":
                self._open()
            elif char == ")":
                self._close(position, self._last(position))
            else:
                self._quote(position, char)
            self.index = position + 1
            if self.bracket_count == 0:
                self._closed(self._last(position))
                return True
        self.index = window
        return False

    def _open(self) -> None:
        if not self.ignore_matches:
            self.bracket_count += 1
        elif self.backtrack_count > 0:
            self.backtrack_count -= 1

    def _close(self, position: int, last: str) -> None:
        if (self.exit_quote != -1 and self.quote == last) or (
                self.exit_alt_quote != -1 and self.alt_quote == last):
            self.bracket_count = 0
        elif not self.ignore_matches:
            self.bracket_count -= 1
        elif self.backtrack_count > 0:
            self.backtrack_count -= 1
            if self.backtrack_count == 0:
                self.last_bracket = position + 1

    def _quote(self, position: int, char: str) -> None:
        if not self.quote:
            self.ignore_matches = True
            self.backtrack_count, self.bracket_count = self.bracket_count, 1
            self.start_quote, self.quote = position + 1, char
        elif char != self.quote and not self.alt_quote:
            self.start_alt_quote, self.alt_quote = position + 1, char
        elif char == self.quote:
            self.exit_quote = position + 1
        elif self.alt_quote and char == self.alt_quote:
            self.exit_alt_quote = position + 1

    def _closed(self, last: str) -> None:
        data = self.data
        if self.exit_quote >= 0 and self.quote == last:
            self.href = data[self.start:self.start_quote - 1]
            self.title = data[self.start_quote:self.exit_quote - 1]
        elif self.exit_alt_quote >= 0 and self.alt_quote == last:
            self.href = data[self.start:self.start_alt_quote - 1]
            self.title = data[self.start_alt_quote:self.exit_alt_quote - 1]
        else:
            self.href = data[self.start:self.index - 1]

    def result(self) -> tuple[str, str | None, int, bool]:
        if self.bracket_count != 0 and self.backtrack_count == 0:
            self.href = self.data[self.start:self.last_bracket - 1]
            self.index, self.bracket_count = self.last_bracket, 0
        return self.href, self.title, self.index, self.bracket_count == 0


# Python-Markdown's own processors, each with the bounded scans, under the names and at the
# places Python-Markdown registers them.
_PROCESSORS = (
    ("reference", 170, _inline.ReferenceInlineProcessor, _inline.REFERENCE_RE),
    ("link", 160, _inline.LinkInlineProcessor, _inline.LINK_RE),
    ("image_link", 150, _inline.ImageInlineProcessor, _inline.IMAGE_LINK_RE),
    ("image_reference", 140, _inline.ImageReferenceInlineProcessor,
     _inline.IMAGE_REFERENCE_RE),
    ("short_reference", 130, _inline.ShortReferenceInlineProcessor, _inline.REFERENCE_RE),
    ("short_image_ref", 125, _inline.ShortImageReferenceInlineProcessor,
     _inline.IMAGE_REFERENCE_RE),
)
_BOUNDED = {base: type(f"Bounded{base.__name__}", (_Bounded, base), {})
            for _, _, base, _ in _PROCESSORS}


class BoundedLinks(markdown.Extension):
    """The extension: bounded link scans, one budget a conversion (see the module's note)."""

    def __init__(self, mark: str = "", **kwargs):
        super().__init__(**kwargs)
        self.budget, self.mark = Budget(), mark

    def extendMarkdown(self, md):
        for name, priority, base, pattern in _PROCESSORS:
            processor = _BOUNDED[base](pattern, md)
            processor.budget = self.budget
            md.inlinePatterns.register(processor, name, priority)
        md.preprocessors.register(_Measure(md, self.budget), "pamphlet_budget", 1000)
        # after fenced code is put aside (25) and raw HTML blocks (20)
        md.preprocessors.register(_BlockBreaker(md), "pamphlet_blocks", 15)
        md.postprocessors.register(_Told(md, self.budget, self.mark), "pamphlet_budget", 0)
        tails = _Tails(md)  # around smarty's tree pass (6), after prettify's line breaks (10)
        md.treeprocessors.register(tails.Off(md, tails), "pamphlet_tails_off", 8)
        md.treeprocessors.register(tails.On(md, tails), "pamphlet_tails_on", 5)


class _Measure(Preprocessor):
    """Sets the budget from the text's length, before anything reads it."""

    def __init__(self, md, budget: Budget):
        super().__init__(md)
        self.budget = budget

    def run(self, lines: list[str]) -> list[str]:
        self.budget.reset(sum(len(line) + 1 for line in lines))
        return lines


class _Told(markdown.postprocessors.Postprocessor):
    """Puts BUDGET_MARK into the output when a scan went unpaid (markup.py reports it)."""

    def __init__(self, md, budget: Budget, mark: str):
        super().__init__(md)
        self.budget, self.mark = budget, mark

    def run(self, text: str) -> str:
        return text + f"<!--{BUDGET_MARK}{self.mark}-->" if self.budget.spent else text


class _BlockBreaker(Preprocessor):
    """A blank line before each part of a block longer than MAX_RUN lines (see the module's
    note); inside a quote, a line of its `>`s alone."""

    def run(self, lines: list[str]) -> list[str]:
        out, run, size, found = [], 0, 0, 0
        for number, line in enumerate(lines):
            quoted = _QUOTED.match(line).end()
            if not line[quoted:].strip():
                run = size = found = 0
            elif (run >= MAX_RUN and (_PART.match(line, quoted) or (
                    number + 1 < len(lines) and _SETEXT.match(lines[number + 1])))) or (
                    size * found >= BLOCK_WORK and not line.lstrip().startswith("|")
                    and not out[-1].lstrip().startswith("|")):
                out.append(line[:quoted].rstrip())
                run = size = found = 0
            run, size, found = run + 1, size + len(line) + 1, found + marks(line)
            out.append(line)
        return out


class _Tails:
    """The white-space tails taken off before smarty's pass and put back after it."""

    def __init__(self, md):
        self.kept: list = []

    class Off(markdown.treeprocessors.Treeprocessor):
        def __init__(self, md, tails: "_Tails"):
            super().__init__(md)
            self.tails = tails

        def run(self, root):
            self.tails.kept = [(element, element.tail) for element in root.iter()
                               if element.tail and not element.tail.strip()]
            for element, _ in self.tails.kept:
                element.tail = None

    class On(Off):
        def run(self, root):
            for element, tail in self.tails.kept:
                element.tail = tail
            self.tails.kept = []
