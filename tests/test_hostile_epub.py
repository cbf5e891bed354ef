"""Hostile and odd inputs still make a valid EPUB and a whole PDF.

One build holds them all, since EPUBCheck takes seconds to start: essays whose file names are
odd (`1st`, `my essay`, `-rf`, `é`, 200 characters, ...) or the names of the book's own parts
(`nav`, `cover`, `sources`, `colophon`, ...), attributes EPUB's schema rejects, links to
anchors that do not exist, and a spec whose intro, questions, agenda and colophon carry
scripts, frames, handlers and tags meant to break the document around them.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from epubchecker import epubcheck, messages
from lxml import etree
from PIL import Image

from pamphlet.diagnostics import Diagnostics
from pamphlet.text.sanitiser import Origin, clean_tree, inline_field, inner_xml, plain_field

import test_diagnostics
from test_diagnostics import GOOD_ESSAY, case, essay_with, tree_hashes

NS = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf"}
ODD = ["1st", "my essay", "-rf", "é", "a.b", "x" * 200, "日本語", "a#b", "a?b", "50%", "_x",
       "a&b", "it's", "Ünï cödé", "0"]
BUILT_IN = ["nav", "cover", "titlepage", "title-page", "sources", "colophon", "introduction",
            "toc", "style", "images", "content", "contents", "mimetype", "essay-001",
            "essay-002", "back-cover", "ncx"]
SLUGS = ODD + BUILT_IN
NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
HOSTILE = ('<script>alert(1)</script><iframe src="x"></iframe><img src=x onerror=alert(1)>'
           '</section></ol>]]><!-- --></body>')
SPEC = "\n".join([
    'title = "Hostile <script>alert(1)</script>"',
    'intro = """The intro <script>alert(2)</script> links [the first](1st.md), [its part](1st.md#kept)',
    'and [nowhere](#nowhere)."""',
    f'essays = [{", ".join(chr(34) + slug + chr(34) for slug in SLUGS)}]',
    'lang = "en_GB"',
    '[essay."1st"]',
    f"intro = '''{HOSTILE} An *editor's* note.'''",
    f"questions = ['{HOSTILE} Why?', \"<b onclick=x>How</b>?\", \"1. Which?\", "
    '"<div><p>Two</p><ul><li>blocks</li></ul></div>"]',
    '[essay."my essay"]',
    'sections = ["Kept"]',
    '[event]',
    'name = "<i>Readers</i>"',
    f"agenda = ['{HOSTILE}18:00 <b>Talk</b>', \"1. Welcome\", \"</ol></section>\"]",
    '[colophon]',
    "text = '<iframe src=\"https://example.org\"></iframe>Set by *hand*'",
    'license = "CC <i>BY</i> ]]>"',
    '[cover]',
    'image = "source/pics/evil.svg"',
]) + "\n" + "\n"


EVIL_SVG = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/hostname">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20"
 height="10" onload="alert(1)"><script>alert(2)</script><text y="8">&secret; hi</text>
<image xlink:href="file:///etc/hostname"/><foreignObject><p>x</p></foreignObject>
<a href="javascript:alert(3)"><rect width="5" height="5" fill="url(#g)"/></a></svg>
"""


LANGS = {"é": "not a lang", "a.b": "fr_CA", "a#b": "ar"}


def essay(number: int, slug: str, following: str) -> str:
    link = quote(following) + ".md"
    lang = f"lang: {LANGS[slug]}" if slug in LANGS else "subtitle: odd"
    return f'''---
title: "Essay {number}: {slug}"
{lang}
---

Text of {slug}.[^1] See [the next]({link}), [its part]({link}#kept), [my part](#kept),
[nowhere](#nowhere), <a href="#nope">raw</a>, [gone]({link}#missing-section),
[by slug](#{quote(following)}) and [an id](#1%202).

## Kept

See [the dropped part](#dropped).

<img width="70%" src="pics/odd name é.png" alt="odd"> <img width="120px" height="40" src="pics/odd name é.png" alt="px">
<span id="1 2" lang="not a lang!" dir="up">s</span> <span id="sources">x</span>
<time datetime="garbage">t</time> <q cite="javascript:x">q</q> <a href="data:text/html,x">d</a>

<ol type="x" reversed="yes" start="z"><li value="q">a</li></ol>

<table><tr><td align="right" colspan="abc">c</td><td rowspan="0">d</td></tr></table>

![a bitmap](pics/a%20b.bmp) ![a scripted svg](pics/evil.svg) ![not an svg](pics/fake.svg)

<span><div>block in span</div></span> <ul><p>para in list</p></ul> <a href="https://e.org/"><a href="https://f.org/">nested</a></a>

## Dropped

Dropped text.

[^1]: A note with [a link back](#kept).
'''


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The build of every odd input at once: (project, result, book, EPUBCheck messages)."""
    from pamphlet.build.pipeline import build

    project = tmp_path_factory.mktemp("hostile")
    (project / "source" / "pics").mkdir(parents=True)
    Image.new("RGB", (40, 20), "red").save(project / "source" / "pics" / "odd name é.png")
    Image.new("RGB", (40, 20), "red").save(project / "source" / "pics" / "a b.bmp")
    (project / "source" / "pics" / "evil.svg").write_text(EVIL_SVG)
    (project / "source" / "pics" / "fake.svg").write_text("<html>not an image</html>")
    for number, slug in enumerate(SLUGS, 1):
        following = SLUGS[number % len(SLUGS)]
        (project / "source" / f"{slug}.md").write_text(essay(number, slug, following))
    (project / "pamphlet.toml").write_text(SPEC)
    before = tree_hashes(project)
    result = build(project)
    assert tree_hashes(project) == before, "a source file changed"
    assert result.ok, [d.format() for d in result.diagnostics]
    path = project / "build" / "pamphlet.epub"
    return project, result, zipfile.ZipFile(path), epubcheck(path).messages


