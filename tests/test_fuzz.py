"""Property-based tests: any Unicode text and Markdown structure goes through without a crash,
and always comes out as well-formed XHTML. CI runs a bounded number of examples."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, example, given, settings, strategies as st
from lxml import etree

from pamphlet.diagnostics import Diagnostics
from pamphlet.text.markup import ebook_html, print_html, render_body, smarten

BLOCKS = st.sampled_from([
    "# {t}", "## {t}", "- {t}\n  - {t}\n    - {t}", "1. {t}\n   - {t}", "> {t}\n>\n> > {t}",
    "{t}[^a]\n\n[^a]: {t}", "[{t}](https://example.org/{t})", "<https://example.org/x>",
    "| a | b |\n|---|--:|\n| {t} | {t} |", "* * *", "`{t}`", "```\n{t}\n```", "*{t}* **{t}**",
    "<span>{t}</span>", "<div><p>{t}</div>", "{t}<br>{t}", "&nbsp;&copy;&#8217;{t}",
    "![{t}](missing.png)", "[x](other.md)", "{t} -- {t} --- {t}...", '"{t}" \'{t}\'',
    # Attribute values from anywhere, which the e-book's schema must still accept.
    '<span id="{t}" lang="{t}" dir="{t}" title="{t}">{t}</span> [to it](#{t})',
    '<ol type="{t}" start="{t}" reversed="{t}"><li value="{t}">{t}</li></ol>',
    '<table><tr><td align="{t}" colspan="{t}" rowspan="{t}">{t}</td></tr></table>',
    '<time datetime="{t}">{t}</time> <q cite="{t}">{t}</q> <a href="{t}">{t}</a>',
    '<a href="https://example.org/{t}#{t}">{t}</a> <a href="#{t}">{t}</a>',
])
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=40)
MARKDOWN = st.lists(st.tuples(BLOCKS, TEXT), max_size=8).map(
    lambda parts: "\n\n".join(block.replace("{t}", text) for block, text in parts))


def well_formed(fragment: str) -> None:
    etree.fromstring(f'<div xmlns:epub="http://www.idpf.org/2007/ops">{fragment}</div>')


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=MARKDOWN | TEXT)
@example(body='<table><tr><td colspan="²" rowspan="²"><img width="²" src="x.png"></td>'
              '</tr></table>')  # found by CI: "²".isdigit(), and int() refuses it
def test_any_markdown_becomes_well_formed_xhtml(tmp_path_factory, body):
    from pamphlet.project.essays import read_essay

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

    from pamphlet.project.essays import _CONTROL

    text = smarten(_CONTROL.sub("", title))
    assert text == text.strip() and "\n" not in text
    well_formed(f"<h1>{escape(text)}</h1>")


# File names as people (and attackers) make them: spaces, accents, scripts, punctuation, the
# names of the book's own parts; never a hidden file or an editor's backup, which are skipped.
SLUG = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                          blacklist_characters="/\\"), min_size=1, max_size=60),
    st.sampled_from(["nav", "cover", "titlepage", "sources", "colophon", "introduction", "toc",
                     "style", "images", "essay-001", "1st", "-rf", "my essay", "a.b", "é"]),
).filter(lambda s: s.strip() == s and s[0] not in ".#~" and not s.endswith("~")
         and len(s.encode()) < 200)
SLUGS = st.lists(SLUG, min_size=1, max_size=3, unique_by=str.casefold)


def fuzz_project(root, bodies: list[str], title: str, lang: str, slugs: list[str]):
    """A project of one essay per slug, each linking to the next by its file name."""
    import json
    from urllib.parse import quote

    import yaml

    (root / "source").mkdir()
    for index, (slug, body) in enumerate(zip(slugs, bodies)):
        following = quote(slugs[(index + 1) % len(slugs)])
        front = yaml.safe_dump({"title": title, "lang": lang}, allow_unicode=True)
        (root / "source" / f"{slug}.md").write_text(
            f"---\n{front}---\n\n{body}\n\n[next]({following}.md) [part]({following}.md#x)\n",
            encoding="utf-8")
    listed = ", ".join(json.dumps(slug, ensure_ascii=False) for slug in slugs)
    (root / "pamphlet.toml").write_text(f'title = "Fuzz"\nessays = [{listed}]\n', encoding="utf-8")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                HealthCheck.function_scoped_fixture])
@given(body=MARKDOWN, title=TEXT.filter(lambda t: t.strip()),
       lang=st.sampled_from(["en", "ar", "he", "zh", "ja", "fa", "ru"]), slugs=SLUGS)
def test_any_essay_builds_a_pdf_and_a_valid_epub_structure(tmp_path_factory, body, title, lang,
                                                           slugs):
    from pamphlet.build.pipeline import build

    project = tmp_path_factory.mktemp("fuzz")
    fuzz_project(project, [body] * len(slugs), title, lang, slugs)
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


# EPUBCheck starts a Java machine (seconds each, more on a busy machine), so it sees two
# books of up to eight fuzzed essays each, the same two every run.
VALID_BLOCKS = BLOCKS.filter(lambda block: "missing.png" not in block)
VALID_MARKDOWN = st.lists(st.tuples(VALID_BLOCKS, TEXT), max_size=8).map(
    lambda parts: "\n\n".join(block.replace("{t}", text) for block, text in parts))


@settings(max_examples=2, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],  # no shrinking: each try takes seconds
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(bodies=st.lists(VALID_MARKDOWN, min_size=8, max_size=8),
       title=TEXT.filter(lambda t: t.strip()), lang=st.sampled_from(["en", "ar", "ja"]),
       slugs=st.lists(SLUG, min_size=3, max_size=8, unique_by=str.casefold))
def test_fuzzed_builds_pass_epubcheck(tmp_path_factory, bodies, title, lang, slugs):
    from epubchecker import messages

    from pamphlet.book.assemble import assemble
    from pamphlet.book.layouts import find_layout
    from pamphlet.outputs.epub import write_epub
    from pamphlet.project.spec import load_spec
    from pamphlet.project.select import select

    project = tmp_path_factory.mktemp("fuzz-epubcheck")
    fuzz_project(project, bodies, title, lang, slugs)
    # The e-book alone, as build() makes it: the PDF is not what this test is about.
    diagnostics = Diagnostics()
    spec = load_spec(project)
    pamphlet = assemble(spec, select(spec, diagnostics), diagnostics)
    if diagnostics.has_errors:
        assert {d.code for d in diagnostics.errors} <= {"E205", "E210"}
        return
    target = project / "pamphlet.epub"
    write_epub(pamphlet, find_layout("zine", spec.layouts_dir), target, diagnostics)
    assert messages(target) == [], (slugs, bodies)
