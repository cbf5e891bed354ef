"""Finding a project and loading its specs into frozen, validated `Spec` objects.

Diagnostic codes of this stage:
  P101 the spec is not valid TOML          P102 unknown key
  P103 a value has the wrong type          P104 an essay slug names no file in source/
  P105 a required key is missing           P106 a value is not one of the allowed choices
  P107 no project or spec at the path      P108 a slug is listed twice
  P109 the cover image is missing          P110 a colour is not a CSS colour
  P111 the spec cannot be read             P112 the spec selects no essays
  P113 the intro file is missing           P114 an [essay.<slug>] names no selected essay
  P115 a section heading named in [essay.<slug>] is not in the essay
  P116 the tags select no essay            P117 a packet gives neither 'essays' nor [select]
  P120-P122 print settings (see printing.py)
  P123 a number out of its bounds          P124 a date that is no real date
  P125 the spec nests lists or tables too deep
  P126 the cover image has too many pixels to decode (a decompression bomb)
  P172-P176 the event kit's keys (see eventkit.py)
  P179 a [words] text the message cannot take (see wording.py)
  P181 control characters in a text of the spec were left out (warning)
  R101 a bibliography is missing; R106, R107 the citation style (see styles.py)
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostics, PamphletError, fail, shorten
from .imposition import SCHEMES
from ..store.paths import DEFAULT_LIMIT_MB, Gate, Refused, ignored, present
from .eventkit import check_event_kit
from .printing import VARIANTS, PrintSettings, settings_from_table
from .wording import check_words
from ..locale.scripts import direction
from .styles import Style, find_style
from .schema import (EVENT_KIT_FIELDS, MAX_NESTING, PRESS_PRINT_FIELDS, SPEC_KIT_FIELDS, Checker,
                     Field, Table, TableOf, TomlLocator, deepest_line)

SPEC_NAME = "pamphlet.toml"
ESSAY_SUFFIXES = (".md", ".markdown")  # what a spec is not, though it may be named like one
PAGE_SIZES = ("A5", "half-letter", "A6", "quarter-letter", "A4", "letter")
MAX_COPIES = 1_000_000
MAX_TIME_LIMIT = 86_400  # a day; the alarm clock cannot be set much further anyway
_NAMES = (str, list)
_TEXT = (str,)

SPEC_SCHEMA = Table({
    "title": Field(_TEXT, required=True, doc="the pamphlet's title"),
    "subtitle": Field(_TEXT),
    "editor": Field(_NAMES, items=str, doc="one name or a list"),
    "author": Field(_NAMES, items=str, doc="one name or a list"),
    "date": Field((str, dt.date)),
    "lang": Field(_TEXT, default="en"),
    "layout": Field(_TEXT, default="zine"),
    "description": Field(_TEXT),
    "essays": Field((list,), items=str, doc="ordered list of essay slugs"),
    "intro": Field(_TEXT, doc="an introduction in Markdown, printed before the essays"),
    "intro_file": Field(_TEXT, doc="a Markdown file with the introduction"),
    **SPEC_KIT_FIELDS,
    "select": Table({
        "tags_any": Field((list,), items=str, default=[], doc="essays with any of these tags"),
        "tags_all": Field((list,), items=str, default=[], doc="essays with all of these tags"),
        "exclude": Field((list,), items=str, default=[], doc="slugs to leave out"),
        "order": Field(_TEXT, default="manual", choices=("manual", "date", "title")),
        "limit": Field((int,), minimum=1, doc="at most this many essays"),
    }),
    "event": Table({
        "name": Field(_TEXT), "date": Field((str, dt.date)), "time": Field(_TEXT),
        "place": Field(_TEXT), "host": Field(_TEXT), "contact": Field(_TEXT),
        "agenda": Field((list,), items=str, default=[]),
        **EVENT_KIT_FIELDS,
    }),
    "print": Table({
        "scheme": Field(_TEXT, default="saddle", choices=(*SCHEMES, "perfect")),
        "sheet": Field(_TEXT, doc="A4, A3, letter, legal or tabloid; by default from the page size"),
        "duplex": Field(_TEXT, default="short-edge", choices=("short-edge", "long-edge")),
        "binding": Field(_TEXT, choices=("left", "right"),
                         doc="the spine's side; right by default for a right-to-left language"),
        "signature": Field((int, str), doc='pages per signature, or a range like "16-32"'),
        "creep": Field(_TEXT, doc='the paper thickness, like "0.1mm"'),
        "marks": Field((bool,), default=False, doc="crop and fold marks"),
        "copies": Field((int,), default=1, minimum=1, maximum=MAX_COPIES,
                        doc="how many copies to print, for the print plan"),
        "variants": Field((list,), items=str, default=["read", "print"]),
        "instructions": Field((bool,), default=False, doc="an instruction page with the job"),
        "fit": Field((bool,), default=False, doc="try small type changes to save blank pages"),
        **PRESS_PRINT_FIELDS,
    }),
    "essay": TableOf(Table({
        "intro": Field(_TEXT, doc="an editor's note printed before the essay"),
        "questions": Field((list,), items=str, default=[], doc="discussion questions after it"),
        "sections": Field((list,), items=str, default=[], doc="headings of the sections to keep"),
    })),
    "cover": Table({
        "image": Field(_TEXT),
        "background": Field(_TEXT, default="#f4efe4"),
        "foreground": Field(_TEXT, default="#1f1c17"),
        "accent": Field(_TEXT, default="#b3361e"),
    }),
    "colophon": Table({
        "license": Field(_TEXT),
        "publisher": Field(_TEXT),
        "contact": Field(_TEXT),
        "text": Field(_TEXT),
    }),
    "pdf": Table({
        "page_size": Field(_TEXT, default="A5", choices=PAGE_SIZES),
        "essay_start": Field(_TEXT, default="right", choices=("right", "any")),
        "link_notes": Field(_TEXT, default="footnote", choices=("footnote", "endnote")),
        "line_numbers": Field((bool,), default=False, doc="number every fifth line of the essays"),
        "time_limit": Field((int,), default=600, minimum=0, maximum=MAX_TIME_LIMIT,
                            doc="seconds a build (and list, check, import, a site's unit) may take "
                            "(at most a day), 0 for no limit"),
        "render": Field(_TEXT, default="auto", choices=("auto", "parts", "whole"),
                        doc="lay out each essay apart, in parallel and cached (parts), the "
                        "whole book as one document (whole), or parts for a long book only "
                        "(auto)"),
    }),
    "limits": Table({
        "file_size_mb": Field((int, float), default=DEFAULT_LIMIT_MB,
                              doc="the largest file (essay, image, font, ...) a build reads"),
    }),
    # --- Kobo edition and per-essay booklets (outputs/kepub.py, booklets.py) ---
    "ebook": Table({
        "kobo": Field((bool,), default=False,
                      doc="also write build/<name>.kepub.epub, the Kobo edition"),
    }),
    "site": Table({
        "each_essay": Field((bool,), default=False,
                            doc="each essay also becomes its own booklet in build/essays/"),
    }),
    # --- end of the Kobo and booklet block ---
    "words": Field((dict,), doc="your own text for any word pamphlet writes, by its key "
                   "(see wording.py)"),
    "citations": Table({
        "bibliography": Field((str, list), items=str, default=[],
                              doc="a .bib, CSL JSON or CSL YAML file, or a list of them"),
        "style": Field(_TEXT, doc="a CSL style's id (apa, chicago-author-date, ...) or the "
                       "path of a .csl file"),
        "placement": Field(_TEXT, default="essay", choices=("essay", "book"),
                           doc="each essay's works cited after it, or one bibliography at "
                           "the end"),
        "title": Field(_TEXT, doc="the bibliography's heading"),
    }),
})

PRINT_FIELDS = SPEC_SCHEMA.fields["print"].fields
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,30}|(rgb|hsl)a?\([0-9.,%\s]+\))$")


@dataclass(frozen=True)
class Cover:
    image: Path | None
    background: str
    foreground: str
    accent: str


@dataclass(frozen=True)
class Colophon:
    license: str | None = None
    publisher: str | None = None
    contact: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class PdfSettings:
    page_size: str = "A5"
    essay_start: str = "right"
    link_notes: str = "footnote"
    line_numbers: bool = False
    time_limit: int = 600
    render: str = "auto"  # "parts": engine/parts.py; "whole": one WeasyPrint document;
    # "auto": parts for a book long enough that they pay (engine/pdf.py: in_parts)


# --- Kobo edition and per-essay booklets ---
@dataclass(frozen=True)
class EbookSettings:
    kobo: bool = False  # also write the Kobo edition (<stem>.kepub.epub)


@dataclass(frozen=True)
class SiteSettings:
    each_essay: bool = False  # each essay also becomes its own booklet (booklets.py)
# --- end of the Kobo and booklet block ---


@dataclass(frozen=True)
class CitationSettings:
    """The spec's [citations]: the bibliographies, the style and where works cited go."""

    bibliography: tuple[str, ...] = ()  # paths relative to the project
    style: Style | None = None  # None: no [citations] style (chicago-author-date, if cited)
    placement: str = "essay"
    title: str | None = None


