"""Many specs over one library: selection rules, packets with events, intros, questions, excerpts."""

from __future__ import annotations

import pytest

from pamphlet.build.pipeline import build
from pamphlet.cli import main
from pamphlet.diagnostics import Diagnostics
from pamphlet.project.essays import Essay
from pamphlet.project.spec import Selection, load_spec
from pamphlet.project.select import choose, select
from pdftext import Pdf, toc_entries

from conftest import PROJECTS, copy_project

LIBRARY = PROJECTS / "library"


def slugs(spec_name: str) -> list[str]:
    spec = load_spec(LIBRARY / spec_name)
    diagnostics = Diagnostics()
    chosen = select(spec, diagnostics)
    assert not diagnostics.items
    return [essay.slug for essay in chosen]


def essay(slug, title, date=None, tags=()):
    return Essay(slug, None, title, "", 1, date=date, tags=tuple(tags))


LIB = [essay("b", "Beta", "2025-01-01", ["x", "y"]), essay("a", "alpha", None, ["y"]),
       essay("c", "Gamma", "2024-06-01", ["x"])]


@pytest.mark.parametrize("rules, expected", [
    (Selection(), ["b", "a", "c"]),
    (Selection(tags_any=("x",)), ["b", "c"]),
    (Selection(tags_any=("x", "y")), ["b", "a", "c"]),
    (Selection(tags_all=("x", "y")), ["b"]),
    (Selection(exclude=("a",)), ["b", "c"]),
    (Selection(order="date"), ["c", "b", "a"]),  # undated essays go last
    (Selection(order="title"), ["a", "b", "c"]),  # alphabetical, ignoring case
    (Selection(order="date", limit=2), ["c", "b"]),
    (Selection(tags_any=("y",), exclude=("b",), limit=5), ["a"]),
])
def test_choose(rules, expected):
    assert [e.slug for e in choose(LIB, rules)] == expected


def test_whole_library_by_date():
    assert slugs("pamphlet.toml") == ["after-hours", "the-long-table", "ink-and-toner",
                                      "a-stapler-of-ones-own", "zines-at-school", "quiet-hours"]


def test_tags_any_exclusion_order_and_limit():
    assert slugs("packets/printing.toml") == ["a-stapler-of-ones-own", "ink-and-toner"]


def test_tags_all():
    assert slugs("packets/groups.toml") == ["after-hours", "the-long-table"]


def test_build_with_no_argument_builds_every_spec_once(tmp_path, monkeypatch, capsys):
    project = copy_project("library", tmp_path)
    monkeypatch.chdir(project)
    assert main(["build", "--jobs", "1"]) == 0  # one after the other, so in this order
    written = [line.split()[1] for line in capsys.readouterr().out.splitlines()]
    # groups.toml's meeting has a date, so its calendar file (the event kit) comes too.
    assert written == [f"build/{stem}.{kind}" for stem in ("pamphlet", "excerpt", "groups",
                                                           "printing") for kind in (
        ("pdf", "ics", "epub") if stem == "groups" else ("pdf", "epub"))]


def built(name: str, factory) -> Pdf:
    result = build(LIBRARY / "packets" / f"{name}.toml", factory.mktemp(name))
    assert result.ok, [d.format() for d in result.diagnostics]
    return Pdf(result.outputs[0])


@pytest.fixture(scope="module")
def groups(tmp_path_factory):
    return built("groups", tmp_path_factory)


def test_event_on_cover_and_title_page(groups):
    cover = groups.text(1)
    assert "Second Tuesday Readers" in cover and "8 December 2026, 19:00" in cover
    assert "Back room, Central Library" in cover
    title = [line.text for line in groups.lines(3)]  # a term and its value on one line
    for needle in ["HostBo Lenz", "Contactreaders@example.org", "Schedule",
                   "1. 19:00 Welcome and reading aloud", "3. 20:45 Choosing the next packet"]:
        assert needle in title


def test_packet_introduction_from_a_file_comes_first(groups):
    toc = toc_entries(groups, 4)
    assert list(toc) == ["Introduction", "After Hours", "The Long Table", "Sources"]
    assert groups.pages_with("marker-intro") == [toc["Introduction"]]


@pytest.fixture(scope="module")
def excerpt(tmp_path_factory):
    return built("excerpt", tmp_path_factory)


def test_excerpt_keeps_only_the_named_sections(excerpt):
    text = "".join(excerpt.flat(n) for n in range(1, len(excerpt) + 1))
    assert "marker-ink-and-toner-second" in text and "marker-ink-and-toner-third" in text
    for gone in ["marker-ink-and-toner-lede", "marker-ink-and-toner-first",
                 "marker-ink-and-toner-detail", "Noteaofink-and-toner"]:
        assert gone not in text
    # A kept section keeps its subsections; the rest of the essay goes.
    assert "marker-quiet-hours-detail" in text and "marker-quiet-hours-second" not in text
    # Each head says the essay is excerpted; with no recorded source, it claims nothing more.
    assert "QuietHoursBoLenzExcerpts.Firstpart" in text
    assert "InkandTonerAdaQuillExcerpts.Readthisaloud." in text and "Firstpublished" not in text


