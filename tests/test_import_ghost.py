"""pamphlet import of a Ghost JSON export (Ghost 5: posts stored as html, lexical or
mobiledoc): authors, tags, published_at, excerpt, feature image, canonical URL, cards,
footnotes of Markdown cards, images from the content folder, drafts and members' posts."""

from __future__ import annotations

import json
import re

from exports_help import (EXPORTS, build_and_check, calls, html_words, imported, kept, notes,
                          words)

GHOST = EXPORTS / "ghost"
JSON = GHOST / "the-composing-room.ghost.2024-03-01-10-00-00.json"
SUMMARY = ("N807 warning: skipped 5 posts that are not published: 1 draft, 1 members-only, "
           "1 page, 1 paid-only, 1 scheduled")


def _posts() -> dict:
    return {p["slug"]: p for p in json.loads(JSON.read_text())["db"][0]["data"]["posts"]}


def test_metadata_from_the_export(tmp_path, capsys):
    status, essays, err, _ = imported(tmp_path, capsys, GHOST)
    assert status == 0
    assert {s: (e.title, e.subtitle, e.authors, e.date, e.tags, e.lang) for s, e in
            essays.items()} == {
        "the-platen-press": ("The Platen Press", "How the jobbing printer's favourite machine "
                             "works", ("Ada Quill", "Bo Lenz"), "2024-02-20",
                             ("Printing", "History"), "en"),
        "mixing-ink": ("Mixing Ink", "A slab, a knife and patience", ("Bo Lenz",),
                       "2024-02-27", ("Printing",), "en"),
        "the-hellbox": ("The Hellbox", None, ("Ada Quill",), "2021-03-24", ("History",), "en")}
    assert essays["the-hellbox"].source.url == "https://oldblog.example.org/2021/the-hellbox"
    assert {e.source.publisher for e in essays.values()} == {"The Composing Room"}
    assert SUMMARY in err
    assert "#newsletter" not in str([e.tags for e in essays.values()])  # an internal tag


def test_html_post_cards_notes_images_and_links(tmp_path, capsys):
    _, essays, err, project = imported(tmp_path, capsys, GHOST)
    body = essays["the-platen-press"].body
    # the feature image first, with its alt text and caption; both images copied
    assert body.startswith('![Frames in the composing room](the-platen-press/composing-room.png'
                           ' "The composing room at the works.")')
    assert '![A platen press](the-platen-press/platen-press.jpg "A jobbing platen, about 1890.")' \
        in body
    assert (project / "source" / "the-platen-press" / "platen-press.jpg").read_bytes() == \
        (GHOST / "content/images/2024/02/platen-press.jpg").read_bytes()
    # each Markdown card numbers its notes from 1: each reference finds its own card's note
    assert calls(body) == ["1", "2", "3"]
    assert notes(body) == {"1": "Tickets, menus and letterheads above all.",
                           "2": "A foot pedal, like a sewing machine's.",
                           "3": "A flat plate, as in the plate of a watch."}
    assert "from the French *platine*.[^3]" in body
    assert "[British Letterpress](https://www.britishletterpress.co.uk/) — A history of " \
        "letterpress printing." in body
    assert "as [the letter on ink](mixing-ink.md) tells" in body
    assert "by hand, and keeps his fingers" in body  # the members-only marker took nothing
    assert "Subscribe" not in body
    assert "left out what Ghost adds to a post: a button" in err


def test_lexical_and_mobiledoc_posts_are_rendered(tmp_path, capsys):
    _, essays, err, _ = imported(tmp_path, capsys, GHOST)
    ink = essays["mixing-ink"].body
    assert "with a *palette knife*, then rolled out until it **hisses**." in ink
    assert "## Rollers\n\n- Composition rollers were glue and treacle.\n- Rubber rollers" in ink
    assert '![A platen press](mixing-ink/platen-press.jpg "The press closes like a clam.")' in ink
    assert notes(ink) == {"1": "The counter is the enclosed space in a letter such as *o*."}
    assert "> 💡 Wash the rollers every night." in ink
    assert "[the letter on the platen press](the-platen-press.md)" in ink
    assert "Sign up for" not in ink and "left out what Ghost adds to a post: a signup form" in err
    hellbox = essays["the-hellbox"].body
    assert "[hellbox](https://en.wikipedia.org/wiki/Hellbox), to be melted down." in hellbox
    assert "*Nothing* was wasted,  \nnot even lead." in hellbox
    assert '![The composing room](the-hellbox/composing-room.png "Frames along the wall")' in \
        hellbox
    assert "1. Sort the pied type.\n2. Melt the rest." in hellbox


def test_no_words_of_the_posts_are_lost(tmp_path, capsys):
    _, essays, _, _ = imported(tmp_path, capsys, GHOST)
    posts = _posts()
    source = html_words(posts["the-platen-press"]["html"],
                        "//*[contains(@class, 'kg-button-card')] | "
                        "//*[contains(@class, 'kg-bookmark-metadata')]")
    assert kept(source, essays["the-platen-press"].body) >= 0.99
    lexical = json.loads(posts["mixing-ink"]["lexical"])
    said = [n.get(k) for n in _nodes(lexical["root"]) if n.get("type") != "signup"
            for k in ("text", "markdown", "calloutText", "caption", "alt")]
    assert kept(words(" ".join(re.sub(r"<[^>]+>", " ", s) for s in said if s)),
                essays["mixing-ink"].body) >= 0.99


def _nodes(node: dict):
    yield node
    for child in node.get("children", []):
        yield from _nodes(child)


def test_the_json_alone_takes_its_images_from_site(tmp_path, capsys):
    _, essays, err, project = imported(tmp_path, capsys, JSON, extra=["--site",
                                                                      str(GHOST / "content")])
    assert "![A platen press](the-platen-press/platen-press.jpg" in essays["the-platen-press"].body
    assert SUMMARY in err
    _, essays, err, _ = imported(tmp_path / "nosite", capsys, JSON)
    assert '<span class="missing-image">A platen press</span>' in essays["the-platen-press"].body
    assert "N815 warning: image /content/images/2024/02/platen-press.jpg cannot be found in " \
        "the export" in err


def test_pages_and_members_posts_when_asked(tmp_path, capsys):
    _, essays, _, _ = imported(tmp_path, capsys, GHOST, extra=["--pages", "--paid"])
    assert {"about", "for-members-type-specimens", "for-paying-members-the-archive"} <= \
        set(essays)
    assert "notes-towards-a-post-on-paper" not in essays and "next-week-bookbinding" not in essays


def test_the_sites_secrets_never_reach_the_essays(tmp_path, capsys):
    _, _, _, project = imported(tmp_path, capsys, GHOST, extra=["--pages", "--paid"])
    for path in (project / "source").rglob("*.md"):
        text = path.read_text()
        assert "PRIVATE KEY" not in text and "secrethash" not in text and "@example.org" not in text


def test_imported_posts_build_and_pass_epubcheck(tmp_path, capsys):
    _, essays, _, project = imported(tmp_path, capsys, GHOST)
    text = build_and_check(project, sorted(essays), capsys)
    assert "Tickets, menus and letterheads above all." in text
