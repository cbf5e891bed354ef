"""Markdown as authors write it for other tools: hashtags, strike-through, definition lists
and ordered lists that start where they say, in the PDF and in a valid EPUB."""

from __future__ import annotations

import zipfile

from epubchecker import messages
from pdftext import Pdf

from pamphlet.cli import main

ESSAY = """---
title: Habits
---

#zines and ##printing are tags here, not headings.

# A real heading

The ~~first~~ second draft, where a ~ b ~~ c stays as it is.

Saddle stitch
:   Staples through the fold.

3. third
4. fourth

```
#kept in code
~~kept in code~~
```
"""


def test_hashtags_strike_through_definitions_and_list_starts(tmp_path):
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "habits.md").write_text(ESSAY)
    (tmp_path / "pamphlet.toml").write_text('title = "T"\nessays = ["habits"]\n')
    assert main(["build", str(tmp_path)]) == 0
    pdf = Pdf(tmp_path / "build" / "pamphlet.pdf")
    text = "\n".join(pdf.text(n) for n in range(1, len(pdf) + 1))
    assert "#zines and ##printing are tags here, not headings." in text
    assert "a ~ b ~~ c stays" in text and "~~first~~" not in text
    assert "#kept in code" in text and "~~kept in code~~" in text
    book = tmp_path / "build" / "pamphlet.epub"
    with zipfile.ZipFile(book) as epub:
        xhtml = epub.read("EPUB/essay-001.xhtml").decode()
    assert "<del>first</del> second draft" in xhtml
    assert "<dt>Saddle stitch</dt>" in xhtml and "<dd>Staples through the fold.</dd>" in xhtml
    assert '<ol start="3">' in xhtml
    assert xhtml.count("<h1") == 1 and xhtml.count("<h2") == 1  # the title, the real heading
    assert messages(book) == []


def test_an_image_whose_source_was_unsafe_prints_its_text(tmp_path, capsys):
    """Not S903 'a folder' (an empty src resolves to the essay's folder): M310, and the text."""
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "one.md").write_text(
        "---\ntitle: One\n---\n\nBefore.\n\n![a cat](javascript:alert(1))\n")
    (tmp_path / "pamphlet.toml").write_text('title = "T"\nessays = ["one"]\n')
    assert main(["build", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert f"{tmp_path / 'source' / 'one.md'}:7: M310 warning: an image has no usable source" \
        in err and "S903" not in err, err
    pdf = Pdf(tmp_path / "build" / "pamphlet.pdf")
    assert "a cat" in "\n".join(pdf.text(n) for n in range(1, len(pdf) + 1))
