"""What `import` reads, and how it tells one format from another: by a file's bytes, never by
its name alone. A zip archive is known by what it holds (an EPUB's and an OpenDocument's
`mimetype`, a Word file's `[Content_Types].xml`, an export's own files); a folder by the
files in it; a text by its first lines, then its suffix.

`FORMATS` is the whole list, most particular first: a format is one entry, whose reader is
imported only when a file of that format is read. A file that matches none, or that is
binary, gets one error (N805) that says what it seems to be and lists what `import` knows.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .archive import Archive, Unreadable, is_zip
from .exports import (NOTION_ID, blogger_atom, hashnode_file, json_with, medium_page, named,
                      notion_page, other_json, zip_of_zips)

_WXR = re.compile(rb"<rss\b[^>]*wordpress\.(?:org|com)/export/", re.I)
_HTML = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
                   rb"<(?:!doctype\s+html|html)\b", re.I | re.S)
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown")
# Other markups, one essay a file, read from a folder beside Markdown (the reader is named by
# the suffix: a text's bytes do not tell reST from Org or AsciiDoc).
MARKUP_READERS = {".rst": "rst:from_rst_file", ".rest": "rst:from_rst_file",
                  ".org": "org:from_org_file", ".adoc": "asciidoc:from_asciidoc_file",
                  ".asciidoc": "asciidoc:from_asciidoc_file", ".asc": "asciidoc:from_asciidoc_file",
                  ".mdx": "static_site:from_mdx_file"}
MARKUP_SUFFIXES = tuple(MARKUP_READERS)
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
DOCUMENT_SUFFIXES = (".docx", ".odt")  # read from a folder of essays beside Markdown
_OOXML_WORD = b"wordprocessingml.document.main+xml"
_OOXML_MACRO = b"ms-word.document.macroEnabled.main+xml"
_OOXML_TEMPLATE = b"wordprocessingml.template.main+xml"
_FOLDER_NAMES = 20_000  # names a folder's probe lists, at most


@dataclass(frozen=True)
class Probe:
    """What is known of a file before it is read: its first bytes, and for a zip archive the
    names it holds and its `mimetype` and `[Content_Types].xml`; for a folder, its files."""

    path: Path
    head: bytes = b""
    members: frozenset[str] = frozenset()
    mimetype: str = ""
    content_types: bytes = b""
    folder: bool = False

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    @property
    def archive(self) -> bool:
        return is_zip(self.head)


@dataclass(frozen=True)
class Format:
    """One format `import` reads: its name as the user knows it, how to recognise it, and
    its reader (`module:function`, called with the file's bytes, its path and the run)."""

    name: str
    matches: Callable[[Probe], bool]
    reader: str
    folder: bool | None = False  # read from a folder (given as the path), not from bytes;
    # None: a platform's export, a folder or a zip alike, whose reader takes a `Bundle`

    def read(self, raw: bytes | None, path: Path, run):
        from importlib import import_module

        module, function = self.reader.split(":")
        reader = getattr(import_module(f"{__package__}.{module}"), function)
        if self.folder is None:
            from .exports import read_bundle

            return read_bundle(reader, raw, path, run)
        return reader(raw, path, run)


def _gdocs_zip(probe: Probe) -> bool:
    """Google Docs' "Web page (.html, zipped)": one page at the top, its images in images/."""
    pages = [m for m in probe.members if "/" not in m and m.lower().endswith(".html")]
    return len(pages) == 1 and all("/" not in m or m.startswith("images/")
                                   for m in probe.members)


def _text_like(probe: Probe) -> bool:
    return not looks_binary(probe.head)


FORMATS: list[Format] = [
    Format("Substack exports (a zip or folder: posts.csv and posts/)",
           named(r"(?:^|/)posts\.csv$", r"(?:^|/)posts/[^/]+\.html?$"), "substack:read_export",
           None),
    Format("Tumblr exports (a zip or folder: posts/html/ and media/)",
           named(r"(?:^|/)posts/html/[^/]+\.html?$|(?:^|/)posts_index\.html$"),
           "tumblr:read_export", None),
    Format("Medium exports (a zip or folder: posts/*.html)",
           named(r"(?:^|/)posts/[^/]+\.html$", r"(?:^|/)profile/profile\.html$|(?:^|/)posts/"
                 r"(?:draft_|\d{4}-\d\d-\d\d_)[^/]*\.html$"), "medium:read_export", None),
    Format("Notion exports (a zip or folder, Markdown & CSV)",
           named(rf"{NOTION_ID}(?:_all)?\.(?:md|csv)$"), "notion:read_export", None),
    Format("Blogger backups from Google Takeout (a zip or folder with feed.atom)",
           lambda p: named(r"(?:^|/)feed\.atom$")(p) and not any(
               m.lower().endswith(MARKDOWN_SUFFIXES) for m in p.members),  # not a site's
           "blogger:read_export", None),
    Format("Ghost exports with their images (a zip or folder: the JSON and content/images/)",
           named(r"(?:^|/)(?:data/)?[^/]*ghost[^/]*\.json$"), "ghost:read_export", None),
    Format("Hashnode backups (a zip or folder of <cuid>.md files)",
           named(r"(?:^|/)c[a-z0-9]{24}\.md$"), "hashnode:read_export", None),
    Format("exports in parts (a zip of zips, as Notion gives a large one)", zip_of_zips,
           "formats:read_parts", None),
    Format("Ghost exports (.json, Ghost 4 to 6)", json_with(b'"exported_on"'),
           "ghost:read_file"),
    Format("Hashnode exports (.json, or one backed-up post's .md)", hashnode_file,
           "hashnode:read_file"),
    Format("Blogger backups (.xml or .atom)", blogger_atom, "blogger:read_file"),
    Format("a Medium post (.html, from a Medium export)", medium_page, "medium:read_file"),
    Format("a Notion page (.md, from a Notion export)", notion_page, "notion:read_file"),
    Format("Word documents (.docx, from Word, Google Docs or LibreOffice)",
           lambda p: p.archive and any(kind in p.content_types for kind in (
               _OOXML_WORD, _OOXML_MACRO, _OOXML_TEMPLATE)), "office:from_docx"),
    Format("OpenDocument text (.odt)", lambda p: p.archive and p.mimetype in (
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.text-template"), "office:from_odt"),
    Format("EPUB books (.epub; --chapters picks chapters)",
           lambda p: p.archive and (p.mimetype == "application/epub+zip" or (
               not p.mimetype and "META-INF/container.xml" in p.members)), "epub:from_epub"),
    Format("Google Docs web pages (.zip, from File → Download → Web page)",
           lambda p: p.archive and _gdocs_zip(p), "gdocs:from_gdocs_zip"),
    Format("web pages (.html)", lambda p: _text_like(p) and (p.suffix in HTML_SUFFIXES or (
        _HTML.match(p.head[:4000]) is not None and not _WXR.search(p.head[:4000]) and
        p.suffix not in MARKDOWN_SUFFIXES)), "html:from_html"),
    Format("WordPress exports (.xml)", lambda p: _text_like(p) and (
        _WXR.search(p.head[:4000]) is not None or p.suffix == ".xml"), "wxr:from_wxr"),
    Format("Markdown (.md, with YAML or TOML front matter: Jekyll, Hugo, Zola, Astro, Pandoc; "
           "Obsidian vaults, Logseq pages)",
           lambda p: p.suffix in MARKDOWN_SUFFIXES and _text_like(p), "static_site:from_markdown_file"),
    *(Format(name, lambda p, suffixes=suffixes: p.suffix in suffixes and _text_like(p), reader)
      for name, suffixes, reader in (
          ("reStructuredText (.rst: Pelican, Sphinx, ABlog posts)", (".rst", ".rest"),
           "rst:from_rst_file"),
          ("Org documents (.org)", (".org",), "org:from_org_file"),
          ("AsciiDoc documents (.adoc)", (".adoc", ".asciidoc", ".asc"),
           "asciidoc:from_asciidoc_file"),
          ("MDX posts (.mdx, Astro's too)", (".mdx",), "static_site:from_mdx_file"))),
    Format("other JSON, which is refused", other_json, "formats:refuse_json"),
    Format("plain text (.txt, Project Gutenberg texts too)", _text_like, "text:from_text_file"),
]


def known() -> str:
    """The formats `import` reads, as a hint lists them."""
    return "; ".join(f.name for f in FORMATS if f.reader != "formats:refuse_json")


def format_of(probe: Probe) -> Format | None:
    return next((f for f in FORMATS if f.folder in (probe.folder, None) and f.matches(probe)),
                None)


def folder_format(path: Path) -> Format | None:
    """The export a folder is, if any format reads folders (its files are listed only then)."""
    if not any(f.folder is not False for f in FORMATS):
        return None
    return format_of(probe_folder(path))


def probe_bytes(raw: bytes, path: Path) -> Probe:
    """The probe of a file's bytes; a zip archive's listing is read (its central directory,
    and two small members at most)."""
    head = raw[:65536]
    if not is_zip(head):
        return Probe(path, head)
    try:
        archive = Archive(raw, path, _Quiet())
    except Unreadable:
        return Probe(path, head)
    members = frozenset(archive.names())
    return Probe(path, head, members, _small(archive, "mimetype").decode("ascii", "replace")
                 .strip(), _small(archive, "[Content_Types].xml"))


def probe_folder(path: Path) -> Probe:
    """A folder's probe: the names of the files in it (relative, `/`-separated), hidden
    folders included, as far as `_FOLDER_NAMES` of them."""
    names: list[str] = []
    for folder, dirs, files in os.walk(path):  # links to folders are not followed
        dirs.sort()
        relative = Path(folder).relative_to(path)
        names += [(relative / name).as_posix() for name in sorted(files)]
        if len(names) > _FOLDER_NAMES:
            break
    return Probe(path, members=frozenset(names), folder=True)


def what_it_is(probe: Probe) -> str:
    """A reader's name for a file `import` cannot read, from its first bytes."""
    head = probe.head
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    if probe.archive:
        return "a zip archive of a kind import does not know"
    return "a binary file" if looks_binary(head) else "a text import cannot tell the kind of"


_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "a Word 97–2003 document (.doc) or another old Office file"),
    (b"{\\rtf", "a rich text document (.rtf)"),
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"), (b"BZh", "a bzip2 archive"), (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"), (b"\xfd7zXZ", "an xz archive"), (b"ID3", "an MP3 file"),
    (b"\x7fELF", "a program"), (b"MZ", "a Windows program"), (b"SQLite format 3", "a database"),
)

