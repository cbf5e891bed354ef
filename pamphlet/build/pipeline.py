"""One linear `build()`: spec → selection → pamphlet → outputs, all moved into place together."""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache
from ..book.assemble import Pamphlet, assemble
from ..store.atomic import check_free, staging, write_error
from ..diagnostics import Diagnostics, PamphletError, fail
from ..engine.forks import sharing
from ..project.imposition import impose
from ..book.layouts import Layout, find_layout
from ..text.markcache import MarkupCache, markup_folder
from ..outputs.kit import kit_outputs
from ..locale.plural import ngettext
from ..engine.parts import cache_folder
from ..engine.pdf import (PdfResult, in_parts, instruction_page, render_pdf, save_pdf,
                          write_parts)
from ..progress import Progress, Step, silent
from ..store.limits import shielded, time_limit
from ..store import usercache
from ..store.usercache import Store, store_folder
from ..project.printing import check_fits, instructions, print_plan, sheet_size
from ..project.filenames import output_folder, output_names
from ..project.spec import PdfSettings, Spec, control_warnings, load_spec
from ..project.select import select

if TYPE_CHECKING:  # imported where a book is imposed (see _print_outputs)
    from ..outputs.impose import ImposeResult

# Small steps of type size and leading that `fit` tries, nearest to the layout's own first.
FIT_STEPS = ((1.0, 1.0), (0.97, 0.98), (1.03, 1.0), (0.94, 0.97), (1.0, 0.95), (0.97, 0.95))


@dataclass
class BuildResult:
    """What a build made, and everything it had to say."""

    spec: Spec | None = None
    outputs: list[Path] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    pages: int | None = None
    notes: list[str] = field(default_factory=list)  # the print plan, what fit chose
    imposed: ImposeResult | None = None
    up_to_date: bool = False  # nothing was built: the recorded outputs are current

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors


def build(target: Path, out_dir: Path | None = None, encoding: str = "utf-8",
          cache_key: str | None = None, jobs: int = 1,
          progress: Progress = silent) -> BuildResult:
    """Build the spec at `target` (a project folder or a spec file) into `out_dir`.

    All or nothing: the outputs (and, given `cache_key`, the cache record) are made in a
    scratch folder and moved into place together, only once every one is complete. `jobs`
    worker processes lay out the reading PDF's parts; `progress` hears of each step.
    """
    result, started = BuildResult(), time.monotonic()
    try:
        # The spec's own limit is not known before it is read: until then, the default's.
        with time_limit(PdfSettings().time_limit, _stopped(target, PdfSettings().time_limit),
                        started):
            spec = load_spec(target)
    except PamphletError as error:
        result.diagnostics.extend(error.diagnostics)
        return result
    return build_spec(spec, out_dir, encoding, cache_key, result, jobs, progress, started)


def build_spec(spec: Spec, out_dir: Path | None = None, encoding: str = "utf-8",
               cache_key: str | None = None, result: BuildResult | None = None,
               jobs: int = 1, progress: Progress = silent,
               started: float | None = None) -> BuildResult:
    """Build a spec already loaded (from its file, or made for one essay by booklets.py).

    The spec's [pdf] time_limit covers it all, from `started` (a time.monotonic(), by
    default now: when its first byte was read) to the last output moved into place."""
    result = result or BuildResult()
    if (why := usercache.problem()) is not None:
        result.diagnostics.warning(
            "O515", f"the cache in {why}, so nothing is kept for the next build (which "
            "lays everything out again)", usercache.cache_home(),
            hint="set XDG_CACHE_HOME to a folder you can write, or make that one writable")
    control_warnings(spec, result.diagnostics)
    try:
        result.spec = spec
        with time_limit(spec.pdf.time_limit, _stopped(spec.path, spec.pdf.time_limit,
                                                      spec.line_of("pdf", "time_limit")),
                        started):
            pamphlet, layout = _pamphlet(spec, result.diagnostics, encoding,
                                         _markup_cache(spec, out_dir))
            out = output_folder(spec.path, out_dir)
            result.outputs = _made(spec, pamphlet, layout, out, cache_key, result, jobs,
                                   progress)
    except PamphletError as error:
        result.diagnostics.extend(error.diagnostics)
    return result


