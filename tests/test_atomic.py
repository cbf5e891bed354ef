"""All-or-nothing outputs, without a build: a file replaced whole or not at all, outputs moved
together or put back, and only a killed build's leftovers cleared (pamphlet/store/atomic.py).
Fast enough for mutation testing (bench/mutation.py store/atomic); tests/test_outputs.py has
the same promises through whole builds."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import threading

import pytest

from pamphlet.diagnostics import PamphletError
from pamphlet.store import atomic
from pamphlet.store.atomic import (Stage, atomic_output, check_free, clean_leftovers, locked,
                                   staging, write_error)


def code(error: PamphletError) -> tuple[str, str, str]:
    """(code, message, path) of the one diagnostic an error carries."""
    [diagnostic] = error.diagnostics
    return diagnostic.code, diagnostic.message, str(diagnostic.path)


# -- one file ----------------------------------------------------------------------------------

def test_an_output_replaces_the_old_whole_and_everyone_may_read_it(tmp_path):
    target = tmp_path / "out" / "book.pdf"
    with atomic_output(target) as temporary:
        assert temporary.parent == target.parent and temporary != target
        assert temporary.name.startswith(".book.pdf.") and temporary.name.endswith(".part")
        temporary.write_bytes(b"new")
        assert not target.exists()  # nothing there until the output is whole
    assert target.read_bytes() == b"new"
    # mkstemp makes a private file; an output is for reading, by others too, not for writing
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert os.listdir(target.parent) == ["book.pdf"]


def test_a_failure_while_writing_leaves_the_old_output_and_no_scratch(tmp_path):
    target = tmp_path / "book.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_output(target) as temporary:
        temporary.write_bytes(b"half")
        raise RuntimeError("the renderer died")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["book.pdf"]


def test_an_output_folder_that_cannot_be_made_is_o502_naming_it(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(PamphletError) as raised, atomic_output(tmp_path / "file" / "book.pdf"):
        pass
    assert code(raised.value)[0] == "O502" and code(raised.value)[2] == str(tmp_path / "file")


def test_an_output_that_cannot_be_moved_into_place_is_a_diagnostic(tmp_path):
    (tmp_path / "book.pdf").mkdir()
    with pytest.raises(PamphletError) as raised, atomic_output(tmp_path / "book.pdf") as part:
        part.write_bytes(b"new")
    assert code(raised.value)[0] in ("O506", "O502", "O509")
    assert os.listdir(tmp_path) == ["book.pdf"] and (tmp_path / "book.pdf").is_dir()


# -- what an OSError is called -----------------------------------------------------------------

@pytest.mark.parametrize("number, expected", [
    (errno.ENOSPC, "O505"), (errno.EDQUOT, "O505"), (errno.EFBIG, "O505"),
    (errno.EACCES, "O502"), (errno.EPERM, "O502"), (errno.EROFS, "O502"),
    (errno.ENOTDIR, "O502"), (errno.EEXIST, "O502"), (errno.EISDIR, "O506"),
    (errno.EIO, "O509"), (errno.ENAMETOOLONG, "O509")])
def test_each_write_error_has_its_own_code(tmp_path, number, expected):
    error = OSError(number, os.strerror(number))
    assert code(write_error(error, tmp_path))[0] == expected


def test_a_write_error_names_the_output_folder_and_the_output_not_our_scratch(tmp_path):
    scratch = tmp_path / ".pamphlet-scratch-abcd1234"
    error = OSError(errno.EIO, "Input/output error", str(scratch / ".book.pdf.k2j4h5g6.part"))
    found, message, path = code(write_error(error, scratch))
    assert (found, path) == ("O509", str(tmp_path))
    assert message.endswith("Input/output error (book.pdf)")
    assert "scratch" not in message and ".part" not in message
    # a folder that only starts like our scratch is the user's, and is named as it is
    theirs = tmp_path / "pamphlet-scratch-abcd1234"
    assert code(write_error(OSError(errno.EACCES, "denied"), theirs))[2] == str(theirs)


FULL = ("free some space (the old outputs are kept until the new ones are complete, so a "
        "build needs room for both), or build elsewhere with --out")
REFUSED = "make the folder writable, or choose another output folder with --out"
OTHER = "check the output folder and its file system, or build elsewhere with --out"


def test_each_write_error_says_what_happened_where_and_what_to_do(tmp_path):
    """The whole diagnostic, as the user reads it: message, the output folder, the hint."""
    def shown(error: OSError) -> tuple:
        [d] = write_error(error, tmp_path).diagnostics
        return d.code, d.message, d.path, d.hint

    assert shown(OSError(errno.ENOSPC, "No space left on device")) == (
        "O505", f"the disk is full: cannot write to {tmp_path} (No space left on device)",
        tmp_path, FULL)
    assert shown(OSError(errno.EACCES, "Permission denied")) == (
        "O502", f"cannot write to {tmp_path}: Permission denied", tmp_path, REFUSED)
    assert shown(OSError(errno.ENOTDIR, "Not a directory")) == (
        "O502", f"cannot write to {tmp_path}: it is not a folder", tmp_path, REFUSED)
    assert shown(OSError(errno.EISDIR, "Is a directory")) == (
        "O506", f"{tmp_path} is in the way: it is not a file, so the output cannot replace it",
        tmp_path, "move it away, or build elsewhere with --out")
    assert shown(OSError(errno.EIO, "Input/output error")) == (
        "O509", f"an output could not be made in {tmp_path}: Input/output error", tmp_path,
        OTHER)
    # an error without an errno or a message of its own is still said in words
    assert shown(OSError("the device went away"))[:2] == (
        "O509", f"an output could not be made in {tmp_path}: the device went away")


# -- what stands where an output goes ----------------------------------------------------------

def test_only_a_file_or_a_link_may_stand_where_an_output_goes(tmp_path):
    (tmp_path / "file.pdf").write_text("old")
    (tmp_path / "link.pdf").symlink_to(tmp_path / "nowhere")
    (tmp_path / "folder.pdf").mkdir()
    os.mkfifo(tmp_path / "pipe.pdf")
    check_free(tmp_path, ["file.pdf", "link.pdf", "absent.pdf"])
    for name in ("folder.pdf", "pipe.pdf"):
        with pytest.raises(PamphletError) as raised:  # whatever comes before it
            check_free(tmp_path, ["absent.pdf", "file.pdf", name])
        assert code(raised.value)[0] == "O506" and code(raised.value)[2] == str(tmp_path / name)


def test_for_our_own_record_only_a_folder_is_in_the_way(tmp_path):
    os.mkfifo(tmp_path / "record.json")
    check_free(tmp_path, ["record.json"], ours=True)
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(PamphletError):
        check_free(tmp_path, ["folder.json"], ours=True)


# -- every output at once ----------------------------------------------------------------------

def staged(stage: Stage, **files: str) -> list[str]:
    for name, text in files.items():
        (stage.scratch / name.replace("_", ".")).write_text(text)
    return [name.replace("_", ".") for name in files]


def test_a_commit_moves_every_output_and_then_the_record_the_scratch_goes(tmp_path):
    out = tmp_path / "build"
    (out).mkdir()
    (out / "a.pdf").write_text("old a")
    seen = []

    def record(scratch):  # runs under the lock, after the outputs are staged
        seen.append(sorted(os.listdir(scratch)))
        (scratch / "record.json").write_text("{}")
        return "record.json"

    with staging(out) as stage:
        assert stage.scratch.parent == out and stage.scratch.name.startswith(".pamphlet-scratch-")
        names = staged(stage, a_pdf="new a", b_epub="new b")
        assert stage.commit(names, record) == [out / "a.pdf", out / "b.epub"]
    assert seen == [["a.pdf", "b.epub"]]
    assert sorted(os.listdir(out)) == ["a.pdf", "b.epub", "record.json"]
    assert (out / "a.pdf").read_text() == "new a" and (out / "b.epub").read_text() == "new b"


def test_a_commit_that_fails_part_way_puts_back_what_it_had_moved(tmp_path, monkeypatch):
    out = tmp_path / "build"
    out.mkdir()
    (out / "a.pdf").write_text("old a")
    (out / "c.pdf").write_text("old c")
    real = os.replace

    def replace(source, target):
        if str(target).endswith("c.pdf") and ".pamphlet-scratch-" in str(source):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(source, target)

    with staging(out) as stage:
        names = staged(stage, a_pdf="new a", b_epub="new b", c_pdf="new c")
        monkeypatch.setattr(atomic.os, "replace", replace)
        with pytest.raises(PamphletError) as raised:
            stage.commit(names)
        monkeypatch.undo()
    assert code(raised.value)[0] == "O505"
    assert sorted(os.listdir(out)) == ["a.pdf", "c.pdf"]  # b.epub, new, is taken away again
    assert (out / "a.pdf").read_text() == "old a" and (out / "c.pdf").read_text() == "old c"


def test_a_commit_over_a_folder_moves_nothing(tmp_path):
    out = tmp_path / "build"
    (out / "b.epub").mkdir(parents=True)
    with staging(out) as stage:
        names = staged(stage, a_pdf="new a", b_epub="new b")
        with pytest.raises(PamphletError) as raised:
            stage.commit(names)
    assert code(raised.value)[0] == "O506"
    assert os.listdir(out) == ["b.epub"]


def test_the_scratch_is_removed_whatever_happens(tmp_path):
    out = tmp_path / "build"
    with pytest.raises(RuntimeError), staging(out) as stage:
        staged(stage, a_pdf="half")
        raise RuntimeError("the build failed")
    assert os.listdir(out) == []


def test_an_output_folder_that_cannot_be_made_stops_the_staging(tmp_path):
    (tmp_path / "build").write_text("a file")
    with pytest.raises(PamphletError) as raised, staging(tmp_path / "build"):
        pass
    assert code(raised.value)[:1] == ("O502",)


# -- a killed build's leftovers ----------------------------------------------------------------

LEFTOVERS = [".pamphlet-scratch-ab12cd34", ".pamphlet-x9y8z7w6", ".book.pdf.ab12cd_4.part",
             ".book.epub.ab12cd34.ebooklib", ".pamphlet-cache.json.1234.part"]
THEIRS = ["book.pdf", ".pamphlet-scratch-ab12cd34-mine", "x.pamphlet-scratch-ab12cd34",
          ".pamphlet-scratch-AB12CD34", ".pamphlet-scratch-ab12cd3", ".book.pdf.ab12cd34.part~",
          ".book.txt.ab12cd34.part", ".pamphlet-cache.json.12a.part", ".pamphlet-notes",
          "pamphlet-scratch-ab12cd34"]


@pytest.mark.parametrize("folder", [True, False])
def test_only_names_a_build_makes_are_cleared(tmp_path, folder):
    for name in LEFTOVERS + THEIRS:
        if folder:
            (tmp_path / name).mkdir()
            (tmp_path / name / "inside.txt").write_text("x")
        else:
            (tmp_path / name).write_text("x")
    clean_leftovers(tmp_path)
    assert sorted(os.listdir(tmp_path)) == sorted(THEIRS)


def test_a_link_named_like_a_leftover_is_removed_not_what_it_leads_to(tmp_path):
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "essay.md").write_text("mine")
    out = tmp_path / "build"
    out.mkdir()
    (out / ".pamphlet-scratch-ab12cd34").symlink_to(kept)
    (out / ".pamphlet-ab12cd34").symlink_to(kept)
    clean_leftovers(out)
    assert os.listdir(out) == [] and (kept / "essay.md").read_text() == "mine"


def test_a_live_builds_scratch_is_left_and_a_dead_ones_cleared(tmp_path):
    out = tmp_path / "build"
    with staging(out) as live:
        (live.scratch / "a.pdf").write_text("being made")
        dead = out / ".pamphlet-scratch-deadbeef"
        dead.mkdir()
        with staging(out) as other:  # a second build starting beside the first
            assert sorted(os.listdir(out)) == sorted([live.scratch.name, other.scratch.name])
            clean_leftovers(out)
            assert (live.scratch / "a.pdf").read_text() == "being made"
    assert os.listdir(out) == []


def test_leftovers_in_a_folder_that_is_not_there_are_no_error(tmp_path):
    clean_leftovers(tmp_path / "absent")
    with staging(tmp_path / "made") as stage:
        assert stage.scratch.is_dir()


# -- one commit at a time ----------------------------------------------------------------------

def test_a_folder_is_locked_against_another_process_until_released(tmp_path):
    """flock is per open file: the lock is seen from another process, as a parallel build."""
    probe = ("import fcntl, os, sys\n"
             "h = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)\n"
             "try:\n    fcntl.flock(h, fcntl.LOCK_EX | fcntl.LOCK_NB)\n    print('free')\n"
             "except OSError:\n    print('held')\n")

    def state() -> str:
        return subprocess.run([sys.executable, "-c", probe, str(tmp_path)], capture_output=True,
                              text=True, check=True).stdout.strip()

    with locked(tmp_path):
        assert state() == "held"
    assert state() == "free"


def test_a_scratch_folder_is_locked_while_its_build_runs(tmp_path):
    with staging(tmp_path) as stage:
        with pytest.raises(OSError):
            atomic._unlock(atomic._lock(stage.scratch, wait=False))
    handle = atomic._lock(tmp_path, wait=False)
    atomic._unlock(handle)


def test_clearing_waits_for_a_commit_in_progress(tmp_path):
    """Leftovers are cleared under the folder's lock, so never from under a commit."""
    (tmp_path / ".pamphlet-ab12cd34").mkdir()
    hold = ("import fcntl, os, sys\nh = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)\n"
            "fcntl.flock(h, fcntl.LOCK_EX)\nprint('locked', flush=True)\nsys.stdin.read()\n")
    done = threading.Event()
    worker = threading.Thread(target=lambda: (clean_leftovers(tmp_path), done.set()))
    with subprocess.Popen([sys.executable, "-c", hold, str(tmp_path)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout.readline().strip() == "locked"
        worker.start()
        # However long this waits, nothing may be cleared while the lock is held.
        assert not done.wait(0.3) and (tmp_path / ".pamphlet-ab12cd34").exists()
        holder.stdin.close()
    worker.join(60)
    assert done.is_set() and os.listdir(tmp_path) == []


def test_a_pipe_where_the_record_goes_is_replaced_but_one_where_an_output_goes_stops_all(
        tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    os.mkfifo(out / "record.json")

    def record(scratch):
        (scratch / "record.json").write_text("{}")
        return "record.json"

    with staging(out) as stage:
        stage.commit(staged(stage, a_pdf="new a"), record)
    assert (out / "record.json").read_text() == "{}" and (out / "a.pdf").is_file()
    os.mkfifo(out / "b.pdf")
    with staging(out) as stage, pytest.raises(PamphletError):
        stage.commit(staged(stage, a_pdf="newer a", b_pdf="new b"), record)
    assert (out / "a.pdf").read_text() == "new a"


def failing_move(monkeypatch, name: str, put_back_fails: bool = False) -> None:
    """os.replace fails for the output `name` (and, if `put_back_fails`, for putting back)."""
    real = os.replace

    def replace(source, target):
        if ".pamphlet-scratch-" in str(source) and (
                str(target).endswith(name) or put_back_fails and ".old-" in str(source)):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(source, target)

    monkeypatch.setattr(atomic.os, "replace", replace)


def no_hard_links(*args, **kwargs):
    """os.link on a file system without hard links (FAT, some network shares)."""
    raise OSError(errno.EPERM, "Operation not permitted")


@pytest.mark.parametrize("hard_links", [True, False])
def test_an_output_that_is_a_link_is_put_back_as_the_link_it_was(tmp_path, monkeypatch,
                                                                 hard_links):
    """The user's link stays a link, to the same file, whether the file system has hard
    links (the old output kept by a second link) or not (by a copy)."""
    mine = tmp_path / "mine.pdf"
    mine.write_text("the user's own")
    out = tmp_path / "build"
    out.mkdir()
    (out / "a.pdf").symlink_to(mine)
    (out / "c.pdf").write_text("old c")
    if not hard_links:
        monkeypatch.setattr(atomic.os, "link", no_hard_links)
    with staging(out) as stage:
        names = staged(stage, a_pdf="new a", c_pdf="new c")
        failing_move(monkeypatch, "c.pdf")
        with pytest.raises(PamphletError):
            stage.commit(names)
        monkeypatch.undo()
    assert os.readlink(out / "a.pdf") == str(mine)
    assert mine.read_text() == "the user's own" and (out / "c.pdf").read_text() == "old c"


def test_without_hard_links_the_old_outputs_are_copied_and_put_back(tmp_path, monkeypatch):
    out = tmp_path / "build"
    out.mkdir()
    (out / "a.pdf").write_text("old a")
    (out / "c.pdf").write_text("old c")
    with staging(out) as stage:
        names = staged(stage, a_pdf="new a", c_pdf="new c")
        monkeypatch.setattr(atomic.os, "link", no_hard_links)
        failing_move(monkeypatch, "c.pdf")
        with pytest.raises(PamphletError) as raised:
            stage.commit(names)
        monkeypatch.undo()
    assert code(raised.value)[0] == "O505"
    assert (out / "a.pdf").read_text() == "old a" and (out / "c.pdf").read_text() == "old c"


def test_a_put_back_that_fails_too_still_reports_the_first_failure(tmp_path, monkeypatch):
    out = tmp_path / "build"
    out.mkdir()
    (out / "a.pdf").write_text("old a")
    with staging(out) as stage:
        names = staged(stage, a_pdf="new a", b_epub="new b", c_pdf="new c")
        failing_move(monkeypatch, "c.pdf", put_back_fails=True)
        with pytest.raises(PamphletError) as raised:
            stage.commit(names)
        monkeypatch.undo()
    assert code(raised.value)[0] == "O505"
    assert sorted(os.listdir(out)) == ["a.pdf"]  # b.epub, new, taken away again


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_clearing_a_dead_builds_scratch_keeps_no_folder_open(tmp_path):
    for n in range(5):
        (tmp_path / f".pamphlet-scratch-dead000{n}").mkdir()
    before = open_descriptors()
    clean_leftovers(tmp_path)
    assert os.listdir(tmp_path) == [] and open_descriptors() == before


def test_a_linked_output_folder_is_locked_through_the_link_but_a_scratch_never_is(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "build").symlink_to(real)
    with locked(tmp_path / "build"):  # a build folder may be a link (tests/test_outputs.py)
        pass
    with staging(tmp_path / "build") as stage:
        assert stage.scratch.parent == tmp_path / "build"
    (tmp_path / "scratch-link").symlink_to(real)
    with pytest.raises(OSError):  # a name a killed build left is never followed elsewhere
        atomic._lock(tmp_path / "scratch-link", wait=False, follow=False)
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError), locked(tmp_path / "file"):
        pass
