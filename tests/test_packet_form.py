"""The bookbuilder's model of a spec (pamphlet/serve/packet_form.py): a hand-written spec keeps its
comments and order through an edit, whatever is typed into the form gets the diagnostics the
same text gets on disk, saving refuses stale versions and foreign places, and a spec saved
from a draft builds the same bytes as one written by hand."""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import hashlib
import os
import re
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

from pamphlet.serve import packet_form as pf
from pamphlet.build.pipeline import build
from pamphlet.build.check import check_project
from pamphlet.cli import main
from pamphlet.diagnostics import PamphletError
from pamphlet.outputs.wrap import interior, perfect_plan

from conftest import copy_project

# A spec as a person writes one: comments everywhere, a dotted key, an inline table, a
# multi-line list with a comment on an item, tables out of order and a key the form never
# shows (intro_file, [cover]).
HAND = '''\
# Reading packet for the December meeting.
title = "Reading Groups"   # shown on the cover
editor = "Bo Lenz"
date = 2026-12-01
essays = [
  "the-long-table",  # first, it is short
  "after-hours",
]
pdf.page_size = "A5"
intro_file = "groups-intro.md"

# The meeting itself.
[event]
name = "Second Tuesday Readers"
place = "Back room"  # the quiet one
agenda = ["19:00 Welcome", "19:20 Discussion"]

[essay.after-hours]
# Ask these at the end.
questions = ["Who keeps the keys?"]

[cover]
accent = "#b3361e"  # rust

[essay.the-long-table]
intro = "Read this *aloud*."
'''


@pytest.fixture
def library(tmp_path) -> Path:
    return copy_project("library", tmp_path)


def hashes(root: Path) -> dict[str, str]:
    """Every file under `root` (links not followed) and its hash: to see nothing changed."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines())
            if line[:1] in "+-"]


def written(library: Path, text: str, name: str = "hand.toml") -> Path:
    path = library / "packets" / name
    path.write_text(text)
    return path


# --- round trips ---------------------------------------------------------------------------

def test_an_unchanged_draft_writes_the_spec_back_byte_for_byte(library):
    for path in [written(library, HAND), *sorted((library / "packets").glob("*.toml")),
                 library / "pamphlet.toml"]:
        draft, _ = pf.open_spec(path)
        assert pf.to_toml(draft, path.read_text()) == path.read_text(), path.name


EDITS = [  # (name, change to the draft, the lines expected to change, the key in the data)
    ("title", lambda d: setattr(d, "title", "Tables"),
     ['- title = "Reading Groups"   # shown on the cover',
      '+ title = "Tables"   # shown on the cover'], ("title",), "Tables"),
    ("page size in a dotted key", lambda d: setattr(d, "page_size", "A6"),
     ['- pdf.page_size = "A5"', '+ pdf.page_size = "A6"'], ("pdf", "page_size"), "A6"),
    ("event place", lambda d: setattr(d.event, "place", "Front room"),
     ['- place = "Back room"  # the quiet one', '+ place = "Front room"  # the quiet one'],
     ("event", "place"), "Front room"),
    ("a question", lambda d: d.essay["after-hours"].questions.append("Why?"),
     ['- questions = ["Who keeps the keys?"]', '+ questions = ["Who keeps the keys?", "Why?"]'],
     ("essay", "after-hours", "questions"), ["Who keeps the keys?", "Why?"]),
    ("the date as typed in a form", lambda d: setattr(d, "date", "2026-12-02"),
     ["- date = 2026-12-01", "+ date = 2026-12-02"], ("date",), "2026-12-02"),
]


@pytest.mark.parametrize("change, lines, key, value", [e[1:] for e in EDITS],
                         ids=[e[0] for e in EDITS])
def test_an_edit_changes_its_own_line_and_nothing_else(library, change, lines, key, value):
    path = written(library, HAND)
    draft, _ = pf.open_spec(path)
    change(draft)
    text = pf.to_toml(draft, HAND)
    assert changed_lines(HAND, text) == lines
    expected = tomllib.loads(HAND)
    _set(expected, key, value)
    assert _dates_as_text(tomllib.loads(text)) == _dates_as_text(expected)


def test_a_date_the_draft_holds_as_text_is_unchanged(library):
    draft, _ = pf.open_spec(written(library, HAND))
    draft.date = "2026-12-01"  # what a form sends back for the date literal
    assert pf.to_toml(draft, HAND) == HAND


def test_reordering_essays_keeps_each_one_its_comment(library):
    draft, _ = pf.open_spec(written(library, HAND))
    draft.move_essay("after-hours", -1)
    draft.add_essay("quiet-hours")
    text = pf.to_toml(draft, HAND)
    assert text.splitlines()[4:9] == [
        "essays = [", '  "after-hours",', '  "the-long-table", # first, it is short',
        '  "quiet-hours",', "]"]
    kept = HAND.splitlines()
    assert text.splitlines()[:4] + text.splitlines()[9:] == kept[:4] + kept[8:]


def test_cleared_keys_and_tables_are_removed(library):
    draft, _ = pf.open_spec(written(library, HAND))
    draft.editor = []
    draft.event.place = ""
    draft.event.agenda = []
    draft.essay["the-long-table"].intro = None  # its table is then empty, so it goes
    draft.remove_essay("after-hours")  # with its [essay.after-hours] questions
    text = pf.to_toml(draft, HAND)
    data = tomllib.loads(text)
    assert "editor" not in data
    assert data["event"] == {"name": "Second Tuesday Readers"}
    assert "essay" not in data and data["essays"] == ["the-long-table"]
    assert data["cover"] == {"accent": "#b3361e"} and data["intro_file"] == "groups-intro.md"
    assert "# The meeting itself." in text and "# rust" in text
    draft.event = None
    assert "event" not in tomllib.loads(pf.to_toml(draft, HAND))


def test_a_new_spec_is_tidy_and_reads_back_as_the_draft(library):
    draft = pf.SpecDraft(
        title="Night Reading", subtitle="Three essays", editor=["A", "B"],
        date=dt.date(2026, 3, 1), layout="zine", page_size="A5",
        essays=["quiet-hours", "ink-and-toner", "after-hours"],
        event=pf.EventDraft(name="Night", agenda=["19:00 Read"]),
        print=pf.PrintDraft(scheme="saddle", copies=20),
        essay={"ink-and-toner": pf.EssayDraft(intro="First line\nsecond line",
                                              questions=["Why?"], sections=["Second part"])})
    text = pf.to_toml(draft, None)
    assert text.splitlines()[:5] == [
        "# A packet made with pamphlet's bookbuilder. See the README.",
        'title = "Night Reading"', 'subtitle = "Three essays"', 'editor = ["A", "B"]',
        "date = 2026-03-01"]
    assert re.findall(r"(?m)^\[(.+)\]$", text) == ["pdf", "event", "print", "essay.ink-and-toner"]
    assert pf.draft_from_text(text, library / "packets" / "x.toml") == draft
    assert not pf.validate(text, library / "packets" / "x.toml").items


def _set(data: dict, key: tuple, value) -> None:
    for part in key[:-1]:
        data = data[part]
    data[key[-1]] = value


def _dates_as_text(value):
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


# Any text a person can type: quotes, backslashes, triple quotes, control characters, line
# breaks of every kind, right-to-left marks, and characters outside the BMP.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(title='"""', subtitle="\\", intro="Windows\r\nline ends", agenda=["a\rb"],
         slug="a.b", edit=True)  # TOML reads CR LF in a multi-line string as LF
