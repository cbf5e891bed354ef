"""Outputs are all-or-nothing and never collide: whatever fails, wherever and however, the
previous outputs stay byte-identical, nothing is left behind, nothing is written outside the
project and its output folder, and the user reads a code, never a traceback."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_diagnostics import GOOD_ESSAY, essay_with, make

import pamphlet.build.pipeline
import pamphlet.outputs.epub
import pamphlet.outputs.grayscale
import pamphlet.outputs.impose
from pamphlet.build import cache
from pamphlet.cli import main

PRINT_SPEC = ('title = "T"\nessays = ["one"]\n\n[print]\n'
              'variants = ["read", "print", "print-bw"]\ninstructions = false\n')
PRINT_OUTPUTS = ["pamphlet.pdf", "pamphlet-print.pdf", "pamphlet-print-bw.pdf", "pamphlet.epub"]
CHANGED = essay_with("Changed text, so that a new build would change every output.")
CODE = Path(pamphlet.__file__).parent.parent  # the code under test, for a child process


def hashes(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, str]:
    """Every file and folder under `root` (hidden ones too), what each holds, links by target."""
    found = {}
    for path in sorted(root.rglob("*")):
        if any(path == s or s in path.parents for s in skip):
            continue
        if path.is_symlink():
            found[str(path.relative_to(root))] = "link:" + os.readlink(path)
        elif path.is_file():
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[str(path.relative_to(root))] = "folder" if path.is_dir() else "special"
    return found


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """Two small projects built once each: "plain" (PDF and EPUB) and "print" (all four)."""
    root = tmp_path_factory.mktemp("templates")
    made = {}
    for name, spec in (("plain", None), ("print", PRINT_SPEC)):
        project = make(root / name, *(spec,) if spec else ())
        assert main(["build", str(project)]) == 0
        made[name] = project
    return made


@dataclass
class Scene:
    """A copy of a built project, its essay changed, with everything noted before the run."""

    root: Path
    project: Path
    out: Path
    outputs: dict
    sources: dict
    elsewhere: dict

    def run(self, capsys, *extra: str) -> tuple[int, str, str]:
        status = main(["build", str(self.project), *extra])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return status, out, err

    def note(self) -> None:
        """Take the snapshot again (after the test itself changed something)."""
        self.outputs = hashes(self.out)
        self.sources = hashes(self.project, (self.out,))
        self.elsewhere = hashes(self.root, (self.project, self.out))

    def assert_kept(self) -> None:
        """The old outputs byte-identical, sources and the world outside untouched, no debris."""
        assert hashes(self.out) == self.outputs
        assert hashes(self.project, (self.out,)) == self.sources
        assert hashes(self.root, (self.project, self.out)) == self.elsewhere

    def assert_remade(self) -> None:
        assert hashes(self.project, (self.out,)) == self.sources
        assert hashes(self.root, (self.project, self.out)) == self.elsewhere
        assert not [p for p in self.out.iterdir() if p.name.startswith(".pamphlet-")
                    and p.name != cache.RECORD or p.name.endswith(".part")]


def scene(templates, tmp_path: Path, kind: str = "plain", out: Path | None = None) -> Scene:
    project = tmp_path / "project"
    shutil.copytree(templates[kind], project, symlinks=True)
    if out is not None:
        shutil.copytree(project / "build", out, dirs_exist_ok=True)
    (project / "source" / "one.md").write_text(CHANGED)
    (tmp_path / "marker-outside.txt").write_text("nothing may touch this")
    out = out or project / "build"
    return Scene(tmp_path, project, out, hashes(out), hashes(project, (out,)),
                 hashes(tmp_path, (project, out)))


def rendered(case: Scene, how: str) -> None:
    """The scene's spec lays its reading PDF out `how` ([pdf] render: "whole", or "parts",
    which a book this short would not be laid out in by itself)."""
    spec = case.project / "pamphlet.toml"
    text = re.sub(r'(?m)^render = "\w+"\n', "", spec.read_text())
    spec.write_text(text.replace("\n[pdf]", f'\n[pdf]\nrender = "{how}"', 1) if "\n[pdf]" in text
                    else text + f'\n[pdf]\nrender = "{how}"\n')
    case.note()


def fail_after(real, error: BaseException):
    """`real`, which does its work (writing its file), and then fails: a late failure."""
    def late(*args, **kwargs):
        real(*args, **kwargs)
        raise error
    return late


# 1. A failure at any stage, of any kind, changes none of the outputs.

STAGES = {
    "reading pdf": (pamphlet.build.pipeline, "write_parts"),
    "reading pdf, whole": (pamphlet.build.pipeline, "save_pdf"),
    "imposition": (pamphlet.outputs.impose, "impose_pdf"),  # (imported where it is used)
    "grayscale": (pamphlet.outputs.grayscale, "grayscale_pdf"),
    "epub": (pamphlet.outputs.epub, "write_epub"),
    "cache record": (cache, "stage_record"),
}
FAILURES = {"io error": (OSError(errno.EIO, "Input/output error"), "O509"),
            "crash": (RuntimeError("an unexpected bug"), "O510")}


@pytest.mark.parametrize("stage, failure", [
    *((stage, "io error") for stage in STAGES),
    *((stage, "crash") for stage in ("reading pdf", "reading pdf, whole", "epub",
                                     "cache record"))])
def test_a_late_failure_at_any_stage_changes_no_output(stage, failure, templates, tmp_path,
                                                      capsys, monkeypatch):
    module, name = STAGES[stage]
    error, code = FAILURES[failure]
    monkeypatch.setattr(module, name, fail_after(getattr(module, name), error))
    case = scene(templates, tmp_path, "print")
    rendered(case, "whole" if stage.endswith("whole") else "parts")
    status, out, err = case.run(capsys)
    assert status == 1 and f"{code} " in err and "wrote" not in out, err
    assert "pamphlet.toml failed; its outputs were not changed" in err
    case.assert_kept()


def test_a_move_that_fails_part_way_puts_back_the_outputs_already_moved(
        templates, tmp_path, capsys, monkeypatch):
    case = scene(templates, tmp_path, "print")
    real = os.replace
    def replace(source, target, *args, **kwargs):
        if Path(target) == case.out / "pamphlet-print.pdf":  # the second output moved
            raise OSError(errno.EIO, "Input/output error", str(target))
        return real(source, target, *args, **kwargs)
    monkeypatch.setattr(os, "replace", replace)
    status, _, err = case.run(capsys)
    assert status == 1 and f"{case.out}: O509 an output could not be made in" in err, err
    case.assert_kept()


def test_an_exception_is_a_coded_error_naming_the_spec(templates, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(pamphlet.build.pipeline, "assemble", fail_after(lambda *a: None, KeyError("x")))
    case = scene(templates, tmp_path)
    status, _, err = case.run(capsys)
    assert status == 1
    assert (f"{case.project / 'pamphlet.toml'}: O510 internal error while building this spec: "
            "KeyError: 'x'") in err, err
    case.assert_kept()


def test_a_killed_build_leaves_the_outputs_and_the_next_build_clears_its_debris(
        templates, tmp_path, capsys):
    case = scene(templates, tmp_path, "print")
    env = {**os.environ, "PYTHONPATH": str(CODE)}
    child = subprocess.Popen([sys.executable, "-m", "pamphlet", "build", str(case.project)],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 600  # a hang, not a slow start on a loaded machine
        while not any(p.is_dir() for p in case.out.glob(".pamphlet-*")):
            assert child.poll() is None and time.monotonic() < deadline, "no scratch folder"
            time.sleep(0.005)
        time.sleep(0.1)  # well into rendering: the scratch folder holds work in progress
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    debris = [p.name for p in case.out.iterdir() if p.name.startswith(".pamphlet-")
              and p.name != cache.RECORD]
    assert debris, "the kill left nothing behind: the test did not test"
    assert {name: h for name, h in hashes(case.out).items() if name in PRINT_OUTPUTS} == {
        name: case.outputs[name] for name in PRINT_OUTPUTS}
    status, _, err = case.run(capsys)
    assert status == 0, err
    assert sorted(p.name for p in case.out.iterdir()) == sorted([cache.RECORD, *PRINT_OUTPUTS])
    case.assert_remade()


def test_only_our_leftovers_are_removed_and_never_a_live_builds(templates, tmp_path, capsys):
    case = scene(templates, tmp_path)
    ours = [".pamphlet-scratch-abcd1234/", ".pamphlet-x7_k2m9q/", ".pamphlet.pdf.q1w2e3r4.part",
            ".pamphlet.epub.q1w2e3r4.ebooklib", ".pamphlet-cache.json.4242.part"]
    theirs = [".pamphlet-scratch-mine/", "notes.part", "draft.pdf.part", ".hidden.pdf",
              "keep/.pamphlet.pdf.q1w2e3r4.part", ".pamphlet-old/"]
    live = case.out / ".pamphlet-scratch-live0000"
    for name in ours + theirs + [live.name + "/"]:
        path = case.out / name.rstrip("/")
        path.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith("/"):
            path.mkdir()
            (path / "inside.pdf").write_text("x")
        else:
            path.write_text("x")
    import fcntl
    handle = os.open(live, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)  # another build, running, holds its scratch folder
    try:
        status, _, err = case.run(capsys)
    finally:
        os.close(handle)
    assert status == 0, err
    left = {p.name for p in case.out.iterdir()}
    assert not left & {name.rstrip("/") for name in ours}
    assert {name.split("/")[0].rstrip("/") for name in theirs} | {live.name} <= left
    assert (case.out / "keep" / ".pamphlet.pdf.q1w2e3r4.part").is_file()


# 2. Two specs that would write one file: an error before anything is built.

def test_two_projects_into_one_folder_collide(tmp_path, capsys):
    one, two = make(tmp_path / "a"), make(tmp_path / "b")
    (tmp_path / "marker-outside.txt").write_text("x")
    before = hashes(tmp_path)
    status = main(["build", str(one / "pamphlet.toml"), str(two), "--out",
                   str(tmp_path / "dist")])
    out, err = capsys.readouterr()
    assert status == 1 and "Traceback" not in err and not out
    assert (f"{two / 'pamphlet.toml'}: O507 this spec and {one / 'pamphlet.toml'} would both "
            f"write {tmp_path / 'dist' / 'pamphlet.pdf'}") in err, err
    assert hashes(tmp_path) == before  # nothing built, not even the folder made


def test_a_spec_and_another_s_print_variant_collide(tmp_path, capsys):
    project = make(tmp_path / "p", PRINT_SPEC)
    (project / "packets").mkdir()
    (project / "packets" / "x.toml").write_text(PRINT_SPEC)
    (project / "packets" / "x-print.toml").write_text('title = "X"\nessays = ["one"]\n')
    before = hashes(tmp_path)
    status = main(["build", str(project), "--out", str(tmp_path / "dist"), "--jobs", "2"])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert "O507" in err and "would both write" in err and "x-print.pdf" in err, err
    assert {str(project / "packets" / "x.toml"), str(project / "packets" / "x-print.toml")} \
        <= set(err.replace(":", " ").split()), err
    assert "pamphlet.pdf" not in err  # the only collision is the one reported
    assert hashes(tmp_path) == before


def test_same_names_in_different_folders_are_no_collision(templates, tmp_path, capsys):
    """The check compares whole paths: two projects' own build/ folders never collide, and a
    spec named twice is built once."""
    case = scene(templates, tmp_path)
    other = make(tmp_path / "other")
    before = hashes(tmp_path, (case.out, other / "build"))
    status, out, err = case.run(capsys, str(case.project / "pamphlet.toml"), str(other))
    assert status == 0 and "O507" not in err, err
    assert out.count("wrote ") == 4 and (other / "build" / "pamphlet.pdf").is_file()
    assert hashes(tmp_path, (case.out, other / "build")) == before


def test_a_build_folder_that_leads_out_of_the_project(tmp_path, capsys):
    """A shared project whose build/ is a link to one of the builder's folders."""
    project = make(tmp_path / "p")
    victim = tmp_path / "home" / "bin"
    victim.mkdir(parents=True)
    (victim / "tool").write_text("#!/bin/sh\n")
    (project / "build").symlink_to(victim)
    before = hashes(tmp_path)
    status = main(["build", str(project)])
    out, err = capsys.readouterr()
    assert status == 1 and "Traceback" not in err and not out
    assert f"{project / 'build'}: O512 {project / 'build'} is a link to {victim}, outside the " \
           "project" in err, err
    assert hashes(tmp_path) == before


