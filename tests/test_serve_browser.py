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
PATIENCE = 600_000  # a build
WAIT = 120_000  # anything else: an event from the server, a page's answer
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
    context.set_default_timeout(WAIT)
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


def wait_preview(page, job: int) -> None:
    """Wait until the page shows every page and side of job `job`'s preview."""
    page.wait_for_selector(f'#spreads[data-job="{job}"][aria-busy="false"]', timeout=PATIENCE)


def download(page, name: str, folder: Path) -> Path:
    with page.expect_download() as waiting:
        page.get_by_role("link", name=f"Download {name}").click()
    target = folder / name
    waiting.value.save_as(target)
    return target


def titles(page) -> list[str]:
    return page.locator("tbody .essay-title").all_text_contents()


def test_library_filters_as_you_type_sorts_and_reads_an_essay(app, page):
    page.goto(app.url + "/")
    accessible(page, "library")
    assert page.locator("tbody tr").count() == 6
    assert not page.get_by_role("button", name="Show").is_visible()  # nothing to press
    page.get_by_label("Tag").select_option("reading")
    page.wait_for_function("document.querySelectorAll('tbody tr').length == 3")
    assert titles(page) == READING
    page.get_by_label("Sort by").select_option("date")
    page.get_by_label("Text").press_sequentially("hours")
    page.wait_for_function("document.querySelectorAll('tbody tr').length == 2")
    assert titles(page) == ["After Hours", "Quiet Hours"]
    # Said to screen readers (a polite live region the text field points to), and kept in
    # the address, so a reload shows the same.
    count = page.locator("#count")
    assert count.get_attribute("aria-live") == "polite"
    assert count.text_content().startswith("2 of 6 essays tagged “reading” matching “hours”")
    assert page.get_by_label("Text").get_attribute("aria-describedby") == "count"
    assert "q=hours" in page.url and "tag=reading" in page.url
    page.reload()
    assert titles(page) == ["After Hours", "Quiet Hours"]
    accessible(page, "library-filtered")
    # The bookbuilder's list filters alike: the same fields, as you type, the count said.
    page.goto(app.url + "/builder")
    page.get_by_label("Text").press_sequentially("teaching")  # a tag, not in any title
    assert page.locator("#pick-list li:visible .title").all_text_contents() == \
        ["Zines at School"]
    assert page.locator("#pick-count").text_content().startswith("1 of 6 essays")
    page.goto(app.url + "/")
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
    page.get_by_role("button", name="Down: move After Hours later", exact=True).click()
    assert chosen(page) == ORDERED
    assert names(page, "Up") == [f"Up: move {title} earlier" for title in ORDERED]
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
    wait_preview(page, wait_built(page))
    assert page.locator("#status-text").text_content().startswith("Built")
    pages = page.locator("#spreads img").count()
    assert pages > 8 and page.locator("#spreads figure").count() == pages // 2 + 1
    sheets = page.locator("#sheets figure")
    assert sheets.count() >= 3 and sheets.first.locator("img").count() == 2
    accessible(page, "builder-built")
    for name in ("december-packet.pdf", "december-packet.epub", "december-packet-print.pdf"):
        download(page, name, tmp_path)
    fold_preview(page, Pdf(tmp_path / "december-packet.pdf"),
                 Pdf(tmp_path / "december-packet-print.pdf"))
    contents, nav = built_contents(tmp_path, "december-packet")
    assert contents == ORDERED and nav == ORDERED
    pdf = Pdf(tmp_path / "december-packet.pdf")
    assert "Second Tuesday Readers" in pdf.text(1)
    assert any("Who is it for?" in pdf.text(n) for n in range(1, len(pdf) + 1))
    with zipfile.ZipFile(tmp_path / "december-packet.epub") as book:
        opf = book.read("EPUB/content.opf").decode()
    spine = re.findall(r'<itemref idref="([^"]+)"', opf)
    assert spine[3:6] == ["essay-001", "essay-002", "essay-003"], spine


def names(page, verb: str) -> list[str]:
    """The accessible names Chrome itself gives the packet's buttons starting with `verb`
    (its accessibility tree, not Playwright's reckoning)."""
    session = page.context.new_cdp_session(page)
    nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    session.detach()
    found = [node.get("name", {}).get("value", "") for node in nodes
             if node.get("role", {}).get("value") == "button"]
    return [name for name in found if name.startswith(verb) and "move" in name]


