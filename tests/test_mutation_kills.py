"""Unit tests for decisions mutation testing found unchecked: how assemble.py writes names,
dates, the line under an essay's title and its Sources entry (see bench/equivalent.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pamphlet.assemble import citation, format_date, join_names, source_line
from pamphlet.essays import Essay, Source


@pytest.mark.parametrize("names, joined", [
    ((), ""), (("A",), "A"), (("A", "B"), "A and B"), (("A", "B", "C"), "A, B, and C"),
    (("A", "B", "C", "D"), "A, B, C, and D")])
def test_join_names(names, joined):
    assert join_names(names) == joined


@pytest.mark.parametrize("value, shown", [
    (None, None), (dt.date(2026, 3, 4), "4 March 2026"), ("2026-01-09", "9 January 2026"),
    ("2026-12-31", "31 December 2026"), ("2026-12", "December 2026"),
    (" 2026-02-09T10:00 ", "9 February 2026"), ("2026-02-09 10:00", "9 February 2026"),
    ("2026-13-01", "2026-13-01"), ("2026-13", "2026-13"), ("2026-00-01", "2026-00-01"), ("2026-02-30", "2026-02-30"),
    ("spring 2026", "spring 2026"), ("2026-02-09x", "2026-02-09x"), ("26-02-09", "26-02-09")])
def test_format_date(value, shown):
    assert format_date(value) == shown


FULL = Source(url="https://e.org/a", title="Old Title", publisher="Zine Press",
              date="2026-02-09", accessed="2026-11-20")


@pytest.mark.parametrize("source, line", [
    (None, "First published in this pamphlet."),
    (Source(), "First published."),
    (FULL, "First published as “Old Title” by Zine Press on 9 February 2026 at https://e.org/a."),
    (Source(title=" New Title "), "First published."),
    (Source(title="Other", url="u"), "First published as “Other” at u.")])
def test_source_line(source, line):
    assert source_line(source, "New Title") == line


def essay(**fields) -> Essay:
    return Essay("e", Path("e.md"), fields.pop("title", "Raw Title"), "", 1, **fields)


@pytest.mark.parametrize("fields, entry", [
    ({}, "“Smart Title.” First published in this pamphlet."),
    ({"authors": ("A", "B", "C"), "license": "CC BY 4.0", "source": FULL},
     "A, B, and C. “Smart Title.” Old Title, Zine Press, 9 February 2026. "
     "https://e.org/a (accessed 20 November 2026). License: CC BY 4.0."),
    ({"authors": ("A",), "source": Source(title="Raw Title", url="u")}, "A. “Smart Title.” u."),
    ({"source": Source(title="Smart Title", publisher="P")}, "“Smart Title.” P."),
    ({"source": Source(date="2026-05")}, "“Smart Title.” May 2026.")])
def test_citation(fields, entry):
    assert citation(essay(**fields), "Smart Title") == entry
