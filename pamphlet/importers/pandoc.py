"""The seam to pandoc, which reads Word and OpenDocument files for `import`.

pandoc comes inside the `pypandoc-binary` wheel (pypandoc finds it; a pandoc on PATH does
too), so `pip install` is the whole set-up. It runs as a program of its own, given only bytes
the import has already checked (see `archive`), and is held on a short leash: `--sandbox`
(it reads and writes no file, fetches nothing), a heap of `HEAP_MB` at most, `TIMEOUT`
seconds at most. It writes HTML5, which the import turns into Markdown like any other HTML.

What the import relies on, checked by `tests/test_import_office.py` on each pandoc version:
- notes come as `a.footnote-ref[href="#fnN"]` and `section.footnotes > ol > li#fnN`, Word's
  footnotes and endnotes in one list, in reading order (the web-page notes code reads them);
- with `+styles`, a paragraph's Word style is named in `data-custom-style` on a `div`;
- images are `img[src]` naming the member of the archive (`media/image1.png`);
- a Word "Title", "Subtitle", "Author" or "Date" paragraph is metadata (`-s` writes them into
  `<header id="title-block-header">`), not text.
"""

from __future__ import annotations

import re
import subprocess
from functools import lru_cache

OLDEST = (3, 0)  # pandoc 3 put notes in <section class="footnotes"> and reads docx+styles
HEAP_MB = 1500  # a 300-page document takes about a tenth of this
TIMEOUT = 300  # seconds: a 300-page document takes a few


class PandocError(Exception):
    """pandoc is missing, too old, or could not read the document; the message says which."""


@lru_cache(maxsize=1)
def pandoc() -> tuple[str, tuple[int, ...]]:
    """The pandoc program and its version; raises `PandocError` when there is none."""
    try:
        import pypandoc

        program = pypandoc.get_pandoc_path()
    except (ImportError, OSError) as error:
        raise PandocError("pandoc is not installed (reinstall pamphlet, whose "
                          f"pypandoc-binary dependency carries it): {error}") from None
    try:
        found = subprocess.run([program, "--version"], capture_output=True, text=True,
                               timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError) as error:
        raise PandocError(f"pandoc ({program}) does not run: {error}") from None
    match = re.match(r"pandoc(?:\.exe)? (\d+(?:\.\d+)*)", found)
    version = tuple(int(n) for n in match.group(1).split(".")) if match else (0,)
    if version < OLDEST:
        raise PandocError(f"pandoc {'.'.join(map(str, version))} is older than "
                          f"{'.'.join(map(str, OLDEST))}, the oldest import reads with")
    return program, version


def to_html(data: bytes, reader: str, options: tuple[str, ...] = ()) -> str:
    """The document in `data` (read as pandoc's `reader`, such as "docx+styles") as a
    standalone HTML5 page; raises `PandocError` with pandoc's own words."""
    program, _ = pandoc()
    command = [program, "+RTS", f"-M{HEAP_MB}m", "-RTS", "--sandbox", "-f", reader,
               "-t", "html5", "-s", "--wrap=none", *options]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise PandocError(f"pandoc took more than {TIMEOUT} s to read it") from None
    except OSError as error:
        raise PandocError(f"pandoc could not be run: {error}") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if any("Heap exhausted" in line for line in said):
            raise PandocError(f"pandoc needed more than {HEAP_MB} MB to read it")
        raise PandocError("pandoc could not read it: " + (said[-1] if said else
                                                           f"exit status {done.returncode}"))
    return done.stdout.decode("utf-8", "replace")