def documents(book) -> dict[str, etree._Element]:
    return {name: etree.fromstring(book.read(name)) for name in book.namelist()
            if name.endswith(".xhtml")}


def test_epubcheck_reports_nothing(hostile):
    assert [str(m) for m in hostile[3]] == []


def test_the_nav_lists_each_essay_once_by_title_and_keeps_the_back_matter(hostile):
    _, _, book, _ = hostile
    nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    links = nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)
    titles = [f"Essay {n}: {slug.replace(chr(39), '’')}" for n, slug in enumerate(SLUGS, 1)]
    assert [a.text for a in links] == ["Introduction", *titles, "Sources", "Colophon"]
    assert [a.get("href") for a in links] == [
        "introduction.xhtml", *(f"essay-{n:03d}.xhtml" for n in range(1, len(SLUGS) + 1)),
        "sources.xhtml", "colophon.xhtml"]
    opf = etree.fromstring(book.read("EPUB/content.opf"))
    spine = opf.xpath("//opf:spine/opf:itemref/@idref", namespaces=NS)
    assert spine == ["cover", "titlepage", "nav", "introduction",
                     *(f"essay-{n:03d}" for n in range(1, len(SLUGS) + 1)), "sources", "colophon"]
    sources = etree.fromstring(book.read("EPUB/sources.xhtml"))
    assert sources.xpath("//x:section/@epub:type", namespaces=NS) == ["bibliography"]
    assert len(sources.xpath("//x:li", namespaces=NS)) == len(SLUGS)
    colophon = "".join(etree.fromstring(book.read("EPUB/colophon.xhtml")).itertext())
    assert "Set by hand" in colophon and "CC BY ]]>" in colophon
    # The SVG cover, scripted, is drawn on the print cover and rasterised with it.
    assert [n for n in book.namelist() if "cover" in n] == ["EPUB/cover.xhtml",
                                                            "EPUB/images/cover.jpg"]
    cover = etree.fromstring(book.read("EPUB/cover.xhtml"))
    assert cover.xpath("//x:section/@epub:type", namespaces=NS) == ["cover"]


def test_every_name_and_id_is_safe(hostile):
    _, _, book, _ = hostile
    for name in book.namelist():
        assert re.fullmatch(r"[A-Za-z0-9._/-]+", name), name
    for name, doc in documents(book).items():
        ids = doc.xpath("//@id")
        assert len(ids) == len(set(ids)), name
        for value in ids:
            assert NCNAME.fullmatch(value), (name, value)
    opf = etree.fromstring(book.read("EPUB/content.opf"))
    for value in opf.xpath("//@id"):
        assert NCNAME.fullmatch(value), value


def test_no_script_frame_or_handler_reaches_the_book(hostile):
    _, _, book, _ = hostile
    for name, doc in documents(book).items():
        assert not doc.xpath("//x:script | //x:iframe | //x:object | //x:embed", namespaces=NS)
        handlers = [a for e in doc.iter() for a in e.attrib if a.lower().startswith("on")]
        assert handlers == [], name
        assert not [h for h in doc.xpath("//@href | //@src") if
                    h.lower().startswith(("javascript:", "data:text"))], name
        assert b"alert(" not in book.read(name), name


