"""The reading PDF's parts (see parts.py), each written by WeasyPrint, joined into one PDF
as the whole book's single render would have written it.

The first part lends the book its catalog: metadata, language, viewer preferences. From
each later part come its pages (with their links), its structure elements (under the
book's one Document element, their parent-tree keys moved past the earlier parts'), its
named destinations (a link to another part names one, see partlayout.py) and its
bookmarks. Each part embeds its own subset of a font; WeasyPrint keeps the font's glyph
numbers in a subset, so the subsets of one font are merged into one, which every part uses.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from .tagged import index_ids, save


def stitch(parts: list[bytes], target: Path) -> None:
    """Join the parts' PDFs, in order, into `target`."""
    book = pikepdf.open(io.BytesIO(parts[0]))
    tree = book.Root.StructTreeRoot
    document = _document(tree)
    if not isinstance(document.K, Array):  # a lone kid may be written without an array
        document.K = Array([document.K])
    nums = _flat(tree.ParentTree)
    next_key = _next_key(nums)
    dests = _dests(book)
    for data in parts[1:]:
        # Each part is closed once taken: its streams' data, still compressed, is the
        # book's own first, else qpdf would read it from the part when the book is saved,
        # and every part's objects would stay in memory until then (twice the memory).
        with pikepdf.open(io.BytesIO(data)) as part:
            _own_streams(part)
            next_key = _take(book, part, document, nums, next_key)
            dests += [(name, _copy(book, dest)) for name, dest in _dests(part)]
            _take_outline(book, part)
    nums, next_key = _renumbered(book, nums)
    tree.ParentTree = book.make_indirect(Dictionary(Nums=Array(nums)))
    tree.ParentTreeNextKey = next_key
    index_ids(book, tree)  # every part's IDs, one name each, in one IDTree
    _set_dests(book, dests)
    _merge_fonts(book)
    save(book, target)
    book.close()


def _own_streams(pdf: pikepdf.Pdf) -> None:
    """Hold each stream's data (as it is encoded) in memory, so that a copy of it in another
    PDF shares that data rather than reading it from `pdf`, which may then be closed."""
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            obj.write(obj.read_raw_bytes(), filter=obj.get("/Filter"),
                      decode_parms=obj.get("/DecodeParms"), type_check=False)


def _document(tree) -> Dictionary:
    kids = tree.K
    return kids[0] if isinstance(kids, Array) else kids


def _take(book: pikepdf.Pdf, part: pikepdf.Pdf, document: Dictionary, nums: list,
          base: int) -> int:
    """Append `part`'s pages and structure to `book`; return the next free parent-tree key."""
    tree = part.Root.StructTreeRoot
    for page in part.pages:  # keys into the parent tree move past the book's
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + base
        for annotation in page.obj.get("/Annots", Array()):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + base
    kids = _document(tree).K
    kids = kids if isinstance(kids, Array) else Array([kids])
    for kid in kids:  # copied without the part's own root, which the book replaces
        if isinstance(kid, Dictionary) and "/P" in kid:
            del kid["/P"]
    with warnings.catch_warnings():  # the named destinations are joined in _set_dests
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning if hasattr(
            pikepdf, "PageCopyWarning") else UserWarning)
        book.pages.extend(part.pages)
    for kid in kids:
        copied = _copy(book, kid)
        if isinstance(copied, Dictionary):
            copied.P = document
        document.K.append(copied)
    part_nums = _flat(tree.ParentTree)
    for at in range(0, len(part_nums), 2):
        nums += [int(part_nums[at]) + base, _copy(book, part_nums[at + 1])]
    return base + _next_key(part_nums)


def _renumbered(book: pikepdf.Pdf, nums: list) -> tuple[list, int]:
    """The parent tree keyed as WeasyPrint keys it (and tagged.py reads it): each page by
    its index, then the annotations, page by page."""
    values = {int(nums[at]): nums[at + 1] for at in range(0, len(nums), 2)}
    new: list = []
    count = len(book.pages)
    for index, page in enumerate(book.pages):
        if "/StructParents" in page.obj:
            new += [index, values[int(page.obj.StructParents)]]
            page.obj.StructParents = index
    for page in book.pages:
        for annotation in page.obj.get("/Annots", Array()):
            if "/StructParent" in annotation:
                new += [count, values[int(annotation.StructParent)]]
                annotation.StructParent = count
                count += 1
    return new, count


