"""markup.py's decisions that `python bench/mutation.py markup` found unchecked: raw HTML that
looks like the footnote machinery, images without a usable source, and notes whose first
paragraph does not start with text (see bench/equivalent.md)."""

from __future__ import annotations

from pamphlet.text.excerpt import keep_sections
from pamphlet.text.markup import Body, Note, ebook_html, print_html
from test_markup import body_of

EPUB = 'xmlns:epub="http://www.idpf.org/2007/ops"'


def diagnostics_of(diagnostics):
    return [(d.code, d.severity.value, d.message, d.path, d.line, d.hint) for d in diagnostics]


def test_an_authors_noteref_span_is_text_not_a_footnote_call(tmp_path):
    """The sanitiser keeps an author's class="noteref" (never data-note): it once reached
    int(None) in print_html, ebook_html and excerpts, an internal error (O510)."""
    body, diagnostics = body_of(tmp_path, '## S\n\nA <span class="noteref">x</span> b[^1].\n\n'
                                          '[^1]: Real.\n')
    assert not diagnostics.items
    assert body.html == ('<h2 id="e-s">S</h2>\n<p>A <span class="noteref">x</span> '
                         'b<span class="noteref" data-note="1"/>.</p>\n')
    assert print_html(body).html == ('<h2 id="e-s">S</h2>\n<p>A <span class="noteref">x</span> '
                                     'b<span class="footnote">Real.</span>.</p>\n')
    assert ebook_html(body).startswith(
        f'<h2 id="e-s">S</h2>\n<p>A <span class="noteref">x</span> b<sup><a {EPUB} '
        'href="#e-note-1" class="noteref" epub:type="noteref" role="doc-noteref" '
        'id="e-noteref-1">1</a></sup>.</p>\n<section')
    excerpt, missing = keep_sections(body, ("S",))
    assert missing == [] and excerpt.notes == (Note(1, "<p>Real.</p>"),)


def test_raw_html_that_looks_like_footnotes_is_the_authors_text(tmp_path):
    """Raw HTML that imitates Python-Markdown's notes and calls, ids and all, stays the
    author's text with its ids prefixed like any other (it once became notes numbered like
    the real ones: two asides with one id in the EPUB); a list inside a note stays in it
    (its items once became notes of their own)."""
    body, diagnostics = body_of(
        tmp_path, 'A <sup id="fnref:1"><a href="#fn:1">1</a></sup> B <sup id="fnref-y"><a>2</a>'
                  '</sup> C[^1] D[^2]\n\n<div class="footnote"><ol><li id="fn:1">raw</li></ol>'
                  '</div>\n\n[^1]: Real.\n\n    - a\n    - b\n\n[^2]: Two.\n')
    assert not diagnostics.items
    assert body.html == (
        '<p>A <sup id="e-fnref-1"><a href="#e-fn-1">1</a></sup> B <sup id="e-fnref-y"><a>2</a>'
        '</sup> C<span class="noteref" data-note="1"/> D<span class="noteref" data-note="2"/></p>'
        '\n<div class="footnote"><ol><li id="e-fn-1">raw</li></ol></div>\n\n')
    assert [note.number for note in body.notes] == [1, 2]
    # (the paragraph Python-Markdown made for the back-link stays behind, empty)
    assert body.notes[0].html.startswith("<p>Real.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>")
    assert body.notes[1] == Note(2, "<p>Two.</p>")


def test_a_link_to_a_heading_in_the_same_essay(tmp_path):
    body, diagnostics = body_of(tmp_path, "# Part One\n\nSee [above](#part-one).\n")
    assert not diagnostics.items
    assert body.html == ('<h2 id="e-part-one">Part One</h2>\n'
                         '<p>See <a href="#e-part-one">above</a>.</p>')


