"""Where the printed pages begin, marked in the e-book (engine/pagebreaks.py): regions and
letter counts, the marker put before the word that holds the counted letter, e-book-only
text (note calls, the notes) not counted, and a start the e-book lacks left out. The
whole-book agreement of both outputs is tests/test_page_agreement.py; this is the placing."""

from __future__ import annotations

import pytest

from pamphlet.engine.pagebreaks import (ATTR, PageStart, mark, marker_id, place, significant,
                                        unmark)
from pamphlet.text.markup import Body

EPUB = 'xmlns:epub="http://www.idpf.org/2007/ops"'
BREAK = ('<span epub:type="pagebreak" role="doc-pagebreak" id="page-{0}" title="{0}" '
         'aria-label="{0}"/>')
ESSAY = ('<section id="e1" class="essay" epub:type="chapter">'
         '<header><h1 class="essay-title">Title Words</h1></header>'
         '<p data-pb="1">First para <em data-pb="2">emph</em> tail text.</p>'
         '<p data-pb="3">Second<sup><a class="noteref" epub:type="noteref">12</a></sup> words</p>'
         '<p data-pb="4">ab<!-- cd -->ef gh</p>'
         '<section class="questions"><h2>For discussion</h2></section>'
         '<section class="footnotes" epub:type="footnotes"><aside class="footnote">'
         '<p>Note text</p></aside></section></section>')


def placed(starts: list[PageStart], xml: str = ESSAY) -> tuple[str, list[PageStart]]:
    return place(xml, starts)


def start(page: int, region: str | None, count: int, **more) -> PageStart:
    return PageStart(page, "e1", region, count, **more)


def test_only_letters_and_digits_count():
    assert significant("Ab-c 1,2 \u00e9\u2026 \u00ad\u200b") == 6
    assert significant(" \n\t.,;-") == 0
    assert significant("\u0634\u0645\u0633 \u4e2d\u6587") == 5  # Arabic, Chinese letters


def test_every_element_of_a_body_is_numbered_in_document_order_and_the_numbers_come_out():
    body = Body("s", '<p>a <em>b</em></p><!-- c --><ul><li>d</li></ul>', (), (), (), ())
    marked = mark(body)
    assert marked.html == ('<p data-pb="1">a <em data-pb="2">b</em></p><!-- c -->'
                           '<ul data-pb="3"><li data-pb="4">d</li></ul>')
    assert (marked.slug, marked.notes) == (body.slug, body.notes)  # the rest as it was
    assert unmark(marked.html) == body.html
    assert unmark('<p data-pb="12" data-pbx="3" class="x">') == '<p data-pbx="3" class="x">'


def test_a_foreign_element_is_not_numbered():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
    marked = mark(Body("s", f"<p>a</p>{svg}", (), (), (), ()))
    assert marked.html.count(ATTR) == 1 and 'data-pb="1"' in marked.html


def test_a_page_starts_before_the_word_that_holds_its_letter():
    # "First para": letter 7 (from 0) is the 'r' of "para", so the page begins at "para".
    xml, found = placed([start(5, "1", 7)])
    assert f"<p>First {BREAK.format(5)}para <em>emph</em> tail text.</p>" in xml
    assert found == [start(5, "1", 7)]


def test_the_first_letter_of_a_word_and_of_a_region():
    xml, _ = placed([start(5, "1", 6)])  # the 'p' of "para" itself
    assert f"First {BREAK.format(5)}para" in xml
    xml, _ = placed([start(5, "1", 0)])
    assert f"<p>{BREAK.format(5)}First para" in xml
    xml, _ = placed([start(5, "1", 4)])  # the 't' that ends "First": the word's start
    assert f"<p>{BREAK.format(5)}First para" in xml


def test_a_page_that_starts_in_a_tail_is_marked_after_its_element():
    # "First para" (9) and "emph" (4): letter 14 is the 'a' of "tail".
    xml, _ = placed([start(6, "1", 14)])
    assert f"<em>emph</em> {BREAK.format(6)}tail text.</p>" in xml
    xml, _ = placed([start(6, "2", 2)])  # within the emphasis: its own region
    assert f"<em>{BREAK.format(6)}emph</em>" in xml


