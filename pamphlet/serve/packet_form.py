"""The bookbuilder's model of a spec being edited: a draft, its TOML, its checks and its save.

A `SpecDraft` holds what an organiser edits (essays and their order, title, event, print
settings, per-essay notes); `to_toml` writes it back into the spec's own text with tomlkit, so
a hand-written spec keeps its comments, order and every key the draft does not hold. Text is
checked by the same loader, selection and assembly a build runs (`validate`), and written
only through `save`: into the project's pamphlet.toml or packets/*.toml, atomically, and
never over a file that changed since it was read.

The web app's round: `read_spec` (text, version) or `open_spec` (draft, version);
`draft_from_form` for what the page posts; `to_toml(draft, text)`; `validate(text, path)`;
`estimate`; `save(path, text, version, project)`. `library_rows` and `library_row` show the
essays, `form_choices` the values each choice may take. Nothing here prints or builds.

Diagnostic codes: V140 the spec changed on disk since it was opened, V141 a spec may not be
written there, V142 no free file name for a new packet, V143 the spec's text cannot be
edited (tomlkit cannot read it), V144 the spec could not be written (a disk or permission
error), V145 a packet called pamphlet.toml (packets/ would look like a project of its own).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping

import tomlkit
import tomlkit.exceptions

from ..book.assemble import source_line
from ..store.atomic import locked
from ..build.check import essay_problems, spec_problems
from ..diagnostics import Diagnostic, Diagnostics, PamphletError, fail
from ..project.essays import Essay, essay_paths, read_essay
from ..project.imposition import SCHEMES, impose
from ..book.estimate import Book, Part, family, page_count
from ..outputs.wrap import block_pages, perfect_plan
from ..project.library import estimated_pages, reading_minutes, slugify
from ..store.paths import Gate, ignored
from ..book.layouts import available_layouts
from ..project.printing import (SHEETS, VARIANTS, PrintSettings, instructions, print_plan,
                                settings_from_table, sheet_size)
from ..project.spec import (PAGE_SIZES, PRINT_FIELDS, SPEC_NAME, SPEC_SCHEMA, load_spec,
                            parse_spec, parse_toml, project_root)
from ..project.schema import Checker, TomlLocator
from ..project.select import choose

_PRINT_TABLE = SPEC_SCHEMA.fields["print"]
NEW = ""  # the version of a spec that does not exist yet: `save` then only creates
PACKETS = "packets"


# --- the draft -----------------------------------------------------------------------------

@dataclass
class EventDraft:
    """The [event] table: the meeting a packet is made for."""

    name: str | None = None
    date: dt.date | str | None = None
    time: str | None = None
    place: str | None = None
    host: str | None = None
    contact: str | None = None
    agenda: list[str] = field(default_factory=list)
    end: str | None = None  # the event kit's keys: when it ends (or how long it lasts),
    duration: str | None = None  # the place's time zone, its web address
    timezone: str | None = None
    url: str | None = None


@dataclass
class PrintDraft:
    """The [print] table; None for a key means the schema's default (the key is left out)."""

    scheme: str | None = None
    sheet: str | None = None
    duplex: str | None = None
    binding: str | None = None
    signature: int | str | None = None
    creep: str | None = None
    marks: bool | None = None
    copies: int | None = None
    variants: list[str] | None = None
    instructions: bool | None = None
    fit: bool | None = None


@dataclass
class EssayDraft:
    """One [essay.<slug>] table: an editor's intro, discussion questions, and the sections
    kept for an excerpt."""

    intro: str | None = None
    questions: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)


