"""The seam to pandoc's citeproc: a book's citations formatted in one pandoc process a core.

pandoc is the reference implementation of citations in Markdown, and pypandoc-binary ships
it inside its wheel, so `pip install pamphlet` brings it (a pandoc on PATH serves where the
wheel has none). A book's documents (each essay, or the whole book, and the Sources) are
jobs: pandoc's Markdown holding only the citations, in their order and notes, with the
CSL JSON of the works they may cite. One process reads every job through citeproc.lua and
writes each as HTML (a book of many essays shares its jobs among one process a core, never
one process an essay or a citation). Results are kept in the user's cache, keyed by everything a job is made
from, so an edit to one essay formats only its citations again.

Diagnostic codes: R110 pandoc cannot be run (missing, too old, failed, too slow).
"""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import fail
from ..store.usercache import Store

FILTER = Path(__file__).with_name("citeproc.lua")
REFERENCES = Path(__file__).with_name("references.lua")
MINIMUM = (3, 1, 1)  # pandoc.json and pandoc.utils.citeproc in Lua filters
TIMEOUT = 600  # seconds for one book's citations; the build's own time limit also applies
FORMAT = "1"  # of a cached result
JOBS_A_PROCESS = 8  # fewer jobs than twice this are formatted in one process


@dataclass(frozen=True)
class Job:
    """One document for citeproc: its Markdown body and what its YAML block says."""

    name: str
    body: str  # pandoc Markdown: the citations, each in a div or span with its id
    items: tuple[dict, ...]  # the CSL JSON of the works it may cite
    nocite: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)  # lang, link-citations, ...


