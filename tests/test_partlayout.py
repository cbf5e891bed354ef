"""One part of the reading PDF laid out and written as if it stood in the book
(engine/partlayout.py), on a two-essay project's parts: the pages it takes and where its
anchors fall, the pages of other parts it looked up, its numbers from its placement, laid
out again only when its text depended on what moved, numbered again without a layout, dated
again from the cache. tests/test_parts.py compares whole books laid out in parts and whole."""

from __future__ import annotations

import errno
import hashlib
import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from pamphlet.book.assemble import assemble
from pamphlet.book.layouts import find_layout
from pamphlet.diagnostics import Diagnostics
from pamphlet.engine import partlayout, parts
from pamphlet.engine.partlayout import (Laid, PartJob, Placement, Renderer, WriteError,
                                        needs_layout_again, redated)
from pamphlet.engine.pdf import render_html
from pamphlet.project.select import select
from pamphlet.project.spec import load_spec

ID = b"0123456789abcdef"
CREATED, MODIFIED = "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"


@pytest.fixture(scope="module")
def jobs(tmp_path_factory) -> dict[str, PartJob]:
    """The parts of a two-essay A6 book: front (with the contents), essay-001 (which links
    to the second), essay-002, back."""
    root = tmp_path_factory.mktemp("partlayout") / "p"
    (root / "source").mkdir(parents=True)
    (root / "pamphlet.toml").write_text('title = "Tiny"\nessays = ["one", "two"]\n'
                                        '[pdf]\npage_size = "A6"\nrender = "parts"\n')
    (root / "source" / "one.md").write_text(
        "---\ntitle: One\nauthor: A\n---\n\nFirst essay. See [two](two.md).\n")
    (root / "source" / "two.md").write_text(
        "---\ntitle: Two\nauthor: B\n---\n\nSecond essay.\n\n## Part\n\nMore.\n")
    spec = load_spec(root / "pamphlet.toml")
    diagnostics = Diagnostics()
    pamphlet = assemble(spec, select(spec, diagnostics), diagnostics)
    layout = find_layout(spec.layout, spec.layouts_dir)
    sheets = tuple((layout.read(path).decode(), path.as_uri())
                   for path in layout.stylesheets("print"))
    return {source.name: PartJob(source.name, source.html, f"{root}/", sheets, layout.gate,
                                 spec.path, True, source.shell, False, source.standin)
            for source in parts.split(render_html(pamphlet, layout))}


