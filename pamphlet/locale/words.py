"""The words pamphlet writes into books, sites and catalogs, in the book's language.

Every such word is a message of the gettext catalogs in `messages/`: `pamphlet.pot` holds
each message (extracted with Babel from the code and the built-in layouts by
tools/i18n.py), and `<locale>.po` its translation. A message's context is its key, the
name a spec's `[words]` table and a layout's own catalog know it by; its id is the English.
A wheel ships the catalogs compiled (`.mo`, by hatch_build.py); a checkout compiles one in
memory the first time a process needs it (some 15 ms).

Diagnostic code: P180 warning: no catalog for the book's language, so its words are English
(said by book/assemble.py, once a book).
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .bidi import isolate
from .formats import number
from .tags import babel_locale, candidates

DOMAIN = "pamphlet"
MESSAGES = Path(__file__).with_name("messages")
SOURCE_LANGUAGE = "en"  # the language of the message ids
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_FILLED = re.compile(r"%\((\w+)\)s|%%")
_NAME = re.compile(r"[a-z]{2,8}(?:_[A-Za-z0-9]{2,8}){0,2}")
# What a spec's [words] table may give a plural message: a text for every count, or one
# for each plural category of CLDR that the language has.
CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def languages() -> tuple[str, ...]:
    """Every language pamphlet has words in: English and each catalog's locale."""
    return tuple(sorted({SOURCE_LANGUAGE, *(path.stem for path in MESSAGES.glob("*.po"))}))


def catalog_name(lang: str | None) -> str | None:
    """The catalog serving the language tag `lang` ('pt-BR': pt, 'zh-TW': zh_Hant); 'en'
    for English, None when pamphlet has none."""
    for name in candidates(lang or SOURCE_LANGUAGE):
        if name.split("_")[0] == SOURCE_LANGUAGE:
            return SOURCE_LANGUAGE
        if _NAME.fullmatch(name) and (MESSAGES / f"{name}.po").is_file():
            return name
    return None


@lru_cache(maxsize=None)
def catalog(name: str) -> gettext.NullTranslations:
    """The compiled catalog `name`: the wheel's .mo, else its .po compiled in memory."""
    if name == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    compiled = MESSAGES / f"{name}.mo"
    if compiled.is_file():
        return gettext.GNUTranslations(io.BytesIO(compiled.read_bytes()))
    return gettext.GNUTranslations(io.BytesIO(compile_po((MESSAGES / f"{name}.po").read_bytes())))


class CatalogError(ValueError):
    """A .po file Babel cannot read: what is wrong, and on which line (from 1), if known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def compile_po(data: bytes) -> bytes:
    """A .po file's bytes compiled as a .mo file (fuzzy and empty translations left out);
    CatalogError when it is not a catalog Babel can read."""
    from babel.messages.mofile import write_mo  # (only a checkout, or a layout's catalog)
    from babel.messages.pofile import PoFileError, read_po

    try:
        messages = read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as error:
        raise CatalogError(re.sub(r" on \d+$", "", str(error)), error.lineno + 1) from None
    except Exception as error:  # undecodable bytes, and whatever else Babel meets
        raise CatalogError(str(error) or type(error).__name__) from None
    buffer = io.BytesIO()
    write_mo(buffer, messages)
    return buffer.getvalue()


@lru_cache(maxsize=1)
def keys() -> dict[str, tuple[str, ...]]:
    """Each message's key and its English forms (singular, plural), from pamphlet.pot."""
    from babel.messages.pofile import read_po

    with open(MESSAGES / f"{DOMAIN}.pot", "rb") as handle:
        template = read_po(handle)
    return {message.context: (message.id if isinstance(message.id, tuple) else (message.id,))
            for message in template if message.id and message.context}


def placeholders(text: str) -> set[str]:
    """The names of the `%(name)s` placeholders in `text`."""
    return set(PLACEHOLDER.findall(text))