def test_links_between_essays_and_to_sections_resolve(hostile):
    _, _, book, _ = hostile
    docs = documents(book)
    first = docs["EPUB/essay-001.xhtml"]
    hrefs = first.xpath("//x:a/@href", namespaces=NS)
    assert "essay-002.xhtml" in hrefs  # [the next](my%20essay.md)
    assert "#essay-001-kept" in hrefs
    # the next essay keeps only its section "Kept" (an excerpt), which the link finds
    assert "essay-002.xhtml#essay-002-kept" in hrefs
    checked = 0
    for name, doc in docs.items():
        for href in doc.xpath("//x:a/@href", namespaces=NS):
            if "#" in href and not href.startswith("http"):
                target, _, fragment = href.partition("#")
                home = docs[f"EPUB/{target}"] if target else doc
                assert home.xpath(f"//*[@id='{fragment}']"), (name, href)
                checked += 1
    assert checked > 4 * len(SLUGS)
    intro = docs["EPUB/introduction.xhtml"].xpath("//x:a/@href", namespaces=NS)
    assert intro == ["essay-001.xhtml", "essay-001.xhtml#essay-001-kept"]


def test_dangling_links_are_unwrapped_with_a_warning_at_their_line(hostile):
    project, result, book, _ = hostile
    found = {(d.path.name, d.line, d.message.split(" removed")[0])
             for d in result.diagnostics if d.code == "M308"}
    for slug in ("1st", "a#b", "nav"):
        following = SLUGS[(SLUGS.index(slug) + 1) % len(SLUGS)]
        assert {(f"{slug}.md", 7, "link to #nowhere"), (f"{slug}.md", 7, "link to #nope"),
                (f"{slug}.md", 7, f"link to {following}.md#missing-section")} <= found
    # The excerpt of "my essay" leaves out its section "Dropped": the link to it goes too.
    line = essay(2, "my essay", "").splitlines().index("See [the dropped part](#dropped).") + 1
    assert ("my essay.md", line, "link to #dropped") in found
    # Three in each essay, less the link to another essay in the paragraph the excerpt leaves
    # out (those to its own anchors were reported before it was cut), and the intro's.
    assert len(found) == 3 * len(SLUGS) - 1 + 1 + 1
    assert ("pamphlet.toml", 3, "link to #nowhere") in found
    text = "".join(etree.fromstring(book.read("EPUB/essay-001.xhtml")).itertext())
    assert "nowhere" in text and "raw" in text and "gone" in text


def test_spec_fields_are_sanitised_with_a_warning_at_their_line(hostile):
    project, result, book, _ = hostile
    spec = project / "pamphlet.toml"
    warnings = {(d.line, d.message) for d in result.diagnostics
                if d.code == "M305" and d.path == spec}
    expected = {
        (1, "<script> is not allowed in the spec's title and was removed"),
        (2, "<script> is not allowed in the spec's intro and was removed"),
        (7, "<script> is not allowed in the spec's [essay.1st] intro and was removed"),
        (7, "<iframe> is not allowed in the spec's [essay.1st] intro and was removed"),
        (7, "the onerror attribute is not allowed and was removed"),
        (8, "<script> is not allowed in the spec's [essay.1st] questions and was removed"),
        (8, "the onclick attribute is not allowed and was removed"),
        (13, "<script> is not allowed in the spec's event.agenda and was removed"),
        (15, "<iframe> is not allowed in the spec's colophon.text and was removed"),
    }
    assert expected <= warnings, warnings
    doc = etree.fromstring(book.read("EPUB/essay-001.xhtml"))
    intro = doc.xpath("//x:p[@class='editor-intro']", namespaces=NS)[0]
    assert " ".join("".join(intro.itertext()).split()) == "]]> An editor’s note."
    questions = [" ".join("".join(li.itertext()).split())
                 for li in doc.xpath("//x:section[@class='questions']//x:li", namespaces=NS)]
    assert questions == ["]]> Why?", "How?", "1. Which?", "Two blocks"]
    title = "".join(etree.fromstring(book.read("EPUB/titlepage.xhtml")).itertext())
    assert "18:00 Talk" in title and "1. Welcome" in title and "alert" not in title


def test_percentage_widths_become_css_and_bad_attributes_go(hostile):
    _, _, book, _ = hostile
    doc = etree.fromstring(book.read("EPUB/essay-003.xhtml"))
    images = doc.xpath("//x:img[@alt='odd' or @alt='px']", namespaces=NS)
    assert [(i.get("style"), i.get("width"), i.get("height")) for i in images] == [
        ("width: 70%", None, None), (None, "120", "40")]
    assert {i.get("src") for i in images} == {"images/image-001.png"}
    assert doc.xpath("//x:td/@style", namespaces=NS) == ["text-align: right"]
    assert not doc.xpath("//x:ol/@type | //x:ol/@start | //x:li/@value | //x:td/@colspan "
                         "| //x:time | //x:q/@cite | //@align", namespaces=NS)
    assert doc.xpath("//x:ol/@reversed", namespaces=NS) == ["reversed"]