def test_a_build_folder_linked_inside_the_project_is_fine(tmp_path, capsys):
    project = make(tmp_path / "p")
    (project / "out" / "zines").mkdir(parents=True)
    (project / "build").symlink_to(project / "out" / "zines")
    assert main(["build", str(project)]) == 0
    assert (project / "out" / "zines" / "pamphlet.pdf").is_file()


# 3. A read-only folder, an occupied output path, a full disk.

@contextlib.contextmanager
def tmpfs(where: Path, size: str):
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                             capture_output=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=True)


def test_a_read_only_output_folder(templates, tmp_path, capsys):
    if os.geteuid() != 0:
        case = scene(templates, tmp_path)
        case.out.chmod(0o555)
        try:
            check_read_only(case, capsys)
        finally:
            case.out.chmod(0o755)
        return
    with tmpfs(tmp_path / "disk", "4m") as disk:  # root writes anywhere a mode allows
        case = scene(templates, tmp_path, out=disk / "dist")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        check_read_only(case, capsys, "--out", str(case.out))


def check_read_only(case: Scene, capsys, *extra: str) -> None:
    status, _, err = case.run(capsys, *extra)
    assert status == 1 and f"{case.out}: O502 cannot write to {case.out}:" in err, err
    case.assert_kept()


@pytest.mark.parametrize("render", ["parts", "whole"])
def test_a_write_refused_is_a_diagnostic(templates, tmp_path, capsys, monkeypatch, render):
    """The file written is the stitched PDF (in parts) or WeasyPrint's (as one document)."""
    import weasyprint
    from pamphlet.engine import stitch

    owner, name = (stitch, "stitch") if render == "parts" else (weasyprint.Document,
                                                                  "write_pdf")
    monkeypatch.setattr(owner, name, fail_after(
        getattr(owner, name), PermissionError(errno.EACCES, "Permission denied")))
    case = scene(templates, tmp_path)
    rendered(case, render)
    status, _, err = case.run(capsys)
    assert status == 1 and f"{case.out}: O502 cannot write to {case.out}: Permission" in err, err
    case.assert_kept()


