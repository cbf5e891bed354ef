"""pamphlet import of WordPress exports: WordPress's own theme unit test export (real, GPL),
every WXR version, recovery from small faults, shortcodes, skipped posts, hostile exports,
and the imported project built and checked with EPUBCheck."""

from __future__ import annotations

import os
import re
import time
import zipfile

import pytest
from epubchecker import messages
from lxml import html as lxml_html

from pamphlet.cli import main
from pamphlet.diagnostics import Diagnostics
from pamphlet.project.essays import read_essay

from conftest import PROJECTS

THEME_TEST = PROJECTS / "imports" / "wordpress-theme-unit-test" / "themeunittestdata.wordpress.xml"
NS_12 = b'xmlns:wp="https://wordpress.org/export/1.2/"'
PUBLISHED = {  # slug: (title, date, source URL) of every published post in the export
    "post-format-standard": ("Post Format: Standard", "2010-10-05",
                             "2010/10/05/post-format-standard/"),
    "post-format-gallery": ("Post Format: Gallery", "2010-09-10",
                            "2010/09/10/post-format-gallery/"),
    "post-format-aside": ("Post Format: Aside", "2010-05-09", "2010/05/09/post-format-aside/"),
    "post-format-chat": ("Post Format: Chat", "2010-01-08", "2010/01/08/post-format-chat/"),
    "post-format-link": ("Post Format: Link", "2010-03-07", "2010/03/07/post-format-link/"),
    "post-format-image-linked": ("Post Format: Image (Linked)", "2010-08-06",
                                 "2010/08/06/post-format-image-linked/"),
    "post-format-quote": ("Post Format: Quote", "2010-02-05", "2010/02/05/post-format-quote/"),
    "post-format-status": ("Post Format: Status", "2010-04-04", "2010/04/04/post-format-status/"),
    "post-format-video-wordpress-tv": ("Post Format: Video (WordPress.tv)", "2010-06-03",
                                       "2010/06/03/post-format-video-wordpresstv/"),
    "post-format-audio": ("Post Format: Audio", "2010-07-02", "2010/07/02/post-format-audio/"),
    "post-format-gallery-tiled": ("Post Format: Gallery (Tiled)", "2010-09-09",
                                  "2010/09/09/post-format-gallery-tiled/"),
    "post-format-image": ("Post Format: Image", "2010-08-08", "2010/08/08/post-format-image/"),
    "post-format-video-youtube": ("Post Format: Video (YouTube)", "2010-06-02",
                                  "2010/06/02/post-format-video-youtube/"),
    "post-format-image-caption": ("Post Format: Image (Caption)", "2010-08-07",
                                  "2010/08/07/post-format-image-caption/"),
    "untitled-2009-09-05": ("Untitled (2009-09-05)", "2009-09-05",
                            "2009/09/05/edge-case-no-title/"),
    "edge-case-no-content": ("Edge Case: No Content", "2009-08-06",
                             "2009/08/06/edge-case-no-content/"),
    "template-paginated": ("Template: Paginated", "2012-01-08", "2012/01/08/template-paginated/"),
    "markup-title-with-markup": ("Markup: Title With Markup", "2013-01-05",
                                 "2013/01/05/markup-title-with-markup/"),
    "markup-title-with-special-characters": (
        "Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>", "2013-01-05",
        "2013/01/05/title-with-special-characters/"),
    "block-quote": ("Block: Quote", "2018-11-01", "2018/11/02/block-quote/"),
}
SITE = "https://wpthemetestdata.wordpress.com/"
SUMMARY = ("N807 warning: skipped 4 posts that are not published: 1 draft, 1 page, "
           "1 password-protected, 1 scheduled")
_CODE = re.compile(r"(?ms)^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$|`[^`\n]+`")
LEFTOVERS = ("[caption", "[/caption", "[gallery", "[audio", "[video", "[embed", "[code",
             "[sourcecode", "<!-- wp:", "<!-- /wp:", "{%", "{{<", "{{ ", "{{%", "\ue010", "\ue020")