def _made(spec: Spec, pamphlet: Pamphlet, layout: Layout, out: Path, cache_key: str | None,
          result: BuildResult, jobs: int = 1, progress: Progress = silent) -> list[Path]:
    """Make the outputs in scratch, then move them (and the cache record) into `out`."""
    names = output_names(spec)
    check_free(out, names)
    check_free(out, [cache.RECORD] if cache_key else [], ours=True)
    try:
        with staging(out) as stage:
            _outputs(spec, pamphlet, layout, stage.scratch, result, jobs, progress)
            result.diagnostics.raise_if_errors()
            record = None if cache_key is None else functools.partial(
                cache.stage_record, out, spec=spec.path, key=cache_key, names=names)
            outputs = stage.commit(names, record)
    except OSError as error:  # one a writer let through: the outputs still were not changed
        raise write_error(error, out) from None
    if result.imposed:  # where the imposed PDF now is, rather than where it was made
        result.imposed = dataclasses.replace(result.imposed, path=out / result.imposed.path.name)
    return outputs


def _outputs(spec: Spec, pamphlet: Pamphlet, layout: Layout, scratch: Path,
             result: BuildResult, jobs: int = 1, progress: Progress = silent) -> None:
    """Every output the spec asks for, made in `scratch` under its final name. The EPUB
    is written beside the PDF's stitching and the print PDFs, once it knows where the
    reading PDF's pages begin."""
    ebook = _Ebook(spec, pamphlet, layout, scratch)
    made = _teller(spec, scratch, progress)
    try:
        pdf = _reading_pdf(pamphlet, layout, scratch / f"{spec.stem}.pdf", result, jobs,
                           progress, cache_folder(scratch.parent, spec.stem), ebook.start)
        made()
        ebook.start(pdf.starts)  # if it has not started yet (the whole render)
        if spec.printing:
            _print_outputs(pamphlet, pdf, scratch, result)
            made()
        kit_outputs(spec, pamphlet, layout, pdf, scratch, result.diagnostics, result.notes)
        made()
    except BaseException:
        with shielded():  # it writes into scratch: wait for it, even past the time limit
            ebook.join(Diagnostics(), quietly=True)
        raise
    ebook.join(result.diagnostics)
    made()


class _Ebook:
    """The EPUB (and the Kobo edition made from it), written beside the reading PDF's
    stitching and the print PDFs: in a forked process where the build may fork (one
    thread; the libraries WeasyPrint draws with are not for threads), else in its turn."""

    def __init__(self, spec: Spec, pamphlet: Pamphlet, layout: Layout, scratch: Path):
        self.spec, self.pamphlet, self.layout, self.scratch = spec, pamphlet, layout, scratch
        self.process = self.reply = None
        self.started = False
        self.diagnostics = Diagnostics()

    def start(self, starts) -> None:
        if self.started:
            return
        self.started = True
        if hasattr(os, "fork") and threading.active_count() == 1:
            context = multiprocessing.get_context("fork")
            self.reply, sending = context.Pipe(duplex=False)
            self.process = context.Process(target=self._child, args=(starts, sending),
                                           daemon=True)
            with sharing():
                self.process.start()
            sending.close()
        else:
            self._write(starts, self.diagnostics)

    def _child(self, starts, sending) -> None:
        diagnostics = Diagnostics()
        try:
            self._write(starts, diagnostics)
            sending.send(("ok", list(diagnostics)))
        except PamphletError as error:
            sending.send(("error", list(diagnostics) + error.diagnostics))
        except OSError as error:  # raised again in the build's own process, as it was
            sending.send(("oserror", (error.errno, error.strerror, error.filename)))
        except BaseException as error:  # a bug of ours: said in the build's own process
            sending.send(("bug", f"{type(error).__name__}: {error}"))

    def _write(self, starts, diagnostics: Diagnostics) -> None:
        # Imported here, in the process that writes the e-book: the build's own does not
        # wait for ebooklib, lxml and PDFium to load.
        from ..outputs.epub import write_epub
        from ..outputs.kepub import write_kepub

        spec = self.spec
        covers = Store(store_folder("cover", self.scratch.parent, spec.stem))
        epub = write_epub(self.pamphlet, self.layout, self.scratch / f"{spec.stem}.epub",
                          diagnostics, starts, covers)
        covers.prune()
        damaged(covers, "the e-book's drawn cover", diagnostics)
        if spec.ebook.kobo:  # made from the finished EPUB, which it leaves as it is
            write_kepub(epub.path, self.scratch / f"{spec.stem}.kepub.epub", spec.path)

    def join(self, diagnostics: Diagnostics, quietly: bool = False) -> None:
        """Wait for it; its problems join `diagnostics`, and its failure is raised here.
        `quietly`: the build failed already, so it is stopped."""
        if self.process is None:
            diagnostics.extend(self.diagnostics)
            return
        if quietly:
            self.process.kill()
            self.process.join()
            return
        try:
            kind, value = self.reply.recv()
        except EOFError:  # it died
            raise fail("O511", "the process writing the EPUB died (killed, or out of "
                       "memory)", self.spec.path, hint="build again; if it keeps dying, "
                       "build with --jobs 1") from None
        finally:
            self.process.join()
        if kind == "oserror":
            raise OSError(*value)
        if kind == "bug":
            raise RuntimeError(f"while writing the EPUB: {value}")
        if kind == "error":
            raise PamphletError(value)
        diagnostics.extend(value)


