"""The quick mutation check CI runs: hand-picked one-line bugs that the tests must catch.

Each mutant is a one-line edit at a point where a silent bug does harm (selection,
imposition, the cache, the spec schema, what markup, assemble and the outputs decide to
print, the sanitiser, the path gate, the URL fetcher, the template sandbox). Each is
applied on its own to a fresh temporary copy of pamphlet/ and layouts/, never to the
working tree, and only the tests named for it run (-x). Every mutant must make them fail. The check lists any mutant that survives and exits 1.

A mutant is found by a short snippet of the source. If the snippet is no longer there, or
is there more than once, the check fails too: someone changed that code, so update the
mutant list (do not delete the mutant to make the check pass).

    python bench/mutants.py              # all mutants, two at a time
    python bench/mutants.py -k cache     # the mutants whose name contains 'cache'
    python bench/mutants.py --baseline   # the same tests without the edits: all must pass

CI runs it after the whole suite has passed, so a mutant's tests cannot fail for another
reason.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COPIED = ("pamphlet", "layouts")  # what a mutant may edit; the tests run from the repository


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str  # relative to the repository
    old: str  # a snippet that occurs exactly once in the file
    new: str
    tests: tuple[str, ...]  # pytest node ids, relative to the repository
    keyword: str = ""  # a pytest -k expression, to run fewer tests


MUTANTS = [
    # select: what goes into the pamphlet, in which order.
    Mutant("select: undated essays first", "pamphlet/project/select.py",
           "(essay.date is None, essay.date or", "(essay.date is not None, essay.date or",
           ("tests/test_packets.py",), "choose"),
    Mutant("select: tags_any means all", "pamphlet/project/select.py",
           "set(rules.tags_any) & set(essay.tags)", "set(rules.tags_any) <= set(essay.tags)",
           ("tests/test_packets.py",), "choose"),
    Mutant("select: exclusions ignored", "pamphlet/project/select.py",
           "if essay.slug not in rules.exclude]", "if essay]",
           ("tests/test_packets.py",), "choose"),
    Mutant("select: limit off by one", "pamphlet/project/select.py",
           "chosen[:rules.limit] if", "chosen[:rules.limit + 1] if",
           ("tests/test_packets.py",), "choose"),
    # imposition: which page goes where on the sheet.
    Mutant("imposition: wrong page on the fold", "pamphlet/project/imposition.py",
           "front = [Cell(leaves[n - 1 - 2 * k], 0", "front = [Cell(leaves[n - 2 - 2 * k], 0",
           ("tests/test_imposition.py",), "saddle"),
    Mutant("imposition: back side for the wrong flip", "pamphlet/project/imposition.py",
           "    if flips_vertically(flip, landscape):", "    if not flips_vertically(flip, landscape):",
           ("tests/test_imposition.py",), "saddle"),
    Mutant("imposition: back cover not kept last", "pamphlet/project/imposition.py",
           "keep = min(keep_last, max(pages - 1, 0))", "keep = min(keep_last, pages)",
           ("tests/test_imposition.py",), "padding or blanks"),
    Mutant("imposition: signature ties go to the smaller", "pamphlet/project/imposition.py",
           "candidates = range(high - high % 4, max(low, 4) - 1, -4)",
           "candidates = range(max(low, 4), high - high % 4 + 1, 4)",
           ("tests/test_imposition.py",), "signature_sizes"),
    Mutant("imposition: right binding not mirrored", "pamphlet/project/imposition.py",
           'return _mirrored(booklet) if binding == "right" else booklet', "return booklet",
           ("tests/test_imposition.py",), "right"),
    # cache: a stale output must never count as up to date.
    Mutant("cache: intro file and cover image left out", "pamphlet/build/cache.py",
           "files = [spec, *_named_files(spec, root), *essays,", "files = [spec, *essays,",
           ("tests/test_library.py",), "files_the_spec"),
    Mutant("cache: changed output not noticed", "pamphlet/build/cache.py",
           'if path.parent != out.resolve() or _file_hash(path, out) != entry["outputs"][str(path)]:',
           "if path.parent != out.resolve():",
           ("tests/test_library.py",), "changed_output"),
    # schema: a mistake in a spec is reported, not ignored.
    Mutant("schema: choices not checked", "pamphlet/project/schema.py",
           "if spec.choices and value not in spec.choices:", "if False:",
           ("tests/test_diagnostics.py::test_bad_input[bad choice]",)),
    Mutant("schema: unknown keys accepted", "pamphlet/project/schema.py",
           "                self._unknown(key, prefix, table)", "                pass",
           ("tests/test_diagnostics.py::test_bad_input[unknown key]",)),
    Mutant("schema: required keys not required", "pamphlet/project/schema.py",
           "elif spec.required and key not in data:", "elif False:",
           ("tests/test_diagnostics.py::test_bad_input[missing title]",)),
    # markup and the sanitiser: what an essay may put on the page.
    Mutant("sanitiser: style attributes kept", "pamphlet/text/sanitiser.py",
           '"*": {"id", "class", "lang", "dir", "title"}',
           '"*": {"id", "class", "lang", "dir", "title", "style"}',
           ("tests/test_markup.py",), "allow_list"),
    # (nh3 and clean_tree both drop javascript: links; one is enough to keep them off the
    # page, so the one-line bug that shows is the scheme counted as safe: no M305 warning.)
    Mutant("sanitiser: javascript: links counted as external", "pamphlet/text/sanitiser.py",
           'EXTERNAL_SCHEMES = ("http", "https", "ftp", "mailto")',
           'EXTERNAL_SCHEMES = ("http", "https", "ftp", "mailto", "javascript")',
           ("tests/test_markup.py",), "javascript"),
    Mutant("markup: image outside the project used", "pamphlet/text/markup.py",
           "            return self.gate.check(self.essay.path.parent",
           '            return Gate((Path("/"),)).check(self.essay.path.parent',
           ("tests/test_diagnostics.py::test_bad_input[image outside the project]",)),
    Mutant("markup: a note called twice repeats its id", "pamphlet/text/markup.py",
           "        if number not in seen:\n            ref.set(", "        if True:\n            ref.set(",
           ("tests/test_epub.py",), "twice"),
    Mutant("markup: any list item in the notes block is a note", "pamphlet/text/markup.py",
           "return f\"./div[@class='footnote']/ol/li[contains(@id, '{self.mark}')]\"",
           "return \"./div[@class='footnote']//li\"",
           ("tests/test_mutation_markup.py",), "raw_html"),
    Mutant("markup: link URLs not printed as footnotes", "pamphlet/text/markup.py",
           'elif link_notes == "footnote":', 'elif link_notes != "footnote":',
           ("tests/test_markup.py",), "print_html"),
    # assemble and the outputs: the titles as printed, the running heads.
    Mutant("assemble: titles without smart typography", "pamphlet/book/assemble.py",
           "    title = smarten(essay.title, lang)\n", "    title = essay.title\n",
           ("tests/test_pdf.py",), "contents_page_numbers"),
    Mutant("epub: nav shows raw titles", "pamphlet/outputs/epub.py",
           "toc.append(epub.Link(item.file_name, chapter.title,",
           "toc.append(epub.Link(item.file_name, chapter.essay.title,",
           ("tests/test_epub.py",), "nav_ncx and notes"),
    Mutant("epub: an essay's document in the book's language", "pamphlet/outputs/epub.py",
           "_page(book, chapter.anchor, chapter.title, chapter.lang,",
           "_page(book, chapter.anchor, chapter.title, lang,",
           ("tests/test_mutation_epub.py",), "spine_and_documents"),
    Mutant("layout: right-to-left running heads not swapped", "layouts/zine/pamphlet.html",
           '{% if pamphlet.dir == "rtl" %}', "{% if false %}",
           ("tests/test_scripts.py",), "running_heads"),
    Mutant("import: no-break space cut from a title's edge", "pamphlet/importers/text.py",
           'title, body = lines[0].strip(" \\t"), ', "title, body = lines[0].strip(), ",
           ("tests/test_import.py",), "edges"),
    # the reading PDF in parts: placing, stitching, caching.
    Mutant("parts: a part kept though the pages it refers to moved",
           "pamphlet/engine/partlayout.py",
           "    if any(placement.foreign.get(name) != page for name, page in laid.used.items()):",
           "    if False:", ("tests/test_parts.py",), "single_render and sample"),
    Mutant("stitch: the parts' named destinations dropped", "pamphlet/engine/stitch.py",
           "    _set_dests(book, dests)\n", "", ("tests/test_parts.py",),
           "single_render and sample"),
    Mutant("parts: a moved part renumbered though a page its text names moved",
           "pamphlet/engine/parts.py", "            fits = all(placement.foreign.get(anchor) == page",
           "            fits = True or all(placement.foreign.get(anchor) == page",
           ("tests/test_parts.py",), "grows"),
    Mutant("parts: @page :first matches every part's first page",
           "pamphlet/engine/weasy/patches.py", "    if state is not None and state.offset:",
           "    if False:", ("tests/test_parts.py",), "selectors"),
    Mutant("parts: a counter across essays not laid out whole", "pamphlet/engine/pdf.py",
           "    if written.crossing or written.texts or written.running:",
           "    if written.texts or written.running:", ("tests/test_parts.py",),
           "counter_across"),
    Mutant("parts: a cached layout trusted though a file it loaded changed",
           "pamphlet/engine/parts.py", "    return isinstance(inputs, dict) and all(",
           "    return True or all(", ("tests/test_parts.py",), "every_part and image"),
    Mutant("parts: the time limit swallowed while the build waits for its workers",
           "pamphlet/engine/parts.py", "                except queue.Empty:",
           "                except Exception:", ("tests/test_parts_plan.py",),
           "stops_the_build"),
    # print geometry: the press file's bleed, boxes, marks and colours; the test sheet's
    # rulers and flip; the wraparound cover's spine.
    Mutant("press: the bleed asked of WeasyPrint in millimetres", "pamphlet/outputs/press.py",
           'return f"@page {{ bleed: {settings.bleed:.3f}pt; }}"',
           'return f"@page {{ bleed: {settings.bleed:.3f}mm; }}"',
           ("tests/test_press_file.py",), "bleed_is_asked"),
    Mutant("press: the bleed box is the trim box", "pamphlet/outputs/press.py",
           "page.bleedbox = RectangleObject((left - bleed, bottom - bleed, right + bleed, "
           "top + bleed))", "page.bleedbox = RectangleObject((left, bottom, right, top))",
           ("tests/test_press_file.py",), "boxes_stand"),
    Mutant("press: crop marks inside the bleed", "pamphlet/outputs/press.py",
           "near, far = bleed + MARK_GAP, bleed + MARK_GAP + MARK",
           "near, far = MARK_GAP, MARK_GAP + MARK", ("tests/test_press_file.py",), "crop_marks"),
    Mutant("press: CMYK fill and stroke swapped", "pamphlet/outputs/press.py",
           '"k" if operator == "rg" else "K"', '"K" if operator == "rg" else "k"',
           ("tests/test_press_file.py",), "rgb_spaces"),
    Mutant("testsheet: the inch ruler in millimetres", "pamphlet/outputs/testsheet.py",
           '(30 * _MM, 9.0, 32, 8, "in")', '(30 * _MM, _MM, 32, 8, "in")',
           ("tests/test_testsheet.py",), "ruler"),
    Mutant("testsheet: the back's letters turned the wrong way", "pamphlet/outputs/testsheet.py",
           "return (width - x, y) if vertical else (x, height - y)",
           "return (x, height - y) if vertical else (width - x, y)",
           ("tests/test_testsheet.py",), "behind"),
    Mutant("wrap: the spine as thick as every page, covers too", "pamphlet/outputs/wrap.py",
           "    pages = len(interior(reading_pages))", "    pages = reading_pages",
           ("tests/test_wrap.py",), "spine_as_thick"),
    Mutant("wrap: spine text turned against the language", "pamphlet/outputs/wrap.py",
           "return 90 if lang.split", "return -90 if lang.split",
           ("tests/test_wrap.py",), "turns_by"),
    Mutant("wrap: the block's blank pages counted the wrong way round", "pamphlet/outputs/wrap.py",
           "-pages % page_multiple(settings)", "pages % page_multiple(settings)",
           ("tests/test_wrap.py",), "multiple"),
    # the reading PDF's parts joined, and the e-book's page markers.
    Mutant("stitch: parent tree keys overlapping", "pamphlet/engine/stitch.py",
           "nums += [int(part_nums[at]) + base,", "nums += [int(part_nums[at]) + base - 1,",
           ("tests/test_stitch.py",), "never_overlap"),
    Mutant("stitch: a part's keys numbered from the part before it alone",
           "pamphlet/engine/stitch.py", "    return base + _next_key(part_nums)",
           "    return _next_key(part_nums)", ("tests/test_stitch.py",), "between"),
    Mutant("stitch: a part's later bookmarks keep the part's own outline as parent",
           "pamphlet/engine/stitch.py",
           '        item.Parent = root\n        if "/Next" not in item:',
           "        item.Parent = root\n        if True:", ("tests/test_stitch.py",), "between"),
    Mutant("stitch: an image's PNG predictor dropped", "pamphlet/engine/stitch.py",
           'decode_parms=obj.get("/DecodeParms")', "decode_parms=None",
           ("tests/test_stitch.py",), "between"),
    Mutant("stitch: the outline's count is the last part's", "pamphlet/engine/stitch.py",
           'root.Count = int(root.get("/Count", 0)) + int(copied.get("/Count", 0))',
           'root.Count = int(copied.get("/Count", 0))', ("tests/test_stitch.py",), "outline"),
    Mutant("pagebreaks: note calls counted as the page's letters", "pamphlet/engine/pagebreaks.py",
           'EBOOK_ONLY = frozenset({"noteref", "footnotes", "footnote"})',
           'EBOOK_ONLY = frozenset({"footnotes", "footnote"})',
           ("tests/test_pagebreaks.py",), "note_calls"),
    Mutant("kepub: Kobo's spans in the navigation document", "pamphlet/outputs/kepub.py",
           ' and "nav" not in properties:', ":", ("tests/test_kepub.py",), "small_epub"),
    Mutant("booklets: the project's licence before the essay's own", "pamphlet/build/booklets.py",
           "license=essay.license or base.colophon.license",
           "license=base.colophon.license or essay.license",
           ("tests/test_booklet_specs.py",), "its_essay_with"),
    # importers: what an import keeps of a post.
    Mutant("wxr: a gallery's images by id, not in WordPress's order", "pamphlet/importers/wxr.py",
           "key=lambda p: (p[1].order, p[0]))", "key=lambda p: p[0])",
           ("tests/test_import_wxr.py",), "order_wordpress"),
    Mutant("static sites: a post dated today taken for a scheduled one",
           "pamphlet/importers/static_site.py", "if date and date > run.today.isoformat():",
           "if date and date >= run.today.isoformat():", ("tests/test_import_sites.py",),
           "dated_today"),
    Mutant("web pages: the title from the last h1, not the first", "pamphlet/importers/html_meta.py",
           'first = next((h for h in headings(page, ("h1",)) if h), None)',
           'first = next((h for h in reversed(headings(page, ("h1",))) if h), None)',
           ("tests/test_html_meta.py",), "first_heading"),
    # the web app and the site: what they send, and which files a shard may bring.
    Mutant("serve: a file in a hidden folder sent", "pamphlet/serve/guard.py",
           "if any(ignored(Path(part)) for part in parts.parts):",
           "if any(ignored(Path(part)) for part in parts.parts[-1:]):",
           ("tests/test_serve_guard.py",), "anything_else"),
    Mutant("serve: a download that is not one of the job's outputs", "pamphlet/serve/app.py",
           'if not job or not job.result or name not in job.result.get("outputs", []):',
           "if not job or not job.result:", ("tests/test_serve_guard.py",), "download"),
    Mutant("serve: a save without its last look at the file on disk",
           "pamphlet/serve/packet_form.py", "            _unchanged(path, version)\n",
           "            pass\n", ("tests/test_packet_form.py",), "changed_on_disk_while"),
    Mutant("site: a tag's page named by the tag when only its start is plain",
           "pamphlet/site/units.py", "if _PLAIN.fullmatch(tag):", "if _PLAIN.match(tag):",
           ("tests/test_site_model.py",), "tags_page_name"),
    Mutant("gather: a record's files matched by the folder's prefix", "pamphlet/site/gather.py",
           'p.split("/")[0] in ("files", "covers", "media")',
           'p.startswith(("files", "covers", "media"))', ("tests/test_site_model.py",),
           "record"),
    Mutant("feeds: the OPDS root's sections as navigation feeds", "pamphlet/site/feeds.py",
           '_el(entry, "link", rel=rel, href=urls(path), type=ACQUISITION)',
           '_el(entry, "link", rel=rel, href=urls(path), type=NAVIGATION)',
           ("tests/test_site_model.py",), "opds_root"),
    Mutant("atomic: a leftover matched by its name's start", "pamphlet/store/atomic.py",
           "if not LEFTOVER.fullmatch(entry.name):", "if not LEFTOVER.match(entry.name):",
           ("tests/test_atomic.py",), "only_names"),
    Mutant("atomic: an output writable by everyone", "pamphlet/store/atomic.py",
           "def atomic_output(target: Path, mode: int = 0o644):",
           "def atomic_output(target: Path, mode: int = 0o666):",
           ("tests/test_atomic.py",), "replaces_the_old"),
    Mutant("atomic: a live build's scratch cleared", "pamphlet/store/atomic.py",
           "handle = _lock(Path(entry.path), wait=False, follow=False)",
           "handle = None", ("tests/test_atomic.py",), "live_builds"),
    # the sandbox: the path gate, the URL fetcher, the template environment.
    Mutant("paths: containment as a string prefix", "pamphlet/store/paths.py",
           "        if not any(resolved.is_relative_to(root) for root in self.roots):",
           "        if not any(str(resolved).startswith(str(root)) for root in self.roots):",
           ("tests/test_trust.py",), "sibling"),
    Mutant("paths: a FIFO or a folder read as a file", "pamphlet/store/paths.py",
           "if not stat.S_ISREG(info.st_mode):", "if False:",
           ("tests/test_trust.py",), "regular_file"),
    Mutant("paths: size not checked before reading", "pamphlet/store/paths.py",
           "if info.st_size > self.limit:", "if False:",
           ("tests/test_trust.py",), "size_limit_to_the_byte"),
    Mutant("fetcher: a refused file loaded anyway", "pamphlet/engine/weasy/api.py",
           "                self._refuse(url, refused.diagnostics[0].message)\n",
           "                self.diagnostics.warning(\"S901\", f\"refused to load {url}: \"\n"
           "                                         + refused.diagnostics[0].message, self.path)\n"
           "                return URLFetcherResponse(url, target.read_bytes(), {})\n",
           ("tests/test_trust.py",), "pdf_fetcher_loads_only"),
    Mutant("layouts: a plain Environment, not the sandbox", "pamphlet/book/layouts.py",
           "    env = _Sandbox(\n", "    env = jinja2.Environment(\n",
           ("tests/test_trust.py",), "payloads and globals"),
    Mutant("layouts: lipsum left in the globals", "pamphlet/book/layouts.py",
           'env.globals.pop("lipsum", None)', "pass",
           ("tests/test_trust.py",), "lipsum"),
    # the book's words: a collective's text is text, a count takes the language's plural.
    Mutant("layouts: a template's words marked safe unescaped", "pamphlet/book/layouts.py",
           "    return Markup(fill(str(escape(text)),", "    return Markup(fill(str(text),",
           ("tests/test_messages.py",), "escape"),
    Mutant("words: a count's form as English picks it", "pamphlet/locale/words.py",
           ".npgettext(key, singular, plural, n)", ".npgettext(key, singular, plural, min(n, 2))",
           ("tests/test_messages.py",), "plural_words"),
]


@dataclass(frozen=True)
class Outcome:
    mutant: Mutant
    status: str  # killed, survived, stale (snippet not found once) or error
    seconds: float
    detail: str = ""


def copy_package(root: Path) -> None:
    """pamphlet/ and layouts/ copied into `root`, without compiled files."""
    for name in COPIED:
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))


def apply(mutant: Mutant, root: Path, baseline: bool = False) -> str | None:
    """Copy the package into `root` and apply the mutant there (`baseline`: find the snippet
    but leave the code as it is); an error message or None."""
    copy_package(root)
    target = root / mutant.path
    text = target.read_text(encoding="utf-8")
    count = text.count(mutant.old)
    if count != 1:
        return (f"the snippet {mutant.old!r} occurs {count} times in {mutant.path}: "
                "update the mutant list")
    if not baseline:
        target.write_text(text.replace(mutant.old, mutant.new), encoding="utf-8")
    return None


def run(mutant: Mutant, baseline: bool = False) -> Outcome:
    """Apply one mutant to a temporary copy and run its tests against it."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pamphlet-mutant-") as folder:
        # The tests' own files go beside the copy, not under the working directory, so the
        # command line shows their paths in full, as the tests expect.
        root, basetemp = Path(folder) / "copy", Path(folder) / "pytest"
        problem = apply(mutant, root, baseline)
        if problem:
            return Outcome(mutant, "stale", time.monotonic() - start, problem)
        env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
        # -P: the working tree's own pamphlet/ must not come first on the path.
        command = [sys.executable, "-P", "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                   f"--basetemp={basetemp}",
                   *(str(REPO / test) for test in mutant.tests)]
        if mutant.keyword:
            command += ["-k", mutant.keyword]
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    last = (done.stdout.strip().splitlines() or [""])[-1]
    if baseline:
        return Outcome(mutant, "passed" if done.returncode == 0 else "error", seconds, last)
    if done.returncode == 1:
        failed = next((line[7:].split(" - ")[0] for line in done.stdout.splitlines()
                       if line.startswith("FAILED ")), last)
        return Outcome(mutant, "killed", seconds, failed.rsplit("/", 1)[-1])
    if done.returncode == 0:
        return Outcome(mutant, "survived", seconds, last)
    return Outcome(mutant, "error", seconds, f"pytest exit {done.returncode}: {last}\n"
                   + done.stderr[-2000:])


