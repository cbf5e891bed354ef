"""Essay file names from titles in any script: `new` and `import` name a Bengali essay by
its Bengali words, never `untitled`, and the names are safe on every file system."""

from __future__ import annotations

import unicodedata

import pytest
from epubchecker import messages

from pamphlet.cli import main
from pamphlet.project.library import slugify



@pytest.mark.parametrize("title, slug", [
    ("Why We Photocopy", "why-we-photocopy"),
    ("Café au lait: Straße, Œuvre, Tiếng Việt", "cafe-au-lait-strasse-oeuvre-tieng-viet"),
    ("আমার সোনার বাংলা", "আমার-সোনার-বাংলা"),
    ("স্বাধীনতা ও মুক্তি", "স্বাধীনতা-ও-মুক্তি"),  # conjuncts and vowel signs stay
    ("मेरा भारत महान", "मेरा-भारत-महान"),
    ("திருக்குறள்", "திருக்குறள்"),
    ("ภาษาไทย ง่ายๆ", "ภาษาไทย-ง่ายๆ"),
    ("ქართული ენა", "ქართული-ენა"),
    ("Հայերեն Լեզու", "հայերեն-լեզու"),
    ("ኢትዮጵያ ሀገሬ", "ኢትዮጵያ-ሀገሬ"),
    ("Ελληνικά κείμενα", "ελληνικά-κείμενα"),
    ("Рукописи не горят", "рукописи-не-горят"),
    ("中文标题", "中文标题"),
    ("می‌خواهم", "میخواهم"),  # a zero-width non-joiner is no word's end
    ("con", "con-essay"),  # a device name on Windows
    ("¡¿!?", ""),
])
def test_slugs_keep_the_words_of_any_script(title, slug):
    assert slugify(title) == slug
    assert slugify(title) == unicodedata.normalize("NFC", slugify(title))


def test_a_long_title_is_cut_at_a_letter_not_inside_one():
    slug = slugify("স্বাধীনতা " * 30)
    assert len(slug) <= 80 and len(slug.encode()) <= 200
    assert unicodedata.category(slug[-1])[0] in "LM" and not slug.endswith("-")
    assert slugify("ক" + "ি" * 300).startswith("কি")  # one letter's signs: cut all the same


def test_new_and_import_name_bengali_essays_by_their_words(tmp_path, capsys):
    """Two Bengali essays, one made with `new` and one imported from text, get their own
    names (they were `untitled.md` and `untitled-2.md`), and the book made of them passes
    EPUBCheck."""
    assert main(["init", str(tmp_path)]) == 0
    (tmp_path / "source" / "welcome.md").unlink()
    assert main(["new", "আমার সোনার বাংলা", "--author", "রবীন্দ্রনাথ ঠাকুর",
                 "--project", str(tmp_path)]) == 0
    made = tmp_path / "source" / "আমার-সোনার-বাংলা.md"
    made.write_text(made.read_text().replace("Write here.", "আমি তোমায় ভালোবাসি।")
                    .replace("url:\n", "url: https://example.org/amar\n"))
    text = tmp_path / "gitanjali.txt"
    text.write_text("গীতাঞ্জলি\n\nআমার মাথা নত করে দাও হে তোমার চরণধুলার তলে।\n")
    assert main(["import", str(text), "--project", str(tmp_path)]) == 0
    assert (tmp_path / "source" / "গীতাঞ্জলি.md").is_file()
    assert not list((tmp_path / "source").glob("untitled*"))
    spec = tmp_path / "pamphlet.toml"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        'essays = ["welcome"]', 'essays = ["আমার-সোনার-বাংলা", "গীতাঞ্জলি"]')
        .replace('lang = "en"', 'lang = "bn"'), encoding="utf-8")
    assert main(["build", str(tmp_path)]) == 0, capsys.readouterr().err
    assert messages(tmp_path / "build" / "pamphlet.epub") == []
