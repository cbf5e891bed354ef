"""A small book's build does only what it needs (issue 29; its times are in
bench/bench_project.py): its process loads no print stack, calendar or e-book library it
does not use, and the EPUB is written beside the reading PDF's writing, not after it."""

from __future__ import annotations

from conftest import copy_project
from test_noop import modules_after

from pamphlet.build.pipeline import _pamphlet
from pamphlet.diagnostics import Diagnostics
from pamphlet.engine.pdf import render_pdf, save_pdf
from pamphlet.project.spec import load_spec

# pypdf and qpdf's other users: the print PDFs; icalendar: the event kit; ebooklib and
# PDFium: the EPUB and its cover, loaded in the process that writes it.
UNUSED = ("pypdf", "icalendar", "ebooklib", "pypdfium2")


def test_a_plain_book_loads_no_library_it_does_not_use(tmp_path):
    project = copy_project("notes", tmp_path)
    (project / "endnotes.toml").unlink()
    status, _, modules = modules_after(["build", str(project), "--jobs", "1"])
    assert status == 0 and {p.name for p in (project / "build").iterdir()} >= {
        "pamphlet.pdf", "pamphlet.epub"}
    assert "weasyprint" in modules  # (it did lay the book out, in this process)
    assert [name for name in UNUSED if name in modules] == []


def test_the_pages_starts_are_told_before_the_reading_pdf_is_written(tmp_path):
    project = copy_project("notes", tmp_path)
    spec = load_spec(project / "pamphlet.toml")
    diagnostics = Diagnostics()
    pamphlet, layout = _pamphlet(spec, diagnostics, "utf-8")
    document = render_pdf(pamphlet, layout, diagnostics)
    target = tmp_path / "book.pdf"
    told = []
    pdf = save_pdf(document, pamphlet, target, diagnostics,
                   laid_out=lambda starts: told.append((starts, target.exists())))
    assert told == [(pdf.starts, False)] and pdf.starts and target.is_file()
