"""Progress and quiet (issue 14): the build tells of each output as it is made, also from
worker processes; a terminal shows specs, parts, outputs and a time estimate, and is left
clean after an error or Ctrl-C; other output has no escape codes and shows each spec's
outputs as soon as that spec is done; a warning repeated across essays is one line."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from pamphlet import cli
from pamphlet.cli import build as build_command
from pamphlet.cli.common import cores
from pamphlet.build.pipeline import build
from pamphlet.project.filenames import output_names
from pamphlet.cli import main
from pamphlet.project.spec import load_spec

REPO = Path(__file__).resolve().parent.parent
ESC = "\x1b"

# Run in a subprocess: `_outputs` first waits for a file named by PAMPHLET_TEST_GATE when the
# spec's stem is "slow", and, with PAMPHLET_TEST_PARTS set, pauses a little after each part
# of the reading PDF is laid out, so that a terminal has something to show (with
# PAMPHLET_TEST_HOLD, it stops there until it is interrupted); then the command line. The
# waits are long: they end when the test says so, however loaded the machine is.
RUNNER = """
import os, sys, time
from pathlib import Path
from pamphlet.build import pipeline as build
from pamphlet.progress import Step
made = build._outputs
def outputs(spec, pamphlet, layout, scratch, result, jobs=1, progress=None):
    gate = os.environ.get("PAMPHLET_TEST_GATE")
    if gate and spec.stem == "slow":
        end = time.monotonic() + 600
        while not Path(gate).exists() and time.monotonic() < end:
            time.sleep(0.02)
    told = progress
    def slowly(step):
        if step.kind == "part" and os.environ.get("PAMPHLET_TEST_PARTS"):
            time.sleep(float(os.environ.get("PAMPHLET_TEST_PAUSE", "0.1")))
        told(step)
        if step.kind == "part" and os.environ.get("PAMPHLET_TEST_HOLD"):
            time.sleep(600)
    return made(spec, pamphlet, layout, scratch, result, jobs, slowly)
build._outputs = outputs
from pamphlet.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _project(root: Path, essays: int = 2, packets: dict[str, int] | None = None,
             key: str = "author", spec: str = "", render: str = "parts") -> Path:
    """A project of `essays` short essays; each packet takes the first n of them. Laid out
    in parts, as a longer book would be, so that its parts are told (or as `render` says)."""
    (root / "source").mkdir(parents=True)
    slugs = [f"essay-{n:02d}" for n in range(1, essays + 1)]
    parts = "" if "[pdf]" in spec else f'\n[pdf]\nrender = "{render}"\n'
    (root / "pamphlet.toml").write_text(
        'title = "Progress"\nessays = [' + ", ".join(f'"{s}"' for s in slugs) + "]\n" + spec
        + parts)
    for n, slug in enumerate(slugs, 1):
        (root / "source" / f"{slug}.md").write_text(
            f"---\ntitle: Essay {n}\n{key}: Someone\n---\n\nText {n}.\n")
    for name, count in (packets or {}).items():
        (root / "packets").mkdir(exist_ok=True)
        (root / "packets" / f"{name}.toml").write_text(
            f'title = "{name}"\nessays = [' + ", ".join(f'"{s}"' for s in slugs[:count])
            + f']\n[pdf]\nrender = "{render}"\n')
    return root


def _env(**extra: str) -> dict[str, str]:
    # Python's own buffering as users have it, and rich left to see the terminal for itself
    env = {k: v for k, v in os.environ.items() if k not in (
        "PYTHONUNBUFFERED", "FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR")}
    return {**env, "PYTHONPATH": str(REPO), "TERM": "xterm-256color", **extra}


def _plain(text: str) -> str:
    """`text` without terminal escape codes and carriage returns."""
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text).replace("\r", "")


# -- the build tells of each output ----------------------------------------------------------