def test_images_without_a_usable_source_print_their_text(tmp_path):
    """An image whose src the sanitiser removed, or that has none, is M310 at its line when
    its alt text finds it, else at the body's first line (not at some other image's line);
    a scheme that is neither a file nor remote (mailto: survives the sanitiser) is M302.
    The usable image holds a picture by its bytes (GIF89a): data: bytes that are none are
    M310 too (markup.images)."""
    body, diagnostics = body_of(tmp_path, "Intro.\n\n![ok](data:image/gif;base64,R0lGODlh)\n\n![](javascript:alert(1))"
                                          "\n\n![bad](javascript:alert(2))\n\n![mail](mailto:a@e.org)\n")
    assert body.html == ('<p>Intro.</p>\n<figure><img alt="ok" src="data:image/gif;base64,R0lGODlh"/></figure>\n'
                         '<p><span class="missing-image"></span></p>\n'
                         '<p><span class="missing-image">bad</span></p>\n'
                         '<p><span class="missing-image">mail</span></p>')
    essay = tmp_path / "source" / "e.md"
    empty = ("M310", "warning", "an image has no usable source (none, or an unsafe one that was "
             "removed), so its text is printed instead", essay)
    hint = "give the image a file in the project: ![description](images/x.png)"
    assert diagnostics_of(diagnostics) == [
        (*empty, 5, hint), (*empty, 11, hint),
        ("M302", "error", "image outside the project: mailto:a@e.org", essay, 13,
         "copy the image into the project (next to the essay, say) and link to it")]


NOTE_BODY = '<p>A<span class="fr" lang="fr">oui</span><span class="noteref" data-note="1"/>.</p>'


def test_a_note_whose_first_paragraph_starts_with_an_element():
    """Printed inline and in the e-book with nothing added before the element, and its call
    found after another span."""
    body = Body("e", NOTE_BODY, (Note(1, "<p><em>Em</em> first.</p><p>Second.</p>"),), (), ())
    assert print_html(body).html == (
        '<p>A<span class="fr" lang="fr">oui</span><span class="footnote"><em>Em</em> first.'
        '<span class="note-p">Second.</span></span>.</p>')
    assert ebook_html(body) == (
        f'<p>A<span class="fr" lang="fr">oui</span><sup><a {EPUB} href="#e-note-1" '
        'class="noteref" epub:type="noteref" role="doc-noteref" id="e-noteref-1">1</a></sup>.</p>'
        f'<section {EPUB} class="footnotes" epub:type="footnotes"><aside id="e-note-1" '
        'epub:type="footnote" role="doc-footnote" class="footnote"><p><a href="#e-noteref-1" '
        'role="doc-backlink" class="backlink">1.</a> <em>Em</em> first.</p><p>Second.</p>'
        '</aside></section>')


def test_text_before_a_notes_first_paragraph_is_printed():
    body = Body("e", NOTE_BODY, (Note(1, "Bare <em>text</em><p>Then.</p>"),), (), ())
    assert print_html(body).html == (
        '<p>A<span class="fr" lang="fr">oui</span><span class="footnote">Bare <em>text</em>'
        '<span class="note-p">Then.</span></span>.</p>')


def test_the_ids_an_author_wrote_and_nothing_else(tmp_path):
    """Body.ids maps each id the author wrote (in the text and in notes; one with no name
    characters gets `id`) and each heading to its id in the output; the footnote
    extension's own ids are not among them, since they never reach the output."""
    body, diagnostics = body_of(tmp_path, '## Part\n\nText[^1] <span id="x">y</span> '
                                          '<span id="!!">z</span>.\n\n[^1]: N <em id="in">n</em>.\n')
    assert not diagnostics.items
    assert body.ids == (("x", "e-x"), ("!!", "e-id"), ("in", "e-in"), ("part", "e-part"),
                        ("e-part", "e-part"))
    assert body.html == ('<h2 id="e-part">Part</h2>\n<p>Text<span class="noteref" data-note="1"/>'
                         ' <span id="e-x">y</span> <span id="e-id">z</span>.</p>\n')
    assert body.notes == (Note(1, '<p>N <em id="e-in">n</em>.</p>'),)