@given(title=TEXT, subtitle=TEXT, intro=TEXT, agenda=st.lists(TEXT, max_size=3),
       slug=st.text(min_size=1, max_size=12), edit=st.booleans())
def test_any_typed_text_reads_back_exactly(title, subtitle, intro, agenda, slug, edit):
    draft = pf.draft_from_text(HAND, Path("hand.toml")) if edit else pf.SpecDraft()
    draft.title, draft.subtitle = title, subtitle
    draft.event = pf.EventDraft(name="N", agenda=[a for a in agenda if a])
    draft.essay[slug] = pf.EssayDraft(intro=intro or None, questions=[intro] if intro else [])
    text = pf.to_toml(draft, HAND if edit else None)
    back = pf.draft_from_text(text, Path("hand.toml"))
    assert (back.title or "", back.subtitle or "") == (title, subtitle)
    assert back.event.agenda == [a for a in agenda if a]
    assert back.essay.get(slug, pf.EssayDraft()) == draft.essay[slug] or not intro


# --- the form ------------------------------------------------------------------------------

def test_a_form_becomes_a_draft_typed_as_the_schema_types_it():
    draft = pf.draft_from_form({
        "title": " Night ", "editor": "A\nB\n", "date": "2026-03-01", "essays": ["a", "b"],
        "event": "on", "event.date": "Spring 2026", "event.agenda": "19:00 Read\n\n20:00 Talk",
        "print": "on", "print.copies": "20", "print.marks": "on", "print.signature": "16-32",
        "print.scheme": "", "essay.a.questions": "Why?\nHow?", "essay.a.intro": "Hi"})
    assert draft == pf.SpecDraft(
        title="Night", editor=["A", "B"], date=dt.date(2026, 3, 1), essays=["a", "b"],
        event=pf.EventDraft(date="Spring 2026", agenda=["19:00 Read", "20:00 Talk"]),
        print=pf.PrintDraft(copies=20, marks=True, signature="16-32"),
        essay={"a": pf.EssayDraft(intro="Hi", questions=["Why?", "How?"])})
    assert pf.draft_from_form({"title": "T"}).essays is None  # no list: the spec's [select]


