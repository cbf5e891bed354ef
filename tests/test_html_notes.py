"""Notes taken out of a web page's text (importers/html_notes.py), in the shapes generators
write them: each reference becomes a token where its number stood, each note leaves the page
once (its back-links, its list, the rule and "Notes" heading before it with it), and no text
around either is lost. tests/test_import_web.py imports whole pages of each generator."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from pamphlet.importers.html_notes import NOTE_TOKEN, drop, note_token, take_notes


def notes_of(body: str) -> tuple[str, list[str]]:
    """The page's text with each token shown as [n], and each note's text."""
    page = lxml_html.document_fromstring(f"<html><body>{body}</body></html>")
    notes = take_notes(page)
    for block in page.iter("p", "li", "h2", "h3", "div", "section", "ol", "dl", "dt", "aside"):
        block.tail = "\n" + (block.tail or "")  # a block's text apart from the next one's
    text = NOTE_TOKEN.sub(lambda m: f"[{m.group(1)}]", " ".join(page.text_content().split()))
    return text, [" ".join(note.text_content().split()) for note in notes]


def test_pandoc_endnotes_in_the_order_of_their_first_reference():
    body = ('<p>One<a href="#fn2" class="footnote-ref" id="fnref2"><sup>2</sup></a> and '
            'two<a href="#fn1" class="footnote-ref" id="fnref1"><sup>1</sup></a>, again'
            '<a href="#fn2" class="footnote-ref"><sup>2</sup></a>.</p>'
            '<section class="footnotes"><hr><ol><li id="fn1"><p>First note.<a href="#fnref1" '
            'class="footnote-back">↩︎</a></p></li><li id="fn2"><p>Second note. <a '
            'href="#fnref2">↩︎</a></p></li></ol></section><p>After.</p>')
    text, notes = notes_of(body)
    assert text == "One[0] and two[1], again[0]. After."
    assert notes == ["Second note.", "First note."]


def test_kramdown_and_python_markdown_sup_links():
    body = ('<p>Text<sup id="fnref:a"><a href="#fn:a" class="footnote">1</a></sup> more.</p>'
            '<div class="footnote"><hr><ol><li id="fn:a"><p>The note&nbsp;<a href="#fnref:a" '
            'class="reversefootnote">&#8617;</a></p></li></ol></div>')
    assert notes_of(body) == ("Text[0] more.", ["The note"])


def test_wordpress_footnotes_block():
    body = ('<p>Claim<sup data-fn="x" class="fn"><a href="#x" id="x-link">1</a></sup>.</p>'
            '<ol class="wp-block-footnotes"><li id="x">Source. <a href="#x-link" '
            'aria-label="Jump to footnote reference 1">↩︎</a></li></ol><p>Tail text.</p>')
    assert notes_of(body) == ("Claim[0]. Tail text.", ["Source."])


def test_a_notes_heading_and_rule_leave_with_the_list_and_nothing_else():
    body = ('<p>A<sup><a href="#n1">1</a></sup></p><h2>Further reading</h2><hr>'
            '<h3>Notes:</h3><ol><li id="n1">N.</li></ol><p>End.</p>')
    assert notes_of(body) == ("A[0] Further reading End.", ["N."])
    kept = ('<p>A<sup><a href="#n1">1</a></sup></p><div><h2>Notes</h2><img src="x.png">'
            '</div><ol><li id="n1">N.</li><li id="n2">Unreferenced.</li></ol>')
    text, _ = notes_of(kept)
    assert text == "A[0] Notes Unreferenced."  # a list still holding an item stays


def test_tufte_sidenotes_and_margin_notes():
    body = ('<p>Text<label for="sn-1" class="margin-toggle sidenote-number"></label>'
            '<input type="checkbox" id="sn-1" class="margin-toggle"/><span class="sidenote">'
            'A side note.</span> goes on<label for="mn-1" class="margin-toggle">&#8853;</label>'
            '<input type="checkbox" id="mn-1" class="margin-toggle"/><span class="marginnote">'
            'A margin note.</span> here.</p>')
    assert notes_of(body) == ("Text[0] goes on[1] here.", ["A side note.", "A margin note."])


def test_a_margin_note_in_a_figure_without_a_caption_becomes_its_caption():
    body = ('<figure><label for="mn-f" class="margin-toggle">&#8853;</label><input '
            'type="checkbox" id="mn-f" class="margin-toggle"/><span class="marginnote">The '
            'caption <em>here</em>.</span><img src="a.png" alt="a"></figure><p>Next.</p>')
    page = lxml_html.document_fromstring(f"<html><body>{body}</body></html>")
    assert take_notes(page) == []
    caption = page.find(".//figure/figcaption")
    assert " ".join(caption.text_content().split()) == "The caption here."
    assert page.find(".//label") is None and page.find(".//input") is None
    captioned = body.replace("</figure>", "<figcaption>Own.</figcaption></figure>")
    assert notes_of(captioned)[1] == ["The caption here."]  # it has one: a note after all


def test_a_sidenote_without_its_toggle_is_a_note_where_it_stood():
    assert notes_of('<p>Before <span class="side-note">aside</span> after.</p>') == (
        "Before [0] after.", ["aside"])
    assert notes_of('<p>X<aside class="Margin-Note">m</aside>y</p>') == ("X[0]y", ["m"])


def test_substack_footnote_blocks():
    body = ('<p>Point<a class="footnote-anchor" id="footnote-anchor-1" href="#footnote-1">1'
            '</a>.</p><div class="footnote"><a id="footnote-1" href="#footnote-anchor-1" '
            'class="footnote-number">1</a><div class="footnote-content"><p>Why.</p></div></div>'
            '<p>Last.</p>')
    assert notes_of(body) == ("Point[0]. Last.", ["Why."])


@pytest.mark.parametrize("body, text", [
    # an address with a fragment is a note only when marked as one
    ('<p><a href="https://x.example/#n1">1</a></p><ol><li id="n1">N</li></ol>', "1 N"),
    ('<p><a href="https://x.example/page#n1" class="footnote">1</a></p><ol><li id="n1">N</li>'
     "</ol>", "[0]"),
    # a link whose text is a sentence is a link, not a reference
    ('<p><a href="#n1">see the notes below</a></p><ol><li id="n1">N</li></ol>',
     "see the notes below N"),
    ('<p><sup><a href="#n1">the notes</a></sup></p><ol><li id="n1">N</li></ol>', "[0]"),
    ('<p><sup><a href="#n1">see all the notes</a></sup></p><ol><li id="n1">N</li></ol>',
     "see all the notes N"),
    # a link to a heading, or to a list that is not a list of notes
    ('<p><a href="#h">1</a></p><h2 id="h">H</h2>', "1 H"),
    ('<p><a href="#x">1</a></p><dl><dt id="x">T</dt></dl>', "1 T"),
    ('<p><a href="#">1</a></p>', "1"),
    ('<p><a href="#n%201">1</a></p><ol><li id="n 1">N</li></ol>', "[0]"),  # escaped fragment
    ('<p><a href="#n1" role="doc-noteref">note</a></p><aside id="n1" role="doc-endnote">N'
     "</aside>", "[0]"),
    ('<p><a href="#n1">2</a></p><div><p><span id="n1">x</span></p></div>', "2 x"),
])
def test_which_links_are_references(body, text):
    assert notes_of(body)[0] == text


def test_a_note_deep_in_its_item_and_back_links_of_every_kind():
    body = ('<p>A<sup><a href="#t1" id="r1">1</a></sup> B<sup><a href="#t2">2</a></sup></p>'
            '<ol><li><span class="mw-cite-backlink">^ a b</span><div><p><span id="t1">'
            'Deep.</span> <a href="#r1">jump</a> <a href="#x" role="doc-backlink">b</a> '
            '<a class="footnote-backref">c</a> <a>return</a> <a href="https://x.example/">kept'
            '</a></p></div></li><li id="t2">Two <a href="#elsewhere">^</a></li></ol>')
    assert notes_of(body) == ("A[0] B[1]", ["Deep. kept", "Two"])


def test_a_reference_inside_its_own_note_is_a_back_link_not_a_reference():
    body = ('<p>A<sup><a href="#n1">1</a></sup></p><ol><li id="n1">N <sup><a href="#n1">1</a>'
            "</sup></li></ol>")
    assert notes_of(body) == ("A[0]", ["N 1"])


def test_a_sup_that_holds_more_than_the_link_stays():
    body = ('<p>x<sup>see <a href="#n1">1</a></sup></p><ol><li id="n1">N</li></ol>')
    assert notes_of(body) == ("xsee [0]", ["N"])


def test_drop_keeps_the_text_after_an_element():
    page = lxml_html.fragment_fromstring("<p>a<b>b</b>c<i>d</i>e</p>")
    drop(page.find("b"), "B")
    assert lxml_html.tostring(page) == b"<p>aBc<i>d</i>e</p>"
    drop(page.find("i"))
    assert lxml_html.tostring(page) == b"<p>aBce</p>"
    drop(page)  # the root: nowhere to go, and nothing happens
    assert note_token(7) == "\ue0307\ue031" and NOTE_TOKEN.fullmatch(note_token(12))[1] == "12"