def test_each_output_is_told_once_when_it_is_in_place_and_as_its_stage_makes_it(tmp_path):
    """What the build promises, whatever the load: each output told once, once it is whole in
    scratch, and the reading PDF before the print PDFs are made. Not the order the EPUB (made
    in a process of its own, beside the print PDFs) and the PDFs finish in."""
    project = _project(tmp_path / "p", spec='[print]\nvariants = ["read", "print", "print-bw"]\n'
                       '[ebook]\nkobo = true\n')
    out = project / "build"
    seen = []

    def progress(step):
        # What is in scratch when each output is told of: it, those before it, none after.
        scratch = next(p for p in out.iterdir() if p.is_dir())
        present = sorted(p.name for p in scratch.iterdir() if not p.name.startswith("."))
        whole = [name for name in present if step.kind == "output" and name == step.name
                 and _whole(scratch / name)]
        seen.append((step.kind, step.name, present, whole))

    result = build(project, out, progress=progress)
    assert result.ok, result.diagnostics.items
    names = output_names(load_spec(project / "pamphlet.toml"))
    assert names == ["pamphlet.pdf", "pamphlet-print.pdf", "pamphlet-print-bw.pdf",
                     "pamphlet.epub", "pamphlet.kepub.epub"]
    parts = [name for kind, name, _, _ in seen if kind == "part"]
    assert parts and "front" in parts  # the reading PDF's parts, as each is laid out
    outputs = [step for step in seen if step[0] == "output"]
    assert sorted(name for _, name, _, _ in outputs) == sorted(names)  # each once
    for index, (_, name, present, whole) in enumerate(outputs):
        assert whole == [name], (name, present)  # there, and whole, when told of
        assert {told for _, told, _, _ in outputs[:index]} <= set(present)  # and it stays
    # told as each stage makes them, not all at the end: the reading PDF while the print
    # PDFs are not made yet, and after its parts
    told = {name: index for index, (_, name, _, _) in enumerate(seen)}
    reading = next(step for step in outputs if step[1] == "pamphlet.pdf")
    assert not {"pamphlet-print.pdf", "pamphlet-print-bw.pdf"} & set(reading[2]), reading
    assert told["pamphlet.pdf"] > max(i for i, step in enumerate(seen) if step[0] == "part")


def _whole(path: Path) -> bool:
    """Whether an output is complete: a PDF that ends with its trailer, a zip that opens."""
    import zipfile

    if path.suffix == ".pdf":
        return path.read_bytes().rstrip().endswith(b"%%EOF")
    with zipfile.ZipFile(path) as book:
        return book.testzip() is None


@pytest.mark.parametrize("jobs", [1, 2])
def test_steps_come_back_from_each_spec_in_order_also_from_worker_processes(tmp_path, jobs):
    project = _project(tmp_path / "p", 2, {"half": 1})
    specs = [project / "pamphlet.toml", project / "packets" / "half.toml"]
    todo = [(spec, project / "build", f"key-{n}") for n, spec in enumerate(specs)]
    steps = []
    results = list(build_command._run_builds(todo, jobs, "utf-8", steps.append))
    assert sorted(task[0] for task, _ in results) == sorted(specs)
    assert all(result.ok for _, result in results)
    for spec in specs:
        names = output_names(load_spec(spec))
        told = [(s.kind, s.name) for s in steps if s.spec == spec]
        assert [step for step in told if step[0] != "part"] == [
            ("spec", ""), *[("output", name) for name in names]]
        parts = [index for index, step in enumerate(told) if step[0] == "part"]
        assert parts and told.index(("output", names[0])) > max(parts)  # parts come first
        assert (project / "build" / names[0]).exists()


def test_what_a_spec_process_writes_is_written_by_the_command(tmp_path, monkeypatch, capsys):
    """A spec built in its own process that writes to stdout or stderr (a library's warning
    through logging's last resort, say) does not write to the terminal behind the display's
    back: the command's process writes it, through its own streams (here, capsys's)."""
    import pamphlet.build.pipeline

    def noisy(spec, out, encoding, key, jobs, progress):
        print(f"a library's warning about {spec.stem}", file=sys.stderr)
        print(f"printed while building {spec.stem}")
        return pamphlet.build.pipeline.BuildResult()
    monkeypatch.setattr(pamphlet.build.pipeline, "build", noisy)
    project = _project(tmp_path / "p", 2, {"half": 1})
    specs = [project / "pamphlet.toml", project / "packets" / "half.toml"]
    todo = [(spec, project / "build", f"key-{n}") for n, spec in enumerate(specs)]
    assert len(list(build_command._run_builds(todo, 2, "utf-8"))) == 2
    out, err = capsys.readouterr()
    assert sorted(out.splitlines()) == ["printed while building half",
                                        "printed while building pamphlet"], out
    assert "a library's warning about half" in err and \
        "a library's warning about pamphlet" in err, err


