"""Clean bytes out: what a build ships holds no script, no handler, no address of a file
outside the book, and no file under a type its bytes are not.

The hostile SVG and CSS are our own, reduced from the kinds of payload in cure53's DOMPurify
test fixtures (test/fixtures/expect.mjs: SVG <set>/<animate> on handlers and href, <style>
with @import, data: URLs) and the OWASP XSS Filter Evasion Cheat Sheet (CSS escapes,
expression(), -moz-binding); then a whole build carrying them passes EPUBCheck with no
messages.
"""

from __future__ import annotations

import base64
import zipfile

import pytest
from test_diagnostics import make
from epubchecker import messages as epubcheck_messages

from pamphlet.cli import main
from pamphlet.text.sanitiser import clean_svg

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ' \
      'width="10" height="10">{}</svg>'
SCRIPTED = SVG.format('<script>alert(1)</script><rect id="r" width="5" height="5"/>')
SCRIPTED_URL = "data:image/svg+xml;base64," + base64.b64encode(SCRIPTED.encode()).decode()
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")

# Each: SVG content, and what must not be in the cleaned picture (lowercased).
HOSTILE_SVG = {
    "style import": ('<style>@import url("file:///etc/passwd"); rect { fill: red }</style>'
                     '<rect width="5" height="5"/>', ["@import", "file:"]),
    "style url out": ('<style>rect { fill: url(../../outside.svg#p) }</style>'
                      '<rect width="5" height="5"/>', ["outside"]),
    "style escaped url": ('<style>rect { background: u\\72 l(file:///etc/passwd) }</style>'
                          '<rect width="5" height="5"/>', ["passwd"]),
    "style attribute url": ('<rect width="5" height="5" style="fill: url(file:///x)"/>',
                            ["file:"]),
    "style expression": ('<style>rect { width: expression(alert(1)) }</style><rect/>',
                         ["expression"]),
    "style binding": ('<style>rect { -moz-binding: url(x.xml#y) }</style><rect/>',
                      ["binding"]),
    "set handler": ('<rect width="5" height="5"><set attributeName="onmouseover" '
                    'to="alert(1)"/></rect>', ["onmouseover", "alert"]),
    "animate href": ('<a><animate attributeName="href" values="javascript:alert(1)"/>'
                     '<text>x</text></a>', ["javascript"]),
    "animate xlink href": ('<a><animate attributeName="xlink:href" '
                           'values="javascript:alert(1)"/><text>x</text></a>', ["javascript"]),
    "set no target": ('<rect><set to="javascript:alert(1)"/></rect>', ["javascript"]),
    "handler attribute": ('<rect onload="alert(1)" width="5" height="5"/>', ["onload"]),
    "foreign object": ('<foreignObject><iframe src="javascript:alert(1)"/></foreignObject>',
                       ["iframe", "javascript"]),
    "nested svg data": (f'<image href="{SCRIPTED_URL}" width="5" height="5"/>',
                        [SCRIPTED_URL[30:60].lower()]),
    "html data": ('<image href="data:image/png;base64,'
                  + base64.b64encode(b"<html><script>alert(1)</script></html>").decode()
                  + '" width="5" height="5"/>', ["data:"]),
    "use outside": ('<use xlink:href="file:///etc/passwd#x"/>', ["file:"]),
    "filter outside": ('<rect filter="url(http://evil.example/f.svg#f)"/>', ["evil"]),
}


@pytest.mark.parametrize("name", HOSTILE_SVG)
def test_the_svg_cleaner_leaves_no_way_out(name):
    content, forbidden = HOSTILE_SVG[name]
    cleaned = clean_svg(SVG.format(content).encode())
    assert cleaned is not None
    text = cleaned.decode().lower()
    for word in forbidden:
        assert word not in text, (name, text)
    assert "<script" not in text


def test_the_svg_cleaner_keeps_what_is_harmless():
    content = ('<style>rect { fill: url(#g) } .a { stroke: blue }</style>'
               '<linearGradient id="g"/><rect class="a" width="5" height="5" '
               'style="opacity: 0.5"/><animate attributeName="opacity" values="0;1"/>'
               f'<image href="data:image/png;base64,{base64.b64encode(PNG).decode()}"/>')
    text = clean_svg(SVG.format(content).encode()).decode()
    for kept in ('url("#g")', "stroke", "opacity", "data:image/png;base64", "<animate"):
        assert kept in text, (kept, text)


HOSTILE_CSS = """\
@import url("file:///etc/passwd");
@import "../../../outside.css";
@import "inner.css";
body { background: url("file:///etc/passwd"); }
p { background-image: url(../../../../outside.png); }
h1 { background: u\\72 l(http://evil.example/x.png); }
h2 { width: expression(alert(1)); -moz-binding: url(x.xml#b); }
@font-face { font-family: Fake; src: url(fake.woff2); }
em { background: url(picture.png); }
strong { background: url("data:image/svg+xml;base64,%s"); }
""" % base64.b64encode(SCRIPTED.encode()).decode()


