"""pamphlet import: every kind of source, every character kept, nothing overwritten."""

from __future__ import annotations

import shutil

import pytest

from pamphlet.cli import main
from pamphlet.diagnostics import Diagnostics
from pamphlet.project.essays import read_essay

from conftest import PROJECTS

FILES = PROJECTS / "imports"
NBSP = "\u00a0"


def imported(tmp_path, *names, extra=()):
    for name in names:
        shutil.copy(FILES / name, tmp_path / name)
    status = main(["import", *[str(tmp_path / n) for n in names], "--project", str(tmp_path),
                   *extra])
    essays = {p.stem: read_essay(p, Diagnostics()) for p in sorted((tmp_path / "source").glob("*.md"))}
    return status, essays


def test_plain_text_keeps_every_character(tmp_path):
    status, essays = imported(tmp_path, "pasted.txt")
    essay = essays["paper-weights-and-quotes"]
    assert status == 0
    assert essay.title == f"Paper{NBSP}Weights and “Quotes”"  # never cut at the no-break space
    source = (FILES / "pasted.txt").read_text()
    assert essay.body.strip() == source.split("\n\n", 1)[1].strip()
    assert f"80{NBSP}gsm — “curly” and ‘single’ — and…" in essay.body


def test_several_essays_in_one_file_by_titles_or_by_marker(tmp_path):
    status, essays = imported(tmp_path, "several.txt")
    assert status == 0
    assert [e.title for e in essays.values()] == ["First Essay", "Second Essay"]
    assert essays["second-essay"].body.strip() == "Text of the second."
    (tmp_path / "source").rename(tmp_path / "first-run")
    status, essays = imported(tmp_path, "marker.txt", extra=["--split-at", "%%%"])
    assert status == 0
    assert {e.title: e.body.strip() for e in essays.values()} == {"One": "Body one.",
                                                                   "Two": "Body two."}


def test_html_page_article_becomes_markdown(tmp_path):
    status, essays = imported(tmp_path, "page.html")
    assert status == 0
    essay = essays["why-zines-matter"]
    assert essay.title == f"Why{NBSP}Zines Matter"
    assert (essay.authors, essay.date, essay.source.url) == (
        ("Rita Web",), "2025-04-02", "https://example.org/why-zines")
    assert "Zines are *cheap* and “free”." in essay.body
    assert f"- paper\n  - 80{NBSP}gsm" in essay.body and "> A quote." in essay.body
    for chrome in ("Home", "About", "Copyright footer", "tracking"):
        assert chrome not in essay.body


def test_a_plain_text_title_keeps_no_break_spaces_at_its_edges(tmp_path):
    """Only ASCII blanks are trimmed from a title line; the file keeps every other character."""
    import yaml

    (tmp_path / "edge.txt").write_text(f"{NBSP}Edge Title{NBSP}\n\nBody text.\n")
    assert main(["import", str(tmp_path / "edge.txt"), "--project", str(tmp_path)]) == 0
    text = (tmp_path / "source" / "edge-title.md").read_text()
    assert yaml.safe_load(text.split("---\n")[1])["title"] == f"{NBSP}Edge Title{NBSP}"


@pytest.mark.parametrize("name, slug, title, authors, date, tags", [
    ("jekyll.md", "a-jekyll-post", "A Jekyll Post", ("Jo Kyll",), "2024-03-01",
     ("zines", "printing")),
    ("hugo.md", "a-hugo-post", "A Hugo Post", ("Hu Go",), "2023-02-01", ("reading",)),
    ("obsidian.md", "an-obsidian-note", "An Obsidian Note", (), None, ("notes", "reading")),
])
def test_markdown_front_matter_conventions(tmp_path, name, slug, title, authors, date, tags):
    status, essays = imported(tmp_path, name)
    assert status == 0 and list(essays) == [slug]
    essay = essays[slug]
    assert (essay.title, essay.authors, essay.date, essay.tags) == (title, authors, date, tags)
    assert "body" in essay.body and "# An Obsidian Note" not in essay.body


def test_wordpress_export_skips_drafts_and_pages(tmp_path, capsys):
    status, essays = imported(tmp_path, "export.xml")
    assert status == 0 and sorted(essays) == ["first-post", "second-post"]
    first = essays["first-post"]
    assert (first.authors, first.date, first.tags, first.source.url) == (
        ("Anna Press",), "2024-01-05", ("zines", "essays"), "https://blog.example.org/first-post/")
    assert first.body.strip() == ("The first paragraph, “quoted”.\n\n"
                                  "The second paragraph with **bold**.")
    err = capsys.readouterr().err
    assert "N807 warning: skipped 2 posts that are not published: 1 draft, 1 page" in err
    assert err.count("N807") == 1


def test_import_never_overwrites(tmp_path, capsys):
    (tmp_path / "source").mkdir()
    mine = tmp_path / "source" / "first-post.md"
    mine.write_text("---\ntitle: Mine\n---\nMine.\n")
    status, essays = imported(tmp_path, "export.xml")
    assert status == 0
    assert mine.read_text() == "---\ntitle: Mine\n---\nMine.\n"
    assert essays["first-post-2"].title == "First Post"
    assert "N804 warning" in capsys.readouterr().err


def test_imported_essays_build(tmp_path, capsys):
    from pdftext import Pdf, toc_entries

    status, essays = imported(tmp_path, "page.html", "export.xml", "pasted.txt")
    assert status == 0
    (tmp_path / "pamphlet.toml").write_text('title = "Imported"\n[select]\norder = "title"\n')
    assert main(["build", str(tmp_path)]) == 0
    pdf = Pdf(tmp_path / "build" / "pamphlet.pdf")
    titles = sorted((" ".join(e.title.split()) for e in essays.values()), key=str.lower)
    assert list(toc_entries(pdf, 4)) == titles + ["Sources"]
    assert pdf.pages_with("Thesecondparagraphwithbold.")


def test_unreadable_file(tmp_path, capsys):
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00bad")
    assert main(["import", str(tmp_path / "bad.txt"), "--project", str(tmp_path)]) == 1
    assert "N805 cannot read bad.txt" in capsys.readouterr().err
