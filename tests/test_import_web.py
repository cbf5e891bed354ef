"""pamphlet import of saved web pages: reduced fixtures of real pages (Pandoc, Hakyll,
WordPress with its Footnotes block, Tufte CSS, a Ghost page saved with its _files folder, a
Substack post, an XHTML page in windows-1252 with an XML declaration); footnotes and
sidenotes as Markdown footnotes, quote attributions, no text lost around removed elements,
images copied, every byte encoding, and the imported essays built and checked with
EPUBCheck."""

from __future__ import annotations

import hashlib
import re
import shutil

import pytest

from pamphlet.cli import main

from conftest import PROJECTS
from test_import_wxr import build_and_check, prose, run_import

PAGES = PROJECTS / "web_pages"
GHOST = PAGES / "ghost-saved"
GHOST_PAGE = GHOST / "The Long Afterlife of the Zine.html"
NBSP = "\u00a0"


def only(essays):
    assert len(essays) == 1, sorted(essays)
    return next(iter(essays.values()))


def notes(body: str) -> dict[str, str]:
    """Each footnote's text (its continuation lines joined), by number."""
    found = {}
    for match in re.finditer(r"(?ms)^\[\^(\d+)\]: (.*?)(?=^\[\^\d+\]: |\Z)", body):
        found[match.group(1)] = " ".join(match.group(2).split())
    return found


def text_of(body: str) -> str:
    """The body without its footnote definitions."""
    return re.split(r"(?m)^\[\^\d+\]: ", body, maxsplit=1)[0]


def fingerprint(folder) -> dict:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*")
            if p.is_file()}


def page(tmp_path, name: str, content: bytes | str):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_pandoc_page_notes_follow_their_references(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, PAGES / "pandoc.html")
    assert status == 0 and err == ""
    essay = essays["on-folding-paper"]
    assert (essay.title, essay.authors, essay.date, essay.source) == (
        "On Folding Paper", ("Ada Folder",), "2024-05-06", None)
    body = text_of(essay.body)
    assert "The fold is older than the book.[^1] A sheet folded once" in body
    assert "folded again, eight.[^2]" in body and "sewn through the fold.[^3]" in body
    assert notes(essay.body) == {
        "1": "See *The Book*, by Amaranth Borsuk (MIT Press, 2018).",
        "2": "A note of two paragraphs. Its second paragraph, with "
             "[a link](https://example.org/folds).",
        "3": "See *The Book*, by Amaranth Borsuk (MIT Press, 2018)."}
    assert "    Its second paragraph" in essay.body  # the note's second paragraph stays in it
    assert "Borsuk" not in body and "↩" not in essay.body and "Ada Folder" not in body
    assert "> The book is a machine to think with.\n>\n> — I. A. Richards" in body


def test_hakyll_post_title_without_the_site_and_its_notes(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, PAGES / "hakyll.html")
    assert status == 0 and err == ""
    essay = only(essays)
    assert (essay.title, essay.authors, essay.date) == (
        "Actor as Sranular", ("Ryan J.K",), "2017-08-01")
    body = text_of(essay.body)
    assert "introduced by Peter Rodgers and Juval Löwy in 2005.[^1] The philosophy" in body
    assert "minimal, and complete.[^2]" in body
    assert notes(essay.body) == {
        "1": "Rodgers, Peter. “Service-Oriented Development on NetKernel”. "
             "CloudComputingExpo 2005.",
        "2": "Jim Bugwadia. *Microservices: Five Architectural Constraints*."}
    for chrome in ("Ryan's Cave", "Home", "Archive", "Posted on", "Hakyll", "Actor as"):
        assert chrome not in body
    assert body.startswith("## I Preface")


def test_wordpress_footnotes_block_and_share_box(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, PAGES / "wordpress.html")
    assert status == 0 and err == ""
    essay = only(essays)
    assert (essay.title, essay.authors, essay.date) == (
        "Analytics for the personal web", ("R. Scott Jones",), "2024-06-10")
    assert (essay.source.url, essay.source.publisher) == (
        "https://rscottjones.com/analytics-for-the-personal-web/", "R. Scott Jones")
    body = text_of(essay.body)
    assert body.startswith("If[^1] you have a website")
    assert "search queries got them to me, either[^2]. Same with aggregator" in body
    assert notes(essay.body) == {
        "1": "*You do have a website*, don’t you? No?! [Oh, you definitely should]"
             "(https://rscottjones.com/why-you-should-have-a-website/).",
        "2": "My most popular posts apparently rank high on Google."}
    assert essay.body.count("rank high on Google") == 1
    assert "> Links are the heart of the personal web.\n>\n> — Someone on the personal web" \
        in body
    for chrome in ("Share this", "Mastodon", "Related", "Why you should have a website",
                   "Proudly powered", "June 10, 2024", "About"):
        assert chrome not in body


