"""The Markdown pipeline: what each construct becomes, and that the result is XHTML."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from pamphlet.diagnostics import Diagnostics
from pamphlet.project.essays import read_essay
from pamphlet.text.markup import ebook_html, print_html, render_body, smarten


def body_of(tmp_path: Path, text: str, front: str = "title: T\n"):
    (tmp_path / "source").mkdir(exist_ok=True)
    path = tmp_path / "source" / "e.md"
    path.write_text(f"---\n{front}---\n\n{text}", encoding="utf-8")
    diagnostics = Diagnostics()
    essay = read_essay(path, diagnostics)
    return render_body(essay, tmp_path, diagnostics), diagnostics


def xml(fragment: str):
    return etree.fromstring(f'<div xmlns:epub="http://www.idpf.org/2007/ops">{fragment}</div>')


def test_two_space_lists_nest_like_commonmark(tmp_path):
    body, _ = body_of(tmp_path, "- a\n  - b\n    - c\n- d\n\n1. one\n   - sub\n2. two\n")
    tree = xml(body.html)
    assert tree.xpath("string(./ul/li[1]/ul/li[1]/text())").strip() == "b"
    assert tree.xpath("string(./ul/li[1]/ul/li[1]/ul/li/text())").strip() == "c"
    assert [li.text.strip() for li in tree.xpath("./ul/li")] == ["a", "d"]
    assert tree.xpath("string(./ol/li[1]/ul/li)").strip() == "sub"


def test_four_space_lists_still_nest(tmp_path):
    tree = xml(body_of(tmp_path, "- a\n    - b\n- c\n")[0].html)
    assert tree.xpath("string(./ul/li[1]/ul/li)").strip() == "b"


def test_indented_code_is_not_taken_for_a_list(tmp_path):
    tree = xml(body_of(tmp_path, "Text.\n\n    - not a list\n")[0].html)
    assert tree.xpath("string(.//pre/code)").strip() == "- not a list"


def test_smart_typography_and_pasted_characters(tmp_path):
    text = "\"Quoted\" -- en --- em... it's. Pasted: “curly” ‘single’ — dash 80\u00a0gsm.\n"
    body, _ = body_of(tmp_path, text)
    assert ("“Quoted” – en — em… it’s. Pasted: “curly” ‘single’ — dash 80\u00a0gsm."
            in xml(body.html).xpath("string(./p)"))


def test_no_named_entities_and_well_formed(tmp_path):
    body, _ = body_of(tmp_path, 'A &nbsp; &copy; <span class="x">raw<br></span> & more\n\n***\n')
    assert "&nbsp;" not in body.html and "&copy;" not in body.html
    tree = xml(body.html)
    assert "\u00a0" in tree.xpath("string(.)") and "©" in tree.xpath("string(.)")
    assert tree.xpath("./hr/@class") == ["section-break"]


def test_section_break(tmp_path):
    tree = xml(body_of(tmp_path, "One.\n\n* * *\n\nTwo.\n")[0].html)
    assert [e.tag for e in tree] == ["p", "hr", "p"]


def test_footnotes_become_placeholders_and_notes(tmp_path):
    body, _ = body_of(tmp_path, "A[^x] and B[^y].\n\n[^x]: First.\n[^y]: Second, with more.\n")
    assert [n.number for n in body.notes] == [1, 2]
    assert xml(body.notes[1].html).xpath("string(.)") == "Second, with more."
    assert xml(body.html).xpath(".//span[@class='noteref']/@data-note") == ["1", "2"]


def test_print_html_inlines_notes_and_link_urls(tmp_path):
    body, _ = body_of(tmp_path, "See [site](https://example.org/a)[^n].\n\n[^n]: Note.\n")
    tree = xml(print_html(body, "footnote").html)
    assert tree.xpath("string(.//span[@class='footnote'][not(contains(@class,'link'))])") == "Note."
    assert tree.xpath("string(.//span[@class='footnote link-note'])") == "https://example.org/a"


def test_ebook_notes_have_back_links(tmp_path):
    body, _ = body_of(tmp_path, "A[^x].\n\n[^x]: First.\n\n    Second paragraph.\n")
    tree = xml(ebook_html(body))
    ns = {"epub": "http://www.idpf.org/2007/ops"}
    ref = tree.xpath(".//a[@epub:type='noteref']", namespaces=ns)[0]
    aside = tree.xpath(".//aside[@epub:type='footnote']", namespaces=ns)[0]
    assert ref.get("href") == "#e-note-1" and aside.get("id") == "e-note-1"
    back = aside.xpath(".//a[@role='doc-backlink']")[0]
    assert back.get("href") == f"#{ref.get('id')}"
    assert aside.xpath("string(.)").split() == ["1.", "First.", "Second", "paragraph."]


def test_headings_are_demoted_under_the_essay_title(tmp_path):
    tree = xml(body_of(tmp_path, "# Part\n\n## Sub\n")[0].html)
    assert [e.tag for e in tree] == ["h2", "h3"]
    assert tree[0].get("id") == "e-part"


def test_image_paths_are_resolved_from_the_essay(tmp_path):
    (tmp_path / "source" / "img").mkdir(parents=True)
    (tmp_path / "source" / "img" / "a.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    body, diagnostics = body_of(tmp_path, '![An A](img/a.svg "Caption")\n')
    assert not diagnostics.items
    figure = xml(body.html)[0]
    assert figure.tag == "figure"
    assert figure.find("img").get("src") == "source/img/a.svg"
    assert figure.findtext("figcaption") == "Caption"
    assert body.images == ((tmp_path / "source" / "img" / "a.svg").resolve(),)


@pytest.mark.parametrize("html, removed", [
    ("<script>alert(1)</script>", "script"), ("<iframe src='x'></iframe>", "iframe"),
])
def test_unsafe_elements_are_removed_with_a_warning(tmp_path, html, removed):
    body, diagnostics = body_of(tmp_path, f"Text.\n\n{html}\n")
    assert f"<{removed}" not in body.html
    assert [d.code for d in diagnostics] == ["M305"]


def test_event_handlers_and_javascript_links_are_removed(tmp_path):
    body, diagnostics = body_of(tmp_path, '<p onclick="x()">A</p>\n\n[b](javascript:alert(1))\n'
                                          '\n[c](file:///etc/passwd)\n')
    assert "onclick" not in body.html and "javascript" not in body.html
    assert "file:" not in body.html
    assert [(d.code, d.line) for d in diagnostics] == [("M305", 5), ("M305", 7), ("M305", 9)]


def test_the_allow_list_removes_what_it_does_not_know(tmp_path):
    body, _ = body_of(tmp_path, '<marquee>old</marquee> <p style="color:red">text</p>\n\n'
                                '<svg><script>x</script></svg>\n')
    assert "marquee" not in body.html and "style" not in body.html and "script" not in body.html
    assert "old" in body.html and "text" in body.html


def test_smarten_titles():
    assert smarten('The "Long" Walk -- *really*') == "The “Long” Walk – really"


def test_links_to_other_essays_become_cross_references(tmp_path):
    (tmp_path / "source").mkdir()
    path = tmp_path / "source" / "e.md"
    path.write_text("---\ntitle: T\n---\n\nSee [the other](other.md) and [gone](gone.md).\n")
    diagnostics = Diagnostics()
    body = render_body(read_essay(path, diagnostics), tmp_path, diagnostics,
                       frozenset({"e", "other"}))
    anchors = xml(body.html).findall(".//a")
    assert anchors[0].get("href") == "#other" and anchors[0].get("class") == "cross-ref"
    assert anchors[1].get("href") is None
    assert [(d.code, d.line) for d in diagnostics] == [("M304", 5)]
