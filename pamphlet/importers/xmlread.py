"""Reading an XML export (WordPress's WXR, Blogger's Atom backup) as data: one that declares
entities is refused (N853, as `archive` refuses them), nothing is fetched, no tree is huge;
a file with small faults (an undeclared prefix, a stray `&`, a file cut short) is read again
in lxml's recovery mode, and what was repaired said.

May import: `diagnostics` (as the importers do).
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from .draft import Run

_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_ENTITY = re.compile(rb"<!ENTITY", re.I)  # as archive.parse_xml refuses them (N853)


def parse_export(raw: bytes, path: Path, run: Run, record: str, closing: bytes, what: str,
                 code: str, hint: str):
    """The root of the export, or None after `code` (an error naming the first fault).

    `record` is the local name of the export's posts (`item`, `entry`): a file that only
    recovery can read must still hold one; `closing` is its last tag, without which the
    file was cut short and its last record is left out."""
    if _ENTITY.search(raw[:65536]) or (b"<!DOCTYPE" in raw[:65536] and _ENTITY.search(raw)):
        run.diagnostics.error("N853", f"{path.name} declares XML entities (a file made to "
                              "exhaust memory or to read other files); it is not read", path,
                              hint="no platform writes these; check where the export came "
                              "from")
        return None
    try:
        return etree.fromstring(raw, etree.XMLParser(**_OPTIONS))
    except etree.XMLSyntaxError as error:
        first = error
    parser = etree.XMLParser(recover=True, **_OPTIONS)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None or next(root.iter("{*}" + record), None) is None:
        run.diagnostics.error(code, f"{path.name} is not a readable {what}: {first.msg}", path,
                              first.lineno, hint=hint)
        return None
    faults = [f"line {e.line}: {e.message.strip()}" for e in parser.error_log]
    more = f" (and {len(faults) - 3} more)" if len(faults) > 3 else ""
    cut = _drop_cut_off(root, raw, record, closing)
    run.diagnostics.warning("N808", "the export is not well-formed XML and was read in "
                            f"recovery mode; repaired: {'; '.join(faults[:3]) or first.msg}"
                            f"{more}" + (f"; the file ends inside the post on line {cut}, "
                                         "which is left out" if cut else ""),
                            path, first.lineno,
                            hint="check the imported posts against the blog; the export "
                            "itself is unchanged")
    return root


def _drop_cut_off(root, raw: bytes, record: str, closing: bytes) -> int | None:
    """In a file cut short, the last record is incomplete (its status may be missing), so
    it is left out; returns its line."""
    if raw.rstrip().endswith(closing):
        return None
    records = list(root.iter("{*}" + record))
    if not records:
        return None
    records[-1].getparent().remove(records[-1])
    return records[-1].sourceline
