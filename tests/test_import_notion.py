"""pamphlet import of a Notion export (Markdown & CSV): ids dropped from titles and slugs,
links between pages made links between essays, a database's properties as front matter."""

from __future__ import annotations

import zipfile

from exports_help import EXPORTS, build_and_check, imported, kept, markdown_words, zipped

NOTION = EXPORTS / "notion"
ROOT = NOTION / "Export-7f2c9a10-5d3b-4c1e-9a8f-0b1c2d3e4f50"
ESSAYS = ROOT / "Press Notes 0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f" / \
    "Essays 2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e"


def test_pages_and_database_rows(tmp_path, capsys):
    status, essays, err, _ = imported(tmp_path, capsys, NOTION)
    assert status == 0 and sorted(essays) == ["ink-and-rollers", "on-leading", "type-case"]
    leading = essays["on-leading"]
    assert (leading.title, leading.subtitle, leading.authors, leading.date, leading.tags) == (
        "On Leading", "The space between lines", ("Mara Lindqvist",), "2024-03-09",
        ("spacing", "type"))
    assert "properties:\n  Reading time: 4 min\n" in leading.path.read_text()
    assert "N807 warning: skipped 2 posts that are not published: 1 draft, 1 index page" in err


def test_property_lines_leave_the_text_and_links_join_the_essays(tmp_path, capsys):
    _, essays, err, project = imported(tmp_path, capsys, NOTION)
    leading = essays["on-leading"].body
    assert leading.startswith("Leading is the space between lines of type")
    assert "Reading time" not in leading and "Status:" not in leading
    assert "Note: too little leading" in leading  # prose that looks like a property stays
    assert "as [Ink and Rollers](ink-and-rollers.md) says" in leading
    assert "![Untitled](on-leading/untitled.png)" in leading
    assert (project / "source" / "on-leading" / "untitled.png").is_file()
    case = essays["type-case"].body
    assert "See [On Leading](on-leading.md) for what goes between the lines" in case
    assert "> 💡 The *e* box is the largest" in case
    assert "and the table of essays." in case
    assert "N897 warning: a link to Essays 2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e.csv, which is no " \
        "imported essay, keeps only its text" in err
    page = (ESSAYS / "On Leading 3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f.md").read_text()
    assert kept(markdown_words(page.split("Reading time: 4 min", 1)[1]), leading) >= 0.99


def test_a_zip_in_parts_and_a_single_page(tmp_path, capsys):
    part = zipped(NOTION, tmp_path / "Export-7f2c9a10-Part-1.zip")
    outer = tmp_path / "Export-7f2c9a10.zip"
    with zipfile.ZipFile(outer, "w") as archive:
        archive.write(part, part.name)
    _, essays, _, _ = imported(tmp_path / "parts", capsys, outer)
    assert sorted(essays) == ["ink-and-rollers", "on-leading", "type-case"]
    _, essays, _, project = imported(tmp_path / "one", capsys,
                                     ESSAYS / "On Leading 3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f.md")
    assert list(essays) == ["on-leading"]
    assert (project / "source" / "on-leading" / "untitled.png").is_file()


def test_imported_pages_build_and_pass_epubcheck(tmp_path, capsys):
    _, essays, _, project = imported(tmp_path, capsys, NOTION)
    text = build_and_check(project, sorted(essays), capsys)
    assert "glue and treacle" in text
