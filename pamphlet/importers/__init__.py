"""`pamphlet import`: WordPress exports, static-site Markdown, HTML pages, plain text, and the
other markups essays are written in (Obsidian, Logseq, Pandoc Markdown, MDX, reST, Org,
AsciiDoc).

Each source becomes one or more `Draft`s, written as new essays in source/ with our front
matter. Nothing is ever overwritten, nothing is written outside source/ (images a post uses
go to source/<slug>/), and no character is changed: no-break spaces, curly quotes and dashes
come through as they were. One module per kind of source: `wxr`, `static_site`, `html`, `text`,
`obsidian`, `logseq`, `pandoc_markdown`, `mdx` (read with `static_site`), `rst`, `org`,
`asciidoc` (converted by `pandoc`, with what they share in `document`).

Diagnostic codes: N804 a slug was taken, so the essay got another name (warning); N805 a
file that cannot be read or recognised; N807 the posts that were skipped, counted by status,
in one line (warning); N808 an export read in recovery mode, saying what was repaired
(warning); N809 not a WordPress export; N810 an untitled post titled from its heading or
date (warning); N811 an unknown shortcode removed (warning); N812 a gallery image that is
not in the export (warning); N813 template tags removed (warning); N814 attribute lists
removed (warning); N815 an image that cannot be found, shown as its alt text (warning);
N816 front matter that is not valid YAML or TOML; N817 a front-matter value of the wrong
type, ignored (warning); N818 an image that is not copied (outside the site, not a file, too
large) (warning); N819 a file too large, or not a regular file, to import; N820 --site is
not a folder; N821 a file that cannot be written in source/; N848 HTML files in a folder of
Markdown (a site's templates), not imported (warning). Web pages: N840-N847, N849 (see html).
Documents: N870-N874 (see document); notes and outlines: N875-N877 (obsidian), N878
(pandoc_markdown), N879-N880 (logseq); MDX: N881-N883 (mdx).

May import: `text`, `project`, `store`, `locale`, `diagnostics`.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import replace
from pathlib import Path

from ..diagnostics import Diagnostics
from ..project.library import slugify
from .draft import MAX_IMAGE_MB, Draft, Run, image_kind, markdown_image, missing_image

MAX_INPUT_MB = 256  # a WordPress export of a large blog; beyond that, split the export
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown")
# Documents in other markups, one essay a file: suffix -> (module, reader).
MARKUP_READERS = {".rst": ("rst", "from_rst"), ".rest": ("rst", "from_rst"),
                  ".org": ("org", "from_org"), ".adoc": ("asciidoc", "from_asciidoc"),
                  ".asciidoc": ("asciidoc", "from_asciidoc"), ".asc": ("asciidoc", "from_asciidoc"),
                  ".mdx": ("mdx", "from_mdx")}
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
# A link in a draft's body to a file that is copied when the draft is written: the body
# holds a token (private-use characters, which no source contains) until the slug is known.
_TOKEN = re.compile("\ue010(\\d+)\ue011")
_ESSAY_LINK = re.compile("\ue012([^\ue012-\ue014]*)\ue014([^\ue012-\ue014]*)\ue014"
                         "([^\ue012-\ue014]*)\ue013")
_WXR = re.compile(rb"<rss\b[^>]*wordpress\.(?:org|com)/export/", re.I)
_HTML = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                   rb"<(?:!doctype\s+html|html)\b", re.I | re.S)


def read_all(paths: list[Path], run: Run) -> list[Draft]:
    """The drafts in every file given to `import`, and in every folder: its Markdown files,
    or its HTML pages when it holds no Markdown."""
    if run.site is not None and not run.site.is_dir():
        run.diagnostics.error("N820", f"--site {run.site} is not a folder", run.site,
                              hint="give the folder of a local checkout of the site")
        return []
    drafts = [draft for path in _expand(paths, run) for draft in read_drafts(
        path, run.diagnostics, run=run)]
    run.summarise()
    return drafts


def _expand(paths: list[Path], run: Run):
    for path in paths:
        if path.is_dir():
            yield from _folder(path, run)
        else:
            yield path


def _folder(path: Path, run: Run) -> list[Path]:
    """The essays in a folder: its Markdown files; in a folder with no Markdown (saved web
    pages), its HTML pages. A site's source folder holds HTML templates (Jekyll's _layouts,
    Hugo's layouts), which are no essays: they are counted in a warning (N848), not read."""
    found: dict[bool, list[Path]] = {True: [], False: []}
    for folder, dirs, files in os.walk(path):  # links to folders are not followed
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and
                         not _saved_page_files(d, files))
        for name in sorted(files):
            file = Path(folder) / name
            if name.startswith(".") or name == "_index.md" or file.is_symlink():
                continue
            documents = MARKDOWN_SUFFIXES + tuple(MARKUP_READERS)
            if name.lower().endswith(documents + HTML_SUFFIXES):
                found[name.lower().endswith(documents)].append(file)
    if found[True] and found[False]:
        count = len(found[False])
        run.diagnostics.warning("N848", f"{count} HTML file{'s' * (count != 1)} in {path.name}/, "
                                "a folder of Markdown, not imported (a site's templates?)", path,
                                hint="name an HTML page on the command line to import it")
    return found[True] or found[False]


