"""What WeasyPrint's PDF/UA-1 tagging leaves to do: running heads and page numbers as
artifacts, each essay's own language on its article, notes tagged as notes, and images
without alt text (decorative ones, and those M320 warned of) as artifacts.

WeasyPrint tags the margin boxes' text as marked content whose structure elements hang
nowhere in the tree (its own note: an artifact there is "only allowed in PDF 2.0"), so a
screen reader would meet them nowhere, and PDF/UA-1 wants such content to be an artifact.
Here every marked-content sequence whose structure element cannot be reached from the
structure tree's root becomes `/Artifact`, and its entry in the parent tree is cleared.

Tables: WeasyPrint gives each data cell `/Headers` naming its header cells by `/ID`, but
writes no `/IDTree`, by which a reader finds an element from its ID, and no `/Scope` on a
header cell. `index_ids` writes the IDTree (and keeps IDs unique when parts are stitched);
`_scopes` gives each header its scope: the row's where it heads a row (its cells name it,
or a `<th>` that starts a row of data), else the column's.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

# qpdf writes the structure tree into object streams (pypdf cannot: it made the reading PDF
# three times larger), and keeps the first half of the file identifier.
SAVE = {"deterministic_id": True, "object_stream_mode": pikepdf.ObjectStreamMode.generate}


def save(document: pikepdf.Pdf, target: Path) -> None:
    """Write `document` to `target` with SAVE: made in memory and written by Python, since
    qpdf aborts the whole process when the disk fills as it writes a file."""
    buffer = io.BytesIO()
    document.save(buffer, **SAVE)
    Path(target).write_bytes(buffer.getbuffer())


def finish_tags(pdf: Path, roles: list[list[tuple[str | None, str | None]]],
                first_page: int = 1) -> None:
    """Rewrite `pdf` in place. `roles` holds, per page, the (role, language) of each
    top-level structure element WeasyPrint made for it, in order (see pdf.top_level_roles);
    `first_page` is the number of its first page in the book (a part of it, see parts.py)."""
    with pikepdf.open(pdf, allow_overwriting_input=True) as document:
        root = document.Root.StructTreeRoot
        _roles(root, roles, first_page)
        _drop_silent_figures(root.K)
        _scopes(root)
        index_ids(document, root)
        reachable = _reachable(root)
        nums = root.ParentTree.Nums
        for at in range(0, len(nums), 2):
            index, mapping = int(nums[at]), nums[at + 1]
            if not isinstance(mapping, Array) or index >= len(document.pages):
                continue  # an annotation's entry, not a page's
            orphans = {mcid for mcid, element in enumerate(mapping)
                       if not isinstance(element, Dictionary) or element.objgen not in reachable}
            if orphans:
                _as_artifacts(document, document.pages[index], orphans)
                for mcid in orphans:
                    mapping[mcid] = None
        save(document, pdf)


def _reachable(root) -> set[tuple[int, int]]:
    """The object numbers of every structure element in the tree under `root`."""
    return {element.objgen for element in structure_elements(root)}


def structure_elements(root):
    """Every structure element in the tree under `root` (a StructTreeRoot), each once."""
    seen: set[tuple[int, int]] = set()
    stack = [root.get("/K")]
    while stack:
        kid = stack.pop()
        if isinstance(kid, Array):
            stack.extend(kid)
        elif isinstance(kid, Dictionary) and kid.get("/Type") == "/StructElem" \
                and kid.objgen not in seen:
            seen.add(kid.objgen)
            yield kid
            stack.append(kid.get("/K"))


def _as_artifacts(document: pikepdf.Pdf, page, orphans: set[int]) -> None:
    """Turn the page's marked content with an MCID in `orphans` into artifacts."""
    artifact = pikepdf.ContentStreamInstruction([Name.Artifact], pikepdf.Operator("BMC"))
    instructions = []
    for instruction in pikepdf.parse_content_stream(page):
        operands = instruction.operands
        if str(instruction.operator) == "BDC" and len(operands) == 2 \
                and isinstance(operands[1], Dictionary) \
                and int(operands[1].get("/MCID", -1)) in orphans:
            instruction = artifact
        instructions.append(instruction)
    page.obj.Contents = document.make_stream(pikepdf.unparse_content_stream(instructions))


def _roles(root, roles: list[list[tuple[str | None, str | None]]], first_page: int) -> None:
    """Each essay's article gets its language, each note at a page's foot the Note tag
    (with the ID PDF/UA asks of notes); nothing changes unless the elements are the ones
    `roles` describes."""
    kids = list(root.K[0].K)
    flat = [(page, role) for page, found in enumerate(roles) for role in found]
    if len(kids) != len(flat):
        return
    for kid, (page, (role, lang)) in zip(kids, flat):
        if lang:
            kid.Lang = pikepdf.String(lang)
        if role == "notes":
            notes = [note for note in kid.get("/K", []) if isinstance(note, Dictionary)
                     and note.get("/Type") == "/StructElem"]
            for number, note in enumerate(notes, 1):
                note.S = Name.Note
                note.ID = pikepdf.String(f"note-{page + first_page}-{number}")