def test_a_starlette_form_is_read_with_its_repeated_fields():
    from starlette.datastructures import FormData

    form = FormData([("title", "T"), ("essays", "b"), ("essays", "a"), ("event", "on"),
                     ("event.agenda", "one"), ("event.agenda", "two\r\nthree")])
    draft = pf.draft_from_form(form)
    assert (draft.essays, draft.event.agenda) == (["b", "a"], ["one", "two", "three"])


def test_the_draft_moves_adds_and_removes_essays():
    draft = pf.SpecDraft(title="T", essays=["a", "b", "c"], essay={"b": pf.EssayDraft("Hi")})
    draft.move_essay("a", 1)
    draft.move_essay("c", -5)
    draft.move_essay("nonesuch", 1)
    assert draft.essays == ["c", "b", "a"]
    draft.add_essay("d")
    draft.add_essay("a")
    draft.remove_essay("b")
    assert (draft.essays, draft.essay) == (["c", "a", "d"], {})
    import json
    assert json.loads(json.dumps(pf.SpecDraft(date=dt.date(2026, 1, 2)).as_data()))["date"] == \
        "2026-01-02"


def test_an_unticked_box_removes_the_key_only_where_it_was_set(library):
    spec = written(library, 'title = "T"\nessays = ["after-hours"]\n[print]\nmarks = true\n'
                   'copies = 3\n')
    form = {"title": "T", "essays": ["after-hours"], "print": "on", "print.copies": "3"}
    assert tomllib.loads(pf.to_toml(pf.draft_from_form(form), spec.read_text()))["print"] == \
        {"copies": 3}
    assert pf.to_toml(pf.draft_from_form(form), None).count("marks") == 0


# --- the same diagnostics as on disk -------------------------------------------------------

BASE = {"title": "T", "essays": ["after-hours", "the-long-table"]}
HOSTILE = [  # (name, form fields over BASE, the code expected, where, error)
    ("script in the agenda", {"event": "on", "event.agenda": "<script>alert(1)</script> 19:00"},
     "M305", "agenda", False),
    ("script in an essay intro", {"essay.after-hours.intro": '<img src=x onerror="alert(1)">Hi'},
     "M305", "intro", False),
    ("script in a question", {"essay.after-hours.questions": "<script>x()</script>Why?"},
     "M305", "questions", False),
    ("markup in the event name", {"event": "on", "event.name": "<iframe src=//evil>Meet"},
     "M305", "name", False),
    ("absurd copies", {"print": "on", "print.copies": "1" + "0" * 30}, "P123", "copies", True),
    ("negative copies", {"print": "on", "print.copies": "-5"}, "P123", "copies", True),
    ("copies in words", {"print": "on", "print.copies": "twenty"}, "P103", "copies", True),
    ("unknown layout", {"layout": "nonesuch"}, "L401", "layout", True),
    ("layout as a path", {"layout": "../../../etc"}, "L401", "layout", True),
    ("unknown page size", {"page_size": "A0"}, "P106", "page_size", True),
    ("unknown scheme", {"print": "on", "print.scheme": "origami"}, "P106", "scheme", True),
    ("unknown sheet", {"print": "on", "print.sheet": "A0"}, "P122", "sheet", True),
    ("odd signature", {"print": "on", "print.signature": "7"}, "P121", "signature", True),
    ("paper a metre thick", {"print": "on", "print.creep": "1000mm"}, "P120", "creep", True),
    ("a slug like a path", {"essays": ["after-hours", "../../etc/passwd"]}, "P104",
     "../../etc/passwd", True),
    ("an absolute slug", {"essays": ["/etc/passwd"]}, "P104", "/etc/passwd", True),
    ("notes for a path-like slug", {"essay.../../x.intro": "Hi"}, "P114", "[essay", True),
    ("an impossible event date", {"event": "on", "event.date": "2026-02-30"}, "P124", "date",
     True),
    ("no title", {"title": ""}, "P105", None, True),
    ("no essays", {"essays": []}, "P112", "essays", True),
    ("a slug twice", {"essays": ["after-hours", "after-hours"]}, "P108", "essays", True),
    ("control characters", {"subtitle": "a\x00b\x1bc\x7f"}, None, None, False),
    ("a javascript: link in an intro", {"essay.after-hours.intro": "[x](javascript:alert(1))"},
     "M305", "intro", False),
    ("a style element in the subtitle", {"subtitle": "<style>*{}</style>Sub"}, "M305",
     "subtitle", False),
    ("no copies", {"print": "on", "print.copies": "0"}, "P123", "copies", True),
    ("a signature of billions", {"print": "on", "print.signature": "4000000000"}, "P121",
     "signature", True),
    ("copies of 5000 digits", {"print": "on", "print.copies": "9" * 5000}, "P103", "copies",
     True),
    ("a layout with a NUL", {"layout": "zi\x00ne"}, "L401", "layout", True),
    ("a page size in lower case", {"page_size": "a5"}, "P106", "page_size", True),
    ("a slug through source/", {"essays": ["source/../after-hours"]}, "P104", "source/..", True),
    ("a slug with its suffix", {"essays": ["after-hours.md"]}, "P104", "after-hours.md", True),
    ("a slug with a NUL", {"essays": ["after-hours\x00"]}, "P104", "essays", True),
]


