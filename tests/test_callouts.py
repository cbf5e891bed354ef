"""Callouts (`> [!note] Title`, as Obsidian and GitHub write them) and Pandoc table captions
in essays: what they become in the essay's XHTML, in print and in the e-book."""

from __future__ import annotations

from test_markup import body_of, xml


def callouts(tree) -> list[tuple[str, str, str]]:
    """(class, title, text after the title) of each callout, outermost first."""
    return [(div.get("class"), "".join(div[0].itertext()),
             " ".join("".join(p.itertext()) for p in div[1:] if p.tag == "p"))
            for div in tree.iter("div") if "callout" in (div.get("class") or "")]


def test_a_callout_is_an_aside_with_its_title(tmp_path):
    tree = xml(body_of(tmp_path, "> [!tip] Copy *both* sides\n> Half the paper.\n")[0].html)
    assert callouts(tree) == [("callout callout-tip", "Copy both sides", "Half the paper.")]
    assert tree.find(".//div/p[@class='callout-title']/em").text == "both"
    assert tree.find(".//blockquote") is None


def test_a_callout_without_a_title_is_titled_by_its_type(tmp_path):
    tree = xml(body_of(tmp_path, "> [!WARNING]\n> Toner stains.\n\n> [!faq]- Folded?\n> Yes.\n"
                       )[0].html)
    assert callouts(tree) == [("callout callout-warning", "Warning", "Toner stains."),
                              ("callout callout-faq", "Folded?", "Yes.")]


def test_callouts_nest_and_end_at_a_blank_line(tmp_path):
    text = ("> [!question] Nested?\n> > [!todo] Yes\n> > > [!example] Deeper\n\n"
            "> [!note] Next\n\n> A plain quote.\n")
    tree = xml(body_of(tmp_path, text)[0].html)
    assert [c[:2] for c in callouts(tree)] == [
        ("callout callout-question", "Nested?"), ("callout callout-todo", "Yes"),
        ("callout callout-example", "Deeper"), ("callout callout-note", "Next")]
    assert tree.xpath("string(./blockquote)").strip() == "A plain quote."
    assert len(tree.xpath("./div[contains(@class, 'callout')]")) == 2


def test_a_marker_in_code_or_escaped_is_text(tmp_path):
    text = "> `[!note]` in code\n\nText.\n\n> \\[!note] escaped\n\n```\n> [!note] fenced\n```\n"
    tree = xml(body_of(tmp_path, text)[0].html)
    assert callouts(tree) == []
    assert len(tree.findall("blockquote")) == 2


def test_callouts_print_and_reach_the_ebook(tmp_path):
    from pamphlet.text.markup import ebook_html, print_html

    body, _ = body_of(tmp_path, "> [!note] Cost\n> Four cents.[^1]\n\n[^1]: A sheet.\n")
    assert 'class="callout callout-note"' in print_html(body).html
    ebook = xml(ebook_html(body))
    assert callouts(ebook)[0][:2] == ("callout callout-note", "Cost")


def test_pandoc_table_captions_caption_their_table(tmp_path):
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    tree = xml(body_of(tmp_path, f"{table}\n: Pages a *minute*\n\nTable: Before\n\n{table}"
                       )[0].html)
    captions = ["".join(c.itertext()) for c in tree.iter("caption")]
    assert captions == ["Pages a minute", "Before"]
    assert all(t[0].tag == "caption" for t in tree.iter("table"))
    assert tree.find(".//dd") is None and tree.find(".//dl") is None


def test_a_definition_list_stays_one(tmp_path):
    tree = xml(body_of(tmp_path, "Term\n:   Definition\n\nTable: not beside a table\n")[0].html)
    assert tree.find(".//dt").text == "Term" and tree.find(".//caption") is None
