"""A saved page's bytes as text (importers/html_decode.py), by the rules browsers follow: a
byte-order mark, then the declared encoding (as browsers read its label), then UTF-8, then
windows-1252; an encoding that cannot read the page is N840 at the line of its first bad
byte, never a guess."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from pamphlet.diagnostics import Diagnostics
from pamphlet.importers.html_decode import decode_page

PATH = Path("/pages/page.html")


def decoded(raw: bytes) -> tuple[str | None, list[tuple]]:
    said = Diagnostics()
    text = decode_page(raw, PATH, said)
    return text, [(d.code, d.severity.value, d.line, d.message) for d in said]


@pytest.mark.parametrize("mark, codec", [
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be")])
def test_a_byte_order_mark_wins_over_any_declaration(mark, codec):
    page = '<?xml version="1.0" encoding="iso-8859-5"?>\n<p>Grüße – “quoted”</p>'
    text, said = decoded(mark + page.encode(codec))
    assert text == "\n<p>Grüße – “quoted”</p>" and said == []


@pytest.mark.parametrize("declaration", [
    b'<?xml version="1.0" encoding="ISO-8859-7"?>', b"<?xml version='1.0' encoding='iso-8859-7'?>",
    b'<meta charset="iso-8859-7">', b"<meta charset=iso-8859-7>",
    b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-7">'])
def test_the_declared_encoding_is_read(declaration):
    raw = declaration + "\n<p>Καλημέρα</p>".encode("iso-8859-7")
    text, said = decoded(raw)
    assert text.endswith("<p>Καλημέρα</p>") and said == []
    assert "<?xml" not in text  # lxml will not take a str that still declares its bytes


@pytest.mark.parametrize("label, byte, letter", [
    ("latin1", b"\x93", "“"), ("iso-8859-1", b"\x80", "€"), ("us-ascii", b"\x96", "–"),
    ("iso-8859-9", b"\x80", "€"), ("tis-620", b"\x85", "…")])
def test_labels_are_read_as_browsers_read_them(label, byte, letter):
    text, said = decoded(f'<meta charset="{label}"><p>'.encode() + byte + b"</p>")
    assert text.endswith(f"<p>{letter}</p>") and said == []


def test_a_declaration_far_down_the_page_is_not_read():
    raw = b"<p>" + b"x" * 5000 + b'</p><meta charset="iso-8859-7">' + "é".encode()
    text, said = decoded(raw)
    assert text.endswith("é") and said == []  # UTF-8, as if undeclared


def test_an_undeclared_page_is_utf8_else_windows_1252_with_a_warning():
    assert decoded("<p>naïve</p>".encode()) == ("<p>naïve</p>", [])
    text, said = decoded("<p>naïve “x”</p>".encode("cp1252"))
    assert text == "<p>naïve “x”</p>"
    assert said == [("N842", "warning", None, "page.html declares no encoding and is not "
                     "UTF-8; read as windows-1252")]


def test_a_page_that_says_utf8_but_holds_none_is_read_as_windows_1252():
    text, said = decoded('<meta charset="utf-8"><p>'.encode() + "naïve".encode("cp1252")
                         + b"</p>")
    assert text.endswith("<p>naïve</p>")
    assert said == [("N842", "warning", None, "page.html says it is UTF-8 but is not; read as "
                     "windows-1252")]


def test_a_utf8_page_with_a_fault_is_an_error_at_its_line():
    raw = '<meta charset="UTF-8">\n<p>Grüße</p>\n<p>'.encode() + b"\xff</p>"
    text, said = decoded(raw)
    assert text is None
    assert said == [("N840", "error", 3, "cannot read page.html as UTF-8: byte 0xff at line 3 "
                     "is not UTF-8 text")]


def test_a_page_its_declared_encoding_cannot_read_is_an_error():
    raw = b'<?xml version="1.0" encoding="ascii"?>\n\n<p>\x81</p>'  # cp1252 has no 0x81
    text, said = decoded(raw)
    assert text is None
    assert said == [("N840", "error", 3, "cannot read page.html as windows-1252: byte 0x81 "
                     "at line 3 is not windows-1252 text")]
    text, said = decoded(b'<meta charset="koi8-r">\n<p>\xc1</p>')
    assert text.endswith("<p>а</p>") and said == []
    text, said = decoded(b'<meta charset="shift_jis">\n\n\n<p>\x81</p>')
    assert said[0][:3] == ("N840", "error", 4) and "as shift-jis" in said[0][3]


def test_an_unknown_encoding_is_said_with_its_line_and_the_page_read_anyway():
    text, said = decoded(b"<html>\n<head>\n<meta charset=klingon>\n<p>ok</p>")
    assert text.endswith("<p>ok</p>")
    assert said == [("N841", "warning", 3, "page.html declares an unknown encoding 'klingon'; "
                     "read as UTF-8 (or windows-1252)")]


def test_a_byte_order_less_page_that_says_utf16_is_read_as_utf8():
    text, said = decoded('<meta charset="utf-16"><p>é</p>'.encode())
    assert text == '<meta charset="utf-16"><p>é</p>' and said == []
    assert decoded('<meta charset="UTF-32BE"><p>é</p>'.encode())[1] == []


def test_bytes_that_no_encoding_we_may_assume_reads_name_utf8s_first_fault():
    text, said = decoded(b"<p>ok</p>\n\x81\x8d\x8f\x90\x9d")  # undefined in windows-1252
    assert text is None
    assert said == [("N840", "error", 2, "cannot read page.html as UTF-8: byte 0x81 at line 2 "
                     "is not UTF-8 text")]


def test_only_the_first_declaration_is_taken_off():
    page = '<?xml version="1.0" encoding="utf-8"?><p>é <?xml version="1.0"?></p>'
    assert decoded(page.encode())[0] == '<p>é <?xml version="1.0"?></p>'
