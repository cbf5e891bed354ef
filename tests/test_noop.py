"""Nothing to do costs nothing: an up-to-date build imports no layout engine, and `list`
reads each unchanged essay's row from the user's cache (issue 29; the times are in
bench/bench_noop.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import copy_project

from pamphlet.cli import main
from pamphlet.diagnostics import Diagnostics
from pamphlet.project import listing
from pamphlet.project.listing import listed_essays

HEAVY = ("weasyprint", "ebooklib", "starlette", "lxml", "markdown", "nh3", "PIL", "pypdf",
         "pikepdf")


def modules_after(arguments: list[str]) -> tuple[int, str, list[str]]:
    """(exit status, output, top-level modules loaded) of `pamphlet ARGUMENTS` run in a
    new process."""
    code = ("import json, sys\nfrom pamphlet.cli import main\n"
            f"status = main({arguments!r})\n"
            "print(json.dumps([status, sorted({m.split('.')[0] for m in sys.modules})]))")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    status, modules = json.loads(ran.stdout.strip().splitlines()[-1])
    return status, ran.stdout, modules


def test_an_up_to_date_build_imports_no_layout_engine(tmp_path, capsys):
    project = copy_project("library", tmp_path)
    assert main(["build", str(project), "--jobs", "1"]) == 0
    status, out, modules = modules_after(["build", str(project)])
    assert status == 0 and out.count("up to date") == 4
    assert [name for name in HEAVY if name in modules] == []


def test_list_parses_an_essay_again_only_when_its_bytes_change(tmp_path, monkeypatch):
    project = copy_project("library", tmp_path)
    first = listed_essays(project, Diagnostics())
    parsed = []
    real = listing._read
    monkeypatch.setattr(listing, "_read", lambda path: parsed.append(path.stem) or real(path))
    again = Diagnostics()
    assert listed_essays(project, again) == first and parsed == []
    essay = sorted((project / "source").glob("*.md"))[0]
    essay.write_text(re.sub(r"(?m)^title: .*$", "title: A New Title", essay.read_text(), 1)
                     + "\nfour more words here\n")
    changed = listed_essays(project, Diagnostics())
    assert parsed == [essay.stem]
    row = next(row for row in changed if row.slug == essay.stem)
    before = next(row for row in first if row.slug == essay.stem)
    assert row.title == "A New Title" and row.words == before.words + 4


def test_what_reading_an_essay_said_is_said_again_from_the_cache(tmp_path):
    project = copy_project("library", tmp_path)
    (project / "source" / "typo.md").write_text("---\ntitle: Typo\nathor: Someone\n---\n\nText.\n")
    said = [Diagnostics(), Diagnostics()]
    rows = [listed_essays(project, found) for found in said]
    assert rows[0] == rows[1]
    assert [(d.code, d.line) for d in said[0] if d.path.name == "typo.md"] == [("E207", 3)]
    assert [d.format() for d in said[0]] == [d.format() for d in said[1]]


def test_a_damaged_cache_is_read_as_none(tmp_path):
    project = copy_project("library", tmp_path)
    first = listed_essays(project, Diagnostics())
    for entry in listing.Store(listing.store_folder("listing", project, "source")).folder.glob("*"):
        entry.write_text(json.dumps({"value": {"x": {"row": {"slug": 1}, "said": []}},
                                     "sha256": "0"}))
    assert listed_essays(project, Diagnostics()) == first
