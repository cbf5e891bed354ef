"""Books in every language pamphlet speaks: none of the English words pamphlet writes is left
in the reading or print PDF, the EPUB (navigation and metadata included), the Kobo edition or
the site; dates as CLDR writes them; EPUBCheck and Ace find nothing. Quotation marks by each
essay's language, right-to-left books, a collective's own words, a layout's own catalog."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.messages.pofile import read_po
from epubchecker import messages as epubcheck_messages
from lxml import etree, html

import system
from pamphlet.build.pipeline import build
from pamphlet.locale.formats import digits
from pamphlet.locale.tags import babel_locale
from pamphlet.locale.words import MESSAGES, PLACEHOLDER, Words, catalog_name
from pamphlet.site import build_site

LANGUAGES = ("en fr de es it pt nl sv da nb fi pl cs ru uk el tr ar he fa ur hi bn zh ja "
             "ko").split()
DAY, MEETING = dt.date(2026, 11, 24), dt.date(2026, 12, 8)
XHTML = "http://www.w3.org/1999/xhtml"
# Languages whose PDF text is not read back as it was written: Devanagari and Bengali come
# back in their glyphs' shaped order, right-to-left lines with their punctuation moved.
SHAPED = {"hi", "bn", "ar", "he", "fa", "ur"}
# A packet with everything pamphlet writes words for: credits, a meeting with a schedule, an
# introduction, an excerpt with an editor's note and questions, a source, a link listed after
# the essay, a cross-reference, a date in words, notes pages, a colophon, a print job with its
# instruction page. Every text of its own is names and Latin, which no catalog holds.
SPEC = """title = "Tlön"
subtitle = "Orbis Tertius"
editor = ["Ada Quill", "Bo Lenz"]
date = 2026-11-24
lang = "{lang}"
layout = "packet"
essays = ["uqbar", "orbis"]
intro = "Lorem ipsum."

[event]
name = "Tlön"
date = 2026-12-08
time = "19:00"
end = "21:00"
place = "Orbis 3"
host = "Bo Lenz"
contact = "bo@example.org"
url = "https://example.org/tlon"
agenda = ["19:00 Lorem", "20:00 Ipsum"]

[essay.uqbar]
intro = "Dolor."
questions = ["Quid?"]
sections = ["Alpha"]

[colophon]
publisher = "Ada Quill"
license = "CC BY-SA 4.0"
contact = "ada@example.org"

[pdf]
render = "whole"
link_notes = "endnote"

[print]
instructions = true
copies = 2
"""
ESSAYS = {
    "uqbar": """---
title: Uqbar
author: [Ada Quill, Bo Lenz, Cy Tan]
license: CC BY 4.0
source:
  title: Vetus
  publisher: Uqbar
  date: 2026-02-09
  accessed: 2026-11-20
  url: https://example.org/uqbar
---

Lorem ipsum.

## Alpha

Sit [amet](https://example.org/amet) dolor[^1], [orbis](orbis.md).

## Beta

Consectetur.

[^1]: Nota.
""",
    "orbis": """---
title: Orbis
author: Cy Tan
source:
  publisher: Uqbar
  date: Vere 2026
---

Lorem ipsum, [uqbar](uqbar.md).
"""}


def project(folder: Path, spec: str, essays: dict[str, str]) -> Path:
    (folder / "source").mkdir(parents=True)
    (folder / "pamphlet.toml").write_text(spec, encoding="utf-8")
    for slug, text in essays.items():
        (folder / "source" / f"{slug}.md").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """The packet in a language, built with its site (once each, on first use)."""
    made: dict[str, Path] = {}

    def book(lang: str) -> Path:
        if lang not in made:
            root = project(tmp_path_factory.mktemp(f"book-{lang}"), SPEC.format(lang=lang),
                           ESSAYS)
            result, site = build_site(root, root / "build" / "site")
            assert site is not None and not result.diagnostics.items, \
                [d.format() for d in result.diagnostics]
            made[lang] = root
        return made[lang]
    return book


def pdf_text(path: Path) -> str:
    """Every page's text in reading order (PDFium's, which keeps right-to-left runs in the
    order they are read)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def markup_text(data: bytes, parse=html.fromstring) -> str:
    """The text of an HTML or XML document, with the attributes a reader is shown."""
    tree = parse(data)
    shown = [tree.xpath("string()")]
    shown += tree.xpath("//@alt | //@title | //@aria-label | //@content")
    return "\n".join(shown)


