"""Every value is checked where it is read: dates, numbers, SOURCE_DATE_EPOCH, nesting, PDFs
to impose, image sizes, option values and long URLs each get a coded diagnostic (file and
line, exit status, no traceback, sources unchanged, no half-written output)."""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

import pytest
from test_diagnostics import GOOD_SPEC, case, essay_with, make, tree_hashes, write_project
from test_diagnostics import test_bad_input as build_and_check

from pamphlet.cli import main


def png(width: int, height: int) -> bytes:
    """A white 1-bit PNG of `width` × `height`: a few kilobytes that can declare gigapixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    row = b"\0" + b"\xff" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


BOMB = png(20_000, 10_000)  # 200 million pixels, past Pillow's limit; 30 kB on disk
SMALL = png(40, 30)
BOMB_URL = "data:image/png;base64," + base64.b64encode(BOMB).decode()
MEGABYTE_URL = "data:image/png;base64," + "iVBORw0KGgo" * 100_000


def spec_with(*lines: str) -> str:
    """GOOD_SPEC and then `lines`: the first of them is line 3 of pamphlet.toml."""
    return GOOD_SPEC + "".join(line + "\n" for line in lines)


DATES = [
    case("impossible essay date", "E213", "source/one.md", 4, "'2026-02-30' (day is out of range",
         essay=essay_with("Text.", "date: 2026-02-30\n")),
    case("impossible quoted essay date", "E213", "source/one.md", 4, "month must be in 1..12",
         essay=essay_with("Text.", "date: '2026-13-01'\n")),
    case("impossible essay timestamp", "E213", "source/one.md", 4, "hour must be in 0..23",
         essay=essay_with("Text.", "date: 2026-02-28T25:00:00\n")),
    case("essay date in year zero", "E213", "source/one.md", 4, "year 0 is out of range",
         essay=essay_with("Text.", "date: 0000-01-01\n")),
    case("impossible source date", "E214", "source/one.md", 6, "'source.date' is not a real date",
         essay=essay_with("Text.", "source:\n  url: https://example.org/\n  date: 2026-02-30\n"),
         error=False),
    case("impossible accessed date", "E214", "source/one.md", 6, "'source.accessed' is not",
         essay=essay_with("Text.", "source:\n  url: https://example.org/\n"
                                   "  accessed: 2026-04-31\n"), error=False),
    case("a season for a date", None,
         essay=essay_with("Text.", "date: Spring 2026\nsource: Written for this pamphlet\n")),
    case("a real date", None,
         essay=essay_with("Text.", "date: 2024-02-29\nsource: Written for this pamphlet\n")),
    case("impossible spec date", "P124", "pamphlet.toml", 3, "'date' is not a real date",
         spec=spec_with('date = "2026-02-30"')),
    case("impossible event date", "P124", "pamphlet.toml", 4, "'event.date' is not a real date",
         spec=spec_with("[event]", 'date = "2026-13-01"')),
    case("a spec dated in the year 1", None, spec=spec_with("date = 0001-01-01")),
    case("impossible TOML date", "P101", "pamphlet.toml", 3, "Invalid date",
         spec=spec_with("date = 2026-02-30")),
]

TAGGED = [  # YAML values that cannot be what they are tagged, or that Python cannot print
    case("a float that is not", "E203", "source/one.md", 4, "cannot read 'abc' as "
         "tag:yaml.org,2002:float", essay=essay_with("Text.", "summary: !!float abc\n")),
    case("a boolean that is not", "E203", "source/one.md", 4, "as tag:yaml.org,2002:bool",
         essay=essay_with("Text.", "summary: !!bool maybe\n")),
    case("a timestamp that is not", "E203", "source/one.md", 4, "as tag:yaml.org,2002:timestamp",
         essay=essay_with("Text.", "date: !!timestamp nope\n")),
    case("a number of 5000 hex digits", None, essay=essay_with(
        "Text.", "license: 0x" + "f" * 5000 + "\nsource: Written here\n")),
]

NUMBERS = [
    case("negative limit", "P123", "pamphlet.toml", 4, "'select.limit' must be at least 1",
         spec=spec_with("[select]", "limit = -1")),
    case("zero limit", "P123", "pamphlet.toml", 4, "'select.limit' must be at least 1",
         spec=spec_with("[select]", "limit = 0")),
    case("huge time limit", "P123", "pamphlet.toml", 4, "between 0 and 86,400, not 99999999999",
         spec=spec_with("[pdf]", "time_limit = 99999999999")),
    case("negative time limit", "P123", "pamphlet.toml", 4, "'pdf.time_limit' must be between",
         spec=spec_with("[pdf]", "time_limit = -5")),
    case("no copies", "P123", "pamphlet.toml", 4, "'print.copies' must be between 1 and",
         spec=spec_with("[print]", "copies = 0")),
    case("negative copies", "P123", "pamphlet.toml", 4, "'print.copies' must be between 1 and",
         spec=spec_with("[print]", "copies = -3")),
    case("a trillion copies", "P123", "pamphlet.toml", 4, "not 1000000000000",
         spec=spec_with("[print]", "copies = 1_000_000_000_000")),
    case("copies of thousands of digits", "P101", "pamphlet.toml", 4, "thousands of digits",
         spec=spec_with("[print]", "copies = " + "9" * 5000)),
    case("copies not a number", "P103", "pamphlet.toml", 4, "must be a whole number",
         spec=spec_with("[print]", 'copies = "many"')),
    case("signature too large", "P121", "pamphlet.toml", 4, "between 4 and 256",
         spec=spec_with("[print]", "signature = 1000")),
    case("signature range too large", "P121", "pamphlet.toml", 4, "between 4 and 256",
         spec=spec_with("[print]", 'signature = "4-40000000000"')),
    case("creep too thick", "P120", "pamphlet.toml", 4, "cannot be folded",
         spec=spec_with("[print]", 'creep = "1000mm"')),
    case("creep of hundreds of digits", "P120", "pamphlet.toml", 4, "cannot read the length",
         spec=spec_with("[print]", 'creep = "' + "1" * 400 + 'mm"')),
]

DEEP_SPECS = {  # spec, line
    "TOML array 3000 deep": (spec_with("deep = " + "[" * 3000 + "]" * 3000), 3),
    "TOML inline tables 3000 deep": (
        spec_with("", "deep = " + "{a = " * 3000 + "1" + "}" * 3000), 4),
    "TOML array of tables in an array": (spec_with("deep = [" + "[{a = " * 2000 + "1"
                                                   + "}]" * 2000 + "]"), 3),
    "TOML multi-line array": (spec_with("deep = " + "[\n" * 3000 + "]\n" * 3000), 102),
}

NESTING = [
    case("YAML list 3000 deep", "E215", "source/one.md", 4, "nested more than 100 deep",
         essay=essay_with("Text.", "tags: " + "[" * 3000 + "]" * 3000 + "\n")),
    case("YAML mapping 3000 deep", "E215", "source/one.md", 4, "nested more than 100 deep",
         essay=essay_with("Text.", "tags: " + "{a: " * 3000 + "1" + "}" * 3000 + "\n")),
    case("YAML indentation 1000 deep", "E215", "source/one.md", 104, "nested more than 100 deep",
         # 1,000 deep: deeper, the file passes the 8 MB an essay may be (E218) first
         essay=essay_with("Text.", "tags:\n" + "".join("  " * i + "a:\n" for i in range(1, 1000))
                          + "  " * 1000 + "b\n")),
]

@pytest.mark.parametrize("name", DEEP_SPECS)
def test_a_deeply_nested_spec(name, tmp_path, capsys):
    """Through `check`: `build` reads the spec in cache.py first, which is another change's."""
    spec, line = DEEP_SPECS[name]
    project = write_project(tmp_path / "p", spec, {})
    status = main(["check", str(project)])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert f"{project / 'pamphlet.toml'}:{line}: P125 the spec nests lists or tables more than" \
        in err, err


