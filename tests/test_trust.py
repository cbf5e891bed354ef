"""The trust boundary: a hostile layout, spec or essay can run nothing, read nothing outside
the project, and write nothing anywhere but the output folder.

Every case is a whole project built through the CLI. Besides its diagnostic, each checks that
nothing outside the project changed (a marker file that a payload would create, and a
listing of every file under the test's folder), that no secret reached an output, and that
the project's own files are unchanged.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest
from test_diagnostics import GOOD_ESSAY, GOOD_SPEC, make, tree_hashes

from pamphlet.cli import main

SECRET = "SECRET-TOKEN-4711"


def outside_files(root: Path, project: Path) -> dict[str, str]:
    """Every file under `root` but outside `project`, with its hash: what a run must not touch."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_relative_to(project)}


@pytest.fixture
def world(tmp_path):
    """A project beside a secret file, and the marker path a payload would create."""
    (tmp_path / "secret.txt").write_text(SECRET + "\n")
    project = make(tmp_path / "zine")
    return tmp_path, project, tmp_path / "PWNED"


def build(world, capsys) -> tuple[int, str]:
    root, project, marker = world
    sources, outside = tree_hashes(project), outside_files(root, project)
    status = main(["build", str(project)])
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    assert not marker.exists(), "a payload ran"
    assert tree_hashes(project) == sources, "a project file changed"
    assert outside_files(root, project) == outside, "a file outside the project changed"
    for output in (project / "build").glob("*.*"):
        data = output.read_bytes()
        if output.suffix == ".epub":
            with zipfile.ZipFile(output) as book:
                data = b"".join(book.read(name) for name in book.namelist())
        assert SECRET.encode() not in data, output
    return status, err


def template(body: str) -> str:
    return f"<html>\n<body>\n{body}\n</body></html>\n"


RUN = "touch {marker}"
# Published server-side template injection payloads for Jinja, and a few of our own.
PAYLOADS = [
    ("cycler globals", "{{ cycler.__init__.__globals__.os.popen('RUN').read() }}", "L404"),
    ("joiner globals", "{{ joiner.__init__.__globals__.os.popen('RUN').read() }}", "L404"),
    ("namespace globals", "{{ namespace.__init__.__globals__.os.popen('RUN').read() }}", "L404"),
    ("lipsum globals", "{{ lipsum.__globals__['os'].popen('RUN').read() }}", "L403"),
    ("mro subclasses", "{{ ''.__class__.__mro__[1].__subclasses__() }}", "L404"),
    ("mro loop", "{% for c in ''.__class__.__mro__ %}{{ c }}{% endfor %}", "L404"),
    ("attr filter chain", "{{ ''|attr('__class__')|attr('__mro__') }}", "L404"),
    ("attr on the model", "{{ (pamphlet|attr('__class__')).__init__.__globals__ }}", "L404"),
    ("format filter", "{{ '%s'|format(pamphlet.__class__) }}", "L404"),
    ("str.format", "{{ '{0.__class__.__init__.__globals__}'.format(pamphlet) }}", "L404"),
    ("self reference", "{{ self.__init__.__globals__.__builtins__.open('/etc/passwd').read() }}",
     "L404"),
    ("private attribute", "{{ namespace()._Namespace__attrs }}", "L404"),
    ("type mro", "{{ dict.mro() }}", "L404"),
    ("request object", "{{ request.application.__globals__.__builtins__.__import__('os') }}",
     "L403"),
    ("config object", "{{ config.items() }}", "L403"),
    ("mutate a list", "{% set x = pamphlet.chapters.append(1) %}", "L404"),
    ("mutate a mapping", "{{ pamphlet.cover.update({'image': 'file:///etc/passwd'}) }}", "L404"),
    ("a huge string", "{{ 'x' * 100000000 }}", "L404"),
    ("a huge power", "{{ 10 ** 100000000 }}", "L404"),
    ("builtin's self", "{{ range.__self__ }}", "L404"),
    ("chapter's essay path", "{{ pamphlet.chapters[0].essay.path.read_text() }}", "L403"),
    ("cover as a Path", "{{ pamphlet.spec.cover.image.read_bytes() }}", "L403"),
]


@pytest.mark.parametrize("payload, code", [pytest.param(p, c, id=name) for name, p, c in PAYLOADS])
def test_template_injection_payloads_are_stopped(world, capsys, payload, code):
    root, project, marker = world
    layout = project / "layouts" / "zine" / "pamphlet.html"
    layout.parent.mkdir(parents=True)
    layout.write_text(template(payload.replace("RUN", RUN.format(marker=marker))))
    status, err = build(world, capsys)
    assert status == 1
    assert f"{layout}:3: {code} " in err, err
    assert not list((project / "build").glob("*.pdf")), "the build half-succeeded"


@pytest.mark.parametrize("include", [
    '{% include "/etc/passwd" %}',
    '{% include "../../secret.txt" %}',
    '{% include "zine/../../../secret.txt" %}',
    '{% import "../../../secret.txt" as secret %}',
    '{% extends "/etc/passwd" %}',
    '{% from "../secret.txt" import x %}',
])
def test_includes_and_imports_stay_inside_the_layout_folders(world, capsys, include):
    root, project, marker = world
    layout = project / "layouts" / "zine" / "pamphlet.html"
    layout.parent.mkdir(parents=True)
    layout.write_text(template(include))
    status, err = build(world, capsys)
    assert status == 1 and f"{layout}:3: L403 template not found" in err, err


