"""Benchmark `pamphlet import` of a WordPress export, and the build of what it imported.

Run: .venv/bin/python bench/bench_import.py [posts]   (200 posts unless told)

Generates a WXR 1.2 export of N published posts of about 800 words each (paragraphs in
WordPress's blank-line form, headings, a [caption] image, a [code] block, categories and tags,
plus drafts, pages and attachments to pass over), then prints:
- import: reading the export and writing the essays (median of 3, a fresh project each);
- build: `pamphlet build` of the imported project, once, in a fresh process (PDF and EPUB);
- peak memory of the import and of the build, each in a fresh process.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import _WORDS  # noqa: E402
from timing import median_seconds  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def _paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + " — “quoted” & done."


def post(index: int, rng: random.Random) -> str:
    """One published post, classic-editor style, with shortcodes WordPress blogs use."""
    blocks = [_paragraph(rng, rng.randint(60, 110)) for _ in range(8)]
    blocks.insert(3, f"<h2>Part {index}</h2>")
    blocks.insert(5, f'[caption id="attachment_{index}" width="300"]<img src="https://blog.'
                  f'example.org/wp-content/uploads/{index}.jpg" alt="Photo {index}" /> A '
                  f"caption for {index}[/caption]")
    blocks.insert(7, '[code lang="python"]for page in range(4):\n    print(page &lt; 2)[/code]')
    return (f"<item><title>Post {index}: Tips &amp;amp; notes</title><link>https://blog."
            f"example.org/{index}/</link><dc:creator>anna</dc:creator><content:encoded>"
            f"<![CDATA[{chr(10).join(chr(10) + b for b in blocks)}]]></content:encoded>"
            f"<wp:post_id>{index}</wp:post_id><wp:post_date>2024-01-{1 + index % 28:02d} "
            "09:00:00</wp:post_date><wp:status>publish</wp:status><wp:post_type>post"
            "</wp:post_type><wp:post_password></wp:post_password>"
            '<category domain="category" nicename="zines"><![CDATA[Zines]]></category>'
            f'<category domain="post_tag" nicename="t{index % 7}"><![CDATA[tag {index % 7}]]>'
            '</category><category domain="post_format" nicename="post-format-aside">Aside'
            "</category></item>")


def export(posts: int) -> str:
    """A WXR 1.2 export: `posts` published posts, and a draft, a page and an attachment
    for every ten."""
    rng = random.Random(posts)
    items = [post(n, rng) for n in range(1, posts + 1)]
    for n in range(posts // 10):
        for kind, status in (("post", "draft"), ("page", "publish"), ("attachment", "inherit")):
            items.append(f"<item><title>{kind} {n}</title><content:encoded><![CDATA[x]]>"
                         f"</content:encoded><wp:status>{status}</wp:status><wp:post_type>"
                         f"{kind}</wp:post_type></item>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://'
            'purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="https://wordpress.org/export/1.2/"><channel><title>Blog</title>'
            "<wp:author><wp:author_login>anna</wp:author_login><wp:author_display_name>Anna "
            "Press</wp:author_display_name></wp:author>\n" + "\n".join(items)
            + "\n</channel></rss>\n")


def _in_fresh_process(code: str) -> tuple[float, float]:
    """Run `code` in a fresh process: (its wall time in seconds, its peak memory in MB)."""
    timed = ("import resource, time; start = time.perf_counter()\n" + code +
             "\nprint(time.perf_counter() - start, "
             "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    result = subprocess.run([sys.executable, "-c", timed], capture_output=True, text=True,
                            check=True, cwd=REPO)
    seconds, peak = result.stdout.split()[-2:]
    return float(seconds), int(peak) / 1024


def import_code(xml: Path, project: Path) -> str:
    return ("from pathlib import Path; from pamphlet.diagnostics import Diagnostics; "
            "from pamphlet.importers import Run, read_all, write_drafts; "
            f"d = Diagnostics(); drafts = read_all([Path({str(xml)!r})], Run(d)); "
            f"write_drafts(drafts, Path({str(project)!r}) / 'source', d)")


def main() -> None:
    posts = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.importers import Run, read_all, write_drafts

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        xml = tmp / "export.xml"
        xml.write_text(export(posts))
        counter = iter(range(100))

        def run_import() -> list:
            diagnostics = Diagnostics()
            drafts = read_all([xml], Run(diagnostics))
            return write_drafts(drafts, tmp / f"p{next(counter)}" / "source", diagnostics)

        seconds = median_seconds(run_import, runs=3)
        written = sorted((tmp / "p0" / "source").glob("*.md"))
        project = tmp / "p0"
        (project / "pamphlet.toml").write_text(
            'title = "Bench"\n[select]\norder = "date"\n')
        _, import_peak = _in_fresh_process(import_code(xml, tmp / "fresh"))
        build_seconds, build_peak = _in_fresh_process(
            f"from pamphlet.build.pipeline import build; r = build({str(project)!r}, "
            f"{str(project / 'build')!r}); assert r.ok, r.diagnostics")
    size = len(export(posts).encode()) / 1e6
    print(f"export: {posts} posts, {size:.1f} MB; imported {len(written)} essays")
    print(f"import: {seconds:.2f} s (median of 3), peak memory {import_peak:.0f} MB")
    print(f"build of the imported project: {build_seconds:.1f} s, peak memory {build_peak:.0f} MB")


if __name__ == "__main__":
    main()
