"""The message catalogs: complete and current, every word of the built-in templates a
message, plural forms as CLDR counts, the table in the docs current, the wheel's compiled
catalogs the same words; and the words themselves: CLDR's dates, quotation marks by
language, a collective's own words, escaped."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import sys
import unicodedata
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from pamphlet.locale import formats, quotes, words as words_module
from pamphlet.locale.tags import babel_locale
from pamphlet.locale.words import Words, catalog_name, languages

REPO = Path(__file__).resolve().parent.parent
MESSAGES = REPO / "pamphlet" / "locale" / "messages"
# The languages the issue names, and the catalog each resolves to.
LANGUAGES = ("en fr de es it pt nl sv da nb fi pl cs ru uk el tr ar he fa ur hi bn zh ja "
             "ko").split()


def _tool(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def i18n():
    return _tool("i18n")


def test_the_catalogs_are_complete_and_current(i18n):
    """pamphlet.pot is what the code and templates say, every catalog translates every
    message (none fuzzy, none stale), Babel's checkers find nothing, and no built-in
    template writes a word outside a message."""
    assert i18n.problems() == []


def test_every_language_of_the_issue_has_a_catalog():
    assert {tag: catalog_name(tag) for tag in LANGUAGES if catalog_name(tag) is None} == {}
    assert catalog_name("zh") == "zh_Hans" and catalog_name("zh-TW") == "zh_Hant"
    assert catalog_name("pt-BR") == "pt" and catalog_name("no") == "nb"
    assert catalog_name("en-US") == "en" and catalog_name("sr-Latn") is None
    assert catalog_name("../../etc/x") is None
    assert len(languages()) == 27


def test_the_table_in_the_docs_is_current(i18n):
    assert (REPO / "docs" / "translations.md").read_text(encoding="utf-8") == i18n.table(), \
        "run python tools/i18n.py table"


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The package's code and templates and the built-in layouts, to change."""
    root = tmp_path_factory.mktemp("repo")
    shutil.copytree(REPO / "pamphlet", root / "pamphlet",
                    ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copytree(REPO / "layouts", root / "layouts")
    return root


def test_a_layout_message_the_catalogs_lack_fails_the_check(i18n, copy, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(copy, root)
    template = root / "layouts" / "zine" / "pamphlet.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace('<section class="back-cover">',
                                     '<p>{{ pgettext("new_words", "New words") }}</p>\n'
                                     '<section class="back-cover">'), encoding="utf-8")
    found = i18n.problems(root)
    assert "pamphlet.pot is not what the code says: run python tools/i18n.py extract" in found
    assert "fr.po lacks 'new_words'" in found and "ja.po lacks 'new_words'" in found
    i18n.extract(root)  # the template follows; the catalogs wait for their translators
    assert "fr.po: 'new_words' is not translated" in i18n.problems(root)