def test_a_template_that_reads_writes_and_runs(world, capsys):
    """One template trying every way we know to read a file, write one and run a command."""
    root, project, marker = world
    layout = project / "layouts" / "zine" / "pamphlet.html"
    layout.parent.mkdir(parents=True)
    layout.write_text(template(
        "{% set os = cycler.__init__.__globals__.os %}\n"
        f"{{{{ os.system('touch {marker}') }}}}\n"
        f"{{{{ open('{root}/secret.txt').read() }}}}\n"
        f"{{{{ pamphlet.spec.path.parent.joinpath('../PWNED').write_text('x') }}}}\n"))
    status, err = build(world, capsys)
    assert status == 1 and f"{layout}:3: L404 the template tried to leave its sandbox" in err, err


def test_the_template_context_is_plain_data(tmp_path):
    """Strings, numbers, booleans, None, lists and mappings, all the way down."""
    from pamphlet.book.assemble import assemble
    from pamphlet.book.context import template_context
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.text.markup import print_html
    from pamphlet.project.spec import load_spec
    from pamphlet.project.select import select

    spec = load_spec(Path(__file__).parent.parent)
    diagnostics = Diagnostics()
    pamphlet = assemble(spec, select(spec, diagnostics), diagnostics)
    bodies = {c.anchor: print_html(c.body) for c in pamphlet.chapters}
    seen = []

    def walk(value, where):
        seen.append(where)
        if isinstance(value, dict):
            for key, item in value.items():
                assert isinstance(key, str), where
                walk(item, f"{where}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]")
        else:
            assert value is None or type(value) in (str, int, float, bool), (where, type(value))

    walk(template_context(pamphlet, bodies), "context")
    assert "context.pamphlet.chapters[0].title" in seen and len(seen) > 100


# The path gate: symlinks, FIFOs, sizes, and files named by the spec.