def test_tufte_sidenotes_become_footnotes_without_splicing(tmp_path, capsys):
    before = fingerprint(PAGES)
    status, essays, err = run_import(tmp_path, capsys, PAGES / "tufte.html")
    assert status == 0 and err == ""
    essay = only(essays)
    assert essay.title == "Tufte CSS"
    body = text_of(essay.body)
    assert "In his later books[^1], Tufte starts each section" in body
    assert "the proprietary Monotype Bembo[^2] font. A similar effect" in body
    assert "indicator of clickable text.[^3] However, because" in body
    assert notes(essay.body) == {
        "1": "[*Beautiful Evidence*](http://www.edwardtufte.com/tufte/books_be)",
        "2": "See Tufte’s comment in the [Tufte book fonts]"
             "(http://www.edwardtufte.com/bboard/q-and-a-fetch-msg?msg_id=0000Vt) thread.",
        "3": "Blue text, while also a widely recognizable clickable-text indicator, is crass "
             "and distracting."}
    assert "⊕" not in essay.body and "crass" not in body
    assert "> — Richard P. Feynman, *“What Do You Care What Other People Think?”*" in body
    assert "> I do not paint things, I paint only the differences between things.\n>\n" \
        "> — Henri Matisse, *Henri Matisse Dessins: thèmes et variations* (Paris, 1943), 37" \
        in body
    # The margin note inside the figure is its caption; the image beside the page is copied.
    assert '![Exports and Imports to and from Denmark](tufte-css/exports-imports.png "From ' \
        'Edward Tufte, Visual Display of Quantitative Information, page 92.")' in body
    copy = tmp_path / "project" / "source" / "tufte-css" / "exports-imports.png"
    assert copy.read_bytes() == (PAGES / "img" / "exports-imports.png").read_bytes()
    assert fingerprint(PAGES) == before  # the saved pages are never changed


def test_saved_page_folder_imports_the_page_not_its_files(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, GHOST)
    assert status == 0 and err == ""
    essay = only(essays)  # ad-frame.html in the _files folder is part of the page
    assert (essay.title, essay.authors, essay.date, essay.tags) == (
        "The Long Afterlife of the Zine", ("Mara Quell",), "2023-11-14",
        ("Essays", "Zines & Print"))
    assert (essay.source.url, essay.source.publisher) == (
        "https://demo.ghost.io/the-long-afterlife-of-zines/", "Quire Quarterly")
    body = essay.body
    # the share link and the ad inside paragraphs leave; the words after them stay
    assert "Zines were cheap to make and cheaper to send, so they travelled further" in body
    assert "A reader wrote in, asked for an issue, and got three." in body
    assert "That is the long afterlife: not the print run, but the letters." in body
    assert "> Everyone is a media outlet now.\n>\n> — Clay Shirky, *Here Comes Everybody*" \
        in body
    slug = "the-long-afterlife-of-the-zine"
    assert f'![A long-arm stapler on a desk]({slug}/long-arm-stapler.jpg "A long-arm stapler, ' \
        'the zine maker’s one tool.")' in body
    assert (tmp_path / "project" / "source" / slug / "long-arm-stapler.jpg").read_bytes() == \
        (GHOST / "The Long Afterlife of the Zine_files" / "long-arm-stapler.jpg").read_bytes()
    assert "![Stacks of paper](https://images.unsplash.com/photo-1457369804613-52c61a468e7d" \
        "?w=600)" in body  # a remote image stays remote; the build warns of it (M303)
    for chrome in ("Tweet this", "Share this article", "Facebook", "Comments", "Read more",
                   "A Guide to Staples", "Subscribe", "3 min read", "Powered by", "Essays"):
        assert chrome not in body