@dataclass
class SpecDraft:
    """What the bookbuilder edits; every name is the spec's own key (page_size is [pdf]'s).

    `essays` None means the spec has no `essays` list (it selects by [select]); `event` and
    `print` None mean the spec has no such table (no event page, no print output).
    """

    title: str = ""
    subtitle: str | None = None
    editor: list[str] = field(default_factory=list)
    date: dt.date | str | None = None
    layout: str | None = None
    page_size: str | None = None
    essays: list[str] | None = field(default_factory=list)
    event: EventDraft | None = None
    print: PrintDraft | None = None  # noqa: A003 - the spec's own key
    essay: dict[str, EssayDraft] = field(default_factory=dict)

    def add_essay(self, slug: str) -> None:
        """Append an essay (once)."""
        self.essays = list(self.essays or [])
        if slug not in self.essays:
            self.essays.append(slug)

    def remove_essay(self, slug: str) -> None:
        """Take an essay out, with its [essay.<slug>] notes."""
        self.essays = [s for s in self.essays or [] if s != slug]
        self.essay.pop(slug, None)

    def move_essay(self, slug: str, offset: int) -> None:
        """Move an essay `offset` places (negative: earlier), stopping at either end."""
        essays = list(self.essays or [])
        if slug not in essays:
            return
        index = essays.index(slug)
        essays.insert(max(0, min(len(essays) - 1, index + offset)), essays.pop(index))
        self.essays = essays

    def as_data(self) -> dict:
        """Plain JSON-ready data (dates as ISO strings), for a web page."""
        return _plain(self)


# The [event] keys a form gives as one line of text each (the agenda is a list).
EVENT_TEXT = ("name", "date", "time", "end", "duration", "timezone", "place", "host", "contact",
              "url")
# The draft's scalar keys and where each stands in the spec.
_TOP = {"title": ("title",), "subtitle": ("subtitle",), "editor": ("editor",),
        "date": ("date",), "layout": ("layout",), "page_size": ("pdf", "page_size"),
        "essays": ("essays",)}


def draft_from_data(data: dict) -> SpecDraft:
    """The draft of parsed spec data; values of the wrong type are kept as they are, so the
    checks still report them and an untouched key is written back untouched."""
    def table(key: str) -> dict | None:
        value = data.get(key)
        return value if isinstance(value, dict) else None
    pdf = table("pdf") or {}
    editor = data.get("editor")
    draft = SpecDraft(
        title=data.get("title", ""), subtitle=data.get("subtitle"),
        editor=[editor] if isinstance(editor, str) else (editor or []),
        date=data.get("date"), layout=data.get("layout"), page_size=pdf.get("page_size"),
        essays=data.get("essays"))
    if (event := table("event")) is not None:
        draft.event = EventDraft(**_known(event, EventDraft, {"agenda": []}))
    if (printing := table("print")) is not None:
        draft.print = PrintDraft(**_known(printing, PrintDraft, {}))
    for slug, entry in (table("essay") or {}).items():
        if isinstance(entry, dict):
            draft.essay[slug] = EssayDraft(**_known(entry, EssayDraft,
                                                    {"questions": [], "sections": []}))
    return draft


def _known(values: dict, kind: type, defaults: dict) -> dict:
    names = {f.name for f in fields(kind)}
    return {**defaults, **{k: v for k, v in values.items() if k in names}}


def draft_from_text(text: str, path: Path) -> SpecDraft:
    """The draft of spec text; raise PamphletError (P101, P125) when it is not TOML."""
    return draft_from_data(parse_toml(text, Path(path)))


# --- a web form into a draft ---------------------------------------------------------------