def link(path: Path, target: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.symlink(target, path)


def gate_case(name, code, file, line, words, setup):
    return pytest.param(code, file, line, words, setup, id=name)


def essay_links_out(root, project):
    link(project / "source" / "two.md", root / "secret.txt")
    (project / "pamphlet.toml").write_text('title = "T"\nessays = ["one", "two"]\n')


def layouts_folder_links_out(root, project):
    outside = root / "elsewhere" / "zine"
    outside.mkdir(parents=True)
    (outside / "pamphlet.html").write_text(template("{{ pamphlet.title }}"))
    (outside / "custom.css").write_text("body { color: red; }\n")
    link(project / "layouts", root / "elsewhere")


def template_links_out(root, project):
    (project / "layouts" / "zine").mkdir(parents=True)
    link(project / "layouts" / "zine" / "pamphlet.html", root / "secret.txt")


def stylesheet_links_out(root, project):
    (project / "layouts" / "zine").mkdir(parents=True)
    link(project / "layouts" / "zine" / "custom.css", root / "secret.txt")


def intro_file_absolute(root, project):
    (project / "pamphlet.toml").write_text(GOOD_SPEC + f'intro_file = "{root}/secret.txt"\n')


def intro_file_etc_passwd(root, project):
    (project / "pamphlet.toml").write_text(GOOD_SPEC + 'intro_file = "/etc/passwd"\n')


def intro_file_links_out(root, project):
    link(project / "intro.md", root / "secret.txt")
    (project / "pamphlet.toml").write_text(GOOD_SPEC + 'intro_file = "intro.md"\n')


def cover_links_out(root, project):
    link(project / "cover.png", root / "secret.txt")
    (project / "pamphlet.toml").write_text(GOOD_SPEC + '[cover]\nimage = "cover.png"\n')


def image_links_out(root, project):
    link(project / "source" / "img" / "a.png", root / "secret.txt")
    (project / "source" / "one.md").write_text(GOOD_ESSAY + "\n![a](img/a.png)\n")


def image_in_sibling_folder(root, project):
    """`zine-private/` beside `zine/`: a string-prefix check would let it in."""
    (root / "zine-private").mkdir()
    (root / "zine-private" / "x.png").write_text(SECRET)
    (project / "source" / "one.md").write_text(GOOD_ESSAY + "\n![a](../../zine-private/x.png)\n")


def fifo_essay(root, project):
    os.mkfifo(project / "source" / "two.md")
    (project / "pamphlet.toml").write_text('title = "T"\nessays = ["one", "two"]\n')


def fifo_spec_intro(root, project):
    os.mkfifo(project / "intro.md")
    (project / "pamphlet.toml").write_text(GOOD_SPEC + 'intro_file = "intro.md"\n')


def fifo_image(root, project):
    os.mkfifo(project / "source" / "pipe.png")
    (project / "source" / "one.md").write_text(GOOD_ESSAY + "\n![a](pipe.png)\n")


def fifo_template(root, project):
    (project / "layouts" / "zine").mkdir(parents=True)
    os.mkfifo(project / "layouts" / "zine" / "pamphlet.html")


def device_essay(root, project):
    link(project / "source" / "two.md", Path("/dev/zero"))
    (project / "pamphlet.toml").write_text('title = "T"\nessays = ["one", "two"]\n')


def folder_as_essay(root, project):
    (project / "source" / "two.md").mkdir()
    (project / "pamphlet.toml").write_text('title = "T"\nessays = ["one", "two"]\n')


def essay_over_the_limit(root, project):
    (project / "source" / "one.md").write_text(GOOD_ESSAY + "word " * 300_000)
    (project / "pamphlet.toml").write_text(GOOD_SPEC + "[limits]\nfile_size_mb = 1\n")


def image_over_the_limit(root, project):
    (project / "source" / "big.png").write_bytes(b"\x89PNG" + bytes(1_200_000))
    (project / "source" / "one.md").write_text(GOOD_ESSAY + "\n![a](big.png)\n")
    (project / "pamphlet.toml").write_text(GOOD_SPEC + "[limits]\nfile_size_mb = 1\n")


def bad_limit(root, project):
    (project / "pamphlet.toml").write_text(GOOD_SPEC + "[limits]\nfile_size_mb = -1\n")


def layout_name_with_a_path(root, project):
    (project / "pamphlet.toml").write_text('title = "T"\nlayout = "../../zine"\nessays = ["one"]\n')


GATE_CASES = [
    gate_case("essay is a link out", "S902", "source/two.md", None, "essay outside the project",
              essay_links_out),
    gate_case("layouts folder is a link out", "S902", None, None, "outside the project",
              layouts_folder_links_out),
    gate_case("template is a link out", "S902", None, None, "template outside the project",
              template_links_out),
    gate_case("custom.css is a link out", "S902", None, None, "outside the project",
              stylesheet_links_out),
    gate_case("intro_file absolute", "P113", "pamphlet.toml", 3, "intro file outside the project",
              intro_file_absolute),
    gate_case("intro_file /etc/passwd", "P113", "pamphlet.toml", 3, "outside the project",
              intro_file_etc_passwd),
    gate_case("intro_file is a link out", "P113", "pamphlet.toml", 3, "a link to",
              intro_file_links_out),
    gate_case("cover is a link out", "P109", "pamphlet.toml", 4, "cover image outside",
              cover_links_out),
    gate_case("essay image is a link out", "M302", "source/one.md", 8, "image outside",
              image_links_out),
    gate_case("image in a sibling folder", "M302", "source/one.md", 8, "image outside",
              image_in_sibling_folder),
    gate_case("essay is a FIFO", "S903", "source/two.md", None, "named pipe", fifo_essay),
    gate_case("intro file is a FIFO", "S903", "pamphlet.toml", 3, "named pipe", fifo_spec_intro),
    gate_case("image is a FIFO", "S903", "source/one.md", 8, "named pipe", fifo_image),
    gate_case("template is a FIFO", "S903", None, None, "named pipe", fifo_template),
    gate_case("essay is /dev/zero", "S902", "source/two.md", None, "outside", device_essay),
    gate_case("essay is a folder", "S903", "source/two.md", None, "a folder", folder_as_essay),
    gate_case("essay over the size limit", "S904", "source/one.md", None,
              "over the limit of 1 MB", essay_over_the_limit),
    gate_case("image over the size limit", "S904", "source/one.md", 8,
              "over the limit of 1 MB", image_over_the_limit),
    gate_case("size limit below zero", "P140", "pamphlet.toml", 4, "file_size_mb", bad_limit),
    gate_case("layout name with a path", "L401", "pamphlet.toml", 2, "no layout named",
              layout_name_with_a_path),
]


@pytest.mark.parametrize("code, file, line, words, setup", GATE_CASES)
def test_the_path_gate(world, capsys, code, file, line, words, setup):
    root, project, marker = world
    setup(root, project)
    status, err = build(world, capsys)
    where = f"{project / file}:{line}: " if line else f"{project / file}: " if file else ""
    assert status == 1 and f"{where}{code} " in err and words in err, err
    assert not list((project / "build").glob("*.*")), "the build half-succeeded"


def test_check_and_list_do_not_hang_on_a_fifo(world, capsys):
    """`check` and `list` read every essay: a FIFO is reported, never waited on."""
    root, project, marker = world
    os.mkfifo(project / "source" / "two.md")
    assert main(["check", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"{project / 'source' / 'two.md'}: S903 " in err, err
    assert main(["list", str(project)]) == 1
    captured = capsys.readouterr()
    assert "one" in captured.out and "S903" in captured.err


def test_editor_leftovers_are_passed_over_quietly(world, capsys):
    """Hidden files, emacs locks (dangling links) and backups are neither essays nor specs."""
    root, project, marker = world
    source = project / "source"
    link(source / ".#one.md", Path("user@host.1234:1700000000"))
    (source / "#one.md#").write_text("autosave")
    (source / "one.md~").write_text("backup")
    (source / ".hidden.md").write_text("---\ntitle: Hidden\n---\nx\n")
    (project / "packets").mkdir()
    (project / "packets" / ".#p.toml").write_text("not toml [")
    (project / "packets" / "p.toml~").write_text("not toml [")
    status, err = build(world, capsys)
    assert status == 0 and err == "", err
    assert main(["check", str(project)]) == 0
    out = capsys.readouterr().out
    assert "checked 1 spec and 1 essay: 0 errors" in out, out


def test_an_unlistable_source_folder_says_so(world, capsys, monkeypatch):
    """Root reads any folder, so the refusal is simulated where the folder is listed."""
    root, project, marker = world
    real = os.scandir
    def refuse(path="."):
        if Path(path).name == "source":
            raise PermissionError(13, "Permission denied")
        return real(path)
    monkeypatch.setattr(os, "scandir", refuse)
    status, err = build(world, capsys)
    assert status == 1
    assert f"{project / 'source'}: E220 cannot list the essays in source/: Permission denied" \
        in err, err
    assert "P104" not in err  # not reported as a missing essay


def test_a_link_inside_the_project_is_followed(world, capsys):
    """The gate refuses what leads out, not links as such."""
    root, project, marker = world
    (project / "shared").mkdir()
    (project / "shared" / "two.md").write_text("---\ntitle: Two\n---\nShared text.\n")
    link(project / "source" / "two.md", project / "shared" / "two.md")
    (project / "pamphlet.toml").write_text('title = "T"\nessays = ["one", "two"]\n')
    status, err = build(world, capsys)
    assert status == 0, err
    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(project / "build" / "pamphlet.pdf").pages)
    assert "Shared text." in text


# The gate itself, on the cases a whole build cannot easily stage.

def test_a_sibling_folder_with_the_same_prefix_is_outside(tmp_path):
    """`zine-private/` starts with the text `zine`, but lies outside `zine/`."""
    from pamphlet.store.paths import Gate, Refused

    (tmp_path / "zine").mkdir()
    (tmp_path / "zine-private").mkdir()
    (tmp_path / "zine-private" / "x.png").write_text(SECRET)
    (tmp_path / "zine" / "ok.png").write_text("fine")
    gate = Gate((tmp_path / "zine",))
    assert gate.read_bytes(tmp_path / "zine" / "ok.png") == b"fine"
    assert not gate.inside(tmp_path / "zine-private" / "x.png")
    with pytest.raises(Refused) as refused:
        gate.read_bytes(tmp_path / "zine" / ".." / "zine-private" / "x.png")
    assert refused.value.diagnostics[0].code == "S902"


def test_a_file_swapped_for_a_link_after_the_check_is_not_followed(tmp_path, monkeypatch):
    """The gate opens the path it resolved without following a last symlink: a file swapped
    for a link between resolving and opening is refused, not read."""
    import pamphlet.store.paths as paths

    (tmp_path / "project").mkdir()
    target = tmp_path / "project" / "essay.md"
    target.write_text("fine")
    real_realpath = os.path.realpath

    def swap_after_resolving(path):
        resolved = real_realpath(path)
        target.unlink()
        os.symlink(tmp_path / "secret.txt", target)
        return resolved

    (tmp_path / "secret.txt").write_text(SECRET)
    monkeypatch.setattr(paths.os.path, "realpath", swap_after_resolving)
    with pytest.raises(paths.Refused) as refused:
        paths.Gate((tmp_path / "project",)).read_bytes(target)
    assert refused.value.diagnostics[0].code == "S905"
    assert "changed while it was read" in refused.value.diagnostics[0].message


def test_the_size_limit_counts_bytes_read_not_only_the_size_reported(tmp_path, monkeypatch):
    """A file that grows between fstat and read is cut off at the limit and refused."""
    import pamphlet.store.paths as paths

    (tmp_path / "big.md").write_bytes(b"x" * 2_000)
    real_fstat = os.fstat
    monkeypatch.setattr(paths.os, "fstat",
                        lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])))
    with pytest.raises(paths.Refused) as refused:
        paths.Gate((tmp_path,), limit_mb=0.001).read_bytes(tmp_path / "big.md")
    assert refused.value.diagnostics[0].code == "S904"