def test_substack_post_footnotes_and_subscribe_widget(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, PAGES / "substack.html")
    assert status == 0 and err == ""
    essay = only(essays)
    assert (essay.title, essay.authors, essay.date, essay.tags) == (
        "The Printer's Devil", ("Jo Ink", "Sam Press"), "2024-02-20", ("printing", "history"))
    assert (essay.source.url, essay.source.publisher) == (
        "https://inkwell.substack.com/p/the-printers-devil", "Inkwell Notes")
    body = text_of(essay.body)
    assert body.startswith("The youngest apprentice in a print shop was called the printer's "
                           "devil[^1], and came home black to the elbows.")
    # a reference by the post's full address is a note too
    assert "was the devil's work[^2], and so was mixing the ink." in body
    assert notes(essay.body) == {
        "1": "The name is recorded from the seventeenth century.",
        "2": "A job was “distributed” letter by letter. A fast hand did it by feel."}
    assert '"The upper case held the capitals, the lower case the small letters.")' in body
    assert body.rstrip().endswith("Many a master printer began that way.")
    for chrome in ("Subscribe", "Thanks for reading", "Share", "Likes", "Sign in", "Feb 20",
                   "Discussion", "Privacy", "seventeenth"):
        assert chrome not in body


def test_xhtml_page_with_xml_declaration_in_windows_1252(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, PAGES / "movable-type-1252.xhtml")
    assert status == 0 and err == ""
    essay = only(essays)
    assert (essay.title, essay.authors, essay.date, essay.lang) == (
        "Le café des imprimeurs", ("Mathilde Étienne",), "2005-03-14", "fr")
    assert essay.body.strip() == (
        f"On y parlait de “papier” et de plomb, et le café coûtait 1{NBSP}€ — pas plus.\n\n"
        "Les typographes y venaient après minuit; l’été, la porte restait ouverte.")


PARAGRAPH = "<p>Before the cut, {} and after it all.</p>"
BROKEN = '<html><head><meta charset="{}"><title>T</title></head><body><article>' \
         '<h1>Encoded</h1><p>{}</p></article></body></html>'


@pytest.mark.parametrize("name, content, status, code, text", [
    ("bom.html", b"\xef\xbb\xbf" + BROKEN.format("windows-1252", "caf\u00e9 \u201cok\u201d")
     .encode("utf-8"), 0, None, "café “ok”"),
    ("latin.html", b'<?xml version="1.0" encoding="iso-8859-1"?>\n'
     + BROKEN.format("iso-8859-1", "\u201cquoted\u201d caf\u00e9").encode("cp1252"), 0, None,
     "“quoted” café"),
    ("undeclared.html", BROKEN.replace('<meta charset="{}">', "").replace("{}", "d\u00e9j\u00e0 "
                                                                           "\u20ac5")
     .encode("cp1252"), 0, "N842", "déjà €5"),
    ("utf16.html", BROKEN.format("utf-16", "\u00e9t\u00e9").encode("utf-16"), 0, None, "été"),
    ("klingon.html", BROKEN.format("x-klingon", "plain \u00e9").encode("utf-8"), 0, "N841",
     "plain é"),
    ("stray.html", BROKEN.format("utf-8", "caf\u00e9\n\nbad \xff byte").encode("utf-8")
     .replace(b"\xc3\xbf", b"\xff"), 1, "N840", None),
    ("mislabelled.html", BROKEN.format("UTF-8", "\u201cna\u00efve\u201d").encode("cp1252"),
     0, "N842", "“naïve”"),
    ("deep.html", ("<html><head><title>Deep</title></head><body><p>Shallow words.</p>"
                   + "<div>" * 300 + "deep words" + "</div>" * 300 + "</body></html>")
     .encode(), 0, "N847", "Shallow words."),
    ("empty.html", b"  \n", 0, "N843", None),
    ("nothing.html", b"<html><body><script>x()</script></body></html>", 0, "N843", None),
])
def test_byte_input(tmp_path, capsys, name, content, status, code, text):
    path = page(tmp_path, name, content)
    other = page(tmp_path, "other.html", "<html><head><title>Other</title></head><body>"
                 "<article><h1>Other</h1><p>The other page.</p></article></body></html>")
    got, essays, err = run_import(tmp_path, capsys, path, other)
    assert got == status
    assert essays.pop("other").body.strip() == "The other page."  # one page never stops the others
    if code:
        assert f"{name}" in err and code in err, err
    else:
        assert err == ""
    if code == "N842" and name == "mislabelled.html":
        assert "N842 warning: mislabelled.html says it is UTF-8 but is not; read as " \
            "windows-1252" in err
    if code == "N840":
        assert f"{name}:3: N840 cannot read {name} as UTF-8: byte 0xff at line 3" in err
        assert "hint: save the page again as UTF-8" in err
    if text:
        assert only(essays).body.strip() == text
    else:
        assert essays == {}  # nothing written for this page, not even half of it


