"""pamphlet import of Blogger backups: the classic Atom backup (once refused as "not a
WordPress export") and Google Takeout's feed.atom; posts only, labels as tags, drafts and
pages skipped, Word's footnotes, caption tables, paragraphs made of <br>s."""

from __future__ import annotations

from lxml import etree

from exports_help import (EXPORTS, build_and_check, calls, html_words, imported, kept, notes,
                          zipped)

BACKUP = EXPORTS / "blogger" / "blog-03-01-2024.xml"
TAKEOUT = EXPORTS / "blogger-takeout"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_posts_with_labels_author_date_and_address(tmp_path, capsys):
    status, essays, err, _ = imported(tmp_path, capsys, BACKUP)
    assert status == 0 and "N809" not in err
    wood = essays["wood-type-in-the-attic"]
    assert (wood.title, wood.authors, wood.date, wood.tags, wood.lang) == (
        "Wood Type in the Attic", ("Mara Lindqvist",), "2012-11-27", ("type", "wood type"),
        "en-GB")
    assert (wood.source.publisher, wood.source.url) == (
        "Field Notes on Letterpress",
        "https://fieldnotes-letterpress.blogspot.com/2012/11/wood-type-in-attic.html")
    assert set(essays) == {"wood-type-in-the-attic",
                           "cleaning-the-press-after-a-long-run-takes-an-hour-if-you-do-it-"
                           "properly"}
    assert "N807 warning: skipped 2 posts that are not published: 1 draft, 1 page" in err
    assert "N810 warning: a post has no title; it is called 'Cleaning the press after a long " \
        "run takes an hour if you do it properly' (from its first line)" in err


def test_comments_settings_and_template_are_no_essays(tmp_path, capsys):
    _, essays, _, _ = imported(tmp_path, capsys, BACKUP)
    text = " ".join(e.body for e in essays.values())
    for other in ("What a find", "mara.lindqvist@example.org", "en_GB", "b:skin",
                  "Write this one next", "A printer's notebook"):
        assert other not in text


def test_word_footnotes_caption_tables_and_links(tmp_path, capsys):
    _, essays, _, _ = imported(tmp_path, capsys, BACKUP)
    body = essays["wood-type-in-the-attic"].body
    assert calls(body) == ["1", "2"]
    assert notes(body) == {"1": "The newspaper was the *Evening Post*.",
                           "2": "William Leavenworth's router, from 1834."}
    assert "wrapped in newspaper from 1931.[^1] Most letters" in body
    assert ('![Letters of wood type in a case](https://blogger.googleusercontent.com/img/b/'
            'R29vZ2xl/AVvXsEh5/s320/wood-type.jpg "A case of twelve-line wood type.")') in body
    assert "[post on cleaning the press](cleaning-the-press-after-a-long-run-takes-an-hour-if-" \
        "you-do-it-properly.md)" in body
    assert "---" not in body  # Word's rule above its notes went with them
    cleaning = essays["cleaning-the-press-after-a-long-run-takes-an-hour-if-you-do-it-properly"]
    assert cleaning.body.count("\n\n") == 2  # three paragraphs, once joined by <br><br>


def test_no_words_of_the_posts_are_lost(tmp_path, capsys):
    _, essays, _, _ = imported(tmp_path, capsys, BACKUP)
    entries = {e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}content")
               for e in etree.parse(str(BACKUP)).getroot().iter(f"{ATOM}entry")}
    assert kept(html_words(entries["Wood Type in the Attic"]),
                essays["wood-type-in-the-attic"].body) >= 0.99
    assert kept(html_words(entries[""]), essays[
        "cleaning-the-press-after-a-long-run-takes-an-hour-if-you-do-it-properly"].body) >= 0.99


def test_takeout_feed_folder_and_zip(tmp_path, capsys):
    for source in (TAKEOUT, zipped(TAKEOUT, tmp_path / "takeout-20240301.zip")):
        _, essays, err, _ = imported(tmp_path / f"{source.name}-import", capsys, source)
        assert list(essays) == ["furniture-and-quoins"]
        essay = essays["furniture-and-quoins"]
        assert (essay.authors, essay.date, essay.tags, essay.source.publisher) == (
            ("Mara Lindqvist",), "2019-10-09", ("lock-up",), "Field Notes on Letterpress")
        assert "wooden **furniture** and tightened" in essay.body
        assert "saved my forme" not in essay.body
        assert "skipped 2 posts that are not published: 1 draft, 1 page" in err


def test_a_backup_with_undeclared_prefixes_is_read_in_recovery(tmp_path, capsys):
    raw = BACKUP.read_bytes().replace(b" xmlns:app='http://purl.org/atom/app#'", b"")
    backup = tmp_path / "blog-old.xml"
    backup.write_bytes(raw)
    status, essays, err, _ = imported(tmp_path, capsys, backup)
    assert status == 0 and "N808 warning: the export is not well-formed XML" in err
    assert "handmade-paper" not in essays  # the draft is still seen as one
    assert "skipped 2 posts that are not published: 1 draft, 1 page" in err


def test_imported_posts_build_and_pass_epubcheck(tmp_path, capsys):
    _, essays, _, project = imported(tmp_path, capsys, BACKUP)
    text = build_and_check(project, sorted(essays), capsys)
    assert "router, from 1834." in text and "wrapped in newspaper from 1931" in text