def test_a_fifo_among_the_packets_hangs_nothing(world, capsys):
    """The cache reads every spec before building: a FIFO spec is refused, not waited on."""
    root, project, marker = world
    (project / "packets").mkdir()
    os.mkfifo(project / "packets" / "pipe.toml")
    status, err = build(world, capsys)
    assert status == 1 and f"{project / 'packets' / 'pipe.toml'}: S903 " in err, err
    assert (project / "build" / "pamphlet.pdf").is_file()  # the other spec is built


@pytest.mark.parametrize("spec, file, line", [
    (GOOD_SPEC + '[cover]\nimage = "' + "b/" * 3000 + 'c.png"\n', "pamphlet.toml", 4),
    (GOOD_SPEC + 'intro_file = "' + "i" * 5000 + '.md"\n', "pamphlet.toml", 3),
    (None, "source/one.md", 8),
])
def test_a_name_too_long_for_the_system_is_a_diagnostic(world, capsys, spec, file, line):
    root, project, marker = world
    if spec:
        (project / "pamphlet.toml").write_text(spec)
    else:
        (project / "source" / "one.md").write_text(GOOD_ESSAY + f"\n![a]({'a' * 5000}.png)\n")
    status, err = build(world, capsys)
    assert status == 1 and f"{project / file}:{line}: " in err and "File name too long" in err, err


# The gate's every answer, word for word: what a user reads is part of its behaviour.

def refusal(call, *args, **kwargs):
    """The one diagnostic a gate call refuses with, as a tuple to compare whole."""
    from pamphlet.store.paths import Refused

    with pytest.raises(Refused) as refused:
        call(*args, **kwargs)
    [d] = refused.value.diagnostics
    return d.code, d.severity.value, d.message, d.path, d.line, d.hint


def open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


OUTSIDE_HINT = "copy the file into the project; links that point outside it are not followed"
SIZE_HINT = "raise [limits] file_size_mb in the spec, or shrink the file"


@pytest.mark.parametrize("name, hidden", [
    (".hidden", True), ("#autosave#", True), (".#lock", True), ("backup~", True),
    ("essay.md", False), ("a#b.md", False), ("a~b.md", False), ("a.b", False)])
def test_editor_leftovers_by_name(name, hidden):
    from pamphlet.store.paths import ignored

    assert ignored(Path("source") / name) is hidden


