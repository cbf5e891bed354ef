"""Caches that heal: the user's cache only saves time. An entry that fails to load (whatever
its recorded hash says) is a miss, with a warning (O516), and is made again; a cache that
cannot be made is skipped with one warning (O515), and the build succeeds."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pikepdf
import pytest
from test_diagnostics import make

from pamphlet.cli import main

ESSAYS = {f"e{n}": f"---\ntitle: Essay {n}\nauthor: A\n---\n\nSome text of essay {n}.\n"
          for n in range(3)}
SPEC = 'title = "T"\nessays = ["e0", "e1", "e2"]\n\n[pdf]\nrender = "parts"\n'


@pytest.fixture
def own_cache(tmp_path, monkeypatch) -> Path:
    from pamphlet.store import usercache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(usercache, "_SALT", None)
    return tmp_path / "cache"


def damage(pdf: Path, how) -> None:
    """The cached part's PDF changed by `how`, its record's hash made to match."""
    data = how(pdf.read_bytes())
    pdf.write_bytes(data)
    record = pdf.with_suffix(".json")
    meta = json.loads(record.read_text())
    meta["sha256"] = hashlib.sha256(data).hexdigest()
    record.write_text(json.dumps(meta))


@pytest.mark.parametrize("how", [
    lambda data: data[:len(data) // 2],  # cut short
    lambda data: data.replace(b"stream", b"strxam"),  # streams unreadable
    lambda data: b"%PDF-1.7\n%%EOF\n",  # no page
], ids=["cut", "streams", "empty"])
def test_a_damaged_part_with_a_matching_hash_is_laid_out_again(tmp_path, own_cache, capsys,
                                                               how):
    from pamphlet.engine import parts

    project = make(tmp_path / "zine", SPEC, ESSAYS)
    assert main(["build", str(project)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    cached = sorted(parts.cache_folder(project / "build", "pamphlet").glob("*/*.pdf"))
    assert cached
    for pdf in cached:
        damage(pdf, how)
    for attempt in range(2):  # healed: the second build finds good entries again
        assert main(["build", "--force", str(project)]) == 0, capsys.readouterr().err
        err = capsys.readouterr().err
        assert ("O516" in err) == (attempt == 0), err
        assert "O510" not in err and "Traceback" not in err
    with pikepdf.open(project / "build" / "pamphlet.pdf") as book:
        assert len(book.pages) >= 3


def test_a_cache_that_cannot_be_made_is_skipped_with_one_warning(tmp_path, monkeypatch, capsys):
    from pamphlet.store import usercache

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache would be\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(usercache, "_SALT", None)
    project = make(tmp_path / "zine", SPEC, ESSAYS)
    assert main(["build", str(project)]) == 0, capsys.readouterr().err
    err = capsys.readouterr().err
    assert err.count("O515") == 1, err
    assert "Traceback" not in err
    assert (project / "build" / "pamphlet.pdf").is_file()
    assert blocker.read_text() == "a file where the cache would be\n"
