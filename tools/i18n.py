"""pamphlet's message catalogs, kept with Babel: extract the messages, bring the catalogs up
to date, check them, compile them, and write the table translators and reviewers read.

    python tools/i18n.py extract   # pamphlet.pot from the code and the built-in templates,
                                   # and every <locale>.po brought up to date with it
    python tools/i18n.py check     # what is missing, fuzzy, stale or wrong (exit status 1)
    python tools/i18n.py compile [FOLDER]   # <locale>.mo beside the .po (or into FOLDER)
    python tools/i18n.py table     # docs/translations.md
    python tools/i18n.py new LOCALE         # a new catalog, every message untranslated

A message is found where the code calls `pgettext(key, english)` or
`npgettext(key, singular, plural, n)`, in Python or in a template; a built-in template
writes no word of its own outside them. `tests/test_catalogs.py` runs the check and
compares the table.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.checkers import checkers
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = Path("pamphlet", "locale", "messages")
TABLE = Path("docs", "translations.md")
# Where messages are written: the package's Python, the built-in layouts and the site.
SOURCES = (("pamphlet", [("**.py", "python"), ("**/templates/**.html", "jinja2")]),
           ("layouts", [("**.html", "jinja2")]))
TEMPLATES = ("layouts/**/*.html", "pamphlet/site/templates/*.html")  # what readers see
KEYWORDS = {"pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
OPTIONS = {"**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}}
COMMENTS = ("TRANSLATORS:",)
WIDTH = 100
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)  # the catalogs' date: no churn
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_LETTER = re.compile(r"[^\W\d_]")
_SHOWN = ("alt", "title", "aria-label", "placeholder")  # attributes a reader is shown
_CSS = re.compile(r"[^{}]*\{[^{}]*\}")  # a block's CSS, outside its <style> (packet's)


def _catalog(locale: str | None = None) -> Catalog:
    return Catalog(locale=locale, domain="pamphlet", project="pamphlet", version="",
                   copyright_holder="The pamphlet developers", msgid_bugs_address="",
                   charset="utf-8", fuzzy=False)


def extracted(root: Path = ROOT) -> Catalog:
    """Every message the code and templates write, by key, as they are now."""
    template = _catalog()
    for folder, methods in SOURCES:
        for path, _, message, comments, context in extract_from_dir(
                root / folder, methods, OPTIONS, KEYWORDS, COMMENTS, strip_comment_tags=True):
            if not context:
                raise SystemExit(f"{folder}/{path}: a message without its key: {message!r}")
            comments = [" ".join(comment.split()) for comment in comments]
            location = (f"{folder}/{path}", None)
            old = template.get(message, context)
            if old is not None:
                old.locations = sorted({*old.locations, location})
                old.auto_comments = list(dict.fromkeys([*old.auto_comments, *comments]))
                continue
            template.add(message, context=context, locations=[location], auto_comments=comments)
    return _by_key(template)


def _by_key(catalog: Catalog, locale: str | None = None) -> Catalog:
    """The catalog's messages ordered by key, so that moving code reorders nothing."""
    ordered = _catalog(locale)
    if locale:
        ordered.mime_headers = catalog.mime_headers
    for message in sorted((m for m in catalog if m.id), key=lambda m: (m.context, str(m.id))):
        ordered.add(message.id, message.string, locations=message.locations,
                    flags=message.flags, auto_comments=message.auto_comments,
                    user_comments=message.user_comments, context=message.context)
    return ordered


def written(catalog: Catalog) -> bytes:
    """A catalog as the repository keeps it: no line numbers, one fixed date."""
    catalog.creation_date = catalog.revision_date = EPOCH
    out = io.BytesIO()
    write_po(out, catalog, width=WIDTH, omit_header=False, include_lineno=False,
             ignore_obsolete=True)
    return out.getvalue()


def catalogs(root: Path = ROOT) -> dict[str, Path]:
    """Each translation's locale and file."""
    return {path.stem: path for path in sorted((root / MESSAGES).glob("*.po"))}


def read(path: Path) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle)


def extract(root: Path = ROOT) -> None:
    """Write pamphlet.pot, and bring every catalog up to date with it."""
    template = extracted(root)
    (root / MESSAGES / "pamphlet.pot").write_bytes(written(template))
    for locale, path in catalogs(root).items():
        catalog = read(path)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        catalog.obsolete.clear()
        path.write_bytes(written(_by_key(catalog, locale)))
        print(f"{locale}: {sum(1 for m in catalog if m.id and not m.string)} to translate")


def problems(root: Path = ROOT) -> list[str]:
    """Everything that keeps the catalogs from being complete and current."""
    template = extracted(root)
    found = [] if _content(read(root / MESSAGES / "pamphlet.pot")) == _content(template) else [
        "pamphlet.pot is not what the code says: run python tools/i18n.py extract"]
    found += loose_words(root)
    wanted = {(m.context, m.id) for m in template if m.id}
    for locale, path in catalogs(root).items():
        catalog = read(path)
        have = {(m.context, m.id) for m in catalog if m.id}
        found += [f"{locale}.po lacks {key!r}" for key, _ in sorted(wanted - have)]
        found += [f"{locale}.po has a message the code no longer writes: {key!r}"
                  for key, _ in sorted(have - wanted)]
        found += [f"{locale}.po holds obsolete messages" for _ in catalog.obsolete][:1]
        found += _translation_problems(locale, catalog)
    return found


