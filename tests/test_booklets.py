"""Every essay as its own booklet: its title on its cover, its own text, its own identifier,
EPUBCheck clean, and a rebuild that redoes only the essay that changed."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest
from epubchecker import messages
from lxml import etree

from conftest import EPOCH, copy_project
from pamphlet.book.assemble import Pamphlet
from pamphlet.build.booklets import (booklet_folder, booklet_stem, build_booklets, essay_specs,
                               in_shard, outputs_of)
from pamphlet.cli import main
from pamphlet.project.spec import load_spec
from pdftext import Pdf
from test_diagnostics import make, tree_hashes

SITE = "\n[site]\neach_essay = true\n"
# The notes project's essays: title, author and words from the text of each.
ESSAYS = {"coda": ("Coda", "Ilse Probe", "Quiet cover morning cover"),
          "long-walk": ("The “Long” Walk", "Rosa Tester", "k1call"),
          "small-things": ("Small Things", "Ilse Probe and Rosa Tester", "k4call")}
SMALL = 'title = "Two Essays"\neditor = "E"\nessays = ["one", "two"]\n'


def essay(title: str, text: str, author: str = "A") -> str:
    return f"---\ntitle: {title}\nauthor: {author}\n---\n\n{text}\n"


@pytest.fixture(scope="module")
def notes(tmp_path_factory):
    """tests/projects/notes with [site] each_essay, its booklets built: (project, results)."""
    project = copy_project("notes", tmp_path_factory.mktemp("booklets"))
    with open(project / "pamphlet.toml", "a") as spec:
        spec.write(SITE)
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        results = build_booklets(project)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    for result in results:
        assert result.ok, [d.format() for d in result.diagnostics]
    return project, results


def test_one_spec_per_essay_with_stable_stems(notes):
    project, results = notes
    specs = essay_specs(project)
    assert [booklet_stem(s) for s in specs] == [f"essays/{slug}" for slug in sorted(ESSAYS)]
    assert [r.spec.stem for r in results] == sorted(ESSAYS)
    for spec in specs:
        title, author, _ = ESSAYS[spec.stem]
        assert Pamphlet(spec, ()).title == title
        assert spec.ebook.kobo and spec.booklet and spec.site.each_essay
        assert spec.selection.slugs == (spec.stem,)
        assert spec.cover.background == "#e8eef0"  # the project's own colours
    folder = booklet_folder(project)
    assert folder == project / "build" / "essays"
    for result in results:
        assert result.outputs == outputs_of(result.spec, folder)
        assert [p.name for p in result.outputs] == [
            f"{result.spec.stem}{end}" for end in (".pdf", "-print.pdf", ".epub", ".kepub.epub")]
        assert all(p.is_file() for p in result.outputs)


@pytest.mark.parametrize("slug", sorted(ESSAYS))
def test_each_booklet_has_its_title_on_the_cover_and_its_own_text(notes, slug):
    project, _ = notes
    title, author, words = ESSAYS[slug]
    pdf = Pdf(project / "build" / "essays" / f"{slug}.pdf")
    assert pdf.top_line(1).text == title
    assert re.sub(r"\s", "", f"By {author}") in pdf.flat(1)
    assert pdf.pages_with(words), words
    for other, (other_title, _, other_words) in ESSAYS.items():
        if other != slug:
            assert not pdf.pages_with(other_words), other
    assert len(pdf) % 4 == 0 and len(pdf) <= 16  # a short pamphlet, whole sheets


def test_each_booklet_has_an_imposed_print_pdf(notes):
    _, results = notes
    for result in results:
        imposed = Pdf(result.outputs[1])
        assert result.imposed.path == result.outputs[1]
        assert len(imposed) == result.imposed.sides and result.imposed.sheets >= 1
        assert any("fold, nest, staple" in note for note in result.notes)


def test_every_booklet_epub_and_kobo_edition_passes_epubcheck(notes):
    project, _ = notes
    books = sorted((project / "build" / "essays").glob("*.epub"))
    assert len(books) == 2 * len(ESSAYS)
    for book in books:
        assert messages(book) == [], book.name


def identifier(book: Path) -> str:
    with zipfile.ZipFile(book) as epub:
        opf = etree.fromstring(epub.read("EPUB/content.opf"))
    return opf.xpath("//*[local-name()='identifier']/text()")[0]


def test_each_booklet_has_its_own_identifier(notes, tmp_path):
    project, _ = notes
    folder = project / "build" / "essays"
    ids = {slug: identifier(folder / f"{slug}.epub") for slug in ESSAYS}
    assert len(set(ids.values())) == len(ESSAYS)
    assert ids == {slug: identifier(folder / f"{slug}.kepub.epub") for slug in ESSAYS}
    whole = Pamphlet(load_spec(project / "pamphlet.toml"), ()).identifier
    assert whole not in ids.values()
    # A spec that happens to share the essay's name, title and author is another book.
    packet = project / "packets" / "coda.toml"
    packet.parent.mkdir(exist_ok=True)
    packet.write_text('title = "Coda"\nauthor = "Ilse Probe"\nessays = ["coda"]\n')
    try:
        assert Pamphlet(load_spec(packet), ()).identifier != ids["coda"]
    finally:
        packet.unlink()


def stamps(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in sorted(folder.iterdir()) if p.is_file()
            and not p.name.startswith(".")}


def test_only_the_changed_essay_rebuilds(tmp_path, source_date_epoch):
    project = make(tmp_path, SMALL, {"one": essay("One", "First text."),
                                     "two": essay("Two", "Second text.")})
    first = build_booklets(project)
    assert [(r.spec.stem, r.ok, r.up_to_date) for r in first] == [
        ("one", True, False), ("two", True, False)]
    folder = project / "build" / "essays"
    before = stamps(folder)
    assert [r.up_to_date for r in build_booklets(project)] == [True, True]
    assert stamps(folder) == before
    (project / "source" / "one.md").write_text(essay("One", "First text, changed."))
    # Neither the project's title nor its list of essays is a booklet's business.
    (project / "pamphlet.toml").write_text(SMALL.replace("Two Essays", "Renamed")
                                           .replace('"one", "two"', '"two"'))
    again = build_booklets(project)
    assert [(r.spec.stem, r.up_to_date) for r in again] == [("one", False), ("two", True)]
    after = stamps(folder)
    assert {name for name in after if after[name] != before[name]} == {
        "one.pdf", "one-print.pdf", "one.epub", "one.kepub.epub"}
    assert Pdf(folder / "one.pdf").pages_with("First text, changed.")
    # A setting every booklet inherits rebuilds them all.
    with open(project / "pamphlet.toml", "a") as spec:
        spec.write('[pdf]\npage_size = "A6"\n')
    assert [r.up_to_date for r in build_booklets(project)] == [False, False]


def test_build_each_essay_from_the_command_line(tmp_path, capsys, source_date_epoch):
    project = make(tmp_path, SMALL, {"one": essay("One", "First."), "two": essay("Two", "Second.")})
    sources = tree_hashes(project)
    assert main(["build", str(project), "--each-essay"]) == 0
    out = capsys.readouterr().out
    for name in ("one.pdf", "one-print.pdf", "one.epub", "two.kepub.epub"):
        assert f"wrote {project / 'build' / 'essays' / name} (" in out, out
    assert "(Kobo EPUB)" in out and "sheets" in out
    assert main(["build", str(project), "--each-essay"]) == 0
    out = capsys.readouterr().out
    assert f"{project / 'source' / 'one.md'}: booklet up to date" in out, out
    # Without the flag, and without [site] each_essay, booklets are left alone.
    assert main(["build", str(project), "--force"]) == 0
    assert "essays" not in capsys.readouterr().out
    assert tree_hashes(project) == sources


def test_site_each_essay_builds_them_with_pamphlet_build(tmp_path, capsys, source_date_epoch):
    project = make(tmp_path, SMALL + SITE, {"one": essay("One", "First."),
                                           "two": essay("Two", "Second.")})
    assert main(["build", str(project)]) == 0
    out = capsys.readouterr().out
    assert "essays/one.pdf" in out and "essays/two.kepub.epub" in out, out


def test_an_unreadable_essay_fails_its_booklet_alone(tmp_path, capsys, source_date_epoch):
    project = make(tmp_path, SMALL, {"one": essay("One", "First."), "two": essay("Two", "Two."),
                                     "bad": "---\ntitle: Bad\n\nNo end to the front matter.\n"})
    assert main(["build", str(project), "--each-essay"]) == 1
    captured = capsys.readouterr()
    assert f"{project / 'source' / 'bad.md'}:1: E204 the front matter is never closed" \
        in captured.err, captured.err
    assert "Traceback" not in captured.err
    assert sorted(p.name for p in (project / "build" / "essays").glob("*.pdf")) == [
        "one-print.pdf", "one.pdf", "two-print.pdf", "two.pdf"]


def test_shards_split_the_booklets_between_them(tmp_path, source_date_epoch):
    stems = [f"essay-{n}" for n in range(200)]
    for n in (1, 3, 4):
        shares = [[s for s in stems if in_shard(s, (k, n))] for k in range(1, n + 1)]
        assert sorted(sum(shares, [])) == sorted(stems)  # every one in exactly one share
        assert all(shares)
    project = make(tmp_path, SMALL, {"one": essay("One", "First."),
                                     "two": essay("Two", "Second.")})
    built = [[r.spec.stem for r in build_booklets(project, shard=(k, 2))] for k in (1, 2)]
    assert sorted(sum(built, [])) == ["one", "two"]
    assert built == [[s for s in ("one", "two") if in_shard(s, (k, 2))] for k in (1, 2)]


def test_a_booklet_folder_that_leads_out_of_the_project_is_refused(tmp_path, capsys):
    project = make(tmp_path / "project")
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / "build").mkdir()
    (project / "build" / "essays").symlink_to(outside)
    assert main(["build", str(project), "--each-essay"]) == 1
    err = capsys.readouterr().err
    assert f"{project / 'build' / 'essays'}: O531 " in err and "outside" in err, err
    assert list(outside.iterdir()) == []


def test_two_projects_cannot_share_one_booklet_folder(tmp_path, capsys):
    first, second = make(tmp_path / "a"), make(tmp_path / "b")
    (second / "pamphlet.toml").rename(second / "other.toml")  # no other clash of names
    status = main(["build", str(first), str(second / "other.toml"), "--out",
                   str(tmp_path / "out"), "--each-essay"])
    err = capsys.readouterr().err
    assert status == 1 and "O533 the booklets of 2 projects would share" in err, err
    assert not (tmp_path / "out").exists()  # found before anything is built


def test_each_essay_with_the_wrong_type_names_its_line(tmp_path, capsys):
    project = make(tmp_path, 'title = "T"\nessays = ["one"]\n[site]\neach_essay = "yes"\n')
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"{project / 'pamphlet.toml'}:4: P103 'site.each_essay' must be true or false" \
        in err, err


def test_the_projects_cover_picture_is_not_a_booklets_cover(tmp_path, source_date_epoch):
    from PIL import Image

    project = make(tmp_path, SMALL + '[cover]\nimage = "source/cover.png"\n',
                   {"one": essay("One", "First."), "two": essay("Two", "Second.")})
    Image.new("RGB", (40, 60), "red").save(project / "source" / "cover.png")
    results = build_booklets(project)
    assert all(r.ok for r in results), [d.format() for r in results for d in r.diagnostics]
    with zipfile.ZipFile(project / "build" / "essays" / "one.epub") as book:
        names = book.namelist()
    assert "EPUB/images/cover.jpg" in names and "EPUB/images/cover.png" not in names
    assert Pdf(project / "build" / "essays" / "one.pdf").top_line(1).text == "One"


def test_links_to_other_essays_are_dropped_quietly_others_still_warn(tmp_path, capsys,
                                                                     source_date_epoch):
    one = essay("One", "See [two](two.md), [its end](two.md#end) and [a file](notes.txt).")
    project = make(tmp_path, SMALL, {"one": one, "two": essay("Two", "Second.\n\n## End\n\nX.")})
    (project / "source" / "notes.txt").write_text("notes")
    assert main(["build", str(project), "--each-essay", "--verbose"]) == 0
    err = capsys.readouterr().err
    # notes.txt: once for the pamphlet and once for the booklet (--verbose: without it, the
    # same warning is said once for the whole build); two.md never.
    assert err.count("M304") == 2 and err.count("notes.txt") == 2 and "two.md" not in err, err
    assert Pdf(project / "build" / "essays" / "one.pdf").pages_with("See two, its end")


# Essays a shared project may hold, each only in the booklets: (file name, text or a link
# target, the code its booklet reports or None, whether that code stops the booklet).
HOSTILE = [
    pytest.param("x.md", '---\ntitle: \'<script>alert(1)</script> & "Q"\'\n---\n\nText.\n',
                 "M305", False, id="markup in the title"),
    pytest.param("x.md", "---\ntitle: X\nlang: ../../etc\n---\n\nText.\n", "M309", False,
                 id="a language that is no tag"),
    pytest.param("x.md", "---\ntitle: '**  **'\n---\n\nText.\n", "E210", True,
                 id="a title of markup alone"),
    pytest.param("x.md", "no front matter\n", "E205", True, id="no title"),
    pytest.param("x.md", "---\ntitle: X\n---\n", "E208", False, id="no text"),
    pytest.param("é b.md", "---\ntitle: Accents\n---\n\nText.\n", None, False,
                 id="a file name with an accent and a space"),
    pytest.param("x.md", Path("outside.md"), "S902", True, id="a link out of the project"),
]


@pytest.mark.parametrize("name, text, code, stops", HOSTILE)
def test_a_strange_essay_affects_its_own_booklet_only(name, text, code, stops, tmp_path,
                                                       source_date_epoch):
    project = make(tmp_path / "p", SMALL, {"one": essay("One", "First.")})
    target = project / "source" / name
    if isinstance(text, Path):
        (tmp_path / text).write_text(essay("Out", "Secret."))
        target.symlink_to(tmp_path / text)
    else:
        target.write_text(text)
    sources = tree_hashes(project)
    results = {r.spec.stem if r.spec else None: r for r in build_booklets(project)}
    assert results["one"].ok and not list(results["one"].diagnostics)
    mine = results[None] if stops and None in results else results[Path(name).stem]
    assert [d.code for d in mine.diagnostics] == ([code] if code else [])
    assert all(str(d.path).endswith(name) for d in mine.diagnostics)
    assert mine.ok is not stops
    made = sorted(p.name for p in (project / "build" / "essays").iterdir())
    stem = Path(name).stem
    assert any(n.startswith(stem) for n in made) is not stops, made
    assert tree_hashes(project) == sources
    if not stops:
        book = project / "build" / "essays" / f"{stem}.kepub.epub"
        assert messages(book) == []


def test_booklets_are_reproducible_and_jobs_change_nothing(tmp_path, source_date_epoch):
    project = make(tmp_path / "p", SMALL, {"one": essay("One", "First."),
                                           "two": essay("Two", "Second. Third.")})
    one = build_booklets(project, tmp_path / "a", jobs=1)
    two = build_booklets(project, tmp_path / "b", jobs=2)
    assert [r.spec.stem for r in one] == [r.spec.stem for r in two] == ["one", "two"]
    files = sorted(p.name for p in (tmp_path / "a" / "essays").iterdir()
                   if not p.name.startswith("."))
    assert len(files) == 8
    for name in files:
        a, b = tmp_path / "a" / "essays" / name, tmp_path / "b" / "essays" / name
        assert a.read_bytes() == b.read_bytes(), name


def test_a_booklet_whose_build_crashes_is_reported_and_the_others_built(tmp_path, monkeypatch,
                                                                       source_date_epoch):
    import pamphlet.build.pipeline

    project = make(tmp_path, SMALL, {"one": essay("One", "First."),
                                     "two": essay("Two", "Second.")})
    real = pamphlet.build.pipeline.build_spec

    def flaky(spec, *args, **kwargs):
        if spec.stem == "one":
            raise RuntimeError("a bug")
        return real(spec, *args, **kwargs)
    monkeypatch.setattr(pamphlet.build.pipeline, "build_spec", flaky)
    one, two = build_booklets(project)
    assert [d.code for d in one.diagnostics] == ["O532"] and "RuntimeError: a bug" in \
        one.diagnostics.items[0].message
    assert two.ok and (project / "build" / "essays" / "two.pdf").is_file()
    assert not (project / "build" / "essays" / "one.pdf").exists()


def test_booklets_inherit_the_projects_print_settings_or_a_default(tmp_path):
    project = make(tmp_path, SMALL + '[print]\ncopies = 30\nvariants = ["print-bw"]\n',
                   {"one": essay("One", "First."),
                    "two": "---\ntitle: Two\nlang: ar\n---\n\nنص.\n"})
    one, two = essay_specs(project)
    assert one.printing.copies == 30 and one.printing.variants == ("read", "print", "print-bw")
    (project / "pamphlet.toml").write_text(SMALL)
    one, two = essay_specs(project)
    assert one.printing.variants == ("read", "print") and one.printing.scheme == "saddle"
    assert (one.printing.binding, two.printing.binding) == ("left", "right")
    assert two.lang == "ar"


def test_an_essay_with_a_warning_is_built_and_warned_about_once(tmp_path, capsys,
                                                                source_date_epoch):
    project = make(tmp_path, SMALL, {"one": essay("One", "First."), "two": essay("Two", "2."),
                                     "three": "---\ntitle: Three\nauthr: X\n---\n\nThree.\n",
                                     "bad": "---\ntitle: [\n---\n\nBad.\n"})
    results = build_booklets(project)
    assert [(r.spec.stem if r.spec else None, r.ok) for r in results] == [
        (None, False), ("one", True), ("three", True), ("two", True)]
    assert [d.code for d in results[0].diagnostics] == ["E203"]
    assert [d.code for d in results[2].diagnostics] == ["E207"]


def test_up_to_date_booklets_look_at_source_once_not_once_each(notes, monkeypatch):
    from pamphlet.build import cache

    project, _ = notes
    listed, hashed = [], []
    monkeypatch.setattr(cache, "_listed", lambda root, listed_=cache._listed:
                        listed.append(root) or listed_(root))
    monkeypatch.setattr(cache, "_file_hash", lambda path, within, hash_=cache._file_hash:
                        hashed.append(path) or hash_(path, within))
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        results = build_booklets(project)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    assert len(results) == len(ESSAYS) > 2
    assert all(r.ok and r.up_to_date for r in results)
    assert len(listed) == 1
    # Each source file is hashed once; each booklet's own outputs are checked once.
    sources = [p for p in hashed if project / "build" not in p.parents]
    assert len(sources) == len(set(sources))
