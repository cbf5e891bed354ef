"""A generated corpus for benchmarks: N essays of about 1,500 words, with notes and links."""

from __future__ import annotations

import random
from pathlib import Path

_WORDS = ("paper staple fold margin reader ink press page sheet copy shop evening table friend "
          "question voice letter booklet spine cover quiet window morning street library meeting "
          "circle story print idea hand neighbour toner stencil gathering archive pamphlet "
          "distribution kitchen collective").split()


def _paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def essay_text(index: int, words: int = 1500) -> str:
    """One essay: front matter, headings, paragraphs, a list, footnotes and links."""
    rng = random.Random(index)
    blocks, count, notes = [], 0, []
    while count < words:
        size = rng.randint(60, 110)
        paragraph = _paragraph(rng, size)
        if rng.random() < 0.25:
            notes.append(f"[^n{len(notes) + 1}]: {_paragraph(rng, rng.randint(10, 30))}")
            paragraph += f"[^n{len(notes)}]"
        if rng.random() < 0.2:
            paragraph += f" See [the archive](https://example.org/archive/{index}/{count})."
        blocks.append(paragraph)
        if rng.random() < 0.12:
            blocks.append(f"## Part {len(blocks)}")
        if rng.random() < 0.08:
            blocks.append("- one\n  - nested\n- two")
        count += size
    front = (f"---\ntitle: Essay number {index}\nauthor: Writer {index % 7}\n"
             f"date: 2026-{index % 12 + 1:02d}-01\nsource: https://example.org/essays/{index}\n"
             f"tags: [bench, t{index % 5}]\n---\n\n")
    return front + "\n\n".join(blocks + notes) + "\n"


def make_corpus(root: Path, essays: int) -> Path:
    """Write a project with `essays` essays under `root`; return the project folder."""
    (root / "source").mkdir(parents=True, exist_ok=True)
    slugs = [f"essay-{i:03d}" for i in range(1, essays + 1)]
    for i, slug in enumerate(slugs, 1):
        (root / "source" / f"{slug}.md").write_text(essay_text(i))
    (root / "pamphlet.toml").write_text(
        f'title = "Benchmark of {essays}"\neditor = "Bench"\nessays = {slugs!r}\n'.replace("'", '"'))
    return root