def _translation_problems(locale: str, catalog: Catalog) -> list[str]:
    found = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            found.append(f"{locale}.po: {message.context!r} is not translated")
        if message.fuzzy:
            found.append(f"{locale}.po: {message.context!r} is fuzzy")
        for checker in checkers:
            try:
                checker(catalog, message)
            except Exception as error:  # Babel's TranslationError, and its kin
                found.append(f"{locale}.po: {message.context!r}: {error}")
    return found


def loose_words(root: Path = ROOT) -> list[str]:
    """The words a built-in template writes itself, outside pgettext() and npgettext():
    each would stay English in every book."""
    from lxml import html

    found = []
    for pattern in TEMPLATES:
        for path in sorted(root.glob(pattern)):
            source = _JINJA.sub(" ", path.read_text(encoding="utf-8"))
            tree = html.document_fromstring(f"<div>{source}</div>")  # (a fragment too)
            for element in tree.iter():
                if not isinstance(element.tag, str) or element.tag in ("style", "script"):
                    texts = [element.tail]
                else:
                    texts = [element.text, element.tail, *(element.get(name) for name in _SHOWN)]
                found += [f"{path.relative_to(root)}: '{' '.join(text.split())}' is not a "
                          "message: write it as pgettext(key, English)"
                          for text in texts
                          if text and _LETTER.search(_CSS.sub(" ", text))]
    return found


def _content(catalog: Catalog) -> list:
    """What a template says, apart from its header (which names Babel's version)."""
    return [(m.context, m.id, sorted(m.locations), " ".join(m.auto_comments))
            for m in catalog if m.id]


def compile_all(folder: Path | None = None, root: Path = ROOT) -> list[Path]:
    """Each catalog compiled to <locale>.mo, in `folder` (else beside it)."""
    made = []
    for locale, path in catalogs(root).items():
        target = (folder or root / MESSAGES) / f"{locale}.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "wb") as handle:
            write_mo(handle, read(path))
        made.append(target)
    return made


def table(root: Path = ROOT) -> str:
    """docs/translations.md: every message and its translation in every language."""
    template = extracted(root)
    translated = {locale: read(path) for locale, path in catalogs(root).items()}
    lines = ["# pamphlet's words in every language", "",
             "Every word pamphlet writes into a book, a site or a catalog, by its key (the",
             "name a spec's `[words]` table gives it), in English and in each catalog, for",
             "translators and reviewers. Made by `python tools/i18n.py table` from",
             "`pamphlet/locale/messages/`; `tests/test_catalogs.py` checks that it is current.",
             "A message with a count shows each of its language's plural forms, in the",
             "catalog's order (its `Plural-Forms`, after CLDR's plural rules).", "",
             "Languages: " + ", ".join(f"[{_name(locale)}](#{locale})"
                                       for locale in ["en", *translated]) + ".", "",
             '<a id="en"></a>', "", f"## {_name('en')}", "", "| key | English |", "|---|---|"]
    lines += [f"| `{m.context}` | {_cell(m.id)} |" for m in template if m.id]
    for locale, catalog in translated.items():
        lines += ["", f'<a id="{locale}"></a>', "", f"## {_name(locale)}", "",
                  f"`{locale}`, plural forms "
                  f"`{catalog.plural_forms}`", "", f"| key | English | {locale} |",
                  "|---|---|---|"]
        for message in template:
            if message.id:
                found = catalog.get(message.id, message.context)
                lines.append(f"| `{message.context}` | {_cell(message.id)} | "
                             f"{_cell(found.string if found else '')} |")
    return "\n".join(lines) + "\n"


def _name(locale: str) -> str:
    from babel import Locale

    parsed = Locale.parse(locale)
    native = parsed.get_display_name(locale)
    english = parsed.get_display_name("en")
    return english if english == native else f"{english} ({native})"


def _cell(text) -> str:
    """A message in a Markdown table cell: plural forms apart, spaces and pipes shown."""
    forms = text if isinstance(text, tuple) else (text,)
    shown = [form.replace("|", "\\|").replace("\u00a0", "&nbsp;").replace("\u202f", "&#8239;")
             for form in forms]
    shown = [f"`{form}`" if form != form.strip() or not form else form for form in shown]
    return " <br> ".join(shown)


def new(locale: str, root: Path = ROOT) -> None:
    """A new catalog for `locale`, each message waiting for its translation."""
    path = root / MESSAGES / f"{locale}.po"
    if path.exists():
        raise SystemExit(f"{path} exists")
    catalog = _catalog(locale)
    catalog.update(extracted(root), no_fuzzy_matching=True)
    path.write_bytes(written(_by_key(catalog, locale)))


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "extract":
        extract()
    elif command == "check":
        found = problems()
        print("\n".join(found) or "the catalogs are complete and current")
        return 1 if found else 0
    elif command == "compile":
        for path in compile_all(Path(argv[1]) if len(argv) > 1 else None):
            print(path)
    elif command == "table":
        (ROOT / TABLE).parent.mkdir(exist_ok=True)
        (ROOT / TABLE).write_text(table(), encoding="utf-8")
    elif command == "new" and len(argv) == 2:
        new(argv[1])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