def test_a_hostile_build_ships_only_clean_bytes_and_passes_epubcheck(tmp_path, capsys):
    """A layout's ebook.css with file: and outside URLs, imports in and out, a web page
    called a font; an essay with a .png that is an SVG with a script, a .png that is HTML, a
    .jpg that is a PNG, and a data: SVG with a script."""
    outside = tmp_path / "outside.css"
    outside.write_text("body { color: red }\n")
    essay = ("---\ntitle: Pictures\nauthor: A\n---\n\n"
             "![svg in disguise](svg.png)\n\n![a page in disguise](page.png)\n\n"
             "![a png called jpeg](photo.jpg)\n\n"
             f"![held]({SCRIPTED_URL})\n\nText.\n")
    project = make(tmp_path / "zine", essays={"one": essay})
    source = project / "source"
    (source / "svg.png").write_text(SCRIPTED)
    (source / "page.png").write_text("<html><body><script>alert(1)</script></body></html>")
    (source / "photo.jpg").write_bytes(PNG)
    layout = project / "layouts" / "zine"
    layout.mkdir(parents=True)
    (layout / "ebook.css").write_text(HOSTILE_CSS)
    (layout / "inner.css").write_text("blockquote { margin: 1em; }\n")
    (layout / "fake.woff2").write_text("<html><script>alert(1)</script></html>")
    (layout / "picture.png").write_bytes(PNG)
    assert main(["build", str(project)]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    for code in ("S901", "S907", "S908", "B704", "B705"):
        assert code in err, (code, err)
    epub = project / "build" / "pamphlet.epub"
    assert epubcheck_messages(epub) == []
    with zipfile.ZipFile(epub) as book:
        names = book.namelist()
        everything = b"".join(book.read(name) for name in names).lower()
        css = book.read(next(n for n in names if n.endswith("ebook.css"))).decode()
        for name in names:
            data = book.read(name)
            if name.endswith(".png"):
                assert data.startswith(b"\x89PNG"), name
            if name.endswith((".jpg", ".jpeg")):
                assert data.startswith(b"\xff\xd8"), name
    for word in (b"file:", b"<script", b"javascript:", b"alert(1)", b"outside", b"evil",
                 b"expression(", b"binding", b"@import"):
        assert word not in everything, word
    assert "blockquote" in css and "margin" in css  # the import inside is kept, in place
    assert "../images/css-" in css  # picture.png carried in under a name of its own


@pytest.mark.parametrize("render", ["whole", "parts"])
def test_the_reading_pdfs_stylesheets_go_through_the_same_sanitiser(tmp_path, capsys, render):
    """A layout's print stylesheet is held to what its e-book stylesheet is: imports outside
    the project left out (S907), file: URLs removed (S901), a web page called a font refused
    (S908), each said of the file; an import inside is resolved in place, and a change to it
    lays the book out again (the parts' cache keys hold the imported text)."""
    from pdftext import Pdf

    (tmp_path / "outside.css").write_text('h1::after { content: " OUTSIDEMARK" }\n')
    project = make(tmp_path / "zine", f'title = "T"\nessays = ["one"]\n\n[pdf]\n'
                   f'render = "{render}"\n')
    layout = project / "layouts" / "zine"
    layout.mkdir(parents=True)
    custom = layout / "custom.css"
    custom.write_text('@import "../../../outside.css";\n@import url("file:///etc/passwd");\n'
                      '@import "inner.css";\nbody { background: url("file:///etc/passwd"); }\n'
                      "@font-face { font-family: Fake; src: url(fake.woff2); }\n"
                      "h2 { font-family: Fake, serif; }\n")
    (layout / "inner.css").write_text('h1::after { content: " INNERMARK1" }\n')
    (layout / "fake.woff2").write_text("<html><script>alert(1)</script></html>")
    assert main(["build", str(project)]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    for code in ("S901", "S907", "S908"):
        assert f"{custom}: {code} warning" in err, (code, err)
    pdf = project / "build" / "pamphlet.pdf"
    text = "".join(Pdf(pdf).text(n) for n in range(1, len(Pdf(pdf)) + 1))
    assert "INNERMARK1" in text and "OUTSIDEMARK" not in text
    (layout / "inner.css").write_text('h1::after { content: " INNERMARK2" }\n')
    assert main(["build", str(project)]) == 0, capsys.readouterr().err
    text = "".join(Pdf(pdf).text(n) for n in range(1, len(Pdf(pdf)) + 1))
    assert "INNERMARK2" in text and "INNERMARK1" not in text
