"""The reading PDF's parts joined into one (engine/stitch.py), on three small tagged parts
WeasyPrint writes here: pages in order; one Document element holding every part's
elements; parent-tree keys that never overlap and lead each marked content and link to its
own element; named destinations, first of each name, sorted; one outline whose count is
the whole book's; each font's subsets merged into one program that draws every part's
glyphs. The whole book, laid out in parts against laid out whole, is tests/test_parts.py."""

from __future__ import annotations

import functools
import io
import struct
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name

from pamphlet.engine.stitch import stitch

STYLE = ("@page { size: 100mm 80mm } body { font-family: 'DejaVu Sans' } "
         ".next { break-before: page }")
PARTS = [  # each with glyphs of its own (X, Y, Z, q, w, v, u), so the subsets differ
    '<h1 id="front">Front</h1><p>Go <a href="https://example.org/">out</a>.</p>',
    '<h1 id="two">Two</h1><p>Text <a href="#two-end">jump</a> XYZ</p>'
    '<h2 id="two-end" class="next">End</h2><p>qqq <a href="https://example.net/">net</a></p>',
    '<h1 id="front">Dup</h1><p>wvu</p>',  # its "front" is the first part's name again
]
PLAIN = "<p>Nothing to name</p>"


@functools.cache
def rendered(body: str) -> bytes:
    """A part as WeasyPrint writes it, tagged (PDF/UA-1)."""
    from weasyprint import HTML

    html = f'<html lang="en"><head><title>Book</title><style>{STYLE}</style></head>' \
           f'<body>{body}</body></html>'
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def stitched(bodies: list[str], folder: Path, change=None, edit=None) -> pikepdf.Pdf:
    """The parts stitched, each first passed through `change` (its bytes) or `edit` (the
    part opened)."""
    parts = [rendered(body) for body in bodies]
    if change:
        parts = [change(part) for part in parts]
    if edit:
        parts = [changed(part, edit) for part in parts]
    target = folder / "book.pdf"
    stitch(parts, target)
    return pikepdf.open(target)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    with stitched(PARTS, tmp_path_factory.mktemp("stitch")) as pdf:
        yield pdf


