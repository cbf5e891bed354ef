"""Which essays a Markdown text may link to, without converting it (for cache keys: an
up-to-date build imports no Markdown)."""

from __future__ import annotations

import html as html_module
import re
from urllib.parse import unquote

_MD_TARGET = re.compile(r"\.md(?![\w-])")
_FRAGMENT = re.compile(r"#([^\s()<>\"'\[\]#]+)")
_NAME_START = re.compile(r"[(<\"'\[\]/\n=]")


def linked_slugs(text: str) -> set[str]:
    """Every name the Markdown `text` may link to as an essay (`name.md`, `#name`), with
    entities and %-escapes decoded: a superset, so that a cache key made of the existing
    ones among them changes whenever a link to an essay can change."""
    plain = unquote(html_module.unescape(text))
    found = {match.group(1) for match in _FRAGMENT.finditer(plain)}
    for match in _MD_TARGET.finditer(plain):
        before = plain[max(0, match.start() - 200):match.start()]
        cut = max((m.end() for m in _NAME_START.finditer(before)), default=0)
        name = before[cut:].strip()
        # the whole name up to a delimiter (names may hold spaces), and its last word
        found |= {name, name.split()[-1] if name.split() else name}
    return found
