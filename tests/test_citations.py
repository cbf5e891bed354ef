"""Citations (issue 28): two essays citing a real-shaped BibTeX library in every form of
pandoc's syntax, built in four CSL styles; every citation, note and entry of the e-book is
compared with what `pandoc --citeproc` makes of the same essay, the same files and style."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from epubchecker import messages
from lxml import etree, html as lxml_html
from pypdf import PdfReader

import system
from pamphlet.build.pipeline import build
from pamphlet.cli import main
from pamphlet.diagnostics import Diagnostics
from pamphlet.project.styles import find_style
from pamphlet.store.paths import Gate
from pamphlet.text.citeproc import pandoc

PROJECT = Path(__file__).parent / "projects" / "citations"
STYLES = ["chicago-author-date", "apa", "modern-language-association",
          "chicago-note-bibliography"]
XHTML = "{http://www.w3.org/1999/xhtml}"
ESSAYS = {"essay-001": "the-printed-word", "essay-002": "zine-libraries"}


def project(tmp_path: Path, style: str | None = "chicago-author-date", lang: str = "en",
            bibliography: str = "library.bib", placement: str = "essay") -> Path:
    """The citations project in `tmp_path`, its spec set to the style, language and files."""
    root = tmp_path / "citations"
    shutil.copytree(PROJECT, root)
    spec = (root / "pamphlet.toml").read_text(encoding="utf-8")
    spec = spec.replace('lang = "en"', f'lang = "{lang}"')
    spec = spec.replace('bibliography = "library.bib"', f'bibliography = "{bibliography}"'
                        f'\nplacement = "{placement}"')
    spec = re.sub(r'style = "[^"]*"\n', f'style = "{style}"\n' if style else "", spec)
    (root / "pamphlet.toml").write_text(spec, encoding="utf-8")
    return root


def built(root: Path) -> Path:
    result = build(root)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert not [d.format() for d in result.diagnostics if d.code.startswith("R")]
    return root / "build"


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def ebook_texts(epub: Path, anchor: str) -> dict[str, list[str]]:
    """The citations, notes and entries of one essay's document in the e-book."""
    with zipfile.ZipFile(epub) as book:
        root = etree.fromstring(book.read(f"EPUB/{anchor}.xhtml"))
    spans = root.iter(f"{XHTML}span")
    body = [p for p in root.iter(f"{XHTML}p") if not any(
        a.tag in (f"{XHTML}header", f"{XHTML}aside") for a in p.iterancestors())]
    return {"paragraphs": [_text(p) for p in body],
            "citations": [_text(s) for s in spans if s.get("class") == "citation"],
            "notes": [re.sub(r"^\d+\. ", "", _text(a)) for a in root.iter(f"{XHTML}aside")],
            "entries": [_text(d) for d in root.iter(f"{XHTML}div")
                        if d.get("class") == "csl-entry"]}


def pandoc_texts(root: Path, slug: str, style_xml: bytes, lang: str,
                 bibliography: str = "library.bib") -> dict[str, list[str]]:
    """The same, as `pandoc --citeproc` writes the essay's file on its own."""
    (root / "style.csl").write_bytes(style_xml)
    files = ["--bibliography", bibliography]
    if slug == "zine-libraries":
        files += ["--bibliography", "source/extra.json"]
    done = subprocess.run([pandoc()[0], "--citeproc", *files, "--csl", "style.csl",
                           "-M", f"lang={lang}", "-M", "link-citations=true", "-t", "html",
                           f"source/{slug}.md"], cwd=root, capture_output=True, text=True,
                          check=True)
    tree = lxml_html.fromstring(f"<div>{done.stdout}</div>")
    return {"paragraphs": [_text(p) for p in tree.xpath("//p[not(ancestor::section)]")],
            "citations": [_text(s) for s in tree.xpath("//span[@class='citation']")],
            "notes": [_text(li).removesuffix("↩︎").strip()
                      for li in tree.xpath("//section[@id='footnotes']//li")],
            "entries": [_text(d) for d in tree.xpath("//div[contains(@class, 'csl-entry')]")]}


def style_xml(name: str) -> bytes:
    return find_style(name, Gate.for_project(PROJECT), (None, None), Diagnostics()).xml


@pytest.fixture(scope="module", params=STYLES)
def styled_build(request, tmp_path_factory):
    root = project(tmp_path_factory.mktemp(request.param), request.param)
    return request.param, root, built(root)


