"""Writing systems: which languages run right to left, and which characters no font could show.

Diagnostic code: M307 warning: no installed font has glyphs for some characters of an essay.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from ..diagnostics import Diagnostics

# Primary language subtags written right to left (BCP 47), after the W3C's list; Kurdish
# is right to left only in Arabic script (ku-Arab).
_RTL = frozenset("ar arc ckb dv fa he iw ks mzn nqo pnb ps sd syr ug ur yi".split())


def direction(lang: str | None) -> str:
    """'rtl' for a language written right to left ('ar', 'he-IL', 'fa'), else 'ltr'."""
    if not lang:
        return "ltr"
    tag = lang.lower().replace("_", "-")
    return "rtl" if tag.split("-")[0] in _RTL or tag.startswith("ku-arab") else "ltr"


# The face the built-in layouts set Latin, Greek and Cyrillic in, and the faces they set each
# other script in, by the language written in it, in the order layouts/zine/print.css tries
# them (its :lang() rules and its fallback list): the colophon names the first installed.
BASE_FACE = "Charis SIL"
_ARABIC = ("Noto Naskh Arabic", "Amiri", "Scheherazade New")
_HEBREW = ("Noto Serif Hebrew", "Frank Ruehl CLM", "David CLM")
_FACES = {
    **dict.fromkeys("ar fa ps ckb sd ug ku-arab".split(), _ARABIC),
    "ur": ("Noto Nastaliq Urdu", "Noto Naskh Arabic"), "he": _HEBREW, "yi": _HEBREW,
    **dict.fromkeys("hi mr ne sa".split(), ("Noto Serif Devanagari", "Noto Sans Devanagari")),
    **dict.fromkeys("bn as".split(), ("Noto Serif Bengali", "Noto Sans Bengali")),
    "ta": ("Noto Serif Tamil", "Noto Sans Tamil"), "th": ("Noto Serif Thai", "Noto Sans Thai"),
    "ka": ("Noto Serif Georgian", "Noto Sans Georgian"),
    "hy": ("Noto Serif Armenian", "Noto Sans Armenian"),
    **dict.fromkeys("am ti".split(), ("Noto Serif Ethiopic", "Noto Sans Ethiopic")),
    "zh": ("Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei"),
    **dict.fromkeys("zh-tw zh-hk zh-hant".split(), (
        "Noto Serif CJK TC", "Source Han Serif TC", "Noto Sans CJK TC", "WenQuanYi Zen Hei")),
    "ja": ("Noto Serif CJK JP", "Source Han Serif JP", "Noto Sans CJK JP", "IPAexMincho"),
    "ko": ("Noto Serif CJK KR", "Source Han Serif KR", "Noto Sans CJK KR", "NanumMyeongjo"),
}


def faces(lang: str | None, installed: Callable[[], Iterable[str]]) -> tuple[str, ...]:
    """The faces the built-in layouts set a book in `lang` in: Charis SIL, and the first of
    the faces for the language's script among the families `installed()` lists (asked only
    for such a language; none found: the text falls to a face the layout does not name,
    which the colophon cannot know)."""
    tag = (lang or "").lower().replace("_", "-")
    own = _FACES.get(tag) or next((found for prefix, found in _FACES.items()
                                   if tag.startswith(prefix + "-")), ())
    have = set(installed()) if own else set()
    return (BASE_FACE, *[face for face in own if face in have][:1])


# Debian packages that cover a script, for the hint; the Noto core set covers the rest.
_FONT_PACKAGES = {
    "CJK": "fonts-noto-cjk", "Japanese": "fonts-noto-cjk", "Korean": "fonts-noto-cjk",
    "emoji": "fonts-noto-color-emoji",
}
_NAMED = {"CJK": "CJK", "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean",
          "IDEOGRAPHIC": "CJK", "BOPOMOFO": "CJK", "FULLWIDTH": "CJK", "HALFWIDTH": "CJK"}


def script_of(char: str) -> str:
    """A reader's name for the writing system of `char`: 'CJK', 'Arabic', 'emoji', ..."""
    code = ord(char)
    if 0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF:
        return "emoji"
    if 0x3000 <= code <= 0x303F:
        return "CJK"
    name = unicodedata.name(char, "")
    if not name:
        if 0x17000 <= code <= 0x18AFF or 0x18D00 <= code <= 0x18D7F:
            return "Tangut"
        return "private-use" if unicodedata.category(char) == "Co" else "a rare script"
    first = name.split()[0]
    return _NAMED.get(first, first.capitalize())


def report_missing_glyphs(chars: Iterable[str], places: Iterable[tuple[Path, int, str]],
                          diagnostics: Diagnostics, fallback: Path) -> None:
    """One M307 warning per file for the characters that printed as empty boxes.

    `places` are (file, first line, text) for everything the pamphlet prints: each essay's
    title and body, then the spec. Each file's warning counts every missing character it
    holds (not only those no earlier file had) and how often they occur in it, and names the
    line of the first; characters found nowhere (from a layout, say) are reported against
    `fallback`.
    """
    missing = set(chars)
    if not missing:
        return
    lines: dict[Path, int] = {}
    found: dict[Path, Counter] = {}
    for path, first_line, text in places:
        counts = Counter(char for char in text if char in missing)
        if counts:
            first = min(text.index(char) for char in counts)
            lines.setdefault(path, first_line + text.count("\n", 0, first))
            found.setdefault(path, Counter()).update(counts)
    nowhere = missing.difference(*found.values())
    if nowhere:
        found.setdefault(fallback, Counter()).update(sorted(nowhere))
    for path, counts in found.items():
        _warn(path, lines.get(path), counts, diagnostics)


def _warn(path: Path, line: int | None, counts: Counter, diagnostics: Diagnostics) -> None:
    chars = sorted(counts, key=lambda c: (script_of(c), c))
    scripts = list(dict.fromkeys(script_of(c) for c in chars))
    shown = "".join(chars[:8]) + ("…" if len(chars) > 8 else "")
    codes = ", ".join(f"U+{ord(c):04X}" for c in chars[:3]) + (", …" if len(chars) > 3 else "")
    packages = sorted({_FONT_PACKAGES.get(s, "fonts-noto-core") for s in scripts})
    total = sum(counts.values())
    count = f"{len(chars)} character{'s' if len(chars) != 1 else ''}"
    times = f", {total:,} times in all" if total > len(chars) else ""
    diagnostics.warning(
        "M307", f"no installed font has glyphs for {count} ({', '.join(scripts)}){times}: "
        f"“{shown}” ({codes}); they print as empty boxes", path, line,
        hint=f"install a font that has them (on Debian: apt install {' '.join(packages)}), "
             "or put one in layouts/fonts/ and name it in the layout's CSS")