def epub_text(path: Path) -> str:
    """Every document of the e-book (the navigation too) and its package's metadata."""
    with zipfile.ZipFile(path) as book:
        return "\n".join(markup_text(book.read(name), etree.fromstring)
                         for name in book.namelist() if name.endswith((".xhtml", ".opf", ".ncx")))


def site_text(folder: Path) -> str:
    parts = [markup_text(page.read_bytes()) for page in folder.rglob("*.html")]
    parts += [markup_text(feed.read_bytes(), etree.fromstring) for feed in folder.rglob("*.xml")]
    parts += titles(json.loads((folder / "opds.json").read_text(encoding="utf-8")))
    return "\n".join(parts)


def titles(value) -> list[str]:
    """The texts of an OPDS 2 catalog a reader is shown: its titles and descriptions."""
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in (
            [item] if key in ("title", "description") and isinstance(item, str)
            else titles(item))]
    return [text for item in value for text in titles(item)] if isinstance(value, list) else []


def flat(text: str) -> str:
    """Text as one line: no-break spaces and line breaks are spaces, soft hyphens gone."""
    return " ".join(text.replace("\u00ad", "").replace("\u00a0", " ").replace("\u202f", " ")
                    .split())


def english_left(text: str, lang: str) -> list[str]:
    """The English of each message the language says otherwise, found in `text`: every run
    between its placeholders that holds a word of four letters or more."""
    with open(MESSAGES / f"{catalog_name(lang)}.po", "rb") as handle:
        catalog = read_po(handle)
    # pamphlet's own name, where it names the program (with its version, read either way
    # round in a right-to-left line) or the book's files, is no English.
    text = re.sub(r"pamphlet\s*\d[\d.]*|\d[\d.]*\s*pamphlet|pamphlet[\w-]*\.[\w.]+", " ",
                  flat(text))
    found = []
    for message in (m for m in catalog if m.id):
        english = message.id if isinstance(message.id, tuple) else (message.id,)
        said = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in english:
            for chunk in (flat(part) for part in PLACEHOLDER.split(form)):
                if re.search(r"[^\W\d_]{4,}", chunk) and not any(chunk in s for s in said) \
                        and re.search(rf"(?<!\w){re.escape(chunk)}(?!\w)", text):
                    found.append(f"{message.context}: {chunk!r}")
    return sorted(set(found))


def cldr_date(day: dt.date, lang: str) -> str:
    """The date as Babel's CLDR writes it in running text (pamphlet sets the language's
    own digits, which Babel leaves as 0-9)."""
    return flat(digits(format_date(day, "long", locale=babel_locale(lang)), lang))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_book_in_each_language(books, lang):
    root = books(lang)
    out, site = root / "build", root / "build" / "site"
    reading, printing = pdf_text(out / "pamphlet.pdf"), pdf_text(out / "pamphlet-print.pdf")
    ebook = epub_text(out / "pamphlet.epub")
    kobo = epub_text(site / "files" / "pamphlet.kepub.epub")
    pages = site_text(site)
    if lang != "en":
        assert english_left(reading, lang) == [], "reading PDF"
        assert english_left(printing, lang) == [], "print PDF and its instruction page"
        assert english_left(ebook, lang) == [], "EPUB"
        assert english_left(kobo, lang) == [], "Kobo edition"
        assert english_left(pages, lang) == [], "site"
    # (the dates of SHAPED languages are read in the document the PDF is laid out from)
    printed = frame_texts(root)[0] if lang in SHAPED else reading
    for text in (printed, ebook, pages):
        assert cldr_date(DAY, lang) in flat(text)
        assert cldr_date(MEETING, lang) in flat(text)
    assert "Vere 2026" in flat(printed) and "Vere 2026" in flat(ebook)  # as written
    assert epubcheck_messages(out / "pamphlet.epub") == []


# Names the book keeps in every language: the program, its formats and the fonts it credits;
# and CLDR's Japanese unit ("475 byte").
NAMES = {"pamphlet", "weasyprint", "epub", "kepub", "kobo", "charis", "noto", "https", "http",
         "icalendar", "byte"}