IMAGES = [
    case("essay image bomb", "E216", "source/one.md", 8, "200,000,000 pixels",
         essay=essay_with("Text.\n\n![big](big.png)"), files={"source/big.png": BOMB}),
    case("raw img bomb", "E216", "source/one.md", 6, "200,000,000 pixels",
         essay=essay_with('<img src="big.png" alt="big">'), files={"source/big.png": BOMB}),
    case("data: URL bomb", "E216", "source/one.md", 6, "data:image/png;base64,… (",
         essay=essay_with(f"![big]({BOMB_URL})")),
    case("cover image bomb", "P126", "pamphlet.toml", 4, "the cover image is 200,000,000 pixels",
         spec=spec_with("[cover]", 'image = "cover.png"'), files={"cover.png": BOMB}),
    case("a small image", None, essay=essay_with("Text.\n\n![small](small.png)",
                                                 "source: Written here\n"),
         files={"source/small.png": SMALL}),
]

def test_a_huge_image_is_a_warning(tmp_path, capsys):
    """90 million pixels: slow to print (so a warning), not refused. Through `check`, which
    reads every image as a build does, because a build would take a gigabyte to print it."""
    project = write_project(tmp_path / "p", GOOD_SPEC, {
        "source/one.md": essay_with("Text.\n\n![huge](huge.png)", "source: Written here\n"),
        "source/huge.png": png(9_500, 9_500)})
    assert main(["check", str(project)]) == 0
    err = capsys.readouterr().err
    assert f"{project / 'source/one.md'}:9: E217 warning: the image huge.png has 90,250,000 " \
        "pixels" in err, err