REMOVED = [  # an element the import removes inside a paragraph, and what it says
    '<span class="share-quote"><a href="https://twitter.com/intent">Tweet this</a></span>',
    '<ins class="adsbygoogle" data-ad-client="ca-pub-1"></ins>',
    '<script>track()</script>', '<button>Copy link</button>', '<svg><path d="M0"/></svg>',
    '<span hidden>hidden words</span>', '<span aria-hidden="true">★</span>',
    '<span style="display: none">invisible</span>', '<noscript>enable js</noscript>',
    '<input type="checkbox">', '<div class="social-share"><a href="#">Share</a></div>',
]


@pytest.mark.parametrize("removed", REMOVED)
def test_no_text_lost_around_a_removed_element(tmp_path, capsys, removed):
    paragraphs = "".join(PARAGRAPH.format(f"number {n} {removed if n == 2 else ''} still")
                         for n in range(1, 4))
    html = (f"<html><head><title>Cuts | Site</title><meta property='og:site_name' "
            f"content='Site'></head><body><article>{paragraphs}"
            f"<p>Last words {removed}<em>emphasised</em> tail {removed} end.</p>"
            "</article></body></html>")
    status, essays, err = run_import(tmp_path, capsys, page(tmp_path, "cuts.html", html))
    assert status == 0
    essay = essays["cuts"]
    for n in range(1, 4):
        assert f"Before the cut, number {n} still and after it all." in \
            " ".join(essay.body.split())
    assert "Last words *emphasised* tail end." in " ".join(essay.body.split())
    for gone in ("Tweet", "track", "Copy", "hidden", "★", "invisible", "enable", "Share"):
        assert gone not in essay.body


@pytest.mark.parametrize("head, body, title", [
    ("<title>Why Paper | Quire Quarterly</title><meta property='og:site_name' "
     "content='Quire Quarterly'>", "<h1>Why Paper</h1>", "Why Paper"),
    ("<title>Why Paper – Quire Quarterly</title>", "<h2>Why Paper</h2>", "Why Paper"),
    ("<title>Quire Quarterly - Why Paper</title>", "<h1><a href='/'>Quire Quarterly</a></h1>"
     "<h3>Why Paper</h3>", "Why Paper"),
    ("<title>Quire Quarterly</title><meta property='og:title' content='Why Paper - "
     "Quire Quarterly'><meta property='og:site_name' content='Quire Quarterly'>",
     "<h1>Quire Quarterly</h1>", "Why Paper"),
    ("<title>Notes on A - B Testing</title>", "<h1>Notes on A - B Testing</h1>",
     "Notes on A - B Testing"),
    ("", "<h1>The Only Heading</h1>", "The Only Heading"),
])
def test_title_is_the_articles(tmp_path, capsys, head, body, title):
    html = (f"<html><head>{head}</head><body>{body}<article><p>Some text of the article, long "
            "enough to be one.</p><h2>A section deep in the text</h2><p>More text.</p>"
            "</article></body></html>")
    status, essays, err = run_import(tmp_path, capsys, page(tmp_path, "t.html", html))
    assert status == 0
    assert only(essays).title == title
    assert "A section deep in the text" in only(essays).body


def test_untitled_page_is_named_from_its_file(tmp_path, capsys):
    html = "<html><body><p>Only a paragraph of text, with no title anywhere.</p></body></html>"
    status, essays, err = run_import(tmp_path, capsys, page(tmp_path, "loose-note.html", html))
    assert status == 0 and only(essays).title == "loose-note"
    assert "loose-note.html: N844 warning: loose-note.html names no title" in err