def test_every_citation_note_and_entry_reads_as_pandoc_writes_it(styled_build):
    style, root, out = styled_build
    for anchor, slug in ESSAYS.items():
        ours = ebook_texts(out / "pamphlet.epub", anchor)
        theirs = pandoc_texts(root, slug, style_xml(style), "en")
        assert ours == theirs, (style, slug)
        assert len(ours["citations"]) >= 9 and len(ours["entries"]) >= 9
    # the forms are all there: in the text, suppressed author, locators, in a footnote
    first = ebook_texts(out / "pamphlet.epub", "essay-001")
    assert any("Piepmeier" in c for c in first["citations"])
    assert not any("notcited" in e or "No Essay Cites" in e for e in first["entries"])
    assert any("coming of the book" in e.lower() for e in first["entries"])  # nocite


@pytest.mark.parametrize("styled_build", ["chicago-note-bibliography"], indirect=True)
def test_note_styles_make_footnotes_numbered_with_the_essays_own(styled_build):
    _, _, out = styled_build  # the note style (the author-date ones make no notes)
    notes = ebook_texts(out / "pamphlet.epub", "essay-001")["notes"]
    # nine citations in the text, then the essay's own note [^un], then one more citation
    assert len(notes) == 11
    assert notes[8].startswith("Both are quoted in Radway")
    assert "Gitelman" in notes[10]
    pdf = PdfReader(out / "pamphlet.pdf")
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert re.search(r"9\.\s*Both are quoted in Radway", text)


def test_the_links_from_citations_reach_their_entries(styled_build):
    _, _, out = styled_build
    with zipfile.ZipFile(out / "pamphlet.epub") as book:
        for anchor in ESSAYS:
            root = etree.fromstring(book.read(f"EPUB/{anchor}.xhtml"))
            ids = {e.get("id") for e in root.iter(f"{XHTML}div") if e.get("class") == "csl-entry"}
            links = [a.get("href")[1:] for a in root.iter(f"{XHTML}a")
                     if a.get("role") == "doc-biblioref"]
            assert links and set(links) <= ids
    # in the PDF, each citation is a link to the page its entry is printed on
    reader = PdfReader(out / "pamphlet.pdf")
    destinations = {name: reader.get_destination_page_number(dest)
                    for name, dest in reader.named_destinations.items()}
    entries = {name for name in destinations if "-ref-" in name}
    assert "essay-001-ref-Eisenstein-1979" in entries
    linked = [annot.get_object()["/Dest"] for page in reader.pages
              for annot in page.get("/Annots", []) if "/Dest" in annot.get_object()]
    assert {str(d) for d in linked} >= {"essay-001-ref-Eisenstein-1979",
                                        "essay-002-ref-licona2005"}


@pytest.mark.slow(
    "EPUBCheck and DAISY Ace (Node and a headless Chromium) on a cited book in each style")
def test_epubcheck_and_ace_find_nothing(styled_build, tmp_path):
    style, _, out = styled_build
    assert messages(out / "pamphlet.epub") == []
    if style not in ("chicago-author-date", "chicago-note-bibliography"):
        return  # Ace takes half a minute a book: one of each kind of style
    ace = system.npm_file("@daisy/ace")
    environment = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": system.chromium()}
    subprocess.run([str(ace), "-o", str(tmp_path / "ace"), str(out / "pamphlet.epub")],
                   check=True, capture_output=True, env=environment, timeout=300)
    report = json.loads((tmp_path / "ace" / "report.json").read_text(encoding="utf-8"))
    violations = [test["earl:test"]["dct:title"] for assertion in report["assertions"]
                  for test in assertion.get("assertions", [])
                  if test["earl:result"]["earl:outcome"] == "fail"]
    assert violations == []


@pytest.mark.slow(
    "builds the cited book twice, from the BibTeX file and from the CSL-JSON export, to compare them")
def test_a_zotero_csl_json_export_gives_the_same_text_as_the_bib(tmp_path):
    from_bib = built(project(tmp_path / "bib", "apa"))
    from_json = built(project(tmp_path / "json", "apa", bibliography="library.json"))
    for anchor in ESSAYS:
        assert ebook_texts(from_json / "pamphlet.epub", anchor) == \
            ebook_texts(from_bib / "pamphlet.epub", anchor)