def test_excerpt_notes_are_renumbered(tmp_path):
    from pamphlet.book.assemble import assemble

    spec = load_spec(LIBRARY / "packets" / "excerpt.toml")
    diagnostics = Diagnostics()
    pamphlet = assemble(spec, select(spec, diagnostics), diagnostics)
    ink = pamphlet.chapters[1].body
    assert [(n.number, n.html) for n in ink.notes] == [
        (1, "<p>Note b of ink-and-toner.</p>"), (2, "<p>Note c of ink-and-toner.</p>")]


def test_editor_intro_and_questions(excerpt):
    start = toc_entries(excerpt, 4)["Ink and Toner"]
    assert "Readthisaloud." in excerpt.flat(start)
    pages = [n for n in range(start, len(excerpt) + 1) if "Fordiscussion" in excerpt.flat(n)]
    assert len(pages) == 1
    lines = [line.text for line in excerpt.lines(pages[0])]
    asked = lines.index("For discussion")
    assert lines[asked + 1:asked + 3] == ["1. What does “toner” stand for here?",
                                          "2. Who owns the copier?"]
    assert any("marker-ink-and-toner-third" in line for line in lines[:asked])


BAD = {
    "tags match nothing": ('title = "T"\n[select]\ntags_any = ["nonesuch"]\n', "P116", 3),
    "override not selected": ('title = "T"\nessays = ["quiet-hours"]\n\n[essay.after-hours]\n'
                              'questions = ["Why?"]\n', "P114", 4),
    "heading does not exist": ('title = "T"\nessays = ["quiet-hours"]\n[essay.quiet-hours]\n'
                               'sections = ["Fourth part"]\n', "P115", 4),
    "intro file missing": ('title = "T"\nintro_file = "nope.md"\nessays = ["quiet-hours"]\n',
                           "P113", 2),
    "exclude unknown slug": ('title = "T"\n[select]\nexclude = ["quiet-hour"]\n', "P104", 3),
    "no essays and no select": ('title = "T"\n', "P117", 1),
}


@pytest.mark.parametrize("name", list(BAD))
def test_packet_mistakes(name, tmp_path, capsys):
    text, code, line = BAD[name]
    project = copy_project("library", tmp_path)
    spec = project / "packets" / "bad.toml"
    spec.write_text(text)
    assert main(["build", str(spec)]) == 1
    err = capsys.readouterr().err
    assert f"{spec}:{line}: {code} " in err and "Traceback" not in err


@pytest.fixture(scope="module")
def packet(tmp_path_factory):
    project = copy_project("notes", tmp_path_factory.mktemp("packet"))
    (project / "packets").mkdir()
    spec = project / "packets" / "meeting.toml"
    spec.write_text('title = "Meeting Packet"\nlayout = "packet"\nessays = ["long-walk", "coda"]\n'
                    '[pdf]\npage_size = "letter"\nline_numbers = true\n'
                    '[event]\nname = "Readers"\nagenda = ["19:00 Welcome", "19:15 Reading"]\n'
                    '[essay.coda]\nquestions = ["Why end here?"]\n')
    result = build(spec)
    assert result.ok, [d.format() for d in result.diagnostics]
    return Pdf(result.outputs[0])


def test_packet_is_letter_single_sided_with_a_wide_margin_for_notes(packet):
    box = packet.reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612, 792)
    start = toc_entries(packet, 3)["The “Long” Walk"]
    lefts = []
    for page in range(start + 1, start + 3):  # a left-hand and a right-hand page
        text = [line for line in packet.lines(page) if line.size >= 11]
        lefts.append(min(line.x for line in text))
        assert max(line.x for line in text) < 612 - 62 / 25.4 * 72  # the notes margin is free
    assert lefts[0] == pytest.approx(lefts[1]) == pytest.approx(22 / 25.4 * 72, abs=1)


def test_packet_schedule_page_and_notes_pages(packet):
    schedule = packet.pages_with("Schedule")
    assert schedule and "19:15Reading" in packet.flat(schedule[-1])
    notes = [n for n in range(1, len(packet) + 1) if packet.top_line(n)
             and packet.top_line(n).text == "Notes"]
    colophon = packet.pages_with("Colophon")[0]
    assert len(notes) == 2 and notes == [colophon - 2, colophon - 1]


def test_line_numbers_mark_every_fifth_line(packet):
    start = toc_entries(packet, 3)["The “Long” Walk"]
    page = start + 1  # a full page of text
    body = [line for line in packet.lines(page) if line.y > 60 and not line.text.isdigit()
            and line.size in (7.0, 11.0) and "/" not in line.text]
    numbered = [(i + 1, line.text) for i, line in enumerate(body) if line.size == 7.0]
    assert len(body) > 30
    assert [n for n, _ in numbered] == list(range(5, len(body) + 1, 5))
    assert all(text.startswith(str(n)) for n, text in numbered)


