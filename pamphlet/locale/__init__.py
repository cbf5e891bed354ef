"""What pamphlet knows of languages and writing systems: the words it writes, in the book's
language (`words`, gettext catalogs in `messages/`), its dates, times, numbers and lists
(`formats`, CLDR through Babel), quotation marks by language (`quotes`), which catalog or
CLDR locale serves a language tag (`tags`), and which way a language is written, which
script a character is in and which fonts draw it (`scripts`), and how a name or an address
keeps its own direction inside a sentence (`bidi`).

A translated word, in code that has the book's `Words` (`pamphlet.words` of the model):

    words.pgettext("bibliography", "Bibliography")
    words.pgettext("edited_by", "Edited by %(names)s", names="Ada and Bo")
    words.npgettext("site_count_essays", "%(num)s essay", "%(num)s essays", n, num=n)

The first argument is the message's key (its gettext context, the name a spec's `[words]`
table and a layout's own catalog use), the second its English (the message id). In a
template: `{{ pgettext("contents", "Contents") }}`, escaped, its values too. After adding a
message, run `python tools/i18n.py extract` and translate it in every `messages/*.po`
(tests/test_catalogs.py fails until each catalog has it).

May import: `diagnostics` only (and Babel).
"""

from .words import Words

__all__ = ["Words"]