def test_note_calls_and_comments_are_not_counted():
    xml, _ = placed([start(7, "3", 6)])  # "Second" is 6: the call's "12" is not counted
    assert f"12</a></sup> {BREAK.format(7)}words</p>" in xml
    xml, _ = placed([start(7, "4", 2)])  # "ab", then the comment's " cd " is not counted
    assert f"ab<!-- cd -->{BREAK.format(7)}ef gh" in xml
    xml, _ = placed([start(7, "4", 4)])
    assert f"ef {BREAK.format(7)}gh" in xml


def test_the_essay_region_is_its_head_and_questions_without_the_body_or_notes():
    xml, _ = placed([start(3, None, 5)])  # the 'W' of "Title Words"
    assert f"Title {BREAK.format(3)}Words</h1>" in xml
    xml, _ = placed([start(4, None, 10)])  # past the head: the questions, not the body
    assert f"<h2>{BREAK.format(4)}For discussion</h2>" in xml
    xml, found = placed([start(4, None, 23)])  # past the questions: the notes do not count
    assert found == [] and "pagebreak" not in xml


def test_a_start_the_ebook_lacks_is_left_out_and_the_rest_placed():
    starts = [start(2, "99", 0), start(3, "1", 500), start(4, "3", 0)]
    xml, found = placed(starts)
    assert found == [start(4, "3", 0)]
    assert xml.count('role="doc-pagebreak"') == 1 and f"<p>{BREAK.format(4)}Second" in xml
    assert placed([start(2, None, 0)], "")[1] == []  # no essay at all


def test_a_page_that_begins_with_an_element_is_marked_before_it():
    xml, found = placed([start(8, "2", 3, before=True)])
    assert f"First para {BREAK.format(8)}<em>emph</em>" in xml and len(found) == 1


def test_several_pages_in_one_paragraph():
    xml, found = placed([start(5, "1", 6), start(6, "1", 14)])
    assert f"First {BREAK.format(5)}para <em>emph</em> {BREAK.format(6)}tail" in xml
    assert len(found) == 2


def test_a_numbered_line_gets_its_number_not_a_page_break():
    xml, found = placed([start(5, "1", 7, line=3)])
    assert ('<p>First <span class="line-number" id="page-5-line-3" data-line="3" '
            'title="page 5, line 3"/>para') in xml
    assert "pagebreak" not in xml and len(found) == 1
    assert marker_id(5) == "page-5" and marker_id(5, 3) == "page-5-line-3"


def test_the_numbers_and_the_namespace_declaration_do_not_stay():
    xml, _ = placed([start(5, "1", 7)])
    assert ATTR not in xml and "xmlns:epub" not in xml
    assert xml.startswith('<section id="e1" class="essay" epub:type="chapter">')
    assert '<a class="noteref" epub:type="noteref">12</a>' in xml
    untouched, found = placed([])
    assert found == [] and untouched == ESSAY.replace(' data-pb="1"', "").replace(
        ' data-pb="2"', "").replace(' data-pb="3"', "").replace(' data-pb="4"', "")


@pytest.mark.parametrize("region, count, before", [("1", 9, "tail"), ("1", 13, "tail")])
def test_letters_that_end_an_element_belong_to_it(region, count, before):
    """Letter 9 is the 'e' of "emph": the em's own text, not the tail after it."""
    xml, _ = placed([start(5, region, count)])
    if count == 9:
        assert f"<em>{BREAK.format(5)}emph</em>" in xml
    else:
        assert f"</em> {BREAK.format(5)}{before} text" in xml


def test_every_level_of_a_region_counts_but_a_call_inside_any_of_them():
    xml = ('<section id="e1" class="essay"><p data-pb="1">a <em data-pb="2">bc <strong '
           'data-pb="3">de<a class="noteref">9</a></strong> f</em> g</p></section>')
    placed_xml, _ = place(xml, [start(5, "1", 4)])  # "a", "bc", then the 'e' of "de"
    assert f'<strong>{BREAK.format(5)}de<a class="noteref">9</a></strong>' in placed_xml
    placed_xml, _ = place(xml, [start(5, "1", 5)])  # the call's 9 is not counted: "f"
    assert f"</strong> {BREAK.format(5)}f</em>" in placed_xml
