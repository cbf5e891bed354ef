"""Obsidian vaults: what a note means beyond Markdown, as an essay.

- `[[Note]]`, `[[Note|text]]`, `[[Note#Heading]]` between notes of the vault become links to
  those essays, printed with their page, when the note is imported too; otherwise their text
  stays (N875 names a note that is not in the vault);
- `![[picture.png]]` is looked for where Obsidian keeps attachments: the path as written,
  the note's folder, the folder `.obsidian/app.json` names (`attachmentFolderPath`: `/`,
  `./`, `./sub`, a folder), then anywhere in the vault;
- `![[Note]]`, `![[Note#Heading]]`, `![[Note#^block]]` inline that note's text (N876 for one
  that cannot be found, or that embeds itself);
- callouts stay as written: essays show `> [!note] Title` as an aside;
- `%%comments%%` leave (N877), `==highlights==` are marked, `^block-ids` leave.

No file outside the vault is read: every path goes through a gate rooted at it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import unquote

from ..store.paths import Gate, Refused
from .draft import MAX_IMAGE_MB, Once, essay_link

MAX_NOTE_MB = 8
MAX_EMBED_DEPTH = 6  # notes embedded in notes embedded in notes...
MAX_EMBEDS = 200  # in one note, all depths: notes that embed each other many times over
_EMBED = re.compile(r"!\[\[([^\[\]|#\n]{1,300})(#[^\[\]|\n]{0,300})?(?:\|([^\[\]\n]{0,300}))?\]\]")
_LINK = re.compile(r"(?<!!)\[\[([^\[\]|#\n]{0,300})(#[^\[\]|\n]{0,300})?"
                   r"(?:\|([^\[\]\n]{1,300}))?\]\]")
_MD_LINK = re.compile(r"(?<!!)\[([^\[\]\n]{1,500})\]\(<?([^()<>\s]{1,1000}\.md)>?(#[^()\s]{0,300})?\)")
_HIGHLIGHT = re.compile(r"==(?=\S)([^=\n]{1,1000}?)(?<=\S)==")
_BLOCK_ID = re.compile(r"(?m)[ \t]+\^([\w-]{1,64})[ \t]*$|^\^([\w-]{1,64})[ \t]*$")
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif", ".bmp")
_FRONT = re.compile(r"---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|$)", re.S)


def vault_of(path: Path, site: Path | None) -> Path | None:
    """The vault a note is in: the nearest folder above it holding `.obsidian/` (not above
    `--site`, if given)."""
    for folder in Path(os.path.abspath(path)).parents:
        if (folder / ".obsidian").is_dir():
            return folder
        if site is not None and folder == Path(os.path.abspath(site)):
            break
    return None


def note_key(vault: Path, note: Path) -> str:
    """How drafts of one vault name each other: the note's path in it, without `.md`."""
    relative = Path(os.path.abspath(note)).relative_to(vault)
    return relative.with_suffix("").as_posix().casefold()


class Vault:
    """One vault's notes and attachments, found as Obsidian finds them."""

    def __init__(self, root: Path):
        self.root = root
        self.gate = Gate((root.resolve(),), MAX_NOTE_MB)
        self.attachments = _attachment_folder(root)
        self.files: dict[str, list[Path]] = {}  # name, case-folded -> files of that name
        for folder, dirs, names in os.walk(root):  # links to folders are not followed
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                self.files.setdefault(name.casefold(), []).append(Path(folder) / name)

    def find(self, name: str, beside: Path) -> Path | None:
        """The file a link names: the path as written (from the vault, then from the note's
        folder), then by name in the note's folder, the attachment folder, anywhere."""
        name = unquote(name).strip().lstrip("/")
        if not name or "\0" in name:
            return None
        folders = [self.root, beside.parent]
        if self.attachments:
            folders.append(beside.parent / self.attachments[2:] if
                           self.attachments.startswith("./") else self.root / self.attachments)
        for folder in folders:
            candidate = folder / name
            if _inside(candidate, self.root) and candidate.is_file():
                return candidate
        found = self.files.get(Path(name).name.casefold(), [])
        near = [f for f in found if f.parent == beside.parent]
        return (near or found or [None])[0]

    def note(self, name: str, beside: Path) -> Path | None:
        """The note a wikilink names (`Note`, `folder/Note`, `Note.md`)."""
        name = name.strip()
        return self.find(name if name.lower().endswith(".md") else name + ".md", beside)

    def read(self, note: Path) -> str | None:
        try:
            data = self.gate.read_bytes(note, (note, None), "note")
        except Refused:
            return None
        return data.decode("utf-8", "replace").replace("\r\n", "\n")