def test_images_the_book_cannot_hold_become_text_and_svgs_lose_their_scripts(hostile):
    project, result, book, _ = hostile
    line = essay(1, "1st", "").splitlines().index(
        "![a bitmap](pics/a%20b.bmp) ![a scripted svg](pics/evil.svg) ![not an svg](pics/fake.svg)")
    assert sorted((d.path.name, d.line, d.message.split(" is ")[0]) for d in result.diagnostics
                  if d.code == "B704") == [("1st.md", line + 1, "the image source/pics/a b.bmp"),
                                           ("1st.md", line + 1, "the image source/pics/fake.svg")]
    assert sorted(n for n in book.namelist() if "/images/image-" in n) == [
        "EPUB/images/image-001.png", "EPUB/images/image-002.svg"]
    svg = book.read("EPUB/images/image-002.svg")
    for word in (b"script", b"onload", b"alert", b"ENTITY", b"secret", b"hostname",
                 b"foreignObject", b"javascript"):
        assert word not in svg, word
    doc = etree.fromstring(book.read("EPUB/essay-001.xhtml"))
    assert doc.xpath("//x:span[@class='missing-image']/text()", namespaces=NS) == [
        "a bitmap", "not an svg"]


def test_language_tags_are_made_valid_or_replaced(hostile):
    project, result, book, _ = hostile
    assert sorted((d.path.name, d.line, d.message) for d in result.diagnostics
                  if d.code == "M309") == [
        ("a.b.md", 3, "the language 'fr_CA' is read as 'fr-CA'"),
        ("pamphlet.toml", 5, "the language 'en_GB' is read as 'en-GB'"),
        ("é.md", 3, "'not a lang' is not a language tag, so 'en-GB' is used")]
    xml_lang = "{http://www.w3.org/XML/1998/namespace}lang"
    langs = {name: doc.get(xml_lang) for name, doc in documents(book).items()}
    assert langs["EPUB/essay-004.xhtml"] == "en-GB" and langs["EPUB/essay-005.xhtml"] == "fr-CA"
    assert langs["EPUB/essay-008.xhtml"] == "ar" and langs["EPUB/nav.xhtml"] == "en-GB"


def test_the_pdf_resolves_every_anchor(hostile):
    from pypdf import PdfReader

    project, result, _, _ = hostile
    assert not [d.format() for d in result.diagnostics
                if d.code == "O501" and "anchor" in d.message]
    reader = PdfReader(str(result.outputs[0]))
    names = set(reader.named_destinations)
    assert {f"essay-{n:03d}" for n in range(1, len(SLUGS) + 1)} <= names
    assert {"sources", "colophon", "introduction", "essay-001-kept"} <= names
    targets = [a.get_object()["/Dest"] for page in reader.pages
               for a in page.get("/Annots", []) if "/Dest" in a.get_object()]
    assert len(targets) > len(SLUGS)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Set by hand" in text and "alert" not in text


# The sanitiser on its own: each attribute EPUB's schema rejects, and where it goes.
ATTRIBUTES = [
    ('<img src="a.png" width="70%">', '<img src="a.png" style="width: 70%"/>'),
    ('<img src="a.png" width="50.5%" height="20%">',
     '<img src="a.png" style="width: 50.5%; height: 20%"/>'),
    ('<img src="a.png" width="120px">', '<img src="a.png" width="120"/>'),
    ('<img src="a.png" width="auto">', '<img src="a.png"/>'),
    ('<img src="a.png" height="-3">', '<img src="a.png"/>'),
    ('<table><tr><td align="center">c</td></tr></table>',
     '<table><tbody><tr><td style="text-align: center">c</td></tr></tbody></table>'),
    ('<table><tr><td align="middle">c</td></tr></table>',
     '<table><tbody><tr><td>c</td></tr></tbody></table>'),
    ('<table><tr><th colspan="2" rowspan="x">c</th></tr></table>',
     '<table><tbody><tr><th colspan="2">c</th></tr></tbody></table>'),
    ('<table><tr><td colspan="99999">c</td></tr></table>',
     '<table><tbody><tr><td colspan="1000">c</td></tr></tbody></table>'),
    ('<ol type="A" start="3" reversed><li value="7">a</li></ol>',
     '<ol type="A" start="3" reversed="reversed"><li value="7">a</li></ol>'),
    ('<ol type="disc" start="three"><li value="x">a</li></ol>', '<ol><li>a</li></ol>'),
    ('<p lang="en-GB" dir="RTL">x</p>', '<p lang="en-GB" dir="rtl">x</p>'),
    ('<p lang="english please" dir="sideways">x</p>', '<p>x</p>'),
    ('<time datetime="2026-03-14">x</time>', '<time datetime="2026-03-14">x</time>'),
    ('<time datetime="2026-03-14T19:00+01:00">x</time>',
     '<time datetime="2026-03-14T19:00+01:00">x</time>'),
    ('<time datetime="next tuesday">x</time>', '<span>x</span>'),
    ('<time><em>x</em></time>', '<span><em>x</em></span>'),
    ('<q cite="https://e.org">q</q><blockquote cite="http://e.org">b</blockquote>',
     '<q>q</q><blockquote>b</blockquote>'),
    ('<a href="data:text/html,x">d</a>', '<a>d</a>'),
    ('<a href="https://e.org/a b[c]\x08#x#y">x</a>',
     '<a href="https://e.org/a%20b%5Bc%5D%08#x%23y">x</a>'),
    ('<a href="http://[::1]/100%">x</a>', '<a href="http://[::1]/100%25">x</a>'),
    ('<span><div>d</div></span>', '<span><span>d</span></span>'),
    ('<p><span><table><tr><td>t</td></tr></table></span></p>', None),
    ('<ul><p>p</p><li>l</li></ul>', '<ul><li><p>p</p></li><li>l</li></ul>'),
    ('<dl><p>p</p><dt>t</dt></dl>', '<dl><dd><p>p</p></dd><dt>t</dt></dl>'),
    ('<li>loose</li>', '<span>loose</span>'),
    ('<rt>x</rt><ruby>漢<rt>kan</rt></ruby>', '<span>x</span><ruby>漢<rt>kan</rt></ruby>'),
    ('<figcaption>c</figcaption>', '<span>c</span>'),
    ('<a href="https://e.org/">a <a href="https://f.org/">b</a></a>', None),
    ('<h2>a <p>b</p></h2>', None),
    ('<em><blockquote>q</blockquote></em>', None),
]


