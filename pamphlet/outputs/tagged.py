"""What WeasyPrint's PDF/UA-1 tagging leaves to do: running heads and page numbers as
artifacts, each essay's own language on its article, notes tagged as notes, and images
without alt text (decorative ones, and those M320 warned of) as artifacts.

WeasyPrint tags the margin boxes' text as marked content whose structure elements hang
nowhere in the tree (its own note: an artifact there is "only allowed in PDF 2.0"), so a
screen reader would meet them nowhere, and PDF/UA-1 wants such content to be an artifact.
Here every marked-content sequence whose structure element cannot be reached from the
structure tree's root becomes `/Artifact`, and its entry in the parent tree is cleared.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (ArrayObject, ContentStream, DictionaryObject, IndirectObject,
                           NameObject, NullObject, TextStringObject)

ARTIFACT = NameObject("/Artifact")


def finish_tags(pdf: Path, roles: list[list[tuple[str | None, str | None]]]) -> None:
    """Rewrite `pdf` in place. `roles` holds, per page, the (role, language) of each
    top-level structure element WeasyPrint made for it, in order (see pdf.top_level_roles)."""
    writer = PdfWriter(clone_from=str(pdf))
    root = writer.root_object["/StructTreeRoot"].get_object()
    _roles(root, roles)
    _drop_silent_figures(root["/K"])
    reachable = _reachable(root)
    nums = root["/ParentTree"].get_object()["/Nums"]
    parents = {int(nums[i]): nums[i + 1].get_object() for i in range(0, len(nums), 2)}
    for index, page in enumerate(writer.pages):
        mapping = parents.get(index)
        if isinstance(mapping, ArrayObject):
            orphans = {mcid for mcid, element in enumerate(mapping)
                       if _id(element) not in reachable}
            if orphans:
                _as_artifacts(page, writer, orphans)
                for mcid in orphans:
                    mapping[mcid] = NullObject()
    with open(pdf, "wb") as handle:
        writer.write(handle)


def _id(element) -> int | None:
    return element.idnum if isinstance(element, IndirectObject) else None


def _reachable(root) -> set[int]:
    """The object numbers of every structure element in the tree under `root`."""
    found: set[int] = set()
    stack = [root.get("/K")]
    while stack:
        kid = stack.pop()
        if isinstance(kid, IndirectObject):
            if kid.idnum in found:
                continue
            found.add(kid.idnum)
            kid = kid.get_object()
        if isinstance(kid, ArrayObject):
            stack.extend(kid)
        elif isinstance(kid, DictionaryObject) and kid.get("/Type") == "/StructElem":
            stack.append(kid.get("/K"))
    return found


def _as_artifacts(page, writer: PdfWriter, orphans: set[int]) -> None:
    """Turn the page's marked content with an MCID in `orphans` into artifacts."""
    content = ContentStream(page["/Contents"].get_object(), writer)
    for index, (operands, operator) in enumerate(content.operations):
        if operator == b"BDC" and len(operands) == 2 and isinstance(operands[1], DictionaryObject) \
                and operands[1].get("/MCID") in orphans:
            content.operations[index] = ([ARTIFACT], b"BMC")
    page.replace_contents(content)


def _roles(root, roles: list[list[tuple[str | None, str | None]]]) -> None:
    """Each essay's article gets its language, each note at a page's foot the Note tag
    (with the ID PDF/UA asks of notes); nothing changes unless the elements are the ones
    `roles` describes."""
    document = root["/K"][0].get_object()
    kids = [kid.get_object() for kid in document["/K"]]
    flat = [(page, role) for page, found in enumerate(roles) for role in found]
    if len(kids) != len(flat):
        return
    for kid, (page, (role, lang)) in zip(kids, flat):
        if lang:
            kid[NameObject("/Lang")] = TextStringObject(lang)
        if role == "notes":
            notes = [note.get_object() for note in kid.get("/K", [])
                     if isinstance(note, IndirectObject)]
            for number, note in enumerate(notes, 1):
                if note.get("/Type") == "/StructElem":
                    note[NameObject("/S")] = NameObject("/Note")
                    note[NameObject("/ID")] = TextStringObject(f"note-{page + 1}-{number}")


def _drop_silent_figures(kids) -> None:
    """Take figures without alt text out of the tree, so their content becomes artifacts."""
    kids = kids.get_object()
    if not isinstance(kids, ArrayObject):
        return
    for kid in list(kids):
        element = kid.get_object() if isinstance(kid, IndirectObject) else None
        if not isinstance(element, DictionaryObject) or element.get("/Type") != "/StructElem":
            continue
        if element.get("/S") == "/Figure" and not str(element.get("/Alt", "")).strip():
            kids.remove(kid)
        elif "/K" in element:
            _drop_silent_figures(element["/K"])
