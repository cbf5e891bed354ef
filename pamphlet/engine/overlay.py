"""A part's margin boxes drawn over its body (see partlayout.py): each page of one PDF
drawn, as an artifact, over the same page of another, as WeasyPrint draws margin boxes
after the page's content.
"""

from __future__ import annotations

import io
import re

import pikepdf
from pikepdf import Array, Dictionary, Name

from .tagged import SAVE, structure_elements

# The operators that name a resource, the resource's kind, and which operand names it.
_NAMED = {"Tf": ("/Font", 0), "gs": ("/ExtGState", 0), "Do": ("/XObject", 0),
          "sh": ("/Shading", 0), "cs": ("/ColorSpace", 0), "CS": ("/ColorSpace", 0),
          "scn": ("/Pattern", -1), "SCN": ("/Pattern", -1), "BDC": ("/Properties", 1),
          "DP": ("/Properties", 1)}
_NOTE_ID = re.compile(r"note-(\d+)-(\d+)")


def draw_over(body: bytes, over: bytes, shift: int = 0) -> bytes:
    """`body` with each page of `over` drawn over its page; its notes' IDs (which hold
    their page in the book) moved `shift` pages."""
    with pikepdf.open(io.BytesIO(body)) as book, pikepdf.open(io.BytesIO(over)) as margins:
        for page, extra in zip(book.pages, margins.pages):
            _draw(book, margins, page, extra)
        if shift:
            _shift_notes(book.Root.get("/StructTreeRoot"), shift)
        buffer = io.BytesIO()
        book.save(buffer, **SAVE)
        return buffer.getvalue()


def _draw(book: pikepdf.Pdf, other: pikepdf.Pdf, page, extra) -> None:
    """Draw `extra` (a page of `other`) over `page`, its resources renamed apart."""
    renamed = _resources(book, other, page, extra)
    instructions = []
    for instruction in pikepdf.parse_content_stream(extra):
        if isinstance(instruction, pikepdf.ContentStreamInstruction):
            kind = _NAMED.get(str(instruction.operator))
            operands = list(instruction.operands)
            if kind and operands and isinstance(operands[kind[1]], Name):
                operands[kind[1]] = renamed.get((kind[0], str(operands[kind[1]])),
                                                operands[kind[1]])
                instruction = pikepdf.ContentStreamInstruction(operands, instruction.operator)
        instructions.append(instruction)
    if not instructions:
        return
    page.contents_coalesce()
    drawn = page.obj.Contents.read_bytes() if "/Contents" in page.obj else b""
    page.obj.Contents = book.make_stream(
        b"q\n" + drawn + b"\nQ\n/Artifact BMC\nq\n"
        + pikepdf.unparse_content_stream(instructions) + b"\nQ\nEMC\n")
    for annotation in extra.obj.get("/Annots", Array()):
        if "/Annots" not in page.obj:
            page.obj.Annots = Array()
        copied = book.copy_foreign(annotation)
        copied.P = page.obj
        page.obj.Annots.append(copied)


def _resources(book: pikepdf.Pdf, other: pikepdf.Pdf, page,
               extra) -> dict[tuple[str, str], Name]:
    """Add `extra`'s resources to `page`'s, each under a name of its own ("m" and its
    name): the names each kind of resource had, and has now."""
    theirs = extra.obj.get("/Resources", Dictionary())
    if "/Resources" not in page.obj:
        page.obj.Resources = Dictionary()
    ours = page.obj.Resources
    renamed = {}
    for kind, entries in theirs.items():
        if not isinstance(entries, Dictionary):
            continue
        if kind not in ours:
            ours[kind] = Dictionary()
        for key, value in entries.items():
            new = Name("/m" + key[1:])
            if new not in ours[kind]:  # a direct object is made indirect to be copied
                ours[kind][new] = book.copy_foreign(
                    value if value.is_indirect else other.make_indirect(value))
            renamed[(kind, key)] = new
    return renamed


def _shift_notes(root, shift: int) -> None:
    """Move the page each note's ID holds (tagged.py numbers notes by their page)."""
    for element in structure_elements(root) if root is not None else ():
        found = _NOTE_ID.fullmatch(str(element.get("/ID", "")))
        if element.get("/S") == "/Note" and found:
            element.ID = pikepdf.String(f"note-{int(found[1]) + shift}-{found[2]}")