def english_words(root: Path) -> set[str]:
    """The words of four letters or more a reader is shown in the book at `root`: in the
    reading PDF's document, the print PDF with its instruction page, every document of its
    e-book and of its Kobo edition and every page of its site, with their alt, title and
    aria-label attributes (style sheets and scripts left out)."""
    with zipfile.ZipFile(root / "build" / "pamphlet.epub") as book:
        documents = [book.read(name) for name in book.namelist() if name.endswith(".xhtml")]
    with zipfile.ZipFile(root / "build" / "site" / "files" / "pamphlet.kepub.epub") as kobo:
        documents += [kobo.read(name) for name in kobo.namelist() if name.endswith(".xhtml")]
    documents += [page.read_bytes() for page in (root / "build" / "site").rglob("*.html")]
    text = [flat(pdf_text(root / "build" / "pamphlet-print.pdf"))]
    for document in [frame_texts(root)[0].encode(), *documents]:
        tree = html.fromstring(document)
        etree.strip_elements(tree, "{*}style", "style", "{*}script", "script", with_tail=False)
        text += [*tree.itertext(), *tree.xpath("//@alt | //@title | //@aria-label")]
    return {word.lower() for word in re.findall(r"[A-Za-z]{4,}", "\n".join(text))}


@pytest.mark.parametrize("lang", ["fr", "ru", "ar", "ja"])
def test_no_english_word_is_written_outside_the_catalogs(books, lang):
    """Every English word the English book holds that is not the fixture's own (names and
    Latin) nor the same in the language's catalog is gone from the book in `lang`: a word
    written around the catalogs (a label, an attribute) is found though no message names it."""
    own = {w.lower() for w in re.findall(r"[A-Za-z]+", SPEC + "".join(ESSAYS.values()))}
    with open(MESSAGES / f"{catalog_name(lang)}.po", "rb") as handle:
        said = " ".join(" ".join(m.string) if isinstance(m.string, tuple) else m.string
                        for m in read_po(handle) if m.id).lower()
    english = {w for w in english_words(books("en")) - own - NAMES if w not in said}
    left = english & english_words(books(lang))
    assert left == set() and len(english) > 30, sorted(left)


@pytest.mark.slow("DAISY Ace (Node and a headless Chromium) on the 26 books, one a language")
def test_ace_finds_nothing_in_the_book_of_any_language(books, tmp_path):
    """DAISY Ace on the book in each language (the words, the direction, the scripts and
    their fonts differ; so may what Ace finds), every book's failures reported at once."""
    epubs = [books(lang) / "build" / "pamphlet.epub" for lang in LANGUAGES]
    found = {lang: failed + ([] if report["earl:result"]["earl:outcome"] == "pass" else ["fail"])
             for lang, (report, failed) in zip(LANGUAGES, system.ace_books(epubs, tmp_path))}
    assert found == {lang: [] for lang in LANGUAGES}


@pytest.mark.parametrize("lang, one, style", [
    ("ar", "\u0661", "arabic-indic"), ("hi", "\u0967", "devanagari"), ("fa", "\u06f1", "persian"),
    ("en", "1", None), ("ar-u-nu-latn", "1", None)])