@pytest.mark.parametrize("raw, expected", ATTRIBUTES)
def test_the_sanitiser_makes_what_the_schema_accepts(raw, expected):
    tree = clean_tree(raw, Origin(Path("x.md"), 1, raw), Diagnostics())
    xml = inner_xml(tree)
    if expected is not None:
        assert xml == expected
    _assert_valid_content(tree)


def _assert_valid_content(tree) -> None:
    """No block inside a phrasing element, no link inside a link, lists hold only items."""
    from pamphlet.text.sanitiser import PHRASING, PHRASING_ONLY

    for element in tree.iter():
        parents = [a.tag for a in element.iterancestors()]
        if element.tag not in PHRASING and element.tag not in ("rt", "rp"):
            assert not set(parents) & (PHRASING | PHRASING_ONLY), (element.tag, parents)
        if element.tag == "a":
            assert "a" not in parents
        if element.getparent() is not None and element.getparent().tag in ("ul", "ol"):
            assert element.tag == "li"


FIELDS = [
    ("<script>alert(1)</script>Why?", "Why?", "Why?", ["<script>"]),
    ("<b onclick=x>How</b>?", "<b>How</b>?", "How?", ["onclick"]),
    ("1. Welcome", "1. Welcome", "1. Welcome", []),
    ("- dash", "- dash", "- dash", []),
    ("# not a heading", "# not a heading", "# not a heading", []),
    ("> not a quote", "&gt; not a quote", "> not a quote", []),
    ("</section></ol>]]>", "]]&gt;", "]]>", []),
    ("<iframe src=x></iframe>Cut", "Cut", "Cut", ["<iframe>"]),
    ('<img src="/etc/passwd" alt="pw">', "<span>pw</span>", "", []),
    ("[link](other.md) and [web](https://e.org)", 'link and <a href="https://e.org">web</a>',
     "link and web", []),
    ("[js](javascript:alert(1))", "js", "js", ["javascript:"]),
    ('<span id="sources">x</span>', "<span>x</span>", "x", []),
    ("*a* \"b\" -- c...", "<em>a</em> “b” – c…", "a “b” – c…", []),
    ("two\n\nparagraphs", "<span>two</span>\n<br/><span>paragraphs</span>",
     "two paragraphs", []),
]


@pytest.mark.parametrize("text, inline, plain, reported", FIELDS)
def test_a_spec_field_goes_through_the_sanitiser(text, inline, plain, reported):
    origin = Origin(Path("pamphlet.toml"), 7, text)
    diagnostics = Diagnostics()
    assert inline_field(text, origin, diagnostics, "a field") == inline
    assert plain_field(text, origin, Diagnostics(), "a field") == plain
    assert [(d.code, d.line) for d in diagnostics] == [("M305", 7)] * len(reported)
    for word, diagnostic in zip(reported, diagnostics):
        assert word in diagnostic.message
    etree.fromstring(f"<p>{inline}</p>")



# The same inputs one at a time through the command line, as tests/test_diagnostics.py does:
# the code, file and line in stderr, the exit status, no traceback, sources unchanged.
def _png() -> bytes:
    import io

    out = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(out, format="PNG")
    return out.getvalue()


