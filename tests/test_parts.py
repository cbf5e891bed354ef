"""The reading PDF laid out in parts (outputs/parts.py) is the single render's PDF: the same
text on every page, the same bookmarks, links and named destinations; its cache lays out
again exactly what changed; and it reports each part as it is laid out."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

import system
from conftest import REPO, copy_project
from test_page_agreement import right_to_left

from pamphlet.build.pipeline import build
from pamphlet.progress import Step

LIBRARY_PACKET = Path("packets") / "groups.toml"


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, as pdftotext lays it out."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


def outline(pdf: Path) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every bookmark, in order."""
    with pikepdf.open(pdf) as document, document.open_outline() as tree:
        pages = {page.objgen: index for index, page in enumerate(document.pages)}
        found = []

        def walk(items, level):
            for item in items:
                found.append((level, item.title, pages[item.destination[0].objgen]))
                walk(item.children, level + 1)
        walk(tree.root, 0)
        return found


def links(pdf: Path) -> tuple[list, dict[str, int]]:
    """Every link (page, rectangle, destination name or URI, target page) and every named
    destination with its page."""
    with pikepdf.open(pdf) as document:
        pages = {page.objgen: index for index, page in enumerate(document.pages)}
        flat = list(document.Root.Names.Dests.Names)
        names = {str(flat[at]): pages[flat[at + 1][0].objgen] for at in range(0, len(flat), 2)}
        found = []
        for index, page in enumerate(document.pages):
            for link in page.obj.get("/Annots", []):
                rectangle = [round(float(value)) for value in link.Rect]
                if "/Dest" in link:
                    found.append((index, rectangle, str(link.Dest), names.get(str(link.Dest))))
                else:
                    found.append((index, rectangle, str(link.A.get("/URI")), None))
        return found, names


def with_render(file: Path, render: str) -> str:
    """The spec's text with [pdf] render set to `render`."""
    original = re.sub(r'(?m)^render = "\w+"\n', "", file.read_text(encoding="utf-8"))
    return original.replace("[pdf]", f'[pdf]\nrender = "{render}"', 1) if "\n[pdf]" in original \
        else original + f'\n[pdf]\nrender = "{render}"\n'


def in_parts(spec: Path) -> Path:
    """The spec (a project folder's pamphlet.toml, or a spec file) set to be laid out in
    parts, whatever its length (render = "auto" lays a book this short out whole)."""
    file = spec if spec.is_file() else spec / "pamphlet.toml"
    file.write_text(with_render(file, "parts"), encoding="utf-8")
    return spec


def both(spec: Path, where: Path, progress=None, heard: list | None = None
         ) -> tuple[Path, Path]:
    """The spec built in parts (two workers) and as one document; the two reading PDFs
    (and the parts build's diagnostics into `heard`, if given)."""
    parts = build(in_parts(spec), where / "parts", jobs=2,
                  **({"progress": progress} if progress else {}))
    assert parts.ok, [d.format() for d in parts.diagnostics]
    if heard is not None:
        heard.extend(parts.diagnostics)
    file = spec if spec.is_file() else spec / "pamphlet.toml"
    whole_file = file.with_name(f"whole-{file.name}")
    whole_file.write_text(with_render(file, "whole"), encoding="utf-8")
    try:
        whole = build(whole_file, where / "whole")
    finally:
        whole_file.unlink()
    assert whole.ok, [d.format() for d in whole.diagnostics]
    stem = file.stem
    return where / "parts" / f"{stem}.pdf", where / "whole" / f"whole-{stem}.pdf"


def assert_same_book(parts: Path, whole: Path) -> None:
    ours, theirs = page_texts(parts), page_texts(whole)
    assert len(ours) == len(theirs)
    for number, (mine, single) in enumerate(zip(ours, theirs), 1):
        assert mine == single, f"page {number} differs"
    assert outline(parts) == outline(whole)
    assert links(parts) == links(whole)


def sample(where: Path) -> Path:
    """The repository's sample, laid out in parts, and with no print PDFs (these tests are
    about the reading PDF; tests/test_print_shop.py and others make the print files)."""
    project = where / "sample"
    shutil.copytree(REPO / "source", project / "source")
    spec = (REPO / "pamphlet.toml").read_text()
    assert "\nvariants = " in spec
    (project / "pamphlet.toml").write_text(re.sub(r"(?m)^variants = .*$", 'variants = ["read"]',
                                                  spec))
    return in_parts(project)