@dataclass(frozen=True)
class Selection:
    """How a spec picks its essays from the library."""

    slugs: tuple[str, ...] | None = None  # the explicit list, in order; None: the library
    tags_any: tuple[str, ...] = ()
    tags_all: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    order: str = "manual"
    limit: int | None = None


@dataclass(frozen=True)
class Event:
    """The meeting a reading packet is made for."""

    name: str | None = None
    date: dt.date | str | None = None
    time: str | None = None
    place: str | None = None
    host: str | None = None
    contact: str | None = None
    agenda: tuple[str, ...] = ()
    end: str | None = None  # the event kit (issue 16): when it ends, or how long it lasts,
    duration: str | None = None  # the time zone, and its web address
    timezone: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class EssayOverride:
    """What a spec adds to one essay, for this pamphlet only."""

    intro: str | None = None
    questions: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec:
    """One validated spec: what goes into one pamphlet, and how it looks."""

    path: Path
    root: Path
    title: str
    subtitle: str | None
    editors: tuple[str, ...]
    authors: tuple[str, ...]
    date: dt.date | str | None
    lang: str
    layout: str
    description: str | None
    selection: Selection
    cover: Cover
    colophon: Colophon
    pdf: PdfSettings
    event: Event | None = None
    printing: PrintSettings | None = None  # None: the spec asks for no print output
    intro: str | None = None
    overrides: dict[str, EssayOverride] = field(default_factory=dict, compare=False)
    locator: TomlLocator = field(compare=False, repr=False, default=None)
    file_size_mb: float = DEFAULT_LIMIT_MB
    url: str | None = None  # where the packet can be downloaded (the event kit's QR code)
    # --- Kobo edition and per-essay booklets ---
    ebook: EbookSettings = EbookSettings()
    site: SiteSettings = SiteSettings()
    booklet: bool = False  # synthesised by booklets.py for one essay: path is the essay's
    citations: CitationSettings = CitationSettings()
    # --- end of the Kobo and booklet block ---
    words: dict = field(default_factory=dict)  # the [words] table, checked (wording.py)
    # Keys whose text held characters no XML or iCalendar file can (P181), taken out
    controls: tuple[tuple[str, ...], ...] = field(default=(), compare=False)

    @property
    def gate(self) -> Gate:
        """The path gate for everything this spec's build reads."""
        return Gate.for_project(self.root, self.file_size_mb)

    @property
    def essays(self) -> tuple[str, ...]:
        """The explicitly listed slugs (empty when the spec selects from the whole library)."""
        return self.selection.slugs or ()

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def layouts_dir(self) -> Path:
        return self.root / "layouts"

    def line_of(self, *key: str) -> int | None:
        return self.locator.line_of(*key) if self.locator else None