@pytest.mark.slow("builds the cited book in French or German with the locale's terms")
@pytest.mark.parametrize("lang, words", [
    ("fr", ["édité par Hannah Arendt", "traduit par Harry Zohn"]),
    ("de", ["herausgegeben von Hannah Arendt", "übersetzt von Harry Zohn"])])
def test_french_and_german_books_take_the_locales_terms(tmp_path, lang, words):
    root = project(tmp_path, "chicago-author-date", lang=lang)
    out = built(root)
    ours = ebook_texts(out / "pamphlet.epub", "essay-001")
    benjamin = next(e for e in ours["entries"] if e.startswith("Benjamin"))
    for word in words:
        assert word in benjamin.lower() or word in benjamin
    assert ours == pandoc_texts(root, "the-printed-word", style_xml("chicago-author-date"), lang)


def test_one_bibliography_at_the_end_of_the_book(tmp_path):
    out = built(project(tmp_path, "apa", placement="book"))
    with zipfile.ZipFile(out / "pamphlet.epub") as book:
        essay = book.read("EPUB/essay-001.xhtml").decode()
        references = etree.fromstring(book.read("EPUB/references.xhtml"))
        nav = book.read("EPUB/nav.xhtml").decode()
    assert "csl-entry" not in essay
    ids = {d.get("id") for d in references.iter(f"{XHTML}div") if d.get("class") == "csl-entry"}
    links = set(re.findall(r'href="references\.xhtml#([^"]+)"', essay))
    assert links and links <= ids
    assert "references.xhtml" in nav
    entries = [_text(d) for d in references.iter(f"{XHTML}div") if d.get("class") == "csl-entry"]
    assert any(e.startswith("Eichhorn") for e in entries)  # the second essay's own file
    assert messages(out / "pamphlet.epub") == []


def test_sources_and_the_colophon_in_the_style(tmp_path):
    out = built(project(tmp_path, "apa"))
    with zipfile.ZipFile(out / "pamphlet.epub") as book:
        sources = _text(etree.fromstring(book.read("EPUB/sources.xhtml")))
        colophon = _text(etree.fromstring(book.read("EPUB/colophon.xhtml")))
        head = etree.fromstring(book.read("EPUB/essay-001.xhtml"))
    # APA prints a web page's title in italics, as written (no style can sentence-case it)
    assert "Quill, A. (2026, March 14). The Printed Word Travels. The pamphlet collective. " \
           "https://example.org/printed-word" in sources
    assert "Cite as: The pamphlet collective (Ed.). (2026). Reading Together: Essays on " \
           "print and its readers. The pamphlet collective. " \
           "https://example.org/reading-together/" in colophon
    source = next(p for p in head.iter(f"{XHTML}p") if p.get("class") == "source")
    assert _text(source).startswith("Quill, A. (2026, March 14).")


# ---- what the syntax takes, and what it leaves alone ----

def _marks(tmp_path: Path, body: str) -> list[str]:
    from pamphlet.project.essays import read_essay
    from pamphlet.text.markup import render_body
    path = tmp_path / "source" / "e.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: E\n---\n\n{body}\n", encoding="utf-8")
    diagnostics = Diagnostics()
    rendered = render_body(read_essay(path, diagnostics), tmp_path, diagnostics)
    tree = etree.fromstring(f"<div>{rendered.html}{''.join(n.html for n in rendered.notes)}</div>")
    return [s.text for s in tree.iter("span") if s.get("data-cite")]


def test_the_forms_pandoc_reads_are_marked(tmp_path):
    assert _marks(tmp_path, "A [@a:b/c.d-e] and [see @x, 12; @y] and @z [33] and [-@w] and "
                  "@{odd key} and [@k, pp. 1-2, emphasis added].[^1]\n\n[^1]: In a note, @n.") \
        == ["[@a:b/c.d-e]", "[see @x, 12; @y]", "@z [33]", "[-@w]", "@{odd key}",
            "[@k, pp. 1-2, emphasis added]", "@n"]


def test_code_addresses_links_and_notes_calls_are_no_citations(tmp_path):
    assert _marks(tmp_path, "Mail me@example.org or <you@example.org>, `[@code]`, "
                  "[a link](https://x.org/@k), [^1] and [text](#here)\n\n"
                  "    @indented code\n\n```\n[@fenced]\n```\n\n[^1]: A note.") == []


# ---- bad input: codes, files, lines, hints; never a traceback; check says it unbuilt ----

