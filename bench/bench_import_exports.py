"""Benchmark `pamphlet import` of a Substack export (a zip) and a Ghost export (JSON).

Run: .venv/bin/python bench/bench_import_exports.py [posts]   (500 posts unless told)

Generates each export with N published posts of about 800 words (paragraphs, a heading, two
footnotes, a captioned picture, a subscribe box or a button card, a link to another post),
plus a draft and a paid post for every ten; Ghost's posts alternate between stored html and
Lexical only. Then prints, for each: the import (reading the export and writing the essays,
median of 3, a fresh project each) and its peak memory in a fresh process.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_import import _in_fresh_process, _paragraph, import_code  # noqa: E402
from timing import median_seconds  # noqa: E402


def substack_post(index: int, rng: random.Random) -> str:
    """One post's body, as Substack's export writes it."""
    blocks = [f"<p>{_paragraph(rng, rng.randint(60, 110))}</p>" for _ in range(8)]
    blocks[1] = blocks[1][:-4] + ('<a class="footnote-anchor" data-component-name="Footnote'
                                  'AnchorToDOM" id="footnote-anchor-1" href="#footnote-1" '
                                  'target="_self">1</a></p>')
    blocks.insert(3, f"<h2>Part {index}</h2>")
    blocks.insert(5, '<div class="captioned-image-container"><figure><img src="https://'
                  f'substack-post-media.s3.amazonaws.com/public/images/{index}.jpeg" alt='
                  f'"Photo {index}"><figcaption class="image-caption">A caption for {index}'
                  "</figcaption></figure></div>")
    blocks.insert(6, '<div class="subscription-widget-wrap-editor" data-component-name="'
                  'SubscribeWidgetToDOM"><p class="cta-caption">Thanks for reading! '
                  "Subscribe.</p></div>")
    blocks.append(f'<p>See <a href="https://bench.substack.com/p/post-{max(1, index - 1)}">'
                  "the last one</a>.</p>")
    blocks.append('<div class="footnote" data-component-name="FootnoteToDOM"><a id="footnote-'
                  f'1" href="#footnote-anchor-1" class="footnote-number">1</a><div class="'
                  f'footnote-content"><p>{_paragraph(rng, 20)}</p></div></div>')
    return "\n".join(blocks)


def substack_export(posts: int, target: Path) -> Path:
    rng = random.Random(posts)
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["post_id", "post_date", "is_published", "email_sent_at", "inbox_sent_at",
                     "type", "audience", "title", "subtitle", "podcast_url"])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(1, posts + 1):
            post_id = f"{140000000 + n}.post-{n}"
            published, audience = ("false", "everyone") if n % 10 == 0 else \
                ("true", "only_paid") if n % 10 == 5 else ("true", "everyone")
            writer.writerow([post_id, f"2024-01-{1 + n % 28:02d}T09:00:00.000Z", published, "",
                             "", "newsletter", audience, f"Post {n}: notes & tips",
                             f"Subtitle {n}", ""])
            archive.writestr(f"posts/{post_id}.html", substack_post(n, rng))
        archive.writestr("posts.csv", table.getvalue())
        archive.writestr("email_list.bench.csv", "email\nreader@example.org\n")
    return target


def ghost_export(posts: int, target: Path) -> Path:
    rng = random.Random(posts + 1)
    rows = []
    for n in range(1, posts + 1):
        html = substack_post(n, rng).replace("subscription-widget-wrap-editor",
                                             "kg-card kg-button-card")
        lexical = {"root": {"type": "root", "children": [
            {"type": "paragraph", "children": [{"type": "text", "text": _paragraph(rng, 90),
                                                "format": n % 4}]} for _ in range(8)] + [
            {"type": "markdown", "markdown": f"A note.[^1]\n\n[^1]: {_paragraph(rng, 15)}"}]}}
        rows.append({"id": f"{n:024x}", "title": f"Post {n}", "slug": f"post-{n}",
                     "html": html if n % 2 else None, "lexical": json.dumps(lexical),
                     "type": "post", "status": "draft" if n % 10 == 0 else "published",
                     "visibility": "paid" if n % 10 == 5 else "public",
                     "published_at": f"2024-01-{1 + n % 28:02d}T09:00:00.000Z",
                     "custom_excerpt": f"Excerpt {n}", "feature_image": None})
    users = [{"id": "1", "name": "Anna Press"}]
    authors = [{"post_id": r["id"], "author_id": "1", "sort_order": 0} for r in rows]
    target.write_text(json.dumps({"db": [{"meta": {"exported_on": 1, "version": "5.82.0"},
                                          "data": {"posts": rows, "users": users,
                                                   "posts_authors": authors,
                                                   "settings": [{"key": "title",
                                                                 "value": "Bench"}]}}]}))
    return target


def measure(name: str, source: Path, tmp: Path) -> None:
    from pamphlet.diagnostics import Diagnostics
    from pamphlet.importers import Run, read_all, write_drafts

    counter = iter(range(100))

    def run_import() -> list:
        diagnostics = Diagnostics()
        drafts = read_all([source], Run(diagnostics))
        return write_drafts(drafts, tmp / f"{name}{next(counter)}" / "source", diagnostics)

    seconds = median_seconds(run_import, runs=3)
    written = len(list((tmp / f"{name}0" / "source").glob("*.md")))
    _, peak = _in_fresh_process(import_code(source, tmp / f"{name}-fresh"))
    size = source.stat().st_size / 1e6
    print(f"{name}: {source.name}, {size:.1f} MB; imported {written} essays in {seconds:.2f} s "
          f"(median of 3, {1000 * seconds / max(written, 1):.1f} ms an essay), "
          f"peak memory {peak:.0f} MB")


def main() -> None:
    posts = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        measure("substack", substack_export(posts, tmp / "substack-export.zip"), tmp)
        measure("ghost", ghost_export(posts, tmp / "bench.ghost.2024-03-01.json"), tmp)


if __name__ == "__main__":
    main()
