"""Hostile input to the markup importers: links and embeds that lead out of a vault, notes
that embed each other, outlines and lists nested thousands deep, includes of system files,
and for every parser input made to backtrack, whose time must double (not square) when its
size doubles. Diagnostics, never a traceback; nothing read or written outside."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pamphlet.diagnostics import Diagnostics
from pamphlet.importers import read_drafts
from pamphlet.importers.draft import Run
from test_import_sites import png
from test_import_wxr import run_import


def files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_links_and_embeds_never_leave_the_vault(tmp_path, capsys):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "key.png").write_bytes(png())
    (secret / "diary.md").write_text("The diary's words.\n")
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / ".obsidian" / "app.json").write_text('{"attachmentFolderPath": "../secret"}')
    (vault / "notes").mkdir()
    os.symlink(secret / "key.png", vault / "notes" / "linked.png")
    os.symlink(secret / "diary.md", vault / "notes" / "linked.md")
    (vault / "notes" / "Note.md").write_text(
        "Text.\n\n![[../../secret/key.png]]\n\n![alt](../../secret/key.png)\n\n"
        "![[key.png]]\n\n![[linked.png]]\n\n![[../../secret/diary]]\n\n![[linked]]\n\n"
        "[[../../secret/diary]] and [[/etc/passwd]] and ![[/etc/passwd]]\n")
    before = files(tmp_path)
    status, essays, err = run_import(tmp_path, capsys, vault / "notes" / "Note.md")
    body = essays["note"].body
    assert "diary's words" not in body
    assert not (tmp_path / "project" / "source" / "note").exists()  # no image was copied
    assert "N815" in err or "N818" in err
    assert "N876" in err and "N875" in err
    written = files(tmp_path) - before
    assert all(p.is_relative_to(tmp_path / "project" / "source") for p in written)


def test_notes_that_embed_each_other_are_inlined_once(tmp_path, capsys):
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "A.md").write_text("Alpha.\n\n![[B]]\n")
    (vault / "B.md").write_text("Beta.\n\n![[A]]\n\n" + "![[C]]\n\n" * 30)
    (vault / "C.md").write_text("Gamma.\n\n" + "![[D]]\n\n" * 30)
    (vault / "D.md").write_text("Delta.\n")
    status, essays, err = run_import(tmp_path, capsys, vault / "A.md")
    body = essays["a"].body
    assert body.count("Alpha.") == 1 and body.count("Beta.") == 1
    assert body.count("Delta.") <= 200
    assert "N876 warning: the note A embeds itself" in err


@pytest.mark.parametrize("name, text", [
    ("deep.md", "- x\n" + "".join("\t" * n + "- level\n" for n in range(1, 3000))),
    ("deep-callouts.md", "".join("> " * n + "[!note] deep\n" for n in range(1, 400))),
    ("deep.rst", "Title\n=====\n\n" + "".join("  " * n + "- item\n\n" for n in range(800))),
    ("deep.org", "#+TITLE: Deep\n\n" + "".join("  " * n + "- item\n" for n in range(800))),
    ("deep.adoc", "= Deep\n\n" + "".join("*" * n + " item\n" for n in range(1, 800))),
    ("deep.mdx", "---\ntitle: Deep\n---\n\n" + "<Callout>\n" * 500 + "text\n"),
])
def test_deep_nesting_gives_an_essay_or_a_diagnostic(tmp_path, capsys, name, text):
    source = tmp_path / "in" / name
    source.parent.mkdir()
    source.write_text(text if not name == "deep.md" else "title:: Deep\n\n" + text)
    status, essays, err = run_import(tmp_path, capsys, source)
    assert essays or "N870" in err


@pytest.mark.parametrize("name, text", [
    ("inc.rst", "Title\n=====\n\n.. include:: /etc/passwd\n\n.. literalinclude:: /etc/hostname\n"),
    ("inc.org", "#+TITLE: T\n#+INCLUDE: \"/etc/passwd\"\n#+SETUPFILE: /etc/hostname\n\nText.\n"),
    ("inc.adoc", "= T\n\ninclude::/etc/passwd[]\n\nText.\n"),
])
def test_includes_are_never_followed(tmp_path, capsys, name, text):
    source = tmp_path / name
    source.write_text(text)
    status, essays, err = run_import(tmp_path, capsys, source)
    assert "N872" in err
    assert all("root:" not in essay.body for essay in essays.values())


def parse_seconds(name: str, text: str, tmp_path: Path) -> float:
    """The least of three times the importer takes over `text` (pandoc's start left out by
    the size: a document format's work beside pandoc is what is timed)."""
    path = tmp_path / name
    path.write_text(text)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        read_drafts(path, Diagnostics(), run=Run(Diagnostics()))
        best = min(best, time.perf_counter() - started)
    return best


# Input shaped to make a regular expression or a scan go back over what it read.
PATHOLOGICAL = {
    "wikilinks.md": "---\ntitle: x\n---\n\n" + "[[a|" * 2000 + "![[b#" * 2000 + "%%" + "==a " * 2000,
    "notes.md": "---\ntitle: x\n---\n\n" + "^[" * 4000 + "[^a]" * 2000 + ":::" + "\n::: {.x\n" * 500,
    "logseq.md": "title:: x\n\n" + "- [[a ((b {{c #[[d\n" * 2000 + "\t" * 200 + "- x\n",
    "post.mdx": "---\ntitle: x\n---\n\n" + "<A b=\"" * 1000 + "{/*" * 1000 + "<B {" * 1000 + "\n",
    "post.org": "#+TITLE: x\n\n" + "".join(f"[fn:{n}] note\n" for n in range(200)) + "=a" * 200,
    "post.rst": "T\n=\n\n" + ":a: b\n" * 100 + "\n" + ".. post:: x\n" * 50 + ":x:`y` " * 100,
    "post.adoc": "= T\n\n" + "a::b[c\n" * 200 + "----\n" + "ifdef::x[]\n" * 100,
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_time_doubles_when_the_input_doubles(tmp_path, name):
    """Each parser is linear: twice the input takes about twice as long, not four times."""
    text = PATHOLOGICAL[name]
    head, _, body = text.partition("\n\n")
    once = parse_seconds(name, text, tmp_path)
    twice = parse_seconds(name, head + "\n\n" + body * 2, tmp_path)
    four = parse_seconds(name, head + "\n\n" + body * 4, tmp_path)
    # pandoc's own start is a constant; a quadratic parser takes 16 times as long at 4x
    assert four < 6 * once + 0.5, (once, twice, four)
