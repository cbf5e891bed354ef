"""No traceback for characters XML cannot hold: a spec's text with U+0001 or U+FFFE is
reported with its key and line (P181), the characters left out, and the EPUB (EPUBCheck) and
the calendar file are written clean."""

from __future__ import annotations

import zipfile

from test_diagnostics import GOOD_ESSAY, make
from epubchecker import messages as epubcheck_messages

from pamphlet.cli import main

SPEC = """title = "Sp\\u0001ec\\uFFFE"
subtitle = "Sub\\u0008"
editor = "E\\u0002"
essays = ["one"]

[event]
name = "Read\\u0007ing"
date = 2026-05-14
time = "18:30"
place = "Hall\\u001b"
"""


def test_control_characters_in_a_spec_are_named_and_left_out(tmp_path, capsys):
    project = make(tmp_path / "zine", SPEC, {"one": GOOD_ESSAY})
    assert main(["build", str(project)]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "Traceback" not in err and "B703" not in err
    for key, line in (("title", 1), ("subtitle", 2), ("editor", 3), ("event.name", 7),
                      ("event.place", 10)):
        assert f"pamphlet.toml:{line}: P181 warning: '{key}' held control characters" in err, err
    epub = project / "build" / "pamphlet.epub"
    assert epubcheck_messages(epub) == []
    with zipfile.ZipFile(epub) as book:
        assert "Spec" in book.read("EPUB/content.opf").decode()
    [calendar] = (project / "build").glob("*.ics")
    text = calendar.read_text()
    assert "Reading" in text and "Hall" in text
    assert not any(ord(c) < 32 and c not in "\r\n\t" for c in text)
