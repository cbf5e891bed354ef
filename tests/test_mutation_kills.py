"""Unit tests for decisions mutation testing found unchecked: how assemble.py writes names,
dates, the line under an essay's title and its Sources entry (see bench/equivalent.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pamphlet.book.assemble import citation, format_date, join_names, source_line
from pamphlet.project.essays import Essay, Source


@pytest.mark.parametrize("names, joined", [
    ((), ""), (("A",), "A"), (("A", "B"), "A and B"), (("A", "B", "C"), "A, B, and C"),
    (("A", "B", "C", "D"), "A, B, C, and D")])
def test_join_names(names, joined):
    assert join_names(names) == joined


@pytest.mark.parametrize("value, shown", [
    (None, None), (dt.date(2026, 3, 4), "4 March 2026"), ("2026-01-09", "9 January 2026"),
    ("2026-12-31", "31 December 2026"), ("2026-12", "December 2026"),
    (" 2026-02-09T10:00 ", "9 February 2026"), ("2026-02-09 10:00", "9 February 2026"),
    ("2026-13-01", "2026-13-01"), ("2026-13", "2026-13"), ("2026-00-01", "2026-00-01"), ("2026-02-30", "2026-02-30"),
    ("spring 2026", "spring 2026"), ("2026-02-09x", "2026-02-09x"), ("26-02-09", "26-02-09")])
def test_format_date(value, shown):
    assert format_date(value) == shown


FULL = Source(url="https://e.org/a", title="Old Title", publisher="Zine Press",
              date="2026-02-09", accessed="2026-11-20")


@pytest.mark.parametrize("source, line", [
    (None, ""),  # nothing recorded, nothing claimed
    (Source(), "First published."),
    (FULL, "First published as “Old Title” by Zine Press on 9 February 2026 at https://e.org/a."),
    (Source(title=" New Title "), "First published."),
    (Source(title="Other", url="u"), "First published as “Other” at u.")])
def test_source_line(source, line):
    assert source_line(source, "New Title") == line


def essay(**fields) -> Essay:
    return Essay("e", Path("e.md"), fields.pop("title", "Raw Title"), "", 1, **fields)


@pytest.mark.parametrize("fields, entry", [
    ({}, "“Smart Title.” Source not recorded."),
    ({"authors": ("A", "B", "C"), "license": "CC BY 4.0", "source": FULL},
     "A, B, and C. “Smart Title.” Old Title, Zine Press, 9 February 2026. "
     "https://e.org/a (accessed 20 November 2026). License: CC BY 4.0."),
    ({"authors": ("A",), "source": Source(title="Raw Title", url="u")}, "A. “Smart Title.” u."),
    ({"source": Source(title="Smart Title", publisher="P")}, "“Smart Title.” P."),
    ({"source": Source(date="2026-05")}, "“Smart Title.” May 2026.")])
def test_citation(fields, entry):
    assert citation(essay(**fields), "Smart Title") == entry


# markup.py: how notes and links are printed on paper and in the e-book, pinned exactly.
HTML = ('<p>Text<span class="noteref" data-note="1"/> and <a href="https://www.e.org/x/">e.org/x</a>, '
        '<a href="https://e.org/caf%C3%A9">words</a>, <a href="mailto:me@e.org">mail</a>, '
        '<a href="#s">in</a>, <a href="https://e.org/%0A">ctl</a> again'
        '<span class="noteref" data-note="1"/>.</p><p>Two<span class="noteref" data-note="2"/></p>')
NOTES = (
    (1, '<p>First <a href="https://n.org/">see</a> and <a href="https://n.org">n.org</a>.</p>'
        '<p>Second</p><ul><li>l</li></ul>'),
    (2, '<ul><li>a <a href="ftp://f.org/">f</a></li></ul>'))


def notes_body():
    from pamphlet.text.markup import Body, Note

    return Body("e", HTML, tuple(Note(n, html) for n, html in NOTES), (), ())


def test_print_html_with_link_urls_as_footnotes():
    from pamphlet.text.markup import print_html

    printed = print_html(notes_body())
    assert printed.link_endnotes == ()
    assert printed.html == (
        '<p>Text<span class="footnote">First <a href="https://n.org/">see</a> (<span class="url">https://n.org/</span>) and <a href="https://n.org">n.org</a>.<span class="note-p">Second</span><ul><li>l</li></ul></span> and <a href="https://www.e.org/x/" class="url">e.org/x</a>, <a href="https://e.org/caf%C3%A9">words</a><span class="footnote link-note"><span class="url">https://e.org/café</span></span>, <a href="mailto:me@e.org">mail</a><span class="footnote link-note"><span class="url">me@e.org</span></span>, <a href="#s">in</a>, <a href="https://e.org/%0A">ctl</a><span class="footnote link-note"><span class="url">https://e.org/%0A</span></span> again<span class="footnote">First <a href="https://n.org/">see</a> (<span class="url">https://n.org/</span>) and <a href="https://n.org">n.org</a>.<span class="note-p">Second</span><ul><li>l</li></ul></span>.</p><p>Two<span class="footnote"><ul><li>a <a href="ftp://f.org/">f</a> (<span class="url">ftp://f.org/</span>)</li></ul></span></p>')


def test_print_html_with_link_urls_as_endnotes():
    from pamphlet.text.markup import Link, print_html

    printed = print_html(notes_body(), "endnote")
    assert printed.link_endnotes == (Link("https://e.org/café", "words"), Link("me@e.org", "mail"),
                                     Link("https://e.org/%0A", "ctl"))
    assert printed.html == (
        '<p>Text<span class="footnote">First <a href="https://n.org/">see</a> (<span class="url">https://n.org/</span>) and <a href="https://n.org">n.org</a>.<span class="note-p">Second</span><ul><li>l</li></ul></span> and <a href="https://www.e.org/x/" class="url">e.org/x</a>, <a href="https://e.org/caf%C3%A9">words</a><sup class="link-ref">[1]</sup>, <a href="mailto:me@e.org">mail</a><sup class="link-ref">[2]</sup>, <a href="#s">in</a>, <a href="https://e.org/%0A">ctl</a><sup class="link-ref">[3]</sup> again<span class="footnote">First <a href="https://n.org/">see</a> (<span class="url">https://n.org/</span>) and <a href="https://n.org">n.org</a>.<span class="note-p">Second</span><ul><li>l</li></ul></span>.</p><p>Two<span class="footnote"><ul><li>a <a href="ftp://f.org/">f</a> (<span class="url">ftp://f.org/</span>)</li></ul></span></p>')


def test_ebook_html_notes_and_back_links():
    from pamphlet.text.markup import ebook_html

    assert ebook_html(notes_body()) == (
        '<p>Text<sup><a xmlns:epub="http://www.idpf.org/2007/ops" href="#e-note-1" class="noteref" epub:type="noteref" role="doc-noteref" id="e-noteref-1">1</a></sup> and <a href="https://www.e.org/x/">e.org/x</a>, <a href="https://e.org/caf%C3%A9">words</a>, <a href="mailto:me@e.org">mail</a>, <a href="#s">in</a>, <a href="https://e.org/%0A">ctl</a> again<sup><a xmlns:epub="http://www.idpf.org/2007/ops" href="#e-note-1" class="noteref" epub:type="noteref" role="doc-noteref">1</a></sup>.</p><p>Two<sup><a xmlns:epub="http://www.idpf.org/2007/ops" href="#e-note-2" class="noteref" epub:type="noteref" role="doc-noteref" id="e-noteref-2">2</a></sup></p><section xmlns:epub="http://www.idpf.org/2007/ops" class="footnotes" epub:type="footnotes"><aside id="e-note-1" epub:type="footnote" role="doc-footnote" class="footnote"><p><a href="#e-noteref-1" role="doc-backlink" class="backlink">1.</a> First <a href="https://n.org/">see</a> and <a href="https://n.org">n.org</a>.</p><p>Second</p><ul><li>l</li></ul></aside><aside id="e-note-2" epub:type="footnote" role="doc-footnote" class="footnote"><p><a href="#e-noteref-2" role="doc-backlink" class="backlink">2.</a></p><ul><li>a <a href="ftp://f.org/">f</a></li></ul></aside></section>')


def test_image_paths_and_their_diagnostics(tmp_path):
    """Remote images are left out (M303), missing ones (M301) and outside ones (M302) are
    errors, each at its line; a found image's src is made relative to the project."""
    import io

    from PIL import Image
    from test_markup import body_of

    from pamphlet.text.markup import Link

    (tmp_path / "source" / "img").mkdir(parents=True)
    png = io.BytesIO()
    Image.new("RGB", (2, 2)).save(png, "PNG")
    (tmp_path / "source" / "img" / "a b.png").write_bytes(png.getvalue())
    body, diagnostics = body_of(tmp_path, "![one](https://e.org/x.png)\n\n![three](img/none.png)"
                                          "\n\n![four](../../outside.png)\n\n![five](img/a%20b.png)\n\n"
                                          "![h](http://e.org/h.png) ![f](ftp://e.org/f.png) "
                                          "[web](HTTPS://e.org/w)\n")
    assert body.html == (
        '<p><span class="missing-image">one</span></p>\n'
        '<p><span class="missing-image">three</span></p>\n'
        '<p><span class="missing-image">four</span></p>\n'
        '<figure><img alt="five" src="source/img/a b.png"/></figure>\n'
        '<p><span class="missing-image">h</span> <span class="missing-image">f</span> '
        '<a href="HTTPS://e.org/w">web</a></p>')
    assert body.links == (Link("HTTPS://e.org/w", "web"),)
    assert body.images == (tmp_path / "source" / "img" / "a b.png",)
    essay = tmp_path / "source" / "e.md"
    assert [(d.code, d.severity.value, d.message, d.path, d.line, d.hint) for d in diagnostics] == [
        ("M303", "warning", "remote image left out: https://e.org/x.png", essay, 5,
         "download the image into the project and link to the file"),
        ("M301", "error", "image not found: img/none.png", essay, 7,
         "check the name and the folder it is in"),
        ("M302", "error", f"image outside the project: {tmp_path.parent / 'outside.png'}", essay, 9,
         "copy the file into the project; links that point outside it are not followed"),
        ("M303", "warning", "remote image left out: http://e.org/h.png", essay, 13,
         "download the image into the project and link to the file"),
        ("M303", "warning", "remote image left out: ftp://e.org/f.png", essay, 13,
         "download the image into the project and link to the file")]