def fill(text: str, values: Mapping[str, object]) -> str:
    """`text` with each `%(name)s` replaced by its value (a name without one stays as it
    is) and `%%` by `%`; any other `%` is left alone, so a collective's words never fail."""
    def value(match: re.Match) -> str:
        if match.group(0) == "%%":
            return "%"
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)
    return _FILLED.sub(value, text) if "%" in text else text


@dataclass(frozen=True)
class Words:
    """The words of one book: its language's catalog, the catalogs of its layout over it
    (`layers`, compiled .mo files, the nearest first), and the spec's own `[words]` over all
    (`overrides`, each by its key). Plain data, so a book's model can go to another process."""

    lang: str = SOURCE_LANGUAGE
    overrides: tuple[tuple[str, object], ...] = ()
    layers: tuple[bytes, ...] = ()

    @classmethod
    def for_language(cls, lang: str | None, overrides: Mapping[str, object] | None = None
                     ) -> "Words":
        """The words of a book in `lang`, with the spec's `[words]` over the catalogs."""
        frozen = tuple(sorted((key, _frozen(value)) for key, value in (overrides or {}).items()))
        return cls(lang or SOURCE_LANGUAGE, frozen)

    @property
    def name(self) -> str:
        """The catalog's locale: 'fr', 'zh_Hant'; 'en' where pamphlet has none."""
        return catalog_name(self.lang) or SOURCE_LANGUAGE

    @property
    def missing(self) -> bool:
        """Whether pamphlet has no catalog for the language, so the words are English."""
        return catalog_name(self.lang) is None

    def with_layer(self, compiled: bytes) -> "Words":
        """These words with a layout's own catalog (a compiled .mo) over the built-in ones."""
        return Words(self.lang, self.overrides, (compiled, *self.layers))

    def pgettext(self, key: str, message: str, **values) -> str:
        """The message `key` (in English `message`), its placeholders filled from `values`,
        each isolated where it is written the other way than the language (bidi.py)."""
        return fill(self.text(key, message), self.isolated(values))

    def npgettext(self, key: str, singular: str, plural: str, n: int, **values) -> str:
        """The message `key` in the plural form CLDR gives the count `n` in the book's
        language ('1 pamphlet', '3 pamphlets'); `%(num)s` is `n` in its digits."""
        values.setdefault("num", number(n, self.lang))
        return fill(self.ntext(key, singular, plural, n), self.isolated(values))

    def isolated(self, values: Mapping[str, object]) -> dict[str, object]:
        """Each text among `values` isolated from a sentence in the book's language (a
        placeholder handed on to be filled later, "%(page)s", is no text yet)."""
        return {name: isolate(value, self.lang)
                if isinstance(value, str) and not PLACEHOLDER.fullmatch(value) else value
                for name, value in values.items()}

    def text(self, key: str, message: str) -> str:
        """The message `key` with its placeholders unfilled (for a template to escape)."""
        text = dict(self.overrides).get(key)
        if not isinstance(text, str):
            text = _translations(self.name, self.layers).pgettext(key, message)
        return text

    def ntext(self, key: str, singular: str, plural: str, n: int) -> str:
        """The form of the message `key` for the count `n`, its placeholders unfilled."""
        text = dict(self.overrides).get(key)
        if isinstance(text, tuple):
            forms = dict(text)
            text = forms.get(self.plural_category(n), forms.get("other"))
        if not isinstance(text, str):
            text = _translations(self.name, self.layers).npgettext(key, singular, plural, n)
        return text

    def plural_category(self, n: int) -> str:
        """CLDR's plural category of `n` in the book's language: 'one', 'few', 'other', ..."""
        return babel_locale(self.lang).plural_form(n)


def _frozen(value: object) -> object:
    """A [words] value as hashable data: a text, or (category, text) pairs."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), str(v)) for k, v in value.items()))
    return str(value)


@lru_cache(maxsize=64)
def _translations(name: str, layers: tuple[bytes, ...]) -> gettext.NullTranslations:
    """The catalog `name` with the layout's compiled catalogs over it."""
    found = catalog(name)
    for compiled in reversed(layers):
        layer = gettext.GNUTranslations(io.BytesIO(compiled))
        layer.add_fallback(found)
        found = layer
    return found