def draft_from_form(form: Mapping[str, Any]) -> SpecDraft:
    """A draft from form fields: `title`, `subtitle`, `editor`, `date`, `layout`, `page_size`,
    `essays`; `event` (present: the table is on) and `event.<key>`; `print` and `print.<key>`;
    `essay.<slug>.intro|questions|sections`. A value is a string or a list of strings; list
    keys take one item a line. Numbers and booleans are converted as the schema types them;
    anything else stays text, so `validate` reports it as it would in a file. A multi-dict
    (Starlette's FormData) is read with all its repeated values."""
    if hasattr(form, "getlist"):
        form = {key: form.getlist(key) for key in form.keys()}
    def one(key: str) -> str | None:
        value = form.get(key)
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else None
        # A browser sends a textarea's line ends as CR LF; a file written by hand has LF.
        value = None if value is None else re.sub(r"\r\n?", "\n", str(value)).strip()
        return value or None
    draft = SpecDraft(
        title=one("title") or "", subtitle=one("subtitle"), editor=_lines(form.get("editor")),
        date=_date(one("date")), layout=one("layout"), page_size=one("page_size"),
        essays=_lines(form.get("essays")) if "essays" in form else None)
    if "event" in form:
        draft.event = EventDraft(**{k: _date(one(f"event.{k}")) if k == "date" else one(f"event.{k}")
                                    for k in EVENT_TEXT},
                                 agenda=_lines(form.get("event.agenda")))
    if "print" in form:
        draft.print = PrintDraft(**{f.name: _typed(PRINT_FIELDS[f.name], form, f"print.{f.name}")
                                    for f in fields(PrintDraft)})
    for key in form:
        if match := re.fullmatch(r"essay\.(.+)\.(intro|questions|sections)", key):
            note = draft.essay.setdefault(match[1], EssayDraft())
            if match[2] == "intro":
                note.intro = one(key)
            else:
                setattr(note, match[2], _lines(form[key]))
    return draft


def _lines(value: Any) -> list[str]:
    """A list from a form value: strings (repeated fields), each with an item a line."""
    if value is None:
        return []
    values = value if isinstance(value, (list, tuple)) else [value]
    items = [line.strip() for text in values for line in str(text).splitlines()]
    return [item for item in items if item]


def _date(text: str | None) -> dt.date | str | None:
    """A TOML date for text that is an ISO date (as `pamphlet init` writes it), else the text."""
    if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(text)
    return text


_WHOLE = re.compile(r"[+-]?\d{1,4000}")  # Python reads whole numbers of at most ~4300 digits


def _typed(spec, form: Mapping[str, Any], key: str) -> Any:
    """A form value as the schema field types it: a whole number, true or false, a list."""
    value = form.get(key)
    if list in spec.types:
        return _lines(value) if value is not None else None
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    text = None if value is None else str(value).strip()
    if bool in spec.types:
        return None if text is None else text.lower() in ("on", "true", "1", "yes")
    if not text:
        return None
    if int in spec.types and _WHOLE.fullmatch(text):
        return int(text)
    return text


# --- opening -------------------------------------------------------------------------------

def version_of(data: bytes) -> str:
    """The version of a spec's bytes: a content hash, so any change on disk is seen."""
    return hashlib.sha256(data).hexdigest()


def read_spec(path: Path) -> tuple[str, str]:
    """A spec's text and version, read through the project's path gate; a spec that does
    not exist yet reads as empty text with the version NEW."""
    path = Path(path)
    if not os.path.lexists(path):
        return "", NEW
    raw = Gate.for_project(project_root(path)).project_only().read_bytes(path, what="spec")
    try:
        return raw.decode("utf-8-sig"), version_of(raw)
    except UnicodeDecodeError as error:
        raise fail("P111", f"cannot read the spec: {error}", path,
                   hint="save the spec as UTF-8") from None


def open_spec(path: Path) -> tuple[SpecDraft, str]:
    """The draft of the spec at `path` and its version, for `save`."""
    text, version = read_spec(path)
    return draft_from_text(text, path), version


def new_spec(project: Path, title: str) -> Path:
    """A proposal for a new packet's path, packets/<slug>.toml, that no file holds yet."""
    base = slugify(title) or "packet"
    folder = Path(project) / PACKETS
    for number in range(1, 10_000):
        candidate = folder / (f"{base}.toml" if number == 1 else f"{base}-{number}.toml")
        if not os.path.lexists(candidate) and candidate.name != SPEC_NAME:
            return candidate  # (packets/pamphlet.toml would make packets/ a project)
    raise fail("V142", f"no free name for a packet called '{base}' in {folder}", folder,
               hint="choose another title")


# --- writing TOML --------------------------------------------------------------------------