LONG_URLS = [
    # A line of a megabyte is refused before Markdown reads it (M313), whatever it holds.
    case("a megabyte data: image", "M313", "source/one.md", 6, "more than the 100,000 a line",
         essay=essay_with(f"![x]({MEGABYTE_URL})")),
    case("a megabyte data: link", "M313", "source/one.md", 6, "more than the 100,000 a line",
         essay=essay_with(f"[x]({MEGABYTE_URL})")),
    case("a megabyte remote image", "M313", "source/one.md", 6, "more than the 100,000 a line",
         essay=essay_with("![x](https://example.org/" + "x" * 1_000_000 + ")")),
    case("a slug of 100,000 characters", "P104", "pamphlet.toml", 2, "(100,000 characters)",
         spec=f'title = "T"\nessays = ["one", "{"x" * 100_000}"]\n'),
    case("a page size of 100,000 characters", "P106", "pamphlet.toml", 4,
         "(100,000 characters)", spec=spec_with("[pdf]", f'page_size = "{"x" * 100_000}"')),
    case("a colour of 100,000 characters", "P110", "pamphlet.toml", 4,
         "(100,000 characters)", spec=spec_with("[cover]", f'accent = "{"x" * 100_000}"')),
    case("a megabyte data: URL in the layout's CSS", "O501", "pamphlet.toml", None,
         "(1,100,022 characters)", error=False,
         files={"layouts/zine/custom.css": f'body {{ background: url("{MEGABYTE_URL}"); }}\n'}),
]

CLASSES = {"dates": DATES, "tagged YAML values": TAGGED, "numbers": NUMBERS, "nesting": NESTING,
           "images": IMAGES, "long URLs and values": LONG_URLS}


@pytest.mark.parametrize("spec, files, code, file, line, words, error",
                         DATES + TAGGED + NUMBERS + NESTING + IMAGES + LONG_URLS)
def test_a_bad_value(spec, files, code, file, line, words, error, tmp_path, capsys):
    build_and_check(spec, files, code, file, line, words, error, tmp_path, capsys)


@pytest.mark.parametrize("spec, files", [
    (GOOD_SPEC, {"source/one.md": essay_with(f"[x]({MEGABYTE_URL})\n\n![y]({MEGABYTE_URL})")}),
    (f'title = "T"\nessays = ["one", "{"x" * 100_000}"]\n', {}),
    (GOOD_SPEC, {"layouts/zine/custom.css": f'p {{ background: url("{MEGABYTE_URL}"); }}\n'})])
def test_no_printed_line_is_long(spec, files, tmp_path, capsys):
    main(["build", str(write_project(tmp_path / "p", spec, files))])
    err = capsys.readouterr().err
    assert err and max(map(len, err.splitlines())) < 400, err[:2000]


@pytest.mark.parametrize("value", ["99999999999999", "4354819200", "-1", "abc", "", "1e9",
                                   "1700000000.5", "\u0663"])
def test_a_bad_source_date_epoch_stops_the_build(value, tmp_path, capsys, monkeypatch):
    project = make(tmp_path)
    before = tree_hashes(project)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    status = main(["build", str(project)])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert "pamphlet: O520 SOURCE_DATE_EPOCH is not a time" in err, err
    assert not (project / "build").exists() or not any((project / "build").iterdir())
    assert tree_hashes(project) == before


@pytest.mark.parametrize("value", ["0", " 1700000000 ", "4354819199"])
def test_a_good_source_date_epoch_builds(value, tmp_path, capsys, monkeypatch):
    project = make(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert main(["build", str(project)]) == 0, capsys.readouterr().err


def test_new_refuses_a_bad_source_date_epoch(tmp_path, capsys, monkeypatch):
    project = make(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999")
    assert main(["new", "A title", "--project", str(project)]) == 1
    assert "O520" in capsys.readouterr().err
    assert not (project / "source" / "a-title.md").exists()


@pytest.mark.parametrize("args", [["build"], ["build", "--force"]])
@pytest.mark.parametrize("name", ["nonsense", "rot13", "hex", "utf-8" + "x" * 1000])
def test_an_unknown_encoding_blames_the_option(name, args, tmp_path, capsys):
    project = make(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main([*args, str(project), "--encoding", name])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "argument --encoding: unknown text encoding" in err, err
    assert "E202" not in err and "one.md" not in err and len(err.splitlines()[-1]) < 200
    assert not (project / "build").exists()


# PDFs to impose, written by hand so that each says exactly one bad thing.
def _pdf(objects: list[bytes]) -> bytes:
    out, offsets = b"%PDF-1.7\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _pages(boxes: list[bytes], content: bytes = _stream(b"BT ET")) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(len(boxes)))
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(boxes)),
                 *(b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents %d 0 R >>"
                   % (box, 3 + len(boxes)) for box in boxes), content])