def test_present_sees_links_and_survives_impossible_names(tmp_path):
    from pamphlet.store.paths import present

    (tmp_path / "file").write_text("x")
    os.symlink(tmp_path / "nowhere", tmp_path / "broken")
    assert present(tmp_path / "file") and present(tmp_path / "broken")
    assert not present(tmp_path / "missing")
    assert present(tmp_path / ("n" * 5000)) is False
    assert present(Path("nul\0byte")) is False


def test_the_gate_for_a_project_and_its_limits(tmp_path):
    from pamphlet.store.paths import BUILTIN_LAYOUTS, Gate

    gate = Gate.for_project(tmp_path / "a" / "..", 2.5)
    assert gate.roots == (tmp_path.resolve(), BUILTIN_LAYOUTS) and gate.limit_mb == 2.5
    assert gate.limit == 2_500_000 and isinstance(gate.limit, int)
    assert Gate.for_project(tmp_path).limit == 50_000_000
    assert Gate((tmp_path,), 0.0015).limit == 1500
    only = gate.project_only()
    assert only.roots == (tmp_path.resolve(),) and only.limit_mb == 2.5
    assert (BUILTIN_LAYOUTS / "zine").is_dir()


def test_inside_and_check_follow_links_to_the_end(tmp_path):
    from pamphlet.store.paths import Gate

    project, other = tmp_path / "project", tmp_path / "other"
    project.mkdir(), other.mkdir()
    (other / "real.md").write_text("real")
    (project / "own.md").write_text("own")
    os.symlink(project / "own.md", project / "alias.md")
    os.symlink(other / "real.md", project / "out.md")
    gate = Gate((project, other))
    assert gate.inside(project / "own.md") and gate.inside(other / "real.md")
    assert gate.inside(project / "out.md")  # it leads into the second root
    assert gate.check(project / "alias.md") == project / "own.md"
    assert gate.check(project / "out.md") == other / "real.md"
    assert not Gate((project,)).inside(project / "out.md")
    assert not Gate((project,)).inside(tmp_path)


def test_the_outside_refusal_word_for_word(tmp_path):
    from pamphlet.store.paths import Gate

    project = tmp_path / "project"
    (project / "source").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text(SECRET)
    os.symlink(tmp_path / "secret.txt", project / "source" / "link.png")
    gate = Gate((project,))
    essay = project / "source" / "one.md"
    assert refusal(gate.read_bytes, project / "source" / "link.png", (essay, 8), "image",
                   {"outside": "M302"}) == (
        "M302", "error", f"image outside the project: link.png (a link to {tmp_path / 'secret.txt'})",
        essay, 8, OUTSIDE_HINT)
    # named by nothing, a path is shown from its own folder
    assert refusal(gate.check, tmp_path / "secret.txt") == (
        "S902", "error", "file outside the project: secret.txt",
        tmp_path / "secret.txt", None, OUTSIDE_HINT)
    assert refusal(gate.read_bytes, project / ".." / "secret.txt", (project / "a.md", 2)) == (
        "S902", "error", f"file outside the project: {tmp_path / 'secret.txt'}",
        project / "a.md", 2, OUTSIDE_HINT)


def test_what_is_not_a_regular_file_is_named(tmp_path):
    import socket

    from pamphlet.store.paths import Gate

    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "folder.md").mkdir()
    gate, before = Gate((tmp_path,)), open_descriptors()
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "sock.md"))
        hint = "only ordinary files are read; remove or replace it"
        for name, kind in (("pipe.md", "a named pipe"), ("folder.md", "a folder")):
            where = (tmp_path / "spec.toml", 3)
            assert refusal(gate.read_bytes, tmp_path / name, where, "essay", {"outside": "X1"}) \
                == ("S903", "error", f"essay {name} is not a regular file ({kind})",
                    where[0], 3, hint)
        # a socket cannot even be opened
        assert refusal(gate.check, tmp_path / "sock.md") == (
            "S905", "error", "cannot read file sock.md: No such device or address",
            tmp_path / "sock.md", None, "check the file")
    assert open_descriptors() == before, "a refused file was left open"


def test_every_kind_of_file_has_its_name():
    import stat

    from pamphlet.store.paths import _kind

    assert [_kind(kind | 0o600) for kind in (stat.S_IFIFO, stat.S_IFCHR, stat.S_IFBLK,
                                              stat.S_IFSOCK, stat.S_IFDIR, stat.S_IFREG)] == [
        "a named pipe", "a character device", "a block device", "a socket", "a folder",
        "not a file"]


def test_a_character_device_is_refused_by_name():
    from pamphlet.store.paths import Gate

    assert refusal(Gate((Path("/dev"),)).check, Path("/dev/null")) == (
        "S903", "error", "file null is not a regular file (a character device)",
        Path("/dev/null"), None, "only ordinary files are read; remove or replace it")