def _copy(book: pikepdf.Pdf, value):
    """`value`, from another PDF, copied into `book` (an indirect object once, and every
    reference to it, pages included, leads to that one copy)."""
    if isinstance(value, (Dictionary, Array, pikepdf.Stream)) and value.is_indirect:
        return book.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_copy(book, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({key: _copy(book, item) for key, item in value.items()})
    return value


def _flat(tree, leaves: str = "/Nums") -> list:
    """A number tree's (or, with "/Names", a name tree's) keys and values, flattened
    (WeasyPrint writes each as one flat array)."""
    if leaves in tree:
        return list(tree[leaves])
    found = []
    for kid in tree.get("/Kids", Array()):
        found += _flat(kid, leaves)
    return found


def _next_key(nums: list) -> int:
    return max((int(nums[at]) for at in range(0, len(nums), 2)), default=-1) + 1


def _dests(pdf: pikepdf.Pdf) -> list:
    """(name, destination) of each named destination, in the order written."""
    names = pdf.Root.get("/Names", Dictionary()).get("/Dests")
    if names is None:
        return []
    flat = _flat(names, "/Names")
    return [(flat[at], flat[at + 1]) for at in range(0, len(flat), 2)]


def _set_dests(book: pikepdf.Pdf, dests: list) -> None:
    """The book's name tree of destinations: the first of each name, sorted as a name tree
    must be."""
    first: dict[bytes, tuple] = {}
    for name, dest in dests:
        first.setdefault(bytes(name), (name, dest))
    if not first:
        return
    flat = Array()
    for key in sorted(first):
        name, dest = first[key]
        flat.append(name)
        flat.append(dest)
    if "/Names" not in book.Root:
        book.Root.Names = Dictionary()
    book.Root.Names.Dests = book.make_indirect(Dictionary(Names=flat))


def _take_outline(book: pikepdf.Pdf, part: pikepdf.Pdf) -> None:
    """Append the part's bookmarks to the book's, after its last."""
    outlines = part.Root.get("/Outlines")
    if outlines is None or "/First" not in outlines:
        return
    copied = _copy(book, outlines)  # the whole chain, its destinations on the book's pages
    if "/Outlines" not in book.Root or "/First" not in book.Root.Outlines:
        book.Root.Outlines = book.make_indirect(Dictionary(Type=Name.Outlines, Count=0))
    root = book.Root.Outlines
    item = copied.First
    while True:
        item.Parent = root
        if "/Next" not in item:
            break
        item = item.Next
    if "/Last" in root:
        root.Last.Next = copied.First
        copied.First.Prev = root.Last
    else:
        root.First = copied.First
    root.Last = copied.Last
    root.Count = int(root.get("/Count", 0)) + int(copied.get("/Count", 0))


def _merge_fonts(book: pikepdf.Pdf) -> None:
    """One embedded TrueType program for each font the parts share: the union of the parts'
    subsets, glyph by glyph (the glyph numbers are the font's own in every subset)."""
    groups: dict[str, list] = {}
    for descriptor in _font_descriptors(book):
        if isinstance(descriptor.get("/FontFile2"), pikepdf.Stream):
            name = str(descriptor.FontName).partition("+")[2] or str(descriptor.FontName)
            groups.setdefault(name, []).append(descriptor)
    for descriptors in groups.values():
        programs = {descriptor.FontFile2.objgen: descriptor.FontFile2
                    for descriptor in descriptors}
        if len(programs) < 2:
            continue
        merged = _merged_program([stream.read_bytes() for stream in programs.values()])
        if merged is None:
            continue
        stream = book.make_stream(zlib.compress(merged, 9))
        stream.Filter = Name.FlateDecode
        stream.Length1 = len(merged)
        for descriptor in descriptors:
            descriptor.FontFile2 = stream


def _font_descriptors(book: pikepdf.Pdf):
    """Each font descriptor the pages' fonts use, once (found from the pages, not by
    walking every object of a large book)."""
    seen: set[tuple[int, int]] = set()
    for page in book.pages:
        fonts = page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary())
        for font in fonts.values():
            for descendant in font.get("/DescendantFonts", Array([font])):
                descriptor = descendant.get("/FontDescriptor")
                if isinstance(descriptor, Dictionary) and descriptor.objgen not in seen:
                    seen.add(descriptor.objgen)
                    yield descriptor