A5 = b"[0 0 419.53 595.28]"
HOSTILE_PDFS = {
    "zero width": ("I604", "page 2 measures 0 × 595 pt", _pages([A5, b"[0 0 0 595]", A5, A5])),
    "zero height": ("I604", "page 1 measures 419 × 0 pt", _pages([b"[0 0 419 0]"] * 4)),
    "negative width": ("I604", "page 3 measures -419 × 595",
                       _pages([A5, A5, b"[0 0 -419 595]", A5])),
    "a box of 10^29 points": ("I604", "page 1 measures 1e+29", _pages(
        [b"[0 0 100000000000000000000000000000 100000000000000000000000000000]"] * 4)),
    "a box of strings": ("I604", "page 1 measures 0 × 0 pt", _pages([b"[0 0 (a) (b)]"] * 4)),
    "no MediaBox at all": ("I601", "cannot read the PDF", _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R >>"])),
    "no pages": ("I601", "the PDF has no pages", _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])),
    "a page tree that loops": ("I601", "cyclic", _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"])),
    "a content stream that unpacks to 200 MB": ("I605", "a limit pypdf sets", _pages(
        [A5] * 4, _stream(zlib.compress(b" " * 200_000_000, 9), b"/Filter /FlateDecode"))),
    "truncated": ("I601", "cannot read the PDF", _pages([A5] * 4)[:300]),
    "garbage": ("I601", "cannot read the PDF", b"%PDF-1.7\n" + bytes(range(256)) * 40),
    "empty": ("I601", "cannot read the PDF", b""),
}


@pytest.mark.parametrize("name", HOSTILE_PDFS)
def test_impose_a_broken_pdf(name, tmp_path, capsys):
    code, words, data = HOSTILE_PDFS[name]
    source = tmp_path / "in.pdf"
    source.write_bytes(data)
    status = main(["impose", str(source), "-o", str(tmp_path / "out.pdf")])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert f"{source}: {code} " in err and words in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.pdf"]


@pytest.mark.parametrize("option, value, words", [
    ("--copies", "-1", "must be between 1 and 1,000,000"),
    ("--copies", "0", "must be between 1 and 1,000,000"),
    ("--copies", "99999999999", "must be between 1 and 1,000,000"),
    ("--copies", "\u00b2", "must be a whole number"),
    ("--keep-last", "-3", "must be between 0 and 999"),
    ("--keep-last", "9" * 5000, "must be a whole number"),
    ("--signature", "4-40000000000", "P121 --signature"),
    ("--signature", "1000", "P121 --signature"),
    ("--signature", "4" * 5000, "P121 --signature"),
    ("--creep", "1000mm", "P120 --creep"),
    ("--creep", "1" * 400 + "mm", "P120 --creep"),
])
def test_impose_refuses_an_absurd_option(option, value, words, tmp_path, capsys):
    source = tmp_path / "in.pdf"
    source.write_bytes(_pages([A5] * 8))
    try:
        status = main(["impose", str(source), "-o", str(tmp_path / "out.pdf"), option, value])
    except SystemExit as stop:
        status = stop.code
    err = capsys.readouterr().err
    assert status == 2 and "Traceback" not in err
    assert words in err and (option in err or f"argument {option}" in err), err
    assert max(map(len, err.splitlines())) < 300
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize("option, value", [("--signature", "8"), ("--signature", "8-16"),
                                           ("--copies", "30"), ("--keep-last", "0")])
def test_impose_takes_a_sensible_option(option, value, tmp_path, capsys):
    source = tmp_path / "in.pdf"
    source.write_bytes(_pages([A5] * 8))
    assert main(["impose", str(source), "-o", str(tmp_path / "out.pdf"), option, value]) == 0
    assert (tmp_path / "out.pdf").is_file()


def test_the_classes_have_several_cases_each():
    assert all(len(cases) >= 3 for cases in CLASSES.values())
    assert len(DEEP_SPECS) >= 4
    assert len(HOSTILE_PDFS) >= 10