def disk_findings(path: Path) -> list[str]:
    """What `pamphlet check` reports about the spec file itself."""
    diagnostics, _, _ = check_project(path)
    return sorted(d.format() for d in diagnostics if d.path == path.resolve())


@pytest.mark.parametrize("fields, code, where, error", [h[1:] for h in HOSTILE],
                         ids=[h[0] for h in HOSTILE])
def test_typed_values_get_the_diagnostics_the_same_file_gets(library, capsys, fields, code,
                                                             where, error):
    text = pf.to_toml(pf.draft_from_form({**BASE, **fields}), None)
    path = library / "packets" / "typed.toml"
    typed = pf.validate(text, path)
    path.write_text(text)
    assert sorted(d.format() for d in typed) == disk_findings(path)
    assert [d.code for d in typed.errors] == ([code] if error else [])
    if code is None:
        assert not typed.items
        return
    found = next(d for d in typed if d.code == code)
    line = text.splitlines()[found.line - 1]
    assert where is None and found.line == 1 or where in line, (line, found)
    if error:  # the build says the same, and stops
        assert main(["build", str(path)]) == 1
        assert f"{found.format(Path.cwd())}" in capsys.readouterr().err
        before = hashes(library)
        refused = pf.save(path.with_name("saved.toml"), text, pf.NEW, library)
        assert [(d.code, d.line) for d in refused.errors] == [(d.code, d.line) for d in typed.errors]
        assert hashes(library) == before


def test_the_hostile_corpus_covers_every_class():
    assert len(HOSTILE) >= 20
    assert {h[2] for h in HOSTILE} >= {"M305", "P123", "L401", "P104", "P106", "P114"}


def test_text_that_is_not_toml_is_reported_at_its_line(library):
    path = library / "packets" / "broken.toml"
    text = 'title = "T"\nessays = ["after-hours"]\nsubtitle = "x\n'
    assert [(d.code, d.line) for d in pf.validate(text, path)] == [("P101", 3)]
    with pytest.raises(PamphletError) as raised:
        pf.to_toml(pf.SpecDraft(title="T"), text)
    assert raised.value.diagnostics[0].code == "P101"


def test_a_spec_larger_than_the_limit_is_refused_as_on_disk(library):
    text = 'title = "T"\nessays = ["after-hours"]\nsubtitle = "' + "x" * 51_000_000 + '"\n'
    path = library / "packets" / "big.toml"
    assert [d.code for d in pf.validate(text, path)] == ["S904"]
    path.write_text(text)
    on_disk = [d for d in check_project(path)[0] if d.path.name == path.name]
    assert [d.format(library) for d in pf.validate(text, path)] == \
        [d.format(library) for d in on_disk]


def test_text_that_cannot_be_utf8_is_reported_not_raised(library):
    found = pf.validate('title = "T"\nsubtitle = "\ud800"\n', library / "packets" / "x.toml")
    assert [(d.code, d.line) for d in found] == [("P111", 2)]


# --- saving --------------------------------------------------------------------------------

def test_save_writes_the_text_and_a_new_version(library):
    path = written(library, HAND)
    os.chmod(path, 0o600)
    draft, version = pf.open_spec(path)
    draft.title = "Tables"
    text = pf.to_toml(draft, HAND)
    assert not pf.save(path, text, version, library).items
    assert path.read_text() == text and pf.open_spec(path)[1] != version
    assert os.stat(path).st_mode & 0o777 == 0o600  # the user's permissions stand
    assert not [p.name for p in path.parent.iterdir() if p.name.startswith(".")]


def test_a_stale_version_is_refused_and_the_file_left_alone(library):
    path = written(library, HAND)
    draft, version = pf.open_spec(path)
    path.write_text(HAND + "# edited in another window\n")
    draft.title = "Tables"
    before = hashes(library)
    found = pf.save(path, pf.to_toml(draft, HAND), version, library)
    assert [(d.code, d.hint) for d in found] == [("V140", "reload")]
    assert hashes(library) == before
    path.unlink()
    assert [d.code for d in pf.save(path, pf.to_toml(draft, HAND), version, library)] == \
        ["V140"]
    assert not path.exists()