def _merged_program(programs: list[bytes]) -> bytes | None:
    """The TrueType fonts `programs`, subsets of one font that kept its glyph numbers,
    merged glyph by glyph: each glyph (its outline and metrics) from the first subset that
    has it; None if they are not such subsets (they then stay apart). The tables are read
    and written raw: parsing thousands of glyphs in every part's subset was the slowest
    step of a rebuild."""
    from fontTools.ttLib import TTLibError
    from fontTools.ttLib.sfnt import SFNTReader, SFNTWriter

    try:
        fonts = [_Subset(SFNTReader(io.BytesIO(data))) for data in programs]
        count = max(font.count for font in fonts)
        base = next(font for font in fonts if font.count == count)
        glyphs, metrics = [], []
        for gid in range(count):
            owner = next((font for font in fonts if font.outline(gid)), base)
            glyphs.append(owner.outline(gid))
            metrics.append(owner.metric(gid))
        tables = {tag: base.reader[tag] for tag in base.reader.keys()}
        glyf, loca = _glyf_and_loca(glyphs)
        tables.update(glyf=glyf, loca=loca, hmtx=b"".join(metrics),
                      head=tables["head"][:50] + b"\0\1" + tables["head"][52:],  # long loca
                      hhea=tables["hhea"][:34] + struct.pack(">H", count) + tables["hhea"][36:],
                      maxp=tables["maxp"][:4] + struct.pack(">H", count) + tables["maxp"][6:])
        output = io.BytesIO()
        writer = SFNTWriter(output, len(tables), base.reader.sfntVersion)
        for tag in sorted(tables):
            writer[tag] = tables[tag]
        writer.close()
        return output.getvalue()
    except (TTLibError, KeyError, IndexError, ValueError, AssertionError, struct.error):
        return None


class _Subset:
    """A subset's glyph outlines and metrics, by glyph number, read from its raw tables."""

    def __init__(self, reader):
        self.reader = reader
        head, maxp, hhea = reader["head"], reader["maxp"], reader["hhea"]
        self.count = struct.unpack(">H", maxp[4:6])[0]
        long = struct.unpack(">h", head[50:52])[0] == 1
        size = 4 if long else 2
        offsets = struct.unpack(f">{self.count + 1}{'L' if long else 'H'}",
                                reader["loca"][:size * (self.count + 1)])
        self.offsets = offsets if long else [offset * 2 for offset in offsets]
        self.glyf = reader["glyf"]
        self.long_metrics = struct.unpack(">H", hhea[34:36])[0]
        self.hmtx = reader["hmtx"]

    def outline(self, gid: int) -> bytes:
        if gid >= self.count:
            return b""
        return self.glyf[self.offsets[gid]:self.offsets[gid + 1]]

    def metric(self, gid: int) -> bytes:
        """The glyph's advance width and left side bearing, as a long metric."""
        if gid < self.long_metrics:
            return self.hmtx[gid * 4:gid * 4 + 4]
        last = (self.long_metrics - 1) * 4
        at = self.long_metrics * 4 + (gid - self.long_metrics) * 2
        bearing = self.hmtx[at:at + 2] if gid < self.count else b"\0\0"
        return self.hmtx[last:last + 2] + bearing


def _glyf_and_loca(glyphs: list[bytes]) -> tuple[bytes, bytes]:
    """The glyph table (each glyph padded to four bytes) and its long index."""
    offsets, data, at = [], [], 0
    for glyph in glyphs:
        offsets.append(at)
        padded = glyph + b"\0" * (-len(glyph) % 4)
        data.append(padded)
        at += len(padded)
    offsets.append(at)
    return b"".join(data), struct.pack(f">{len(offsets)}L", *offsets)