def find_spec(path: Path) -> Path:
    """The spec file for a path that names a spec or a project folder."""
    path = Path(path)
    if path.is_dir():
        spec = path / SPEC_NAME
        if spec.is_file():
            return spec
        raise fail("P107", f"no {SPEC_NAME} in {path}", path,
                   hint="run pamphlet in a project folder, or name a spec file")
    if path.suffix.lower() in ESSAY_SUFFIXES:  # read as TOML, it would be "P101 not valid TOML"
        raise fail("P107", f"{path} is an essay, not a spec", path,
                   hint="build the project that holds it: pamphlet build, in the project's "
                        "folder (with --each-essay, each essay is also a booklet of its own)")
    if present(path):
        return path  # not a folder: the path gate says what is wrong with it when it is read
    raise fail("P107", f"{path} does not exist", path,
               hint="name a project folder or a .toml spec file")


def specs_in(path: Path) -> list[Path]:
    """The specs a path names: a spec file itself, or a project's pamphlet.toml and packets/*.toml."""
    path = Path(path)
    if not path.is_dir():
        return [find_spec(path)]
    specs = [path / SPEC_NAME] if (path / SPEC_NAME).is_file() else []
    specs += sorted(spec for spec in (path / "packets").glob("*.toml") if not ignored(spec))
    if not specs:
        raise fail("P107", f"no {SPEC_NAME} or packets/*.toml in {path}", path,
                   hint="run pamphlet in a project folder, or name a spec file")
    return specs