TAGGED = "---\ntitle: {slug}\ntags: [{tags}]\n---\nText.\n"
SELECT_MISTAKES = {
    "unknown slug, near one": ('title = "T"\nessays = [\n  "alpha",\n  "alpah",\n]\n',
                               [("P104", "no essay 'alpah' in source/", 4,
                                 "did you mean 'alpha'?")]),
    "unknown slug, none near": ('title = "T"\nessays = ["alpha", "zzz"]\n',
                                [("P104", "no essay 'zzz' in source/", 2,
                                  "add source/zzz.md, or remove the slug")]),
    "unknown exclusion": ('title = "T"\n[select]\norder = "title"\nexclude = ["zzz"]\n',
                          [("P104", "no essay 'zzz' in source/", 4,
                            "add source/zzz.md, or remove the slug")]),
    "exclusion named like a listed slug": (
        'title = "T"\nessays = ["zzz", "alpha"]\n[select]\nexclude = ["zzz"]\n',
        [("P104", "no essay 'zzz' in source/", 2, "add source/zzz.md, or remove the slug"),
         ("P104", "no essay 'zzz' in source/", 4, "add source/zzz.md, or remove the slug")]),
    "unknown slug, also quoted above the list": (
        'title = "T"\nsubtitle = "zzz"\nessays = ["alpha", "zzz"]\n',
        [("P104", "no essay 'zzz' in source/", 3, "add source/zzz.md, or remove the slug")]),
    "nothing selected": ('title = "T"\nessays = []\n',
                         [("P112", "the spec selects no essays", 2,
                           "list essay slugs (file names without .md) in 'essays'")]),
    "nothing left by the rules": ('title = "T"\n\n[select]\nexclude = ["alpha", "beta"]\n',
                                  [("P112", "the spec selects no essays", 3,
                                    "list essay slugs (file names without .md) in 'essays'")]),
    "only unknown slugs: no P112 on top": ('title = "T"\nessays = ["zzz"]\n',
                                           [("P104", "no essay 'zzz' in source/", 2,
                                             "add source/zzz.md, or remove the slug")]),
    "tags_any match nothing": ('title = "T"\n[select]\ntags_any = ["nonesuch"]\n',
                               [("P116", "no essay has the tags [select] asks for", 3,
                                 "tags in the library: x, y")]),
    "tags_all match nothing": ('title = "T"\n[select]\norder = "date"\ntags_all = ["x", "q"]\n',
                               [("P116", "no essay has the tags [select] asks for", 4,
                                 "tags in the library: x, y")]),
    "override not selected, near one": (
        'title = "T"\nessays = ["alpha"]\n\n[essay.alpah]\nquestions = ["Why?"]\n',
        [("P114", "[essay.alpah] names an essay that is not selected", 4,
          "did you mean 'alpha'?")]),
    "override not selected, none near": (
        'title = "T"\nessays = ["alpha"]\n\n[essay.beta]\nquestions = ["Why?"]\n',
        [("P114", "[essay.beta] names an essay that is not selected", 4,
          "select the essay, or remove the table")]),
}


@pytest.mark.parametrize("name", list(SELECT_MISTAKES))
def test_selection_mistakes_are_reported_in_full(name, tmp_path):
    """Each selection mistake: its code, message, line and hint, exactly, and no others."""
    text, expected = SELECT_MISTAKES[name]
    (tmp_path / "source").mkdir()
    for slug, tags in (("alpha", "x"), ("beta", "x, y")):
        (tmp_path / "source" / f"{slug}.md").write_text(TAGGED.format(slug=slug, tags=tags))
    (tmp_path / "pamphlet.toml").write_text(text)
    spec = load_spec(tmp_path / "pamphlet.toml")
    diagnostics = Diagnostics()
    select(spec, diagnostics)
    assert [(d.code, d.message, d.line, d.hint) for d in diagnostics] == expected
    assert all(d.path == spec.path and d.is_error for d in diagnostics)


def test_an_undated_essay_never_sorts_before_a_dated_one():
    undated = [essay(s, s.upper()) for s in "pq"]
    dated = essay("d", "D", "2020-01-01")
    assert [e.slug for e in choose([*undated, dated], Selection(order="date"))] == ["d", "p", "q"]


def test_tags_in_a_library_without_tags_are_named_none(tmp_path):
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "alpha.md").write_text("---\ntitle: Alpha\n---\nText.\n")
    (tmp_path / "pamphlet.toml").write_text('title = "T"\n[select]\ntags_any = ["x"]\n')
    diagnostics = Diagnostics()
    select(load_spec(tmp_path / "pamphlet.toml"), diagnostics)
    assert [(d.code, d.hint) for d in diagnostics] == [("P116", "tags in the library: none")]


def test_selection_reads_essays_in_the_encoding_asked_for(tmp_path):
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "alpha.md").write_bytes(b"---\ntitle: Caf\xe9\n---\nText.\n")
    (tmp_path / "pamphlet.toml").write_text('title = "T"\nessays = ["alpha"]\n')
    diagnostics = Diagnostics()
    chosen = select(load_spec(tmp_path / "pamphlet.toml"), diagnostics, "cp1252")
    assert [e.title for e in chosen] == ["Café"] and not diagnostics.items