@pytest.fixture(scope="module")
def sample_both(tmp_path_factory):
    """The sample built in parts and whole, once for the tests that only read the two:
    (parts PDF, whole PDF, the names of the parts laid out, the parts build's diagnostics)."""
    where = tmp_path_factory.mktemp("sample-both")
    progress, diagnostics = Parts(), []
    parts, whole = both(sample(where), where, progress, diagnostics)
    return parts, whole, progress.laid_out, diagnostics


def sample_in_packets(where: Path) -> Path:
    """The sample in the packet layout on A6: its essays open on either side, so each
    part's side (and so its length) follows from the parts before it."""
    project = sample(where)
    spec = project / "pamphlet.toml"
    spec.write_text(spec.read_text().replace('layout = "zine"', 'layout = "packet"')
                    .replace('page_size = "A5"', 'page_size = "A6"'))
    return project


def library_packet(where: Path) -> Path:
    return in_parts(copy_project("library", where) / LIBRARY_PACKET)


def arabic(where: Path) -> Path:
    system.need("fonts-dejavu-core")
    return in_parts(right_to_left(where, "zine", "A5"))


def assert_stitched_as_single(parts: Path, whole: Path, laid: list[str]) -> None:
    """Text of every page (page numbers, running heads and contents numbers included),
    the outline, every link and named destination."""
    assert_same_book(parts, whole)
    assert len(outline(parts)) >= 3 and len(links(parts)[0]) >= 3
    # each part laid out at most twice (a guess, then its place)
    assert all(laid.count(name) <= 2 for name in laid), laid


def test_the_stitched_sample_is_the_single_render(sample_both):
    parts, whole, laid, _ = sample_both
    assert_stitched_as_single(parts, whole, laid)


@pytest.mark.slow(
    "builds each book twice, in parts with two workers and whole, to compare every page")
@pytest.mark.parametrize("make", [sample_in_packets, library_packet, arabic],
                         ids=["sample in packets", "packet", "right-to-left"])
def test_the_stitched_pdf_is_the_single_render(tmp_path, make):
    heard = Parts()
    parts, whole = both(make(tmp_path), tmp_path, heard)
    assert_stitched_as_single(parts, whole, heard.laid_out)


def test_page_selectors_match_the_books_pages(tmp_path):
    """`@page :first` is the book's first page only, not each part's, and `@page :nth(7)`
    its seventh; the stitched PDF is the single render's."""
    project = styled_sample(tmp_path,
                            '@page :first { @top-right { content: "FIRST" !important; } }\n'
                            '@page :nth(7) { @bottom-right { content: "SEVENTH" !important; }'
                            ' }\n')
    parts, whole = both(project, tmp_path)
    assert_same_book(parts, whole)
    texts = page_texts(parts)
    assert ["SEVENTH" in text for text in texts].count(True) == 1 and "SEVENTH" in texts[6]
    assert not any("FIRST" in text for text in texts[1:])


def styled_sample(where: Path, css: str) -> Path:
    """The sample with `css` in the zine layout's custom.css."""
    project = sample(where)
    (project / "layouts" / "zine").mkdir(parents=True)
    (project / "layouts" / "zine" / "custom.css").write_text(css)
    return project


def laid_out_whole(project: Path, where: Path, named: str) -> Path:
    """Build `project` in parts: it warns once (O513, naming `named`) that it laid the
    book out as one document, and the PDF is the single render's; that PDF."""
    heard = build(project, where / "parts", jobs=2)
    warned = [d.message for d in heard.diagnostics if d.code == "O513"]
    assert len(warned) == 1 and named in warned[0], warned
    parts, whole = both(project, where)
    assert_same_book(parts, whole)
    return parts


def test_the_sample_is_laid_out_in_parts_without_a_warning(sample_both):
    """The sample's own counters (footnotes, reset in each essay) and running heads tie
    no part to another beyond its pages."""
    _, _, laid, diagnostics = sample_both
    assert "essay-003" in laid and not [d for d in diagnostics if d.code == "O513"]