def _saved_page_files(folder: str, files: list[str]) -> bool:
    """Whether `folder` is the `<page>_files` folder a browser's "Save page as" writes beside
    `<page>.html`: its frames and scripts are parts of that page, not pages of their own."""
    stem = re.sub(r"[_-](?:files|dateien|fichiers|archivos|bestanden|file)$", "", folder,
                  flags=re.I)
    return stem != folder and any(Path(name).stem == stem and
                                  name.lower().endswith(HTML_SUFFIXES) for name in files)


def read_drafts(path: Path, diagnostics: Diagnostics, split_at: str | None = None,
                run: Run | None = None) -> list[Draft]:
    """The essays in one file, by its kind: .xml (WXR), .html, .md or plain text."""
    own = run is None
    run = run or Run(diagnostics, split_at)
    raw = read_input(path, diagnostics, MAX_INPUT_MB)
    if raw is None:
        return []
    drafts = _dispatch(raw, path, run)
    if own:
        run.summarise()
    return drafts


def _dispatch(raw: bytes, path: Path, run: Run) -> list[Draft]:
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES or (_HTML.match(raw[:4000]) and not _WXR.search(raw[:4000])
                                   and suffix not in MARKDOWN_SUFFIXES):
        from .html import from_html
        return from_html(raw, path, run)  # bytes: the page's own declarations decode it
    if suffix == ".xml" or _WXR.search(raw[:4000]):
        from .wxr import from_wxr
        return from_wxr(raw, path, run)
    try:
        text = raw.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as error:
        from .text import declared_decode
        text = declared_decode(raw)  # a Gutenberg text says its encoding in its header
        if text is None:
            run.diagnostics.error("N805", f"cannot read {path.name}: {error}", path,
                                  raw[:error.start].count(b"\n") + 1,
                                  hint="import UTF-8 text, HTML, Markdown or a WordPress export")
            return []
    if suffix in MARKDOWN_SUFFIXES:
        from .static_site import from_markdown
        return from_markdown(text, path, run)
    if suffix in MARKUP_READERS:
        module, function = MARKUP_READERS[suffix]
        from importlib import import_module
        return getattr(import_module(f".{module}", __package__), function)(text, path, run)
    from .text import from_text
    return from_text(text, path, run.split_at, run.diagnostics)


def read_input(path: Path, diagnostics: Diagnostics, limit_mb: float,
               code: str = "N819", warn: bool = False) -> bytes | None:
    """The bytes of a regular file no larger than `limit_mb`, else None and a diagnostic.

    Opened without blocking and checked on the open descriptor: a named pipe or a device
    given as an export cannot hang the import."""
    report = diagnostics.warning if warn else diagnostics.error
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        report("N805" if not warn else code, f"cannot read {path.name}: "
               f"{error.strerror or error}", path,
               hint="import UTF-8 text, HTML, Markdown or a WordPress export")
        return None
    limit = int(limit_mb * 1_000_000)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            report(code, f"{path.name} is not a regular file", path,
                   hint="only ordinary files are read")
            return None
        data = handle.read(limit + 1)
    if len(data) > limit:
        report(code, f"{path.name} is larger than {limit_mb:g} MB", path,
               hint="split the export (WordPress: export by date range) or shrink the file")
        return None
    return data


