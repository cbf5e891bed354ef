"""The user's cache without a build: where it is, its salt, entries kept, checked and pruned,
and never a link followed (pamphlet/store/usercache.py). Fast enough for mutation testing
(bench/mutation.py store/usercache)."""

from __future__ import annotations

import errno
import json
import os
import stat
import time
from pathlib import Path

import pytest

from pamphlet.store import usercache
from pamphlet.store.usercache import Store, cache_home, sealed, secret, store_folder


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A cache of this test's own, with no salt read yet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(usercache, "_SALT", None)
    return tmp_path / "cache" / "pamphlet"


def test_the_cache_is_under_xdg_cache_home_else_in_the_home_folder(home, monkeypatch, tmp_path):
    assert cache_home() == home
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert cache_home() == tmp_path / "me" / ".cache" / "pamphlet"


def test_the_salt_is_made_once_kept_private_and_read_again(home, monkeypatch):
    salt = secret()
    assert len(salt) == 32 and secret() is salt
    path = home / "part-salt"
    assert path.read_bytes() == salt and stat.S_IMODE(path.stat().st_mode) == 0o600
    monkeypatch.setattr(usercache, "_SALT", None)  # the next process
    assert secret() == salt


def test_a_salt_of_32_bytes_is_kept_and_one_is_made_in_a_cache_that_exists(home, monkeypatch):
    home.mkdir(parents=True)  # the cache is there already (its other kinds made it)
    made = secret()
    assert (home / "part-salt").read_bytes() == made
    monkeypatch.setattr(usercache, "_SALT", None)
    (home / "part-salt").write_bytes(b"k" * 32)
    assert secret() == b"k" * 32


def test_a_short_salt_is_replaced_and_a_cache_that_cannot_hold_one_still_salts(home,
                                                                              monkeypatch):
    home.mkdir(parents=True)
    (home / "part-salt").write_bytes(b"x" * 31)
    salt = secret()
    assert len(salt) == 32 and salt != b"x" * 31
    monkeypatch.setattr(usercache, "_SALT", None)
    (home / "part-salt").unlink()
    (home / "part-salt").mkdir()  # no place to keep it: a salt for this process alone
    first = secret()
    assert len(first) == 32 and secret() is first


def test_a_salt_another_process_wrote_first_is_the_one_taken(home, monkeypatch):
    theirs = os.urandom(32)
    real = os.open

    def open_after_them(path, flags, *mode):  # they wrote it between our read and our write
        if str(path).endswith("part-salt") and flags & os.O_EXCL:
            Path(path).write_bytes(theirs)
        return real(path, flags, *mode)

    monkeypatch.setattr(usercache.os, "open", open_after_them)
    assert secret() == theirs


def test_a_folder_is_sealed_only_if_it_leads_nowhere_outside_the_cache(home, tmp_path,
                                                                         monkeypatch):
    (home / "a" / "b").mkdir(parents=True)
    (home / "a" / "inner").symlink_to(home / "a" / "b")  # a link that stays in the cache
    (tmp_path / "real").mkdir()
    (home / "a" / "link").symlink_to(tmp_path / "real")
    (home / "a" / "file").write_text("x")
    assert sealed(home / "a" / "b" / "c")  # not there yet: it leads nowhere else either
    assert sealed(home / "a" / "inner" / "c")
    assert not sealed(home / "a" / "link" / "c")
    assert not sealed(home / "a" / "file")  # not a folder
    assert not sealed(tmp_path / "elsewhere")  # outside the cache
    (tmp_path / "top").symlink_to(tmp_path / "cache", target_is_directory=True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "top"))  # the cache itself may be one
    assert sealed(tmp_path / "top" / "pamphlet" / "a" / "b")
    assert not sealed(tmp_path / "top" / "pamphlet" / "a" / "link" / "c")


def test_each_output_folder_and_spec_has_its_own_place(home, tmp_path):
    first = store_folder("parts", tmp_path / "build", "pamphlet")
    assert first.parent.parent == home / "parts" and first.name == "pamphlet"
    assert len(first.parent.name) == 24
    assert store_folder("parts", tmp_path / "x" / ".." / "build", "pamphlet") == first
    assert store_folder("parts", tmp_path / "other", "pamphlet").parent != first.parent
    assert store_folder("parts", tmp_path / "build", "packet") == first.parent / "packet"


def test_a_value_is_kept_and_found_again(home, tmp_path):
    store = Store(store_folder("parts", tmp_path, "pamphlet"))
    value = {"pages": [1, 2], "text": "é"}
    store.put("k1", value)
    assert Store(store.folder).get("k1") == value
    assert Store(store.folder).get("other") is None
    assert sorted(os.listdir(store.folder)) == ["k1.json"]