def opened(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def changed(part: bytes, change) -> bytes:
    """The part as `change` leaves it."""
    with opened(part) as pdf:
        change(pdf)
        buffer = io.BytesIO()
        pdf.save(buffer)
        return buffer.getvalue()


def flat(tree, leaves: str = "/Nums") -> list:
    if leaves in tree:
        return list(tree[leaves])
    return [item for kid in tree.Kids for item in flat(kid, leaves)]


def pairs(tree, leaves: str = "/Nums") -> list[tuple]:
    items = flat(tree, leaves)
    return [(items[at], items[at + 1]) for at in range(0, len(items), 2)]


def texts(pdf: pikepdf.Pdf) -> list[str]:
    from pypdf import PdfReader

    buffer = io.BytesIO()
    pdf.save(buffer)
    return [page.extract_text().split("\n")[0] for page in PdfReader(buffer).pages]


def elements(root) -> list:
    """Every structure element under `root`, depth first."""
    found, stack = [], [root.K]
    while stack:
        kid = stack.pop()
        if isinstance(kid, Array):
            stack.extend(reversed(list(kid)))
        elif isinstance(kid, Dictionary) and kid.get("/Type") == "/StructElem":
            found.append(kid)
            stack.append(kid.get("/K"))
    return found


def test_the_pages_come_part_by_part_in_order(book):
    assert texts(book) == ["Front", "Two", "End", "Dup"]


def test_one_document_element_holds_every_parts_elements_in_order(book):
    root = book.Root.StructTreeRoot
    [document] = [root.K] if isinstance(root.K, Dictionary) else list(root.K)
    assert document.S == "/Document"
    expected = []
    for body in PARTS:
        with opened(rendered(body)) as part:
            kids = part.Root.StructTreeRoot.K
            own = kids if isinstance(kids, Dictionary) else kids[0]
            expected += [str(kid.S) for kid in own.K]
    assert [str(kid.S) for kid in document.K] == expected
    assert all(kid.P.objgen == document.objgen for kid in document.K)
    assert [str(e.S) for e in elements(root)].count("/Document") == 1


def marked_content(page) -> list[int]:
    return [int(i.operands[1].MCID) for i in pikepdf.parse_content_stream(page)
            if str(i.operator) == "BDC" and len(i.operands) == 2
            and isinstance(i.operands[1], Dictionary) and "/MCID" in i.operands[1]]


def test_each_marked_content_leads_to_its_own_element_through_keys_that_never_overlap(book):
    keys_lead_to_own_elements(book, links=3)


def keys_lead_to_own_elements(book: pikepdf.Pdf, links: int) -> None:
    """Every page's marked content and every link leads, through the parent tree, to its
    own element on its own page; the keys are the pages' indexes, then the links'."""
    root = book.Root.StructTreeRoot
    tree = dict((int(key), value) for key, value in pairs(root.ParentTree))
    pages = list(book.pages)
    assert [int(page.obj.StructParents) for page in pages] == list(range(len(pages)))
    reachable = {e.objgen for e in elements(root)}
    for page in pages:
        mcids = marked_content(page)
        assert mcids, "a tagged page marks its content"
        mapping = tree[int(page.obj.StructParents)]
        for mcid in mcids:
            element = mapping[mcid]
            assert element.objgen in reachable
            assert element.Pg.objgen == page.objgen  # on this page, not another part's
            kids = element.K if isinstance(element.K, Array) else [element.K]
            assert mcid in [int(k) for k in kids if not isinstance(k, Dictionary)] + [
                int(k.MCID) for k in kids if isinstance(k, Dictionary) and "/MCID" in k]
    count = links
    links = [annotation for page in pages for annotation in page.obj.get("/Annots", [])]
    assert len(links) == count
    keys = [int(annotation.StructParent) for annotation in links]
    assert keys == list(range(len(pages), len(pages) + len(links)))  # after the pages
    for annotation, key in zip(links, keys):
        element = tree[key]
        assert element.S == "/Link" and element.objgen in reachable
        assert any(isinstance(k, Dictionary) and k.get("/Obj") is not None
                   and k.Obj.objgen == annotation.objgen for k in element.K)
    assert sorted(tree) == list(range(len(pages) + len(links)))
    assert int(root.ParentTreeNextKey) == len(pages) + len(links)


def test_named_destinations_are_sorted_and_the_first_of_a_name_wins(book):
    dests = pairs(book.Root.Names.Dests, "/Names")
    names = [bytes(name) for name, _ in dests]
    assert names == sorted(names) == [b"front", b"two", b"two-end"]
    pages = {page.objgen: number for number, page in enumerate(book.pages)}
    assert {str(name): pages[dest[0].objgen] for name, dest in dests} == {
        "front": 0, "two": 1, "two-end": 2}  # "front" of the first part, not the third's


def outline(item) -> list:
    found = []
    while True:
        children = outline(item.First) if "/First" in item else []
        found.append((str(item.Title), children))
        if "/Next" not in item:
            return found
        assert item.Next.Prev.objgen == item.objgen
        item = item.Next


def test_one_outline_for_the_whole_book_with_the_whole_books_count(book):
    root = book.Root.Outlines
    assert outline(root.First) == [("Front", []), ("Two", [("End", [])]), ("Dup", [])]
    item = root.First
    while True:
        assert item.Parent.objgen == root.objgen
        if "/Next" not in item:
            break
        item = item.Next
    assert root.Last.objgen == item.objgen and "/Prev" not in root.First
    counts = 0
    for body in PARTS:
        with opened(rendered(body)) as part:
            counts += int(part.Root.Outlines.Count)
    assert int(root.Count) == counts == 4  # every item open: all four
    pages = {page.objgen for page in book.pages}
    assert root.First.Dest[0].objgen in pages and root.Last.Dest[0].objgen in pages


def glyphs(page) -> dict[str, set[int]]:
    """The glyph numbers the page's text shows, by font (WeasyPrint: Identity-H, two bytes
    each)."""
    fonts = {str(name): str(font.BaseFont).partition("+")[2]
             for name, font in page.obj.Resources.Font.items()}
    found: dict[str, set[int]] = {}
    current = None
    for instruction in pikepdf.parse_content_stream(page):
        operator, operands = str(instruction.operator), instruction.operands
        if operator == "Tf":
            current = fonts[str(operands[0])]
        strings = operands if operator == "Tj" else (
            [o for o in operands[0] if isinstance(o, pikepdf.String)] if operator == "TJ" else [])
        for text in strings:
            data = bytes(text)
            found.setdefault(current, set()).update(struct.unpack(f">{len(data) // 2}H", data))
    return found


def outlines(program: bytes) -> dict[int, tuple]:
    font = TTFont(io.BytesIO(program))
    glyf, order = font["glyf"], font.getGlyphOrder()
    metrics = font["hmtx"].metrics
    return {gid: (tuple(glyf[name].getCoordinates(glyf)[0]) if glyf[name].numberOfContours
                  else (), metrics[name]) for gid, name in enumerate(order)}


def font_programs(pdf: pikepdf.Pdf) -> dict[str, dict[tuple, bytes]]:
    """Each font's embedded programs, by the font's name (without its subset tag)."""
    found: dict[str, dict[tuple, bytes]] = {}
    for page in pdf.pages:
        for font in page.obj.get("/Resources", Dictionary()).get("/Font", {}).values():
            for descendant in font.DescendantFonts:
                stream = descendant.FontDescriptor.FontFile2
                name = str(descendant.BaseFont).partition("+")[2]
                found.setdefault(name, {})[stream.objgen] = stream.read_bytes()
    return found


def test_the_parts_subsets_of_a_font_become_one_that_draws_every_parts_glyphs(book):
    assert set(font_programs(book)) == {"DejaVu-Sans", "DejaVu-Sans-Bold"}
    assert merged_fonts_draw_every_parts_glyphs(book, PARTS, ([0], [1, 2], [3])) > 30


def merged_fonts_draw_every_parts_glyphs(book: pikepdf.Pdf, bodies: list[str],
                                         pages_of: tuple, alone: tuple = ()) -> int:
    """Each font has one program in `book`, which draws every glyph of the parts (as
    WeasyPrint wrote them) with the part's own outline and metrics, merged unless the font
    is one of those used by one part `alone`; the glyphs drawn."""
    programs = font_programs(book)
    merged = {}
    for name, found in programs.items():
        [program] = found.values()  # one program, which every page's font of that name uses
        merged[name] = outlines(program)
        font = TTFont(io.BytesIO(program))
        if name in alone:
            continue
        assert font["head"].indexToLocFormat == 1
        assert all(offset % 4 == 0 for offset in font["loca"])  # each glyph on a long word
        assert font["maxp"].numGlyphs == font["hhea"].numberOfHMetrics == len(merged[name])
    drawn = 0
    for body, pages in zip(bodies, pages_of):
        with opened(rendered(body)) as part:
            theirs = {name: outlines(next(iter(found.values())))
                      for name, found in font_programs(part).items()}
            for number, index in enumerate(pages):
                assert glyphs(book.pages[index]) == glyphs(part.pages[number])
                for name, gids in glyphs(part.pages[number]).items():
                    for gid in gids:
                        assert merged[name][gid] == theirs[name][gid], (body, name, gid)
                        drawn += bool(theirs[name][gid][0])
    return drawn


def test_a_book_of_one_part_is_that_part(tmp_path):
    with stitched(PARTS[:1], tmp_path) as pdf, opened(rendered(PARTS[0])) as part:
        assert texts(pdf) == ["Front"]
        assert [bytes(n) for n, _ in pairs(pdf.Root.Names.Dests, "/Names")] == [b"front"]
        assert int(pdf.Root.Outlines.Count) == int(part.Root.Outlines.Count)


def test_parts_without_names_or_bookmarks(tmp_path):
    with stitched([PLAIN, PLAIN], tmp_path) as pdf:
        assert texts(pdf) == ["Nothing to name"] * 2
        assert "/Dests" not in pdf.Root.get("/Names", Dictionary())
        assert "/First" not in pdf.Root.get("/Outlines", Dictionary())
    with stitched([PLAIN, PARTS[2]], tmp_path) as pdf:  # the first bookmark in a later part
        root = pdf.Root.Outlines
        assert root.Type == "/Outlines" and int(root.Count) == 1
        assert outline(root.First) == [("Dup", [])] and root.Last.objgen == root.First.objgen
        assert root.First.Parent.objgen == root.objgen


def nested(part: bytes) -> bytes:
    """The part with its parent tree and its destinations split into kids, as a number or
    name tree may be (WeasyPrint writes each flat)."""
    with opened(part) as pdf:
        for holder, key, leaves in ((pdf.Root.StructTreeRoot, "/ParentTree", "/Nums"),
                                    (pdf.Root.get("/Names"), "/Dests", "/Names")):
            if holder is None or key not in holder:
                continue
            items = list(holder[key][leaves])
            half = len(items) // 4 * 2
            kids = [pdf.make_indirect(Dictionary({leaves: Array(chunk)}))
                    for chunk in (items[:half], items[half:]) if chunk]
            holder[key] = pdf.make_indirect(Dictionary(Kids=Array(kids)))
        buffer = io.BytesIO()
        pdf.save(buffer)
        return buffer.getvalue()


def test_number_and_name_trees_split_into_kids_are_read_whole(tmp_path, book):
    with stitched(PARTS, tmp_path, nested) as pdf:
        assert texts(pdf) == texts(book)
        assert [bytes(n) for n, _ in pairs(pdf.Root.Names.Dests, "/Names")] == [
            b"front", b"two", b"two-end"]
        ours = [int(k) for k, _ in pairs(pdf.Root.StructTreeRoot.ParentTree)]
        assert ours == [int(k) for k, _ in pairs(book.Root.StructTreeRoot.ParentTree)]


def test_stitching_is_reproducible_and_writes_object_streams(tmp_path):
    written = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        stitched(PARTS, tmp_path / name).close()
        written.append((tmp_path / name / "book.pdf").read_bytes())
    assert written[0] == written[1] and b"/ObjStm" in written[0]


def tiles() -> str:
    """A small PNG, as a data URL: WeasyPrint writes it with a PNG predictor (/DecodeParms)."""
    import base64

    from PIL import Image

    image = Image.new("RGB", (5, 4))
    image.putdata([(x * 40, y * 60, (x + y) * 20) for y in range(4) for x in range(5)])
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


# A part with an image and two bookmarks at the top level, between two parts with two links
# each: the third part's keys must move past the second's, which has fewer than the first.
PICTURED = f'<h1 id="pic">Pic</h1><p><img alt="tiles" src="{tiles()}"></p>' \
           '<h1 id="after" class="next">After</h1><p>w</p>'
MORE = [PARTS[1], PICTURED, PARTS[1]]


def test_a_part_between_others_keeps_its_keys_bookmarks_and_image(tmp_path):
    with stitched(MORE, tmp_path) as pdf:
        assert texts(pdf) == ["Two", "End", "Pic", "After", "Two", "End"]
        keys_lead_to_own_elements(pdf, links=4)
        root = pdf.Root.Outlines
        assert outline(root.First) == [("Two", [("End", [])]), ("Pic", []), ("After", []),
                                       ("Two", [("End", [])])]
        item, parents = root.First, []
        while item is not None:  # every top-level bookmark, the second part's both
            parents.append(item.Parent.objgen)
            item = item.get("/Next")
        assert parents == [root.objgen] * 4 and int(root.Count) == 6
        with opened(rendered(PICTURED)) as part:
            [theirs] = part.pages[0].get_images().values()
            [ours] = pdf.pages[2].get_images().values()
            assert pikepdf.PdfImage(ours).read_bytes() == pikepdf.PdfImage(theirs).read_bytes()
            assert pikepdf.PdfImage(ours).as_pil_image().tobytes() == \
                pikepdf.PdfImage(theirs).as_pil_image().tobytes()


def one_kid(pdf: pikepdf.Pdf) -> None:
    """The part with its Document element, and that element's only kid, each written
    alone, not in an array (as PDF allows; WeasyPrint writes arrays)."""
    root = pdf.Root.StructTreeRoot
    [document] = root.K
    root.K = document
    [kid] = document.K
    document.K = kid


def test_a_document_element_with_its_one_kid_written_alone(tmp_path):
    with stitched([PLAIN, PLAIN, PLAIN], tmp_path, edit=one_kid) as pdf:
        kids = pdf.Root.StructTreeRoot.K
        document = kids if isinstance(kids, Dictionary) else kids[0]
        assert [str(kid.S) for kid in document.K] == ["/P"] * 3
        assert all(kid.P.objgen == document.objgen for kid in document.K)
        keys_lead_to_own_elements(pdf, links=0)


MONOSPACED = ["<h1>Code</h1>", "<p><code>xyz abc</code></p>", "<p><code>qrs mmm</code></p>"]


def test_a_monospaced_fonts_subsets_merge_with_every_glyphs_metrics(tmp_path):
    # fontTools writes a monospaced subset's last advances once (hhea numberOfHMetrics is
    # below the glyph count); the merged program has a long metric for every glyph
    with stitched(MONOSPACED, tmp_path) as pdf:
        assert "DejaVu-Sans-Mono" in font_programs(pdf)
        # the bold font, in the first part alone, is left as it is and those after it merged
        assert merged_fonts_draw_every_parts_glyphs(pdf, MONOSPACED, ([0], [1], [2]),
                                                    alone=("DejaVu-Sans-Bold",)) == 14


def long_index(pdf: pikepdf.Pdf) -> None:
    """The part with each embedded TrueType program's glyph index (loca) in the long
    format, as a font with more than 128 KB of outlines has it (fontTools writes the short
    one whenever it can)."""
    from fontTools.ttLib.sfnt import SFNTReader, SFNTWriter

    for page in pdf.pages:
        for font in page.obj.Resources.Font.values():
            for descendant in font.DescendantFonts:
                descriptor = descendant.FontDescriptor
                reader = SFNTReader(io.BytesIO(descriptor.FontFile2.read_bytes()))
                tables = {tag: reader[tag] for tag in reader.keys()}
                if struct.unpack(">h", tables["head"][50:52])[0] == 1:
                    continue
                short = struct.unpack(f">{len(tables['loca']) // 2}H", tables["loca"])
                tables["loca"] = struct.pack(f">{len(short)}L", *(at * 2 for at in short))
                tables["head"] = tables["head"][:50] + b"\0\1" + tables["head"][52:]
                output = io.BytesIO()
                writer = SFNTWriter(output, len(tables), reader.sfntVersion)
                for tag in sorted(tables):
                    writer[tag] = tables[tag]
                writer.close()
                descriptor.FontFile2.write(output.getvalue())


def test_subsets_with_a_long_glyph_index_merge_too(tmp_path):
    with stitched(PARTS, tmp_path, edit=long_index) as pdf:
        for found in font_programs(pdf).values():
            [program] = found.values()
            assert TTFont(io.BytesIO(program))["head"].indexToLocFormat == 1
        assert merged_fonts_draw_every_parts_glyphs(pdf, PARTS, ([0], [1, 2], [3])) > 30


def destination_dictionaries(pdf: pikepdf.Pdf) -> None:
    """The part with each named destination written as a dictionary holding it (/D), as
    PDF allows beside the bare array WeasyPrint writes."""
    names = pdf.Root.get("/Names")
    if names is not None and "/Dests" in names:
        items = list(names.Dests.Names)
        names.Dests.Names = Array([item if at % 2 == 0 else Dictionary(D=item)
                                   for at, item in enumerate(items)])


def test_destinations_written_as_dictionaries_lead_to_their_pages(tmp_path):
    with stitched(MORE, tmp_path, edit=destination_dictionaries) as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        dests = pairs(pdf.Root.Names.Dests, "/Names")
        assert {str(name): pages[dest.D[0].objgen] for name, dest in dests} == {
            "two": 0, "two-end": 1, "pic": 2, "after": 3}


def uncounted(pdf: pikepdf.Pdf) -> None:
    """The part's outline without /Count, which PDF lets a writer leave out when no item
    is open."""
    if "/Outlines" in pdf.Root:
        del pdf.Root.Outlines["/Count"]


def test_outlines_without_a_count_count_none_open(tmp_path):
    with stitched(PARTS, tmp_path, edit=uncounted) as pdf:
        root = pdf.Root.Outlines
        assert outline(root.First) == [("Front", []), ("Two", [("End", [])]), ("Dup", [])]
        assert int(root.get("/Count", 0)) == 0


TABLE = "<table><tr><th>Paper</th><td>80</td></tr></table>"


def test_the_parts_table_cells_are_named_in_one_id_tree(tmp_path):
    with stitched([TABLE, TABLE], tmp_path) as pdf:
        root = pdf.Root.StructTreeRoot
        owners = [e for e in elements(root) if "/ID" in e]
        names = pairs(root.IDTree, "/Names")
        assert len(owners) == 2 and len({str(e.ID) for e in owners}) == 2  # the TH cells
        assert sorted((str(name), value.objgen) for name, value in names) == sorted(
            (str(e.ID), e.objgen) for e in owners)


def attach(pdf: pikepdf.Pdf) -> None:
    """A file attached: /EmbeddedFiles beside /Dests in /Names."""
    pdf.attachments["prices.txt"] = pikepdf.AttachedFileSpec(pdf, b"80 g: 3")


def empty_destinations(pdf: pikepdf.Pdf) -> None:
    pdf.Root.Names.Dests = Dictionary()  # a name tree with neither names nor kids


def test_the_first_parts_other_names_stay_and_an_empty_tree_names_nothing(tmp_path):
    parts = [changed(rendered(PARTS[0]), attach), changed(rendered(PARTS[1]), empty_destinations)]
    target = tmp_path / "book.pdf"
    stitch(parts, target)
    with pikepdf.open(target) as pdf:
        assert pdf.attachments["prices.txt"].get_file().read_bytes() == b"80 g: 3"
        assert [bytes(n) for n, _ in pairs(pdf.Root.Names.Dests, "/Names")] == [b"front"]


def retagged(tags):
    """An edit naming each part's embedded subsets with the next of `tags` (None: no tag),
    as writers that tag a subset by its glyphs, or not at all, name them (WeasyPrint tags
    a font alike in every part)."""
    tags = iter(tags)

    def edit(pdf: pikepdf.Pdf) -> None:
        tag = next(tags)
        for page in pdf.pages:
            for font in page.obj.Resources.Font.values():
                for descendant in font.DescendantFonts:
                    name = str(descendant.BaseFont).partition("+")[2]
                    descendant.FontDescriptor.FontName = Name(f"/{tag}+{name}" if tag
                                                              else f"/{name}")
    return edit


@pytest.mark.parametrize("tags", [("AAAAAA", "BBBBBB", "CCCCCC"), (None, None, None)],
                         ids=["a tag of its own", "no tag"])
def test_subsets_are_merged_by_font_whatever_their_tags(tmp_path, tags):
    with stitched(PARTS, tmp_path, edit=retagged(tags)) as pdf:
        assert merged_fonts_draw_every_parts_glyphs(pdf, PARTS, ([0], [1, 2], [3])) > 30


def without_fonts(pdf: pikepdf.Pdf) -> None:
    """A page added with no resources at all (a blank one)."""
    pdf.pages.append(pikepdf.Page(Dictionary(Type=Name.Page, MediaBox=pdf.pages[0].MediaBox)))


def broken_bold(pdf: pikepdf.Pdf) -> None:
    """The bold font's program cut short, so that its subsets cannot be merged."""
    for page in pdf.pages:
        for font in page.obj.Resources.Font.values():
            for descendant in font.DescendantFonts:
                if str(descendant.BaseFont).endswith("-Bold"):
                    stream = descendant.FontDescriptor.FontFile2
                    stream.write(stream.read_bytes()[:100])


def test_pages_without_fonts_and_fonts_that_cannot_merge_leave_the_others_merged(tmp_path):
    # the image-only page of PICTURED has resources but no font
    bodies = [PICTURED.replace('<p><img', '<p class="next"><img'), *PARTS[1:]]
    with stitched(bodies, tmp_path, edit=without_fonts) as pdf:
        assert len(pdf.pages) == 9  # 3, 2 and 1 pages, and a blank one after each part
        assert set(font_programs(pdf)) == {"DejaVu-Sans", "DejaVu-Sans-Bold"}
        assert all(len(found) == 1 for found in font_programs(pdf).values())
    with stitched(PARTS, tmp_path, edit=broken_bold) as pdf:
        programs = font_programs(pdf)
        assert len(programs["DejaVu-Sans-Bold"]) == 3  # each part's own, as it was
        [program] = programs["DejaVu-Sans"].values()