def test_jobs_default_to_the_cores_and_one_spec_gets_them_all(tmp_path, monkeypatch):
    import pamphlet.build.pipeline

    assert cores() == len(os.sched_getaffinity(0))
    build_cmd = cli._parser()._subparsers._group_actions[0].choices["build"]
    assert build_cmd.get_default("jobs") == cores()
    asked = []
    monkeypatch.setattr(pamphlet.build.pipeline, "build",
                        lambda spec, out, encoding, key, jobs, progress: asked.append(jobs)
                        or pamphlet.build.pipeline.BuildResult())
    project = _project(tmp_path / "p", 1)
    assert main(["build", str(project), "--jobs", "3"]) == 0
    assert main(["build", str(project), "--jobs", "1", "--force"]) == 0
    assert main(["build", str(project), "--force"]) == 0
    two = _project(tmp_path / "two", 2, {"half": 1})
    assert main(["build", str(two), "--jobs", "1"]) == 0  # one after the other, here
    assert asked == [3, 1, cores(), 1, 1]


def test_several_specs_are_built_largest_first_each_with_every_job(tmp_path):
    """Each spec in a process of its own, the longest first, and each with all the jobs
    for its parts: a long book keeps its parallel parts while packets are built beside it."""
    project = _project(tmp_path / "p", 3, {"one": 1, "two": 2})
    record = tmp_path / "jobs"
    code = ("import sys, pamphlet.build.pipeline as b\n"
            "made = b.build\n"
            "def build(*a, **k):\n"
            f"    open({str(record)!r}, 'a').write(a[0].stem + ' ' + str(a[4]) + '\\n')\n"
            "    return made(*a, **k)\n"
            "b.build = build\n"
            "from pamphlet.cli import build as command\n"
            "started = []\n"
            "forked = command._forked\n"
            "command._forked = lambda task, *a: started.append(task[0].stem) or forked(task, *a)\n"
            "from pamphlet.cli import main\n"
            "status = main(sys.argv[1:])\n"
            "print('started', *started)\n"
            "sys.exit(status)\n")
    done = subprocess.run([sys.executable, "-c", code, "build", str(project), "--jobs", "2"],
                          capture_output=True, text=True, env=_env(), timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "started pamphlet two one"
    assert sorted(record.read_text().splitlines()) == ["one 2", "pamphlet 2", "two 2"]


def test_a_spec_whose_process_dies_is_reported_and_the_others_are_built(tmp_path):
    project = _project(tmp_path / "p", 2, {"half": 1})
    code = ("import os, sys, pamphlet.build.pipeline as b\n"
            "made = b.build\n"
            "def build(*a, **k):\n"
            "    if a[0].stem == 'half':\n"
            "        os._exit(9)\n"
            "    return made(*a, **k)\n"
            "b.build = build\n"
            "from pamphlet.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    done = subprocess.run([sys.executable, "-c", code, "build", str(project), "--jobs", "2"],
                          capture_output=True, text=True, env=_env(), timeout=300)
    assert done.returncode == 1
    assert "O511" in done.stderr and "half.toml" in done.stderr
    assert (project / "build" / "pamphlet.pdf").exists()
    assert not (project / "build" / "half.pdf").exists()


# -- not a terminal: plain lines, each spec's as soon as it is done ---------------------------

def _lines_until(process, wanted: str, seconds: float = 600) -> str:
    """What `process` writes to stdout, read as it comes, up to a line containing `wanted`."""
    seen, end = b"", time.monotonic() + seconds
    while time.monotonic() < end:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            seen += chunk
            if re.search(rb"%s.*\n" % re.escape(wanted.encode()), seen):
                return seen.decode()
    raise AssertionError(f"no line with {wanted!r} came while the build ran: {seen!r}")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_not_a_terminal_each_specs_outputs_are_printed_as_soon_as_it_is_done(tmp_path, jobs):
    """The packet "slow" is held until the test has read the first spec's lines: they must
    come while it is still being built, with no escape codes, whatever FORCE_COLOR says."""
    project = _project(tmp_path / "p", 2, {"slow": 1})
    gate = tmp_path / "go"
    process = subprocess.Popen(
        [sys.executable, "-c", RUNNER, "build", "--jobs", jobs], cwd=project,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0,
        env=_env(PAMPHLET_TEST_GATE=str(gate), PAMPHLET_TEST_PARTS="3",
                 PAMPHLET_TEST_PAUSE="0", FORCE_COLOR="1"))
    try:
        first = _lines_until(process, "pamphlet.epub")
        assert process.poll() is None and not (project / "build" / "slow.pdf").exists()
    finally:
        gate.touch()
    out, err = (data.decode() for data in process.communicate(timeout=120))
    assert process.returncode == 0, err
    lines = first.splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "wrote build/pamphlet.pdf", "wrote build/pamphlet.epub"]
    assert [line.split(" (")[0] for line in out.splitlines()] == [
        "wrote build/slow.pdf", "wrote build/slow.epub"]
    assert ESC not in first + out + err


# -- a terminal: the live display ----------------------------------------------------------