def _teller(spec: Spec, scratch: Path, progress: Progress):
    """A call that tells `progress` of each output now in `scratch` and not told of before,
    in the order `output_names` lists them (a stage may make several, or none)."""
    waiting = output_names(spec)

    def made() -> None:
        for name in [name for name in waiting if (scratch / name).exists()]:
            waiting.remove(name)
            progress(Step("output", spec.path, name=name))
    return made


def _stopped(path: Path, seconds: int, line: int | None = None):
    """What a build says when its time limit stops it (O504)."""
    return lambda: fail("O504", f"the build took longer than {seconds} s and was stopped",
                        Path(path), line,
                        hint="raise [pdf] time_limit, or split the pamphlet into packets")


def _pamphlet(spec: Spec, diagnostics: Diagnostics, encoding: str,
              cache: MarkupCache | None = None) -> tuple[Pamphlet, Layout]:
    """The pamphlet, assembled with its layout's words, and the layout."""
    essays = select(spec, diagnostics, encoding)
    diagnostics.raise_if_errors()
    layout = find_layout(spec.layout, spec.layouts_dir, spec.path, spec.line_of("layout"),
                         spec.gate)
    pamphlet = assemble(spec, essays, diagnostics, cache,
                        layout.catalogs(spec.lang, diagnostics))
    if cache is not None:
        cache.prune()  # the entries of essays that changed, or left the selection
        damaged(cache, "an essay's converted Markdown", diagnostics)
    diagnostics.raise_if_errors()
    return pamphlet, layout


def damaged(cache, what: str, diagnostics: Diagnostics) -> None:
    """A warning (O516) for each entry of `cache` that could not be read back, and was
    made again."""
    for key in cache.damaged:
        diagnostics.warning("O516", f"{what} kept in the cache could not be read back, so it "
                            "was made again", cache.folder / key if cache.folder else None,
                            hint="nothing to do; if it keeps happening, check the disk")


def _markup_cache(spec: Spec, out_dir: Path | None) -> MarkupCache | None:
    """The essays' Markdown conversions kept for the output folder (markcache.py); none
    for an output folder that cannot be built (reported once the essays are read)."""
    try:
        return MarkupCache(markup_folder(output_folder(spec.path, out_dir), spec.stem))
    except PamphletError:
        return None