def fold_preview(page, reading: Pdf, printed: Pdf) -> None:
    """Each printed side carries the number of each page where it stands, as the print PDF
    really has it (the page's own text is found in that half of that side), and opens at a
    size that can be read."""
    sheet = page.locator("#sheets figure").first
    front = sheet.locator(".side").first
    numbers = front.locator(".page-number").all_text_contents()
    assert numbers == [str(len(reading)), "1"], numbers  # a saddle's outer sheet
    # Where the first essay opens in the reading PDF, the preview puts that number: on the
    # side and in the half of it where the print PDF has the essay's title.
    start = next(n for n in range(1, len(reading) + 1)
                 if reading.top_line(n) and reading.top_line(n).text == ORDERED[0])
    slots = page.locator("#sheets .side").evaluate_all(
        """sides => sides.map(side => [...side.querySelectorAll('.slot')].map(
            slot => [slot.textContent, Number(slot.style.gridColumn)]))""")
    [(side, column)] = [(index, col) for index, cells in enumerate(slots)
                        for text, col in cells if text == str(start)]
    half = printed.half_text(side + 1, "right" if column == 2 else "left")
    assert half.startswith(ORDERED[0]), (start, side, column, half)
    assert front.locator("img").get_attribute("alt") == \
        f"Sheet 1, front: pages {len(reading)} and 1"
    shown = front.locator("img").evaluate("img => [img.naturalWidth, img.clientWidth]")
    assert shown[0] >= 1000 and shown[1] >= 300, shown  # A4 drawn large, shown large enough
    page.get_by_role("button", name="Sheet 1, front at full size").click()
    dialog = page.locator("#enlarged")
    assert dialog.is_visible()
    assert dialog.locator("img").evaluate("img => img.clientWidth") >= 1000  # at full size
    assert dialog.locator(".page-number").all_text_contents() == numbers
    accessible(page, "builder-enlarged")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == \
        "Sheet 1, front at full size"  # back where it was


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
    # Saving again over a file changed on disk since it was opened is refused. The page has
    # unsaved changes first (a page with none opens the changed file again), and has heard
    # of the change before Save is pressed.
    page.get_by_label("Subtitle").fill("Another")
    spec.write_text(text + "# changed meanwhile\n")
    # (Apart from the status line: the rebuild the change starts would take that over at once.)
    note = page.locator("#disk-note")
    note.wait_for(state="visible")
    assert note.text_content().startswith("packets/groups.toml changed on disk. Your changes")
    assert page.get_by_label("Subtitle").input_value() == "Another"  # kept
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("#save-problems li")
    assert "V140" in page.locator("#save-problems").text_content()
    assert spec.read_text() == text + "# changed meanwhile\n"
    assert note.is_visible()  # until saved under another name, or opened again
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
    wait_preview(page, wait_built(page))
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


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_at_400_px_no_page_scrolls_sideways(app, browser):
    """A phone's width: every page fits it, the library's table says where it scrolls, the
    bookbuilder (filled in, built, its sheets enlarged) fits, and axe finds nothing."""
    context = browser.new_context(bypass_csp=True, viewport={"width": 400, "height": 800})
    context.set_default_timeout(WAIT)
    page = context.new_page()
    try:
        page.goto(app.url + "/")
        assert not scrolls_sideways(page)
        region = page.locator(".table-scroll")
        assert region.evaluate("r => r.scrollWidth > r.clientWidth")  # the table scrolls...
        assert page.locator("#scroll-cue").is_visible()  # ...and says so
        assert region.get_attribute("aria-describedby") == "scroll-cue"
        accessible(page, "library-400")
        page.goto(app.url + "/essay/quiet-hours")
        assert not scrolls_sideways(page)
        accessible(page, "essay-400")
        page.goto(app.url + "/builder")
        page.wait_for_function("document.getElementById('estimate').textContent.includes('No essays')")
        assert not scrolls_sideways(page)
        assert page.locator("#form-problems li").count() == 0  # a new packet: no error yet
        accessible(page, "builder-new-400")
        page.goto(app.url + "/builder?spec=packets/excerpt.toml")
        page.wait_for_function("document.querySelectorAll('#chosen li').length == 2")
        page.get_by_label("Print scheme").select_option("saddle")
        page.get_by_label("Web address").fill("https://example.org/a/very/long/address/of/the/meeting/page")
        page.get_by_label("Agenda, one item a line").fill("19:00 Welcome\n19:20 Reading")
        page.wait_for_function("document.getElementById('estimate').textContent.includes('Print:')")
        assert not scrolls_sideways(page)
        page.get_by_role("button", name="Build").click()
        wait_built(page)
        page.wait_for_selector("#sheets .side")
        assert not scrolls_sideways(page)
        accessible(page, "builder-built-400")
        page.locator("#sheets .side-frame").first.click()
        assert page.locator("#enlarged").is_visible()
        assert not scrolls_sideways(page)  # the enlarged side scrolls inside its dialog
        accessible(page, "builder-enlarged-400")
    finally:
        context.close()