def run_import(tmp_path, capsys, *paths, extra=()):
    """Import `paths` into a project at tmp_path/project: (status, essays by slug, stderr)."""
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    status = main(["import", *map(str, paths), "--project", str(project), *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    essays = {p.stem: read_essay(p, Diagnostics())
              for p in sorted((project / "source").glob("*.md"))}
    return status, essays, err


def prose(markdown: str) -> str:
    """Markdown without its code blocks and code spans: the text that must be clean."""
    return _CODE.sub("", markdown)


def assert_clean(essays) -> None:
    for slug, essay in essays.items():
        for leftover in LEFTOVERS:
            assert leftover not in prose(essay.body), (slug, leftover)


def build_and_check(project, slugs, capsys):
    """Build the imported project with a spec listing `slugs`; EPUBCheck finds nothing."""
    (project / "pamphlet.toml").write_text(
        'title = "Imported"\nessays = [' + ", ".join(f'"{s}"' for s in slugs) + "]\n")
    assert main(["build", str(project)]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    epub = project / "build" / "pamphlet.epub"
    assert messages(epub) == []
    return err, epub_text(epub)


def epub_text(epub) -> str:
    """The printed text of the EPUB's chapters, code blocks left out."""
    texts = []
    with zipfile.ZipFile(epub) as book:
        for name in sorted(n for n in book.namelist() if n.endswith(".xhtml")):
            page = lxml_html.fromstring(book.read(name))
            for code in page.xpath("//pre | //code"):
                code.drop_tree()
            texts.append(page.text_content())
    return "\n".join(texts)


@pytest.fixture(scope="module")
def theme_test(tmp_path_factory):
    """The theme unit test export imported once: (project, essays, stderr)."""
    tmp = tmp_path_factory.mktemp("theme")
    project = tmp / "project"
    status = main(["import", str(THEME_TEST), "--project", str(project)])
    essays = {p.stem: read_essay(p, Diagnostics())
              for p in sorted((project / "source").glob("*.md"))}
    return status, project, essays


def test_theme_unit_test_export_imports_every_published_post(theme_test):
    status, project, essays = theme_test
    assert status == 0
    assert set(essays) == set(PUBLISHED)
    for slug, (title, date, address) in PUBLISHED.items():
        essay = essays[slug]
        assert (essay.title, essay.date, essay.source.url) == (title, date, SITE + address)
    assert {e.authors for e in essays.values()} == {("Theme Buster",), ("Theme Reviewer",)}
    assert essays["block-quote"].authors == ("Theme Reviewer",)
    assert_clean(essays)


def test_skipped_posts_are_counted_in_one_line(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, THEME_TEST)
    assert SUMMARY in err and err.count("N807") == 1
    assert "hint: pages import with --pages" in err
    for unpublished in ("draft", "scheduled", "password-protected", "page-a", "template-password"):
        assert not any(unpublished in slug for slug in essays)
    assert "N806" not in err


def test_pages_import_with_pages_and_attachments_and_menu_items_never(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, THEME_TEST, extra=["--pages"])
    assert set(essays) == set(PUBLISHED) | {"page-a"}
    assert essays["page-a"].body.startswith("Integer posuere erat a ante venenatis")
    assert "1 page" not in err and "skipped 3 posts" in err
    assert not any(s.startswith(("dsc2005", "2014-slider")) for s in essays)


def test_tags_are_categories_and_post_tags_not_the_post_format(theme_test):
    essays = theme_test[2]
    assert essays["post-format-audio"].tags == ("Classic", "audio", "Post Formats", "shortcode")
    assert essays["post-format-gallery"].tags == ("Classic", "gallery", "Post Formats",
                                                  "shortcode")
    assert "Audio" not in essays["post-format-audio"].tags  # the post format
    assert essays["block-quote"].tags == ("Block", "content περιεχόμενο")


def test_titles_decode_entities_once_and_drop_markup(theme_test):
    essays = theme_test[2]
    # &amp; &#039; &quot; &gt; in the export; <em>, <b>, <sup> in the other title.
    assert essays["markup-title-with-special-characters"].title.endswith(
        "~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>")
    assert essays["markup-title-with-markup"].title == "Markup: Title With Markup"


def test_untitled_post_is_titled_by_its_date_with_a_warning(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, THEME_TEST)
    assert essays["untitled-2009-09-05"].title == "Untitled (2009-09-05)"
    assert re.search(r"themeunittestdata\.wordpress\.xml:\d+: N810 warning: a post has no title; "
                     r"it is called 'Untitled \(2009-09-05\)' \(from its date\)", err)
    text = (tmp_path / "project" / "source" / "untitled-2009-09-05.md").read_text()
    assert "title: ''" not in text


def test_untitled_post_takes_its_first_heading(tmp_path, capsys):
    export = tmp_path / "export.xml"
    export.write_text(wxr(item(title="", content="<h2>The Real Title</h2><p>Text.</p>")))
    status, essays, err = run_import(tmp_path, capsys, export)
    assert [e.title for e in essays.values()] == ["The Real Title"]
    assert "N810 warning" in err and "(from its first heading)" in err


def test_caption_becomes_a_figure_with_its_caption(theme_test):
    essays = theme_test[2]
    assert essays["post-format-image-caption"].body.strip() == (
        "![Bell on Wharf](https://wpthemetestdata.files.wordpress.com/2008/06/100_5478.jpg?w=604"
        ' "Bell on wharf in San Francisco")')
    assert essays["post-format-image-linked"].body.startswith(
        "![chunk of resinous blackboy husk](https://wpthemetestdata.files.wordpress.com/2013/09/"
        'dsc20040724_152504_532.jpg "Chunk of resinous blackboy husk, Clarkson, Western '
        'Australia. This burns like a spinifex log.")')


def test_gallery_becomes_the_images_of_the_export(theme_test):
    body = theme_test[2]["post-format-gallery"].body
    images = re.findall(r"!\[([^\]]*)\]\(([^)]+)\)", body)
    # [gallery] without ids shows the post's attachments: 1687 and 1691, ten times over.
    assert len(images) == 20
    assert set(images) == {
        ("dsc20050604_133440_34211",
         "https://wpthemetestdata.files.wordpress.com/2013/09/dsc20050604_133440_34211.jpg"),
        ("dsc20050315_145007_132",
         "https://wpthemetestdata.files.wordpress.com/2014/01/dsc20050315_145007_132.jpg")}
    assert "## Nine Columns" in body


def attachment(number: int, parent: int, order: int, name: str) -> str:
    return (f"<item><title>{name}</title><wp:post_id>{number}</wp:post_id><wp:post_parent>"
            f"{parent}</wp:post_parent><wp:menu_order>{order}</wp:menu_order><wp:post_type>"
            f"attachment</wp:post_type><wp:attachment_url>https://blog.example.org/{name}.jpg"
            "</wp:attachment_url></item>")


def test_a_gallery_shows_its_images_in_the_order_wordpress_does(tmp_path, capsys):
    """With ids, in the order they are listed; without, the post's images in their menu
    order (then by id), as WordPress's gallery shortcode shows them."""
    post = item(title="Gallery", content='[gallery ids="13,11,12"]\n\nThen [gallery]',
                extra="<wp:post_id>7</wp:post_id>")
    media = [attachment(11, 7, 2, "b"), attachment(12, 7, 1, "c"), attachment(13, 7, 1, "a"),
             attachment(14, 8, 0, "other-post"), attachment(10, 7, 3, "d")]
    export = tmp_path / "export.xml"
    export.write_text(wxr(*media, post))
    status, essays, err = run_import(tmp_path, capsys, export)
    shown = re.findall(r"!\[([^\]]*)\]", essays["gallery"].body)
    assert status == 0 and shown == ["a", "b", "c", "c", "a", "b", "d"] and not err, err


def test_gallery_ids_not_in_the_export_are_named(tmp_path, capsys):
    status, essays, err = run_import(tmp_path, capsys, THEME_TEST)
    assert "N812 warning: gallery images not in the export: 755, 757, 758, 760, 766, 763" in err
    assert "This is some text after the Tiled Gallery" in essays["post-format-gallery-tiled"].body


def test_media_shortcodes_become_links_and_block_comments_go(theme_test):
    essays = theme_test[2]
    mp3 = ("https://wpthemetestdata.files.wordpress.com/2008/06/"
           "originaldixielandjazzbandwithalbernard-stlouisblues.mp3")
    assert essays["post-format-audio"].body.strip().endswith(f"Audio shortcode:\n\n[{mp3}]({mp3})")
    assert "<https://www.youtube.com/watch?v=SQEQr7c0-dw>" in essays[
        "post-format-video-youtube"].body
    quote = essays["block-quote"].body
    assert "> Gutenberg is more than an editor." in quote and "wp:" not in quote


def test_no_character_is_lost(theme_test):
    essays = theme_test[2]
    assert "beaching their coracles [simple boat]." in essays["post-format-standard"].body
    assert "“I never tried to prove nothing" in essays["post-format-aside"].body
    table = essays["markup-title-with-special-characters"].body
    assert "| { | \\| | } | ~ |" in table and "| & | ' | ( | ) | \\* |" in table


# Every WXR version, over http and https, and WordPress.com's exports.
@pytest.mark.parametrize("namespace", [
    b"http://wordpress.org/export/1.0/", b"http://wordpress.org/export/1.1/",
    b"http://wordpress.org/export/1.2/", b"https://wordpress.org/export/1.0/",
    b"https://wordpress.org/export/1.1/", b"https://wordpress.org/export/1.2/"])
def test_every_wxr_version_imports(tmp_path, capsys, namespace):
    export = tmp_path / "export.xml"
    export.write_bytes(THEME_TEST.read_bytes().replace(
        b"https://wordpress.org/export/1.2/", namespace))
    status, essays, err = run_import(tmp_path, capsys, export)
    assert status == 0 and set(essays) == set(PUBLISHED)
    assert SUMMARY in err


def test_old_wordpress_com_export_with_an_undeclared_prefix_is_repaired(tmp_path, capsys):
    export = tmp_path / "wordpresscom.xml"
    export.write_bytes(THEME_TEST.read_bytes().replace(
        b"<language>en</language>",
        b'<language>en</language>\n<atom:link rel="search" type="application/'
        b'opensearchdescription+xml" href="https://wpthemetestdata.wordpress.com/osd.xml" '
        b'title="Theme Unit Test Data" />', 1))
    status, essays, err = run_import(tmp_path, capsys, export)
    assert status == 0 and set(essays) == set(PUBLISHED)
    assert re.search(r"wordpresscom\.xml:\d+: N808 warning: the export is not well-formed XML "
                     r"and was read in recovery mode; repaired: line \d+: Namespace prefix atom "
                     r"on link is not defined", err)


def test_an_undeclared_wp_prefix_is_repaired(tmp_path, capsys):
    export = tmp_path / "export.xml"
    export.write_bytes(THEME_TEST.read_bytes().replace(b" " + NS_12, b"", 1))
    status, essays, err = run_import(tmp_path, capsys, export)
    assert status == 0 and set(essays) == set(PUBLISHED) and SUMMARY in err
    assert re.search(r"N808 warning: .* repaired: line \d+: Namespace prefix wp on \w+ is not "
                     "defined", err)
    assert essays["block-quote"].authors == ("Theme Reviewer",)


@pytest.mark.parametrize("fraction", [0.05, 0.2, 0.33, 0.5, 0.61, 0.75, 0.9, 0.99])
def test_a_cut_off_export_imports_what_it_holds_without_a_traceback(tmp_path, capsys, fraction):
    data = THEME_TEST.read_bytes()
    export = tmp_path / "cut.xml"
    export.write_bytes(data[:int(len(data) * fraction)])
    status, essays, err = run_import(tmp_path, capsys, export)
    assert "N808 warning" in err or (status == 1 and "N809" in err and not essays)
    assert set(essays) <= set(PUBLISHED)  # never the password-protected post, cut before
    if "N808" in err:                      # its password
        assert "the file ends inside the post on line" in err


def test_a_stray_ampersand_is_repaired_with_a_warning(tmp_path, capsys):
    export = tmp_path / "export.xml"
    export.write_text(wxr(item(title="Fish & Chips", content="<p>Vinegar.</p>")))
    status, essays, err = run_import(tmp_path, capsys, export)
    assert status == 0 and "N808 warning" in err and "repaired: line 4:" in err
    assert [e.body.strip() for e in essays.values()] == ["Vinegar."]


def test_not_a_wordpress_export(tmp_path, capsys):
    export = tmp_path / "feed.xml"
    export.write_text('<?xml version="1.0"?><rss version="2.0"><channel><item><title>A'
                      "</title></item></channel></rss>")
    status, essays, err = run_import(tmp_path, capsys, export)
    assert status == 1 and essays == {}
    assert "feed.xml: N809 feed.xml is not a WordPress export" in err
    export.write_text("<rss><channel><<<")
    status, essays, err = run_import(tmp_path, capsys, export)
    assert status == 1 and re.search(r"feed\.xml:1: N809 feed\.xml is not a readable "
                                     "WordPress export", err)


def test_every_unpublished_status_is_counted(tmp_path, capsys):
    export = tmp_path / "export.xml"
    export.write_text(wxr(*(item(title=status, content="x", status=status) for status in (
        "private", "trash", "pending", "draft", "auto-draft", "future", "publish"))))
    status, essays, err = run_import(tmp_path, capsys, export)
    assert list(essays) == ["publish"]
    assert ("N807 warning: skipped 6 posts that are not published: 2 draft, 1 pending review, "
            "1 private, 1 scheduled, 1 trashed") in err


def test_date_author_and_address_fall_back_as_wordpress_writes_them(tmp_path, capsys):
    old = ("<item><title>Old</title><guid isPermaLink=\"true\">https://old.example.org/?p=7</guid>"
           "<pubDate>Tue, 05 Oct 2004 07:27:25 +0000</pubDate><dc:creator>bob</dc:creator>"
           "<content:encoded><![CDATA[Text.]]></content:encoded><wp:post_date>0000-00-00 "
           "00:00:00</wp:post_date><wp:status>publish</wp:status><wp:post_type>post"
           "</wp:post_type></item>")
    export = tmp_path / "export.xml"
    export.write_text(wxr(old))
    status, essays, err = run_import(tmp_path, capsys, export)
    essay = essays["old"]
    assert (essay.date, essay.authors, essay.source.url) == (
        "2004-10-05", ("bob",), "https://old.example.org/?p=7")


# Entities decoded once, in titles, categories, tags and author names.
def test_entities_in_titles_categories_and_tags_are_decoded_once(tmp_path, capsys):
    export = tmp_path / "export.xml"
    export.write_text(wxr(
        item(title="Tips &amp;amp; Tricks", content="<p>Body.</p>", categories=(
            '<category domain="category" nicename="t"><![CDATA[Tips &amp; Tricks]]></category>'
            '<category domain="post_tag" nicename="l">a &amp;amp;lt; b</category>'
            '<category domain="post_format" nicename="post-format-aside">Aside</category>')),
        authors="<wp:author><wp:author_login>ann</wp:author_login><wp:author_display_name>"
                "<![CDATA[Ann &amp; Bo]]></wp:author_display_name></wp:author>"))
    status, essays, err = run_import(tmp_path, capsys, export)
    essay = essays["tips-tricks"]
    assert (essay.title, essay.tags, essay.authors) == (
        "Tips & Tricks", ("Tips & Tricks", "a &lt; b"), ("Ann & Bo",))


SHORTCODES = [
    ("[code lang=\"python\"]if a &lt; b:\n    print(`x`)[/code]",
     "```python\nif a < b:\n    print(`x`)\n```", ""),
    ("[sourcecode language=\"js\"]let x = 1;[/sourcecode]", "```js\nlet x = 1;\n```", ""),
    ("[embed]https://vimeo.com/22439234[/embed]",
     "[https://vimeo.com/22439234](https://vimeo.com/22439234)", ""),
    ('[video width="640" mp4="https://example.org/v.mp4"][/video]',
     "[https://example.org/v.mp4](https://example.org/v.mp4)", ""),
    ('[audio src="https://example.org/a.ogg"]',
     "[https://example.org/a.ogg](https://example.org/a.ogg)", ""),
    ('[caption id="x" width="300"]<img src="https://example.org/i.png" alt="Alt &amp; text" /> '
     "A <em>caption</em>[/caption]", '![Alt & text](https://example.org/i.png "A caption")', ""),
    ('Before [contact-form-7 id="12" title="Contact"] after, and [contact-form-7 id="13"].',
     "Before after, and .", "N811 warning: unknown shortcode [contact-form-7] removed"),
    ("[pullquote align=\"left\"]Kept words.[/pullquote]", "Kept words.",
     "N811 warning: unknown shortcode [pullquote] removed (the text inside it is kept)"),
    ("Write [[gallery]] to show a gallery.", "Write [gallery] to show a gallery.", ""),
    ("A remark [sic] and [1] and [simple boat].", "A remark [sic] and [1] and [simple boat].", ""),
    ("<!-- wp:paragraph -->\n<p>Block text.</p>\n<!-- /wp:paragraph -->", "Block text.", ""),
    ('<!-- wp:html {"note":"[ad-slot id=1]"} -->\n<p>Hi.</p>\n<!-- /wp:html -->', "Hi.", ""),
    ('<!-- wp:image {"id":5,"sizeSlug":"large"} -->\n<figure><img src="https://example.org/b.png"'
     ' alt="B"/></figure>\n<!-- /wp:image -->', "![B](https://example.org/b.png)", ""),
]


@pytest.mark.parametrize("content, markdown, warning", SHORTCODES,
                         ids=[f"shortcode-{n}" for n in range(len(SHORTCODES))])
def test_shortcodes_become_what_they_mean(tmp_path, capsys, content, markdown, warning):
    export = tmp_path / "export.xml"
    export.write_text(wxr(item(title="Post", content=content)))
    status, essays, err = run_import(tmp_path, capsys, export)
    assert status == 0 and essays["post"].body.strip() == markdown
    if warning:
        assert err.count(warning) == 1, err  # once per post, however often it appears
    else:
        assert "warning" not in err, err


def test_unknown_shortcodes_are_warned_once_per_post(tmp_path, capsys):
    export = tmp_path / "export.xml"
    export.write_text(wxr(item(title="One", content="[ad-slot] a [ad-slot] b"),
                          item(title="Two", content="[ad-slot] c")))
    status, essays, err = run_import(tmp_path, capsys, export)
    assert err.count("N811 warning: unknown shortcode [ad-slot] removed") == 2
    assert (essays["one"].body.strip(), essays["two"].body.strip()) == ("a b", "c")


# Hostile exports: entities, external files, names, sizes, pipes.
def test_billion_laughs_is_not_expanded(tmp_path, capsys):
    lol = "".join(f'<!ENTITY l{n} "{("&l%d;" % (n - 1)) * 10}">' for n in range(1, 10))
    export = tmp_path / "lol.xml"
    export.write_text(f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{lol}]>'
                      + wxr(item(title="Laughs", content="&l9;"))[len('<?xml version="1.0" '
                                                                      'encoding="UTF-8"?>'):])
    start = time.process_time()  # CPU time, which load does not stretch
    status, essays, err = run_import(tmp_path, capsys, export)
    assert time.process_time() - start < 10
    assert all("lol" * 10 not in e.body for e in essays.values())


@pytest.mark.parametrize("content", ["[a]" * 20_000, "[a b=1]" * 20_000, "<!-- wp:" * 20_000,
                                     "[a " + "/" * 100_000, "[caption]" * 5_000])
def test_a_crafted_post_imports_in_linear_time(tmp_path, capsys, content):
    export = tmp_path / "export.xml"
    export.write_text(wxr(item(title="Crafted", content=content)))
    start = time.process_time()  # CPU time, which load does not stretch
    status, essays, err = run_import(tmp_path, capsys, export)
    assert time.process_time() - start < 5 and list(essays) == ["crafted"]


def test_an_external_entity_is_not_read(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    export = tmp_path / "xxe.xml"
    export.write_text(f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
                      + wxr(item(title="X &x;", content="<p>&x;</p>"))[len('<?xml version="1.0" '
                                                                          'encoding="UTF-8"?>'):])
    status, essays, err = run_import(tmp_path, capsys, export)
    written = "".join(p.read_text() for p in (tmp_path / "project" / "source").glob("*.md")) \
        if (tmp_path / "project" / "source").exists() else ""
    assert "TOP SECRET" not in written and "TOP SECRET" not in err


def test_names_in_an_export_cannot_lead_outside_source(tmp_path, capsys):
    export = tmp_path / "export.xml"
    export.write_text(wxr(item(title="../../../outside", content="<p>x</p>",
                               extra="<wp:post_name>../../../outside</wp:post_name>")))
    status, essays, err = run_import(tmp_path, capsys, export)
    assert list(essays) == ["outside"]
    assert sorted(p.name for p in tmp_path.rglob("*outside*")) == ["outside.md"]
    assert (tmp_path / "project" / "source" / "outside.md").exists()


def test_a_huge_export_is_refused(tmp_path, capsys, monkeypatch):
    import pamphlet.importers as importers

    monkeypatch.setattr(importers, "MAX_INPUT_MB", 0.001)
    status, essays, err = run_import(tmp_path, capsys, THEME_TEST)
    assert status == 1 and essays == {}
    assert "N819 themeunittestdata.wordpress.xml is larger than 0.001 MB" in err


def test_a_named_pipe_does_not_hang_the_import(tmp_path, capsys):
    pipe = tmp_path / "export.xml"
    os.mkfifo(pipe)
    status, essays, err = run_import(tmp_path, capsys, pipe)
    assert status == 1 and "N819 export.xml is not a regular file" in err


def test_import_never_overwrites_and_writes_only_in_source(tmp_path, capsys):
    source = tmp_path / "project" / "source"
    source.mkdir(parents=True)
    (source / "post-format-aside.md").write_text("mine")
    before = {p.name for p in tmp_path.rglob("*")}
    status, essays, err = run_import(tmp_path, capsys, THEME_TEST)
    assert (source / "post-format-aside.md").read_text() == "mine"
    assert essays["post-format-aside-2"].title == "Post Format: Aside"
    after = {p for p in tmp_path.rglob("*") if p.name not in before}
    assert all(p.parent == source for p in after)


def test_the_imported_export_builds_and_passes_epubcheck(theme_test, capsys):
    status, project, essays = theme_test
    err, text = build_and_check(project, sorted(essays), capsys)
    assert "Traceback" not in err
    plain = re.sub("[‘’]", "'", re.sub("[“”]", '"', text))  # the typography's curly quotes
    for title, _, _ in PUBLISHED.values():
        assert title in plain
    for leftover in LEFTOVERS:
        assert leftover not in text, leftover
    assert "Bell on Wharf" in text  # the remote image's alt text, framed in its place
    assert "beaching their coracles [simple boat]." in plain


def wxr(*items: str, authors: str = "") -> str:
    """A small WXR 1.2 export around `items`."""
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://'
            'purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel><title>Blog</title>'
            f"{authors}\n" + "\n".join(items) + "\n</channel></rss>\n")


def item(title: str, content: str, status: str = "publish", categories: str = "",
         extra: str = "") -> str:
    return (f"<item><title>{title}</title><link>https://blog.example.org/{abs(hash(title))}/"
            f"</link><dc:creator>ann</dc:creator><content:encoded><![CDATA[{content}]]>"
            "</content:encoded><wp:post_date>2024-01-05 09:00:00</wp:post_date>"
            f"<wp:status>{status}</wp:status><wp:post_type>post</wp:post_type>{extra}"
            f"{categories}</item>")
