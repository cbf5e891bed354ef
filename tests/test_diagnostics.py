"""Bad input: each mistake gets its code, file and line, exit status 1, and no traceback."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from pamphlet.build import build
from pamphlet.cli import main

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


CASES = {
    # name: (spec, essays, code, file, line, words in the message or hint)
    "toml syntax": ('title = "T\nessays = ["one"]\n', None, "P101", "pamphlet.toml", 1,
                    "not valid TOML"),
    "unknown key": ('title = "T"\nsubtile = "x"\nessays = ["one"]\n', None, "P102",
                    "pamphlet.toml", 2, "did you mean 'subtitle'"),
    "unknown nested key": ('title = "T"\nessays = ["one"]\n[cover]\nbackround = "#fff"\n', None,
                           "P102", "pamphlet.toml", 4, "did you mean 'background'"),
    "wrong type": ('title = "T"\nessays = "one"\n', None, "P103", "pamphlet.toml", 2,
                   "must be a list of strings"),
    "wrong type in table": ('title = "T"\nessays = ["one"]\n\n[pdf]\npage_size = 5\n', None,
                            "P103", "pamphlet.toml", 5, "must be a string"),
    "missing title": ('essays = ["one"]\n', None, "P105", "pamphlet.toml", 1, "'title'"),
    "bad choice": ('title = "T"\nessays = ["one"]\n[pdf]\npage_size = "A55"\n', None, "P106",
                   "pamphlet.toml", 4, "did you mean 'A5'"),
    "unknown slug": ('title = "T"\nessays = [\n  "one",\n  "onne-more",\n]\n',
                     {"one": GOOD_ESSAY, "one-more": GOOD_ESSAY}, "P104", "pamphlet.toml", 4,
                     "did you mean 'one-more'"),
    "duplicate slug": ('title = "T"\nessays = ["one", "one"]\n', None, "P108", "pamphlet.toml",
                       2, "listed twice"),
    "empty selection": ('title = "T"\nessays = []\n', None, "P112", "pamphlet.toml", 2,
                        "selects no essays"),
    "missing cover image": ('title = "T"\nessays = ["one"]\n[cover]\nimage = "nope.png"\n',
                            None, "P109", "pamphlet.toml", 4, "cover image not found"),
    "bad colour": ('title = "T"\nessays = ["one"]\n[cover]\naccent = "red; x: y"\n', None,
                   "P110", "pamphlet.toml", 4, "not a CSS colour"),
    "unknown layout": ('title = "T"\nlayout = "zin"\nessays = ["one"]\n', None, "L401",
                       "pamphlet.toml", 2, "did you mean 'zine'"),
    "bad yaml": (GOOD_SPEC, {"one": "---\ntitle: One\nauthor: [A, B\n---\nText\n"}, "E203",
                 "source/one.md", 4, "not valid YAML"),
    "bad yaml colon": (GOOD_SPEC, {"one": "---\ntitle: One\nsubtitle: a: b\n---\nText\n"},
                       "E203", "source/one.md", 3, "not valid YAML"),
    "front matter never closed": (GOOD_SPEC, {"one": "---\ntitle: One\n\nText\n"}, "E204",
                                  "source/one.md", 1, "never closed"),
    "missing title in essay": (GOOD_SPEC, {"one": "---\nauthor: A\n---\nText\n"}, "E205",
                               "source/one.md", 1, "no title"),
    "empty title": (GOOD_SPEC, {"one": "---\nauthor: A\ntitle: ''\n---\nText\n"}, "E205",
                    "source/one.md", 3, "no title"),
    "no front matter": (GOOD_SPEC, {"one": "Just text.\n"}, "E205", "source/one.md", 1,
                        "no front matter"),
    "wrong type in essay": (GOOD_SPEC, {"one": "---\ntitle: One\nauthor: {a: 1}\n---\nT\n"},
                            "E206", "source/one.md", 3, "'author' must be"),
    "unknown source key": (GOOD_SPEC, {"one": "---\ntitle: One\nsource:\n  urll: x\n---\nT\n"},
                           "E206", "source/one.md", 3, "did you mean 'url'"),
    "front matter not a mapping": (GOOD_SPEC, {"one": "---\n- a\n- b\n---\nText\n"}, "E209",
                                   "source/one.md", 2, "key: value"),
    "missing image": (GOOD_SPEC, {"one": GOOD_ESSAY + "\nMore.\n\n![alt](img/none.png)\n"},
                      "M301", "source/one.md", 10, "image not found"),
    "image outside the project": (
        GOOD_SPEC, {"one": GOOD_ESSAY + "\n![x](../../../etc/passwd)\n"}, "M302",
        "source/one.md", 8, "outside the project"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input(name, tmp_path, capsys):
    spec, essays, code, file, line, words = CASES[name]
    project = make(tmp_path, spec, essays)
    before = tree_hashes(project)
    status = main(["build", str(project)])
    err = capsys.readouterr().err
    assert status == 1
    assert "Traceback" not in err
    expected = f"{project / file}:{line}: {code} "
    assert expected in err, err
    assert words in err
    assert not (project / "build").exists() or not any((project / "build").iterdir())
    assert tree_hashes(project) == before


def test_unreadable_essay(tmp_path, capsys):
    project = make(tmp_path)
    (project / "source" / "one.md").unlink()
    os.symlink(project / "source" / "gone.md", project / "source" / "one.md")
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"{project / 'source' / 'one.md'}: E201 cannot read the essay" in err
    assert "Traceback" not in err


def test_not_utf8_says_what_it_looks_like_and_offers_encoding(tmp_path, capsys):
    project = make(tmp_path)
    (project / "source" / "one.md").write_bytes(b"---\ntitle: Caf\xe9 \x93talk\x94\n---\nText\n")
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert (f"{project / 'source' / 'one.md'}:2: E202 the file is not utf-8 text; "
            "it looks like cp1252") in err and "--encoding cp1252" in err
    assert main(["build", str(project), "--encoding", "cp1252"]) == 0
    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(str(project / "build" / "pamphlet.pdf")).pages)
    assert "Café “talk”" in text


def test_a_bom_and_crlf_simply_work(tmp_path, capsys):
    project = make(tmp_path)
    (project / "source" / "one.md").write_bytes(
        "\ufeff---\r\ntitle: One\r\n---\r\n\r\nSome text.\r\n".encode())
    assert main(["build", str(project)]) == 0


def test_every_problem_is_reported_at_once(tmp_path, capsys):
    project = make(tmp_path, 'title = "T"\nsubtile = "x"\nessays = ["one"]\n[pdf]\nlink_notes = "foot"\n')
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert ":2: P102" in err and ":5: P106" in err


def test_no_project(tmp_path, capsys):
    assert main(["build", str(tmp_path)]) == 1
    assert "P107 no pamphlet.toml" in capsys.readouterr().err


def test_warnings_do_not_fail_the_build(tmp_path, capsys):
    essay = GOOD_ESSAY.replace("author: A", "author: A\ntitel: typo") + "\n![x](https://example.org/x.png)\n"
    project = make(tmp_path, essays={"one": essay})
    assert main(["build", str(project)]) == 0
    err = capsys.readouterr().err
    assert f"{project / 'source' / 'one.md'}:4: E207 warning: unknown front-matter key 'titel'" in err
    assert "M303 warning: remote image left out" in err
    assert (project / "build" / "pamphlet.pdf").is_file()


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


def test_layout_template_syntax_error_names_the_template(tmp_path, capsys):
    project = make(tmp_path)
    (project / "layouts" / "zine").mkdir(parents=True)
    (project / "layouts" / "zine" / "pamphlet.html").write_text(
        "<html>\n<body>\n{% for x in %}\n</body></html>\n")
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"{project / 'layouts' / 'zine' / 'pamphlet.html'}:3: L402 template syntax error" in err


def test_layout_template_undefined_name(tmp_path, capsys):
    project = make(tmp_path)
    (project / "layouts" / "zine").mkdir(parents=True)
    (project / "layouts" / "zine" / "pamphlet.html").write_text(
        "<html>\n<body>\n{{ pamphlet.nonesuch }}\n</body></html>\n")
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"{project / 'layouts' / 'zine' / 'pamphlet.html'}:3: L403 template error" in err


def test_a_layout_cannot_pull_files_from_outside_the_project(tmp_path, capsys):
    from PIL import Image

    secret = tmp_path / "secret.png"
    Image.new("RGB", (50, 50), "red").save(secret)
    project = make(tmp_path / "project", essays={"one": GOOD_ESSAY + '\n<span>raw</span>\n'})
    (project / "layouts" / "zine").mkdir(parents=True)
    (project / "layouts" / "zine" / "custom.css").write_text(
        f'body {{ background: url("file://{secret}"); }}\n'
        '.essay-title::after { content: url("https://example.org/tracker.png"); }\n')
    assert main(["build", str(project)]) == 0
    err = capsys.readouterr().err
    assert f"S901 warning: refused to load file://{secret}" in err
    assert "S901 warning: refused to load https://example.org/tracker.png" in err
    from pypdf import PdfReader
    reader = PdfReader(str(project / "build" / "pamphlet.pdf"))
    assert not any(page.images for page in reader.pages)


def test_a_cover_image_outside_the_project_is_refused(tmp_path, capsys):
    from PIL import Image

    Image.new("RGB", (10, 10)).save(tmp_path / "outside.png")
    project = make(tmp_path / "project",
                   GOOD_SPEC + '[cover]\nimage = "../outside.png"\n')
    assert main(["build", str(project)]) == 1
    assert "pamphlet.toml:4: P109 cover image outside the project" in capsys.readouterr().err


def test_a_build_past_its_time_limit_is_stopped(tmp_path, capsys):
    import sys
    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from corpus import make_corpus

    project = make_corpus(tmp_path / "big", 10)  # about three seconds to render
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
