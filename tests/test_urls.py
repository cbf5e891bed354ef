"""Web addresses in print break only at their slashes, dots, hyphens and the like, never
with a hyphen added, wherever in a line they fall; in the e-book they are links."""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from epubchecker import messages
from lxml import etree

from pamphlet.build.pipeline import build

URLS = [
    "https://zines.example.net/archive/1/photocopier-maintenance-notes",
    "https://example.org/a-very-long-path-with-many-hyphenated-words/and-more?query=value&other=thing",
    "www.example.com/library/reading-packets/december-twenty-twenty-six",
    "http://ftp.example.org/pub/zines/issue-42/photocopier_manual_version_two.pdf",
    "readers-collective-of-the-back-room@example.org",
    "https://en.wikipedia.org/wiki/Zine_(magazine)",
    "https://example.org/superlongpathsegmentwithoutanybreakopportunityatallforsure/x",
]
NOTE_URL = "https://zines.example.net/archive/2/copier-maintenance-notes-and-other-stories"
SOURCE_URL = "https://zines.example.net/archive/source-of-this-essay-first-published-there"
POSITIONS = 11  # words before each address: every place in a line, on narrow A6 pages
BREAK_BEFORE = set("/.,-_~#%?@=&")
XHTML = "{http://www.w3.org/1999/xhtml}"


def allowed(url: str, index: int) -> bool:
    """Whether a line may break `url` before its character `index` (Chicago 7.42): after
    //, before / . , - _ ~ # % ? @, before or after = and &; or anywhere inside a run of
    more than 24 characters with none of those."""
    if url[index] in BREAK_BEFORE or url[index - 1] in "=&" or url[:index].endswith("//"):
        return True
    runs = re.split(r"(?=[/.,\-_~#%?@=&])", url)
    start = 0
    for run in runs:
        if start < index < start + len(run):
            return len(run) > 24
        start += len(run)
    return False


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("urls")
    (root / "source").mkdir()
    words = "the copier hums while we fold".split()
    paragraphs = [" ".join((words * 3)[:n]) + f" see {url} for more."
                  for url in URLS for n in range(POSITIONS)]
    paragraphs.append(f"As [the notes]({NOTE_URL}) say.")
    (root / "source" / "addresses.md").write_text(
        f"---\ntitle: Addresses\nsource: {SOURCE_URL}\n---\n\n" + "\n\n".join(paragraphs) + "\n")
    (root / "pamphlet.toml").write_text('title = "Addresses"\n[pdf]\npage_size = "A6"\n')
    result = build(root)
    assert result.ok, [d.format() for d in result.diagnostics]
    return root / "build"


def test_printed_addresses_break_only_where_no_hyphen_is_added(built):
    text = subprocess.run(["pdftotext", "-raw", str(built / "pamphlet.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "\u00ad" not in text
    broken = 0
    for url, times in [*((url, POSITIONS) for url in URLS), (NOTE_URL, 1), (SOURCE_URL, 2)]:
        found = list(re.finditer("\n?".join(map(re.escape, url)), text))
        # Every copy is there, letter for letter: a hyphen added at a break would not match.
        assert len(found) >= times, (url, len(found))
        for match in found:
            at = [index for index, char in enumerate(match.group(0)) if char == "\n"]
            breaks = [position - number for number, position in enumerate(at)]
            assert all(allowed(url, index) for index in breaks), (url, match.group(0))
            broken += bool(breaks)
    assert broken >= 30  # the addresses were broken across lines, at many places


def test_addresses_are_links_in_the_ebook(built):
    with zipfile.ZipFile(built / "pamphlet.epub") as book:
        links = {a.get("href"): "".join(a.itertext())
                 for name in ("essay-001.xhtml", "sources.xhtml")
                 for a in etree.fromstring(book.read(f"EPUB/{name}")).iter(f"{XHTML}a")}
    for url in URLS:
        target = url if "://" in url else (f"mailto:{url}" if "@" in url else f"https://{url}")
        assert links.get(target) == url
    assert links.get(SOURCE_URL) == SOURCE_URL and links.get(NOTE_URL) == "the notes"
    assert messages(built / "pamphlet.epub") == []