def test_the_size_limit_to_the_byte(tmp_path):
    from pamphlet.store.paths import Gate

    (tmp_path / "exact.md").write_bytes(b"x" * 1500)
    (tmp_path / "over.md").write_bytes(b"x" * 1501)
    (tmp_path / "big.md").write_bytes(b"x" * 1_050_000)
    gate, before = Gate((tmp_path,), 0.0015), open_descriptors()
    assert gate.read_bytes(tmp_path / "exact.md") == b"x" * 1500
    assert gate.check(tmp_path / "exact.md") == tmp_path / "exact.md"
    assert refusal(gate.read_bytes, tmp_path / "over.md", (tmp_path / "s.toml", 2), "intro file",
                   {"outside": "P113", "missing": "P114"}) == (
        "S904", "error", "intro file over.md is 0.0 MB, over the limit of 0.0015 MB",
        tmp_path / "s.toml", 2, SIZE_HINT)
    assert refusal(Gate((tmp_path,), 1).check, tmp_path / "big.md")[2] == \
        "file big.md is 1.1 MB, over the limit of 1 MB"  # 1.05 megabytes (10**6 bytes)
    assert open_descriptors() == before, "a file was left open"


def test_a_file_that_grew_is_refused_word_for_word(tmp_path, monkeypatch):
    import pamphlet.store.paths as paths

    (tmp_path / "big.md").write_bytes(b"x" * 2_000)
    real_fstat = os.fstat
    monkeypatch.setattr(paths.os, "fstat",
                        lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])))
    assert refusal(paths.Gate((tmp_path,), limit_mb=0.001).read_bytes, tmp_path / "big.md",
                   (tmp_path / "spec.toml", 4), "essay") == (
        "S904", "error", "essay big.md is larger than 0.001 MB", tmp_path / "spec.toml", 4,
        SIZE_HINT)
    (tmp_path / "fits.md").write_bytes(b"x" * 1_000)
    assert paths.Gate((tmp_path,), limit_mb=0.001).read_bytes(tmp_path / "fits.md") == b"x" * 1000


def test_missing_files_and_broken_links_word_for_word(tmp_path):
    from pamphlet.store.paths import Gate

    (tmp_path / "file.md").write_text("x")
    os.symlink(tmp_path / "gone.png", tmp_path / "broken.png")
    gate, where = Gate((tmp_path,)), (tmp_path / "one.md", 5)
    codes = {"outside": "M302", "missing": "M301"}
    assert refusal(gate.read_bytes, tmp_path / "none.png", where, "image", codes) == (
        "M301", "error", "image not found: none.png", where[0], 5,
        "check the name and the folder it is in")
    assert refusal(gate.check, tmp_path / "file.md" / "x.png") == (
        "S905", "error", "file not found: x.png", tmp_path / "file.md" / "x.png", None,
        "check the name and the folder it is in")
    assert refusal(gate.read_bytes, tmp_path / "broken.png", where, "image", codes) == (
        "M301", "error", "cannot read image broken.png: it is a link to a file that does not exist",
        where[0], 5, "remove the link")
    assert refusal(gate.read_bytes, tmp_path / "broken.png")[0] == "S905"


@pytest.mark.parametrize("number, hint", [
    ("EACCES", "check the file's permissions"), ("EPERM", "check the file's permissions"),
    ("ENAMETOOLONG", "shorten the file name or the folders' names"), ("EIO", "check the file"),
    ("ELOOP", "build again")])
def test_an_unreadable_file_gets_its_own_hint(tmp_path, monkeypatch, number, hint):
    import errno

    import pamphlet.store.paths as paths

    (tmp_path / "file.md").write_text("x")
    code = getattr(errno, number)

    def refuse(*args):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(paths.os, "open", refuse)
    message = (f"essay file.md is a symbolic link that changed while it was read"
               if number == "ELOOP" else f"cannot read essay file.md: {os.strerror(code)}")
    assert refusal(paths.Gate((tmp_path,)).read_bytes, tmp_path / "file.md",
                   (tmp_path / "spec.toml", 1), "essay", {"missing": "M301"}) == (
        "S905", "error", message, tmp_path / "spec.toml", 1, hint)


def test_an_error_without_words_is_shown_whole(tmp_path, monkeypatch):
    import pamphlet.store.paths as paths

    def refuse(*args):
        raise OSError("odd failure")

    monkeypatch.setattr(paths.os, "open", refuse)
    assert refusal(paths.Gate((tmp_path,)).check, tmp_path / "x.md")[2] == \
        "cannot read file x.md: odd failure"


def test_a_path_is_shown_as_the_file_naming_it_writes_it(tmp_path):
    from pamphlet.store.paths import Gate

    project = tmp_path / "project"
    (project / "source" / "img").mkdir(parents=True)
    gate = Gate((project,))
    missing = project / "source" / "img" / "none.png"
    # relative to the naming file's folder, else to the project, else whole
    assert refusal(gate.check, missing, (project / "source" / "one.md", 1))[2] == \
        "file not found: img/none.png"
    assert refusal(gate.check, missing, (tmp_path / "elsewhere" / "x.toml", 1))[2] == \
        "file not found: source/img/none.png"
    assert refusal(gate.check, missing, (None, None))[2] == "file not found: source/img/none.png"
    # only the project is a base: a path in a second root (the built-in layouts) is whole
    other = tmp_path / "other"
    assert refusal(Gate((project, other)).check, other / "x.css", (None, None))[2] == \
        f"file not found: {other / 'x.css'}"
    # the folder itself is not shown as "."
    assert refusal(gate.check, project / "source", (project / "source" / "x", 1))[2] == \
        f"file source is not a regular file (a folder)"
    assert refusal(gate.check, project, (project / "x", 1))[2] == \
        f"file {project} is not a regular file (a folder)"
    for length in (120, 121, 130):
        name = "n" * (length - 4) + ".png"
        shown = name if length == 120 else name[:119] + "…"
        assert refusal(gate.check, project / name, (project / "a.md", 1))[2] == \
            f"file not found: {shown}"


