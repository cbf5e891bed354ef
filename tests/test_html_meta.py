"""What a web page says about itself (importers/html_meta.py), read from pages shaped as
the generators that write them do: the article's title (never the site's, never a heading
deep in the text), its authors, date, address, tags and language, each from the page's own
metadata first. tests/test_import_web.py imports whole pages from real generators."""

from __future__ import annotations

import json

import pytest
from lxml import html as lxml_html

from pamphlet.importers.html_meta import headings, page_meta


def meta(html: str, fallback=None):
    return page_meta(lxml_html.document_fromstring(html), html, fallback)


def page(head: str = "", body: str = "", lang: str = "") -> str:
    return f"<html{lang}><head>{head}</head><body>{body}</body></html>"


def ld(*items) -> str:
    return f'<script type="application/ld+json">{json.dumps(list(items))}</script>'


@pytest.mark.parametrize("head, body, title", [
    # Open Graph, then Twitter, then the JSON-LD article's headline
    ('<meta property="og:title" content="OG Title"><meta name="twitter:title" content="TW">'
     "<title>Other</title>", "<h1>H1</h1>", "OG Title"),
    ('<meta name="twitter:title" content="TW  Title"><title>Other</title>', "", "TW Title"),
    (ld({"@type": "BlogPosting", "headline": "LD Headline"}) + "<title>Other</title>", "",
     "LD Headline"),
    # og:title that is only the site's name is not the article's
    ('<meta property="og:title" content="The Site"><meta property="og:site_name" '
     'content="The Site"><title>Essay | The Site</title>', "<h1>Essay</h1>", "Essay"),
    # og:title carrying the site's name loses it
    ('<meta property="og:title" content="Essay – The Site"><meta property="og:site_name" '
     'content="The Site">', "", "Essay"),
    # the part of <title> that is also a heading of the page
    ("<title>Site Name :: On Paper</title>", '<h1><a href="/">Site Name</a></h1><h2>On Paper</h2>',
     "On Paper"),
    ('<title>Post · Blog</title><meta property="og:site_name" content="Blog">',
     "<h1>Blog</h1><h2>Post</h2>", "Post"),  # the site's heading is not the article's
    ("<title>On Paper</title>", "<h3>on paper</h3>", "On Paper"),
    # else the first h1 (not a banner linking home), else <title> without the site
    ("<title>Blog » Post</title>", '<h1><a href="/">Blog</a></h1><h1>The Post</h1>',
     "The Post"),
    ('<title>Post · Blog</title><meta property="og:site_name" content="Blog">',
     "<h1>Blog</h1><p>x</p>", "Post"),
    ("<title>  Only   Title </title>", "", "Only Title"),
    ("", "<h2>Deep heading</h2>", None),
    ('<meta property="og:site_name" content="Blog">', "<h1>blog</h1>", None),
])
def test_the_title_is_the_articles(head, body, title):
    assert meta(page(head, body)).title == title


def test_the_first_heading_is_taken_not_a_later_one():
    """A heading deep in the text (h2, h3) is never the title; the first h1 is, even when
    later h1s follow."""
    assert meta(page("", "<h2>Intro</h2><h1>First</h1><p>x</p><h1>Second</h1>")).title == \
        "First"
    assert meta(page("<title>A: B</title>", "<h1>Z</h1><h2>B</h2>")).title == "B"


@pytest.mark.parametrize("href, banner", [
    ("/", True), ("./", True), ("../", True), ("index.html", True), ("../index.html", True),
    ("https://blog.example/", True), ("https://blog.example", True),
    ("https://blog.example/post", False), ("/post", False), ("#top", False)])
def test_a_heading_that_only_links_home_is_the_sites_banner(href, banner):
    found = headings(lxml_html.document_fromstring(page(
        "", f'<h1><a href="{href}">Blog</a></h1><h2>Post</h2>')))
    assert found == (["Post"] if banner else ["Blog", "Post"])


def test_headings_are_h1_to_h3_in_order():
    found = headings(lxml_html.document_fromstring(page(
        "", "<h3>c</h3><h1> a\n b </h1><h4>d</h4><h2>e</h2><h1><a href='/'>x</a> y</h1>")))
    assert found == ["c", "a b", "e", "x y"]


@pytest.mark.parametrize("head, body, authors", [
    (ld({"@type": "Article", "author": [{"name": "Ann"}, {"name": "Bo"}]}), "", ["Ann", "Bo"]),
    (ld({"@type": "NewsArticle", "author": "Cy"}), "", ["Cy"]),
    # Yoast names the author by reference to a Person in its @graph
    ('<script type="application/ld+json">' + json.dumps({"@graph": [
        {"@type": "Article", "author": {"@id": "#p1"}},
        {"@type": "Person", "@id": "#p1", "name": "Dee"}]}) + "</script>", "", ["Dee"]),
    ('<meta name="author" content="Eve"><meta name="article:author" content="No">', "",
     ["Eve"]),
    ('<meta property="article:author" content="https://x.example/eve">'
     '<meta name="dc.creator" content="Fay">', "", ["Fay"]),
    ('<meta name="twitter:label1" content="Written by"><meta name="twitter:data1" '
     'content="Gil">', "", ["Gil"]),
    ('<meta name="twitter:label2" content="Author"><meta name="twitter:data2" content="Hal">',
     "", ["Hal"]),
    ("", '<span rel="author">Ida</span>', ["Ida"]),
    ("", '<span itemprop="author" content="Jo"></span>', ["Jo"]),
    ("", '<div class="info">Posted on August 1, 2017 by Kim</div>', ["Kim"]),
    ("", '<p class="entry-meta posted">Written by Lee | Tags</p>', ["Lee"]),
    ("", '<div class="post-footers">by Mo, 2019</div>', ["Mo"]),
    ("", '<div class="footer">by Nobody at all</div>', []),
    ("", '<div class="byline">by ' + "x" * 81 + "</div>", []),
])
def test_authors_from_the_pages_own_metadata_first(head, body, authors):
    assert meta(page(head, body)).authors == authors


