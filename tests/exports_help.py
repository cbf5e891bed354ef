"""What the tests of platform exports share: importing a fixture, reading what was written,
counting the source's words that reached the Markdown, building and checking the EPUB."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

from lxml import html as lxml_html

from pamphlet.cli import main
from pamphlet.diagnostics import Diagnostics
from pamphlet.project.essays import read_essay

from conftest import PROJECTS

EXPORTS = PROJECTS / "exports"
_WORD = re.compile(r"\w+")


def imported(tmp_path: Path, capsys, *sources, extra=()) -> tuple[int, dict, str, Path]:
    """Import `sources` into a new project: (status, essays by slug, stderr, project)."""
    project = tmp_path / "project"
    project.mkdir(parents=True, exist_ok=True)
    status = main(["import", *map(str, sources), "--project", str(project), *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    essays = {p.stem: read_essay(p, Diagnostics())
              for p in sorted((project / "source").glob("*.md"))}
    return status, essays, err, project


def notes(body: str) -> dict[str, str]:
    """The essay's Markdown footnotes, by their number, in the order they are defined."""
    return {m.group(1): " ".join(m.group(2).split())
            for m in re.finditer(r"(?m)^\[\^(\w+)\]: (.+(?:\n    .+)*)", body)}


def calls(body: str) -> list[str]:
    """The footnote calls in the text, in reading order."""
    text = re.sub(r"(?m)^\[\^\w+\]:.*(?:\n    .*)*", "", body)
    return re.findall(r"\[\^(\w+)\](?!:)", text)


def words(text: str) -> Counter:
    return Counter(w.casefold() for w in _WORD.findall(text))


def html_words(markup: str, leave_out: str = "") -> Counter:
    """The words a reader sees in an HTML body, without the elements `leave_out` (an XPath
    union) names: the platform's furniture, which the import leaves out and says so."""
    page = lxml_html.document_fromstring(f"<html><body>{markup}</body></html>")
    for gone in page.xpath("//script | //style | //svg" + (f" | {leave_out}" if leave_out
                                                               else "")):
        if gone.getparent() is not None:
            gone.drop_tree()
    return words(" ".join(page.itertext()))


def markdown_words(markdown: str) -> Counter:
    """The words of a Markdown source: without the addresses of its links and images (a
    link to another post becomes the essay's file) and without HTML tags."""
    return words(re.sub(r"<[^>\n]+>|\]\([^()\n]*\)", " ", markdown))


def kept(source: Counter, markdown: str) -> float:
    """The share of the source's words that the Markdown holds."""
    total = sum(source.values())
    return sum((source & words(markdown)).values()) / total if total else 1.0


def zipped(folder: Path, target: Path) -> Path:
    """`folder`'s files in a zip file at `target`, as a platform's download would be."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target


def build_and_check(project: Path, slugs, capsys) -> str:
    """Build the project with a spec listing `slugs`: EPUBCheck finds nothing; the EPUB's
    text is returned."""
    from epubchecker import messages

    (project / "pamphlet.toml").write_text(
        'title = "Imported"\nessays = [' + ", ".join(f'"{s}"' for s in slugs) + "]\n")
    assert main(["build", str(project)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    epub = project / "build" / "pamphlet.epub"
    assert messages(epub) == []
    with zipfile.ZipFile(epub) as book:
        return "\n".join(lxml_html.fromstring(book.read(n)).text_content()
                         for n in sorted(book.namelist()) if n.endswith(".xhtml"))


def copy_export(name: str, where: Path) -> Path:
    target = where / name
    shutil.copytree(EXPORTS / name, target)
    return target
