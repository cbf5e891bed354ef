"""pamphlet import of a Tumblr export (posts/html/<id>.html and media/): text, quote, link
and photo posts, tags, untitled posts titled from their first line, photos found whatever
spaces surround their src, submissions skipped."""

from __future__ import annotations

from exports_help import EXPORTS, build_and_check, html_words, imported, kept

TUMBLR = EXPORTS / "tumblr"
FOOTER = "//*[@id='footer']"


def test_text_link_quote_and_photo_posts(tmp_path, capsys):
    status, essays, err, _ = imported(tmp_path, capsys, TUMBLR)
    assert status == 0
    assert {s: (e.title, e.date, e.tags) for s, e in essays.items()} == {
        "on-leading": ("On Leading", "2024-03-09", ("type", "leading")),
        "proof-sheets-from-the-first-run-pinned-to-the-wall-to-dry": (
            "Proof sheets from the first run, pinned to the wall to dry", "2024-03-08",
            ("proofs", "photo")),
        "st-bride-library": ("St Bride Library", "2024-02-02", ("libraries",)),
        "printing-should-be-invisible": ("Printing should be invisible", "2024-01-20",
                                         ("quotes",)),
        "spent-the-evening-distributing-type": ("Spent the evening distributing type",
                                                "2024-01-03", ())}
    assert err.count("N810 warning: a post has no title") == 3
    assert "skipped 1 post that is not published: 1 submission" in err
    assert "<https://www.stbride.org/>" in essays["st-bride-library"].body
    assert "> Printing should be invisible.\n\n— Beatrice Warde" in \
        essays["printing-should-be-invisible"].body
    assert "[Yesterday's proofs](proof-sheets-from-the-first-run-pinned-to-the-wall-to-dry.md)" \
        in essays["on-leading"].body


def test_photos_come_from_media_whatever_spaces_surround_src(tmp_path, capsys):
    _, essays, _, project = imported(tmp_path, capsys, TUMBLR)
    slug = "proof-sheets-from-the-first-run-pinned-to-the-wall-to-dry"
    body = essays[slug].body
    assert body.startswith(f"![]({slug}/702211930445-0.jpg)\n\n![]({slug}/702211930445-1.jpg)")
    assert (project / "source" / slug / "702211930445-1.jpg").read_bytes() == \
        (TUMBLR / "media" / "702211930445_1.jpg").read_bytes()
    # a picture of the post that its page left out is added after its text
    assert essays["printing-should-be-invisible"].body.rstrip().endswith(
        "![](printing-should-be-invisible/698877001122.png)")


def test_no_words_of_the_posts_are_lost(tmp_path, capsys):
    _, essays, _, _ = imported(tmp_path, capsys, TUMBLR)
    for slug, post in (("on-leading", "710045678901"), ("st-bride-library", "699000111222"),
                       ("printing-should-be-invisible", "698877001122")):
        page = (TUMBLR / "posts" / "html" / f"{post}.html").read_text()
        essay = essays[slug]
        assert kept(html_words(page, FOOTER + " | //h1"), essay.body) >= 0.99, slug


def test_imported_posts_build_and_pass_epubcheck(tmp_path, capsys):
    _, essays, _, project = imported(tmp_path, capsys, TUMBLR)
    text = build_and_check(project, sorted(essays), capsys)
    assert "Beatrice Warde" in text