def write_drafts(drafts: list[Draft], source: Path, diagnostics: Diagnostics) -> list[Path]:
    """Write each draft as a new file in source/; a taken name gets -2, -3, ...

    The images a draft uses are copied into source/<slug>/, each under a new name. A file
    that cannot be written is an error (N821) and the other drafts are still written."""
    try:
        source.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        diagnostics.error("N821", f"cannot create {source}: {error.strerror or error}", source,
                          hint="check the project folder's permissions")
        return []
    written = []
    slugs = _slugs(drafts, source, diagnostics)
    keys = {draft.key: slug for draft, slug in zip(drafts, slugs) if draft.key}
    for draft, slug in zip(drafts, slugs):
        body = _ESSAY_LINK.sub(lambda m: _essay_link(m, keys, draft, diagnostics), draft.body)
        body = _copy_images(replace(draft, body=body), source, slug, diagnostics)
        path = source / f"{slug}.md"
        if _write_new(path, source, draft.text(body).encode("utf-8"), diagnostics):
            written.append(path)
    return written


def _slugs(drafts: list[Draft], source: Path, diagnostics: Diagnostics) -> list[str]:
    """Each draft's slug, before any is written, so that drafts can link to each other: a
    name taken in source/ or by an earlier draft gets -2, -3, ..."""
    taken: set[str] = set()
    slugs = []
    for draft in drafts:
        base = slugify(draft.title) or "untitled"
        slug, number = base, 1
        while slug in taken or (source / f"{slug}.md").exists() or \
                (source / f"{slug}.md").is_symlink():
            number += 1
            slug = f"{base}-{number}"
        if slug != base:
            diagnostics.warning("N804", f"source/{base}.md exists; imported as source/{slug}.md",
                                draft.origin, hint="rename or merge the two by hand")
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _essay_link(match: re.Match, keys: dict[str, str], draft: Draft,
                diagnostics: Diagnostics) -> str:
    """A link between two drafts of the import as a link to the other essay's file (printed
    with its page); to a note that is not imported, its text (N875)."""
    key, fragment, label = match.groups()
    if key not in keys:
        diagnostics.warning("N875", f"the link to '{key.removeprefix('logseq:')}' names a note "
                            "that is not imported; its text is kept", draft.origin,
                            hint="import that note too (a whole vault or graph imports as a "
                            "folder)")
        return label
    return f"[{label}]({keys[key]}.md{'#' + fragment if fragment else ''})"


def _copy_images(draft: Draft, source: Path, slug: str, diagnostics: Diagnostics) -> str:
    """The draft's body with each image token replaced by an image of its copy."""
    images: dict[int, str] = {}
    copies: dict[Path, str] = {}  # a file the draft shows twice is copied once
    for number, (image, alt, caption) in draft.images.items():
        if image in copies:
            images[number] = markdown_image(copies[image], alt, caption)
            continue
        data = read_input(image, diagnostics, MAX_IMAGE_MB, code="N818", warn=True)
        if data is None:
            images[number] = missing_image(alt)
            continue
        stem = slugify(image.stem) or "image"
        # a browser saves an image whose address has no suffix without one: its bytes say
        suffix = re.sub(r"[^a-z0-9.]", "", image.suffix.lower()) or image_kind(data) or ""
        folder, name, count = source / slug, f"{stem}{suffix}", 1
        while (folder / name).exists() or (folder / name).is_symlink():
            count += 1
            name = f"{stem}-{count}{suffix}"
        copied = _write_new(folder / name, source, data, diagnostics)
        if copied:
            copies[image] = f"{slug}/{name}"
        images[number] = markdown_image(f"{slug}/{name}", alt, caption) if copied else \
            missing_image(alt)
    # a token the source itself held (private-use characters) stays as it was
    return _TOKEN.sub(lambda m: images.get(int(m.group(1)), m.group(0)), draft.body)


def _write_new(path: Path, source: Path, data: bytes, diagnostics: Diagnostics) -> bool:
    """Create `path` (never over a file, never through a link), which must lie in source/;
    on failure, say why (N821) and return False."""
    try:
        path.parent.mkdir(exist_ok=True)
        root = Path(os.path.realpath(source))
        if not Path(os.path.realpath(path.parent)).is_relative_to(root):
            raise OSError(f"{path.parent.name}/ leads outside source/")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | \
            getattr(os, "O_CLOEXEC", 0)
        with os.fdopen(os.open(path, flags, 0o644), "wb") as handle:
            handle.write(data)
        return True
    except OSError as error:
        diagnostics.error("N821", f"cannot write {path.relative_to(source.parent)}: "
                          f"{error.strerror or error}", path,
                          hint="check source/ (its permissions, and links in it)")
        return False


