"""Property-based tests: any Unicode text and Markdown structure goes through without a crash,
and always comes out as well-formed XHTML. CI runs a bounded number of examples."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

from pamphlet.diagnostics import Diagnostics
from pamphlet.markup import ebook_html, print_html, render_body, smarten

BLOCKS = st.sampled_from([
    "# {t}", "## {t}", "- {t}\n  - {t}\n    - {t}", "1. {t}\n   - {t}", "> {t}\n>\n> > {t}",
    "{t}[^a]\n\n[^a]: {t}", "[{t}](https://example.org/{t})", "<https://example.org/x>",
    "| a | b |\n|---|--:|\n| {t} | {t} |", "* * *", "`{t}`", "```\n{t}\n```", "*{t}* **{t}**",
    "<span>{t}</span>", "<div><p>{t}</div>", "{t}<br>{t}", "&nbsp;&copy;&#8217;{t}",
    "![{t}](missing.png)", "[x](other.md)", "{t} -- {t} --- {t}...", '"{t}" \'{t}\'',
])
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=40)
MARKDOWN = st.lists(st.tuples(BLOCKS, TEXT), max_size=8).map(
    lambda parts: "\n\n".join(block.replace("{t}", text) for block, text in parts))


def well_formed(fragment: str) -> None:
    etree.fromstring(f'<div xmlns:epub="http://www.idpf.org/2007/ops">{fragment}</div>')


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=MARKDOWN | TEXT)
def test_any_markdown_becomes_well_formed_xhtml(tmp_path_factory, body):
    from pamphlet.essays import read_essay

    folder = tmp_path_factory.getbasetemp() / "fuzz-markup"
    (folder / "source").mkdir(parents=True, exist_ok=True)
    path = folder / "source" / "e.md"
    path.write_text(f"---\ntitle: T\n---\n\n{body}\n", encoding="utf-8", errors="surrogatepass")
    essay = read_essay(path, Diagnostics())
    rendered = render_body(essay, folder, Diagnostics(), frozenset({"e", "other"}))
    for fragment in (rendered.html, print_html(rendered).html, print_html(rendered, "endnote").html,
                     ebook_html(rendered)):
        well_formed(fragment)
    for note in rendered.notes:
        well_formed(note.html)


@settings(max_examples=150, deadline=None)
@given(title=TEXT)
def test_any_title_becomes_plain_text_that_escapes_cleanly(title):
    from html import escape

    from pamphlet.essays import _CONTROL

    text = smarten(_CONTROL.sub("", title))
    assert text == text.strip() and "\n" not in text
    well_formed(f"<h1>{escape(text)}</h1>")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(body=MARKDOWN, title=TEXT.filter(lambda t: t.strip()),
       lang=st.sampled_from(["en", "ar", "he", "zh", "ja", "fa", "ru"]))
def test_any_essay_builds_a_pdf_and_a_valid_epub_structure(tmp_path_factory, body, title, lang):
    import yaml

    from pamphlet.build import build

    project = tmp_path_factory.mktemp("fuzz")
    (project / "source").mkdir()
    front = yaml.safe_dump({"title": title, "lang": lang}, allow_unicode=True)
    (project / "source" / "e.md").write_text(f"---\n{front}---\n\n{body}\n", encoding="utf-8")
    (project / "pamphlet.toml").write_text('title = "Fuzz"\nessays = ["e"]\n')
    result = build(project)
    codes = {d.code for d in result.diagnostics.errors}
    assert codes <= {"M301", "E205", "E210"}, [d.format() for d in result.diagnostics]
    if result.ok:
        import zipfile

        from pypdf import PdfReader
        assert len(PdfReader(str(project / "build" / "pamphlet.pdf")).pages) >= 4
        with zipfile.ZipFile(project / "build" / "pamphlet.epub") as book:
            for name in book.namelist():
                if name.endswith((".xhtml", ".opf", ".ncx")):
                    etree.fromstring(book.read(name))