def _attachment_folder(root: Path) -> str | None:
    """`attachmentFolderPath` of `.obsidian/app.json`, if it says one."""
    try:
        data = Gate((root.resolve(),), 1).read_bytes(root / ".obsidian" / "app.json")
        setting = json.loads(data).get("attachmentFolderPath")
    except (Refused, ValueError, AttributeError):
        return None
    return setting.strip() if isinstance(setting, str) and setting.strip() not in ("", "/") \
        else None


def _inside(path: Path, root: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


class NoteBody:
    """The Obsidian passes over one note's Markdown (run outside code by the caller)."""

    def __init__(self, vault: Vault, note: Path, once: Once, attach, line_of):
        self.vault, self.note, self.once = vault, note, once
        self.attach, self.line_of = attach, line_of  # image copier, line finder
        self.embedded = 0

    def embeds(self, text: str, seen: tuple = (), depth: int = 0) -> str:
        """`text` with `![[Note]]` embeds replaced by the note's text."""
        return _EMBED.sub(lambda m: self.embed(m, seen or (self.note,), depth), text)

    def embed(self, match: re.Match, seen: tuple, depth: int) -> str:
        name, section, alt = match.group(1).strip(), (match.group(2) or "")[1:], match.group(3)
        if name.lower().endswith(_IMAGE_SUFFIXES):
            return match.group(0)  # an image: `images` copies it
        suffix = Path(name).suffix.lower()
        target = self.vault.note(name, seen[-1]) if suffix in ("", ".md") else None
        if target is None:
            self.once.warn("N876", f"embed:{name}", f"the embedded file {name} is not a note "
                           "of the vault; its name is printed instead",
                           lambda: self.line_of(match.group(0)),
                           hint="embed notes and images; link to other files")
            return alt or name
        self.embedded += 1
        if target in seen or depth >= MAX_EMBED_DEPTH or self.embedded > MAX_EMBEDS:
            self.once.warn("N876", f"cycle:{name}", f"the note {name} embeds itself (or is "
                           f"embedded more than {MAX_EMBED_DEPTH} deep, or after {MAX_EMBEDS} "
                           "other embeds); it is not inlined again",
                           lambda: self.line_of(match.group(0)),
                           hint="link to the note instead of embedding it")
            return alt or name
        text = self.vault.read(target)
        if text is None:
            self.once.warn("N876", f"embed:{name}", f"the embedded note {name} cannot be read "
                           "(it leads out of the vault, or is too large); its name is printed "
                           "instead", lambda: self.line_of(match.group(0)),
                           hint="embed notes that are files of the vault")
            return alt or name
        text = _section(_FRONT.sub("", text, count=1) if text.startswith("---") else text,
                        section)
        return "\n\n" + self.embeds(text, seen + (target,), depth + 1).strip() + "\n\n"

    def images(self, text: str) -> str:
        """`![[picture.png|alt]]` as a copy of the picture."""
        def image(match: re.Match) -> str:
            name, alt = match.group(1).strip(), (match.group(3) or "").strip()
            alt = "" if re.fullmatch(r"\d+(x\d+)?", alt) else alt  # |300 is a width
            found = self.vault.find(name, self.note)
            if found is None:
                return self.missing(name, alt, match.group(0))
            try:  # a link in the vault may lead out of it: the gate says
                found = Gate((self.vault.root.resolve(),), MAX_IMAGE_MB).check(
                    found, (self.note, None), "image")
            except Refused as refused:
                self.once.warn("N818", f"image:{name}", f"image {name} not copied: "
                               f"{refused.diagnostics[0].message}",
                               lambda: self.line_of(match.group(0)),
                               hint="copy the image itself into the vault")
                from .draft import missing_image
                return missing_image(alt or name)
            return self.attach(found, alt or Path(name).stem)
        return _EMBED.sub(image, text)

    def missing(self, name: str, alt: str, snippet: str) -> str:
        from .draft import missing_image

        self.once.warn("N815", f"image:{name}", f"image {name} cannot be found in the vault; "
                       "its alt text is shown in its place", lambda: self.line_of(snippet),
                       hint="put the image in the vault (its attachment folder)")
        return missing_image(alt or name)

    def links(self, text: str) -> str:
        """`[[Note|text]]` and `[text](Note.md)` as links to the essays the notes become."""
        text = _LINK.sub(self.wikilink, text)
        return _MD_LINK.sub(self.markdown_link, text)

    def wikilink(self, match: re.Match) -> str:
        name, section, label = match.group(1).strip(), (match.group(2) or "")[1:], match.group(3)
        heading = section if not section.startswith("^") else ""
        shown = (label or (f"{name} > {heading}" if name and heading else name or heading)).strip()
        if not name:  # [[#Heading]]: a section of this note
            return f"[{shown}](#{_anchor(heading)})" if heading else shown
        target = self.vault.note(name, self.note)
        if target is None:
            self.once.warn("N875", f"link:{name}", f"the link [[{name}]] names no note of the "
                           "vault; its text is kept", lambda: self.line_of(match.group(0)),
                           hint="create the note, or import the vault it is in")
            return shown
        return essay_link(note_key(self.vault.root, target), shown, _anchor(heading))

    def markdown_link(self, match: re.Match) -> str:
        label, address, section = match.group(1), match.group(2), (match.group(3) or "")[1:]
        if re.match(r"[a-z][a-z0-9+.-]*:", address, re.I):
            return match.group(0)
        target = self.vault.note(unquote(address), self.note)
        if target is None:
            return match.group(0)
        return essay_link(note_key(self.vault.root, target), label, _anchor(unquote(section)))

    def tidy(self, text: str) -> str:
        """Comments leave (named), highlights are marked, block ids leave."""
        out, at = [], 0
        while (start := text.find("%%", at)) >= 0 and (end := text.find("%%", start + 2)) >= 0:
            out.append(text[at:start])
            at = end + 2
            self.once.warn("N877", "comment", "Obsidian comments (%%...%%) left out",
                           lambda: self.line_of(text[start:start + 40]),
                           hint="Obsidian hides them in its reading view too")
        text = "".join(out) + text[at:]
        text = _HIGHLIGHT.sub(r"<mark>\1</mark>", text)
        return _BLOCK_ID.sub("", text)


def _anchor(heading: str) -> str:
    from ..text.markup import heading_anchor

    return heading_anchor(heading) if heading else ""


def _section(text: str, section: str) -> str:
    """The part of a note an embed names: `Heading` (to the next heading as high), `^id` (the
    block that ends with it), or the whole note."""
    if not section:
        return text
    if section.startswith("^"):
        for block in re.split(r"\n[ \t]*\n", text):
            if re.search(rf"(?m)[ \t]\^{re.escape(section[1:])}[ \t]*$|^\^{re.escape(section[1:])}",
                         block):
                return block
        return ""
    wanted = section.split("#")[-1].strip().casefold()
    lines = text.split("\n")
    for index, line in enumerate(lines):
        heading = re.match(r"(#{1,6})[ \t]+(.*?)[ \t#]*$", line)
        if heading and heading.group(2).strip().casefold() == wanted:
            level, end = len(heading.group(1)), len(lines)
            for later in range(index + 1, len(lines)):
                other = re.match(r"(#{1,6})[ \t]", lines[later])
                if other and len(other.group(1)) <= level:
                    end = later
                    break
            return "\n".join(lines[index:end])
    return ""
