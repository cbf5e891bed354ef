"""Nothing is written outside: every folder pamphlet writes into (source/, build/, build/.serve,
the site's work folder, the user's cache) goes through the path gate for writing, and a link
leading out of it is refused with a code; pruning a cache never follows a link.

Each case lists and hashes every file around the project (the test's whole folder) before and
after, so a write anywhere outside is seen, whatever the diagnostic says.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from test_diagnostics import GOOD_ESSAY, make

from pamphlet.cli import main
from pamphlet.diagnostics import PamphletError


def around(root: Path, project: Path) -> dict[str, str]:
    """Every file and link under `root` but outside `project` (links not followed): its hash,
    or where it points."""
    found = {}
    for folder, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(folder) / name
            if path.is_relative_to(project) and not path.is_symlink():
                continue
            found[str(path)] = f"-> {os.readlink(path)}" if path.is_symlink() else \
                hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
    return found


@pytest.fixture
def linked(tmp_path):
    """A project whose `source/` is a link to a folder outside it, that folder's listing, and
    the project's root."""
    outside = tmp_path / "home"
    outside.mkdir()
    (outside / "diary.md").write_text("mine\n")
    project = tmp_path / "zine"
    project.mkdir()
    (project / "pamphlet.toml").write_text('title = "T"\n')
    (project / "source").symlink_to(outside)
    return tmp_path, project


def test_new_refuses_a_source_folder_leading_out(linked, capsys):
    root, project = linked
    before = around(root, project)
    assert main(["new", "A Title", "--project", str(project)]) != 0
    err = capsys.readouterr().err
    assert "N821" in err and "Traceback" not in err
    assert around(root, project) == before


def test_import_refuses_a_source_folder_leading_out(linked, capsys):
    root, project = linked
    page = root / "post.md"
    page.write_text("---\ntitle: Post\n---\n\nText.\n")
    before = around(root, project)
    assert main(["import", str(page), "--project", str(project)]) != 0
    err = capsys.readouterr().err
    assert "N821" in err and "Traceback" not in err
    assert around(root, project) == before


def test_init_refuses_a_layouts_folder_leading_out(tmp_path, capsys):
    outside = tmp_path / "home"
    outside.mkdir()
    project = tmp_path / "zine"
    project.mkdir()
    (project / "layouts").symlink_to(outside)
    before = around(tmp_path, project)
    assert main(["init", str(project)]) != 0
    err = capsys.readouterr().err
    assert "N821" in err and "Traceback" not in err
    assert around(tmp_path, project) == before


def test_new_and_import_still_write_into_a_folder_of_the_project(tmp_path, capsys):
    project = make(tmp_path / "zine")
    assert main(["new", "A Title", "--project", str(project)]) == 0
    page = tmp_path / "post.md"
    page.write_text("---\ntitle: Post\n---\n\nText.\n")
    assert main(["import", str(page), "--project", str(project)]) == 0
    assert {p.name for p in (project / "source").iterdir()} >= {"a-title.md", "post.md"}


@pytest.mark.parametrize("link", ["build", "build/.serve", "build/.serve/drafts"])
def test_a_bookbuilder_draft_is_never_written_outside(tmp_path, link):
    from pamphlet.serve.app import _target

    outside = tmp_path / "home"
    outside.mkdir()
    project = make(tmp_path / "zine")
    (project / link).parent.mkdir(parents=True, exist_ok=True)
    (project / link).symlink_to(outside)
    before = around(tmp_path, project)
    with pytest.raises(PamphletError) as raised:
        _target(project, "", "draft.toml", 'title = "Draft"\nessays = ["one"]\n')
    assert {d.code for d in raised.value.diagnostics} & {"O512", "S906"}
    assert around(tmp_path, project) == before


def test_the_site_work_folder_is_never_outside(tmp_path):
    from pamphlet.site.shard import default_work

    outside = tmp_path / "home"
    outside.mkdir()
    project = make(tmp_path / "zine")
    (project / "build").mkdir()
    (project / "build" / ".site-work").symlink_to(outside)
    with pytest.raises(PamphletError) as raised:
        default_work(project)
    assert [d.code for d in raised.value.diagnostics] == ["T105"]


def in_parts(project: Path) -> Path:
    spec = project / "pamphlet.toml"
    spec.write_text(spec.read_text() + '\n[pdf]\nrender = "parts"\n')
    return project


@pytest.mark.parametrize("kind", ["parts", "markup"])
def test_a_cache_folder_that_is_a_link_is_neither_written_nor_pruned(tmp_path, monkeypatch,
                                                                    capsys, kind):
    """The user's cache's `parts/` (or `markup/`) is a link to another folder, which holds an
    old folder a prune would remove: the build writes nothing there and removes nothing."""
    from pamphlet.store import usercache

    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setattr(usercache, "_SALT", None)
    outside = tmp_path / "home"
    (outside / "old-photos").mkdir(parents=True)
    (outside / "old-photos" / "1999.jpg").write_bytes(b"precious")
    month_ago = time.time() - 60 * 24 * 3600
    os.utime(outside / "old-photos", (month_ago, month_ago))
    (cache / "pamphlet").mkdir(parents=True)
    (cache / "pamphlet" / kind).symlink_to(outside)
    project = in_parts(make(tmp_path / "zine", essays={"one": GOOD_ESSAY}))
    before = around(tmp_path, project)
    for _ in range(2):
        assert main(["build", str(project)]) == 0, capsys.readouterr().err
    after = around(tmp_path, project)
    assert {k: v for k, v in after.items() if not k.startswith(str(cache))} == \
        {k: v for k, v in before.items() if not k.startswith(str(cache))}
    assert (outside / "old-photos" / "1999.jpg").read_bytes() == b"precious"
