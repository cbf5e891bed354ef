"""Full mutation testing with mutmut, one module at a time, with only that module's tests.

    python bench/mutation.py project/select   # or any module in MODULES, e.g. store/paths

mutmut mutates the module in a scratch copy of the repository (never the working tree),
runs the module's tests against every mutant and prints each survivor and the score. It
is too slow for CI on two cores; CI runs the quick check in bench/mutants.py instead.
Survivors that change no behaviour are listed, with the reason, in bench/equivalent.md.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Target:
    """The tests that exercise a module, and the parts of it to mutate."""

    tests: tuple[str, ...]  # pytest arguments, run from the repository
    functions: tuple[str, ...] = ()  # mutmut name globs such as "xǁGateǁ*"; empty: all


# Each module (a path under pamphlet/, without .py) with its tests.
MODULES = {
    "project/select": Target(("tests/test_packets.py", "-k",
                      "choose or library or tags or mistakes or undated or encoding")),
    "project/imposition": Target(("tests/test_imposition.py",)),
    "build/cache": Target(("tests/test_library.py", "-k", "cache_key or record")),
    "project/schema": Target(("tests/test_schema.py",)),
    "store/paths": Target(("tests/test_trust.py",)),
    "store/atomic": Target(("tests/test_atomic.py",)),
    "store/usercache": Target(("tests/test_usercache.py",)),
    "text/sanitiser": Target(("tests/test_hostile_epub.py", "tests/test_markup.py", "-k",
                         "schema_accepts or goes_through or test_markup or exactly or "
                         "word_for_word or allow_list_itself or line_of or xml_names or "
                         "blocks_in_a_field or bcp47 or svg_keeps")),
    "book/layouts": Target(("tests/test_trust.py", "tests/test_layouts.py", "-k",
                       "template or include or payload or context or test_layouts"),
                      ("xǁ_Sandboxǁ*", "xǁ_GatedLoaderǁ*", "x_find_layout*")),
    "book/context": Target(("tests/test_trust.py", "tests/test_layouts.py", "-k",
                       "template or include or payload or context or test_layouts")),
    "text/markup": Target(("tests/test_markup.py", "tests/test_mutation_kills.py",
                      "tests/test_mutation_markup.py"),
                     ("x_print_html*", "x_ebook_html*", "x__ebook_notes*", "xǁ_TreeFixerǁlinks*",
                      "xǁ_TreeFixerǁtake_notes*", "xǁ_TreeFixerǁ_image_path*", "x__as_inline*",
                      "x__urls_inline*", "x__is_external*", "x__display_url*", "x_note_call*",
                      "xǁ_TreeFixerǁelement_ids*", "xǁ_TreeFixerǁ_notes*", "xǁ_TreeFixerǁ_calls*")),
    "book/assemble": Target(("tests/test_mutation_kills.py",),
                       ("x_join_names*", "x_format_date*", "x_source_line*", "x_citation*")),
    "engine/weasy/api": Target(("tests/test_trust.py", "tests/test_diagnostics.py", "-k",
                           "fetcher or sibling_folder_whose_name or secret"),
                          ("xǁProjectFetcherǁ*",)),
    # The e-book's decisions: the spine, nav and landmarks, each document's title, language
    # and head, notes, links between documents, metadata; not the image files or the zip.
    "outputs/epub": Target(("tests/test_mutation_epub.py",),
                           ("x_write_epub*", "x__check*", "x__metadata*", "x__page*",
                            "x__documents*", "x__cover_alt*", "x__title_page*", "x_essay_section*",
                            "x__links*", "x__images_src*", "x__sources*", "x__colophon*")),
    # The engine: parts drawn over, stitched, tagged; where the printed pages begin.
    "engine/overlay": Target(("tests/test_overlay.py",)),
    "engine/pagebreaks": Target(("tests/test_pagebreaks.py",)),
    "engine/stitch": Target(("tests/test_stitch.py",)),
    "engine/parts": Target(("tests/test_parts_plan.py",)),
    "engine/partlayout": Target(("tests/test_partlayout.py",)),
    "outputs/kepub": Target(("tests/test_kepub.py", "-k", "small_epub or not_xml or "
                             "blocks_and_images or segments or shapes_of_markup")),
    "build/booklets": Target(("tests/test_booklet_specs.py",)),
    # The importers (each with the import tests that read its format, without the builds).
    "importers/wxr": Target(("tests/test_import_wxr.py", "-k", "not epubcheck")),
    "importers/html_meta": Target(("tests/test_import_web.py", "-k", "not epubcheck")),
    "importers/html_notes": Target(("tests/test_import_web.py", "-k", "not epubcheck")),
    "importers/html_decode": Target(("tests/test_import_web.py", "-k", "not epubcheck")),
    # The web app's trust boundary; the site's model, OPDS root, tag pages and shard files.
    "serve/guard": Target(("tests/test_serve_guard.py",)),
    "site/model": Target(("tests/test_site_model.py",)),
    "site/feeds": Target(("tests/test_site_model.py",), ("x_opds_root*", "xǁUrlsǁ*")),
    "site/gather": Target(("tests/test_site_model.py",), ("x__own_paths*",)),
    "site/units": Target(("tests/test_site_model.py",), ("x_tag_slug*",)),
    # Print geometry: the test sheet, the press file, the wraparound cover.
    "outputs/testsheet": Target(("tests/test_testsheet.py",)),
    "outputs/wrap": Target(("tests/test_wrap.py",)),
    "outputs/press": Target(("tests/test_press_file.py",)),
    # The meeting's calendar file, as icalendar reads it back (ical.js needs the npm cache,
    # which the scratch copy has not; test_event_kit.py builds whole projects).
    "outputs/calendar": Target(("tests/test_calendars.py", "-k", "not ical_js")),
}
COPIED = ("pamphlet", "layouts", "tests", "bench", "source", "pamphlet.toml", "README.md")


def config(module: str) -> str:
    """The [tool.mutmut] table for one module and its tests."""
    args = ", ".join(f'"{arg}"' for arg in MODULES[module].tests)
    return (f'[tool.mutmut]\nsource_paths = ["pamphlet/"]\nonly_mutate = ["pamphlet/{module}.py"]\n'
            f'pytest_add_cli_args_test_selection = [{args}]\n'
            'pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:xdist", "-p", '
            '"mutmut_fixtures", "-q"]\n'
            'also_copy = ["layouts/", "bench/", "source/", "pamphlet.toml", "README.md"]\n')


def _leftovers(folder: str, names: list[str]) -> set[str]:
    """Compiled files, and the build folders of sample projects (not the pamphlet.build
    package, which the copy needs)."""
    return {name for name in names if name == "__pycache__" or name == "build"
            and not (Path(folder) / name / "__init__.py").exists()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", choices=sorted(MODULES))
    # One at a time by default: the machines this runs on have two cores, shared.
    parser.add_argument("--max-children", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pamphlet-mutmut-") as folder:
        work = Path(folder)
        for name in COPIED:
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, work / name, ignore=_leftovers)
            else:
                shutil.copy2(source, work / name)
        text = (REPO / "pyproject.toml").read_text()
        (work / "pyproject.toml").write_text(text + "\n" + config(args.module))
        mutmut = [sys.executable, "-m", "mutmut"]
        # The tests' rewritten assertions are cached (a shell may say not to write bytecode).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        # The plugin that credits a shared fixture's calls to each test using it (see there).
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(work / "bench"),
                                                          env.get("PYTHONPATH")]))
        prefix = "pamphlet." + args.module.replace("/", ".") + "."
        globs = [prefix + pattern for pattern in MODULES[args.module].functions]
        subprocess.run([*mutmut, "run", "--max-children", str(args.max_children), *globs],
                       cwd=work, env=env)
        results = subprocess.run([*mutmut, "results", "--all", "true"], cwd=work, env=env,
                                 capture_output=True, text=True).stdout
        results = "\n".join(line for line in results.splitlines()
                             if not globs or any(fnmatch.fnmatch(line.split(":")[0].strip(), glob)
                                                 for glob in globs))
        found = dict(line.strip().rsplit(": ", 1) for line in results.splitlines()
                     if ": " in line)
        # Not caught: a mutant the tests ran and passed, shown whole; those no test reaches
        # are named only (a function with no test wants one, whatever its mutants say, and
        # `mutmut show` takes seconds each).
        for name, status in found.items():
            if status == "survived":
                shown = subprocess.run([*mutmut, "show", name], cwd=work, env=env,
                                       capture_output=True, text=True).stdout
                print(f"--- {status}: {name}\n{shown}")
        unreached = sorted(name for name, status in found.items() if status == "no tests")
        if unreached:
            print("--- no tests: " + ", ".join(unreached))
        statuses = list(found.values())
        # A mutant that makes a test loop until mutmut stops it is caught: the suite hangs.
        timeouts = [name for name, status in found.items() if status == "timeout"]
        if timeouts:
            print("--- timeout (caught): " + ", ".join(sorted(timeouts)))
        total = len(statuses)
        caught = statuses.count("killed") + len(timeouts)
        print(f"{args.module}: {caught} of {total} mutants caught "
              f"({100 * caught / max(total, 1):.0f}%: killed {statuses.count('killed')}, "
              f"timeout {len(timeouts)}); statuses: "
              + ", ".join(f"{s} {statuses.count(s)}" for s in sorted(set(statuses))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