TWO = 'title = "T"\nessays = ["one", "two"]\n'
CORPUS = [
    case("dangling fragment", "M308", "source/one.md", 6, "link to #nowhere removed",
         essay=essay_with("See [there](#nowhere)."), error=False),
    case("dangling raw fragment", "M308", "source/one.md", 7, "link to #nope removed",
         essay=essay_with('Text.\n<a href="#nope">raw</a>'), error=False),
    case("cross-reference to a missing section", "M308", "source/one.md", 6,
         "link to two.md#missing removed: that essay has no such section", spec=TWO,
         essay=essay_with("See [two](two.md#missing)."), files={"source/two.md": GOOD_ESSAY},
         error=False),
    case("link to a heading by its text", None,
         essay=essay_with("See [below](#a-heading).\n\n## A heading\n\nText.")),
    case("cross-reference to a section", None, spec=TWO,
         essay=essay_with("See [two](two.md#a-part)."),
         files={"source/two.md": essay_with("## A part\n\nText.")}),
    case("essay named sources", None, spec='title = "T"\nessays = ["sources"]\n',
         files={"source/sources.md": GOOD_ESSAY, "source/one.md": None}),
    case("essay named my essay", None, spec='title = "T"\nessays = ["my essay"]\n',
         files={"source/my essay.md": GOOD_ESSAY, "source/one.md": None}),
    case("percentage width", None, essay=essay_with('<img src="p.png" width="70%" alt="p">'),
         files={"source/p.png": _png()}),
    case("language with an underscore", "M309", "source/one.md", 4, "'en_US' is read as 'en-US'",
         essay=essay_with("Text.", "lang: en_US\n"), error=False),
    case("spec language that is no tag", "M309", "pamphlet.toml", 2,
         "'Deutsch bitte' is not a language tag", error=False,
         spec='title = "T"\nlang = "Deutsch bitte"\nessays = ["one"]\n'),
    case("bitmap image", "B704", "source/one.md", 6, "not in a format e-books take",
         essay=essay_with("![bmp](b.bmp)"), files={"source/b.bmp": b"BM" + bytes(60)},
         error=False),
    case("script in the spec's intro", "M305", "pamphlet.toml", 2,
         "<script> is not allowed in the spec's intro", error=False,
         spec='title = "T"\nintro = "Hi <script>alert(1)</script>"\nessays = ["one"]\n'),
    case("handler in a question", "M305", "pamphlet.toml", 4, "the onerror attribute",
         spec='title = "T"\nessays = ["one"]\n[essay.one]\n'
              'questions = ["Why? <img src=x onerror=alert(1)>"]\n', error=False),
    case("iframe in the agenda", "M305", "pamphlet.toml", 4,
         "<iframe> is not allowed in the spec's event.agenda", error=False,
         spec='title = "T"\nessays = ["one"]\n[event]\nagenda = ["<iframe></iframe>19:00"]\n'),
    case("script in the colophon", "M305", "pamphlet.toml", 4,
         "<script> is not allowed in the spec's colophon.text", error=False,
         spec='title = "T"\nessays = ["one"]\n[colophon]\ntext = "<script>x</script>Set"\n'),
]


@pytest.mark.parametrize("spec, files, code, file, line, words, error", CORPUS)
def test_hostile_input(spec, files, code, file, line, words, error, tmp_path, capsys):
    test_diagnostics.test_bad_input(spec, files, code, file, line, words, error, tmp_path, capsys)
    if code is None:  # the odd but valid inputs: the book is valid too
        book = tmp_path / "project" / "build" / "pamphlet.epub"
        assert messages(book) == []