def test_a_file_read_through_the_gate_is_closed(tmp_path):
    from pamphlet.store.paths import Gate

    (tmp_path / "a.md").write_text("text")
    gate, before = Gate((tmp_path,)), open_descriptors()
    assert gate.read_bytes(tmp_path / "a.md") == b"text"
    assert gate.check(tmp_path / "a.md") == tmp_path / "a.md"
    assert open_descriptors() == before


def test_the_gate_reads_no_more_than_one_byte_over_the_limit(tmp_path, monkeypatch):
    """A file that grows while it is read (a log, a device behind a link) is not read to its
    end: the gate asks for the limit and one byte more, enough to tell that it is over."""
    import pamphlet.store.paths as paths

    asked = []

    class Spy:
        def __init__(self, handle):
            self.handle = handle

        def read(self, size=-1):
            asked.append(size)
            return self.handle.read(size)

        def close(self):
            self.handle.close()

    real_fdopen = os.fdopen
    monkeypatch.setattr(paths.os, "fdopen", lambda fd, mode: Spy(real_fdopen(fd, mode)))
    (tmp_path / "a.md").write_bytes(b"x" * 100)
    assert paths.Gate((tmp_path,), 0.001).read_bytes(tmp_path / "a.md") == b"x" * 100
    assert asked == [1001]


def test_the_pdf_fetcher_loads_only_data_and_gated_files(tmp_path):
    """WeasyPrint's every load goes through ProjectFetcher: data: URLs, and files that pass
    the gate, with their type; anything else is refused (S901) and raises, loading nothing."""
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.engine.weasy.api import ProjectFetcher
    from pamphlet.store.paths import Gate

    project = tmp_path / "p"
    project.mkdir()
    (project / "a b.png").write_bytes(b"PNG")
    (project / "x.unknownext").write_bytes(b"U")
    (tmp_path / "secret.txt").write_text(SECRET)
    diagnostics = Diagnostics()
    fetcher = ProjectFetcher(Gate((project,)), diagnostics, project / "pamphlet.toml")
    data = fetcher.fetch("data:text/plain,hi")
    assert (data.read(), data.content_type) == (b"hi", "text/plain")
    image = fetcher.fetch((project / "a b.png").as_uri())
    assert (image.read(), image.content_type, image.geturl()) == (
        b"PNG", "image/png", (project / "a b.png").as_uri())
    other = fetcher.fetch((project / "x.unknownext").as_uri())
    assert (other.read(), other.content_type) == (b"U", "application/octet-stream")
    assert list(diagnostics) == []
    for url in ((tmp_path / "secret.txt").as_uri(), "https://e.org/x.png", "ftp://e.org/x"):
        with pytest.raises(ValueError, match=f"^refused: {url}$"):
            fetcher.fetch(url)
    why = [f"file outside the project: {tmp_path / 'secret.txt'}",
           "only files inside the project are used", "only files inside the project are used"]
    urls = [(tmp_path / "secret.txt").as_uri(), "https://e.org/x.png", "ftp://e.org/x"]
    assert [(d.code, d.severity.value, d.message, d.path, d.line, d.hint) for d in diagnostics] \
        == [("S901", "warning", f"refused to load {url}: {reason}", project / "pamphlet.toml",
             None, "copy the file into the project and refer to it there")
            for url, reason in zip(urls, why)]


@pytest.fixture
def template_env(tmp_path):
    """The built-in zine layout's Jinja environment, for a project with a few templates."""
    from pamphlet.book.layouts import find_layout

    zine = tmp_path / "layouts" / "zine"
    zine.mkdir(parents=True)
    (zine / "part.html").write_text("A\n  {% if true %}\n  B\n  {% endif %}\nC\n")
    (zine / ".hidden.html").write_text("H")
    (zine / "bad.html").write_bytes(b"x\xffy")
    layout = find_layout("zine", tmp_path / "layouts")
    assert layout.search_path == (tmp_path / "layouts", Path(__file__).parent.parent / "layouts")
    return layout.env


@pytest.mark.parametrize("source, shown", [
    ("{{ 2 ** 1000 > 0 }}", "True"), ("{{ 2 ** 1001.0 > 0 }}", "True"),
    ("{{ ('x' * 20000000)|length }}", "20000000"), ("{{ 6 * 7 }}", "42"), ("{{ 1 + 2 }}", "3"),
    ('{{ "<b>" }}', "&lt;b&gt;"), ("{{ 'ab' * 3 }}{{ 2 * 'c' }}", "abababcc"),
    ("{{ 2 * 1001 }}", "2002")])
def test_template_arithmetic_that_is_allowed(template_env, source, shown):
    assert template_env.from_string(source).render() == shown


@pytest.mark.parametrize("source, message", [
    ("{{ 2 ** 1001 }}", "a power larger than 1000 is not allowed in a template"),
    ("{{ 2 ** -1001 }}", "a power larger than 1000 is not allowed in a template"),
    ("{{ 'x' * 20000001 }}", "the template would build a value of over 20,000,000 items"),
    ("{{ 20000001 * 'x' }}", "the template would build a value of over 20,000,000 items"),
    ("{{ 'ab' * 10000001 }}", "the template would build a value of over 20,000,000 items"),
    ("{{ [1] * 20000001 }}", "the template would build a value of over 20,000,000 items"),
    ("{{ (1,) * 20000001 }}", "the template would build a value of over 20,000,000 items")])