@functools.cache
def pandoc() -> tuple[str, tuple[int, ...]]:
    """The pandoc to run and its version: the wheel's, else one on PATH (R110 if none)."""
    try:
        import pypandoc
        path = pypandoc.get_pandoc_path()
    except (ImportError, OSError, RuntimeError):
        path = "pandoc"
    try:
        shown = subprocess.run([path, "--version"], capture_output=True, text=True,
                               timeout=60, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        raise fail("R110", "pandoc, which formats citations, cannot be run", None,
                   hint="pip install pypandoc-binary (it carries pandoc), or install pandoc "
                        "3.1.1 or newer") from None
    version = tuple(int(n) for n in re.findall(r"\d+", shown.split("\n")[0])[:3])
    if version < MINIMUM:
        raise fail("R110", f"pandoc {'.'.join(map(str, version))} is too old to format "
                   "citations", None, hint="pip install pypandoc-binary, or install pandoc "
                   f"{'.'.join(map(str, MINIMUM))} or newer")
    return path, version


class Unreadable(Exception):
    """A bibliography pandoc cannot read: its message and the line it names."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message, self.line = message, line


def to_csl_json(data: bytes, name: str, lang: str, store: Store | None = None) -> list[dict]:
    """A BibTeX or BibLaTeX file's entries as CSL JSON, as pandoc's citeproc reads them for
    a document in `lang` (titles are sentence-cased for English works only); raises
    Unreadable, with pandoc's message and line, when the file does not parse."""
    path, version = pandoc()
    key = _key("bibtex", version, lang, data)
    if store is not None and isinstance(found := store.get(key), list):
        return found
    with tempfile.TemporaryDirectory(prefix="pamphlet-bib-") as folder:
        source = Path(folder) / ("library" + Path(name).suffix.lower())
        source.write_bytes(data)
        done = _run([path, "-f", "markdown", "-t", "csljson", "--bibliography", str(source),
                     "--lua-filter", str(REFERENCES)], folder,
                    f"---\nlang: {json.dumps(lang)}\nnocite: \"@*\"\n---\n")
    if done.returncode != 0:
        message = " ".join(done.stderr.split("stack traceback")[0].split())
        line = re.search(r"line (\d+)", message)
        raise Unreadable(re.sub(r"^.*?Error reading bibliography file [^:]*: ", "", message)[:300],
                         int(line.group(1)) if line else None)
    items = json.loads(done.stdout or "[]")
    if store is not None:
        store.put(key, items)
    return items


def run(jobs: list[Job], style: bytes, store: Store | None = None) -> dict[str, str]:
    """Each job's HTML as pandoc's citeproc writes it, in `style` (a CSL style's XML)."""
    path, version = pandoc()
    results: dict[str, str] = {}
    keys = {job.name: _key("job", version, style, _job_text(job).encode()) for job in jobs}
    if store is not None:
        for job in jobs:
            if isinstance(found := store.get(keys[job.name]), str):
                results[job.name] = found
    todo = [job for job in jobs if job.name not in results]
    if todo:
        made = _in_parallel(todo, style, path)
        for job in todo:
            results[job.name] = made[job.name]
            if store is not None:
                store.put(keys[job.name], made[job.name])
    return results


def _in_parallel(jobs: list[Job], style: bytes, path: str) -> dict[str, str]:
    """The jobs shared among as many pandoc processes as there are cores (a book of many
    essays), each job whole in one of them."""
    shares = max(1, min(os.cpu_count() or 1, len(jobs) // JOBS_A_PROCESS))
    if shares == 1:
        return _format(jobs, style, path)
    made: dict[str, str] = {}
    with concurrent.futures.ThreadPoolExecutor(shares) as pool:
        for part in pool.map(lambda k: _format(jobs[k::shares], style, path), range(shares)):
            made.update(part)
    return made


def _format(jobs: list[Job], style: bytes, path: str) -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="pamphlet-cite-") as name:
        folder = Path(name)
        (folder / "style.csl").write_bytes(style)
        documents = []
        for number, job in enumerate(jobs):
            references = folder / f"references-{number}.json"
            references.write_text(json.dumps(list(job.items)), encoding="utf-8")
            documents.append({"name": job.name,
                              "markdown": _document(job, references, folder / "style.csl")})
        (folder / "jobs.json").write_text(json.dumps(documents), encoding="utf-8")
        done = _run([path, "-f", "markdown", "-t", "plain", "-o", os.devnull,
                     "--lua-filter", str(FILTER), "-M", f"pamphlet-jobs={folder / 'jobs.json'}",
                     "-M", f"pamphlet-out={folder / 'out.json'}"], name)
        if done.returncode != 0 or not (folder / "out.json").is_file():
            raise fail("R110", "pandoc could not format the citations: "
                       + " ".join(done.stderr.split())[:400], None,
                       hint="this is a bug of pamphlet's if the style and bibliography load "
                            "in pandoc itself; please report it")
        return json.loads((folder / "out.json").read_text(encoding="utf-8"))


def _document(job: Job, references: Path, style: Path) -> str:
    """The job as a whole pandoc Markdown document (the YAML block as JSON, which is YAML)."""
    meta = {**job.meta, "bibliography": str(references), "csl": str(style),
            "link-citations": True}
    head = "".join(f"{json.dumps(key)}: {json.dumps(value)}\n" for key, value in meta.items())
    nocite = "".join(f"\n  @{_key_text(key)}" for key in job.nocite)
    return f"---\n{head}" + (f"nocite: |{nocite}\n" if nocite else "") + \
        f"---\n\n{job.body}\n"


def _key_text(key: str) -> str:
    return key if re.fullmatch(r"\w[\w:.#$%&\-+?<>~/]*", key) and key[-1].isalnum() \
        else "{" + key + "}"


def _job_text(job: Job) -> str:
    return json.dumps([job.body, job.items, job.nocite, job.meta], sort_keys=True)


def _run(command: list[str], folder: str, stdin: str = "") -> subprocess.CompletedProcess:
    try:  # +RTS -M: pandoc's own bound on its memory, against a hostile file
        return subprocess.run(command + ["+RTS", "-M2g", "-RTS"], capture_output=True,
                              text=True, timeout=TIMEOUT, cwd=folder, input=stdin)
    except subprocess.TimeoutExpired:
        raise fail("R110", f"pandoc took more than {TIMEOUT} seconds to format the citations",
                   None, hint="a bibliography of millions of entries? cite from a smaller "
                   "export") from None
    except OSError as error:
        raise fail("R110", f"pandoc cannot be run: {error.strerror or error}", None,
                   hint="pip install pypandoc-binary") from None


def _key(*parts) -> str:
    digest = hashlib.sha256(f"{FORMAT}|{FILTER.read_bytes()!r}|{REFERENCES.read_bytes()!r}".encode())
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()