# The sanitiser's decisions one by one, each pinned exactly (mutation testing found these
# unchecked; see bench/equivalent.md).
EXACT = [
    ('<table><tr><td style="text-align: left;" align="right">c</td></tr></table>',
     '<table><tbody><tr><td style="text-align:left; text-align: right">c</td></tr></tbody></table>'),
    ('<p lang="" dir="LTR">x</p><p dir="Auto" id="">y</p>',
     '<p lang="" dir="ltr">x</p><p dir="auto">y</p>'),
    ('<table><tr><td colspan="0" rowspan="1" align="justify">c</td><td align="left">d</td></tr>'
     '</table>', '<table><tbody><tr><td rowspan="1" style="text-align: justify">c</td>'
     '<td style="text-align: left">d</td></tr></tbody></table>'),
    ('<ol type="1"><li>a</li></ol><ol type="a"><li>a</li></ol><ol type="i"><li>a</li></ol>'
     '<ol type="I"><li>a</li></ol>', '<ol type="1"><li>a</li></ol><ol type="a"><li>a</li></ol>'
     '<ol type="i"><li>a</li></ol><ol type="I"><li>a</li></ol>'),
    ('<img width="007" height="20px">', '<img width="7" height="20"/>'),
    ('<img width="50%" height="20%">', '<img style="width: 50%; height: 20%"/>'),
    ('<ol><p>p</p></ol>', '<ol><li><p>p</p></li></ol>'),
    ('<dl><div><dt>t</dt><dd>d</dd></div></dl>', '<dl><div><span>t</span><span>d</span></div></dl>'),
    ('<a href="https://e.org/"><em>x</em></a>', '<a href="https://e.org/"><em>x</em></a>'),
    ('<a href="https://e.org/"><div>d</div></a>', '<a href="https://e.org/"><span>d</span></a>'),
    ('<li class="c" value="3" lang="en">loose</li>', '<span class="c" lang="en">loose</span>'),
    ('<script>x</script>', ''),
    ('a &amp; b &lt;c&gt;', 'a &amp; b &lt;c&gt;'),
    ('<span href="javascript:x">s</span>', '<span>s</span>'),
    ('<a href="https://e.org/#a=b?c">f</a>', '<a href="https://e.org/#a=b?c">f</a>'),
    ('<a href="http://e.org/%ab%zz">p</a>', '<a href="http://e.org/%ab%25zz">p</a>'),
]


@pytest.mark.parametrize("raw, expected", EXACT)
def test_the_sanitiser_exactly(raw, expected):
    diagnostics = Diagnostics()
    tree = clean_tree(raw, Origin(Path("x.md"), 4, raw), diagnostics)
    assert tree.tag == "div" and inner_xml(tree) == expected
    assert [d.code for d in diagnostics] == (["M305"] if raw.startswith("<script") else [])


def test_what_the_sanitiser_removes_is_reported_word_for_word():
    raw = '<!-- c --><script>x</script><p onclick="y">p</p>\n<a href="javascript:alert(1)">j</a>'
    diagnostics = Diagnostics()
    assert inner_xml(clean_tree(raw, Origin(Path("x.md"), 4, raw), diagnostics)) == \
        '<p>p</p>\n<a>j</a>'
    assert [(d.code, d.message, d.path, d.line, d.hint) for d in diagnostics] == [
        ("M305", "<script> is not allowed in an essay and was removed", Path("x.md"), 4, None),
        ("M305", "the onclick attribute is not allowed and was removed", Path("x.md"), 4, None),
        ("M305", "link with 'javascript:' removed: javascript:alert(1)", Path("x.md"), 5,
         "link to http(s) addresses only")]
    from pamphlet.text.sanitiser import report_unsafe

    raw = 'a\n<script>x</script>\n<p onclick="y">p</p>'
    diagnostics = Diagnostics()
    report_unsafe(etree.fromstring(f"<div>{raw}</div>"), Origin(Path("x.md"), 4, raw), diagnostics)
    assert [(d.message, d.line) for d in diagnostics] == [
        ("<script> is not allowed in an essay and was removed", 5),
        ("the onclick attribute is not allowed and was removed", 6)]
    diagnostics = Diagnostics()
    clean_tree("<script>x</script>", Origin(Path("x.md"), 4), diagnostics, "a note")
    inline_field("<script>x</script>", Origin(Path("x"), 1), diagnostics, "a question")
    plain_field("<script>x</script>", Origin(Path("x"), 1), diagnostics, "a title")
    assert [d.message.split(" and ")[0] for d in diagnostics] == [
        "<script> is not allowed in a note", "<script> is not allowed in a question",
        "<script> is not allowed in a title"]


def test_the_allow_list_itself():
    from pamphlet.text.sanitiser import sanitise

    assert sanitise("<article>a</article><nav>b</nav><center>c</center>") == "abc"
    assert sanitise('<a href="tel:1">t</a><a href="mailto:a@b.c">m</a><a href="ftp://x/">f</a>') \
        == '<a>t</a><a href="mailto:a@b.c">m</a><a href="ftp://x/">f</a>'
    assert sanitise('<img src="data:image/png;base64,AAAA">') == \
        '<img src="data:image/png;base64,AAAA">'
    assert sanitise('<table><tr><td style="color: red; text-align: center">c</td></tr></table>') \
        == '<table><tbody><tr><td style="text-align:center">c</td></tr></tbody></table>'
    assert sanitise("a<!-- c -->b") == "ab"


def test_the_line_of_a_finding():
    assert Origin(Path("x"), 3, "a\nb\n<x").line_of("<x") == 5
    assert Origin(Path("x"), 3, "x\nx").line_of("x") == 3  # the first place it stands
    assert Origin(Path("x"), 3, "a\nb\nc").line_of("zzz") == 3  # not found: the start
    assert Origin(Path("x"), 3, "\nabc").line_of("") == 3
    assert Origin(Path("x"), None, "x").line_of("x") is None