def check_isolation() -> str | None:
    """The tests must import the mutated copy, not the working tree: a reason if they don't."""
    with tempfile.TemporaryDirectory(prefix="pamphlet-mutant-") as folder:
        copy_package(Path(folder))
        found = subprocess.run(
            [sys.executable, "-P", "-c", "import pamphlet.book.layouts as l; print(l.__file__); "
             "print(l.BUILTIN_LAYOUTS)"],
            cwd=folder, env={**os.environ, "PYTHONPATH": folder}, capture_output=True, text=True)
        paths = found.stdout.split()
        if len(paths) != 2 or not all(path.startswith(folder) for path in paths):
            return f"the copy is not what gets imported: {found.stdout or found.stderr}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", dest="keyword", default="", help="only mutants whose name has this")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--baseline", action="store_true",
                        help="run each mutant's tests on the unchanged code; all must pass")
    args = parser.parse_args(argv)
    if problem := check_isolation():
        print(problem)
        return 1
    chosen = [m for m in MUTANTS if args.keyword.lower() in m.name.lower()]
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        outcomes = list(pool.map(lambda mutant: run(mutant, args.baseline), chosen))
    for outcome in outcomes:
        line = f"{outcome.status:9} {outcome.seconds:5.1f} s  {outcome.mutant.name}"
        if outcome.status == "killed":
            print(f"{line}  (by {outcome.detail})")
        else:
            print(f"{line}\n          {outcome.detail}")
    good = "passed" if args.baseline else "killed"
    bad = [o for o in outcomes if o.status != good]
    print(f"{len(outcomes) - len(bad)} of {len(outcomes)} mutants {good} in "
          f"{time.monotonic() - start:.0f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