@pytest.mark.slow("builds the sample in parts and whole, and once more to see the warning")
def test_a_counter_across_essays_lays_the_book_out_whole(tmp_path):
    """A layout that numbers the essays with a CSS counter (never reset between them)
    cannot be shown by parts, each of which counts afresh: the book is laid out as one
    document, and the essays are numbered 1 to 5 as in the single render."""
    project = styled_sample(tmp_path, '.essay { counter-increment: essay-number; }\n'
                            '.essay-title::before { content: "Essay " counter(essay-number)'
                            ' ". "; }\n')
    parts = laid_out_whole(project, tmp_path, "'essay-number'")
    numbers = [int(found) for text in page_texts(parts)
               for found in re.findall(r"Essay (\d+)\. ", text)]
    assert numbers == [1, 2, 3, 4, 5], numbers


@pytest.mark.slow("builds the sample in parts and whole, and once more to see the warning")
def test_another_essays_text_lays_the_book_out_whole(tmp_path):
    """target-text() of an element in another part (here the contents show each essay's
    first letter): a part cannot know it, so the book is laid out as one document."""
    project = styled_sample(tmp_path, '.toc-link::before { content: "[" '
                            'target-text(attr(href), first-letter) "] "; }\n')
    parts = laid_out_whole(project, tmp_path, "target-text()")
    assert len(re.findall(r"\[\w\] ", page_texts(parts)[3])) >= 5  # the contents


@pytest.mark.slow("builds the sample in parts and whole, and once more to see the warning")
def test_a_running_element_from_an_earlier_part_lays_the_book_out_whole(tmp_path):
    """A running element (element()) defined in the front matter and shown on the essays'
    pages: a part cannot show another part's element, so the book is laid out whole."""
    project = styled_sample(tmp_path, ".title-title { position: running(booktitle); }\n"
                            "@page essay { @top-center { content: element(booktitle); } }\n")
    laid_out_whole(project, tmp_path, "'booktitle'")


@pytest.mark.slow("builds the sample in parts and whole to compare every page's running heads")
def test_running_heads_carry_strings_from_the_parts_before(tmp_path):
    """A running head from a named string set by the section headings: a part's pages
    before its first heading (here the back matter's) show the last section of the parts
    before it, as in the single render."""
    project = styled_sample(
        tmp_path, "h2 { string-set: section content(); }\n"
        "@page essay:left { @top-left { content: string(section) !important; } }\n"
        "@page essay:right { @top-right { content: string(section, last) !important; } }\n")
    parts, whole = both(project, tmp_path)
    assert_same_book(parts, whole)


def test_the_stitched_sample_looks_the_same(sample_both, tmp_path):
    """Every page of the sample, drawn at 30 dpi, is the single render's, pixel for pixel
    (fonts merged across the parts draw the same glyphs)."""
    parts, whole, _, _ = sample_both
    for name, pdf in (("parts", parts), ("whole", whole)):
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / name)],
                       check=True)
    drawn = sorted(tmp_path.glob("parts-*.png"))
    assert len(drawn) == len(page_texts(whole))
    for page in drawn:
        assert page.read_bytes() == (tmp_path / page.name.replace("parts", "whole")) \
            .read_bytes(), page.name


def test_fonts_are_embedded_once(sample_both):
    """Each part embeds its own subset; the book keeps one program for each font."""
    with pikepdf.open(sample_both[0]) as document:
        programs = {}
        for item in document.objects:
            if isinstance(item, pikepdf.Dictionary) and item.get("/Type") == "/FontDescriptor":
                name = str(item.FontName).partition("+")[2]
                programs.setdefault(name, set()).add(item.FontFile2.objgen)
    assert programs and all(len(found) == 1 for found in programs.values()), programs


class Parts:
    """The names of the parts a build laid out, in the order it reported them."""

    def __init__(self):
        self.steps: list[Step] = []

    def __call__(self, step: Step) -> None:
        self.steps.append(step)

    @property
    def laid_out(self) -> list[str]:
        return [step.name for step in self.steps if step.kind == "part"]