def test_template_arithmetic_that_is_refused(template_env, source, message):
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError) as refused:
        template_env.from_string(source).render()
    assert str(refused.value) == message


def test_template_environment_options(template_env):
    import jinja2

    assert template_env.get_template("zine/part.html").render() == "A\n  B\nC\n"
    assert template_env.get_template("zine/bad.html").render() == "x\ufffdy"
    for source in ("{{ nope }}", "{{ lipsum }}"):
        with pytest.raises(jinja2.UndefinedError):
            template_env.from_string(source).render()
    for name in ("zine/.hidden.html", "zine/none.html"):
        with pytest.raises(jinja2.TemplateNotFound) as missing:
            template_env.get_template(name)
        assert missing.value.name == name
    source = template_env.loader.get_source(template_env, "zine/part.html")
    assert source[1].endswith("part.html") and source[2]() is True


@pytest.mark.parametrize("name, hint", [
    ("../zine", "did you mean 'zine'?"), ("zin", "did you mean 'zine'?"),
    ("./zine", "did you mean 'zine'?"),
    ("q" * 100, "layouts: packet, pocket, zine")])
def test_template_layout_names(tmp_path, name, hint):
    from pamphlet.diagnostics import PamphletError
    from pamphlet.book.layouts import find_layout

    with pytest.raises(PamphletError) as refused:
        find_layout(name, tmp_path / "layouts", tmp_path / "pamphlet.toml", 3)
    assert [(d.code, d.message, d.path, d.line, d.hint) for d in refused.value.diagnostics] == [
        ("L401", f"no layout named '{name[:80]}'", tmp_path / "pamphlet.toml", 3, hint)]


def test_the_pdf_fetcher_is_locked_underneath_too(tmp_path):
    """A second lock: WeasyPrint's own fetcher, beneath ProjectFetcher, takes only data: URLs,
    and would give up on a network address after 5 seconds, should a change ever pass one on."""
    from weasyprint.urls import URLFetcher

    from pamphlet.diagnostics import Diagnostics
    from pamphlet.engine.weasy.api import ProjectFetcher
    from pamphlet.store.paths import Gate

    (tmp_path / "secret.txt").write_text(SECRET)
    fetcher = ProjectFetcher(Gate((tmp_path,)), Diagnostics(), tmp_path / "pamphlet.toml")
    for url in ((tmp_path / "secret.txt").as_uri(), "https://e.org/x.png"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            URLFetcher.fetch(fetcher, url)
    assert fetcher._timeout == 5  # WeasyPrint's name for it


def test_the_template_context_names_every_value(tmp_path):
    """Each name a layout uses maps to its value in the model: renaming one, or dropping the
    event, the cover image or a source, breaks every layout that reads it."""
    import dataclasses
    import datetime as dt

    from pamphlet.book.assemble import assemble
    from pamphlet.book.context import _plain, template_context
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.text.markup import Link, PrintBody, print_html
    from pamphlet.project.spec import Event, load_spec
    from pamphlet.project.select import select

    spec = load_spec(Path(__file__).parent.parent)
    spec = dataclasses.replace(
        spec, event=Event(name="Reading", date=dt.date(2026, 3, 14), agenda=("a", "b")),
        cover=dataclasses.replace(spec.cover, image=tmp_path / "cover.png"))
    diagnostics = Diagnostics()
    pamphlet = assemble(spec, select(spec, diagnostics), diagnostics)
    bodies = {c.anchor: print_html(c.body) for c in pamphlet.chapters}
    context = template_context(pamphlet, {**bodies, "x": PrintBody("<p/>", (Link("u", "t"),))})
    assert context["bodies"]["x"] == {"html": "<p/>", "link_endnotes": [{"url": "u", "text": "t"}]}
    shown = context["pamphlet"]
    assert shown["event"] == {"name": "Reading", "date": pamphlet.event_date, "time": None,
                              "place": None, "host": None, "contact": None, "agenda": ["a", "b"],
                              "end": None, "duration": None, "timezone": None, "url": None}
    assert shown["event_date"] == pamphlet.event_date == "14 March 2026"
    assert shown["cover"]["image"] == (tmp_path / "cover.png").as_uri()
    assert shown["identifier"] == pamphlet.identifier and shown["colophon"] == {
        name: _plain(value) for name, value in dataclasses.asdict(spec.colophon).items()}
    assert shown["spec"] == {
        "cover": shown["cover"], "colophon": shown["colophon"], "pdf": context["settings"],
        "title": spec.title, "subtitle": spec.subtitle, "stem": spec.stem,
        "editors": list(spec.editors), "authors": list(spec.authors), "lang": spec.lang,
        "layout": spec.layout}
    for chapter, seen in zip(pamphlet.chapters, shown["chapters"], strict=True):
        essay = chapter.essay
        assert {key: seen[key] for key in ("number", "slug", "authors", "date", "tags", "summary",
                                           "license", "source")} == {
            "number": chapter.number, "slug": essay.slug, "authors": list(essay.authors),
            "date": _plain(essay.date), "tags": list(essay.tags), "summary": essay.summary,
            "license": essay.license,
            "source": {name: _plain(value) for name, value in
                       dataclasses.asdict(essay.source).items()} if essay.source else None}
    assert any(seen["source"] for seen in shown["chapters"])
    assert _plain((dt.date(2026, 1, 2), None, 1, 2.5, True, "s", [Path("p")])) == \
        ["2026-01-02", None, 1, 2.5, True, "s", ["p"]]
