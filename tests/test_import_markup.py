"""pamphlet import of the other markups essays are written in: an Obsidian vault, a Logseq
graph, a Pelican reST post, an Org post, an AsciiDoc article, a Pandoc Markdown essay and an
Astro MDX post (each fixture names its origin). Each keeps its title, authors, date, tags,
notes in reading order and images, and 99% of its words; the imported essays build into an
EPUB that EPUBCheck and Ace pass, with callouts as asides and table captions as captions."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pytest
from epubchecker import messages
from lxml import etree

import system
from conftest import PROJECTS
from pamphlet.cli import main
from pamphlet.diagnostics import Diagnostics
from pamphlet.project.essays import read_essay
from test_import_sites import jpeg, png

IMPORTS = PROJECTS / "imports"
XHTML = "{http://www.w3.org/1999/xhtml}"
# fixture folder, the file or folder imported in it, --site (a folder in it), images to make
FIXTURES = {
    "obsidian": ("obsidian-vault", "Essays", None, ("Attachments/fold.png", "Essays/press.jpg")),
    "logseq": ("logseq-graph", "pages", None, ("assets/queue_1714650000000_0.png",)),
    "rst": ("rst-pelican", "content/super-article.rst", ".",
            ("content/images/Sushi.png", "content/images/Sushi_Macro.png")),
    "org": ("org-post", "folding-notes.org", None, ("images/panels.png",)),
    "asciidoc": ("asciidoc-post", "fold-and-print.adoc", None, ("images/panels.png",)),
    "pandoc": ("pandoc-markdown", "essay.md", None, ("figures/glass.png",)),
    "mdx": ("astro-mdx", "src/content/blog/using-mdx.mdx", ".",
            ("src/assets/blog-placeholder-5.png",)),
}
# slug: (title, authors, date, tags, footnotes in reading order (their first words), images)
EXPECTED = {
    "why-we-photocopy": ("Why we photocopy", ("Ada Quill",), "2024-03-14", ("zines", "printing"),
                         ("The copy shop",), 2),
    "the-copy-shop-essay": ("The Copy Shop Essay", ("Bo Lenz",), "2024-05-02",
                            ("zines", "printing"), (), 1),
    "this-is-a-super-article": ("This is a super article !", ("Alexis Métaireau",),
                                "2010-12-02", ("foo", "bar", "foobar", "yeah"),
                                ("The first note", "The second note"), 2),
    "notes-on-folding": ("Notes on Folding", ("Ada Quill",), "2023-01-15", ("zines", "printing"),
                         ("The sheet is", "An octavo is", "A bone folder"), 1),
    "fold-and-print": ("Fold and Print", ("Ada Quill", "Bo Lenz"), "2023-03-01",
                       ("zines", "printing", "folding"),
                       ("A copier at", "Patience, and a", "`x`"), 1),
    "on-copying": ("On Copying", ("Ada Quill", "Bo Lenz"), "2023-01-01", ("copying", "zines"),
                   ("Scribes copied by", "Four cents a", "Pandoc's inline notes"), 1),
    "using-mdx": ("Using MDX", ("Fred K. Schott",), "2024-06-01", ("astro", "mdx"),
                  ("JSX is the",), 1),  # one file, shown twice
}
# Words of each source that are its markup, not its text (directive and keyword names, the
# components and statements the import removes and names in a warning).
MARKUP_WORDS = {
    "logseq": {"title", "tags", "author", "date", "assets", "queue", "png", "height", "width",
               "cloze", "collapsed", "query", "todo"},
    "obsidian": {"note", "tip", "warning", "photocopying", "aliases", "description", "fold",
                 "png", "press", "jpg", "copy", "again", "this", "paragraph", "private",
                 "leaves", "with", "the", "comment", "shared", "passage"},
    "rst": {"tags", "date", "modified", "category", "author", "summary", "image", "static",
            "images", "sushi", "png", "height", "width", "alt", "figure", "macro", "note",
            "first", "stuff", "ref", "roles", "reduced", "getpelican", "pelican", "samples",
            "content", "super_article", "rst", "agpl", "later", "pamphlet", "footnotes",
            "admonition", "sphinx", "role", "added", "article", "super", "this", "with", "and",
            "multi", "line", "metadata", "should", "supported", "well", "inline", "markup"},
    "org": {"title", "subtitle", "author", "date", "sun", "filetags", "language", "options",
            "toc", "nil", "num", "properties", "custom_id", "end", "caption", "name", "fig",
            "panels", "file", "images", "png", "begin_quote", "end_quote", "begin_src",
            "python", "end_src", "begin_note", "end_note", "todo", "draft", "tools",
            "structure", "manual", "describes", "export", "settings", "buffer", "keywords",
            "property", "drawer", "numbered", "named", "captioned", "image", "special", "source",
            "blocks", "text", "was", "written", "for", "this", "fixture", "cc0", "org", "mode",
            "orgmode", "post", "footnotes", "inline", "and", "the", "notes", "folding", "begin",
            "custom", "quote", "src",
            "sheet", "eight", "pages", "quill", "zines", "printing", "ada", "blog"},
    "asciidoc": {"description", "keywords", "lang", "imagesdir", "images", "footnote",
                 "patience", "image", "panels", "png", "note", "tip", "source", "python",
                 "include", "colophon", "adoc", "video", "dqw4w9wgxcq", "youtube", "sidebar",
                 "widget", "structure", "asciidoctor", "sample", "document", "test", "fixtures",
                 "mit", "licence", "header", "with", "author", "and", "revision", "lines",
                 "attributes", "sections", "footnotes", "admonitions", "titled", "listing",
                 "table", "text", "was", "written", "for", "this", "fixture", "cc0", "first",
                 "printing", "ada", "quill", "example", "org", "lenz", "fold", "print", "how",
                 "collective", "prints", "zine", "one", "sheet", "zines", "folding", "the",
                 "eight", "folded", "not", "listing", "pages"},
    "pandoc": {"structure", "pandoc", "own", "test", "document", "jgm", "testsuite", "txt",
               "manual", "markdown", "yaml", "authors", "objects", "date", "words", "inline",
               "notes", "fenced", "divs", "table", "captions", "text", "was", "written", "for",
               "this", "fixture", "cc0", "title", "copying", "author", "name", "ada", "quill",
               "affiliation", "the", "pamphlet", "collective", "lenz", "example", "org",
               "independent", "january", "keywords", "zines", "lang", "note", "epigraph",
               "figures", "glass", "png", "and", "words", "cheap", "https", "com"},
    "mdx": {"reduced", "withastro", "astro", "examples", "blog", "src", "content", "using",
            "mdx", "mit", "licence", "with", "the", "components", "starlight", "post", "uses",
            "for", "images", "and", "asides", "added", "import", "serverisland", "from",
            "image", "assets", "aside", "heroimage", "placeholder", "png", "server", "defer",
            "title", "should", "delayed", "delay", "div", "slot", "fallback", "class", "src",
            "alt", "type", "caution", "migrating", "headerlink", "href", "onclick", "alert",
            "clicked", "figure", "caption", "frontmatter", "description", "lorem", "ipsum",
            "dolor", "sit", "amet", "pubdate", "jun", "author", "fred", "schott", "github",
            "fredkschott", "tags", "jsx", "again"},
}


def make_images(folder, names) -> None:
    for name in names:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(jpeg() if name.endswith(".jpg") else png())


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Every fixture imported into one project, and that project built: (project, essays,
    stderr of the imports, the build's stderr)."""
    tmp = tmp_path_factory.mktemp("markup")
    project = tmp / "project"
    errors = []
    for name, (folder, target, site, images) in FIXTURES.items():
        copy = tmp / folder
        shutil.copytree(IMPORTS / folder, copy)
        make_images(copy, images)
        import io
        from contextlib import redirect_stderr
        err = io.StringIO()
        with redirect_stderr(err):
            status = main(["import", str(copy / target), "--project", str(project),
                           *(["--site", str(copy / site)] if site else [])])
        assert status == 0, err.getvalue()
        errors.append(err.getvalue())
    essays = {p.stem: read_essay(p, Diagnostics())
              for p in sorted((project / "source").glob("*.md"))}
    (project / "pamphlet.toml").write_text(
        'title = "Imported"\nessays = [' + ", ".join(
            f'"{s}"' for s in [*EXPECTED, "on-folding", "folding"]) + "]\n")
    import io
    from contextlib import redirect_stderr
    err = io.StringIO()
    with redirect_stderr(err):
        assert main(["build", str(project)]) == 0, err.getvalue()
    return project, essays, "\n".join(errors), err.getvalue()


