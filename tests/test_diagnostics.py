"""Bad input: each mistake gets its code, file and line, exit status 1, and no traceback."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from pamphlet.build.pipeline import build
from pamphlet.cli import main
from pdftext import image_xobjects, pixels_of_colour

GOOD_SPEC = 'title = "T"\nessays = ["one"]\n'
GOOD_ESSAY = "---\ntitle: One\nauthor: A\n---\n\nSome text.\n"


def make(tmp_path: Path, spec: str = GOOD_SPEC, essays: dict[str, str] | None = None) -> Path:
    (tmp_path / "source").mkdir(parents=True)
    (tmp_path / "pamphlet.toml").write_text(spec)
    for slug, text in (essays or {"one": GOOD_ESSAY}).items():
        (tmp_path / "source" / f"{slug}.md").write_text(text)
    return tmp_path


def tree_hashes(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "build" not in p.parts}


class Dangling:
    """A file that cannot be read: a symbolic link to nowhere."""


def case(name, code, file=None, line=None, words="", *, spec=GOOD_SPEC, files=None, essay=None,
         error=True):
    """One bad input: the project is GOOD_SPEC and GOOD_ESSAY with `spec`, `files` (path ->
    text, bytes or Dangling) or the essay `essay` in place. `code` None means a clean build."""
    files = dict(files or {})
    if essay is not None:
        files["source/one.md"] = essay
    return pytest.param(spec, files, code, file, line, words, error and code is not None,
                        id=name)


def essay_with(body: str, front: str = "") -> str:
    return f"---\ntitle: One\nauthor: A\n{front}---\n\n{body}\n"


BROKEN_TEMPLATE = "<html>\n<body>\n{% for x in %}\n</body></html>\n"
UNDEFINED_TEMPLATE = "<html>\n<body>\n{{ pamphlet.nonesuch }}\n</body></html>\n"
TWO_MB = essay_with("\n\n".join(
    "Paragraph %d of a very long essay that someone pasted whole, as people will. " % n * 6
    for n in range(4_200)))

CORPUS = [
    # The spec.
    case("toml syntax", "P101", "pamphlet.toml", 1, "not valid TOML",
         spec='title = "T\nessays = ["one"]\n'),
    case("unknown key", "P102", "pamphlet.toml", 2, "did you mean 'subtitle'",
         spec='title = "T"\nsubtile = "x"\nessays = ["one"]\n'),
    case("unknown nested key", "P102", "pamphlet.toml", 4, "did you mean 'background'",
         spec='title = "T"\nessays = ["one"]\n[cover]\nbackround = "#fff"\n'),
    case("wrong type", "P103", "pamphlet.toml", 2, "must be a list of strings",
         spec='title = "T"\nessays = "one"\n'),
    case("wrong type in table", "P103", "pamphlet.toml", 5, "must be a string",
         spec='title = "T"\nessays = ["one"]\n\n[pdf]\npage_size = 5\n'),
    case("missing title", "P105", "pamphlet.toml", 1, "'title'", spec='essays = ["one"]\n'),
    case("bad choice", "P106", "pamphlet.toml", 4, "did you mean 'A5'",
         spec='title = "T"\nessays = ["one"]\n[pdf]\npage_size = "A55"\n'),
    case("unknown slug", "P104", "pamphlet.toml", 4, "did you mean 'one-more'",
         spec='title = "T"\nessays = [\n  "one",\n  "onne-more",\n]\n',
         files={"source/one-more.md": GOOD_ESSAY}),
    case("duplicate slug", "P108", "pamphlet.toml", 2, "listed twice",
         spec='title = "T"\nessays = ["one", "one"]\n'),
    case("empty selection", "P112", "pamphlet.toml", 2, "selects no essays",
         spec='title = "T"\nessays = []\n'),
    case("missing cover image", "P109", "pamphlet.toml", 4, "cover image not found",
         spec='title = "T"\nessays = ["one"]\n[cover]\nimage = "nope.png"\n'),
    case("cover image outside the project", "P109", "pamphlet.toml", 4, "outside the project",
         spec='title = "T"\nessays = ["one"]\n[cover]\nimage = "../../../etc/hostname"\n'),
    case("bad binding", "P106", "pamphlet.toml", 4, "'left', 'right'",
         spec='title = "T"\nessays = ["one"]\n[print]\nbinding = "top"\n'),
    case("bad colour", "P110", "pamphlet.toml", 4, "not a CSS colour",
         spec='title = "T"\nessays = ["one"]\n[cover]\naccent = "red; x: y"\n'),
    case("unknown layout", "L401", "pamphlet.toml", 2, "did you mean 'zine'",
         spec='title = "T"\nlayout = "zin"\nessays = ["one"]\n'),
    case("empty project", "P107", None, None, "no pamphlet.toml", spec=None),
    case("project with no essays", "P104", "pamphlet.toml", 2, "no essay 'one'",
         files={"source/one.md": None}),
    # The essays' files and front matter.
    case("unreadable file", "E201", "source/one.md", None, "cannot read essay",
         essay=Dangling),
    case("not utf-8", "E202", "source/one.md", 2, "--encoding cp1252",
         essay=b"---\ntitle: Caf\xe9 \x93talk\x94\n---\nText\n"),
    case("utf-8 bom and crlf", None,
         essay="\ufeff---\r\ntitle: One\r\n---\r\n\r\nSome text.\r\n".encode()),
    case("bad yaml", "E203", "source/one.md", 4, "not valid YAML",
         essay="---\ntitle: One\nauthor: [A, B\n---\nText\n"),
    case("bad yaml colon", "E203", "source/one.md", 3, "not valid YAML",
         essay="---\ntitle: One\nsubtitle: a: b\n---\nText\n"),
    case("front matter never closed", "E204", "source/one.md", 1, "never closed",
         essay="---\ntitle: One\n\nText\n"),
    case("no title in essay", "E205", "source/one.md", 1, "no title",
         essay="---\nauthor: A\n---\nText\n"),
    case("empty title", "E205", "source/one.md", 3, "no title",
         essay="---\nauthor: A\ntitle: ''\n---\nText\n"),
    case("no front matter", "E205", "source/one.md", 1, "no front matter", essay="Just text.\n"),
    case("title that is only markup", "E210", "source/one.md", 2, "empty once its markup",
         essay="---\ntitle: <script>alert(1)</script>\n---\nText\n"),
    case("title with markup", None, essay="---\ntitle: The *real* <b>title</b>\n---\nText\n"),
    case("wrong type in essay", "E206", "source/one.md", 3, "'author' must be",
         essay="---\ntitle: One\nauthor: {a: 1}\n---\nT\n"),
    case("unknown source key", "E206", "source/one.md", 3, "did you mean 'url'",
         essay="---\ntitle: One\nsource:\n  urll: x\n---\nT\n"),
    case("front matter not a mapping", "E209", "source/one.md", 2, "key: value",
         essay="---\n- a\n- b\n---\nText\n"),
    case("typo in a front-matter key", "E207", "source/one.md", 4, "unknown front-matter key "
         "'titel'", essay=essay_with("Text.", "titel: x\n"), error=False),
    case("empty essay", "E208", "source/one.md", 4, "the essay has no text",
         essay="---\ntitle: One\n---\n", error=False),
    case("control characters", "E212", "source/one.md", 8, "control characters",
         essay=essay_with("Fine.\n\nBell\x07 and escape\x1b[0m."), error=False),
    # Images and links.
    case("missing image", "M301", "source/one.md", 8, "image not found",
         essay=essay_with("Text.\n\n![alt](img/none.png)")),
    case("image outside the project", "M302", "source/one.md", 6, "outside the project",
         essay=essay_with("![x](../../../etc/passwd)")),
    case("raw img outside the project", "M302", "source/one.md", 6, "outside the project",
         essay=essay_with('<img src="/etc/passwd" alt="x">')),
    case("remote image", "M303", "source/one.md", 6, "remote image left out",
         essay=essay_with("![x](https://example.org/x.png)"), error=False),
    case("file:// link", "M305", "source/one.md", 6, "link with 'file:' removed",
         essay=essay_with("[secrets](file:///etc/passwd)"), error=False),
    case("link to a file outside the pamphlet", "M304", "source/one.md", 6, "not in this pamphlet",
         essay=essay_with("[notes](../notes.txt)"), error=False),
    # Raw HTML: stripped, with a warning.
    case("script", "M305", "source/one.md", 7, "<script> is not allowed",
         essay=essay_with("Text.\n<script>document.write('x')</script>"), error=False),
    case("iframe", "M305", "source/one.md", 6, "<iframe> is not allowed",
         essay=essay_with('<iframe src="https://example.org/"></iframe>'), error=False),
    case("on* attribute", "M305", "source/one.md", 6, "the onclick attribute is not allowed",
         essay=essay_with('<p onclick="steal()">Click.</p>'), error=False),
    case("javascript: link", "M305", "source/one.md", 6, "link with 'javascript:' removed",
         essay=essay_with("[click](javascript:alert(1))"), error=False),
    # Extremes (a 10,000-character word and URL, and 300 footnotes, are built once by the
    # `extreme` fixture below, with the checks of what they look like).
    case("lists and quotes nested 100 deep", "M306", "source/one.md", 6, "nested",
         essay=essay_with("\n".join("  " * i + "- level" for i in range(100)) + "\n\n"
                          + ">" * 100 + " deep"), error=False),
    # Scripts: Arabic and Hebrew run right to left in DejaVu; Khitan has no font anywhere
    # (Noto has Tangut now).
    case("arabic", None, essay=essay_with("الكتيب شكل قديم من أشكال النشر.", "lang: ar\n")),
    case("hebrew", None, essay=essay_with("החוברת היא צורה עתיקה של פרסום.", "lang: he\n")),
    case("a script no font has", "M307", "source/one.md", 8, "glyphs for 2 characters (Khitan)",
         essay=essay_with("Khitan:\n\n\U00018B00\U00018B01"),
         error=False),
    case("emoji (fonts-noto-color-emoji is installed)", None,
         essay="---\ntitle: Zines \N{PARTY POPPER}\n---\nWe fold \N{PAGE FACING UP}.\n"),
    # Layouts.
    case("template syntax error", "L402", "layouts/zine/pamphlet.html", 3, "syntax error",
         files={"layouts/zine/pamphlet.html": BROKEN_TEMPLATE}),
    case("template unknown name", "L403", "layouts/zine/pamphlet.html", 3, "template error",
         files={"layouts/zine/pamphlet.html": UNDEFINED_TEMPLATE}),
    case("layout css pulling a file from outside", "S901", "layouts/zine/custom.css", None,
         "url(file:///etc/hostname) in a stylesheet was left out", error=False,
         files={"layouts/zine/custom.css": 'body { background: url("file:///etc/hostname"); }\n'}),
]


def write_project(root: Path, spec: str | None, files: dict) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if spec is None:
        return root
    make(root, spec)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        if content is Dangling:
            os.symlink(root / "nowhere.md", path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        elif content is not None:
            path.write_text(content)
    return root


@pytest.mark.parametrize("spec, files, code, file, line, words, error", CORPUS)
def test_bad_input(spec, files, code, file, line, words, error, tmp_path, capsys):
    project = write_project(tmp_path / "project", spec, files)
    before = tree_hashes(project)
    status = main(["build", str(project)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert tree_hashes(project) == before, "a source file changed"
    outputs = sorted(p.name for p in (project / "build").glob("*")) \
        if (project / "build").is_dir() else []
    if code is None:
        assert status == 0 and not err.strip(), err
    else:
        where = f"{project / file}:{line}: " if line else f"{project / file}: " if file else ""
        assert f"{where}{code} " in err, err
        assert words in err, err
    if error:
        assert status == 1
        assert outputs in ([], [".pamphlet-cache.json"]) and not any(
            (project / "build").glob(".pamphlet-*/**/*")), outputs
    else:
        assert status == 0, err
        assert {"pamphlet.pdf", "pamphlet.epub"} <= set(outputs)
        from pypdf import PdfReader
        assert len(PdfReader(str(project / "build" / "pamphlet.pdf")).pages) >= 4


def test_a_two_megabyte_essay_is_named_before_its_long_layout(tmp_path, capsys):
    """E211 comes from reading the essay, so `check` says it (at the front matter's end)
    without laying out its hundreds of pages (a build takes minutes: bench/ measures it)."""
    project = write_project(tmp_path / "project", GOOD_SPEC, {"source/one.md": TWO_MB})
    assert main(["check", str(project)]) == 0
    err = capsys.readouterr().err
    assert f"{project / 'source/one.md'}:6: E211 warning: the essay is 2." in err, err
    assert "Traceback" not in err and not (project / "build").exists()


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 30


def test_not_utf8_builds_with_the_encoding_it_suggests(tmp_path, capsys):
    project = make(tmp_path)
    (project / "source" / "one.md").write_bytes(b"---\ntitle: Caf\xe9 \x93talk\x94\n---\nText\n")
    assert main(["build", str(project), "--encoding", "cp1252"]) == 0
    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(str(project / "build" / "pamphlet.pdf")).pages)
    assert "Café “talk”" in text


def test_every_problem_is_reported_at_once(tmp_path, capsys):
    project = make(tmp_path, 'title = "T"\nsubtile = "x"\nessays = ["one"]\n[pdf]\nlink_notes = "foot"\n')
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert ":2: P102" in err and ":5: P106" in err


def test_failed_build_keeps_the_previous_output(tmp_path, capsys):
    project = make(tmp_path)
    assert main(["build", str(project)]) == 0
    outputs = sorted((project / "build").iterdir())
    before = [path.read_bytes() for path in outputs]
    (project / "source" / "one.md").write_text("---\ntitle: [broken\n---\n")
    assert main(["build", str(project)]) == 1
    assert [path.read_bytes() for path in outputs] == before
    assert [p.name for p in sorted((project / "build").iterdir())] == [
        ".pamphlet-cache.json", "pamphlet.epub", "pamphlet.pdf"]


def test_unwritable_output_folder(tmp_path, capsys):
    project = make(tmp_path)
    (tmp_path / "blocked").write_text("a file where a folder should be")
    assert main(["build", str(project), "--out", str(tmp_path / "blocked")]) == 1
    err = capsys.readouterr().err
    assert "O502 cannot write to" in err and "Traceback" not in err


def test_a_crafted_essay_and_layout_cannot_pull_files_from_outside_the_project(tmp_path, capsys):
    """Every way in we know of, at once; the secret's text and image reach neither output."""
    import zipfile

    from PIL import Image
    from pypdf import PdfReader

    secret_png, secret_txt = tmp_path / "secret.png", tmp_path / "secret.txt"
    Image.new("RGB", (50, 50), "red").save(secret_png)
    secret_txt.write_text("SECRET-TOKEN-4711\n")
    essay = GOOD_ESSAY + (
        f'\n<object data="file://{secret_txt}"></object>\n'
        f'<iframe src="{secret_txt}"></iframe>\n'
        f'<link rel="stylesheet" href="file://{secret_txt}">\n'
        f'<style>body {{ background: url("file://{secret_png}"); }}</style>\n'
        f'<p style="background: url(file://{secret_png})">Styled.</p>\n'
        f'<svg><image href="file://{secret_png}"/></svg>\n'
        f'[read]({secret_txt}) and [again](file://{secret_txt})\n')
    project = make(tmp_path / "project", essays={"one": essay})
    zine = project / "layouts" / "zine"
    zine.mkdir(parents=True)
    (zine / "custom.css").write_text(
        f'body {{ background: url("file://{secret_png}"); }}\n'
        f'@import url("file://{secret_txt}");\n'
        '.essay-title::after { content: url("https://example.org/tracker.png"); }\n'
        '.essay-source::after { content: url("../../../secret.png"); }\n')  # beside project/
    (zine / "ebook.css").write_text(f'body {{ background: url("file://{secret_png}"); }}\n')
    assert main(["build", str(project)]) == 0
    err = capsys.readouterr().err
    refused = [line for line in err.splitlines() if "S901 warning: url(" in line]
    assert any("secret.png" in line and "in a stylesheet was left out" in line
               for line in refused), err  # (a long address is shortened in the message)
    assert "S901 warning: url(https://example.org/tracker.png) in a stylesheet was left out" \
        in err
    assert err.count("M305 warning") >= 6
    pdf = project / "build" / "pamphlet.pdf"
    reader = PdfReader(str(pdf))
    assert image_xobjects(pdf) == 0  # in page resources, forms and patterns (CSS backgrounds)
    assert pixels_of_colour(pdf, (255, 0, 0)) == 0  # the secret is red; nothing red is drawn
    assert "SECRET-TOKEN" not in "".join(page.extract_text() for page in reader.pages)
    with zipfile.ZipFile(project / "build" / "pamphlet.epub") as book:
        for name in book.namelist():
            data = book.read(name)
            assert b"SECRET-TOKEN" not in data and data != secret_png.read_bytes(), name
            assert not name.endswith(".png") or name.startswith("EPUB/images/cover"), name


@pytest.mark.parametrize("reference", ["../../../zine-private/secret.png",
                                       "file://{secret}"])
def test_a_sibling_folder_whose_name_starts_like_the_project_is_outside(tmp_path, capsys,
                                                                       reference):
    """zine-private/ beside zine/ is not inside zine/, however the names compare as text."""
    import zipfile

    from PIL import Image

    secret = tmp_path / "zine-private" / "secret.png"
    secret.parent.mkdir()
    Image.new("RGB", (50, 50), "red").save(secret)
    project = make(tmp_path / "zine")
    (project / "layouts" / "zine").mkdir(parents=True)
    (project / "layouts" / "zine" / "custom.css").write_text(
        f'body {{ background: url("{reference.format(secret=secret)}"); }}\n')
    assert main(["build", str(project)]) == 0
    err = capsys.readouterr().err
    assert any(line.startswith(f"{project / 'layouts/zine/custom.css'}: S901 warning: url(")
               and "secret.png" in line and "in a stylesheet was left out" in line
               for line in err.splitlines()), err
    pdf = project / "build" / "pamphlet.pdf"
    assert image_xobjects(pdf) == 0 and pixels_of_colour(pdf, (255, 0, 0)) == 0
    with zipfile.ZipFile(project / "build" / "pamphlet.epub") as book:
        assert all(book.read(name) != secret.read_bytes() for name in book.namelist())


def test_a_changed_stylesheet_is_warned_of_as_it_now_stands(tmp_path, capsys):
    """The cover kept from the last build was drawn from a sheet that cleaned to the same
    text; its warnings were those of the old sheet, said again beside the new one's."""
    project = make(tmp_path / "zine")
    sheet = project / "layouts" / "zine" / "custom.css"
    sheet.parent.mkdir(parents=True)
    for refused in ("file:///etc/hostname", "https://example.org/tracker.png"):
        sheet.write_text(f'body {{ background: url("{refused}"); }}\n')
        assert main(["build", str(project)]) == 0
        err = capsys.readouterr().err
        assert re.findall(r"S901 warning: url\(([^)]*)\)", err) == [refused], err


def test_a_template_cannot_include_a_file_outside_the_layouts(tmp_path, capsys):
    (tmp_path / "secret.txt").write_text("SECRET-TOKEN-4711\n")
    project = make(tmp_path / "project")
    (project / "layouts" / "zine").mkdir(parents=True)
    (project / "layouts" / "zine" / "pamphlet.html").write_text(
        '<html>\n<body>\n{% include "../../../secret.txt" %}\n</body></html>\n')
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert "L403" in err and "Traceback" not in err
    assert not (project / "build").exists() or not list((project / "build").glob("*.pdf"))


def test_a_build_past_its_time_limit_is_stopped(tmp_path, capsys):
    import sys
    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from corpus import make_corpus

    # about three seconds to render with two workers (the alarm must interrupt the wait
    # for them, see parts.Workers.receive)
    project = make_corpus(tmp_path / "big", 25)
    spec = project / "pamphlet.toml"
    spec.write_text(spec.read_text() + "[pdf]\ntime_limit = 1\n")
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"{spec}:5: O504 the build took longer than 1 s and was stopped" in err
    assert not list((project / "build").glob("*.pdf"))


@pytest.fixture(scope="module")
def extreme(tmp_path_factory):
    """One build of the extreme inputs: a 10,000-character word and URL, lists and quotes
    nested 100 deep, 300 footnotes."""
    project = tmp_path_factory.mktemp("extreme")
    (project / "source").mkdir()
    write = lambda slug, body: (project / "source" / f"{slug}.md").write_text(
        f"---\ntitle: {slug}\n---\n\n{body}\n")
    write("long-word", "a" * 10_000 + "\n\n<https://example.org/" + "x" * 10_000 + ">")
    write("nested", "\n".join("  " * i + "- level" for i in range(100)) + "\n\n" + ">" * 100 + " deep")
    write("notes", " ".join(f"word{i}[^{i}]" for i in range(300)) + "\n\n"
          + "\n".join(f"[^{i}]: note{i}" for i in range(300)))
    (project / "pamphlet.toml").write_text('title = "X"\nessays = ["long-word", "nested", "notes"]\n')
    return project, build(project)


@pytest.mark.slow(
    "its fixture builds a 10,000-character word, lists nested 100 deep and 300 footnotes")
def test_extreme_inputs_build_with_warnings_not_tracebacks(extreme):
    project, result = extreme
    assert result.ok, [d.format() for d in result.diagnostics]
    assert [(d.code, d.path.name) for d in result.diagnostics] == [("M306", "nested.md")]


def test_a_ten_thousand_character_word_wraps_inside_the_page(extreme):
    import pypdfium2 as pdfium

    project, result = extreme
    document = pdfium.PdfDocument(str(result.outputs[0]))
    widest = 0.0
    for page in document:
        text = page.get_textpage()
        for index in range(text.count_chars()):
            widest = max(widest, text.get_charbox(index)[2])
    assert 0 < widest < document[0].get_width() - 10 / 25.4 * 72  # well inside the margin


def test_three_hundred_footnotes_each_on_the_page_of_its_call(extreme):
    from pdftext import Pdf

    project, result = extreme
    pdf = Pdf(result.outputs[0])
    for number in (0, 150, 299):
        calls = [n for n in range(1, len(pdf) + 1)
                 if any(w.startswith(f"word{number}") and w[4 + len(str(number)):].isdigit()
                        for w in pdf.text(n).split())]
        notes = [n for n in range(1, len(pdf) + 1) if f"note{number}" in pdf.text(n).split()]
        assert notes and notes[0] in calls, number