@pytest.mark.parametrize("damage", ["half", "tampered", "not json", "no sha", "a list"])
def test_a_damaged_entry_is_none(home, tmp_path, damage):
    store = Store(store_folder("parts", tmp_path, "pamphlet"))
    store.put("k", {"pages": 3})
    path = store.folder / "k.json"
    text = path.read_text()
    path.write_text({"half": text[:len(text) // 2],
                     "tampered": text.replace("3", "4", 1),
                     "not json": "\x00\x01",
                     "no sha": json.dumps({"value": {"pages": 3}}),
                     "a list": "[1, 2]"}[damage])
    assert Store(store.folder).get("k") is None


@pytest.mark.parametrize("text", ["x" * 100, "\u00e9\u4e2d" * 50])
def test_an_entry_larger_than_the_limit_is_not_read(home, tmp_path, monkeypatch, text):
    """The limit is in bytes on the disk, whatever the characters."""
    store = Store(store_folder("parts", tmp_path, "pamphlet"))
    (store.folder).mkdir(parents=True)
    (store.folder / "k.json").write_bytes(json.dumps(
        {"value": text, "sha256": usercache._sha(text)}, ensure_ascii=False).encode())
    size = (store.folder / "k.json").stat().st_size
    monkeypatch.setattr(Store, "MAX_ENTRY", size)
    assert Store(store.folder).get("k") == text
    monkeypatch.setattr(Store, "MAX_ENTRY", size - 1)
    assert Store(store.folder).get("k") is None


def test_an_entry_that_is_a_link_is_not_read(home, tmp_path):
    store = Store(store_folder("parts", tmp_path, "pamphlet"))
    store.put("real", 1)
    (store.folder / "k.json").symlink_to(store.folder / "real.json")
    assert Store(store.folder).get("k") is None


def test_a_store_reached_through_a_link_reads_writes_and_prunes_nothing(home, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "k.json").write_text(json.dumps({"value": 1, "sha256": usercache._sha(1)}))
    (home / "parts").mkdir(parents=True)
    (home / "parts" / "place").symlink_to(elsewhere, target_is_directory=True)
    store = Store(home / "parts" / "place" / "..")
    assert store.folder is None
    linked = Store(home / "parts" / "place")
    assert linked.folder is None and linked.get("k") is None
    linked.put("new", 2)
    linked.prune()
    assert sorted(os.listdir(elsewhere)) == ["k.json"]
    assert Store(None).sibling("markdown").folder is None


def test_a_folder_made_a_link_after_the_store_was_opened_is_not_written(home, tmp_path):
    folder = store_folder("parts", tmp_path, "pamphlet")
    store = Store(folder)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder.parent.mkdir(parents=True)
    folder.symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "theirs.json").write_text("not the cache's")
    store.put("k", 1)
    store.prune()
    assert os.listdir(elsewhere) == ["theirs.json"]


def test_a_read_only_cache_costs_only_time(home, tmp_path, monkeypatch):
    def read_only(self, *args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "mkdir", read_only)
    store = Store(store_folder("parts", tmp_path, "pamphlet"))
    store.put("k", 1)
    assert store.get("k") is None


def test_a_link_anywhere_below_the_cache_is_not_followed(home, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    home.mkdir(parents=True)
    (home / "parts").symlink_to(elsewhere, target_is_directory=True)
    store = Store(store_folder("parts", tmp_path, "pamphlet"))
    assert store.folder is None
    store.put("k", 1)
    assert os.listdir(elsewhere) == []


def test_a_cache_that_cannot_be_written_costs_only_time(home, tmp_path):
    folder = store_folder("parts", tmp_path, "pamphlet")
    folder.parent.mkdir(parents=True)
    folder.write_text("a file where the folder goes")
    store = Store(folder)
    store.put("k", 1)
    assert store.get("k") is None
    assert sorted(os.listdir(folder.parent)) == ["pamphlet"]


def test_a_build_keeps_what_it_used_and_prunes_the_rest(home, tmp_path):
    folder = store_folder("parts", tmp_path, "pamphlet")
    old = Store(folder)
    for key in ("a", "b", "c"):
        old.put(key, key)
    (folder / "linked.json").symlink_to(folder / "a.json")
    (folder / "sub").mkdir()
    build = Store(folder)
    assert build.get("a") == "a"
    build.put("d", "d")
    build.prune()  # an unused link is removed, and what it led to is not
    assert sorted(os.listdir(folder)) == ["a.json", "d.json", "sub"]


def test_places_not_built_for_a_month_are_removed_and_the_built_one_kept(home, tmp_path):
    folder = store_folder("parts", tmp_path / "this", "pamphlet")
    Store(folder).put("k", 1)
    month_ago = time.time() - 31 * 24 * 3600
    old = Store(store_folder("parts", tmp_path / "old", "pamphlet"))
    old.put("k", 1)
    recent = Store(store_folder("parts", tmp_path / "recent", "pamphlet"))
    recent.put("k", 1)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = folder.parent.parent / ("l" * 24)
    link.symlink_to(elsewhere, target_is_directory=True)
    for place in (old.folder.parent, folder.parent, elsewhere):
        os.utime(place, (month_ago, month_ago))
    os.utime(link, (month_ago, month_ago), follow_symlinks=False)
    build = Store(folder)
    build.get("k")
    build.prune()
    assert sorted(p.name for p in folder.parent.parent.iterdir()) == sorted(
        [folder.parent.name, recent.folder.parent.name, link.name])
    assert folder.parent.stat().st_mtime > month_ago + 24 * 3600  # touched: built today
    assert elsewhere.is_dir()


def test_a_sibling_is_the_same_output_folder_and_spec_in_another_kind(home, tmp_path):
    parts = Store(store_folder("parts", tmp_path, "pamphlet"))
    assert parts.sibling("markdown").folder == store_folder("markdown", tmp_path, "pamphlet")


@pytest.mark.parametrize("days, kept", [(29, True), (29.99, True), (30.005, False), (31, False)])
def test_a_place_is_kept_for_thirty_days_after_its_last_build(home, tmp_path, days, kept):
    folder = store_folder("parts", tmp_path / "this", "pamphlet")
    Store(folder).put("k", 1)
    other = Store(store_folder("parts", tmp_path / "other", "pamphlet"))
    other.put("k", 1)
    then = time.time() - days * 24 * 3600
    os.utime(other.folder.parent, (then, then))
    Store(folder).prune()
    assert other.folder.parent.is_dir() is kept