def to_toml(draft: SpecDraft, original_text: str | None = None) -> str:
    """The draft as spec text: the original document edited in place (its comments, key order
    and untouched keys kept, cleared keys removed), or a new, tidy spec. Raise PamphletError
    (P101, P125, V143) when the original is not TOML that can be edited."""
    if original_text is None or not original_text.strip():
        doc, before = tomlkit.document(), SpecDraft(title=None, essays=None)
        doc.add(tomlkit.comment("A packet made with pamphlet's bookbuilder. See the README."))
    else:
        before = draft_from_data(parse_toml(original_text, None))
        doc = _editable(original_text)
    for name, key in _TOP.items():
        _edit(doc, key, getattr(before, name), getattr(draft, name))
    _edit_table(doc, "event", before.event, draft.event)
    _edit_table(doc, "print", before.print, draft.print)
    _edit_essays(doc, before.essay, draft.essay)
    return tomlkit.dumps(doc)


def _editable(text: str) -> tomlkit.TOMLDocument:
    try:
        return tomlkit.parse(text)
    except (tomlkit.exceptions.TOMLKitError, RecursionError, ValueError) as error:
        raise fail("V143", f"the spec cannot be edited: {error}", None,
                   hint="fix the spec by hand first (pamphlet check shows what is wrong)") \
            from None


def _edit(container, key: tuple[str, ...], old: Any, new: Any) -> None:
    """Change one key where the draft changed it; remove it where the draft cleared it."""
    *tables, name = key
    if _same(old, new, name):
        return
    for table in tables:
        if table not in container or not isinstance(container[table], dict):
            if _cleared(new, name):
                return
            container[table] = tomlkit.table()
        container = container[table]
    if _cleared(new, name):
        if name in container:
            del container[name]
        return
    container[name] = _item(new, name, container.get(name))


def _edit_table(doc, name: str, old, new) -> None:
    """An optional table ([event], [print]): added, removed, or edited key by key."""
    if new is None:
        if old is not None and name in doc:
            del doc[name]
        return
    if old is None or name not in doc or not isinstance(doc[name], dict):
        old = type(new)(**{f.name: None for f in fields(new)})
        doc[name] = tomlkit.table()
    for f in fields(new):
        _edit(doc[name], (f.name,), getattr(old, f.name), getattr(new, f.name))


def _edit_essays(doc, old: dict[str, EssayDraft], new: dict[str, EssayDraft]) -> None:
    """The [essay.<slug>] tables: removed, added or edited; one left empty is removed."""
    for slug in old.keys() - new.keys():  # (old only holds slugs whose entry is a table)
        del doc["essay"][slug]
    for slug, note in new.items():
        before = old.get(slug, EssayDraft())
        if _same_note(before, note):
            continue
        if not isinstance(doc.get("essay"), dict):  # missing, or a value of the wrong type
            doc["essay"] = tomlkit.table(is_super_table=True)
        if not isinstance(doc["essay"].get(slug), dict):
            doc["essay"][slug] = tomlkit.table()
        for key in ("intro", "questions", "sections"):
            _edit(doc["essay"][slug], (key,), getattr(before, key), getattr(note, key))
        if not doc["essay"][slug]:
            del doc["essay"][slug]
    if "essay" in doc and not doc["essay"]:
        del doc["essay"]


def _same_note(a: EssayDraft, b: EssayDraft) -> bool:
    return all(_same(getattr(a, k), getattr(b, k)) for k in ("intro", "questions", "sections"))


def _cleared(value: Any, name: str = "") -> bool:
    """Whether a value means "no such key": None, empty text, an empty list (but an empty
    `essays` list selects nothing, which is not the same as selecting by [select])."""
    return value is None or value == "" or (value == [] and name != "essays")


def _same(old: Any, new: Any, name: str = "") -> bool:
    """Whether a draft value says the same as the spec's (a date as a date or its text)."""
    if _cleared(old, name) and _cleared(new, name):
        return True
    return _norm(old) == _norm(new) and type(_norm(old)) is type(_norm(new))


def _norm(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, list):
        return [_norm(item) for item in value]
    return value