@pytest.mark.parametrize("text, name, with_fallback", [
    ("", "id", "fn"), ("9 lives", "id-9-lives", "fn-9-lives"), ("--a b--", "a-b", "a-b"),
    ("_x", "_x", "_x"), (" x ", "x", "x"), ("é", "id", "fn"), ("1_", "id-1_", "fn-1_"),
    ("9x", "id-9x", "fn-9x"), ("a.b-c_d", "a.b-c_d", "a.b-c_d"), ("aX", "aX", "aX")])
def test_ids_become_xml_names(text, name, with_fallback):
    from pamphlet.text.sanitiser import ncname

    assert ncname(text) == name and ncname(text, "fn") == with_fallback


def test_blocks_in_a_field_become_phrasing():
    from pamphlet.text.sanitiser import phrasing

    def flat(raw):
        return phrasing(clean_tree(raw, Origin(Path("x")), Diagnostics()))

    assert flat("<em>e</em><p>p</p>") == "<em>e</em><span>p</span>"
    assert flat("<div><p>a</p>tail<p>b</p></div>") == \
        "<span><span>a</span> tail<span>b</span> </span>"
    assert flat("<p>a</p><p>b</p>") == "<span>a</span><br/><span>b</span>"
    for field in (inline_field, plain_field):
        assert field("", Origin(Path("x"), 1), Diagnostics(), "f") == ""
    assert inline_field("![](a.png)", Origin(Path("x"), 1), Diagnostics(), "f") == "<span></span>"


@pytest.mark.parametrize("tag, used, message, hint", [
    ("en", "en", None, None), ("zh-Hant", "zh-Hant", None, None),
    ("en_US", "en-US", "the language 'en_US' is read as 'en-US'",
     "write it as a BCP 47 tag: lang: en-US"),
    (" fr ", "fr", "the language ' fr ' is read as 'fr'", "write it as a BCP 47 tag: lang: fr"),
    ("english please", "de", "'english please' is not a language tag, so 'de' is used",
     "write a BCP 47 tag such as en, fr, pt-BR or zh-Hant"),
    ("", "de", "'' is not a language tag, so 'de' is used",
     "write a BCP 47 tag such as en, fr, pt-BR or zh-Hant")])
def test_bcp47_tags(tag, used, message, hint):
    from pamphlet.text.sanitiser import language

    diagnostics = Diagnostics()
    assert language(tag, Origin(Path("e.md"), 2), diagnostics, "de") == used
    expected = [("M309", "warning", message, Path("e.md"), 2, hint)] if message else []
    assert [(d.code, d.severity.value, d.message, d.path, d.line, d.hint)
            for d in diagnostics] == expected


def test_an_svg_keeps_only_its_own_parts():
    from pamphlet.text.sanitiser import clean_svg

    svg = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
           b'xmlns:xlink="http://www.w3.org/1999/xlink" id="r" onload="a()"><!-- c -->'
           b'<g id="g" fill="url(#p)" stroke="url(http://e.org/x)"><script>x</script>tail1'
           b'<rect onClick="b()" style="fill: url( \'#g\' )"/><foreignObject>f</foreignObject>'
           b'tail2</g><use href="#g"/><use xlink:href="#nope"/>'
           b'<image href="data:image/png;base64,AA"/><image href="file:///etc/passwd"/>'
           b'<image href="data:image/svg+xml,x"/><image href="data:image/jpeg;base64,AA"/>'
           b'<image href="data:image/gif;base64,AA"/></svg>')
    assert clean_svg(svg).decode() == (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'id="r"><g id="g">tail1<rect style="fill: url(&quot;#g&quot;);"/>tail2</g><use href="#g"/>'
        # a held picture is kept only when its bytes are one (AA is none: test_clean_bytes)
        '<use/><image/><image/><image/><image/><image/></svg>')
    assert clean_svg(b"<html/>") is None and clean_svg(b"not xml") is None
    assert clean_svg(b'<svg xmlns="http://www.w3.org/2000/svg">head<handler>h</handler>t'
                     b'<iframe/>u</svg>').endswith(b'<svg xmlns="http://www.w3.org/2000/svg">'
                                                   b'headtu</svg>')
    # entities are neither expanded nor kept; a document nested too deep is not read
    svg_ns = b'xmlns="http://www.w3.org/2000/svg"'
    assert clean_svg(b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "SECRET">]><svg '
                     + svg_ns + b'><text>a&x;b</text></svg>').endswith(
        b"<svg " + svg_ns + b"><text>ab</text></svg>")
    assert clean_svg(b"<svg " + svg_ns + b">" + b"<g>" * 1000 + b"</g>" * 1000 + b"</svg>") is None
