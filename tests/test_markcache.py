"""The essays' Markdown conversions kept between builds (markcache.py) never give a stale
essay: an edit is converted again, a change of the spec that shapes an essay is seen, the
problems an essay has are reported on a cached build as on a cold one, a damaged entry is
converted again, and a cache folder reached through a link is not followed. And a rebuild
takes the cached first part of the reading PDF with this build's dates, not laying it out
again, as a cold build would have written it."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest

from test_parts import links

from pamphlet.text import markup
from pamphlet.build.pipeline import build
from pamphlet.text.markcache import _key, markup_folder
from pamphlet.progress import Step

ONE = """---
title: Lanterns
author: A
---

The word to find is lantern, on the first page.

## Second part

A [link to the other essay](two.md) and the rest of the text.
"""
TWO = "---\ntitle: Harbours\nauthor: B\n---\n\nThe word to find is harbour.\n"
# Laid out in parts, as a longer book would be (render = "auto" lays two essays out whole).
SPEC = 'title = "T"\neditor = "E"\nessays = ["one", "two"]\n[pdf]\nrender = "parts"\n'


def project(where: Path, spec: str = SPEC, one: str = ONE) -> Path:
    (where / "source").mkdir(parents=True)
    (where / "pamphlet.toml").write_text(spec)
    (where / "source" / "one.md").write_text(one)
    (where / "source" / "two.md").write_text(TWO)
    return where


def text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


class Conversions:
    """Counts the Markdown conversions a build does (each essay not taken from the cache)."""

    def __init__(self, monkeypatch):
        self.count = 0
        original = markup._markdown

        def counted(mark):
            self.count += 1
            return original(mark)
        monkeypatch.setattr(markup, "_markdown", counted)


def built(root: Path, out: Path, **options) -> list[str]:
    """Build, which must succeed; the diagnostics, formatted."""
    result = build(root, out, **options)
    assert result.ok, [d.format() for d in result.diagnostics]
    return [d.format() for d in result.diagnostics]


def entries(out: Path) -> list[Path]:
    return sorted(markup_folder(out, "pamphlet").glob("*.json"))


def test_an_edited_essay_is_converted_again_and_only_it(tmp_path, monkeypatch):
    root, out = project(tmp_path / "p"), tmp_path / "out"
    built(root, out)
    assert len(entries(out)) == 2
    essay = root / "source" / "one.md"
    essay.write_text(essay.read_text().replace("lantern", "beacon"))
    conversions = Conversions(monkeypatch)
    built(root, out)
    assert conversions.count == 1  # the other essay came from the cache
    assert "beacon" in text(out / "pamphlet.pdf") and "lantern" not in text(out / "pamphlet.pdf")
    assert len(entries(out)) == 2  # the old text's entry is pruned
    built(root, out)
    assert conversions.count == 1  # nothing changed: nothing converted


def test_a_change_of_the_spec_that_shapes_an_essay_is_seen(tmp_path, monkeypatch):
    """The selection (which links reach an essay, each essay's anchor) and an essay's
    sections are the spec's; a cached conversion is shaped by them as a fresh one is."""
    root, out = project(tmp_path / "p", SPEC.replace('"one", "two"', '"one"')), tmp_path / "out"
    assert any("M304" in line and "one.md:10" in line for line in built(root, out)), built(root, out)
    spec = root / "pamphlet.toml"
    spec.write_text(SPEC.replace('"one", "two"', '"two", "one"'))
    conversions = Conversions(monkeypatch)
    assert not any("M304" in line for line in built(root, out))
    assert conversions.count == 1  # essay two only: one's text is as it was
    assert "harbour" in text(out / "pamphlet.pdf")
    found, names = links(out / "pamphlet.pdf")  # one is now the second essay, linking to two
    assert "essay-002-second-part" in names and "essay-001-second-part" not in names
    assert [link for link in found if link[0] == names["essay-002"] and link[2] == "essay-001"]
    spec.write_text(SPEC + '\n[essay.one]\nsections = ["Second part"]\n')
    built(root, out)
    shown = text(out / "pamphlet.pdf")
    assert "the rest of the text" in shown and "lantern" not in shown


def test_an_essays_problems_are_reported_from_the_cache_as_from_a_cold_build(
        tmp_path, monkeypatch):
    from PIL import Image

    one = ONE + ("\n![](picture.png)\n\nA [missing file](notes.txt) and raw HTML "
                 "<script>alert(1)</script> to remove.\n\n[^n]: a note [to nowhere](#nowhere)"
                 "\n\nA call[^n].\n")
    root, out = project(tmp_path / "p", SPEC.replace('"one", "two"', '"one"'), one), \
        tmp_path / "out"
    Image.new("RGB", (4, 4)).save(root / "source" / "picture.png")
    cold = built(root, out)
    found = {(line.split(": ")[0].split("/")[-1], line.split(": ")[1].split()[0]) for line in cold}
    assert found == {("one.md:14", "M305"), ("one.md:12", "M320"), ("one.md:10", "M304"),
                     ("one.md:14", "M304"), ("one.md:16", "M308")}, cold
    conversions = Conversions(monkeypatch)
    assert built(root, out) == cold
    assert conversions.count == 0  # the essay came from the cache, its problems did not


def test_a_damaged_entry_is_converted_again(tmp_path, monkeypatch):
    root, out = project(tmp_path / "p"), tmp_path / "out"
    built(root, out)
    first, second = entries(out)
    entry = json.loads(first.read_text())
    # a flipped byte, as a failing disk leaves it: the HTML no longer has its hash
    first.write_text(json.dumps({**entry, "value": "<p>DAMAGED lantern harbour</p>"}))
    second.write_bytes(second.read_bytes()[:40])  # cut short, as a killed build leaves it
    conversions = Conversions(monkeypatch)
    built(root, out)
    assert conversions.count == 2
    shown = text(out / "pamphlet.pdf")
    assert "DAMAGED" not in shown and "lantern" in shown and "harbour" in shown
    assert [json.loads(path.read_text())["value"] for path in (first, second)]  # written again
    built(root, out)
    assert conversions.count == 2


@pytest.mark.parametrize("linked", ["folder", "markup", "entry"])
def test_a_link_in_the_cache_is_not_followed(tmp_path, monkeypatch, linked):
    """A cache folder (or the whole markup cache, or an entry) that is a link: nothing is
    read through it, written or removed where it leads, and the build still succeeds."""
    from pamphlet.store import usercache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # this test's own
    monkeypatch.setattr(usercache, "_SALT", None)
    root, out = project(tmp_path / "p"), tmp_path / "out"
    folder = markup_folder(out, "pamphlet")
    elsewhere = tmp_path / "elsewhere"
    forged = {"value": "<p>FORGED</p>",
              "sha256": hashlib.sha256(json.dumps("<p>FORGED</p>").encode()).hexdigest()}
    body = ONE.split("---\n", 2)[2].lstrip("\n")
    name = f"{_key(body)}.json"
    if linked == "folder":
        (elsewhere).mkdir()
        (elsewhere / name).write_text(json.dumps(forged))
        folder.parent.mkdir(parents=True)
        folder.symlink_to(elsewhere)
    elif linked == "markup":
        (elsewhere / folder.parent.name / folder.name).mkdir(parents=True)
        (elsewhere / folder.parent.name / folder.name / name).write_text(json.dumps(forged))
        folder.parent.parent.parent.mkdir(parents=True, exist_ok=True)
        folder.parent.parent.symlink_to(elsewhere)
    else:
        elsewhere.mkdir()
        (elsewhere / "forged.json").write_text(json.dumps(forged))
        folder.mkdir(parents=True)
        (folder / name).symlink_to(elsewhere / "forged.json")
    before = sorted((str(p), p.read_bytes()) for p in elsewhere.rglob("*") if p.is_file())
    for _ in range(2):
        built(root, out)
        shown = text(out / "pamphlet.pdf")
        assert "FORGED" not in shown and "lantern" in shown
    assert sorted((str(p), p.read_bytes()) for p in elsewhere.rglob("*") if p.is_file()) \
        == before


def test_a_cached_first_part_takes_the_new_dates(tmp_path, monkeypatch):
    """The first part lends the book its metadata, whose modification date is the build's:
    on a rebuild at another time it is dated again, not laid out again, and the PDF is the
    one a cold build at that time writes, byte for byte."""
    root, out = project(tmp_path / "p"), tmp_path / "out"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    built(root, out)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1777225600")
    heard: list[Step] = []
    built(root, out, progress=heard.append)
    assert [step.name for step in heard if step.kind == "part"] == []
    built(root, tmp_path / "cold")
    assert (out / "pamphlet.pdf").read_bytes() == (tmp_path / "cold" / "pamphlet.pdf").read_bytes()
    assert b"2026-04-26T17:46:40Z" in (out / "pamphlet.pdf").read_bytes()


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
       'width="300" height="400"><rect width="300" height="400" fill="{colour}"/>'
       '<image xlink:href="file:///etc/hostname" width="10" height="10"/></svg>')