def test_a_new_spec_never_overwrites_one_made_meanwhile(library):
    path = pf.new_spec(library, "Groups")
    assert path == library / "packets" / "groups-2.toml"  # groups.toml exists
    text = pf.to_toml(pf.SpecDraft(title="G", essays=["after-hours"]), None)
    assert not pf.save(path, text, pf.NEW, library).items
    assert [d.code for d in pf.save(path, text + "# again\n", pf.NEW, library)] == ["V140"]
    assert path.read_text() == text
    assert pf.new_spec(library, "Groups") == library / "packets" / "groups-3.toml"
    assert pf.new_spec(library, "!!!") == library / "packets" / "packet.toml"
    assert pf.new_spec(library, "Pamphlet") == library / "packets" / "pamphlet-2.toml"
    clash = library / "packets" / "pamphlet.toml"  # packets/ would become a project
    assert [d.code for d in pf.save(clash, text, pf.NEW, library)] == ["V145"]
    assert not clash.exists()
    (library / "pamphlet.toml").unlink()
    assert [d.code for d in pf.save(clash, text, pf.NEW, library)] == ["V145"]


def test_a_spec_made_between_the_last_look_and_the_write_is_not_overwritten(library,
                                                                           monkeypatch):
    path = library / "packets" / "race.toml"
    path.write_text("# made in another window a moment ago\n")
    monkeypatch.setattr(pf, "_unchanged", lambda path, version: None)  # as if it looked first
    text = pf.to_toml(pf.SpecDraft(title="T", essays=["after-hours"]), None)
    assert [d.code for d in pf.save(path, text, pf.NEW, library)] == ["V140"]
    assert path.read_text() == "# made in another window a moment ago\n"
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "excerpt.toml", "groups.toml", "printing.toml", "race.toml"]