def rebuild(project: Path, out: Path, jobs: int = 1) -> list[str]:
    heard = Parts()
    result = build(project, out, jobs=jobs, progress=heard)
    assert result.ok, [d.format() for d in result.diagnostics]
    return heard.laid_out


def cold(project: Path, out: Path) -> bytes:
    """The reading PDF of a build with no cache at all."""
    assert build(project, out).ok
    return (out / "pamphlet.pdf").read_bytes()


@pytest.fixture
def built_sample(tmp_path, source_date_epoch):
    project = sample(tmp_path)
    out = tmp_path / "out"
    assert set(rebuild(project, out)) == {
        "front", "essay-001", "essay-002", "essay-003", "essay-004", "essay-005", "back"}
    return project, out


def test_an_edit_lays_out_only_its_essay(built_sample, tmp_path):
    project, out = built_sample
    essay = project / "source" / "at-the-copy-shop.md"
    essay.write_text(essay.read_text().replace("stapler", "stopler", 1))
    assert rebuild(project, out) == ["essay-003"]
    assert (out / "pamphlet.pdf").read_bytes() == cold(project, tmp_path / "cold")
    assert rebuild(project, out) == []  # nothing changed: nothing laid out


def test_an_earlier_essay_that_grows_moves_the_rest(built_sample, tmp_path):
    """Two more pages in the first essay: it is laid out again, and so are the parts whose
    text holds a page that moved (the contents, and essays 3 and 4, which say "page N" of
    the essay before them); the other parts after it are numbered again without being laid
    out, and the PDF is a cold build's, byte for byte."""
    project, out = built_sample
    before = page_texts(out / "pamphlet.pdf")
    essay = project / "source" / "the-photocopier-economy.md"
    essay.write_text(essay.read_text() + "\n\n" + "More words on paper and toner. " * 160)
    laid = rebuild(project, out)
    assert sorted(laid) == ["essay-001", "essay-003", "essay-004", "front"], laid
    after = page_texts(out / "pamphlet.pdf")
    assert len(after) > len(before)  # the later essays moved
    assert (out / "pamphlet.pdf").read_bytes() == cold(project, tmp_path / "cold")
    assert (out / "pamphlet.pdf").read_bytes() == cold(project, tmp_path / "cold")


def test_a_right_to_left_book_is_numbered_again_too(tmp_path, source_date_epoch):
    """In a right-to-left book (essays open on left-hand pages), the parts after an essay
    that grew are numbered again without being laid out, as a cold build writes them."""
    project = arabic(tmp_path)
    out = tmp_path / "out"
    first = rebuild(project, out)
    before = len(page_texts(out / "pamphlet.pdf"))
    essay = project / "source" / "ar-one.md"
    text = essay.read_text(encoding="utf-8")
    longest = max(text.split("\n\n"), key=len)
    essay.write_text(text.replace("\n\n", "\n\n" + (longest + "\n\n") * 8, 1),
                     encoding="utf-8")
    laid = rebuild(project, out)
    assert "essay-001" in laid and "essay-003" in first and "essay-003" not in laid, laid
    assert "back" not in laid, laid
    assert len(page_texts(out / "pamphlet.pdf")) > before  # the later parts moved
    assert (out / "pamphlet.pdf").read_bytes() == cold(project, tmp_path / "cold")


@pytest.mark.slow(
    "rebuilds the sample after a change to what every part depends on, to see each part laid out again")
@pytest.mark.parametrize("change", ["spec", "layout", "image"])
def test_what_every_part_depends_on_lays_out_every_part(built_sample, tmp_path, change):
    project, out = built_sample
    if change == "spec":
        spec = project / "pamphlet.toml"
        spec.write_text(spec.read_text().replace('title = "', 'title = "New: ', 1))
    elif change == "layout":
        (project / "layouts" / "zine").mkdir(parents=True)
        (project / "layouts" / "zine" / "custom.css").write_text("p { word-spacing: 0.5pt; }")
    else:  # a font the layout loads: every part drew with it
        fonts = project / "layouts" / "fonts"
        shutil.copytree(REPO / "layouts" / "fonts", fonts)
        assert rebuild(project, out)  # the project's own fonts are new files
        (fonts / "CharisSIL-Italic.ttf").write_bytes(
            (REPO / "layouts" / "fonts" / "CharisSIL-BoldItalic.ttf").read_bytes())
    laid = rebuild(project, out)
    assert {"front", "essay-001", "essay-005", "back"} <= set(laid) or \
        (change == "image" and {"essay-001", "essay-005"} <= set(laid)), laid
    assert (out / "pamphlet.pdf").read_bytes() == cold(project, tmp_path / "cold")