def test_note_numbers_are_written_in_the_languages_digits(books, lang, one, style):
    """The footnote's call and its number before the note, and the link's number in the text
    and in the links after the essay, are written in the digits the book's page numbers are
    (Arabic-Indic, Devanagari, Persian; 0-9 in English): on the note's page of the PDF, and
    in the e-book's note reference and back-link; an Arabic book whose tag asks for 0-9
    (`-u-nu-latn`) has them. The e-book numbers its schedule and questions as the PDF does."""
    root = books(lang)
    text = subprocess.run([system.command("pdftotext", "poppler-utils"), "-layout",
                           str(root / "build" / "pamphlet.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    (page,) = [page for page in text.split("\f") if "Nota" in page]
    note = f".Nota .{one}" if lang[:2] in ("ar", "fa") else f"{one}. Nota"  # right to left
    assert note in page and (f"[{one}]" in page or f"]{one}[" in page), page
    # The page's numbers are all the book's: note, link, page number and date.
    assert (re.search("[0-9]", page) is None) is (one != "1"), page
    with zipfile.ZipFile(root / "build" / "pamphlet.epub") as book:
        essay = etree.fromstring(book.read("EPUB/essay-001.xhtml"))
        css = book.read("EPUB/style/ebook.css").decode()
    assert essay.xpath("string(//*[@role='doc-noteref'])") == one
    assert essay.xpath("string(//*[@role='doc-backlink'])") == f"{one}."
    lists = re.findall(
        r"\.agenda, \.questions ol, \.sources ol \{ list-style-type: ([\w-]+); \}", css)
    assert lists == ([style] if style else [])


def quoted(lang: str, title: str = "Verba") -> str:
    return f"---\ntitle: '{title}'\nauthor: Ada Quill\nlang: {lang}\n---\n\nx \"a 'b' c\" l'y.\n"


@pytest.fixture(scope="module")
def quotations(tmp_path_factory):
    """One English book of French, German, Russian and Japanese essays, each with "a 'b' c"."""
    root = project(tmp_path_factory.mktemp("quotes"), (
        'title = \'The "Book"\'\nlang = "en"\nessays = ["fr", "de", "ru", "ja"]\n'
        '[pdf]\nrender = "whole"\n'), {
        "fr": quoted("fr", 'Le "titre"'), "de": quoted("de"), "ru": quoted("ru"),
        "ja": quoted("ja")})
    result = build(root)
    assert result.ok and not result.diagnostics.items, [d.format() for d in result.diagnostics]
    return root / "build"


QUOTED = {"fr": "x «\u202fa «\u202fb\u202f» c\u202f» l’y.", "de": "x „a ‚b‘ c“ l’y.",
          "ru": "x «a „b“ c» l’y.", "ja": "x 「a 『b』 c」 l’y."}


@pytest.mark.parametrize("lang", QUOTED)
def test_quotation_marks_by_each_essays_language(quotations, lang):
    with zipfile.ZipFile(quotations / "pamphlet.epub") as book:
        number = list(QUOTED).index(lang) + 1
        essay = etree.fromstring(book.read(f"EPUB/essay-{number:03d}.xhtml"))
        title = etree.fromstring(book.read("EPUB/titlepage.xhtml")).xpath("string(//*[local-name()='h1'])")
    assert QUOTED[lang] in [p.xpath("string()") for p in essay.iter(f"{{{XHTML}}}p")]
    assert QUOTED[lang].replace("\u202f", " ") in flat(pdf_text(quotations / "pamphlet.pdf"))
    assert title == "The “Book”"  # the book's own words, in the book's language
    if lang == "fr":
        assert essay.xpath("string(//*[local-name()='h1'])") == "Le «\u202ftitre\u202f»"


def frame_texts(root: Path):
    """The reading PDF's HTML, as the layout renders it for the book at `root`."""
    from pamphlet.book.assemble import assemble
    from pamphlet.book.layouts import find_layout
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.engine.pdf import render_html
    from pamphlet.project.select import select
    from pamphlet.project.spec import load_spec

    spec, diagnostics = load_spec(root / "pamphlet.toml"), Diagnostics()
    layout = find_layout(spec.layout, spec.layouts_dir, gate=spec.gate)
    pamphlet = assemble(spec, select(spec, diagnostics), diagnostics,
                        layers=layout.catalogs(spec.lang, diagnostics))
    return render_html(pamphlet, layout), diagnostics


def direction_of(element) -> str | None:
    while element is not None:
        if element.get("dir"):
            return element.get("dir")
        element = element.getparent()
    return None


@pytest.mark.parametrize("lang, script", [("ar", "\u0600-\u06ff"), ("he", "\u0590-\u05ff")])
def test_a_right_to_left_book_writes_its_words_right_to_left(books, lang, script):
    """Every word pamphlet writes in an Arabic or Hebrew book is in that script (the catalog
    test checks each translation), and stands where the text runs right to left: in the
    reading PDF's document, in each of the e-book's documents and in the site's pages."""
    root = books(lang)
    document, _ = frame_texts(root)
    tree = html.fromstring(document)
    # (a tail's direction is its element's parent's: "رابطہ: <bdi dir=ltr>…</bdi>۔")
    written = [(text, direction_of(text.getparent().getparent() if text.is_tail
                                   else text.getparent()))
               for text in tree.xpath("//text()")
               if re.search(f"[{script}]", text) and text.getparent().tag != "style"]
    assert len(written) > 20 and {where for _, where in written} == {"rtl"}, written
    with zipfile.ZipFile(root / "build" / "pamphlet.epub") as book:
        for name in ("cover", "titlepage", "introduction", "sources", "colophon"):
            page = etree.fromstring(book.read(f"EPUB/{name}.xhtml"))
            assert (page.get("dir"), page.get("lang")) == ("rtl", lang), name
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
        assert nav.get("lang") == lang and direction_of(nav.find(
            ".//{http://www.w3.org/1999/xhtml}nav")) == "rtl"
    page = html.fromstring((root / "build" / "site" / "index.html").read_bytes())
    assert (page.get("lang"), page.get("dir")) == (lang, "rtl")


WORDS = """
[words]
contents = "Readings"
edited_by = "Gathered by %(names)s"
site_count_essays = { one = "%(num)s text", other = "%(num)s texts" }
"""


def test_a_collectives_own_words_replace_pamphlets(tmp_path):
    root = project(tmp_path / "own", SPEC.format(lang="en") + WORDS, ESSAYS)
    result, site = build_site(root, root / "build" / "site")
    assert site is not None and not result.diagnostics.items
    reading = flat(pdf_text(root / "build" / "pamphlet.pdf"))
    assert "Readings" in reading and "Contents" not in reading
    assert "Gathered by Ada Quill and Bo Lenz" in reading
    with zipfile.ZipFile(root / "build" / "pamphlet.epub") as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    assert nav.xpath("string(//*[local-name()='nav'][@*[local-name()='type']='toc']/*[1])") == \
        "Readings"
    home = flat(html.fromstring((root / "build" / "site" / "index.html").read_bytes())
                .text_content())
    assert "1 pamphlet and 2 texts to read, print, fold and share." in home


def test_a_word_of_the_collective_is_text_not_markup(tmp_path):
    root = project(tmp_path / "markup", SPEC.format(lang="en") + WORDS.replace(
        '"Readings"', '"<b onclick=x>Readings</b>"'), ESSAYS)
    document, _ = frame_texts(root)
    assert "&lt;b onclick=x&gt;Readings&lt;/b&gt;" in document and "<b onclick" not in document


@pytest.mark.parametrize("table, code, message, hint", [
    ('contnets = "Readings"', "P102", "unknown key 'words.contnets'", "did you mean 'contents'?"),
    ('edited_by = "By %(editors)s"', "P179", "'words.edited_by' uses %(editors)s, which this "
     "message does not have", "it may use %(names)s"),
    ('site_count_essays = { few = "%(num)s" }', "P179", "'words.site_count_essays' gives the "
     "plural form 'few', which the language 'en' does not use", "its forms are one, other"),
    ('contents = { one = "x" }', "P103", "'words.contents' must be a text", None)])
def test_the_words_table_is_checked_like_every_key(tmp_path, table, code, message, hint):
    from pamphlet.diagnostics import PamphletError
    from pamphlet.project.spec import load_spec

    root = project(tmp_path / "bad", 'title = "T"\nessays = ["orbis"]\n\n[words]\n' + table,
                   {"orbis": ESSAYS["orbis"]})
    with pytest.raises(PamphletError) as raised:
        load_spec(root / "pamphlet.toml")
    (found,) = raised.value.diagnostics
    assert (found.code, found.message, found.line) == (code, message, 5)
    assert hint is None or found.hint == hint


def test_a_language_without_a_catalog_is_english_with_one_warning(tmp_path):
    root = project(tmp_path / "serbian", SPEC.format(lang="sr-Latn"), ESSAYS)
    document, diagnostics = frame_texts(root)
    assert [(d.code, d.line) for d in diagnostics] == [("P180", 5)]
    assert "'sr-Latn'" in diagnostics.items[0].message
    assert ">Contents<" in document and 'lang="sr-Latn"' in document


def test_a_layout_brings_its_own_catalog(tmp_path):
    """A layout's messages/<language>.po changes pamphlet's words, and its words are text;
    one that is no catalog is reported with its file (L405)."""
    root = project(tmp_path / "layout", SPEC.format(lang="fr").replace(
        'layout = "packet"', 'layout = "zine"'), ESSAYS)
    messages = root / "layouts" / "zine" / "messages"
    messages.mkdir(parents=True)
    (messages / "fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "contents"\nmsgid "Contents"\nmsgstr "Au <i>menu</i>"\n', encoding="utf-8")
    document, diagnostics = frame_texts(root)
    assert not diagnostics.items
    assert "Au &lt;i&gt;menu&lt;/i&gt;" in document and "Sources" in document
    assert "Rencontre" in document  # pamphlet's own French beneath the layout's
    (messages / "fr.po").write_text('msgid "x"\nmsgstr "y"\n\nnot a keyword\n',
                                    encoding="utf-8")
    _, diagnostics = frame_texts(root)
    assert [(d.code, d.path, d.line) for d in diagnostics] == [("L405", messages / "fr.po", 4)]


def test_every_download_the_site_offers_is_named_in_words(tmp_path):
    """Each file a build can write (every print variant, the kit, the e-books) has a label
    on the site in the site's language and a format a reader knows, never its file name or
    a bare media type."""
    from pamphlet.project.filenames import output_names
    from pamphlet.project.spec import load_spec
    from pamphlet.locale.words import Words
    from pamphlet.site.records import label, media_type

    spec_text = SPEC.format(lang="de").replace(
        "instructions = true", 'instructions = true\nscheme = "perfect"\npaper = "0.1mm"\n'
        'test_sheet = true\nvariants = ["read", "print", "print-bw", "press"]')
    spec = load_spec(project(tmp_path, spec_text + '\n[ebook]\nkobo = true\n', ESSAYS)
                     / "pamphlet.toml")
    names = output_names(spec)
    assert len(names) == 9, names
    german = Words.for_language("de")
    for name in names:
        said = label(name, spec.stem, german)
        assert name not in said and not english_left(said, "de"), (name, said)
        assert media_type(name) != "application/octet-stream", name


def places(path: Path, needle: str) -> list[tuple[int, float, float, float]]:
    """Where `needle` is printed in the PDF: (page index, left, right, baseline) of each."""
    import pypdfium2 as pdfium

    found, document = [], pdfium.PdfDocument(str(path))
    try:
        for index, page in enumerate(document):
            text = page.get_textpage()
            search = text.search(needle)
            while (hit := search.get_next()) is not None:
                start, count = hit
                boxes = [text.get_charbox(i) for i in range(start, start + count)]
                found.append((index, min(b[0] for b in boxes), max(b[2] for b in boxes),
                              round(min(b[1] for b in boxes))))
    finally:
        document.close()
    return found


ADDRESSES = ("https://example.org/uqbar", "https://example.org/tlon", "bo@example.org",
             "ada@example.org")


@pytest.mark.parametrize("lang", ["ar", "he", "ur"])
def test_a_right_to_left_book_keeps_addresses_and_names_in_their_direction(books, lang):
    """Every address pamphlet writes into a right-to-left book (the QR code's, the first
    published line's and Sources', the event's contact, the colophon's) is read whole, left
    to right, in the reading and the print PDF; a list of Latin names reads from the right
    name by name ("Ada Quill، Bo Lenz اور Cy Tan": Ada Quill rightmost); the e-book marks
    its addresses left to right and isolates the names it joins, and EPUBCheck is content."""
    root = books(lang)
    for pdf in ("pamphlet.pdf", "pamphlet-print.pdf"):
        text = flat(pdf_text(root / "build" / pdf))
        assert [a for a in ADDRESSES if a not in text] == [], pdf
    found = {name: places(root / "build" / "pamphlet.pdf", name)
             for name in ("Ada Quill", "Bo Lenz", "Cy Tan")}
    bylines = [[next((p[1] for p in found[name] if p[0] == cy[0] and abs(p[3] - cy[3]) < 4),
                     None) for name in ("Ada Quill", "Bo Lenz")] + [cy[1]]
               for cy in found["Cy Tan"]]
    bylines = [line for line in bylines if None not in line]  # the lines of all three
    assert bylines and all(ada > bo > cy for ada, bo, cy in bylines), bylines
    schedule = html.fromstring(frame_texts(root)[0]).xpath("string(//*[@class='schedule-event'])")
    assert schedule.startswith("\u2068Tlön\u2069") and schedule.endswith("\u2068Orbis 3\u2069")
    with zipfile.ZipFile(root / "build" / "pamphlet.epub") as book:
        pages = {name: etree.fromstring(book.read(f"EPUB/{name}.xhtml"))
                 for name in ("titlepage", "sources", "colophon", "essay-001")}
    links = [a for page in pages.values() for a in page.iter(f"{{{XHTML}}}a")
             if a.get("class") == "url"]
    assert {a.text for a in links} >= {"https://example.org/uqbar", "ada@example.org"}
    assert {a.get("dir") for a in links} == {"ltr"}
    byline = pages["essay-001"].xpath("string(//*[@class='author'])")
    assert "\u2068Ada Quill\u2069" in byline and "\u2068Cy Tan\u2069" in byline, byline
    assert epubcheck_messages(root / "build" / "pamphlet.epub") == []


@pytest.mark.parametrize("lang", ["ar", "he"])
def test_the_event_table_has_its_labels_on_the_right_in_a_right_to_left_book(books, lang):
    """The title page's event table sets each label where a right-to-left line starts."""
    root = books(lang)
    label = Words.for_language(lang).pgettext("event_contact", "Contact")
    pdf = root / "build" / "pamphlet.pdf"
    (value,) = [p for p in places(pdf, "bo@example.org") if p[0] == 1]
    (said,) = [p for p in places(pdf, label) if p[0] == 1 and abs(p[3] - value[3]) < 4]
    assert said[1] > value[2], (said, value)


@pytest.mark.parametrize("lang, one", [("ur", "\u06f1"), ("hi", "\u0967"), ("ar", "\u0661")])
def test_the_sources_are_numbered_in_the_books_digits(books, lang, one):
    """The Sources list counts as the page numbers do: ۱ ۲ in Urdu, १ २ in Hindi."""
    text = subprocess.run([system.command("pdftotext", "poppler-utils"), "-layout",
                           str(books(lang) / "build" / "pamphlet.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    (page,) = [page for page in text.split("\f") if "Vere 2026" in page and "Vetus" in page]
    assert re.search(rf"(^|\s)(1\.|\.1)(\s|$)", page) is None, page
    assert re.search(rf"(^|\s)({one}\.|\.{one})(\s|$)", page), page


@pytest.mark.parametrize("lang, end, face", [
    ("ur", "۔", "Noto Nastaliq Urdu"), ("hi", "।", "Noto Serif Devanagari"),
    ("ja", "。", "Noto Serif CJK JP"), ("fr", ".", None), ("he", ".", "Noto Serif Hebrew")])
def test_the_colophon_ends_its_sentences_as_the_language_does(books, lang, end, face):
    """The colophon's title, credit and date are sentences ended by the language's mark (the
    catalog's 'sentence'), in the PDF's document and the e-book; it names the faces the
    book's script is set in (the first installed of those the layout asks for)."""
    root = books(lang)
    document = html.fromstring(frame_texts(root)[0])
    (colophon,) = document.xpath("//section[@class='colophon']")
    first = flat(colophon.xpath("string(p[1])")).replace("\u2068", "").replace("\u2069", "")
    assert first.endswith(cldr_date(DAY, lang) + end), first
    assert first.count(end) == 3 and (end == "." or "." not in first), first
    made = colophon.xpath("string(p[@class='made-with'])")
    assert "Charis SIL" in made and (face is None or face in made), made
    with zipfile.ZipFile(root / "build" / "pamphlet.epub") as book:
        page = etree.fromstring(book.read("EPUB/colophon.xhtml"))
    assert flat(page.xpath("string(//*[local-name()='p'][1])")).endswith(end)


@pytest.mark.parametrize("lang, values, isolated", [
    ("ur", ["Ada Quill", "Bo Lenz"], True), ("en", ["Ada Quill", "Bo Lenz"], False),
    ("en", ["אדה", "בו"], True), ("he", ["אדה", "בו"], False), ("ar", ["١٢", "2026"], False)])
def test_a_joined_value_is_isolated_where_it_runs_the_other_way(lang, values, isolated):
    from pamphlet.locale.formats import names

    joined = names(values, lang)
    assert all((f"\u2068{v}\u2069" in joined) is isolated for v in values), joined
    said = Words.for_language(lang).pgettext("edited_by", "Edited by %(names)s",
                                              names=values[0])
    assert (f"\u2068{values[0]}\u2069" in said) is isolated, said
