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