@pytest.mark.slow("builds the sample with one worker and with two, to compare the bytes")
def test_two_workers_make_the_same_bytes_and_report_each_part(tmp_path, source_date_epoch):
    project = sample(tmp_path)
    heard = Parts()
    assert build(project, tmp_path / "two", jobs=2, progress=heard).ok
    parts = [step for step in heard.steps if step.kind == "part"]
    assert {step.name for step in parts} == {
        "front", "essay-001", "essay-002", "essay-003", "essay-004", "essay-005", "back"}
    # The contents are laid out once more, with the essays' true page numbers.
    assert len(parts) <= 8 and [step.name for step in parts].count("front") <= 2
    assert [step.done for step in parts] == list(range(1, len(parts) + 1))
    assert all(step.total >= step.done for step in parts) and parts[-1].total == len(parts)
    assert all(step.spec == project / "pamphlet.toml" for step in parts)
    assert (tmp_path / "two" / "pamphlet.pdf").read_bytes() == cold(project, tmp_path / "one")


def test_a_cache_from_elsewhere_is_not_trusted(built_sample, tmp_path, monkeypatch):
    """The cache's keys are salted with this user's own secret: another user's cache,
    copied in whole into this user's, is laid out afresh, and none of its parts is used."""
    from pamphlet.store import usercache
    from pamphlet.engine import parts

    project, out = built_sample
    theirs = parts.cache_folder(out, "pamphlet")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))
    monkeypatch.setattr(usercache, "_SALT", None)
    shutil.copytree(theirs, parts.cache_folder(out, "pamphlet"))
    assert set(rebuild(project, out)) >= {"essay-001", "essay-005", "back"}


@pytest.mark.slow(
    "three builds of the sample: one to fill the parts cache, two with its folder replaced by a link")
def test_the_cache_stays_out_of_the_project(tmp_path):
    """The parts are cached in the user's cache, not in the output folder (which a failed
    build must leave as it was, see test_outputs); a cache folder that is a link is not
    read, written or pruned, and the build still succeeds."""
    from pamphlet.engine import parts

    project = sample(tmp_path)
    out = tmp_path / "out"
    rebuild(project, out)
    assert sorted(path.name for path in out.iterdir()) == ["pamphlet.epub", "pamphlet.pdf"]
    folder = parts.cache_folder(out, "pamphlet")
    assert len(list(folder.glob("pdf/*.pdf"))) == 7
    shutil.rmtree(folder)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "pdf").mkdir(parents=True)
    (elsewhere / "pdf" / "old.pdf").write_text("mine")
    folder.symlink_to(elsewhere)
    assert set(rebuild(project, out)) >= {"essay-001", "essay-005", "back"}
    assert set(rebuild(project, out)) >= {"essay-001", "essay-005", "back"}  # none cached
    assert sorted(p.name for p in elsewhere.rglob("*")) == ["old.pdf", "pdf"]


def test_a_changed_picture_is_drawn_again(tmp_path, source_date_epoch):
    """The cover picture keeps its name and changes its pixels: the part that draws it is
    laid out and written again (a written part is keyed by the files it loaded, too), and
    the PDF is a cold build's."""
    from PIL import Image

    project = sample(tmp_path)
    spec = project / "pamphlet.toml"
    spec.write_text(spec.read_text().replace("[cover]\n", '[cover]\nimage = "cover.png"\n'))
    Image.new("RGB", (600, 800), (0, 0, 128)).save(project / "cover.png")
    out = tmp_path / "out"
    rebuild(project, out, jobs=2)
    Image.new("RGB", (600, 800), (255, 0, 0)).save(project / "cover.png")
    assert "front" in rebuild(project, out, jobs=2)
    assert (out / "pamphlet.pdf").read_bytes() == cold(project, tmp_path / "cold")