def test_a_word_written_into_a_template_fails_the_check(i18n, copy, tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(copy, root)
    assert i18n.problems(root) == []
    for path, added in ((root / "layouts" / "packet" / "pamphlet.html",
                         '<h2 class="notes-title">Further reading</h2>'),
                        (root / "pamphlet" / "site" / "templates" / "macros.html",
                         '<img src="x.png" alt="A cover">')):
        path.write_text(path.read_text(encoding="utf-8") + added, encoding="utf-8")
    assert [line.split(": '")[1] for line in i18n.loose_words(root)] == [
        "Further reading' is not a message: write it as pgettext(key, English)",
        "A cover' is not a message: write it as pgettext(key, English)"]


def test_plural_forms_follow_cldr():
    """Each catalog's Plural-Forms picks one form for each of CLDR's plural categories of
    the language, for every count a book or a site prints."""
    counts = [*range(0, 1200), 1_000_000, 2_000_000, 1_000_001]
    for path in sorted(MESSAGES.glob("*.po")):
        with open(path, "rb") as handle:
            catalog = read_po(handle)
        rule = Locale.parse(path.stem).plural_form
        pairs = {(catalog.plural_expr and _form(catalog.plural_expr, n), rule(n)) for n in counts}
        forms = [form for form, _ in pairs]
        categories = [category for _, category in pairs]
        assert len(set(forms)) == len(forms) == len(set(categories)), (path.stem, pairs)
        assert len(forms) == catalog.num_plurals, (path.stem, pairs)


def _form(expression: str, n: int) -> int:
    import gettext

    return gettext.c2py(expression)(n)


def test_plural_words_by_count():
    assert [Words.for_language("en").npgettext(
        "site_count_pamphlets", "%(num)s pamphlet", "%(num)s pamphlets", n) for n in (1, 3)] == [
        "1 pamphlet", "3 pamphlets"]
    russian = Words.for_language("ru")
    assert [russian.npgettext("site_count_essays", "%(num)s essay", "%(num)s essays", n)
            for n in (1, 3, 5)] == ["1 эссе", "3 эссе", "5 эссе"]
    arabic = Words.for_language("ar")
    assert [arabic.npgettext("plan_copies", "%(num)s copy", "%(num)s copies", n)
            for n in (0, 1, 2, 3, 11, 100)] == [
        "٠ نسخة", "نسخة واحدة", "نسختان", "٣ نسخ", "١١ نسخة", "١٠٠ نسخة"]
    polish = Words.for_language("pl", {"plan_copies": {"one": "%(num)s egz.",
                                                       "other": "%(num)s egzemplarzy"}})
    assert [polish.npgettext("plan_copies", "%(num)s copy", "%(num)s copies", n)
            for n in (1, 2, 5)] == ["1 egz.", "2 egzemplarzy", "5 egzemplarzy"]
    assert Words.for_language("fa").npgettext(
        "plan_pages", "%(num)s page", "%(num)s pages", 24) == "۲۴ صفحه"


def test_dates_and_times_by_cldr():
    day = dt.date(2026, 11, 24)
    assert [formats.long_date(day, lang) for lang in ("en", "en-US", "fr", "de", "es")] == [
        "24 November 2026", "November 24, 2026", "24 novembre 2026", "24. November 2026",
        "24 de noviembre de 2026"]
    assert formats.long_date(day, "ar") == "٢٤ نوفمبر ٢٠٢٦"  # Arabic's own digits (see below)
    assert formats.long_date(day, "fa") == "۲۴ نوامبر ۲۰۲۶"  # CLDR's digits for Persian
    assert formats.long_date(day, "ja") == "2026年11月24日"
    assert formats.clock(dt.time(19), dt.time(21), "en") == "19:00–21:00"
    assert formats.clock(dt.time(19), dt.time(21), "en-US") == "7:00\u202f–\u202f9:00\u202fPM"
    assert formats.clock(dt.time(19), dt.time(21), "zh-TW") == "晚上7:00–晚上9:00"
    assert formats.names(["A", "B", "C"], "en") == "A, B, and C"
    assert formats.names(["A", "B", "C"], "fr") == "A, B et C"


@pytest.mark.parametrize("lang, zero", [
    ("fa", "۰"), ("bn", "০"), ("mr", "०"),  # CLDR's own for the language
    ("ar", "٠"), ("ar-EG", "٠"), ("hi", "०"), ("hi-IN", "०"), ("ur", "۰"),  # pamphlet's
    ("ar-MA", None), ("ar-u-nu-latn", None), ("hi-u-nu-latn", None), ("fa-u-nu-latn", None),
    ("en-u-nu-arab", "٠"), ("en", None), ("he", None), ("ja", None), ("zh-Hans", None)])
def test_digits_by_language_region_and_the_tags_own_choice(lang, zero):
    """A language's digits: CLDR's default for the language or its region, a book's own
    for Arabic, Hindi and Urdu where CLDR's plain locale writes 0-9, and `-u-nu-` always."""
    symbols = formats.digit_symbols(lang)
    assert (symbols and symbols[0]) == zero
    assert formats.digits("2026", lang) == ("2026" if zero is None else symbols[2] +
                                            symbols[0] + symbols[2] + symbols[6])


@pytest.mark.parametrize("lang, written", [
    ("en", ("1,234.5", "3.2 mm")), ("fr", ("1\u202f234,5", "3,2\u202fmm")),
    ("ar", ("١٬٢٣٤٫٥", "٣٫٢ مم")), ("ar-u-nu-latn", ("1,234.5", "3.2 مم")),
    ("fa", ("۱٬۲۳۴٫۵", "۳٫۲ میلی‌متر")), ("hi", ("१,२३४.५", "३.२ मि॰मी॰"))])
def test_numbers_take_the_signs_of_their_digits(lang, written):
    """Arabic digits come with Arabic's decimal and grouping signs, 0-9 with the point."""
    assert (formats.number(1234.5, lang), formats.millimetres(3.2, lang)) == written


def test_an_extension_names_no_locale():
    assert str(babel_locale("ar-u-nu-latn")) == "ar" and str(babel_locale("en-u-nu-arab")) == \
        "en_GB" and str(babel_locale("pt-BR-u-nu-latn")) == "pt_BR"


def test_english_is_the_english_of_most_readers_unless_the_spec_says_us():
    assert str(babel_locale("en")) == "en_GB" and str(babel_locale("en-US")) == "en_US"
    assert str(babel_locale("xx")) == "en_GB" and str(babel_locale("pt-BR")) == "pt_BR"


@pytest.mark.parametrize("lang, marks", [
    ("en", ("“", "”", "‘", "’")), ("fr", ("«\u202f", "\u202f»", "«\u202f", "\u202f»")),
    ("fr-CH", ("«", "»", "‹", "›")), ("de", ("„", "“", "‚", "‘")),
    ("ru", ("«", "»", "„", "“")), ("ja", ("「", "」", "『", "』")),
    ("zh-Hant", ("「", "」", "『", "』"))])
def test_quotation_marks_by_language(lang, marks):
    assert quotes.delimiters(lang) == marks


def test_marks_set_by_language_and_apostrophes_kept():
    marked = (f"{quotes.OPEN_DOUBLE}a {quotes.OPEN_SINGLE}b{quotes.CLOSE_SINGLE} "
              f"c{quotes.CLOSE_DOUBLE} l{quotes.CLOSE_SINGLE}homme")
    assert quotes.curl(marked, "de") == "„a ‚b‘ c“ l’homme"
    assert quotes.curl(marked, "fr") == "«\u202fa «\u202fb\u202f» c\u202f» l’homme"
    assert quotes.curl("no marks “pasted”", "de") == "no marks “pasted”"


def test_a_collectives_words_and_what_they_may_hold():
    own = Words.for_language("fr", {"contents": "Lectures", "edited_by": "Réuni par %(names)s",
                                    "license": "100% libre: %(license)s"})
    assert own.pgettext("contents", "Contents") == "Lectures"
    assert own.pgettext("edited_by", "Edited by %(names)s", names="A") == "Réuni par A"
    assert own.pgettext("license", "License: %(license)s.", license="CC0") == \
        "100% libre: CC0"
    assert own.pgettext("sources", "Sources") == "Sources"  # the catalog's, beneath


def test_templates_escape_words_and_values():
    from markupsafe import Markup

    from pamphlet.book.layouts import template_words

    functions = template_words(Words.for_language("en", {"contents": "<b>Read</b> & fold"}))
    assert functions["pgettext"]("contents", "Contents") == "&lt;b&gt;Read&lt;/b&gt; &amp; fold"
    shown = functions["pgettext"]("label_value", "%(label)s: %(value)s", label="<i>",
                                  value=Markup("<span>ok</span>"))
    assert shown == "&lt;i&gt;: <span>ok</span>" and isinstance(shown, Markup)
    assert functions["page_reference"]() == \
        '" (page\\a0 " target-counter(attr(href), page, pamphlet-digits) ")"'


@pytest.mark.parametrize("lang, script", [("ar", "ARABIC"), ("fa", "ARABIC"), ("ur", "ARABIC"),
                                          ("he", "HEBREW")])
def test_right_to_left_catalogs_write_their_own_script(lang, script):
    """Every letter of every translation is of the language's script, but the names of
    formats, programs and standards, which are written as they are everywhere."""
    names = {"PDF", "EPUB", "OPDS", "Kobo", "kepub", "KOReader", "Thorium", "FBReader", "WCAG",
             "AA", "Accessibility", "QR"}
    with open(MESSAGES / f"{catalog_name(lang)}.po", "rb") as handle:
        catalog = read_po(handle)
    foreign = set()
    for message in (m for m in catalog if m.id):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            text = words_module.PLACEHOLDER.sub(" ", text)
            for word in "".join(c if c.isalpha() else " " for c in text).split():
                if word not in names and not all(
                        unicodedata.name(c).startswith(script) for c in word):
                    foreign.add(word)
    assert foreign == set()


def test_the_wheel_carries_the_catalogs_compiled(tmp_path, monkeypatch):
    """The build hook compiles every catalog into the wheel, and those .mo files give the
    same words as the catalogs compiled in memory."""
    sys.path.insert(0, str(REPO))
    try:
        from hatch_build import CatalogsHook
    finally:
        sys.path.remove(str(REPO))
    hook = CatalogsHook(str(REPO), {}, None, None, str(tmp_path), "wheel")
    build_data = {"force_include": {}}
    hook.initialize("standard", build_data)
    try:
        included = {Path(target).name: Path(source).read_bytes()
                    for source, target in build_data["force_include"].items()}
        assert sorted(included) == sorted(f"{p.stem}.mo" for p in MESSAGES.glob("*.po"))
        assert all(target.startswith("pamphlet/locale/messages/")
                   for target in build_data["force_include"].values())
    finally:
        hook.finalize("standard", build_data, "")
    folder = tmp_path / "messages"
    folder.mkdir()
    for name, data in included.items():
        (folder / name).write_bytes(data)
        shutil.copyfile(MESSAGES / name.replace(".mo", ".po"), folder / name.replace(".mo", ".po"))
    monkeypatch.setattr(words_module, "MESSAGES", folder)
    monkeypatch.setattr(words_module, "compile_po", None)  # only the .mo files are read
    words_module.catalog.cache_clear()
    words_module._translations.cache_clear()
    try:
        assert isinstance(words_module.catalog("ja"), words_module.gettext.GNUTranslations)
        assert Words.for_language("ja").pgettext("contents", "Contents") == "目次"
        assert Words.for_language("ru").npgettext(
            "plan_pages", "%(num)s page", "%(num)s pages", 3) == "3 страницы"
    finally:
        words_module.catalog.cache_clear()
        words_module._translations.cache_clear()


def test_no_text_can_stand_in_for_a_quotation_mark(tmp_path):
    """The marks the conversion leaves for quotation marks are noncharacters: an essay that
    holds one loses it (E212), and a spec's field never makes one into a quote."""
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.project.essays import read_essay
    from pamphlet.text.sanitiser import inline_markdown

    essay = tmp_path / "planted.md"
    essay.write_text(f"---\ntitle: T\n---\n\nA {quotes.OPEN_DOUBLE}mark{quotes.CLOSE_DOUBLE}.\n",
                     encoding="utf-8")
    diagnostics = Diagnostics()
    read = read_essay(essay, diagnostics)
    assert [d.code for d in diagnostics] == ["E212"] and "A mark." in read.body
    assert inline_markdown(f"{quotes.OPEN_DOUBLE}x{quotes.CLOSE_SINGLE}", "de") == "<p>x</p>"