def cover_entries(out: Path) -> list[tuple[str, int]]:
    from pamphlet.store.usercache import store_folder

    return [(path.name, path.stat().st_ino)
            for path in sorted(store_folder("cover", out, "pamphlet").glob("*.json"))]


def epub_cover(out: Path) -> bytes:
    import zipfile

    with zipfile.ZipFile(out / "pamphlet.epub") as book:
        return book.read(next(name for name in book.namelist() if "cover.jpg" in name))


def test_the_ebooks_cover_is_drawn_again_only_when_it_changes(tmp_path, source_date_epoch):
    """The drawn cover is kept between builds: an edit to an essay takes it from the cache
    (the entry is not written again), with the warning its drawing gave (a picture that
    asks for a file outside the project); a changed picture of the same name, or a
    changed title, is drawn again; the e-book is the one a cold build writes."""
    spec = SPEC + '\n[cover]\nimage = "cover.svg"\n'
    root, out = project(tmp_path / "p", spec), tmp_path / "out"
    (root / "cover.svg").write_text(SVG.format(colour="#000080"))
    cold = built(root, out)
    assert any("S901" in line and "/etc/hostname" in line for line in cold), cold
    first = cover_entries(out)
    assert len(first) == 1
    essay = root / "source" / "one.md"
    essay.write_text(essay.read_text().replace("lantern", "beacon"))
    again = built(root, out)
    assert cover_entries(out) == first  # taken from the cache, not drawn and written again
    assert sorted(line for line in again if "S901" in line) == sorted(
        line for line in cold if "S901" in line)
    built(root, tmp_path / "cold")
    assert (out / "pamphlet.epub").read_bytes() == (tmp_path / "cold" / "pamphlet.epub").read_bytes()
    navy = epub_cover(out)
    (root / "cover.svg").write_text(SVG.format(colour="#800000"))
    built(root, out)
    assert cover_entries(out) != first and len(cover_entries(out)) == 1
    assert epub_cover(out) != navy
    built(root, tmp_path / "cold2")
    assert epub_cover(out) == epub_cover(tmp_path / "cold2")
    red = cover_entries(out)
    (root / "pamphlet.toml").write_text(spec.replace('title = "T"', 'title = "Another"'))
    built(root, out)
    assert cover_entries(out) != red