def _reading_pdf(pamphlet: Pamphlet, layout: Layout, target: Path, result: BuildResult,
                 jobs: int = 1, progress: Progress = silent,
                 parts: Path | None = None, laid_out=None) -> PdfResult:
    """The reading PDF: laid out in parts (cached in `parts`), or as one document when the
    spec asks, when the book is short (render = "auto", see engine/pdf.py: in_parts), or
    when print.fit tries type sizes (each try is the whole book). `laid_out(starts)` hears
    where its pages begin once they are laid out, before they are written."""
    spec = pamphlet.spec
    if in_parts(pamphlet) and not (spec.printing and spec.printing.fit):
        pdf = write_parts(pamphlet, layout, target, result.diagnostics, jobs, progress, parts,
                          laid_out)
        if pdf is not None:  # else the layout's counters run across essays (O513)
            result.pages = pdf.pages
            return pdf
    document = render_pdf(pamphlet, layout, result.diagnostics)
    if spec.printing and spec.printing.fit:
        document = _fit(pamphlet, layout, document, result)
    pdf = save_pdf(document, pamphlet, target, result.diagnostics, laid_out=laid_out)
    result.pages = pdf.pages
    return pdf


def _fit(pamphlet: Pamphlet, layout: Layout, document, result: BuildResult):
    """Try FIT_STEPS in order; keep the first that needs the least paper, then fewest blanks."""
    from ..outputs.wrap import block_pages

    settings = pamphlet.spec.printing
    def cost(pages: int) -> tuple[int, int]:
        padded = block_pages(pages, settings)[0] if settings.scheme == "perfect" else len(
            impose(settings.scheme, pages, 1, settings.signature).sequence)
        return padded, padded - pages
    best, best_step = document, FIT_STEPS[0]
    for step in FIT_STEPS[1:]:
        if cost(len(best.pages))[1] == 0:
            break
        size, leading = step
        css = (f"body {{ font-size: {size * 100:.0f}% !important; }} "
               f"p, li {{ line-height: {1.4 * leading:.3f} !important; }}")
        candidate = render_pdf(pamphlet, layout, result.diagnostics, css)
        if cost(len(candidate.pages)) < cost(len(best.pages)):
            best, best_step = candidate, step
    size, leading = best_step
    padded, blanks = cost(len(best.pages))
    result.notes.append(f"fit: type {size:.0%}, leading {leading:.0%}: "
                        f"{ngettext('{n} page', '{n} pages', len(best.pages))}, "
                        f"{blanks} blank when printed on {padded} pages")
    return best


def _print_outputs(pamphlet: Pamphlet, pdf: PdfResult, scratch: Path,
                   result: BuildResult) -> None:
    """The imposed PDF, its grayscale twin, and the print plan (in the book's language)."""
    # Imported only for a book that is printed: pypdf and the print stack cost a plain
    # book's build a good part of its imports.
    from ..outputs.grayscale import grayscale_pdf
    from ..outputs.impose import impose_pdf
    from ..outputs.wrap import perfect_plan, write_block

    spec, words = pamphlet.spec, pamphlet.words
    settings = spec.printing
    if settings.scheme == "perfect":  # the pages stay in reading order, the cover apart
        block = write_block(pdf.path, scratch / f"{spec.stem}-print.pdf", settings)
        if "print-bw" in settings.variants:
            grayscale_pdf(block.path, scratch / f"{spec.stem}-print-bw.pdf")
        result.notes.append(perfect_plan(pdf.pages, settings, words))
        return
    check_fits(settings, spec.pdf.page_size, result.diagnostics, (spec.path, spec.line_of("print")))
    preface = None
    if settings.instructions:
        name, size = sheet_size(settings, spec.pdf.page_size)
        plan = impose(settings.scheme, pdf.pages, pdf.back_matter, settings.signature)
        sheets = len(plan.sheets)
        preface = scratch / ".instructions.pdf"
        instruction_page(pamphlet.title, "", instructions(settings, sheets, name, words),
                         (size[1], size[0]) if plan.landscape else size, preface, words)
    imposed = impose_pdf(pdf.path, settings, scratch / f"{spec.stem}-print.pdf",
                         pdf.back_matter, spec.pdf.page_size, preface)
    result.imposed = imposed
    if "print-bw" in settings.variants:
        grayscale_pdf(imposed.path, scratch / f"{spec.stem}-print-bw.pdf")
    result.notes.append(print_plan(imposed.pages, imposed.padded, imposed.sheets, imposed.sides,
                                   imposed.sheet_name, settings, words))