_HINTS = {
    "a Word 97–2003 document (.doc) or another old Office file":
        "open it in Word or LibreOffice and save it as .docx or .odt, then import that",
    "a rich text document (.rtf)": "open it in a word processor and save it as .docx or .odt",
    "a PDF document": "import the document it was made from (.docx, .odt, .html, .md), or "
                      "copy its text into a .txt file",
}


def unknown(probe: Probe, run) -> list:
    """The error for a file no format matches (N805): what it seems to be, and what import
    reads."""
    kind = what_it_is(probe)
    hint = _HINTS.get(kind, "")
    run.diagnostics.error("N805", f"cannot import {probe.path.name}: it is {kind}", probe.path,
                          hint=(hint + ". " if hint else "") + f"import reads: {known()}")
    return []


def looks_binary(head: bytes) -> bool:
    """Whether a file's first bytes are no text import reads: a known binary's signature
    (a PDF's, a picture's, a zip's...), a NUL byte (outside UTF-16, whose byte-order mark
    says so) or many control characters."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if any(head.startswith(magic) for magic, _ in _MAGIC) or is_zip(head):
        return True
    sample = head[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 100)


def _small(archive: Archive, name: str) -> bytes:
    found = archive.find(name)
    if found is None:
        return b""
    try:
        return archive.read(found, limit_mb=1)
    except Unreadable:
        return b""


@dataclass
class _Quiet:
    """Diagnostics a probe makes are dropped: the reader opens the archive again and says
    what it finds, once."""

    items: list = field(default_factory=list)

    def warning(self, *args, **kwargs) -> None:
        pass

    error = warning


def read_parts(bundle, run) -> list:
    """An export in parts, once its parts are read together: read as what their files say."""
    from importlib import import_module

    probe = Probe(bundle.root, members=frozenset(bundle.names()), folder=True)
    found = next((f for f in FORMATS if f.folder is None and f.reader != "formats:read_parts"
                  and f.matches(probe)), None)
    if found is None:
        run.diagnostics.error("N895", f"{bundle.root.name} holds zips that are no export "
                              "pamphlet knows", bundle.root, hint="unpack it, and import what "
                              "it holds")
        return []
    module, function = found.reader.split(":")
    return getattr(import_module(f"{__package__}.{module}"), function)(bundle, run)


def refuse_json(raw: bytes, path: Path, run) -> list:
    """The error for JSON that is no known export (N895), listing what import reads."""
    run.diagnostics.error("N895", f"{path.name} is JSON, but no export pamphlet knows", path,
                          hint=f"import reads: {known()}")
    return []