def text(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, its lines stripped."""
    path = tmp_path / "part.pdf"
    path.write_bytes(pdf)
    found = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                           text=True, check=True).stdout
    return [" ".join(line.split()) for line in found.split("\f")[:-1]]


def footer(page: str) -> str:
    """The page number at a page's foot: its last word."""
    return page.split()[-1] if page.split() else ""


def shown(contents: str) -> dict[str, int]:
    """The contents' entries and the pages they show."""
    return {title: int(page) for title, page in re.findall(r"(\w+) [. ]+ (\d+)", contents)}


FOREIGN = {"essay-001": 5, "essay-002": 7, "sources": 9}


def test_the_front_part_looks_up_the_pages_it_shows_and_says_what_it_loaded(jobs):
    laid = Renderer().lay_out(jobs["front"], Placement(1, 12, FOREIGN))
    assert laid.name == "front" and laid.placement == Placement(1, 12, FOREIGN)
    assert laid.used == FOREIGN  # the contents show each essay's page, and the sources'
    assert laid.anchors == {"contents": laid.pages} and laid.pages >= 2
    assert laid.local_refs is False and laid.strings == {"book": "Tiny"}
    assert laid.inputs and all(path.endswith((".ttf", ".otf", ".woff2", ".woff"))
                               for path in laid.inputs)
    for path, digest in laid.inputs.items():  # each file it loaded, by its bytes
        assert hashlib.sha256(Path(path).read_bytes()).hexdigest() == digest
    assert laid.diagnostics == [] and laid.missing_glyphs == set()
    # A second renderer in the same process (a worker's next spec) finds the fonts already
    # added to WeasyPrint's configuration; its part still names them.
    again = Renderer().lay_out(jobs["front"], Placement(1, 12, FOREIGN))
    assert again.inputs == laid.inputs


def test_a_written_part_shows_the_pages_it_was_given_and_is_numbered_from_its_start(jobs,
                                                                                  tmp_path):
    renderer = Renderer()
    laid = renderer.lay_out(jobs["front"], Placement(1, 12, FOREIGN))
    finished = renderer.finish(jobs["front"], Placement(1, 12, FOREIGN), ID, CREATED,
                               MODIFIED, "pdf/ua-1")
    assert finished.laid_out is False  # laid out for this very placement: not again
    assert (finished.name, finished.pages, finished.anchors) == ("front", laid.pages,
                                                                  laid.anchors)
    pages = text(finished.pdf, tmp_path)
    assert len(pages) == laid.pages
    assert shown(pages[laid.anchors["contents"] - 1]) == {"One": 5, "Two": 7, "Sources": 9}
    with pikepdf.open(io.BytesIO(finished.pdf)) as pdf:
        assert bytes(pdf.trailer.ID[0]) == ID
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20260101")
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20260102")
        assert "/StructTreeRoot" in pdf.Root  # tagged, as the book is
    assert finished.running == {"defines": [], "wants": []}


def test_an_essay_is_numbered_where_it_stands_and_again_where_it_moves(jobs, tmp_path):
    renderer = Renderer()
    job = jobs["essay-002"]
    laid = renderer.lay_out(job, Placement(5, 12, {}))
    finished = renderer.finish(job, Placement(5, 12, {}), ID, CREATED, MODIFIED, "pdf/ua-1")
    assert laid.anchors == {"essay-002": 1, "essay-002-part": 1} and laid.used == {}
    numbers = [footer(page) for page in text(finished.pdf, tmp_path)]
    assert numbers[0] in ("", "5") and numbers[-1] == str(4 + finished.pages)
    assert [start.page for start in finished.starts] == sorted(
        start.page for start in finished.starts) and finished.starts[0].page == 5
    assert finished.margins is not None and finished.body  # numbered later without a layout
    assert (finished.margins["laid"], finished.margins["start"]) == (5, 5)
    renumbered = renderer.renumber(job, Placement(7, 12, {}), finished.body, finished.margins)
    again = text(renumbered, tmp_path)
    assert [footer(page) for page in again][-1] == str(6 + finished.pages)
    assert [page.rsplit(" ", 1)[0] for page in again if page] == [
        page.rsplit(" ", 1)[0] for page in text(finished.pdf, tmp_path) if page]
    # Written for a place two pages on, it is numbered there, and not laid out again.
    moved = renderer.finish(job, Placement(9, 12, {}), ID, CREATED, MODIFIED, "pdf/ua-1")
    assert moved.laid_out is True  # let go when finished: a second finish lays it out
    assert [footer(page) for page in text(moved.pdf, tmp_path)][-1] == str(8 + moved.pages)


def test_a_part_is_laid_out_again_when_a_page_it_showed_moved(jobs, tmp_path):
    renderer = Renderer()
    renderer.lay_out(jobs["front"], Placement(1, 12, FOREIGN))
    moved = {**FOREIGN, "essay-002": 8}
    finished = renderer.finish(jobs["front"], Placement(1, 12, moved), ID, CREATED, MODIFIED,
                               "pdf/ua-1")
    assert finished.laid_out is True
    assert shown(" ".join(text(finished.pdf, tmp_path))) == {"One": 5, "Two": 8, "Sources": 9}
    other = Renderer()
    other.lay_out(jobs["front"], Placement(1, 12, FOREIGN))
    changed = PartJob(**{**jobs["front"].__dict__, "html": jobs["front"].html.replace(
        "Tiny", "Tinier")})
    assert other.finish(changed, Placement(1, 12, FOREIGN), ID, CREATED, MODIFIED,
                        "pdf/ua-1").laid_out is True  # another job of the same name


def laid(used=None, local=False, start=5) -> Laid:
    return Laid("e", 3, {}, Placement(start, 20, {}), used or {}, local)


@pytest.mark.parametrize("placement, again", [
    (Placement(5, 20, {"x": 3}), False), (Placement(7, 20, {"x": 3}), False),
    (Placement(6, 20, {"x": 3}), True), (Placement(5, 20, {"x": 4}), True),
    (Placement(5, 20, {}), True), (Placement(3, 30, {"x": 3, "y": 1}), False)])
def test_what_makes_a_part_laid_out_again(placement, again):
    assert needs_layout_again(laid({"x": 3}), placement) is again
    assert needs_layout_again(laid({"x": 3}, local=True), placement) is (
        again or placement.start != 5)


@pytest.mark.parametrize("start, ltr, side", [(1, True, "right"), (2, True, "left"),
                                              (1, False, "left"), (6, False, "right")])
def test_a_part_starts_on_its_page_number_and_side(start, ltr, side):
    assert partlayout._placement_css(start, ltr) == (
        f"@page :nth({start}) {{ counter-reset: page {start}; }} "
        f"html {{ break-before: {side}; }}")


def test_a_shell_page_is_not_the_parts(jobs):
    job = jobs["essay-001"]
    assert job.shell
    whole = Renderer().lay_out(PartJob(**{**job.__dict__, "shell": False}), Placement(5, 12, {}))
    shelled = Renderer().lay_out(job, Placement(5, 12, {}))
    assert shelled.pages == whole.pages - 1  # the next essay's opening page is its own
    assert shelled.anchors == {"essay-001": 1}


def test_a_cached_first_part_is_dated_again(jobs):
    renderer = Renderer()
    renderer.lay_out(jobs["front"], Placement(1, 12, FOREIGN))
    pdf = renderer.finish(jobs["front"], Placement(1, 12, FOREIGN), ID, CREATED, MODIFIED,
                          "pdf/ua-1").pdf
    again = redated(pdf, "2025-05-05T05:05:05Z", "2027-07-07T07:07:07Z")
    with pikepdf.open(io.BytesIO(again)) as document:
        assert str(document.docinfo["/CreationDate"]).startswith("D:20250505050505")
        assert str(document.docinfo["/ModDate"]).startswith("D:20270707070707")
        xmp = document.Root.Metadata.read_bytes()
        assert b"<xmp:CreateDate>2025-05-05T05:05:05Z</xmp:CreateDate>" in xmp
        assert b"<xmp:ModifyDate>2027-07-07T07:07:07Z</xmp:ModifyDate>" in xmp
        assert len(document.pages) == len(pikepdf.open(io.BytesIO(pdf)).pages)
    assert redated(again, CREATED, MODIFIED) == redated(pdf, CREATED, MODIFIED)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        document.Root.Metadata.write(b"<x:xmpmeta/>")
        plain = io.BytesIO()
        document.save(plain)
    with pytest.raises(ValueError, match="CreateDate"):
        redated(plain.getvalue(), CREATED, MODIFIED)
    with pytest.raises(ValueError):
        redated(b"not a pdf", CREATED, MODIFIED)


def test_a_part_that_cannot_be_written_is_a_write_error(jobs, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "part.pdf")
    for name in ("finish_tags", "draw_over"):
        with monkeypatch.context() as patched:
            patched.setattr(partlayout, name, full)
            renderer = Renderer()
            with pytest.raises(WriteError) as raised:
                renderer.finish(jobs["essay-002"], Placement(5, 12, {}), ID, CREATED,
                                MODIFIED, "pdf/ua-1")
            assert raised.value.errno == errno.ENOSPC and raised.value.filename == "part.pdf"
