"""The spec schema on its own: every check's code, message, line and hint, and the defaults."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from pamphlet.diagnostics import Diagnostics
from pamphlet.project.schema import Checker, Field, Table, TableOf, TomlLocator, did_you_mean, nearest

SCHEMA = Table({
    "title": Field((str,), required=True),
    "size": Field((str,), default="A5", choices=("A5", "A6", "letter")),
    "names": Field((str, list), items=str),
    "count": Field((int,), default=3),
    "scale": Field((float,)),
    "flag": Field((bool,), default=False),
    "when": Field((dt.date,)),
    "pdf": Table({"margin": Field((str,), default="15mm"), "deep": Field((bool,))}),
    "essay": TableOf(Table({"questions": Field((list,), items=str, required=True)})),
})
PATH = Path("spec.toml")


def checked(text: str) -> tuple[dict, list[tuple[str, str, int | None, str | None]]]:
    """The checked values and the findings (code, message, line, hint) for a TOML text."""
    diagnostics = Diagnostics()
    values = Checker(PATH, TomlLocator(text), diagnostics).check(tomllib.loads(text), SCHEMA)
    assert all(d.path == PATH and d.is_error for d in diagnostics)
    return values, [(d.code, d.message, d.line, d.hint) for d in diagnostics]


def test_defaults_fill_what_is_not_written():
    values, found = checked('title = "T"\n')
    assert found == []
    assert values == {"title": "T", "size": "A5", "names": None, "count": 3, "scale": None,
                      "flag": False, "when": None, "pdf": {"margin": "15mm", "deep": None},
                      "essay": {}}


def test_written_values_are_kept():
    values, found = checked('title = "T"\nsize = "A6"\nnames = ["a", "b"]\ncount = 0\n'
                            'scale = 2\nflag = true\nwhen = 2026-05-01\n'
                            '[pdf]\nmargin = "1in"\n[essay.one]\nquestions = ["Why?"]\n')
    assert found == []
    assert values["size"] == "A6" and values["names"] == ["a", "b"] and values["count"] == 0
    assert values["scale"] == 2 and values["flag"] is True
    assert values["when"] == dt.date(2026, 5, 1)
    assert values["pdf"] == {"margin": "1in", "deep": None}
    assert values["essay"] == {"one": {"questions": ["Why?"]}}


@pytest.mark.parametrize("text, expected", [
    ('title = "T"\nsiez = "A5"\n',
     [("P102", "unknown key 'siez'", 2, "did you mean 'size'?")]),
    ('title = "T"\nzzz = 1\n',
     [("P102", "unknown key 'zzz'", 2, "known keys here: count, essay, flag, names, pdf, "
                                       "scale, size, title, when")]),
    ('title = "T"\n\n[pdf]\nmargn = "1in"\n',
     [("P102", "unknown key 'pdf.margn'", 4, "did you mean 'margin'?")]),
    ('title = "T"\nsize = "A55"\n',
     [("P106", "'size' cannot be 'A55'", 2,
       "did you mean 'A5'? choose one of 'A5', 'A6', 'letter'")]),
    ('title = "T"\nsize = "tabloid"\n',
     [("P106", "'size' cannot be 'tabloid'", 2, "choose one of 'A5', 'A6', 'letter'")]),
    ('size = "A6"\n', [("P105", "'title' is required", 1, "add a line like title = ... (a string)")]),
    ('title = 10:00:00\n', [("P103", "'title' must be a string, not time", 1, None)]),
    ('title = 5\n', [("P103", "'title' must be a string, not a whole number (5)", 1, None)]),
    ('title = "T"\ncount = "3"\n',
     [("P103", "'count' must be a whole number, not a string ('3')", 2, None)]),
    ('title = "T"\ncount = true\n',
     [("P103", "'count' must be a whole number, not true or false (True)", 2, None)]),
    ('title = "T"\nflag = 1\n', [("P103", "'flag' must be true or false, not a whole number (1)",
                                  2, None)]),
    ('title = "T"\nscale = "x"\n', [("P103", "'scale' must be a number, not a string ('x')", 2,
                                      None)]),
    ('title = "T"\nnames = ["a", 1]\n',
     [("P103", "'names' must be a string or a list of strings, not a list", 2, None)]),
    ('title = "T"\nwhen = "May"\n', [("P103", "'when' must be a date, not a string ('May')", 2,
                                      None)]),
    ('title = "T"\npdf = 1\n', [("P103", "'pdf' must be a table, not a whole number (1)", 2, None)]),
    ('title = "T"\nessay = 1\n', [("P103", "'essay' must be a table, not a whole number (1)", 2,
                                   None)]),
    ('title = "T"\n[essay]\none = 2\n', [("P103", "'essay.one' must be a table, not a whole "
                                          "number (2)", 3, None)]),
    ('title = "T"\n[essay.one]\n', [("P105", "'essay.one.questions' is required", 2,
                                     "add a line like questions = ... (a list of strings)")]),
    ('title = "T"\n[pdf]\ndeep = 2026-01-01T10:00:00\n',
     [("P103", "'pdf.deep' must be true or false, not a date", 3, None)]),
])
def test_each_mistake_is_reported_in_full(text, expected):
    assert checked(text)[1] == expected


def test_a_refused_value_gives_way_to_its_default():
    """The error is reported, and the default stands in, so later stages never meet it."""
    values, found = checked('title = "T"\nsize = "A55"\n')
    assert values["size"] == "A5" and [f[0] for f in found] == ["P106"]


def test_nested_tables_report_their_full_key_and_line():
    schema = Table({"sub": Table({"need": Field((str,), required=True),
                                  "mode": Field((str,), choices=("a", "b"))})})
    diagnostics = Diagnostics()
    Checker(PATH, TomlLocator(""), diagnostics).check({}, schema)
    assert [(d.code, d.message, d.line) for d in diagnostics] == [
        ("P105", "'sub.need' is required", 1)]
    text = '[sub]\nneed = "x"\n\nmode = "z"\n'
    diagnostics = Diagnostics()
    Checker(PATH, TomlLocator(text), diagnostics).check(tomllib.loads(text), schema)
    assert [(d.code, d.message, d.line) for d in diagnostics] == [
        ("P106", "'sub.mode' cannot be 'z'", 4)]


def test_every_mistake_at_once_and_the_rest_still_checked():
    values, found = checked('siez = 1\ncount = "x"\n[pdf]\nmargin = 5\n')
    assert [(code, line) for code, _, line, _ in found] == [
        ("P102", 1), ("P103", 2), ("P103", 4), ("P105", 1)]
    assert values["size"] == "A5" and values["count"] == SCHEMA.fields["count"].default
    assert values["pdf"]["margin"] == SCHEMA.fields["pdf"].fields["margin"].default


def test_a_datetime_is_a_date_and_a_whole_number_a_number():
    values, found = checked('title = "T"\nwhen = 2026-01-01T10:00:00\nscale = 2\n')
    assert found == [] and values["scale"] == 2


def test_other_codes_can_be_used():
    diagnostics = Diagnostics()
    codes = {"unknown": "E1", "type": "E2", "required": "E3", "choice": "E4"}
    Checker(PATH, TomlLocator(""), diagnostics, codes).check(
        {"zzz": 1, "count": "x", "size": "B5"}, SCHEMA)
    assert [d.code for d in diagnostics] == ["E1", "E2", "E4", "E3"]


def test_the_locator_finds_keys_tables_and_values():
    text = ('# comment\ntitle = "T"\n"quoted key" = 1\n\n[pdf]  # print\nmargin = "1in"\n'
            '[essay."two.words"]\nquestions = [\n  "one",\n  "two",\n]\n'
            "[[list]]\nname = 'x'\n")
    locator = TomlLocator(text)
    assert locator.line_of("title") == 2 and locator.line_of("quoted key") == 3
    assert locator.line_of("pdf") == 5 and locator.line_of("pdf", "margin") == 6
    assert locator.line_of("pdf", "nonesuch") == 5  # the table, when the key is not written
    assert locator.line_of("essay", "two.words", "questions") == 8
    assert locator.line_of("essay", "two.words") == 7 and locator.line_of("list", "name") == 13
    assert locator.line_of("nonesuch") is None and locator.line_of() is None
    assert locator.line_of_value("two", "essay", "two.words", "questions") == 10
    assert locator.line_of_value("one", "essay", "two.words", "questions") == 9
    assert locator.line_of_value("T") == 2  # no key: from the first line
    assert locator.line_of_value("absent", "pdf") == 5  # not found: the key's own line
    assert locator.line_of_value("one", "list", "name") == 13  # only at or after the key
    assert locator.line_of_value("x", "list") == 13  # the last line is searched too
    assert TomlLocator('x = "v"\n').line_of_value("v") == 1
    assert TomlLocator('[essay."Xray"]\nq = 1\n').line_of("essay", "Xray", "q") == 2


def test_a_key_written_twice_keeps_its_first_line():
    locator = TomlLocator('a = 1\n[t]\nb = 1\n[u]\nb = 2\n[t]\n')
    assert locator.line_of("t") == 2 and locator.line_of("u", "b") == 5


def test_suggestions_only_when_close():
    assert nearest("titel", ["title", "subtitle"]) == "title"
    assert nearest("xyz", ["title", "subtitle"]) is None
    assert did_you_mean("sze", {"size": 1}) == "did you mean 'size'?"
    assert did_you_mean("xyz", ["size"]) is None


def test_a_field_describes_its_types():
    assert Field((str,)).describe() == "a string"
    assert Field((str, list), items=str).describe() == "a string or a list of strings"
    assert Field((list,), items=dt.date).describe() == "a list of dates"
    assert Field((list,)).describe() == "a list"
    assert Field((Path,)).describe() == "Path"  # a type without a plain name
    assert Field((int, float, bool, dict)).describe() == \
        "a whole number or a number or true or false or a table"