def _item(value: Any, name: str, old=None):
    """A tomlkit item for a new value, in the style of the one it replaces."""
    if name == "editor" and isinstance(value, list) and len(value) == 1:
        value = value[0]
    if name == "date" and isinstance(value, str):  # a TOML date, as pamphlet init writes one
        value = _date(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return _array(value, old)
    return tomlkit.item(value)


def _array(values: list, old=None):
    """A TOML array: one line a value where it replaces a multi-line array (each value keeps
    the comment it had there, so a reordered list keeps its notes) or is long; else inline."""
    items = [_string(value) if isinstance(value, str) else value for value in values]
    array = tomlkit.array()
    if not isinstance(old, tomlkit.items.Array) or "\n" not in old.as_string() or not values:
        array.extend(items)
        long = len(values) > 2 or sum(len(str(value)) for value in values) > 60
        return array.multiline(long and not isinstance(old, tomlkit.items.Array))
    comments, indent = _comments(old)
    for value, item in zip(values, items):
        array.add_line(item, indent=indent,
                       comment=comments.get(value) if isinstance(value, str) else None)
    array.add_line(indent="")  # the closing bracket on a line of its own
    return array


def _comments(array) -> tuple[dict[str, str], str]:
    """The comment after each string in a multi-line array, and the array's indent."""
    comments, indent = {}, "    "
    try:  # tomlkit keeps these in its item groups, which it does not document
        for group in array._value:
            if isinstance(group.value, tomlkit.items.String):
                indent = group.indent.as_string().lstrip("\n") if group.indent else indent
                if group.comment is not None:
                    comments[str(group.value)] = group.comment.as_string().strip()[1:].strip()
    except AttributeError:
        return {}, "    "
    return comments, indent


def _string(text: str):
    """A TOML string: multi-line for text with line breaks, when that reads back exactly."""
    if "\n" in text:
        candidate = tomlkit.string(text, multiline=True)
        with contextlib.suppress(tomllib.TOMLDecodeError):
            if tomllib.loads(f"x = {candidate.as_string()}")["x"] == text:
                return candidate
    return tomlkit.string(text)


# --- checking ------------------------------------------------------------------------------

def validate(text: str, path: Path) -> Diagnostics:
    """Everything a build (and `pamphlet check`) would report about this spec text, were it
    saved at `path`: TOML, schema, selection, assembly (the sanitiser), layout and print."""
    path = Path(path).absolute()
    diagnostics = Diagnostics()
    limit = Gate.for_project(project_root(path)).limit
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError as error:  # a lone surrogate, which a browser's JSON may carry
        diagnostics.error("P111", f"cannot read the spec: {error.reason} at character "
                          f"{error.start + 1}", path, text.count("\n", 0, error.start) + 1,
                          hint="retype the character; a spec is UTF-8 text")
        return diagnostics
    if size > limit:  # as the path gate says of a spec file that large
        diagnostics.error("S904", f"spec {path.name} is {size / 1e6:.1f} MB, over the limit of "
                          f"{limit / 1e6:g} MB", path,
                          hint="raise [limits] file_size_mb in the spec, or shrink the file")
        return diagnostics
    try:
        spec = parse_spec(text, path)
    except PamphletError as error:
        diagnostics.extend(error.diagnostics)
        return diagnostics
    spec_problems(spec, diagnostics)
    return diagnostics


# --- saving --------------------------------------------------------------------------------

def save(path: Path, text: str, version: str, project: Path | None = None) -> Diagnostics:
    """Write spec text to `path` (pamphlet.toml or packets/*.toml of `project`), atomically.

    Refused, with nothing written: when the file is not the `version` that was opened (V140),
    when the place is not a spec's (V141), when the text has errors (those of `validate`)."""
    path = Path(path).absolute()
    diagnostics = Diagnostics()
    try:
        root = _place(path, project)
        _unchanged(path, version)
        diagnostics = validate(text, path)
        if not diagnostics.has_errors:
            _write(path, text.encode("utf-8"), version, root)
    except PamphletError as error:
        diagnostics.extend(error.diagnostics)
    return diagnostics


def _place(path: Path, project: Path | None) -> Path:
    """The project root, when `path` is a place a spec may be written; else V141: the
    project's pamphlet.toml or packets/<name>.toml, reached with no link on the way."""
    root = Path(project).resolve() if project is not None else project_root(path)
    folder = Path(os.path.realpath(path.parent))
    if folder == root:
        allowed = path.name == SPEC_NAME
    else:
        allowed = folder == root / PACKETS and path.suffix == ".toml" and not ignored(path) \
            and len(path.name) <= 200
    is_project = (root / "source").is_dir() or (root / SPEC_NAME).is_file()
    if not allowed or not is_project or os.path.islink(path):
        raise fail("V141", f"a spec cannot be written to {path}", path,
                   hint=f"save the spec as {SPEC_NAME} or packets/<name>.toml in the project")
    if folder != root and path.name == SPEC_NAME:
        raise fail("V145", f"a packet cannot be called {SPEC_NAME}: packets/ would look like "
                   "a project of its own, and its outputs would be the project's", path,
                   hint="give the packet another name")
    return root


def _unchanged(path: Path, version: str) -> None:
    """V140 when the file on disk is no longer the version the draft was opened from."""
    _, current = read_spec(path) if os.path.lexists(path) else ("", NEW)
    if current != version:
        what = "was made" if version == NEW else ("was removed" if current == NEW else
                                                  "changed")
        raise fail("V140", f"the spec {what} on disk since it was opened, so it was not saved",
                   path, hint="reload")


def _write(path: Path, data: bytes, version: str, root: Path) -> None:
    """Write through a temporary file in the same folder, then move it into place: a new
    spec by a link, which fails if a file appeared meanwhile; an old one by os.replace, after
    a last look at its version. Saves to one folder are serialised by a lock on it."""
    try:
        path.parent.mkdir(exist_ok=True)
    except OSError as error:
        raise _unwritten(path, error) from None
    if not Gate.for_project(root).inside(path.parent):  # a link made since _place looked
        raise fail("V141", f"a spec cannot be written to {path}", path,
                   hint="the folder leads out of the project")
    try:
        with locked(path.parent), _temporary(path, data) as temporary:
            _unchanged(path, version)
            if version == NEW:
                os.chmod(temporary, 0o644)
                _create(temporary, path, data)
            else:
                os.chmod(temporary, os.stat(path).st_mode & 0o7777)
                os.replace(temporary, path)
    except FileExistsError:
        raise fail("V140", "the spec was made on disk since it was opened, so it was not "
                   "saved", path, hint="reload") from None
    except OSError as error:
        raise _unwritten(path, error) from None


@contextlib.contextmanager
def _temporary(path: Path, data: bytes):
    """A file beside `path` holding `data`, on disk, removed afterwards if still there."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def _create(temporary: Path, path: Path, data: bytes) -> None:
    """Make `path` from the temporary file, never over a file (FileExistsError then)."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:  # a file system with no hard links: an exclusive create does as well
        with open(path, "xb") as out:
            out.write(data)


def _unwritten(path: Path, error: OSError) -> PamphletError:
    return fail("V144", f"the spec could not be written: {error.strerror or error}", path,
                hint="check the folder's permissions and free space")


# --- estimates -----------------------------------------------------------------------------

BACK_MATTER = 2  # the pages a print plan keeps at the end: the colophon and the back cover


@dataclass(frozen=True)
class PrintEstimate:
    """The copy-shop plan for an estimated page count."""

    scheme: str
    sheet: str
    sheet_size: tuple[float, float]  # portrait width and height, in points
    pages: int
    padded: int
    blanks: int
    sheets: int  # per copy
    sides: int  # printed sides per copy
    copies: int
    total_sheets: int
    plan: str
    instructions: list[str]


@dataclass(frozen=True)
class Estimate:
    """What a web page shows while the selection changes: figures, not a build."""

    essays: int
    words: int
    minutes: int
    pages: int
    page_size: str
    printing: PrintEstimate | None = None
    missing: list[str] = field(default_factory=list)  # slugs with no essay in source/

    def as_data(self) -> dict:
        return _plain(self)


def estimate(project: Path, draft: SpecDraft, spec_path: Path | None = None) -> Estimate:
    """Words, pages, sheets and the copy-shop plan for the draft's selection, as the layout
    lays it out (book/estimate.py): an estimate, the build alone knows the real count."""
    root = Path(project).resolve()
    page_size = draft.page_size if draft.page_size in PAGE_SIZES else PAGE_SIZES[0]
    essays, missing = _selected(root, draft, spec_path)
    if not essays:
        return Estimate(0, 0, 0, 0, page_size, None, missing)
    words = sum(essay.word_count for essay in essays)
    saved = _loaded(spec_path)
    book = Book(
        layout=draft.layout or "zine", page_size=page_size,
        essays=tuple(_part(essay, draft.essay.get(essay.slug)) for essay in essays),
        essay_start=saved.pdf.essay_start if saved else "right",
        introduction=_words(saved.intro) if saved and saved.intro else None,
        agenda=len(draft.event.agenda) if draft.event else 0)
    pages = page_count(book, family(book.layout, root / "layouts"))
    return Estimate(len(essays), words, reading_minutes(words) if words else 0, pages,
                    page_size, _print_estimate(draft, page_size, pages), missing)


def _part(essay: Essay, note: EssayDraft | None) -> Part:
    """An essay's length, with the spec's intro and questions for it."""
    if note is None:
        return Part(essay.word_count)
    return Part(essay.word_count, _words(note.intro or ""),
                tuple(_words(q) for q in note.questions if isinstance(q, str)))


def _words(text: str) -> int:
    return len(str(text).split())


def _loaded(spec_path: Path | None):
    """The saved spec (its intro and [pdf] essay_start), or None."""
    if spec_path is None:
        return None
    try:
        return load_spec(spec_path)
    except PamphletError:
        return None


def _selected(root: Path, draft: SpecDraft,
              spec_path: Path | None) -> tuple[list[Essay], list[str]]:
    """The essays the draft selects: its list, or else [select] of the spec at `spec_path`
    (the whole library when there is none), and the listed slugs that name no essay."""
    paths = essay_paths(root / "source")
    gate = Gate.for_project(root)
    quiet = Diagnostics()  # each essay's problems are the library's to show
    if draft.essays is not None:
        listed = draft.essays if isinstance(draft.essays, list) else []  # a P103 in the spec
        slugs = [slug for slug in listed if isinstance(slug, str)]
        found = [read_essay(paths[slug], quiet, gate=gate) for slug in slugs if slug in paths]
        return [e for e in found if e is not None], [s for s in slugs if s not in paths]
    essays = [e for e in (read_essay(p, quiet, gate=gate) for p in paths.values()) if e]
    try:
        return choose(essays, load_spec(spec_path).selection), []
    except (PamphletError, TypeError):  # no spec, or one with errors: the whole library
        return essays, []


def _print_estimate(draft: SpecDraft, page_size: str, pages: int) -> PrintEstimate | None:
    """The imposition of `pages` with the draft's [print] settings, as a copy-shop plan."""
    if draft.print is None:
        return None
    settings = _print_settings(draft.print)
    if settings is None:
        return None
    name, size = sheet_size(settings, page_size)
    if settings.scheme not in SCHEMES:  # perfect: pages in reading order, both sides
        padded, blanks = block_pages(pages, settings)  # as the build makes the block
        return PrintEstimate(settings.scheme, name, size, pages, padded, blanks,
                             padded // 2, padded, settings.copies, padded // 2 * settings.copies,
                             perfect_plan(pages, settings), [])
    plan = impose(settings.scheme, pages, BACK_MATTER, settings.signature, settings.duplex,
                  settings.binding)
    sheets = len(plan.sheets)
    sides = sum(1 + (sheet.back is not None) for sheet in plan.sheets)
    padded = len(plan.sequence)
    return PrintEstimate(
        settings.scheme, name, size, pages, padded, padded - pages, sheets, sides,
        settings.copies, sheets * settings.copies,
        print_plan(pages, padded, sheets, sides, name, settings),
        instructions(settings, sheets, name))


def _print_settings(draft: PrintDraft) -> PrintSettings | None:
    """PrintSettings from a draft's [print] table, or None while it has an error."""
    problems = Diagnostics()
    given = {key: value for key, value in vars(draft).items() if value is not None}
    values = Checker(Path(SPEC_NAME), TomlLocator(""), problems).check(given, _PRINT_TABLE)
    settings = settings_from_table({**values, "binding": values["binding"] or "left"},
                                   lambda *problem: problems.error(*problem[:1], problem[2]))
    return None if problems.has_errors else settings


# --- the library ---------------------------------------------------------------------------

def library_rows(project: Path, page_size: str | None = None) -> list[dict]:
    """Each essay in source/ as a row a web page shows (see `library_row`), in slug order."""
    root = Path(project).resolve()
    page_size = page_size or _page_size(root)
    paths = essay_paths(root / "source")
    return [_row(root, slug, paths, page_size) for slug in paths]


def library_row(project: Path, slug: str, page_size: str | None = None) -> dict | None:
    """One essay's row, to refresh after its file changed; None when there is no such essay.

    A row holds: slug, path, title, subtitle, author (a list), date, tags, words, minutes,
    pages (estimated, at `page_size`, else the project's), source (the line under its
    title), url, and diagnostics: what `pamphlet check` reports about this essay's file."""
    root = Path(project).resolve()
    paths = essay_paths(root / "source")
    return _row(root, slug, paths, page_size or _page_size(root)) if slug in paths else None


def _row(root: Path, slug: str, paths: dict[str, Path], page_size: str) -> dict:
    found = Diagnostics()
    essay = read_essay(paths[slug], found, gate=Gate.for_project(root))
    if essay is not None:
        essay_problems(essay, root, frozenset(paths), found)
    words = essay.word_count if essay else 0
    return {
        "slug": slug, "path": str(paths[slug].relative_to(root)),
        "title": essay.title if essay else slug,
        "subtitle": essay.subtitle if essay else None,
        "author": list(essay.authors) if essay else [],
        "date": essay.date if essay else None,
        "tags": list(essay.tags) if essay else [],
        "words": words, "minutes": reading_minutes(words) if essay else 0,
        "pages": estimated_pages(words, page_size) if essay else 0,
        "source": source_line(essay.source, essay.title) if essay else "",
        "url": essay.source.url if essay and essay.source else None,
        "diagnostics": [diagnostic_data(d, root) for d in found],
    }


def _page_size(root: Path) -> str:
    """The page size of the project's pamphlet.toml, if it has a readable one."""
    try:
        return load_spec(root / SPEC_NAME).pdf.page_size
    except PamphletError:
        return PAGE_SIZES[0]


def form_choices(project: Path) -> dict[str, list[str]]:
    """The values each choice in the form may take, as the schema and the project say:
    layouts, page sizes, and the [print] table's schemes, sheets, duplex, binding, variants."""
    choices = {"layout": available_layouts(Path(project) / "layouts"),
               "page_size": list(PAGE_SIZES), "sheet": list(SHEETS), "variants": list(VARIANTS)}
    for key in ("scheme", "duplex", "binding"):
        choices[key] = list(PRINT_FIELDS[key].choices)
    return choices


def diagnostic_data(diagnostic: Diagnostic, root: Path | None = None) -> dict:
    """A diagnostic as plain data: code, severity, message, path (relative to `root`), line,
    hint, and the line as the CLI prints it."""
    path = None
    if diagnostic.path is not None:
        path = replace(diagnostic, line=None).location(root)  # the path alone, no ":line"
    return {"code": diagnostic.code, "severity": diagnostic.severity.value,
            "message": diagnostic.message, "path": path, "line": diagnostic.line,
            "hint": diagnostic.hint, "text": diagnostic.format(root)}


def _plain(value: Any) -> Any:
    """Dataclasses, dates, tuples and paths as JSON-ready data."""
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, (dt.date, Path)):
        return str(value) if isinstance(value, Path) else value.isoformat()
    return value
