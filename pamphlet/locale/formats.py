"""Dates, times, numbers and lists as the book's language writes them, from CLDR by Babel:
24 November 2026, 24 novembre 2026, 24. November 2026, 2026年11月24日; 19:00–21:00 or
7:00 – 9:00 PM; 'A, B and C' or 'A, B et C'.

Babel writes every number with the digits 0-9; CLDR gives some languages digits of their own
by default (Persian ۲۴, Bengali ২৪, Marathi २४), which a reader there expects in dates and
numbers alike, so they are set here, with the signs of their numbering system (Arabic's
decimal separator ٫ rather than a point).
"""

from __future__ import annotations

import datetime as dt
import re

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.units import format_unit

from .bidi import isolate
from .tags import babel_locale, extension

# The zero of each decimal numbering system CLDR makes a locale's default (the other nine
# digits follow it in Unicode).
_ZEROS = {"arab": 0x660, "arabext": 0x6F0, "deva": 0x966, "beng": 0x9E6, "tibt": 0xF20,
          "mymr": 0x1040, "nkoo": 0x7C0, "olck": 0x1C50, "mtei": 0xABF0, "cakm": 0x11136,
          "hmnp": 0x1E140, "adlm": 0x1E950}
# Languages whose books are mostly printed in digits of their own, though CLDR's locale for the
# language alone (and its main country's) writes 0-9, as the regions that do (Arabic in the
# Maghreb): `ar` takes ٠١٢٣, `hi` ०१२३, `ur` ۰۱۲۳; another region takes CLDR's digits for it
# (ar-EG its own, ar-MA 0-9), and `-u-nu-latn` (any numbering system CLDR has) decides outright.
_OWN_DIGITS = {"ar": "arab", "hi": "deva", "hi_IN": "deva", "ur": "arabext", "ur_PK": "arabext"}
_QUOTED = re.compile(r"'([^']*)'")


def digits(text: str, lang: str) -> str:
    """`text` with the digits 0-9 written as the language's own digits, where CLDR gives
    it other digits by default."""
    symbols = digit_symbols(lang)
    if symbols is None:
        return text
    return text.translate({ord("0") + n: symbol for n, symbol in enumerate(symbols)})


def digit_symbols(lang: str) -> str | None:
    """The language's own ten digits, where CLDR gives it other digits than 0-9 by default
    ('۰۱۲۳۴۵۶۷۸۹' for Persian); None where it writes 0-9."""
    zero = _ZEROS.get(numbering_system(lang))
    return None if zero is None else "".join(chr(zero + n) for n in range(10))


# CSS's own counter styles for those digits (CSS Counter Styles 3, which e-book readers know
# where they may not read an @counter-style rule).
_CSS_STYLES = {"arab": "arabic-indic", "arabext": "persian", "deva": "devanagari",
               "beng": "bengali", "tibt": "tibetan", "mymr": "myanmar"}


def counter_style(lang: str) -> str | None:
    """The CSS list style that counts in the language's digits ('arabic-indic' for Arabic);
    None where it writes 0-9 (or CSS has no style for its digits)."""
    return _CSS_STYLES.get(numbering_system(lang))


def numbering_system(lang: str) -> str:
    """CLDR's name of the numbering system the language's numbers are written in ('latn',
    'arab', 'arabext', 'deva', ...): its digits and its decimal and grouping signs."""
    locale = babel_locale(lang)
    system = extension(lang, "nu") or _OWN_DIGITS.get(str(locale))
    return system if system in locale.number_symbols else locale.default_numbering_system


def long_date(value: dt.date, lang: str) -> str:
    """A day as the language writes it in running text: '24 novembre 2026'."""
    return digits(format_date(value, "long", locale=babel_locale(lang)), lang)


def month(year: int, number: int, lang: str) -> str:
    """A month of a year: 'November 2026', 'novembre 2026', '2026年11月'."""
    return digits(format_skeleton("yMMMM", dt.date(year, number, 1),
                                  locale=babel_locale(lang)), lang)


def clock(start: dt.time, end: dt.time | None, lang: str) -> str:
    """A time of day, or a range of times ('19:00–21:00'), in the language's own clock
    (12 or 24 hours, as CLDR has it)."""
    locale = babel_locale(lang)
    if end is None or end == start:
        return digits(_unbroken(format_time(start, "short", locale=locale)), lang)
    try:
        text = format_interval(start, end, "Hm" if _hours24(locale) else "hm", locale=locale)
    except (NotImplementedError, KeyError, ValueError):  # a pattern Babel cannot split
        text = (f"{format_time(start, 'short', locale=locale)}–"
                f"{format_time(end, 'short', locale=locale)}")
    return digits(_unbroken(text), lang)


def _unbroken(text: str) -> str:
    """A time or a range of times kept on one line: its spaces do not break."""
    return text.replace(" ", "\u00a0").replace("\u2009", "\u202f")


def _hours24(locale: Locale) -> bool:
    pattern = _QUOTED.sub("", locale.time_formats["short"].pattern)
    return "H" in pattern or "k" in pattern


def date_and_time(date: str | None, time: str | None, lang: str) -> str:
    """A date and a time as one phrase, joined as CLDR joins them ('{1}, {0}')."""
    if date and time:
        pattern = str(babel_locale(lang).datetime_formats["medium"])
        pattern = _QUOTED.sub(lambda m: m.group(1) or "'", pattern)
        return pattern.replace("{1}", "\0date\0").replace("{0}", time).replace(
            "\0date\0", date)
    return date or time or ""


def names(items, lang: str) -> str:
    """People's names joined as the language joins a list: 'A, B, and C', 'A, B et C';
    in a list of two or more, a name written the other way than the language is isolated
    from it (bidi.py); a single name is isolated where a sentence takes it in."""
    items = [str(item) for item in items]
    items = [isolate(item, lang) for item in items] if len(items) > 1 else items
    # Plain "en" dates as en_GB does (tags.py), but keeps the serial comma pamphlet always
    # wrote, as CLDR's "en" has it.
    locale = "en" if lang.strip().lower() == "en" else babel_locale(lang)
    return format_list(items, locale=locale) if items else ""


def number(value: int | float, lang: str) -> str:
    """A number with the language's grouping and digits: 1,234 or 1 234 or ۱٬۲۳۴."""
    return digits(format_decimal(value, locale=babel_locale(lang),
                                 numbering_system=numbering_system(lang)), lang)


def millimetres(value: float, lang: str) -> str:
    """A length in millimetres, to a tenth: '3.2 mm', '3,2 mm'."""
    return digits(format_unit(round(value, 1), "length-millimeter", "short",
                              locale=babel_locale(lang),
                              numbering_system=numbering_system(lang)), lang)


def file_size(size: int, lang: str) -> str:
    """A download's size: '1.2 MB', '340 kB', '812 byte' as CLDR's units write them."""
    if size >= 1_000_000:
        value, unit = round(size / 1_000_000, 1), "digital-megabyte"
    elif size >= 1000:
        value, unit = round(size / 1000), "digital-kilobyte"
    else:
        value, unit = size, "digital-byte"
    return digits(format_unit(value, unit, "short", locale=babel_locale(lang),
                              numbering_system=numbering_system(lang)), lang)