def _findings(root: Path) -> list[str]:
    result = build(root)
    return [f"{d.code} {Path(d.path).name if d.path else ''}:{d.line} {d.message} | {d.hint}"
            for d in result.diagnostics]


def test_an_unknown_key_is_named_with_its_line_and_the_nearest_key(tmp_path):
    root = project(tmp_path)
    essay = root / "source" / "zine-libraries.md"
    essay.write_text(essay.read_text().replace("[@licona2005, 12]", "[@licona2050, 12]"))
    found = _findings(root)
    assert any(f.startswith("R105 zine-libraries.md:13 no work with the key 'licona2050'")
               and "did you mean 'licona2005'?" in f for f in found), found
    assert not (root / "build" / "pamphlet.pdf").exists()


def test_a_bare_at_name_that_is_no_key_stays_as_written(tmp_path):
    root = project(tmp_path)
    essay = root / "source" / "zine-libraries.md"
    essay.write_text(essay.read_text() + "\nFollow @pamphletcollective for news.\n")
    result = build(root)
    assert result.ok
    assert [d.code for d in result.diagnostics] == ["R108"]
    with zipfile.ZipFile(root / "build" / "pamphlet.epub") as book:
        assert "Follow @pamphletcollective for news." in book.read("EPUB/essay-002.xhtml").decode()


def test_a_bib_that_does_not_parse_is_named_with_its_line(tmp_path):
    root = project(tmp_path)
    bib = root / "library.bib"
    bib.write_text(bib.read_text().replace("  title =        {Illuminations},\n", "  title = {Illuminations\n"))
    found = _findings(root)
    assert any(f.startswith("R102 library.bib:") for f in found), found


def test_two_works_with_one_key_are_named(tmp_path):
    root = project(tmp_path)
    bib = root / "library.bib"
    bib.write_text(bib.read_text() + "\n@Book{piepmeier2009,\n  title = {Again},\n  year = 2010,\n}\n")
    found = _findings(root)
    line = bib.read_text().count("\n") - 3
    assert any(f.startswith(f"R104 library.bib:{line} the key 'piepmeier2009'") for f in found), found


def test_an_unknown_style_is_named_with_the_nearest(tmp_path):
    root = project(tmp_path, "chicago-autor-date")
    found = _findings(root)
    assert any(f.startswith("R106 pamphlet.toml:15 no citation style 'chicago-autor-date'")
               and "did you mean 'chicago-author-date'?" in f for f in found), found


@pytest.mark.parametrize("content, problem", [
    (b"<html><body>not a style</body></html>", "its root is <html>"),
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
     b'<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text">&lol2;</style>', "entities"),
    (b"<style", "not well-formed XML"),
    (b'<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text"><info/></style>',
     "no <citation> element")])
def test_a_csl_that_is_not_a_style_is_refused(tmp_path, content, problem):
    root = project(tmp_path, "house.csl")
    (root / "house.csl").write_bytes(content)
    found = _findings(root)
    assert any(f.startswith("R107 pamphlet.toml:15 house.csl is not a CSL style") and problem in f
               for f in found), found


def test_a_project_csl_and_a_journal_alias_are_styles(tmp_path):
    root = project(tmp_path, "house.csl")
    (root / "house.csl").write_bytes(style_xml("apa"))
    assert build(root).ok
    alias = find_style("nature-biotechnology", Gate.for_project(root), (None, None),
                       Diagnostics())
    assert alias is not None and alias.id == "nature"


def test_check_reports_citation_problems_without_building(tmp_path, capsys):
    root = project(tmp_path)
    essay = root / "source" / "the-printed-word.md"
    essay.write_text(essay.read_text().replace("[@Eisenstein:1979]", "[@Eisenstien:1979]"))
    assert main(["check", str(root)]) == 1
    out = capsys.readouterr()
    assert "R105" in out.out + out.err and "did you mean 'Eisenstein:1979'" in out.out + out.err
    assert not (root / "build").exists()


def test_an_essay_that_cites_without_any_bibliography_is_warned_of(tmp_path):
    root = project(tmp_path)
    spec = root / "pamphlet.toml"
    spec.write_text(re.sub(r"\[citations\][^\[]*", "", spec.read_text()))
    essay = root / "source" / "zine-libraries.md"
    essay.write_text(essay.read_text().replace("bibliography: extra.json\n", ""))
    result = build(root)
    assert result.ok
    assert [(d.code, Path(d.path).name, d.line) for d in result.diagnostics] == [
        ("R109", "the-printed-word.md", 14), ("R109", "zine-libraries.md", 8)]
    with zipfile.ZipFile(root / "build" / "pamphlet.epub") as book:
        assert "[@Eisenstein:1979]" in book.read("EPUB/essay-001.xhtml").decode()