@pytest.mark.parametrize("name, kind", [
    ("pamphlet.pdf", "folder"), ("pamphlet.epub", "folder"), ("pamphlet-print-bw.pdf", "folder"),
    (".pamphlet-cache.json", "folder"), ("pamphlet.pdf", "fifo")])
def test_an_output_path_held_by_something_else(name, kind, templates, tmp_path, capsys):
    case = scene(templates, tmp_path, "print")
    (case.out / name).unlink()
    if kind == "folder":
        (case.out / name).mkdir()
        (case.out / name / "user file.txt").write_text("mine")
    else:
        os.mkfifo(case.out / name)
    case.note()
    status, out, err = case.run(capsys)
    assert status == 1 and "wrote" not in out
    assert f"{case.out / name}: O506 {case.out / name} is in the way" in err, err
    case.assert_kept()


def fill(disk: Path) -> None:
    """Fill the disk to its last byte with a file of the user's."""
    with open(disk / "filler.bin", "wb", buffering=0) as stream:
        for chunk in (65536, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    stream.write(b"\0" * chunk)


def test_a_full_disk(templates, tmp_path, capsys):
    with tmpfs(tmp_path / "disk", "2m") as disk:
        case = scene(templates, tmp_path, "print", out=disk / "dist")
        fill(disk)
        case.note()
        status, out, err = case.run(capsys, "--out", str(case.out))
        assert status == 1 and "wrote" not in out
        assert f"{case.out}: O505 the disk is full: cannot write to {case.out}" in err, err
        case.assert_kept()
        (disk / "filler.bin").unlink()
        case.note()
        status, _, err = case.run(capsys, "--out", str(case.out))  # room again: it builds
        assert status == 0, err
        case.assert_remade()


@pytest.mark.parametrize("where", ["weasyprint", "pikepdf", "pypdf", "cache record"])
def test_a_full_disk_injected(where, templates, tmp_path, capsys, monkeypatch):
    """Where a file is written: WeasyPrint (the PDF as one document), the stitched or
    tagged PDF (pikepdf, through tagged.save), the print PDFs (pypdf), the cache record."""
    import pypdf
    import weasyprint
    from pamphlet.engine import tagged
    full = OSError(errno.ENOSPC, "No space left on device")
    target = {"weasyprint": (weasyprint.Document, "write_pdf"), "pikepdf": (tagged, "save"),
              "pypdf": (pypdf.PdfWriter, "write"), "cache record": (cache, "stage_record")}[where]
    monkeypatch.setattr(*target, fail_after(getattr(*target), full))
    case = scene(templates, tmp_path, "print")
    rendered(case, "whole" if where == "weasyprint" else "parts")
    status, _, err = case.run(capsys)
    assert status == 1 and f"{case.out}: O505 the disk is full" in err, err
    case.assert_kept()


# 4. A damaged or foreign cache record: a warning, then a build as if there were none.

RECORDS = {
    "garbage": b"\x00\xff not json at all \x89PNG",
    "a json list": b"[1, 2, 3]",
    "wrong types": json.dumps({"/x/pamphlet.toml": {"key": 1, "outputs": []}}).encode(),
    "another tool's file": json.dumps({"name": "eslint-cache", "version": 3,
                                       "files": {"a.js": {"size": 1}}}).encode(),
    "nested too deep": b"[" * 100_000 + b"]" * 100_000,
    "huge": b'{"' + b"x" * 5_000_000 + b'": {}}',
    "not utf-8": b'{"\xe9": 1}',
}


@pytest.mark.parametrize("kind", [*RECORDS, "link outside", "fifo"])
def test_a_damaged_or_foreign_cache_record(kind, templates, tmp_path, capsys):
    case = scene(templates, tmp_path)
    record = case.out / cache.RECORD
    record.unlink()
    if kind == "link outside":
        (tmp_path / "secret.json").write_text('{"secret": "the attacker wants this"}')
        record.symlink_to(tmp_path / "secret.json")
    elif kind == "fifo":
        os.mkfifo(record)  # reading it would hang the build
    else:
        record.write_bytes(RECORDS[kind])
    case.note()
    status, out, err = case.run(capsys)
    assert status == 0, err
    assert f"{record}: O508 warning: the cache record is unreadable or not pamphlet's" in err, err
    assert "wrote" in out
    records = json.loads(record.read_text())
    assert list(records) == [str(case.project / "pamphlet.toml")]
    assert not record.is_symlink()
    case.assert_remade()
    assert "pamphlet.toml: up to date" in case.run(capsys)[1]


def test_a_forged_record_cannot_name_a_file_outside_the_output_folder(templates, tmp_path,
                                                                     capsys):
    case = scene(templates, tmp_path)
    (case.project / "source" / "one.md").write_text(GOOD_ESSAY)
    spec = case.project / "pamphlet.toml"
    secret = tmp_path / "secret.txt"
    secret.write_text("not an output")
    key = cache.cache_key(spec, "encoding=utf-8")
    forged = {str(spec): {"key": key, "outputs": {
        str(secret): hashlib.sha256(secret.read_bytes()).hexdigest()}}}
    (case.out / cache.RECORD).write_text(json.dumps(forged))
    status, out, err = case.run(capsys)
    assert status == 0 and "up to date" not in out and "wrote" in out, err
    assert str(secret) not in (case.out / cache.RECORD).read_text()


# 5. Parallel (and serial) builds: a failure or crash in one spec hides no other.

def packets_project(tmp_path: Path) -> Path:
    project = make(tmp_path / "p")
    (project / "packets").mkdir()
    for name in ("good", "crash", "die"):
        (project / "packets" / f"{name}.toml").write_text(f'title = "{name}"\nessays = ["one"]\n')
    (project / "packets" / "bad.toml").write_text('title = "Bad"\nessays = ["none"]\n')
    return project


def crash_by_name(real):
    def assemble(spec, essays, diagnostics, *rest):
        if spec.stem == "crash":
            raise ZeroDivisionError("division by zero")
        if spec.stem == "die":
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer would
        return real(spec, essays, diagnostics, *rest)
    return assemble


@pytest.mark.parametrize("jobs", ["1", "3"])
def test_one_spec_failing_or_crashing_hides_no_other(jobs, tmp_path, capsys, monkeypatch):
    if jobs != "1" and multiprocessing.get_start_method() != "fork":
        pytest.skip("the crash is planted in this process, and reaches workers by fork")
    monkeypatch.setattr(pamphlet.build.pipeline, "assemble", crash_by_name(pamphlet.build.pipeline.assemble))
    project = packets_project(tmp_path)
    if jobs == "1":
        (project / "packets" / "die.toml").unlink()  # it would kill the test itself
    sources = hashes(project)
    status = main(["build", str(project), "--jobs", jobs])
    out, err = capsys.readouterr()
    assert status == 1 and "Traceback" not in err
    packets = project / "packets"
    assert f"{packets / 'bad.toml'}:2: P104" in err, err
    assert f"{packets / 'crash.toml'}: O510 internal error while building this spec: " \
           "ZeroDivisionError: division by zero" in err, err
    if jobs != "1":
        assert f"{packets / 'die.toml'}: O511 the process building this spec died" in err, err
    for name in ("bad", "crash", "die"):
        assert f"{packets / name}.toml failed; its outputs were not changed" in err \
            or name == "die" and jobs == "1"
    built = sorted(p.name for p in (project / "build").iterdir())
    assert built == [cache.RECORD, "good.epub", "good.pdf", "pamphlet.epub", "pamphlet.pdf"]
    assert out.count("wrote ") == 4
    assert hashes(project, (project / "build",)) == sources
    records = json.loads((project / "build" / cache.RECORD).read_text())
    assert sorted(Path(spec).name for spec in records) == ["good.toml", "pamphlet.toml"]


# 6. Any other OSError from writing: a diagnostic.

def test_a_file_name_too_long_for_the_file_system(templates, tmp_path, capsys):
    case = scene(templates, tmp_path)
    spec = case.project / f"{'x' * 245}.toml"
    spec.write_text('title = "T"\nessays = ["one"]\n')
    case.note()
    status = main(["build", str(spec)])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert f"{case.out}: O509 an output could not be made in {case.out}: File name too long " \
           f"({'x' * 100}" in err and ".pdf (249 characters))" in err, err
    case.assert_kept()