def notes(body: str) -> list[str]:
    """The footnote definitions of a Markdown body, in order, as (label, text)."""
    return re.findall(r"(?m)^\[\^([^\]]+)\]: (.*)$", body)


@pytest.mark.parametrize("slug", EXPECTED)
def test_each_format_keeps_its_fields_notes_and_images(imported, slug):
    project, essays, _, _ = imported
    title, authors, date, tags, calls, images = EXPECTED[slug]
    essay = essays[slug]
    assert (essay.title, essay.authors, essay.date, essay.tags) == (title, authors, date, tags)
    found = notes(essay.body)
    assert [label for label, _ in found] == [str(n) for n in range(1, len(found) + 1)]
    assert [text[:len(start)] for (_, text), start in zip(found, calls)] == list(calls)
    assert len(found) == len(calls)
    # calls numbered 1, 2, ... in the order they are read
    called = [int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", _prose(essay.body))]
    assert list(dict.fromkeys(called)) == list(range(1, len(calls) + 1))
    copied = sorted((project / "source" / slug).glob("*")) if (project / "source" / slug).is_dir() \
        else []
    assert len(copied) == images
    for image in copied:
        assert f"{slug}/{image.name}" in essay.body


def _prose(markdown: str) -> str:
    return re.sub(r"```.*?```|`[^`\n]*`", "", markdown, flags=re.S)


def words(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[^\W\d_]{3,}", text)]


@pytest.mark.parametrize("name", FIXTURES)
def test_at_least_99_percent_of_the_words_are_kept(imported, name):
    project, essays, _, _ = imported
    folder, target, _, _ = FIXTURES[name]
    sources = [IMPORTS / folder / target] if (IMPORTS / folder / target).is_file() else \
        sorted((IMPORTS / folder / target).glob("*.md"))
    source = " ".join(p.read_text(encoding="utf-8") for p in sources)
    imported_text = " ".join(e.path.read_text(encoding="utf-8") for e in essays.values())
    have = set(words(imported_text))
    wanted = [w for w in words(source) if w not in MARKUP_WORDS.get(name, set())]
    kept = sum(w in have for w in wanted) / len(wanted)
    missing = sorted({w for w in wanted if w not in have})
    assert kept >= 0.99, missing


def test_the_build_passes_epubcheck_and_shows_callouts_and_captions(imported):
    project, _, _, build_err = imported
    epub = project / "build" / "pamphlet.epub"
    assert messages(epub) == []
    with zipfile.ZipFile(epub) as book:
        pages = {n: etree.fromstring(book.read(n)) for n in book.namelist()
                 if n.endswith(".xhtml")}
    callouts = [(div.get("class"), "".join(div[0].itertext()))
                for root in pages.values() for div in root.iter(f"{XHTML}div")
                if "callout" in (div.get("class") or "").split()]
    assert ("callout callout-note", "What this costs") in callouts
    assert ("callout callout-tip", "A foldable tip") in callouts
    assert ("callout callout-warning", "Nested") in callouts  # inside the tip
    assert ("callout callout-note", "A note on words") in callouts  # a Pandoc fenced div
    assert ("callout callout-caution", "Migrating") in callouts  # an Astro <Aside>
    assert ("callout callout-note", "Note") in callouts  # reST's .. note::
    captions = ["".join(c.itertext()) for root in pages.values()
                for c in root.iter(f"{XHTML}caption")]
    assert "Pages a minute, by machine" in captions
    # the caption is no longer a definition without its term
    assert all(dl.find(f"{XHTML}dt") is not None
               for root in pages.values() for dl in root.iter(f"{XHTML}dl"))


def test_vault_links_become_essay_links_printed_with_their_page(imported):
    project, essays, _, _ = imported
    body = essays["why-we-photocopy"].body
    assert "[folding the sheets](on-folding.md)" in body
    assert "[On folding > The fold](on-folding.md#the-fold)" in body
    assert "Binding by hand" in body and "[[" not in _prose(body)
    # in code, a wikilink and a note call stay as written
    assert "`[[platen]]`" in body and "`[^9]`" in body
    assert "[[Not a link]] and a note call [^2] stay in code." in body
    pdf_text = subprocess.run(["pdftotext", str(project / "build" / "pamphlet.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
    assert re.search(r"folding the sheets \(page\s+\d+\)", pdf_text)
    assert "What this costs" in pdf_text and "Toner stains cuffs." in pdf_text


def test_vault_embeds_images_and_comments(imported):
    _, essays, err, _ = imported
    body = essays["why-we-photocopy"].body
    assert "A shared passage lives in one note" in body  # ![[Shared passage]] inlined
    assert "![A sheet folded in eight](why-we-photocopy/fold.png)" in body  # Attachments/
    assert "](why-we-photocopy/press.jpg)" in body  # beside the note
    assert "private note" not in body and "%%" not in body
    assert "<mark>Everything printed can be copied again.</mark>" in body
    assert "^copy-again" not in body
    assert re.search(r"Why we photocopy\.md:40: N877 warning", err)
    assert re.search(r"Why we photocopy\.md:44: N875 warning: the link \[\[Binding by hand\]\]",
                     err)


def test_logseq_prose_bullets_are_paragraphs_and_lists_stay_lists(imported):
    _, essays, err, _ = imported
    body = essays["the-copy-shop-essay"].body
    assert body.startswith("The copy shop opens at eight")
    assert "\n## What people copy\n" in body and "\n## Why it matters\n" in body
    assert "\nMost of the queue copies forms" in body
    assert "- tax forms\n- recipes\n- a poem\n- a zine about [Folding](folding.md)" in body
    assert "As we noted, Most of the queue" in body  # a block reference resolved
    assert "Toner is the only thing" in body and "{{" not in body
    assert "id::" not in body and "collapsed::" not in body and "TODO" not in body
    assert "N879 warning: the Logseq macro {{query}} is left out" in err


def test_documents_name_what_they_leave_out(imported):
    err = imported[2]
    assert "folding-notes.org:47: N874 warning: footnote [fn:4] is never called" in err
    assert "fold-and-print.adoc:51: N872 warning: the include of colophon.adoc" in err
    assert "fold-and-print.adoc:55: N871 warning: the block macro 'sidebar::'" in err
    assert "essay.md:23: N878 warning: fenced div '::: epigraph'" in err
    assert err.count("N881 warning") == 5  # each import statement of the MDX post
    assert "N882 warning: the component <ServerIsland> is removed" in err
    assert "N883 warning: the expression {frontmatter.title} is removed" in err


@pytest.mark.slow("DAISY Ace (Node and a headless Chromium) on the book of the imported essays")
def test_ace_finds_no_violation_in_the_imported_essays(imported, tmp_path):
    report, violations = system.ace(imported[0] / "build" / "pamphlet.epub", tmp_path / "ace")
    assert violations == []
