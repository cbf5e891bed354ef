"""The library site in a real browser (Debian's chromium through Playwright): opened from
file://, navigated home → pamphlet → essay → download, checked with axe-core, and laid out on
a 360 px phone screen without sideways scrolling."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import EPOCH, axe_violations, copy_project
from pamphlet.cli import main

SCREENSHOTS = Path(os.environ.get("PAMPHLET_SCREENSHOTS", "/tmp/pamphlet-site-screenshots"))
LONG = ("---\ntitle: A title with a word like Donaudampfschifffahrtsgesellschaftskapitänsmütze"
        "\nauthor: Long Words\ntags: [zines]\n---\n\nSee https://example.org/"
        + "a-very-long-path-segment-" * 12 + " and a table:\n\n| a | b |\n|---|---|\n| "
        + "wide " * 40 + "| x |\n\n```\n" + "code " * 60 + "\n```\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """tests/projects/library with a long-worded essay, built into a site."""
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        project = copy_project("library", tmp_path_factory.mktemp("browser"))
        (project / "source" / "long-words.md").write_text(LONG)
        assert main(["site", str(project)]) == 0
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    return project / "build" / "site"


PAGES = ["index.html", "pamphlets/groups.html", "essays/a-stapler-of-ones-own.html",
         "tags/printing.html", "essays/long-words.html", "tags/index.html", "essays/index.html"]


def test_from_file_url_home_to_pamphlet_to_essay_to_download(site, browser):
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    page.get_by_role("link", name="Reading Groups").click()
    assert page.url == (site / "pamphlets" / "groups.html").as_uri()
    assert page.get_by_role("heading", level=1).inner_text() == "Reading Groups"
    page.get_by_role("link", name="After Hours").click()
    assert page.url == (site / "essays" / "after-hours.html").as_uri()
    assert page.locator("h1.essay-title").inner_text() == "After Hours"
    page.get_by_role("link", name="Reading Groups").click()  # back, by "In these pamphlets"
    with page.expect_download() as download:
        page.get_by_role("link", name="EPUB", exact=True).click()
    saved = download.value.path()
    assert Path(saved).read_bytes() == (site / "files" / "groups.epub").read_bytes()
    page.close()


@pytest.mark.parametrize("name", PAGES[:4])
def test_axe_finds_no_violations(site, browser, name):
    page = browser.new_page()
    page.goto((site / name).as_uri())
    assert axe_violations(page) == []
    page.close()


@pytest.mark.parametrize("name", PAGES)
def test_the_layout_holds_at_360_px(site, browser, name):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto((site / name).as_uri())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / (name.replace("/", "_") + "-360.png")), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{name} scrolls sideways: {width} px"
    # Every image fits the screen too (covers, thumbnails).
    widest = page.evaluate(
        "Math.max(0, ...[...document.images].map(i => i.getBoundingClientRect().right))")
    assert widest <= 360
    page.close()


def test_no_external_fonts_scripts_or_styles(site):
    for path in site.rglob("*.html"):
        text = path.read_text()
        assert "<script" not in text and "@import" not in text, path
        assert "http://" not in text.split("<main")[0] and "https://" not in \
            text.split("<main")[0], path  # the head and masthead fetch nothing
    css = (site / "style.css").read_text()
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
