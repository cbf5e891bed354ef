"""The bookbuilder's answers over plain HTTP, as a person making a first packet meets them: a
new packet starts with no error, "Save as" names the file from the title and never over
another, the event's end, contact and web address are checked as a spec on disk is, and the
reading view judges an essay's links as the build of the spec at hand (or as `check` does,
in the library)."""

from __future__ import annotations

import re

import pytest

from conftest import copy_project
from pamphlet.book.assemble import assemble
from pamphlet.build.check import check_project
from pamphlet.diagnostics import Diagnostics
from pamphlet.project.select import select
from pamphlet.project.spec import load_spec
from pamphlet.serve import packet_form
from test_serve_http import serving

LINKING = """---
title: "Links Everywhere"
author: Ann Link
tags: [reading]
source:
  publisher: Test Collective
---

See [the quiet essay](quiet-hours.md) and [its second part](quiet-hours.md#second-part),
[the table](the-long-table.md), and [a file that is nowhere](nowhere.md).
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """tests/projects/library with an essay that links to two others and to a missing file,
    and a packet that holds it and one of the two."""
    root = copy_project("library", tmp_path_factory.mktemp("builder"))
    (root / "source" / "links-everywhere.md").write_text(LINKING)
    (root / "packets" / "linked.toml").write_text(
        'title = "Linked"\nessays = ["links-everywhere", "the-long-table"]\n')
    with serving(root, watching=False) as served:
        yield served


def estimate(app, form: dict, spec: str = "", version: str = "", path: str = "") -> dict:
    answer = app.post("/api/estimate", {"spec": spec, "version": version, "form": form,
                                        "path": path})
    assert answer.status_code == 200, answer.text
    return answer.json()


def save(app, form: dict, path: str = "") -> dict:
    return app.post("/api/save", {"spec": "", "version": "", "form": form, "path": path}).json()


# --- a new packet -------------------------------------------------------------------------

def test_a_new_packet_shows_no_error_until_a_build_is_asked_for(app):
    opened = app.open("")
    form = {"title": opened["draft"]["title"], "essays": []}
    first = estimate(app, form)
    assert first["diagnostics"] == [], first["diagnostics"]
    assert "add some" in first["text"]  # the gentle hint, in the estimate's words
    job = app.build("", form)
    assert job["state"] == "failed"
    assert [d["code"] for d in job["diagnostics"]] == ["P112"]
    # Not every problem waits for a build: a web address that cannot be used is said at once.
    typed = estimate(app, {**form, "event.url": "not an address"})
    assert [d["code"] for d in typed["diagnostics"]] == ["P172"]


# --- saving a new packet ------------------------------------------------------------------

def test_save_as_names_the_file_from_the_title_and_never_overwrites(app):
    form = {"title": "December Readers!", "essays": ["quiet-hours"]}
    assert estimate(app, form)["path"] == "packets/december-readers.toml"
    first = save(app, form)
    assert first["saved"] and first["spec"] == "packets/december-readers.toml", first
    text = (app.root / first["spec"]).read_text()
    # The same title again: a free name beside it, the first file untouched.
    assert estimate(app, form)["path"] == "packets/december-readers-2.toml"
    second = save(app, {**form, "essays": ["after-hours"]})
    assert second["saved"] and second["spec"] == "packets/december-readers-2.toml", second
    assert (app.root / first["spec"]).read_text() == text
    # A name the user chose that a spec already has: refused, nothing written over.
    chosen = save(app, {**form, "essays": ["ink-and-toner"]}, path="packets/december-readers.toml")
    assert not chosen["saved"]
    assert [d["code"] for d in chosen["diagnostics"]] == ["V142"]
    assert (app.root / first["spec"]).read_text() == text
    # The new spec is one the builder can open at once.
    assert "packets/december-readers-2.toml" in app.client.get("/builder").text


def test_a_title_with_no_letters_still_names_a_packet(app):
    answer = save(app, {"title": "!!!", "essays": ["quiet-hours"]})
    assert answer["saved"] and re.fullmatch(r"packets/packet(-\d+)?\.toml", answer["spec"])


# --- the event ----------------------------------------------------------------------------

EVENT = {"title": "Evening", "essays": ["quiet-hours"], "event.name": "Readers",
         "event.date": "2026-12-08", "event.time": "19:00"}


def test_the_event_takes_an_end_a_contact_and_a_web_address(app):
    form = {**EVENT, "event.end": "21:00", "event.contact": "readers@example.org",
            "event.url": "https://example.org/december/"}
    assert estimate(app, form)["diagnostics"] == []
    answer = save(app, form, path="packets/evening.toml")
    assert answer["saved"], answer
    spec = load_spec(app.root / "packets" / "evening.toml")
    assert (spec.event.end, spec.event.contact, spec.event.url) == (
        "21:00", "readers@example.org", "https://example.org/december/")
    opened = app.open("packets/evening.toml")["draft"]["event"]
    assert (opened["end"], opened["contact"], opened["url"]) == (
        "21:00", "readers@example.org", "https://example.org/december/")
    lasting = estimate(app, {**EVENT, "event.duration": "2h"})
    assert lasting["diagnostics"] == []


@pytest.mark.parametrize("fields, code, field", [
    ({"event.url": "javascript:alert(1)"}, "P172", "event.url"),
    ({"event.url": "example.org/december"}, "P172", "event.url"),
    ({"event.end": "late"}, "P174", "event.end"),
    ({"event.duration": "forever"}, "P174", "event.duration"),
    ({"event.end": "21:00", "event.duration": "2h"}, "P174", "event.duration"),
])
def test_the_event_fields_are_checked_as_a_spec_on_disk_is(app, tmp_path, fields, code, field):
    answer = estimate(app, {**EVENT, **fields})
    assert [(d["code"], d["field"]) for d in answer["diagnostics"]] == [(code, field)]
    # The same values in a file: the same finding, from the same checks.
    project = copy_project("library", tmp_path)
    spec = project / "packets" / "typed.toml"
    event = "".join(f'{key.removeprefix("event.")} = "{value}"\n' for key, value in
                    {**EVENT, **fields}.items() if key.startswith("event."))
    spec.write_text(f'title = "Evening"\nessays = ["quiet-hours"]\n[event]\n{event}')
    found = [d for d in check_project(project)[0] if d.path and d.path.name == "typed.toml"]
    assert [d.code for d in found] == [code]
    assert found[0].message == answer["diagnostics"][0]["message"]
    assert not save(app, {**EVENT, **fields}, path="packets/refused.toml")["saved"]
    assert not (app.root / "packets" / "refused.toml").exists()


# --- the reading view's links -------------------------------------------------------------

def _links(html: str) -> dict[str, str]:
    return dict((text, href) for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>',
                                                           html))


def test_the_reading_view_judges_links_by_the_library_as_check_does(app):
    page = app.client.get("/essay/links-everywhere").text
    codes = re.findall(r'<strong class="code">(\w+)</strong>', page)
    assert codes == ["M304"], codes
    assert "nowhere.md" in page and "quiet-hours.md" not in page.split("</section>")[0]
    links = _links(page)
    assert links["the quiet essay"] == "/essay/quiet-hours"
    assert links["its second part"].startswith("/essay/quiet-hours#")
    assert links["the table"] == "/essay/the-long-table"
    checked = [d for d in check_project(app.root)[0]
               if d.path and d.path.name == "links-everywhere.md"]
    assert [(d.code, d.line) for d in checked] == [("M304", 10)]
    assert "source/links-everywhere.md:10" in page


def test_the_reading_view_judges_links_by_the_spec_being_built(app):
    page = app.client.get("/essay/links-everywhere", params={"spec": "packets/linked.toml"}).text
    spec = load_spec(app.root / "packets" / "linked.toml")
    built = Diagnostics()
    assemble(spec, select(spec, built), built)
    expected = sorted((d.code, d.message) for d in built if d.path.name == "links-everywhere.md")
    shown = sorted(re.findall(r'<strong class="code">(\w+)</strong> (?:<span class="severity">'
                              r'warning:</span> )?([^\n<]+)', page))
    assert shown == [(code, message.strip()) for code, message in expected], shown
    assert [code for code, _ in expected] == ["M304", "M304", "M304"]  # quiet-hours is not in it
    assert _links(page)["the table"] == "/essay/the-long-table?spec=packets/linked.toml"
    assert "packets/linked.toml" in page  # the page says which spec judged it
    assert app.client.get("/essay/links-everywhere", params={"spec": "../x.toml"}).status_code \
        == 404