@pytest.mark.parametrize("src, head, code, expected", [
    ("pics/missing.png", "", "N815", '<span class="missing-image">a photo</span>'),
    ("pics/missing.png", "<link rel='canonical' href='https://ex.org/posts/p.html'>", None,
     "![a photo](https://ex.org/posts/pics/missing.png)"),
    ("../outside.png", "", "N818", '<span class="missing-image">a photo</span>'),
    ("secret.txt", "", "N818", '<span class="missing-image">a photo</span>'),
    ("id_rsa", "", "N818", '<span class="missing-image">a photo</span>'),
    ("saved-without-suffix", "", None, "![a photo](pictures/saved-without-suffix.jpg)"),
    ("/site-root.png", "", "N815", '<span class="missing-image">a photo</span>'),
    ("javascript:alert(1)", "", None, "Text before and after."),
])
def test_images_that_are_not_beside_the_page(tmp_path, capsys, src, head, code, expected):
    (tmp_path / "outside.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "secret.txt").write_text("a private note")
    (folder / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----")
    (folder / "saved-without-suffix").write_bytes(b"\xff\xd8\xff\xe0 a JPEG, as browsers save")
    html = (f"<html><head><title>Pictures</title>{head}</head><body><article><p>Text before "
            f"<img src='{src}' alt='a photo'> and after.</p></article></body></html>")
    status, essays, err = run_import(tmp_path, capsys, page(folder, "pictures.html", html))
    assert status == 0
    assert expected in only(essays).body
    if code:
        assert f"pictures.html:1: {code} warning: image {src}" in err, err
    else:
        assert err == ""
    copies = tmp_path / "project" / "source" / "pictures"
    assert sorted(p.name for p in copies.iterdir()) == (
        ["saved-without-suffix.jpg"] if "suffix" in src else []) if copies.exists() else \
        "suffix" not in src


def test_a_note_whose_reference_is_left_out_is_kept(tmp_path, capsys):
    html = ("<html><head><title>Orphan</title></head><body><nav>Menu<sup><a href='#n1'>1</a>"
            "</sup></nav><article><p>The article's text, which is long enough to count.</p>"
            "<ol class='footnotes'><li id='n1'>The note's own words.</li></ol></article>"
            "</body></html>")
    status, essays, err = run_import(tmp_path, capsys, page(tmp_path, "orphan.html", html))
    assert status == 0
    body = only(essays).body
    assert body.count("The note's own words.") == 1 and "[^" not in body
    assert "N845 warning: a note whose reference is not in the article" in err


INLINE = ("<html><head><title>Inline</title></head><body><article><p>Water is H<sub>2</sub>O, "
          "the 1<sup>st</sup> of many; she said <q>we read <q>Ulysses</q> twice</q> and quoted "
          "<cite>The Book</cite>.<sup><a href='#n1'>1</a></sup></p><ol><li id='n1'>A note."
          "</li></ol><p class='noprint'>Print this page</p></article></body></html>")


def test_inline_elements_keep_what_a_browser_shows(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, page(tmp_path, "inline.html", INLINE))
    assert status == 0 and err == ""
    assert only(essays).body.strip() == (
        "Water is H<sub>2</sub>O, the 1<sup>st</sup> of many; she said “we read ‘Ulysses’ "
        "twice” and quoted *The Book*.[^1]\n\n[^1]: A note.")


def test_imported_pages_build_and_pass_epubcheck(tmp_path, capsys):
    shutil.copytree(PAGES, tmp_path / "pages")
    page(tmp_path / "pages", "inline.html", INLINE)
    before = fingerprint(tmp_path / "pages")
    status, essays, err = run_import(tmp_path, capsys, tmp_path / "pages")
    assert status == 0 and err == ""
    assert len(essays) == 8
    err, text = build_and_check(tmp_path / "project", sorted(essays), capsys)
    assert "M303" in err  # the one remote image, left out with a warning
    for words in ("In his later books", "Beautiful Evidence", "crass and distracting",
                  "Rodgers, Peter", "rank high on Google", "Clay Shirky", "café coûtait",
                  "recorded from the seventeenth century", "“we read ‘Ulysses’ twice”"):
        assert text.count(words) == 1, words
    for chrome in ("Share this", "Tweet this", "Proudly powered", "Ryan's Cave"):
        assert chrome not in text
    assert fingerprint(tmp_path / "pages") == before
    assert main(["import", str(tmp_path / "pages" / "pandoc.html"), "--project",
                 str(tmp_path / "project")]) == 0  # a second import never overwrites
    assert "N804" in capsys.readouterr().err


@pytest.mark.parametrize("head, expected", [
    ("", "See [the rules](https://rules.example/) and mail [us](mailto:us@example.org); "
         "the about page, the top, and click."),
    ("<link rel='canonical' href='https://ex.org/blog/post.html'>",
     "See [the rules](https://rules.example/) and mail [us](mailto:us@example.org); "
     "the [about page](https://ex.org/about.html), the top, and click."),
    ("<base href='https://mirror.ex.org/b/'><link rel='canonical' href='https://ex.org/p'>",
     "See [the rules](https://rules.example/) and mail [us](mailto:us@example.org); "
     "the [about page](https://mirror.ex.org/about.html), the top, and click."),
])
def test_links_off_the_page_keep_a_full_address(tmp_path, capsys, head, expected):
    html = (f"<html><head><title>Links</title>{head}</head><body><article><p>See <a "
            "href='https://rules.example/'>the rules</a> and mail <a href='mailto:us@example.org'"
            ">us</a>; the <a href='../about.html'>about page</a>, the <a href='#top'>top</a>, "
            "and <a href='javascript:go()'>click</a>.</p></article></body></html>")
    status, essays, err = run_import(tmp_path, capsys, page(tmp_path, "links.html", html))
    assert status == 0 and only(essays).body.strip() == expected


def test_a_note_that_refers_to_another_note(tmp_path, capsys):
    html = ("<html><head><title>Chain</title></head><body><article><p>The claim.<sup><a "
            "href='#n1'>1</a></sup> The end of the article's text.</p><ol><li id='n1'>First "
            "note, see also<sup><a href='#n2'>2</a></sup>.</li><li id='n2'>Second note.</li>"
            "</ol></article></body></html>")
    status, essays, err = run_import(tmp_path, capsys, page(tmp_path, "chain.html", html))
    assert status == 0 and err == ""
    body = only(essays).body
    assert body.startswith("The claim.[^1] The end")
    assert notes(body) == {"1": "First note, see also[^2].", "2": "Second note."}


def test_a_page_cannot_forge_the_imports_own_markers(tmp_path, capsys):
    """The private-use characters the import marks notes, images and copies with are taken
    out of a page first: a page holding them imports, and none reaches the essay."""
    forged = "\ue0300\ue031 \ue0400\ue041 \ue0100\ue011 \ue050"
    html = (f"<html><head><title>Forged</title></head><body><article><p>Text {forged} and "
            "the rest of the sentence.</p></article></body></html>")
    status, essays, err = run_import(tmp_path, capsys, page(tmp_path, "forged.html", html))
    assert status == 0
    body = only(essays).body
    assert "Text" in body and "the rest of the sentence." in body
    assert not re.search("[\ue000-\uf8ff]", body) and "[^" not in body


def test_a_site_source_folder_imports_its_markdown_not_its_templates(tmp_path, capsys):
    site = tmp_path / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_layouts").mkdir()
    (site / "_posts" / "2024-01-02-hello.md").write_text("---\ntitle: Hello\n---\nHi there.\n")
    (site / "_layouts" / "default.html").write_text(
        "<!DOCTYPE html><html><body>{{ content }}</body></html>")
    (site / "_layouts" / "post.html").write_text("<html><body><article>{{ content }}</article>")
    status, essays, err = run_import(tmp_path, capsys, site)
    assert status == 0 and list(essays) == ["hello"]
    assert "site: N848 warning: 2 HTML files in site/, a folder of Markdown, not imported" in err


@pytest.mark.parametrize("inside, present, absent", [
    # a collapsed accordion holds the text: hidden from the screen, kept for the page
    ('<div class="accordion-body" aria-hidden="true"><p>Folded away, yet part of the essay.'
     '</p></div>', "Folded away, yet part of the essay.", None),
    ('<div hidden><h2>Appendix</h2><p>The appendix text.</p></div>', "The appendix text.", None),
    # a lazy-loading page's one real image is in <noscript>
    ('<figure><img src="data:image/gif;base64,R0lGOD" class="lazy"><noscript><img '
     'src="https://img.example.org/real.jpg" alt="the real one"></noscript></figure>',
     "![the real one](https://img.example.org/real.jpg)", "data:image"),
    ('<img src="https://img.example.org/a.jpg" alt="shown"><noscript><img '
     'src="https://img.example.org/a.jpg" alt="twice"></noscript>',
     "![shown](https://img.example.org/a.jpg)", "twice"),
    # a figure's other images and words are not lost with it
    ('<figure><img src="https://a.example/1.jpg" alt="one"><img src="https://a.example/2.jpg" '
     'alt="two"><figcaption>Both of them</figcaption></figure>',
     "![one](https://a.example/1.jpg)![two](https://a.example/2.jpg)", None),
    ('<figure><img src="https://a.example/1.jpg" alt="one"><p>Photo: Ana Lens</p><figcaption>'
     'The caption</figcaption></figure>',
     '![one](https://a.example/1.jpg "The caption") Photo: Ana Lens', None),
    ('<p>Watch it:</p><iframe src="https://www.youtube.com/embed/abc123"></iframe>',
     "[https://www.youtube.com/embed/abc123](https://www.youtube.com/embed/abc123)", None),
    ('<video controls><source src="/media/talk.mp4" type="video/mp4">No video.</video>',
     "[https://ex.org/media/talk.mp4](https://ex.org/media/talk.mp4)", "No video."),
    ('<audio src="javascript:evil()"></audio><p>After the player.</p>', "After the player.",
     "javascript"),
])
def test_hidden_lazy_and_embedded_parts(tmp_path, capsys, inside, present, absent):
    html = ("<html><head><title>Parts</title><link rel='canonical' href='https://ex.org/p'>"
            "</head><body><article><p>The article begins with enough words to count.</p>"
            f"{inside}<p>And ends with enough words as well.</p></article></body></html>")
    status, essays, err = run_import(tmp_path, capsys, page(tmp_path, "parts.html", html))
    assert status == 0 and err == ""
    body = only(essays).body
    assert present in body and "And ends with enough words as well." in body
    assert absent is None or absent not in body


@pytest.mark.parametrize("head, author, title, url", [
    # Yoast's graph names the author by reference; the address is the article's url
    ('<script type="application/ld+json">{"@graph": [{"@type": "Article", "headline": "Graph '
     'Post", "mainEntityOfPage": {"@id": "https://ex.org/graph-post/"}, "author": {"@id": '
     '"https://ex.org/#/schema/person/1"}}, {"@type": "Person", "@id": '
     '"https://ex.org/#/schema/person/1", "name": "Ida Yoast"}]}</script>',
     ("Ida Yoast",), "Graph Post", "https://ex.org/graph-post/"),
    # a site that gives every page its own name as og:title
    ("<meta property='og:title' content='The Site'><meta property='og:site_name' "
     "content='The Site'><title>Real Title | The Site</title><meta name='author' "
     "content='Al Meta'>", ("Al Meta",), "Real Title", None),
])
def test_metadata_conventions(tmp_path, capsys, head, author, title, url):
    html = (f"<html><head>{head}</head><body><article><h1>{title}</h1><p>Words of the "
            "article, enough of them.</p></article></body></html>")
    status, essays, err = run_import(tmp_path, capsys, page(tmp_path, "meta.html", html))
    assert status == 0
    essay = only(essays)
    assert (essay.authors, essay.title, essay.source and essay.source.url) == (
        author, title, url)


def test_an_internal_fault_costs_one_page_not_the_others(tmp_path, capsys, monkeypatch):
    from pamphlet.importers import html as html_importer

    def broken(self):
        raise ValueError("a bug of ours")

    monkeypatch.setattr(html_importer._Page, "draft", broken)
    status, essays, err = run_import(tmp_path, capsys, PAGES / "pandoc.html",
                                     PAGES / "../imports/pasted.txt")
    assert status == 1 and list(essays) == ["paper-weights-and-quotes"]
    assert "pandoc.html: N849 pandoc.html could not be imported: an internal fault " \
        "(ValueError: a bug of ours)" in err


TUFTE_FULL = PROJECTS / "web_page_tufte_css" / "index.html"


def plain(markdown: str) -> str:
    """Markdown's text without its marks: link addresses, emphasis, code marks, escapes."""
    text = re.sub(r"\]\([^)]*\)", "", re.sub(r"(?m)^>[ \t]?", "", markdown))
    return " ".join(re.sub(r"[\[\]*`\\]", "", text).split())


def test_tufte_css_whole_page_keeps_every_paragraph_and_every_note(tmp_path, capsys):
    """The whole real page: every paragraph of the article is in the essay, every sidenote
    and margin note is one footnote at its place, and no note's text is in the body."""
    from lxml import html as lxml_html

    status, essays, err = run_import(tmp_path, capsys, TUFTE_FULL)
    assert status == 0
    assert err.count("N815 warning") == 5  # the five images, left out of this copy
    essay = only(essays)
    source = lxml_html.fromstring(TUFTE_FULL.read_bytes())
    spans = source.xpath("//span[@class='sidenote' or @class='marginnote']")
    in_figures = [s for s in spans if s.xpath("ancestor::figure")]
    assert len(spans) == 7 and len(in_figures) == 1
    numbered = [n for n in notes(essay.body)]
    assert numbered == [str(n) for n in range(1, len(spans) - len(in_figures) + 1)]
    body = plain(prose(text_of(essay.body)))  # code blocks show notes' markup: left out
    for number in numbered:
        assert text_of(essay.body).count(f"[^{number}]") == 1
    note_texts = [" ".join(s.text_content().split()) for s in spans if s not in in_figures]
    for note in (n for n in note_texts if len(n) > 30):  # "Beautiful Evidence" is in the text
        assert note[:40] not in body  # never spliced into a sentence
    for paragraph in source.xpath("//article//p[not(ancestor::span) and not(.//code)]"):
        for span in paragraph.xpath(".//span[@class='sidenote' or @class='marginnote']"):
            span.drop_tree()
        words = plain(paragraph.text_content().replace("⊕", ""))
        assert words[:50] in body and words[-50:] in body, words
    assert "visual display of quantitative information, page 92" in body.lower()  # a caption
    # a margin note's mark on its own line in the page still sits on the word before it
    assert "then you want a margin note.[^5]\nOn large screens" in essay.body


NOTE_SHAPES = {  # generator: (the reference as it writes it, its list of notes)
    "kramdown (Jekyll)": (
        '<sup id="fnref:1" role="doc-noteref"><a href="#fn:1" class="footnote" '
        'rel="footnote">1</a></sup>',
        '<div class="footnotes" role="doc-endnotes"><ol><li id="fn:1" role="doc-endnote"><p>The '
        '<em>note</em> text. <a href="#fnref:1" class="reversefootnote" role="doc-backlink">'
        '&#8617;</a></p></li></ol></div>'),
    "Python-Markdown": (
        '<sup id="fnref:n"><a class="footnote-ref" href="#fn:n">1</a></sup>',
        '<div class="footnote"><hr /><ol><li id="fn:n"><p>The <em>note</em> text.&#160;<a '
        'class="footnote-backref" href="#fnref:n" title="Jump back">&#8617;</a></p></li></ol>'
        '</div>'),
    "markdown-it (VuePress)": (
        '<sup class="footnote-ref"><a href="#footnote1">[1]</a><a class="footnote-anchor" '
        'id="footnote-ref1"></a></sup>',
        '<hr class="footnotes-sep"><section class="footnotes"><ol class="footnotes-list"><li '
        'id="footnote1" class="footnote-item"><p>The <em>note</em> text. <a '
        'href="#footnote-ref1" class="footnote-backref">↩︎</a></p></li></ol></section>'),
    "MediaWiki (Wikipedia)": (
        '<sup id="cite_ref-a_1-0" class="reference"><a href="#cite_note-a-1">[1]</a></sup>',
        '<div class="reflist"><ol class="references"><li id="cite_note-a-1"><span '
        'class="mw-cite-backlink">^ <a href="#cite_ref-a_1-0"><sup><i><b>a</b></i></sup></a>'
        '</span> <span class="reference-text">The <em>note</em> text.</span></li></ol></div>'),
    "Easy Footnotes (WordPress)": (
        '<span id="easy-footnote-1-17" class="easy-footnote-margin-adjust"></span><span '
        'class="easy-footnote"><a href="#easy-footnote-bottom-1-17" title="The note text.">'
        '<sup>1</sup></a></span>',
        '<div class="easy-footnote-title"><h4>Notes</h4></div><ol '
        'class="easy-footnotes-wrapper"><li class="easy-footnote-single"><span '
        'id="easy-footnote-bottom-1-17" class="easy-footnote-margin-adjust"></span>The '
        '<em>note</em> text.<a class="easy-footnote-to-top" href="#easy-footnote-1-17"></a>'
        '</li></ol>'),
}


@pytest.mark.parametrize("shape", NOTE_SHAPES)
def test_footnotes_of_each_generator(tmp_path, capsys, shape):
    reference, listing = NOTE_SHAPES[shape]
    html = (f"<html><head><title>Notes</title></head><body><article><p>The claim{reference} "
            f"and the rest of the sentence.</p><p>Another paragraph of the text.</p>{listing}"
            "</article></body></html>")
    status, essays, err = run_import(tmp_path, capsys, page(tmp_path, "notes.html", html))
    assert status == 0 and err == ""
    body = only(essays).body
    assert text_of(body).strip() == ("The claim[^1] and the rest of the sentence.\n\n"
                                     "Another paragraph of the text.")
    assert notes(body) == {"1": "The *note* text."}