def is_project(folder: Path) -> bool:
    """Whether `folder` is a pamphlet project: it holds pamphlet.toml, source/ or packets/."""
    folder = Path(folder)
    return ((folder / SPEC_NAME).is_file() or (folder / "source").is_dir()
            or (folder / "packets").is_dir())


def project_root(spec_path: Path) -> Path:
    """The project folder for a spec: the nearest folder upwards with source/ or pamphlet.toml."""
    folder = spec_path.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / "source").is_dir() or (candidate / SPEC_NAME).is_file():
            return candidate
    return folder


def load_spec(path: Path) -> Spec:
    """Read, parse and validate a spec file; raise PamphletError listing every problem."""
    spec_path = find_spec(path)
    try:
        raw = Gate.for_project(project_root(spec_path)).read_bytes(spec_path, what="spec")
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise fail("P111", f"cannot read the spec: {error}", spec_path,
                   hint="save the spec as UTF-8") from None
    return parse_spec(text, spec_path)


def parse_spec(text: str, spec_path: Path) -> Spec:
    """Parse and validate spec text as if it stood at `spec_path` (which need not exist)."""
    return spec_from_data(parse_toml(text, spec_path), spec_path, TomlLocator(text))


def parse_toml(text: str, spec_path: Path) -> dict:
    """Spec text as data; raise P101 (not TOML) or P125 (nested too deep) with the line."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise fail("P125", f"the spec nests lists or tables more than {MAX_NESTING} deep",
                   spec_path, deepest_line(text),
                   hint="a spec holds keys, short lists and tables of keys") from None
    except tomllib.TOMLDecodeError as error:
        line, problem = _toml_error_line(str(error)), _toml_error_message(str(error))
    except ValueError:  # an integer of thousands of digits, which Python will not read
        line, problem = _huge_number_line(text), "a number with thousands of digits"
    raise fail("P101", f"not valid TOML: {problem}", spec_path, line,
               hint="check quotes, brackets and '=' on that line")


def spec_from_data(data: dict, spec_path: Path, locator: TomlLocator) -> Spec:
    """Build a Spec from parsed TOML, reporting all problems at once."""
    diagnostics = Diagnostics()
    controls: list[tuple[str, ...]] = []
    data = without_controls(data, (), controls)
    values = Checker(spec_path, locator, diagnostics).check(data, SPEC_SCHEMA)
    root = project_root(spec_path)
    _check_duplicates(values.get("essays") or [], spec_path, locator, diagnostics)
    limit = _limit(values["limits"], spec_path, locator, diagnostics)
    gate = Gate.for_project(root, limit)
    cover = _cover(values["cover"], gate, spec_path, locator, diagnostics)
    intro = _intro(values, gate, spec_path, locator, diagnostics)
    printing = _printing(values["print"], "print" in data, values.get("lang"), spec_path,
                         locator, diagnostics)
    check_event_kit(values, spec_path, locator, diagnostics)
    words = check_words(data["words"], values["lang"], spec_path, locator, diagnostics) \
        if isinstance(data.get("words"), dict) else {}
    citations = _citations(values["citations"], gate, spec_path, locator, diagnostics)
    if values.get("essays") is None and "select" not in data and spec_path.name != SPEC_NAME:
        # pamphlet.toml then takes every essay in source/ (as MkDocs takes every page until
        # nav is written), so a new project builds what it holds; a packet must choose.
        diagnostics.error("P117", "the packet names no essays", spec_path, 1,
                          hint="list slugs in 'essays = [...]', or choose by tags in [select]")
    diagnostics.raise_if_errors()
    return Spec(
        path=spec_path.resolve(), root=root, title=values["title"].strip(),
        subtitle=values["subtitle"], editors=_names(values["editor"]),
        authors=_names(values["author"]), date=values["date"], lang=values["lang"],
        layout=values["layout"], description=values["description"],
        selection=_selection(values), cover=cover, colophon=Colophon(**values["colophon"]),
        pdf=PdfSettings(**values["pdf"]), event=_event(values["event"], "event" in data),
        printing=printing,
        intro=intro, overrides={slug: EssayOverride(entry["intro"], tuple(entry["questions"]),
                                                    tuple(entry["sections"]))
                                for slug, entry in values["essay"].items()},
        locator=locator, file_size_mb=limit, url=values.get("url"),
        ebook=EbookSettings(**values["ebook"]), site=SiteSettings(**values["site"]),
        citations=citations, words=words, controls=tuple(controls))


# What no XML or iCalendar file can hold (control characters but tab and line breaks, and
# the two noncharacters U+FFFE, U+FFFF): a title holding one would stop the e-book.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


# Keys whose values are names looked up, never printed: kept as written, so a name holding a
# control character is the unknown layout (L401) or essay (P104) it is, not another one's.
NAMES = {("layout",), ("essays",)}


def without_controls(value, path: tuple[str, ...], found: list[tuple[str, ...]]):
    """`value` (parsed TOML) with CONTROL taken out of every string but the NAMES; the keys
    where some were, appended to `found`."""
    if path in NAMES:
        return value
    if isinstance(value, str):
        if CONTROL.search(value):
            found.append(path)
            return CONTROL.sub("", value)
        return value
    if isinstance(value, dict):
        return {key: without_controls(inner, (*path, str(key)), found)
                for key, inner in value.items()}
    if isinstance(value, list):
        return [without_controls(inner, path, found) for inner in value]
    return value


def control_warnings(spec: Spec, diagnostics: Diagnostics) -> None:
    """A warning (P181) for each key of the spec whose text held CONTROL characters."""
    for path in dict.fromkeys(spec.controls):
        diagnostics.warning("P181", f"'{'.'.join(path)}' held control characters (which no "
                            "page, e-book or calendar can hold); they were left out",
                            spec.path, spec.line_of(*path),
                            hint="they often come from pasting; retype the text")


def _citations(values: dict, gate: Gate, path: Path, locator: TomlLocator,
               diagnostics: Diagnostics) -> CitationSettings:
    """[citations]: each bibliography must be a file in the project (R101 if missing; it is
    read when the book is assembled), the style one pamphlet knows (R106, R107)."""
    names = values["bibliography"]
    names = (names,) if isinstance(names, str) else tuple(names)
    for name in names:
        where = (path, locator.line_of_value(name, "citations", "bibliography"))
        try:
            gate.project_only().check(gate.roots[0] / name, where, "bibliography",
                                      {"missing": "R101"})
        except Refused as refused:
            diagnostics.extend(refused.diagnostics)
    style = None
    if values["style"]:
        style = find_style(values["style"], gate, (path, locator.line_of("citations", "style")),
                           diagnostics)
    return CitationSettings(names, style, values["placement"], values["title"])


def _selection(values: dict) -> Selection:
    select = values["select"]
    slugs = tuple(values["essays"]) if values["essays"] is not None else None
    return Selection(slugs, tuple(select["tags_any"]),
                     tuple(select["tags_all"]), tuple(select["exclude"]), select["order"],
                     select["limit"])


def _printing(values: dict, given: bool, lang: str | None, path: Path, locator: TomlLocator,
              diagnostics: Diagnostics) -> PrintSettings | None:
    if not given:
        return None
    if values.get("binding") is None:  # the spine where the language's readers expect it
        values = {**values, "binding": "right" if direction(lang) == "rtl" else "left"}
    def report(code: str, key: str, message: str, hint: str) -> None:
        diagnostics.error(code, message, path, locator.line_of("print", key), hint=hint)
    for variant in values["variants"]:
        if variant not in VARIANTS:
            report("P106", "variants", f"unknown variant '{variant}'",
                   "choose from " + ", ".join(f"'{v}'" for v in VARIANTS))
    return settings_from_table(values, report)


def _event(values: dict, given: bool) -> Event | None:
    if not given:
        return None
    return Event(**{**values, "agenda": tuple(values["agenda"])})


def _limit(values: dict, path: Path, locator: TomlLocator, diagnostics: Diagnostics) -> float:
    limit = values["file_size_mb"]
    if not 0 < limit <= 100_000:
        diagnostics.error("P140", f"'limits.file_size_mb' must be more than 0 and at most "
                          f"100000, not {limit}", path, locator.line_of("limits", "file_size_mb"),
                          hint="the default is 50 (MB)")
        return DEFAULT_LIMIT_MB
    return limit


def _intro(values: dict, gate: Gate, path: Path, locator: TomlLocator,
           diagnostics: Diagnostics) -> str | None:
    if not values.get("intro_file"):
        return values.get("intro")
    where = (path, locator.line_of("intro_file"))
    try:
        raw = gate.project_only().read_bytes(gate.roots[0] / values["intro_file"], where,
                                             "intro file", {"outside": "P113", "missing": "P113"})
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        diagnostics.error("P113", f"the intro file {values['intro_file']} is not UTF-8 "
                          f"(byte {error.start})", *where, hint="save it as UTF-8")
    except PamphletError as error:
        diagnostics.extend(error.diagnostics)
    return None


def _names(value: str | list | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _cover(values: dict, gate: Gate, path: Path, locator: TomlLocator,
           diagnostics: Diagnostics) -> Cover:
    for key in ("background", "foreground", "accent"):
        if not _COLOUR.match(values[key]):
            diagnostics.error("P110", f"'cover.{key}' is not a CSS colour: "
                              f"'{shorten(values[key])}'", path, locator.line_of("cover", key),
                              hint="write a colour like \"#1f1c17\" or \"darkred\"")
    image = None
    if values["image"]:
        from .images import too_many_pixels  # Pillow, only for a spec with a cover image

        where = (path, locator.line_of("cover", "image"))
        try:
            image = gate.project_only().check(gate.roots[0] / values["image"], where,
                                              "cover image", {"outside": "P109", "missing": "P109"})
            if problem := too_many_pixels(gate.read_bytes(image, where, "cover image")):
                diagnostics.error("P126", f"the cover image is {problem}", *where,
                                  hint="scale the image down; a cover needs a few million pixels")
        except Refused as refused:
            diagnostics.extend(refused.diagnostics)
    return Cover(image, values["background"], values["foreground"], values["accent"])


SHOWN_DUPLICATES = 20  # each is looked for line by line; the rest are counted


def _check_duplicates(slugs: list[str], path: Path, locator: TomlLocator,
                      diagnostics: Diagnostics) -> None:
    seen: set[str] = set()
    twice = [slug for slug in slugs if slug in seen or seen.add(slug)]
    for slug in dict.fromkeys(twice[:SHOWN_DUPLICATES]):
        diagnostics.error("P108", f"essay '{slug}' is listed twice", path,
                          locator.line_of_value(slug, "essays"),
                          hint="remove one of the two entries")
    if len(twice) > SHOWN_DUPLICATES:
        diagnostics.error("P108", f"{len(twice) - SHOWN_DUPLICATES:,} more essays are listed "
                          "more than once", path, locator.line_of("essays"),
                          hint="list each essay once")


def _huge_number_line(text: str) -> int:
    """The line of a number too long for Python to read (thousands of digits)."""
    match = re.search(r"\d{4000,}", text)
    return text[:match.start()].count("\n") + 1 if match else 1


def _toml_error_line(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def _toml_error_message(message: str) -> str:
    return re.sub(r" ?\(at (line \d+, column \d+|end of document)\)", "", message)
