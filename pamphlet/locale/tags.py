"""Language tags: the locales a tag may be served by, most particular first, and the CLDR
locale that writes its dates and numbers."""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

# Tags whose language has another name in the catalogs: Norwegian is written in Bokmål
# unless it says otherwise; the old codes for Hebrew, Indonesian and Yiddish.
_ALIASES = {"no": "nb", "iw": "he", "in": "id", "ji": "yi"}
# CLDR's plain "en" is the United States' English (November 24, 2026, 7:00 PM). A spec that
# says only "en" may be written anywhere, and most English readers outside the US write
# 24 November 2026 and 19:00, as pamphlet always printed them: en-US asks for the American.
_PLAIN = {"en": "en_GB"}
_SUBTAG = re.compile(r"[A-Za-z0-9]{1,8}")


@lru_cache(maxsize=256)
def candidates(tag: str) -> tuple[str, ...]:
    """The locale names to look for, for the BCP 47 `tag`: 'zh-TW' gives zh_Hant_TW,
    zh_Hant, zh_TW, zh; 'pt-BR' gives pt_BR, pt; 'no' gives no, nb. None for a tag that
    is not made of letters and digits."""
    parts = tag.strip().replace("-", "_").split("_")
    if not all(_SUBTAG.fullmatch(part) for part in parts):
        return ()
    # An extension (`-u-nu-latn`) or private use (`-x-...`) names no locale: it ends the tag.
    parts = parts[:next((n for n, part in enumerate(parts) if n and len(part) == 1), len(parts))]
    language = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    territory = next((p.upper() for p in parts[1:] if len(p) in (2, 3) and
                      (p.isalpha() or p.isdigit())), None)
    if script is None:
        likely = get_global("likely_subtags")
        found = likely.get(f"{language}_{territory}") if territory else None
        found = found or likely.get(language)
        if found and len(found.split("_")) > 1 and len(found.split("_")[1]) == 4:
            script = found.split("_")[1]
    names = [f"{language}_{script}_{territory}" if script and territory else None,
             f"{language}_{script}" if script else None,
             f"{language}_{territory}" if territory else None, language]
    if language in _ALIASES:
        names += candidates(_ALIASES[language])
    return tuple(dict.fromkeys(name for name in names if name))


@lru_cache(maxsize=256)
def babel_locale(tag: str | None) -> Locale:
    """The CLDR locale for `tag` that Babel knows best: 'en-US' en_US, 'en' en_GB (see
    _PLAIN), 'fr-CA' fr_CA, anything unknown English."""
    names = candidates(tag or "en")
    if len(names) and names[-1] in _PLAIN and plain(tag):
        names = (_PLAIN[names[-1]],)
    for name in names:
        try:
            return Locale.parse(name)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(_PLAIN["en"])


def plain(tag: str | None) -> bool:
    """Whether `tag` names a language alone ('ar', 'ar-u-nu-latn'), with no region or script."""
    parts = (tag or "en").strip().replace("_", "-").split("-")
    return len(parts) == 1 or len(parts[1]) == 1


def extension(tag: str | None, key: str) -> str | None:
    """The value of the Unicode extension's `key` in `tag`: 'latn' for key 'nu' in
    'ar-u-nu-latn'; None where the tag does not give it."""
    parts = (tag or "").strip().replace("_", "-").lower().split("-")
    if "u" not in parts[1:]:
        return None
    after = parts[parts.index("u", 1) + 1:]
    for n, part in enumerate(after):
        if len(part) == 1:
            return None  # the next extension
        if part == key and n + 1 < len(after) and len(after[n + 1]) > 2:
            return after[n + 1]
    return None