def test_an_open_bookbuilder_follows_the_files_and_keeps_what_was_typed(app, page):
    essay = app.root / "source" / "quiet-hours.md"
    original = essay.read_text()
    page.goto(app.url + "/builder?spec=packets/excerpt.toml")
    page.wait_for_function("document.querySelectorAll('#chosen li').length == 2")
    page.get_by_label("Subtitle").fill("Typed, not saved")
    box = page.locator('#chosen li[data-slug="quiet-hours"] .questions')
    box.fill("A question typed here")
    box.focus()
    page.evaluate("window.notReloaded = true")
    try:
        essay.write_text(original.replace('title: "Quiet Hours"', 'title: "Loud Hours"'))
        page.wait_for_function("document.querySelector('#chosen li[data-slug=\"quiet-hours\"]"
                               " .title').textContent == '1. Loud Hours'")
        assert page.locator('#pick-list li[data-slug="quiet-hours"] .title').text_content() == \
            "Loud Hours"
        assert names(page, "Down") == ["Down: move Loud Hours later",
                                       "Down: move Ink and Toner later"]
        assert page.evaluate("window.notReloaded")
        assert page.get_by_label("Subtitle").input_value() == "Typed, not saved"
        assert box.input_value() == "A question typed here"
        assert page.evaluate("document.activeElement.matches('.questions')")  # still typing
        # A new essay on disk joins the library's list, and can be added at once.
        (app.root / "source" / "fresh-ink.md").write_text(
            '---\ntitle: "Fresh Ink"\nauthor: Ann New\ntags: [printing]\n---\n\nNew words.\n')
        page.get_by_role("button", name="Add Fresh Ink").click()
        assert chosen(page) == ["Loud Hours", "Ink and Toner", "Fresh Ink"]
        assert box.input_value() == "A question typed here"
        accessible(page, "builder-live")
    finally:
        essay.write_text(original)
        (app.root / "source" / "fresh-ink.md").unlink(missing_ok=True)


def test_save_as_names_the_packet_from_its_title_and_the_menu_follows(app, page):
    page.goto(app.url + "/builder")
    page.wait_for_function("document.getElementById('estimate').textContent.includes('No essays')")
    page.get_by_label("Title", exact=True).fill("Winter Readers")
    page.wait_for_function("document.getElementById('save-as').value == "
                           "'packets/winter-readers.toml'")
    page.get_by_role("button", name="Add After Hours").click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_function("document.getElementById('status-text').textContent.startsWith('Saved')")
    assert (app.root / "packets" / "winter-readers.toml").is_file()
    menu = page.locator(".open-spec select")
    assert menu.input_value() == "packets/winter-readers.toml"
    assert menu.locator("option:checked").text_content() == "packets/winter-readers.toml"
    assert page.locator("#opened").text_content() == "Editing packets/winter-readers.toml"
    assert page.url.endswith("/builder?spec=packets%2Fwinter-readers.toml")
    assert not page.locator("#save-as").is_visible()
    # The essay's title leads to its reading view, judged as this packet's build judges it.
    page.get_by_role("link", name="After Hours").click()
    assert "packets/winter-readers.toml" in page.locator(".context").text_content()
    page.go_back()
    page.wait_for_function("document.querySelectorAll('#chosen li').length == 1")
    assert page.locator(".open-spec select").input_value() == "packets/winter-readers.toml"
    (app.root / "packets" / "winter-readers.toml").unlink()