def index_ids(document: pikepdf.Pdf, root) -> None:
    """The structure tree's `/IDTree`: each element with an `/ID`, by it. A table whose IDs
    another table already has (two parts' tables, numbered apart) gets new ones, and its
    cells' `/Headers` with them, so that every ID names one element."""
    seen: dict[str, Dictionary] = {}
    for table in _all(root, "/Table"):
        cells = list(_cells(table))
        clash = {str(cell.ID) for cell in cells if "/ID" in cell and str(cell.ID) in seen}
        if clash:
            new = {old: _fresh(old, seen) for old in clash}
            for cell in cells:
                if str(cell.get("/ID", "")) in new:
                    cell.ID = pikepdf.String(new[str(cell.ID)])
                attributes = _table_attributes(cell)
                if attributes is not None and "/Headers" in attributes:
                    attributes.Headers = Array([pikepdf.String(new.get(str(key), str(key)))
                                                for key in attributes.Headers])
        for cell in cells:
            if "/ID" in cell:
                seen[str(cell.ID)] = cell
    for element in structure_elements(root):
        if "/ID" in element and str(element.ID) not in seen:
            seen[str(element.ID)] = element
    if not seen:
        if "/IDTree" in root:
            del root["/IDTree"]
        return
    names = Array()
    for key in sorted(seen):  # a name tree's keys in order
        names.extend([pikepdf.String(key), seen[key]])
    root.IDTree = document.make_indirect(Dictionary(Names=names))


def _fresh(old: str, seen: dict) -> str:
    number = 2
    while f"{old}~{number}" in seen:
        number += 1
    return f"{old}~{number}"


def _scopes(root) -> None:
    """Each header cell's `/Scope`: `/Row` where the cells of its own row name it (or, named
    by none, it starts a row that has data cells), else `/Column`. A cell of its row then
    names a row header it did not (WeasyPrint names a header by its column alone)."""
    for table in _all(root, "/Table"):
        rows = [list(_kids(row, ("/TH", "/TD"))) for row in _all(table, "/TR")]
        for row in rows:
            data = [cell for cell in row if cell.get("/S") == "/TD"]
            mine = {cell.objgen for cell in data}
            for place, header in enumerate(row):
                if header.get("/S") != "/TH":
                    continue
                attributes = _table_attributes(header, make=True)
                key = str(header.get("/ID", ""))
                users = [cell for other in rows for cell in other if key and key in
                         [str(k) for k in (_table_attributes(cell) or {}).get("/Headers", [])]]
                by_row = all(cell.objgen in mine for cell in users) if users else \
                    bool(data) and place == 0
                attributes.Scope = Name.Row if by_row else Name.Column
                if by_row and key and not users:
                    for cell in data:
                        _name_header(cell, key)


def _name_header(cell, key: str) -> None:
    attributes = _table_attributes(cell, make=True)
    known = [str(k) for k in attributes.get("/Headers", [])]
    if key not in known:
        attributes.Headers = Array([pikepdf.String(k) for k in [key, *known]])


def _table_attributes(cell, make: bool = False):
    """The cell's attribute dictionary owned by /Table (made, with `make`, if it has none)."""
    found = cell.get("/A")
    for attributes in (found if isinstance(found, Array) else [found]):
        if isinstance(attributes, Dictionary) and attributes.get("/O") == "/Table":
            return attributes
    if not make:
        return None
    attributes = Dictionary(O=Name.Table)
    if found is None:
        cell.A = attributes
    else:
        cell.A = Array([*(found if isinstance(found, Array) else [found]), attributes])
    return attributes


def _all(element, kind: str):
    """The structure elements of type `kind` under `element`, in order, not inside another
    one of that type (a table inside a cell is a table of its own)."""
    for kid in _kids(element):
        if kid.get("/S") == kind:
            yield kid
        else:
            yield from _all(kid, kind)


def _cells(table):
    """The header and data cells of `table` (not of a table inside one of them)."""
    for kid in _kids(table):
        if kid.get("/S") in ("/TH", "/TD"):
            yield kid
        elif kid.get("/S") != "/Table":
            yield from _cells(kid)


def _kids(element, kinds: tuple[str, ...] | None = None):
    """The structure elements directly under `element` (of `kinds`, if given)."""
    kids = element.get("/K")
    for kid in kids if isinstance(kids, Array) else [kids]:
        if isinstance(kid, Dictionary) and kid.get("/Type") == "/StructElem" and (
                kinds is None or kid.get("/S") in kinds):
            yield kid


def _drop_silent_figures(kids) -> None:
    """Take figures without alt text out of the tree, so their content becomes artifacts."""
    if not isinstance(kids, Array):
        return
    for index in reversed(range(len(kids))):
        element = kids[index]
        if not isinstance(element, Dictionary) or element.get("/Type") != "/StructElem":
            continue
        if element.get("/S") == "/Figure" and not str(element.get("/Alt", "")).strip():
            del kids[index]
        elif "/K" in element:
            _drop_silent_figures(element.K)
