"""A part's margin boxes drawn over its body (engine/overlay.py), on small PDFs made here: the
over page's drawing after the body's, as an artifact; its resources taken under names of
their own, every operator that names one renamed to match; its links kept; the notes' IDs
moved with the part."""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from pamphlet.engine.overlay import draw_over


def pdf(*pages: tuple[bytes, Dictionary | None], extra=None) -> bytes:
    """A PDF of `pages`, each (content stream, resources or None for no /Resources)."""
    document = pikepdf.new()
    for content, resources in pages:
        document.add_blank_page()
        page = document.pages[-1].obj
        if content is None:
            del page["/Contents"]
        else:
            page.Contents = document.make_stream(content)
        if resources is None:
            del page["/Resources"]
        else:
            page.Resources = resources
    if extra:
        extra(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def opened(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def operators(page) -> list[tuple[str, list]]:
    return [(str(i.operator), [str(o) if isinstance(o, Name) else o for o in i.operands])
            for i in pikepdf.parse_content_stream(page)]


def font(name: str) -> Dictionary:
    return Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/" + name))


BODY = b"BT /F1 12 Tf 72 700 Td (Body) Tj ET"
# Every operator that names a resource, each naming one the over page has.
OVER = (b"/GS1 gs BT /F1 9 Tf 72 20 Td (Page 7) Tj ET /Im1 Do /Sh1 sh /CS1 cs /CS1 CS "
        b"0.5 /P1 scn 0.5 /P1 SCN /Span /MC1 BDC EMC /Span /MC1 DP "
        b"/Span <</MCID 3>> BDC EMC /Nowhere Do")


def over_resources(document: pikepdf.Pdf) -> Dictionary:
    image = document.make_stream(b"\xff", Type=Name.XObject, Subtype=Name.Image, Width=1,
                                 Height=1, ColorSpace=Name.DeviceGray, BitsPerComponent=8)
    return Dictionary(
        # ProcSet is no dictionary of named resources: it is passed over, not a stop.
        ProcSet=Array([Name.PDF, Name.Text]),
        ExtGState=Dictionary(GS1=Dictionary(Type=Name.ExtGState, ca=0.5)),  # direct
        Font=Dictionary(F1=document.make_indirect(font("Courier"))),
        XObject=Dictionary(Im1=image),
        Shading=Dictionary(Sh1=Dictionary(ShadingType=2, ColorSpace=Name.DeviceRGB)),
        ColorSpace=Dictionary(CS1=Array([Name.ICCBased, document.make_stream(b"icc", N=3)])),
        Pattern=Dictionary(P1=Dictionary(PatternType=2)),
        Properties=Dictionary(MC1=Dictionary(Lang=String("fr"))),
    )


def test_the_over_page_is_drawn_after_the_body_as_an_artifact_with_its_resources_renamed():
    body = pdf((BODY, Dictionary(Font=Dictionary(F1=font("Helvetica")))))

    def with_resources(document):
        document.pages[0].obj.Resources = over_resources(document)
    over = pdf((OVER, Dictionary()), extra=with_resources)
    with opened(draw_over(body, over)) as book:
        page = book.pages[0]
        drawn = page.obj.Contents.read_bytes()
        # the body's drawing closed in its own q/Q, then the margins' as an artifact
        assert drawn.startswith(b"q\n" + BODY + b"\nQ\n/Artifact BMC\nq\n"), drawn
        assert drawn.endswith(b"\nQ\nEMC\n"), drawn
        ops = operators(page)
        assert ops[:3] == [("q", []), ("BT", []), ("Tf", ["/F1", 12])]  # the body's font
        named = [(op, operands) for op, operands in ops[ops.index(("BMC", ["/Artifact"])):]
                 if op in ("gs", "Tf", "Do", "sh", "cs", "CS", "scn", "SCN", "BDC", "DP")]
        inline = named[10][1][1]  # an inline property list stays as it is
        assert isinstance(inline, Dictionary) and int(inline.MCID) == 3
        assert [(op, [str(o) for o in operands]) for op, operands in named] == [
            ("gs", ["/mGS1"]), ("Tf", ["/mF1", "9"]), ("Do", ["/mIm1"]), ("sh", ["/mSh1"]),
            ("cs", ["/mCS1"]), ("CS", ["/mCS1"]), ("scn", ["0.5", "/mP1"]),
            ("SCN", ["0.5", "/mP1"]), ("BDC", ["/Span", "/mMC1"]), ("DP", ["/Span", "/mMC1"]),
            ("BDC", ["/Span", str(inline)]), ("Do", ["/Nowhere"])]
        resources = page.obj.Resources
        assert resources.Font.F1.BaseFont == "/Helvetica"  # the body's own, untouched
        assert resources.Font.mF1.BaseFont == "/Courier"
        assert float(resources.ExtGState.mGS1.ca) == 0.5
        assert resources.ExtGState.mGS1.is_indirect  # copied from a direct object
        assert resources.XObject.mIm1.read_bytes() == b"\xff"
        assert int(resources.Shading.mSh1.ShadingType) == 2
        assert resources.ColorSpace.mCS1[1].read_bytes() == b"icc"
        assert int(resources.Pattern.mP1.PatternType) == 2
        assert str(resources.Properties.mMC1.Lang) == "fr"
        assert "/ProcSet" not in resources or "/mPDF" not in str(resources.ProcSet)
        assert set(resources.keys()) >= {"/Font", "/ExtGState", "/XObject", "/Shading",
                                         "/ColorSpace", "/Pattern", "/Properties"}


def test_each_page_gets_its_own_over_page_and_pages_beyond_the_overs_stay_as_they_were():
    body = pdf((b"1 0 0 RG", None), (b"0 1 0 RG", None), (b"0 0 1 RG", None))
    over = pdf((b"BT /F1 9 Tf (i) Tj ET", Dictionary(Font=Dictionary(F1=font("Courier")))),
               (b"BT /F1 9 Tf (ii) Tj ET", Dictionary(Font=Dictionary(F1=font("Times-Roman")))))
    with opened(draw_over(body, over)) as book:
        first, second, third = (page.obj.Contents.read_bytes() for page in book.pages)
        assert b"1 0 0 RG" in first and b"(i) Tj" in first and b"(ii)" not in first
        assert b"0 1 0 RG" in second and b"(ii) Tj" in second and b"(i) Tj" not in second
        assert third == b"0 0 1 RG"  # no over page for it
        assert book.pages[0].obj.Resources.Font.mF1.BaseFont == "/Courier"  # made for it
        assert book.pages[1].obj.Resources.Font.mF1.BaseFont == "/Times-Roman"


def test_a_name_already_taken_on_the_page_is_not_copied_again():
    """Two pages that share one resources dictionary: the second finds the renamed font
    there already (the first page put it in) and keeps it."""
    def shared(document):
        resources = document.make_indirect(Dictionary(Font=Dictionary(F1=font("Helvetica"))))
        for page in document.pages:
            page.obj.Resources = resources
    body = pdf((b"", Dictionary()), (b"", Dictionary()), extra=shared)
    over = pdf((b"BT /F1 9 Tf (a) Tj ET", Dictionary(Font=Dictionary(F1=font("Courier")))),
               (b"BT /F1 9 Tf (b) Tj ET", Dictionary(Font=Dictionary(F1=font("Symbol")))))
    with opened(draw_over(body, over)) as book:
        fonts = [book.pages[n].obj.Resources.Font for n in (0, 1)]
        assert fonts[0].objgen == fonts[1].objgen
        assert fonts[1].mF1.BaseFont == "/Courier"  # the first copy, not replaced
        assert b"/mF1 9 Tf" in book.pages[1].obj.Contents.read_bytes()


def test_a_body_page_without_contents_or_resources_gets_both():
    body = pdf((None, None))
    over = pdf((b"BT /F1 9 Tf (7) Tj ET", Dictionary(Font=Dictionary(F1=font("Courier")))))
    with opened(draw_over(body, over)) as book:
        page = book.pages[0].obj
        assert page.Contents.read_bytes().startswith(b"q\n\nQ\n/Artifact BMC\nq\n")
        assert page.Resources.Font.mF1.BaseFont == "/Courier"


def test_an_empty_over_page_leaves_the_page_as_it_was():
    body = pdf((b"0 0 1 RG", Dictionary(Font=Dictionary(F1=font("Helvetica")))))
    with opened(draw_over(body, pdf((b"", Dictionary())))) as book:
        page = book.pages[0].obj
        assert page.Contents.read_bytes() == b"0 0 1 RG"
        assert "/Annots" not in page


def test_the_over_pages_links_are_kept_on_the_body_page():
    def link(document, target: str):
        annotation = document.make_indirect(Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 10, 10]),
            A=Dictionary(S=Name.URI, URI=String(target))))
        document.pages[0].obj.Annots = Array([annotation])

    over = pdf((b"BT /F1 9 Tf (7) Tj ET", Dictionary(Font=Dictionary(F1=font("Courier")))),
               extra=lambda document: link(document, "https://over.example/"))
    plain = pdf((b"", Dictionary()))
    linked = pdf((b"", Dictionary()), extra=lambda d: link(d, "https://body.example/"))
    for body, own in ((plain, []), (linked, ["https://body.example/"])):
        with opened(draw_over(body, over)) as book:
            page = book.pages[0].obj
            targets = [str(a.A.URI) for a in page.Annots]
            assert targets == [*own, "https://over.example/"]  # the body's own kept, first
            assert page.Annots[-1].P.objgen == page.objgen  # it names its new page


