"""pamphlet import of a Substack export (posts.csv and posts/*.html), as a folder and as the
zip Substack sends: titles and subtitles from the CSV, drafts, threads and paid posts skipped,
footnotes, captioned images, furniture left out and said, links between the posts."""

from __future__ import annotations

from pamphlet.importers import bundle

from exports_help import (EXPORTS, build_and_check, calls, html_words, imported, kept, notes,
                          zipped)

SUBSTACK = EXPORTS / "substack"
FURNITURE = ("//*[contains(@class, 'subscription-widget-wrap')] | "
             "//*[contains(@class, 'button-wrapper')] | //button")
SUMMARY = ("N807 warning: skipped 3 posts that are not published: 1 discussion thread, "
           "1 draft, 1 paid-only")


def test_titles_subtitles_dates_and_sources_come_from_posts_csv(tmp_path, capsys):
    status, essays, err, _ = imported(tmp_path, capsys, SUBSTACK)
    assert status == 0
    assert {slug: (e.title, e.subtitle, e.date, e.source.url) for slug, e in essays.items()} == {
        "the-printer-s-devil": ("The Printer's Devil", "“On apprentices,” ink and lead",
                                "2024-02-20", "https://inkwell.substack.com/p/the-printers-devil"),
        "setting-type-by-hand": ("Setting Type by Hand", "A stick, a rule, and patience",
                                 "2024-03-05",
                                 "https://inkwell.substack.com/p/setting-type-by-hand"),
        "the-sound-of-a-press": ("The Sound of a Press", "An episode on the platen press",
                                 "2024-03-20",
                                 "https://inkwell.substack.com/p/the-sound-of-a-press")}
    # Substack's export names no author and no tags: none are made up
    assert all(e.authors == () and e.tags == () for e in essays.values())
    assert SUMMARY in err


def test_footnotes_images_and_links_between_posts(tmp_path, capsys):
    _, essays, err, _ = imported(tmp_path, capsys, SUBSTACK)
    devil = essays["the-printer-s-devil"].body
    assert calls(devil) == ["1", "2"]
    assert notes(devil) == {
        "1": "The name is recorded from the seventeenth century.",
        "2": "A job was “distributed” letter by letter. A fast hand did it by feel."}
    assert "was called the printer's devil[^1], and came home" in devil
    assert ('![A type case with its many compartments](https://substack-post-media.s3.amazonaws'
            '.com/public/images/7f3c2a10-case.jpeg "The upper case held the capitals, the lower '
            'case the small letters.")') in devil
    assert "[the next letter](setting-type-by-hand.md)" in devil
    assert "[the letter on apprentices](the-printer-s-devil.md)" in \
        essays["setting-type-by-hand"].body
    assert "[https://www.youtube.com/watch?v=dQw4w9WgXcQ]" in essays["setting-type-by-hand"].body
    assert "abc123.mp3" in essays["the-sound-of-a-press"].body
    for chrome in ("Subscribe", "Thanks for reading", "Share"):
        assert chrome not in devil
    assert "N893 warning: left out what Substack adds to a post: a subscribe box, a button" in err


def test_no_words_of_the_posts_are_lost(tmp_path, capsys):
    _, essays, _, _ = imported(tmp_path, capsys, SUBSTACK)
    for slug, post in (("the-printer-s-devil", "140512345.the-printers-devil"),
                       ("setting-type-by-hand", "140598765.setting-type-by-hand"),
                       ("the-sound-of-a-press", "140600004.the-sound-of-a-press")):
        source = html_words((SUBSTACK / "posts" / f"{post}.html").read_text(), FURNITURE)
        assert kept(source, essays[slug].body) >= 0.99, slug


def test_the_zip_substack_sends_imports_alike(tmp_path, capsys):
    export = zipped(SUBSTACK, tmp_path / "substack-export.zip")
    _, from_zip, err, _ = imported(tmp_path, capsys, export)
    _, from_folder, _, _ = imported(tmp_path / "again", capsys, SUBSTACK)
    assert {s: e.body for s, e in from_zip.items()} == {s: e.body for s, e in from_folder.items()}
    assert SUMMARY in err


def test_paid_and_pages_import_when_asked(tmp_path, capsys):
    _, essays, err, _ = imported(tmp_path, capsys, SUBSTACK, extra=["--paid"])
    assert "for-paying-readers" in essays
    assert "This letter is for paying readers." in essays["for-paying-readers"].body
    assert "the paywall" not in err  # an empty marker says nothing
    assert "a-draft-about-paper" not in essays


def test_the_subscriber_lists_are_never_read(tmp_path, capsys, monkeypatch):
    read = []
    real = bundle.Bundle.read

    def spy(self, name, *args, **kwargs):
        read.append(name)
        return real(self, name, *args, **kwargs)

    monkeypatch.setattr(bundle.Bundle, "read", spy)
    imported(tmp_path, capsys, SUBSTACK)
    assert read and not [n for n in read if "email_list" in n]


def test_imported_posts_build_and_pass_epubcheck(tmp_path, capsys):
    _, essays, _, project = imported(tmp_path, capsys, SUBSTACK)
    text = build_and_check(project, sorted(essays), capsys)
    assert "came home black to the elbows" in text
    assert "The name is recorded from the seventeenth century." in text