def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _in_terminal(argv: list[str], cwd: Path, env: dict[str, str], interrupt_after: str = "",
                 width: int = 160) -> tuple[int, str]:
    """Run `argv` with a pseudo-terminal as its stdin, stdout and stderr; its exit status and
    everything it wrote. With `interrupt_after`, press Ctrl-C once that text has been seen."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, width, 0, 0))
    # Ctrl-C as a terminal gives it: pytest-xdist's workers ignore SIGINT, and a Python
    # started with SIGINT ignored never raises KeyboardInterrupt, so the child starts with it
    # restored (without this, the Ctrl-C tests hung under -n auto).
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave,
                               start_new_session=True, preexec_fn=_default_sigint)
    os.close(slave)
    seen, interrupted = b"", False
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 600)  # a hang, not a slow machine
            if not ready:
                raise AssertionError(f"the build hung: {_plain(seen.decode(errors='replace'))}")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal's other end closed: the process is gone
                break
            if not chunk:
                break
            seen += chunk
            if interrupt_after and not interrupted and interrupt_after.encode() in seen:
                os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C does: the whole group
                interrupted = True
    finally:
        os.close(master)
    return process.wait(timeout=60), seen.decode("utf-8", errors="replace")


def _screen(seen: str) -> list[str]:
    """The lines left on a (wide) terminal once `seen` is written to it: a small emulator of
    what rich uses (carriage return, line feed, cursor up, erase line; colours ignored)."""
    lines, row, col = [""], 0, 0
    for token in re.findall(r"\x1b\[[0-9;?]*[A-Za-z]|\r|\n|[^\x1b\r\n]+", seen):
        if token == "\n":
            row, col = row + 1, 0
            lines += [""] * (row + 1 - len(lines))
        elif token == "\r":
            col = 0
        elif token.startswith(ESC):
            if token[-1] == "A":
                row = max(0, row - int(token[2:-1] or 1))
            elif token[-1] == "K":
                lines[row] = ""
        else:
            lines[row] = lines[row][:col].ljust(col) + token + lines[row][col + len(token):]
            col += len(token)
    return [line.rstrip() for line in lines if line.strip()]


def _shows_cursor_at_the_end(text: str) -> bool:
    return text.rfind(f"{ESC}[?25h") > text.rfind(f"{ESC}[?25l") > -1


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_terminal_shows_specs_parts_outputs_and_a_time_estimate(tmp_path, jobs):
    project = _project(tmp_path / "p", 6, {"half": 3}, key="auther")
    status, seen = _in_terminal(
        [sys.executable, "-c", RUNNER, "build", "--jobs", jobs], project,
        _env(PAMPHLET_TEST_PARTS="6", PAMPHLET_TEST_PAUSE="0.25"))
    text = _plain(seen)
    assert status == 0, text
    assert ESC in seen and _shows_cursor_at_the_end(seen)
    assert re.search(r"2 specs .* [01]/2", text)
    # the parts: the front matter, six essays (three in the packet) and the back matter
    assert re.search(r"pamphlet\.toml .* [1-8]/[78] parts .*about \d+:\d\d left", text), text
    assert re.search(r"packets/half\.toml .* [1-5]/[45] parts .*about \d+:\d\d left", text), text
    assert re.search(r"pamphlet\.toml .* 1/2 outputs .*made pamphlet\.pdf", text), text
    # What stays: each spec's outputs, then the warning, whole and once (the packet's are the
    # same), and nothing of the display.
    screen = _screen(seen)
    assert screen[4:] == [
        "source/essay-01.md:3: E207 warning: unknown front-matter key 'auther' (also in 5 "
        "other files: source/essay-02.md:3, source/essay-03.md:3, source/essay-04.md:3 and "
        "2 more; --verbose lists each)", "    hint: did you mean 'author'?"], screen
    assert sorted(line.split(" (")[0] for line in screen[:4]) == [
        f"wrote build/{name}" for name in ("half.epub", "half.pdf", "pamphlet.epub",
                                           "pamphlet.pdf")], screen
    assert "Traceback" not in text


def test_a_terminal_is_left_clean_after_a_failed_spec(tmp_path):
    project = _project(tmp_path / "p", 2, {"broken": 1})
    (project / "packets" / "broken.toml").write_text('title = "Broken"\nessays = ["nope"]\n')
    status, seen = _in_terminal([sys.executable, "-c", RUNNER, "build", "--jobs", "1"], project,
                                _env(PAMPHLET_TEST_PARTS="2"))
    text = _plain(seen)
    assert status == 1, text
    assert _screen(seen) == [
        "wrote build/pamphlet.pdf (10 pages)", "wrote build/pamphlet.epub (EPUB 3)",
        "packets/broken.toml:2: P104 no essay 'nope' in source/",
        "    hint: add source/nope.md, or remove the slug",
        "pamphlet: packets/broken.toml failed; its outputs were not changed"]
    assert _shows_cursor_at_the_end(seen) and "Traceback" not in text


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_the_display_and_changes_no_output(tmp_path, jobs):
    project = _project(tmp_path / "p", 2, {"half": 1})
    status, seen = _in_terminal(
        [sys.executable, "-c", RUNNER, "build", "--jobs", jobs], project,
        _env(PAMPHLET_TEST_PARTS="1", PAMPHLET_TEST_PAUSE="0", PAMPHLET_TEST_HOLD="1"),
        interrupt_after="parts")  # held at its first part: the build cannot end first
    text = _plain(seen)
    assert status == 130, text
    assert text.rstrip().endswith("pamphlet: interrupted"), text[-500:]
    assert _shows_cursor_at_the_end(seen) and "Traceback" not in text
    assert not list((project / "build").glob("*.pdf"))


# -- quiet: one line for a warning repeated across 85 essays ---------------------------------

@pytest.mark.slow(
    "two builds of 85 essays and a packet of 40: the warning grouped, then each one with --verbose")
def test_a_warning_in_85_essays_is_one_line_and_verbose_shows_each(tmp_path, capsys,
                                                                   monkeypatch):
    # laid out whole: the warnings are the point, and 85 one-line essays in parts are slow
    project = _project(tmp_path / "p", 85, {"half": 40}, key="auther", render="whole")
    monkeypatch.chdir(project)
    assert main(["build", "--jobs", "2"]) == 0
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if "E207" in line]
    assert lines == [
        "source/essay-01.md:3: E207 warning: unknown front-matter key 'auther' (also in 84 other "
        "files: source/essay-02.md:3, source/essay-03.md:3, source/essay-04.md:3 and 81 more; "
        "--verbose lists each)"], err
    assert err.count("hint: did you mean 'author'?") == 1
    assert ESC not in out + err

    assert main(["build", "--jobs", "2", "--force", "--verbose"]) == 0
    err = capsys.readouterr().err
    found = re.findall(r"^source/(essay-\d\d)\.md:3: E207", err, re.M)
    # every essay's warning, for the pamphlet and again for the packet of the first 40
    assert sorted(found) == sorted([f"essay-{n:02d}" for n in range(1, 86)]
                                   + [f"essay-{n:02d}" for n in range(1, 41)])
    assert "also in" not in err


def test_import_groups_a_warning_repeated_across_files_and_verbose_shows_each(tmp_path, capsys,
                                                                             monkeypatch):
    posts = tmp_path / "posts"
    posts.mkdir()
    for n in range(1, 7):
        (posts / f"post-{n}.md").write_text(f"---\ntitle: Post {n}\ntags: {{a: 1}}\n---\n\nText.\n")
    (tmp_path / "p" / "source").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert main(["import", "posts", "--project", "p"]) == 0
    err = capsys.readouterr().err
    assert err == (
        "posts/post-1.md:3: N817 warning: 'tags' should be a list of names; it was left out (also "
        "in 5 other files: posts/post-2.md:3, posts/post-3.md:3, posts/post-4.md:3 and 2 more; "
        "--verbose lists each)\n    hint: fix 'tags' in the essay's front matter\n")
    for made in (tmp_path / "p" / "source").iterdir():
        made.unlink()
    assert main(["import", "posts", "--project", "p", "--verbose"]) == 0
    err = capsys.readouterr().err
    assert re.findall(r"^posts/(post-\d)\.md:3: N817 ", err, re.M) == [
        f"post-{n}" for n in range(1, 7)] and "also in" not in err


def test_a_process_forked_while_the_board_shows_writes_to_plain_streams(tmp_path):
    """A worker forked while the board is shown does not inherit the board's proxies for
    stdout and stderr (through them it would draw a copy of the board that nobody clears)."""
    from rich.console import Console

    from pamphlet.cli.display import Board

    with open(tmp_path / "screen", "w") as screen, \
            Board({Path("a.toml"): 2, Path("b.toml"): 2}, str,
                  console=Console(file=screen, force_terminal=True)):
        assert type(sys.stderr).__module__.startswith("rich")  # the board's proxy, here
        pid = os.fork()
        if pid == 0:  # the child: exit 0 only with streams of its own
            os._exit(0 if not type(sys.stderr).__module__.startswith("rich")
                     and not type(sys.stdout).__module__.startswith("rich") else 1)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