def tagged(ids: list[tuple[str, str]]):
    """A PDF whose structure tree holds elements (tag, ID)."""
    def tree(document):
        kids = [document.make_indirect(Dictionary(Type=Name.StructElem, S=Name("/" + tag),
                                                  ID=String(element_id)))
                for tag, element_id in ids]
        root = document.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        root.K = document.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document,
                                                   K=Array(kids)))
        document.Root.StructTreeRoot = root
    return pdf((b"", Dictionary()), extra=tree)


def ids(data: bytes) -> list[str]:
    with opened(data) as book:
        return [str(kid.ID) for kid in book.Root.StructTreeRoot.K.K]


def test_notes_ids_move_with_the_part_and_nothing_else_does():
    elements = [("Note", "note-3-1"), ("Note", "note-12-2"), ("P", "note-3-1"),
                ("Note", "xnote-3-1"), ("Note", "note-3-1b"), ("Note", "page-3")]
    body = tagged(elements)
    over = pdf((b"", Dictionary()))
    assert ids(draw_over(body, over, 2)) == [
        "note-5-1", "note-14-2", "note-3-1", "xnote-3-1", "note-3-1b", "page-3"]
    assert ids(draw_over(body, over, -2)) == [
        "note-1-1", "note-10-2", "note-3-1", "xnote-3-1", "note-3-1b", "page-3"]
    assert ids(draw_over(body, over)) == [element_id for _, element_id in elements]


def test_an_untagged_part_is_moved_without_complaint():
    body = pdf((b"0 0 1 RG", Dictionary()))
    with opened(draw_over(body, pdf((b"", Dictionary())), 4)) as book:
        assert "/StructTreeRoot" not in book.Root


def test_the_result_is_written_as_the_book_is_saved_reproducibly():
    """As tagged.SAVE: object streams, and an identifier from the content, so that two
    builds of one part write the same bytes."""
    body = tagged([("Note", "note-1-1")])
    over = pdf((b"BT /F1 9 Tf (7) Tj ET", Dictionary(Font=Dictionary(F1=font("Courier")))))
    first, second = draw_over(body, over, 1), draw_over(body, over, 1)
    assert first == second and b"/ObjStm" in first