def test_a_spec_changed_on_disk_while_the_draft_was_checked_is_not_overwritten(library,
                                                                              monkeypatch):
    """save() looks at the file first, then checks the text, then looks again just before
    it replaces the file: an edit made in between (another window's save) is kept."""
    path = written(library, HAND)
    draft, version = pf.open_spec(path)
    theirs = HAND + "# saved in another window while this draft was checked\n"
    checked = pf.validate

    def validate(text, where):
        path.write_text(theirs)
        return checked(text, where)

    monkeypatch.setattr(pf, "validate", validate)
    draft.title = "Tables"
    found = pf.save(path, pf.to_toml(draft, HAND), version, library)
    assert [(d.code, d.hint) for d in found] == [("V140", "reload")]
    assert path.read_text() == theirs
    assert not [p.name for p in path.parent.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("place", [
    "source/x.toml", "layouts/x.toml", "x.toml", "packets/sub/x.toml", "packets/x.txt",
    "packets/.hidden.toml", "packets/x.toml~", "build/x.toml", "packets/../source/x.toml",
    "../elsewhere/packets/x.toml", "../elsewhere/pamphlet.toml", "/tmp/packets/x.toml",
    "link-out/x.toml", "packets-link/x.toml", "packets/link-to-outside.toml",
    "packets/link-inside.toml"])
def test_save_outside_the_specs_places_is_refused(library, place):
    outside = library.parent / "elsewhere"
    (outside / "packets").mkdir(parents=True)
    (outside / "source").mkdir()
    (outside / "target.toml").write_text("# not a spec\n")
    (library / "link-out").symlink_to(outside)
    (library / "packets-link").symlink_to(outside / "packets")
    (library / "packets" / "link-to-outside.toml").symlink_to(outside / "target.toml")
    (library / "packets" / "link-inside.toml").symlink_to(library / "packets" / "groups.toml")
    before, outside_before = hashes(library), hashes(outside)
    text = pf.to_toml(pf.SpecDraft(title="T", essays=["after-hours"]), None)
    path = library / place if not place.startswith("/") else Path(place)
    _, version = pf.read_spec(path) if path.is_file() else ("", pf.NEW)
    assert [d.code for d in pf.save(path, text, version, library)] == ["V141"]
    assert hashes(library) == before and hashes(outside) == outside_before
    assert not Path("/tmp/packets/x.toml").exists()


def test_save_into_a_project_with_no_packets_folder_makes_it(library, tmp_path):
    project = tmp_path / "fresh"
    (project / "source").mkdir(parents=True)
    (project / "source" / "one.md").write_text("---\ntitle: One\n---\n\nText.\n")
    path = pf.new_spec(project, "First")
    text = pf.to_toml(pf.SpecDraft(title="First", essays=["one"]), None)
    assert not pf.save(path, text, pf.NEW, project).items
    assert path.read_text() == text


# --- the same bytes from the CLI -----------------------------------------------------------

# The same packet as the draft below, written by hand: other comments, order and quoting.
BY_HAND = '''\
# Night reading, written by hand.
essays = ["quiet-hours", "ink-and-toner", "after-hours"]
title = 'Night Reading'
editor = ["Ada Quill", "Bo Lenz"]
subtitle = "Three essays for one evening"
date = "2026-03-01"

[essay.ink-and-toner]
sections = ["Second part"]
questions = [
  "Who owns the copier?",
  "What does \\"toner\\" stand for here?",
]
intro = """Read this *aloud*.
Then talk."""

[print]
copies = 12
scheme = "saddle"

[event]
agenda = ["19:00 Reading aloud", "20:00 Talk"]
name = "Night Readers"
date = 2026-03-05
place = "Back room"
'''


def test_a_saved_draft_builds_the_same_bytes_as_a_hand_written_spec(tmp_path,
                                                                    source_date_epoch):
    drafted = copy_project("library", tmp_path / "drafted")
    by_hand = copy_project("library", tmp_path / "by-hand")
    form = {"title": "Night Reading", "subtitle": "Three essays for one evening",
            "editor": "Ada Quill\nBo Lenz", "date": "2026-03-01",
            "essays": ["after-hours", "quiet-hours", "ink-and-toner"], "event": "on",
            "event.name": "Night Readers", "event.date": "2026-03-05",
            "event.place": "Back room", "event.agenda": "19:00 Reading aloud\r\n20:00 Talk",
            "print": "on", "print.scheme": "saddle", "print.copies": "12",
            "essay.ink-and-toner.intro": "Read this *aloud*.\r\nThen talk.",  # a textarea
            "essay.ink-and-toner.questions": 'Who owns the copier?\nWhat does "toner" stand '
                                             'for here?',
            "essay.ink-and-toner.sections": "Second part"}
    draft = pf.draft_from_form(form)
    draft.move_essay("after-hours", 5)  # to the end, as the keyboard's buttons do
    path = pf.new_spec(drafted, "Night Reading")
    assert not pf.save(path, pf.to_toml(draft, None), pf.NEW, drafted).items
    hand = by_hand / "packets" / path.name
    hand.write_text(BY_HAND)
    assert path.read_text() != BY_HAND and "\\r" not in path.read_text()  # LF, as by hand
    assert tomllib.loads(path.read_text()) != tomllib.loads(BY_HAND)  # a date, not its text
    for spec in (path, hand):
        assert main(["build", str(spec)]) == 0
    names = ["night-reading.pdf", "night-reading-print.pdf", "night-reading.epub"]
    for name in names:
        made, typed = (drafted / "build" / name).read_bytes(), (by_hand / "build" / name).read_bytes()
        assert made == typed, name


# --- estimates and the library -------------------------------------------------------------

def test_the_estimate_and_plan_follow_the_selection(library):
    draft = pf.SpecDraft(title="T", essays=["after-hours", "nonesuch"], page_size="A6",
                         print=pf.PrintDraft(scheme="saddle", copies=20))
    one = pf.estimate(library, draft)
    assert (one.essays, one.missing, one.page_size) == (1, ["nonesuch"], "A6")
    draft.add_essay("ink-and-toner")
    two = pf.estimate(library, draft)
    assert two.words > one.words and two.pages > one.pages
    plan = two.printing
    assert plan.sheet == "A4" and plan.padded % 4 == 0 and plan.padded >= two.pages
    assert plan.sheets == plan.padded // 4 and plan.total_sheets == 20 * plan.sheets
    assert plan.plan.startswith(f"{plan.padded} pages") and plan.plan.endswith(
        f"20 copies = {plan.total_sheets} sheets")
    assert plan.instructions[-1] == f"This job: {plan.sheets} sheets a copy."
    draft.print.copies = 0  # an error in the form: no plan until it is fixed
    assert pf.estimate(library, draft).printing is None
    assert pf.estimate(library, pf.SpecDraft(essays=None), library / "packets" /
                       "printing.toml").essays == 2  # its [select]: limit = 2


def test_a_perfect_bound_estimate_counts_the_block_as_the_build_makes_it(library):
    """The block leaves out the covers and is made up to an even count; the plan is the
    line the build prints for that many reading pages."""
    draft = pf.SpecDraft(title="T", essays=["after-hours", "ink-and-toner"], page_size="A5",
                         print=pf.PrintDraft(scheme="perfect", copies=3))
    estimate = pf.estimate(library, draft)
    plan, pages = estimate.printing, estimate.pages
    block = len(interior(pages))
    assert block < pages and (plan.padded, plan.blanks) == (block + block % 2, block % 2)
    assert plan.sheets == plan.padded // 2 and plan.total_sheets == 3 * plan.sheets
    assert plan.plan == perfect_plan(pages, pf._print_settings(draft.print))
    assert plan.plan.startswith(f"{plan.padded} pages")


@pytest.mark.parametrize("project, spec", [
    ("library", "pamphlet.toml"), ("library", "packets/excerpt.toml"),
    ("library", "packets/groups.toml"), ("library", "packets/printing.toml"),
    ("notes", "pamphlet.toml"), ("notes", "endnotes.toml"), ("multilang", "pamphlet.toml")])
def test_the_estimate_is_near_the_real_page_count(tmp_path, project, spec):
    root = copy_project(project, tmp_path)
    result = build(root / spec, tmp_path / "out")
    assert result.ok
    draft, _ = pf.open_spec(root / spec)
    guess = pf.estimate(root, draft, root / spec)
    assert abs(guess.pages - result.pages) <= 1, (guess.pages, result.pages)
    assert guess.essays == len(result.spec.essays or ()) or draft.essays is None


def test_library_rows_show_each_essay_and_its_own_diagnostics(library):
    (library / "source" / "broken.md").write_text("---\ntitle: [unclosed\n---\n\nText.\n")
    rows = {row["slug"]: row for row in pf.library_rows(library)}
    assert sorted(rows) == ["a-stapler-of-ones-own", "after-hours", "broken", "ink-and-toner",
                            "quiet-hours", "the-long-table", "zines-at-school"]
    ink = rows["ink-and-toner"]
    assert (ink["title"], ink["author"], ink["date"], ink["tags"]) == \
        ("Ink and Toner", ["Ada Quill"], "2025-03-01", ["printing", "history"])
    assert ink["minutes"] >= 1 and ink["pages"] >= 1 and ink["words"] > 50
    assert [(d["code"], d["path"]) for d in rows["broken"]["diagnostics"]] == \
        [("E203", "source/broken.md")]
    by_check, _, _ = check_project(library)
    for slug, row in rows.items():  # each row says what pamphlet check says of its essay
        path = library / "source" / f"{slug}.md"
        assert [d["text"] for d in row["diagnostics"]] == \
            [d.format(library) for d in by_check if d.path == path], slug
    assert "C101" in [d["code"] for d in ink["diagnostics"]]


def test_one_row_is_refreshed_alone_and_the_form_knows_its_choices(library):
    essay = library / "source" / "after-hours.md"
    essay.write_text(essay.read_text().replace('title: "After Hours"', 'title: "Late Hours"'))
    assert pf.library_row(library, "after-hours")["title"] == "Late Hours"
    assert pf.library_row(library, "../pamphlet") is None
    (library / "layouts" / "mine").mkdir(parents=True)
    (library / "layouts" / "mine" / "pamphlet.html").write_text("<html></html>")
    choices = pf.form_choices(library)
    assert choices["layout"] == ["mine", "packet", "pocket", "zine"]
    assert choices["scheme"] == ["saddle", "minizine", "cutstack", "2up", "perfect"]
    assert (choices["duplex"], choices["binding"]) == (["short-edge", "long-edge"],
                                                       ["left", "right"])
    assert "A5" in choices["page_size"] and "A4" in choices["sheet"]


def test_a_spec_with_mistakes_opens_and_its_mistakes_are_left_as_they_are(library):
    text = ('title = "T"\nessays = "after-hours"\nlayout = 5\neditor = 7\n[event]\n'
            'agenda = "one"\n[essay]\nx = 3\n[print]\ncopies = "many"\n')
    path = written(library, text)
    draft, version = pf.open_spec(path)
    assert (draft.essays, draft.layout, draft.event.agenda, draft.print.copies) == \
        ("after-hours", 5, "one", "many")
    assert pf.to_toml(draft, text) == text
    assert pf.estimate(library, draft).essays == 0  # no list to count yet
    draft.title = "U"
    draft.essay["after-hours"] = pf.EssayDraft(intro="Hi")  # over the wrong [essay] value
    changed = tomllib.loads(pf.to_toml(draft, text))
    assert (changed["title"], changed["layout"], changed["print"]) == ("U", 5, {"copies": "many"})
    assert changed["essay"]["after-hours"] == {"intro": "Hi"}
    codes = {d.code for d in pf.save(path, pf.to_toml(draft, text), version, library)}
    assert codes == {"P103", "P117"} and path.read_text() == text  # as on disk


def test_a_spec_that_is_a_pipe_is_refused_not_waited_on(library):
    path = library / "packets" / "pipe.toml"
    os.mkfifo(path)
    with pytest.raises(PamphletError) as raised:
        pf.open_spec(path)
    assert raised.value.diagnostics[0].code == "S903"
    assert [d.code for d in pf.save(path, 'title = "T"\n', pf.NEW, library)] == ["S903"]
    assert path.is_fifo()


@pytest.mark.parametrize("typed", [
    'x"\nlayout = "evil', "x'''\n[print]\ncopies = 5", 'x"""\n[essay.a]\nintro = "y',
    "x\\\"\nessays = []", "x\u2028[pdf]\x85time_limit = 0", "\x00\n#"])
def test_typed_text_cannot_add_keys_to_the_spec(library, typed):
    form = {"title": typed, "subtitle": typed, "event": "on", "event.agenda": [typed],
            "essays": ["after-hours"], "essay.after-hours.intro": typed}
    data = tomllib.loads(pf.to_toml(pf.draft_from_form(form), None))
    assert sorted(data) == ["essay", "essays", "event", "subtitle", "title"]
    assert (data["title"], data["subtitle"]) == (typed.strip(), typed.strip())
    assert data["essay"] == {"after-hours": {"intro": typed.strip()}}


def test_a_new_packet_is_named_from_its_title_and_stays_in_packets(library):
    assert pf.new_spec(library, "../../etc/passwd") == library / "packets" / "etc-passwd.toml"
    assert pf.new_spec(library, "Ünïcödé Night") == library / "packets" / "unicode-night.toml"
    long = pf.new_spec(library, "word " * 2000)
    assert long.parent == library / "packets" and len(long.name) <= 85


# Random drafts: every key the form edits, set, changed or cleared.
# Any character, and the pieces that trouble a TOML writer most.
WORD = st.lists(st.characters(blacklist_categories=("Cs",)) | st.sampled_from(
    ["\r\n", '"""', "'''", "\\", "\n", "#", "=", "[", "."]), max_size=8).map("".join)
MAYBE = st.none() | WORD
DATES = st.none() | st.dates() | st.dates().map(str) | WORD
DRAFTS = st.builds(
    pf.SpecDraft, title=WORD, subtitle=MAYBE, editor=st.lists(WORD, max_size=3),
    date=DATES, layout=MAYBE, page_size=st.none() | st.sampled_from(
        ["A5", "A6", "letter"]), essays=st.none() | st.lists(WORD, max_size=4),
    event=st.none() | st.builds(pf.EventDraft, name=MAYBE, date=DATES,
                                time=MAYBE, place=MAYBE, host=MAYBE, contact=MAYBE,
                                agenda=st.lists(WORD, max_size=3)),
    print=st.none() | st.builds(pf.PrintDraft, scheme=MAYBE, copies=st.none() | st.integers(),
                                marks=st.none() | st.booleans(),
                                variants=st.none() | st.lists(WORD, max_size=2)),
    essay=st.dictionaries(WORD, st.builds(pf.EssayDraft, intro=MAYBE,
                                          questions=st.lists(WORD, max_size=2),
                                          sections=st.lists(WORD, max_size=2)), max_size=3))
MANAGED = {"title", "subtitle", "editor", "date", "layout", "essays", "event", "print", "essay"}


def normal(draft: pf.SpecDraft) -> pf.SpecDraft:
    """The draft as it reads back from TOML: empty text is no key, one editor is a string,
    an ISO date is a date, notes with nothing in them are no table."""
    def text(value):
        return None if value == "" else value
    def date(value):
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            with contextlib.suppress(ValueError):
                return dt.date.fromisoformat(value)
        return text(value)
    event = draft.event and replace(draft.event, **{k: text(getattr(draft.event, k)) for k in (
        "name", "time", "place", "host", "contact")}, date=date(draft.event.date))
    printing = draft.print and replace(draft.print, scheme=text(draft.print.scheme),
                                       variants=draft.print.variants or None)
    notes = {slug: replace(note, intro=text(note.intro)) for slug, note in draft.essay.items()
             if note.intro or note.questions or note.sections}
    return replace(draft, title=draft.title, subtitle=text(draft.subtitle),
                   date=date(draft.date), layout=text(draft.layout), event=event,
                   print=printing, essay=notes)


@settings(max_examples=int(os.environ.get("PACKET_EXAMPLES", 200)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draft=DRAFTS, edit=st.booleans())
def test_any_draft_reads_back_as_itself_and_leaves_the_rest_alone(draft, edit):
    original = HAND if edit else None
    text = pf.to_toml(draft, original)
    back = pf.draft_from_text(text, Path("x.toml"))
    assert back == normal(draft)
    if edit:
        data, hand = tomllib.loads(text), tomllib.loads(HAND)
        assert {k: v for k, v in data.items() if k not in MANAGED | {"pdf"}} == \
            {k: v for k, v in hand.items() if k not in MANAGED | {"pdf"}}
        assert "# rust" in text and "# Reading packet for the December meeting." in text