@pytest.mark.parametrize("head, body, date", [
    (ld({"@type": "Article", "datePublished": "2021-03-04T10:00:00Z",
         "dateCreated": "2020-01-01"}), "", "2021-03-04"),
    (ld({"@type": "Article", "dateCreated": "2020-01-02"}), "", "2020-01-02"),
    ('<meta property="article:published_time" content="2019-05-06">'
     '<meta name="date" content="2000-01-01">', "", "2019-05-06"),
    ('<meta name="DC.date.issued" content="2018-07-08">', "", "2018-07-08"),
    ('<meta name="citation_publication_date" content="2017-09-10">', "", "2017-09-10"),
    ("", '<time datetime="2016-11-12T08:00">x</time>', "2016-11-12"),
    ("", '<span itemprop="datePublished" content="2015-12-13"></span>', "2015-12-13"),
    ('<meta name="date" content="2014-02-30">', '<time datetime="2014-02-28">x</time>',
     "2014-02-28"),  # no 30 February: the next that is a date
    ('<meta name="date" content="yesterday">', "", None),
])
def test_the_date_from_the_pages_own_metadata_first(head, body, date):
    assert meta(page(head, body)).date == date


def test_trafilatura_is_asked_only_for_what_the_page_does_not_say():
    asked = []

    def fallback():
        asked.append(True)
        return {"author": "Ann; Bo ;", "date": "2012-03-04"}
    found = meta(page(), fallback)
    assert (found.authors, found.date, asked) == (["Ann", "Bo"], "2012-03-04", [True])
    asked.clear()
    found = meta(page('<meta name="author" content="Cy"><meta name="date" '
                      'content="2013-01-01">'), fallback)
    assert (found.authors, found.date, asked) == (["Cy"], "2013-01-01", [])
    found = meta(page('<meta name="author" content="Cy">'), fallback)
    assert (found.authors, found.date) == (["Cy"], "2012-03-04")
    assert meta(page(), lambda: None).authors == [] and meta(page(), lambda: {}).date is None


@pytest.mark.parametrize("head, text, url", [
    ('<link rel="canonical" href=" https://a.example/p ">'
     '<meta property="og:url" content="https://b.example/p">', "", "https://a.example/p"),
    ('<meta property="og:url" content="https://b.example/p">', "", "https://b.example/p"),
    ('<link rel="canonical" href="/relative">', "<!-- saved from url=(0023)https://c.example/p -->",
     "https://c.example/p"),
    (ld({"@type": "Article", "mainEntityOfPage": {"@id": "https://d.example/p"}}), "",
     "https://d.example/p"),
    (ld({"@type": "Article", "url": "https://e.example/p"}), "", "https://e.example/p"),
    ('<link rel="canonical" href="javascript:alert(1)">', "", None),
])
def test_the_address_is_the_pages_own(head, text, url):
    html = text + page(head)
    assert page_meta(lxml_html.document_fromstring(html), html).url == url


def test_the_saved_from_comment_is_read_only_near_the_top():
    html = page("", "x" * 3000) + "<!-- saved from url=(0023)https://c.example/p -->"
    assert page_meta(lxml_html.document_fromstring(html), html).url is None


def test_the_site_name_and_language():
    found = meta(page('<meta property="og:site_name" content=" The  Site ">', "",
                      ' lang="pt-BR"'))
    assert (found.site, found.lang) == ("The Site", "pt-BR")
    assert meta(page(ld({"@type": "WebSite", "name": "LD Site"}))).site == "LD Site"
    assert meta(page(ld({"@type": "Article", "publisher": {"name": "Pub"}}))).site == "Pub"
    assert meta(page('<meta name="application-name" content="App">')).site == "App"
    assert meta(page("", "", ' lang="../etc"')).lang is None
    assert meta(page("", "", ' xml:lang="de"')).lang == "de"


def test_tags_are_the_articles_not_the_search_engines():
    found = meta(page('<meta property="article:tag" content="Paper">'
                      '<meta property="article:tag" content=" Ink ">'
                      '<meta property="article:tag" content="Paper">'
                      '<meta name="keywords" content="seo, words">'))
    assert found.tags == ["Paper", "Ink"]
    assert meta(page(ld({"@type": "Article", "keywords": "a, b ,a"}))).tags == ["a", "b"]
    assert meta(page(ld({"@type": "Article", "keywords": ["x", 3, "y"]}))).tags == ["x", "y"]
    assert meta(page('<meta name="keywords" content="seo">')).tags == []


def test_a_page_whose_json_ld_is_broken_is_read_from_the_rest():
    html = page('<script type="application/ld+json">{not json</script>'
                '<meta name="author" content="Ann">')
    assert meta(html).authors == ["Ann"]
    assert meta(page(ld("just a string", {"@type": ["Thing", "BlogPosting"],
                                          "headline": "Typed"}))).title == "Typed"
