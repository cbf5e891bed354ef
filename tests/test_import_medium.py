"""pamphlet import of a Medium export (posts/*.html): subtitle and canonical URL kept, the
body's own title and subtitle not repeated, drafts (draft_…) and responses skipped."""

from __future__ import annotations

from lxml import html as lxml_html

from exports_help import EXPORTS, build_and_check, html_words, imported, kept, zipped

MEDIUM = EXPORTS / "medium"
CHASE = MEDIUM / "posts" / "2018-08-11_The-Chase-and-the-Forme-3f1e2d4c5b6a.html"
# the body's title and subtitle (the essay's front matter), and a link card's site name
REPEATED = ("//*[contains(@class, 'graf--title')] | //*[contains(@class, 'graf--subtitle')] | "
            "//*[contains(@class, 'graf--mixtapeEmbed')]//a/text()[last()]/..")


def test_subtitle_author_date_tags_and_canonical_url(tmp_path, capsys):
    status, essays, err, _ = imported(tmp_path, capsys, MEDIUM)
    assert status == 0 and sorted(essays) == ["reading-proofs", "the-chase-and-the-forme"]
    chase = essays["the-chase-and-the-forme"]
    assert (chase.title, chase.subtitle, chase.authors, chase.date, chase.tags) == (
        "The Chase and the Forme", "How a page of type is held together", ("Mara Lindqvist",),
        "2018-08-11", ("Letterpress", "Printing"))
    assert chase.source.url == \
        "https://medium.com/@maralindqvist/the-chase-and-the-forme-3f1e2d4c5b6a"
    assert "N807 warning: skipped 2 posts that are not published: 1 draft, 1 response" in err


def test_body_without_its_repeated_title_and_with_its_figures(tmp_path, capsys):
    _, essays, _, _ = imported(tmp_path, capsys, MEDIUM)
    body = essays["the-chase-and-the-forme"].body
    assert body.startswith("The **chase** is an iron frame.")
    assert "How a page of type is held together" not in body
    assert ('![A chase on the imposing stone](https://cdn-images-1.medium.com/max/800/'
            '1*Qw3RtYuIoP.jpeg "A chase on the imposing stone, ready to lock up.")') in body
    assert "[Lockup | Letterpress Commons](https://letterpresscommons.com/lockup/) — How to " \
        "lock up a forme for the press." in body
    assert "as I said in [the story on proofs](reading-proofs.md)." in body
    assert "---\n\n#### Reading it backwards" in body  # the second section's break
    assert "> Mind your p’s and q’s." in body
    page = lxml_html.fromstring(CHASE.read_bytes())
    section = page.xpath("//*[@data-field='body']")[0]
    assert kept(html_words(lxml_html.tostring(section, encoding="unicode"), REPEATED),
                body) >= 0.99


def test_the_zip_and_a_single_post_import_too(tmp_path, capsys):
    _, essays, _, _ = imported(tmp_path / "zip", capsys, zipped(MEDIUM, tmp_path / "m.zip"))
    assert sorted(essays) == ["reading-proofs", "the-chase-and-the-forme"]
    _, essays, _, _ = imported(tmp_path / "one", capsys, CHASE)
    assert list(essays) == ["the-chase-and-the-forme"]
    assert essays["the-chase-and-the-forme"].subtitle == "How a page of type is held together"


def test_imported_posts_build_and_pass_epubcheck(tmp_path, capsys):
    _, essays, _, project = imported(tmp_path, capsys, MEDIUM)
    text = build_and_check(project, sorted(essays), capsys)
    assert "Write the correction in the margin" in text