def test_an_edit_to_the_bibliography_rebuilds_the_book(tmp_path, capsys):
    root = project(tmp_path)
    assert main(["build", str(root)]) == 0
    assert main(["build", str(root)]) == 0
    assert "up to date" in capsys.readouterr().out
    bib = root / "library.bib"
    bib.write_text(bib.read_text().replace("Girl Zines: Making Media", "Girl Zines: Making Print"))
    assert main(["build", str(root)]) == 0
    assert "up to date" not in capsys.readouterr().out
    with zipfile.ZipFile(root / "build" / "pamphlet.epub") as book:
        assert "Making Print" in book.read("EPUB/essay-001.xhtml").decode()


@pytest.mark.parametrize("name, content, code", [
    ("library.bib", "@Book{deep,\n  title = {" + "{" * 5000 + "x" + "}" * 5001 + ",\n}\n", "R102"),
    ("library.json", "[" * 50_000 + "]" * 50_000, "R103"),
    ("library.json", '{"not": "a list of items"}', "R103"),
    ("library.yaml", "references:\n  - id: a\n    title: [unclosed\n", "R103"),
    ("library.bib", "@Book{big,\n  title = {" + "word " * 400_000 + "},\n}\n", "S904"),
    ("library.txt", "not a bibliography", "R101")])
def test_a_hostile_bibliography_is_data_and_bounded(tmp_path, name, content, code):
    root = project(tmp_path, bibliography=name)
    spec = root / "pamphlet.toml"
    spec.write_text(spec.read_text() + "\n[limits]\nfile_size_mb = 1\n")
    (root / name).write_text(content, encoding="utf-8")
    found = _findings(root)
    assert any(f.startswith(f"{code} ") for f in found), found
    assert not (root / "build" / "pamphlet.pdf").exists()


def test_a_missing_bibliography_is_named_in_the_spec(tmp_path):
    found = _findings(project(tmp_path, bibliography="zotero-export.bib"))
    assert any(f.startswith("R101 pamphlet.toml:13") and "zotero-export.bib" in f
               for f in found), found


def test_a_javascript_address_in_a_bibliography_is_removed(tmp_path):
    root = project(tmp_path)
    bib = root / "library.bib"
    bib.write_text(bib.read_text().replace("https://zinelibraries.info/code-of-ethics/",
                                           "javascript:alert(1)"))
    assert build(root).ok
    with zipfile.ZipFile(root / "build" / "pamphlet.epub") as book:
        essay = book.read("EPUB/essay-002.xhtml").decode()
    assert "javascript:alert(1)" in essay  # printed, as the bibliography has it
    assert not re.search(r'href="[^"]*javascript', essay)  # but no link


def test_the_sites_essay_pages_cite_as_the_books_do(tmp_path):
    root = project(tmp_path)
    assert main(["site", str(root)]) == 0
    page = next(path for path in (root / "build" / "site").rglob("*.html")
                if "the-printed-word" in str(path) and "csl-entry" in path.read_text())
    text = page.read_text(encoding="utf-8")
    assert '<span class="citation">' in text and "Eisenstein 1979" in text
    assert "[@Eisenstein:1979]" not in text


def test_a_citation_goes_to_pandoc_on_one_line(tmp_path, monkeypatch):
    """The document pandoc reads has a YAML block naming the files citeproc may read: a
    citation's words, which may run over lines, go on one line, so that none of them can
    start a block of their own there."""
    from pamphlet.text import citeproc

    root = project(tmp_path)
    essay = root / "source" / "zine-libraries.md"
    key = re.search(r"\[@([\w:.-]*\w)\]", essay.read_text(encoding="utf-8")).group(1)
    essay.write_text(essay.read_text(encoding="utf-8")
                     + f"\nA last word [see the\nwhole of @{key}, 12].\n", encoding="utf-8")
    sent = []
    real = citeproc._format
    monkeypatch.setattr(citeproc, "_format",
                        lambda jobs, *rest: sent.extend(jobs) or real(jobs, *rest))
    result = build(root)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert f"[see the whole of @{key}, 12]" in "\n".join(job.body for job in sent)
