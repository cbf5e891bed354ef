"""`pamphlet serve` in a real browser: Playwright drives Debian's chromium against the real
app under uvicorn. One served project for the module (its builds share the workers); each
test leaves the project's sources as it found them. axe-core is injected into every page (the
context bypasses the app's Content-Security-Policy only so that the test can inject it)."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest

from conftest import EPOCH, axe_violations, built_contents, copy_project
from pamphlet.cli import main
from pdftext import Pdf
from test_serve_http import serving

READING = ["After Hours", "Quiet Hours", "The Long Table"]  # tagged "reading", by title
ORDERED = ["The Long Table", "Quiet Hours", "After Hours"]  # after the drag and the button
# How long a wait may take (ms) before it counts as a hang: builds and live reloads run on a
# machine that may be loaded, and a wait only ends early when what it waits for came.
PATIENCE = 600_000
SHOTS = os.environ.get("PAMPHLET_SHOTS")  # a folder to keep screenshots of each page in


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """tests/projects/library served with SOURCE_DATE_EPOCH set, as a reproducible build
    needs: the server's workers are started with it."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    root = copy_project("library", tmp_path_factory.mktemp("browser"))
    try:
        with serving(root) as served:
            yield served
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(bypass_csp=True, accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(PATIENCE)
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, errors


def accessible(page, name: str) -> None:
    """axe finds nothing on the page; with PAMPHLET_SHOTS, keep a screenshot of it."""
    assert axe_violations(page) == [], name
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def chosen(page) -> list[str]:
    return [re.sub(r"^\d+\. ", "", text) for text in
            page.locator("#chosen li .row .title").all_text_contents()]


def wait_built(page, after: int = 0) -> int:
    """Wait until the page shows a finished build newer than job `after`; its job number."""
    page.wait_for_function(
        f"Number(document.getElementById('result-heading').dataset.job || 0) > {after}",
        timeout=PATIENCE)
    return int(page.locator("#result-heading").get_attribute("data-job"))


def download(page, name: str, folder: Path) -> Path:
    with page.expect_download() as waiting:
        page.get_by_role("link", name=f"Download {name}").click()
    target = folder / name
    waiting.value.save_as(target)
    return target


def test_library_filters_sorts_and_reads_an_essay(app, page):
    page.goto(app.url + "/")
    accessible(page, "library")
    assert page.locator("tbody tr").count() == 6
    page.get_by_label("Tag").select_option("reading")
    page.get_by_role("button", name="Show").click()
    assert page.locator("tbody .essay-title").all_text_contents() == READING
    page.get_by_label("Sort by").select_option("date")
    page.get_by_label("Text").fill("hours")
    page.get_by_role("button", name="Show").click()
    assert page.locator("tbody .essay-title").all_text_contents() == ["After Hours",
                                                                     "Quiet Hours"]
    accessible(page, "library-filtered")
    page.get_by_role("link", name="After Hours").click()
    assert page.locator("article h1").text_content() == "After Hours"
    accessible(page, "essay")


def test_pick_reorder_set_an_event_build_and_download(app, page, tmp_path):
    page.goto(app.url + "/builder")
    page.get_by_label("Tag").select_option("reading")
    visible = page.locator("#pick-list li:visible .title").all_text_contents()
    assert sorted(visible) == READING
    for title in READING:
        page.get_by_role("button", name=f"Add {title}").click()
    assert chosen(page) == READING
    page.locator("#chosen li").nth(2).drag_to(page.locator("#chosen li").nth(0))
    assert chosen(page) == ["The Long Table", "After Hours", "Quiet Hours"]
    page.get_by_role("button", name=re.compile(r"^Down\W+move After Hours later$")).click()
    assert chosen(page) == ORDERED
    page.get_by_label("Title", exact=True).fill("December Packet")
    page.get_by_label("Print scheme").select_option("saddle")
    page.get_by_label("Name").fill("Second Tuesday Readers")
    page.locator("#f-event-date").fill("2026-12-08")
    page.get_by_label("Time").fill("19:00")
    page.get_by_label("Place").fill("Back room")
    page.get_by_label("Agenda, one item a line").fill("19:00 Welcome\n19:20 Discussion")
    page.get_by_text("Intro, questions, excerpt for Quiet Hours").click()
    page.locator('#chosen li[data-slug="quiet-hours"] .questions').fill("Who is it for?")
    page.wait_for_function("document.getElementById('estimate').textContent.includes('Print:')")
    assert "3 essays" in page.locator("#estimate").text_content()
    accessible(page, "builder-filled")
    page.get_by_role("button", name="Build").click()
    page.wait_for_selector("#progress:not([hidden])")
    wait_built(page)
    assert page.locator("#status-text").text_content().startswith("Built")
    pages = page.locator("#spreads img").count()
    assert pages > 8 and page.locator("#spreads figure").count() == pages // 2 + 1
    sheets = page.locator("#sheets figure")
    assert sheets.count() >= 3 and sheets.first.locator("img").count() == 2
    assert sheets.first.locator("figcaption").text_content() == "Sheet 1: front, then back"
    accessible(page, "builder-built")
    for name in ("packet.pdf", "packet.epub", "packet-print.pdf"):
        download(page, name, tmp_path)
    contents, nav = built_contents(tmp_path, "packet")
    assert contents == ORDERED and nav == ORDERED
    pdf = Pdf(tmp_path / "packet.pdf")
    assert "Second Tuesday Readers" in pdf.text(1)
    assert any("Who is it for?" in pdf.text(n) for n in range(1, len(pdf) + 1))
    with zipfile.ZipFile(tmp_path / "packet.epub") as book:
        opf = book.read("EPUB/content.opf").decode()
    spine = re.findall(r'<itemref idref="([^"]+)"', opf)
    assert spine[3:6] == ["essay-001", "essay-002", "essay-003"], spine


def test_a_saved_spec_keeps_its_comments_and_builds_the_same_bytes_from_the_cli(
        app, page, tmp_path):
    spec = app.root / "packets" / "groups.toml"
    spec.write_text("# Made by hand: keep this line.\n" + spec.read_text())
    page.goto(app.url + "/builder?spec=packets/groups.toml")
    page.wait_for_function("document.querySelectorAll('#chosen li').length == 2")
    page.get_by_label("Subtitle").fill("For the December meeting")
    page.get_by_role("button", name="Save").click()
    page.wait_for_function("document.getElementById('status-text').textContent.startsWith('Saved')")
    text = spec.read_text()
    assert text.startswith("# Made by hand: keep this line.\n")
    assert 'subtitle = "For the December meeting"' in text and "[select]" in text
    assert "essays" not in text  # still chosen by tags: the list was only shown
    page.get_by_role("button", name="Build").click()
    wait_built(page)
    built = {name: (app.root / "build" / name).read_bytes()
             for name in ("groups.pdf", "groups.epub")}
    assert main(["build", str(spec), "--out", str(tmp_path), "--force"]) == 0
    for name, data in built.items():
        assert (tmp_path / name).read_bytes() == data, name
    # Saving again over a file changed on disk since it was opened is refused.
    spec.write_text(text + "# changed meanwhile\n")
    page.get_by_label("Subtitle").fill("Another")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#save-problems li")
    assert "V140" in page.locator("#save-problems").text_content()
    assert spec.read_text() == text + "# changed meanwhile\n"
    accessible(page, "builder-refused")


def test_an_essay_edited_on_disk_updates_the_open_pages(app, page, browser):
    essay = app.root / "source" / "quiet-hours.md"
    original = essay.read_text()
    page.goto(app.url + "/essay/quiet-hours")
    library = page.context.new_page()
    library.goto(app.url + "/")
    page.evaluate("window.notReloaded = true")
    library.evaluate("window.notReloaded = true")
    try:
        essay.write_text(original.replace('title: "Quiet Hours"', 'title: "Loud Hours"'))
        page.wait_for_function("document.querySelector('article h1').textContent == "
                               "'Loud Hours'")
        library.wait_for_selector("tbody a:text-is('Loud Hours')")
        assert page.evaluate("window.notReloaded") and library.evaluate("window.notReloaded")
        # Broken front matter: the diagnostic with its file and line, on the open page.
        essay.write_text(original.replace("---\n", "---\ntitle: [unclosed\n", 1))
        page.wait_for_selector(".diagnostics li")
        problem = page.locator(".diagnostics li").first.text_content()
        assert "source/quiet-hours.md:3" in problem and "E203" in problem, problem  # as the CLI says
        library.wait_for_selector("tr[data-slug='quiet-hours'] .badge")
        accessible(page, "essay-broken")
        accessible(library, "library-broken")
    finally:
        essay.write_text(original)


def test_a_failed_rebuild_keeps_the_last_good_preview(app, page):
    essay = app.root / "source" / "the-long-table.md"
    original = essay.read_text()
    page.goto(app.url + "/builder?spec=packets/groups.toml")
    page.wait_for_function("document.querySelectorAll('#chosen li').length == 2")
    page.get_by_role("button", name="Build").click()
    first = wait_built(page)
    try:
        essay.write_text(original.replace("title: ", "title: Renamed ", 1))
        second = wait_built(page, first)  # rebuilt on its own: no click
        assert page.locator("#status-text").text_content().startswith("Built")
        essay.write_text(original.replace("---\n", "---\ntitle: [unclosed\n", 1))
        wait_built(page, second)
        assert "E203" in page.locator("#problems").text_content()
        assert "failed" in page.locator("#status-text").text_content()
        assert page.locator("#spreads img").count() > 0  # the last good preview stays
        accessible(page, "builder-failed")
    finally:
        essay.write_text(original)


def tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until the element `selector` has the focus."""
    for _ in range(limit):
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_the_whole_bookbuilder_works_from_the_keyboard(app, page, tmp_path):
    page.goto(app.url + "/builder")
    page.wait_for_function("document.getElementById('estimate').textContent.includes('No essays')")
    for slug in ("quiet-hours", "ink-and-toner"):
        tab_to(page, f'#pick-list .add[data-slug="{slug}"]')
        page.keyboard.press("Enter")
    tab_to(page, '#chosen li[data-slug="ink-and-toner"] .up')
    page.keyboard.press("Enter")
    assert chosen(page) == ["Ink and Toner", "Quiet Hours"]
    assert page.evaluate("document.activeElement.matches("
                         "'#chosen li[data-slug=\"ink-and-toner\"] .down')")
    tab_to(page, "#f-title")
    page.keyboard.type("Keyboard Packet")
    tab_to(page, "#f-scheme")
    page.keyboard.press("ArrowDown")  # the first scheme, saddle
    tab_to(page, "#build")
    page.keyboard.press("Enter")
    wait_built(page)
    tab_to(page, "#downloads a")
    with page.expect_download() as waiting:
        page.keyboard.press("Enter")
    waiting.value.save_as(tmp_path / "keyboard.pdf")
    pdf = Pdf(tmp_path / "keyboard.pdf")
    assert "Keyboard Packet" in pdf.text(1)
    assert page.locator("#sheets figure").count() >= 1
    tab_to(page, "#save-as")
    page.keyboard.press("Control+A")
    page.keyboard.type("packets/keyboard.toml")
    tab_to(page, "#save")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('status-text').textContent.startsWith('Saved')")
    assert 'essays = ["ink-and-toner", "quiet-hours"]' in (
        app.root / "packets" / "keyboard.toml").read_text()
    accessible(page, "builder-keyboard")
