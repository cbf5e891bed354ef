"""`pamphlet import`: every format in `formats.FORMATS`, told by its bytes: WordPress exports,
static-site Markdown, HTML pages, plain text, office documents and EPUBs, and the other
markups essays are written in (Obsidian, Logseq, Pandoc Markdown, MDX, reST, Org, AsciiDoc).

Each source becomes one or more `Draft`s, written as new essays in source/ with our front
matter. Nothing is ever overwritten, nothing is written outside source/ (images a post uses
go to source/<slug>/), and no character is changed: no-break spaces, curly quotes and dashes
come through as they were. One module per kind of source: `wxr`, `static_site`, `html`,
`text`, `office` (Word, OpenDocument), `gdocs`, `epub`, `obsidian`, `logseq`,
`pandoc_markdown`, `mdx` (read with `static_site`), `rst`, `org`, `asciidoc` (converted by
`pandoc`, with what they share in `document`); `archive` reads zips safely, `html_body` turns
any HTML into Markdown with its notes and images.

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
Archives: N850-N853 (see archive); documents: N854-N857 (see office); EPUB: N860-N862.
Markup documents: N870-N874 (see document); notes and outlines: N875-N877 (obsidian), N878
(pandoc_markdown), N879-N880 (logseq); MDX: N881-N883 (mdx). Platforms' exports (Substack,
Ghost, Blogger, Medium, Tumblr, Hashnode, Notion; see `exports`): N890-N898.

May import: `text`, `project`, `store`, `locale`, `diagnostics`.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import replace
from pathlib import Path, PurePosixPath

from ..diagnostics import Diagnostics
from ..project.library import slugify
from .draft import (MAX_IMAGE_MB, Blob, Draft, Run, image_kind, markdown_image,
                    missing_image)
from .formats import (DOCUMENT_SUFFIXES, HTML_SUFFIXES, MARKDOWN_SUFFIXES, MARKUP_SUFFIXES,
                      folder_format, format_of, probe_bytes, unknown)

MAX_INPUT_MB = 256  # a WordPress export of a large blog; beyond that, split the export
# A link in a draft's body to a file that is copied when the draft is written: the body
# holds a token (private-use characters, which no source contains) until the slug is known.
_TOKEN = re.compile("\ue010(\\d+)\ue011")
_ESSAY_LINK = re.compile("\ue012([^\ue012-\ue014]*)\ue014([^\ue012-\ue014]*)\ue014"
                         "([^\ue012-\ue014]*)\ue013")


def read_all(paths: list[Path], run: Run) -> list[Draft]:
    """The drafts in every file given to `import`, and in every folder: its Markdown files,
    or its HTML pages when it holds no Markdown."""
    if run.site is not None and not run.site.is_dir():
        run.diagnostics.error("N820", f"--site {run.site} is not a folder", run.site,
                              hint="give the folder of a local checkout of the site")
        return []
    drafts = []
    for path in paths:
        if path.is_dir():
            drafts += _read_folder(path, run)
        else:
            drafts += read_drafts(path, run.diagnostics, run=run)
    run.summarise()
    return drafts


def _read_folder(path: Path, run: Run) -> list[Draft]:
    """A folder that is an export of its own (see `formats`), or a folder of essays."""
    found = folder_format(path)
    if found is not None:
        return found.read(None, path, run)
    return [draft for file in _folder(path, run)
            for draft in read_drafts(file, run.diagnostics, run=run)]


def _folder(path: Path, run: Run) -> list[Path]:
    """The essays in a folder: its Word and OpenDocument files, and its Markdown files, or in
    a folder with no Markdown (saved web pages), its HTML pages. A site's source folder holds
    HTML templates (Jekyll's _layouts, Hugo's layouts), which are no essays: they are counted
    in a warning (N848), not read."""
    found: dict[bool, list[Path]] = {True: [], False: []}
    documents: list[Path] = []
    for folder, dirs, files in os.walk(path):  # links to folders are not followed
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and
                         not _saved_page_files(d, files))
        for name in sorted(files):
            file = Path(folder) / name
            if name.startswith(".") or name == "_index.md" or file.is_symlink():
                continue
            essays = MARKDOWN_SUFFIXES + MARKUP_SUFFIXES
            if name.lower().endswith(essays + HTML_SUFFIXES):
                found[name.lower().endswith(essays)].append(file)
            elif name.lower().endswith(DOCUMENT_SUFFIXES) and not name.startswith("~$"):
                documents.append(file)  # ~$name.docx: Word's lock file beside an open one
    if found[True] and found[False]:
        count = len(found[False])
        run.diagnostics.warning("N848", f"{count} HTML file{'s' * (count != 1)} in {path.name}/, "
                                "a folder of Markdown, not imported (a site's templates?)", path,
                                hint="name an HTML page on the command line to import it")
    return documents + (found[True] or found[False])


def _saved_page_files(folder: str, files: list[str]) -> bool:
    """Whether `folder` is the `<page>_files` folder a browser's "Save page as" writes beside
    `<page>.html`: its frames and scripts are parts of that page, not pages of their own."""
    stem = re.sub(r"[_-](?:files|dateien|fichiers|archivos|bestanden|file)$", "", folder,
                  flags=re.I)
    return stem != folder and any(Path(name).stem == stem and
                                  name.lower().endswith(HTML_SUFFIXES) for name in files)


def read_drafts(path: Path, diagnostics: Diagnostics, split_at: str | None = None,
                run: Run | None = None) -> list[Draft]:
    """The essays in one file, by its kind (see `formats`): a WordPress export, a web page,
    Markdown, a Word or OpenDocument file, an EPUB's chapters, plain text..."""
    own = run is None
    run = run or Run(diagnostics, split_at)
    raw = read_input(path, diagnostics, MAX_INPUT_MB)
    if raw is None:
        return []
    found = format_of(probe := probe_bytes(raw, path))
    drafts = found.read(raw, path, run) if found is not None else unknown(probe, run)
    if own:
        run.summarise()
    return drafts


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
               hint="check the path, and that the file may be read")
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

    Every draft's name is chosen first, so that a link from one imported essay to another
    (a Notion page's, a newsletter's link to an earlier issue) becomes a link to its file.
    The images a draft uses are copied into source/<slug>/, each under a new name. A file
    that cannot be written is an error (N821) and the other drafts are still written."""
    if not drafts:
        return []
    try:
        source.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        diagnostics.error("N821", f"cannot create {source}: {error.strerror or error}", source,
                          hint="check the project folder's permissions")
        return []
    slugs = _slugs(drafts, source, diagnostics)
    written = []
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
        data = _image_bytes(image, diagnostics)
        if data is None:
            images[number] = missing_image(alt)
            continue
        named = PurePosixPath(image.name) if not isinstance(image, Path) else image
        stem = slugify(named.stem) or "image"
        # a browser saves an image whose address has no suffix without one: its bytes say
        suffix = re.sub(r"[^a-z0-9.]", "", named.suffix.lower()) or image_kind(data) or ""
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


def _image_bytes(image, diagnostics: Diagnostics) -> bytes | None:
    """An image's bytes: a file's, a `Blob`'s, or an export's member's (read only now, and
    only if it is a picture: an export may name any of its files as an image)."""
    if isinstance(image, Blob):
        return image.data
    if isinstance(image, Path):
        return read_input(image, diagnostics, MAX_IMAGE_MB, code="N818", warn=True)
    data = image.load(MAX_IMAGE_MB)
    if data is not None and image_kind(data[:1024]) is None:
        diagnostics.warning("N818", f"image {image.name} not copied: it is not a picture",
                            image.where, hint="replace it with the picture it should be")
        return None
    return data


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


