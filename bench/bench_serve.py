"""Benchmark `pamphlet serve`'s live preview, measured in the browser: from saving an essay to
the updated reading view on screen, and to the updated PDF preview (every page thumbnail
loaded), for the sample and for a generated 50-essay project.

Run: .venv/bin/python bench/bench_serve.py   (targets: the reading view within 0.5 s; the PDF
preview within the build's own time plus 0.5 s). Needs Debian's chromium and Playwright.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import make_corpus  # noqa: E402

REPO = Path(__file__).resolve().parent.parent

# Resolves when the page shows `title` in its heading (reading view) and returns the
# browser's clock then; the edit's time is taken from the same clock (one machine).
SEEN_TITLE = """title => new Promise(resolve => {
  const check = () => {
    const h1 = document.querySelector('article h1');
    if (h1 && h1.textContent === title) { resolve(Date.now()); return true; }
    return false;
  };
  if (check()) return;
  new MutationObserver((_, observer) => { if (check()) observer.disconnect(); })
    .observe(document.body, {childList: true, subtree: true, characterData: true});
})"""
# Resolves when a build newer than `job` is shown and its page thumbnails have loaded (the
# first ones: the others are drawn after, while the page shows these).
SEEN_PREVIEW = """job => new Promise(resolve => {
  const check = () => {
    const shown = Number(document.getElementById('result-heading').dataset.job || 0);
    const images = [...document.querySelectorAll('#spreads img')];
    const failed = document.getElementById('status-text').textContent.includes('failed');
    if (shown > job && failed) {
      resolve([0, shown]);  // a failed build: the bench says so rather than wait for ever
    } else if (shown > job && images.length && images.every(i => i.complete && i.naturalWidth)) {
      resolve([Date.now(), shown]);
    } else { setTimeout(check, 10); }
  };
  check();
})"""


def serve(root: Path):
    """The app for `root` under uvicorn in a thread: (url, stop)."""
    import uvicorn

    from pamphlet.serve import bind
    from pamphlet.serve.app import create_app

    sock, port = bind("127.0.0.1", 18900)
    server = uvicorn.Server(uvicorn.Config(create_app(root, "127.0.0.1", port),
                                           log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)

    def stop():
        server.should_exit = True
        thread.join(20)
        sock.close()
    return f"http://127.0.0.1:{port}", stop


def retitle(essay: Path, title: str) -> float:
    """Give the essay a new title on disk (as an editor's save would); the time, in ms."""
    lines = essay.read_text().split("\n")
    lines = [f"title: {title}" if line.startswith("title:") else line for line in lines]
    at = time.time() * 1000
    essay.write_text("\n".join(lines))
    return at


def reading_view(page, url: str, essay: Path, rounds: int) -> list[float]:
    page.goto(f"{url}/essay/{essay.stem}")
    seconds = []
    for number in range(rounds):
        title = f"Retitled {number}"
        page.evaluate(f"title => {{ window.seen = ({SEEN_TITLE})(title); }}", title)
        at = retitle(essay, title)
        seconds.append((page.evaluate("window.seen") - at) / 1000)
        time.sleep(0.3)
    return seconds


def pdf_preview(page, url: str, essay: Path, rounds: int) -> list[tuple[float, float]]:
    """(save to preview on screen, the build's own time) for each round."""
    page.goto(f"{url}/builder?spec=pamphlet.toml")
    page.wait_for_function("document.querySelectorAll('#chosen li').length > 0")
    page.click("#build")
    shown, job = page.evaluate(SEEN_PREVIEW, 0)
    if not shown:
        raise SystemExit(f"the build failed: {page.locator('#problems').text_content()}")
    page.wait_for_function("!document.querySelector('#spreads p.empty')", timeout=600_000)
    results = []
    for number in range(rounds):
        page.evaluate(f"job => {{ window.seen = ({SEEN_PREVIEW})(job); }}", job)
        at = retitle(essay, f"Rebuilt {number}")
        shown, job = page.evaluate("window.seen")
        if not shown:
            raise SystemExit(f"the build failed: {page.locator('#problems').text_content()}")
        page.wait_for_function("!document.querySelector('#spreads p.empty')", timeout=600_000)
        whole = time.time() - at / 1000
        answer = page.evaluate(f"fetch('/api/job/{job}').then(r => r.json())")
        results.append((whole, shown / 1000 - answer["finished"],
                        (shown - at) / 1000, answer["built"] - answer["started"],
                        answer["finished"] - answer["built"]))
    return results


def measure(name: str, root: Path, browser, rounds: int, builds: int) -> None:
    url, stop = serve(root)
    try:
        page = browser.new_context(bypass_csp=True).new_page()  # for wait_for_function
        essay = sorted((root / "source").glob("*.md"))[0]
        views = reading_view(page, url, essay, rounds)
        print(f"{name}: reading view {statistics.median(views):.2f} s median "
              f"(max {max(views):.2f}, {rounds} saves; target 0.5 s)", flush=True)
        previews = pdf_preview(page, url, essay, builds)
        page.context.close()
    finally:
        stop()
    for whole, shown, seen, built, drawn in previews:
        print(f"{name}: PDF preview on screen {seen:.2f} s after the save; the build itself "
              f"{built:.2f} s, drawing the first thumbnails {drawn:.2f} s, loading them "
              f"{shown:.2f} s; beyond the build {seen - built:.2f} s (target 0.5 s); every "
              f"page drawn {whole:.2f} s after the save")


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        tmp = Path(tmp)
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                             args=["--no-sandbox"])
        sample = tmp / "sample"
        shutil.copytree(REPO, sample, ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", ".cache", "tests", "bench", "pamphlet"))
        measure("sample (5 essays)", sample, browser, rounds=5, builds=3)
        measure("50 essays", make_corpus(tmp / "fifty", 50), browser, rounds=5, builds=1)
        browser.close()


if __name__ == "__main__":
    main()
