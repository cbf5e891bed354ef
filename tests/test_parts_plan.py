"""The parts engine's planning (engine/parts.py) without WeasyPrint: the book's HTML cut into
parts, where each part starts, the cache of laid-out and written parts, and the fixed point
that lays parts out, writes them where they stand, numbers again the parts that moved and
lays out again only those that must. The layout is a stand-in whose parts say how many pages
they take (data-pages) and on which of them their anchors stand (data-at); the real layout,
stitched and compared page by page with the whole book's, is tests/test_parts.py."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from pamphlet.diagnostics import PamphletError
from pamphlet.engine import parts
from pamphlet.engine.pagebreaks import PageStart
from pamphlet.engine.partlayout import (Finished, Laid, PartJob, Placement, WriteError,
                                        needs_layout_again)
from pamphlet.engine.parts import (Known, PartCache, Source, crossing_counters, placements,
                                   render_parts, running_from_before, side, split)

HEAD = '<!DOCTYPE html><html lang="en"><head><title>T</title><style>p > a { x: 1 }</style></head>'


def book(*bodies: str) -> str:
    return HEAD + "<body>" + "".join(bodies) + "</body></html>"


def essay(name: str, pages: int, *more: str) -> str:
    return (f'<section class="essay" id="{name}"><h1 id="{name}-title" data-pages="{pages}">'
            f'{name.title()}</h1>{"".join(more)}</section>')


FRONT = ('<section class="front" id="front-matter"><p data-pages="2"><a href="#e2">to e2</a>'
         '</p></section>')
BACK = '<section class="colophon" id="colophon"><p data-pages="1">Colophon</p></section>'


# ---- cutting the book ----

def test_the_book_is_cut_at_its_essays_into_front_essays_and_back():
    html = book(FRONT, essay("e1", 3, '<p>x &amp; y<br>z</p>'), '<div class="pad"></div>',
                essay("e2", 2), BACK)
    found = split(html)
    assert [s.name for s in found] == ["front", "e1", "e2", "back"]
    assert [s.shell for s in found] == [True, True, True, False]
    assert [sorted(s.ids) for s in found] == [["front-matter"], ["e1", "e1-title"],
                                              ["e2", "e2-title"], ["colophon"]]
    assert [sorted(s.refs) for s in found] == [["e2"], [], [], []]
    assert [s.size for s in found] == [5, 8, 2, 8]  # characters of text
    # each part: the book's head, its own elements, then an empty copy of the next part's
    # first element (without its id), so that its blank pages come as in the whole book
    assert found[1].html == (
        HEAD.replace("<!DOCTYPE html>", "<!DOCTYPE html>\n") + '<body><section class="essay" '
        'id="e1"><h1 id="e1-title" data-pages="3">E1</h1><p>x &amp; y<br>z</p></section>'
        '<div class="pad"></div><section class="essay"></section></body></html>')
    assert found[-1].html.endswith('<body><section class="colophon" id="colophon"><p '
                                   'data-pages="1">Colophon</p></section></body></html>')
    standin = HEAD.replace("<!DOCTYPE html>", "<!DOCTYPE html>\n") + "<body></body></html>"
    assert {s.standin for s in found} == {standin}


def test_a_book_without_essays_is_one_part_and_one_without_front_matter_has_none():
    [whole] = split(book(FRONT, BACK))
    assert (whole.name, whole.shell, whole.standin) == ("whole", False, "")
    assert whole.ids == {"front-matter", "colophon"} and whole.refs == {"e2"}
    found = split(book(essay("e1", 1), '<section class="essay">No id</section>'))
    assert [s.name for s in found] == ["e1", "part-2"]
    assert split(book(essay("e1", 1), essay("e2", 1)))[-1].name == "e2"  # no back matter


def test_a_link_to_its_own_anchor_is_not_a_reference_to_another_part():
    [front, e1] = split(book('<p id="top"><a href="#top">up</a><a href="#e1">on</a>'
                             '<a href="https://x.example/#e1">out</a></p>', essay("e1", 1)))
    assert front.refs == {"e1"} and e1.refs == set()


@pytest.mark.parametrize("body", [
    '<p title="a &quot;b&quot; &amp; c">1 &lt; 2 &gt; 0 &amp;&nbsp;x</p>',
    "<pre>\n\nkept</pre><textarea>\nnew</textarea>",
    '<script>if (a < b && c > d) {}</script><style>p > a { x: "&amp;" }</style>',
    '<img src="a.png" alt="a"><br><hr><input value="v"><p>after<wbr>word</p>',
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    '<use xlink:href="#a"></use><text xml:lang="de">Text &amp; more</text></svg>',
    '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi><mo>&lt;</mo></math>',
])
def test_a_part_reads_back_as_it_was_written(body):
    """Serialised and parsed again, a part's document is the one it was cut from."""
    import tinyhtml5

    html = book(essay("e1", 1, body))
    [part] = split(html)[:1]
    once = tinyhtml5.parse(part.html)
    again = tinyhtml5.parse(split(part.html)[0].html)
    assert tree(once) == tree(again) == tree(tinyhtml5.parse(html))


def tree(element) -> list:
    return [(node.tag, sorted(node.attrib.items()), node.text, node.tail)
            for node in element.iter() if isinstance(node.tag, str)]


# ---- placing the parts ----

def sources(*specs: tuple) -> list[Source]:
    """Sources (name, size, ids, refs)."""
    return [Source(name, "", False, frozenset(ids), frozenset(refs), size)
            for name, size, ids, refs in specs]


def test_sides_of_the_book():
    assert [side(page, True) for page in (1, 2, 3)] == ["right", "left", "right"]
    assert [side(page, False) for page in (1, 2, 3)] == ["left", "right", "left"]


def test_known_parts_follow_one_another_and_their_anchors_have_pages():
    found = sources(("front", 100, {"toc"}, {"b"}), ("a", 100, {"a", "a2"}, set()),
                    ("b", 100, {"b"}, {"a2"}))
    known = {"front": Known(4, {"toc": 2}), "a": Known(5, {"a": 1, "a2": 3}, start=5),
             "b": Known(3, {"b": 1}, start=10, strings={"chapter": "B"})}
    known["a"].strings = {"chapter": "A"}
    places = placements(found, known)
    assert {n: (p.start, p.total) for n, p in places.items()} == {
        "front": (1, 12), "a": (5, 12), "b": (10, 12)}
    assert places["front"].foreign == {"b": 10} and places["b"].foreign == {"a2": 7}
    assert places["a"].foreign == {}
    assert [places[n].strings for n in ("front", "a", "b")] == [{}, {}, {"chapter": "A"}]


def test_a_part_not_laid_out_yet_is_estimated_at_the_known_parts_pace():
    found = sources(("front", 10, set(), set()), ("a", 3000, set(), set()),
                    ("b", 6000, set(), set()), ("c", 1, set(), set()), ("back", 10, set(), set()))
    known = {"front": Known(2, {}), "a": Known(3, {}, start=3)}  # 1000 characters a page
    places = placements(found, known)
    # b is 6 pages at a's pace; after b (not laid out) c opens on a right-hand page
    assert [places[n].start for n in ("front", "a", "b", "c", "back")] == [1, 3, 6, 13, 15]
    assert places["back"].total == 15  # after c, not laid out either: a right-hand page
    assert placements(found, {})["a"].start == 3  # a page (2,000 characters a page), then right
    # a right-to-left book's essays open on left-hand pages: its odd pages, as here
    assert placements(found, {}, ltr=False) == placements(found, {})
    assert placements(sources(("front", 0, set(), set())), {})["front"].total == 1


def test_a_part_laid_out_on_the_other_side_puts_the_next_on_a_right_hand_page():
    found = sources(("a", 10, set(), set()), ("b", 10, set(), set()), ("c", 10, set(), set()))
    known = {"a": Known(3, {}), "b": Known(2, {}, start=3), "c": Known(1, {}, start=5)}
    assert [p.start for p in placements(found, known).values()] == [1, 4, 7]
    known["b"] = Known(2, {}, start=4)
    assert [p.start for p in placements(found, known).values()] == [1, 4, 6]


# ---- what ties parts together ----

def test_a_counter_read_before_it_is_set_crosses_when_the_parts_before_change_it():
    zero = {"essay": 0, "figure": 0}  # each part's counters, reset as its document begins
    parts_ = [{"start": zero, "touched": ["essay"], "end": {"essay": 1, "figure": 0}},
              {"start": zero, "reads": ["essay"], "touched": ["essay"],
               "end": {"essay": 1, "figure": 0}},
              {"start": zero, "reads": ["figure"]}]  # figure: 0 in the whole book too
    assert crossing_counters(parts_) == ["essay"]
    assert crossing_counters([{"start": {"n": 0}, "reads": ["n"]},
                              {"start": {"n": 0}, "reads": ["n"]}]) == []
    reset = [{"start": {"n": 0}, "touched": ["n"], "end": {"n": 3}},
             {"start": {"n": 0}, "touched": ["n"]},  # reset and left unset: gone
             {"start": {}, "reads": ["n"]}]
    assert crossing_counters(reset) == [] and crossing_counters([]) == []


def test_a_running_element_wanted_where_only_a_part_before_defines_it():
    assert running_from_before([{"defines": ["head"], "wants": ["foot"]},
                                {"wants": ["head", "side"]}, {"defines": ["side"]},
                                {"wants": ["side"]}]) == ["head", "side"]
    assert running_from_before([{"wants": ["head"]}, {"defines": ["head"]}]) == []


# ---- the cache ----

@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """A place in this test's own user cache: a PartCache uses only a folder inside it. The
    PDFs here are stand-ins, taken as reading back whole (a real part that does not is
    made again: tests/test_cache_heals.py)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(parts, "_readable", lambda pdf, meta: True)
    return tmp_path / "cache" / "pamphlet" / "parts" / "place" / "stem"


def test_entries_come_back_as_kept_and_a_changed_pdf_is_no_entry(folder):
    cache = PartCache(folder)
    assert cache.layout("k") is None and cache.written("k") is None and cache.body("k") is None
    cache.keep_layout("k", {"pages": 3})
    cache.keep_written("k", b"%PDF-written", {"pages": 3})
    cache.keep_body("k", b"%PDF-body", {"pages": 3, "margins": {"start": 5}})
    again = PartCache(folder)
    assert again.layout("k") == {"pages": 3}
    assert again.written("k") == (b"%PDF-written", {"pages": 3, "sha256": sha(b"%PDF-written")})
    assert again.body("k")[0] == b"%PDF-body" and again.body("k")[1]["margins"] == {"start": 5}
    (folder / "pdf" / "k.pdf").write_bytes(b"%PDF-other")
    assert PartCache(folder).written("k") is None
    assert not list(folder.rglob(".*"))  # no temporary file left


def sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("text", [b"[1, 2]", b"{not json", b"\xff\xfe", b"null"])
def test_a_damaged_layout_entry_is_no_entry(folder, text):
    PartCache(folder).keep_layout("k", {"pages": 3})
    (folder / "layout" / "k.json").write_bytes(text)
    assert PartCache(folder).layout("k") is None


def test_a_cache_reached_through_a_link_is_not_used(tmp_path, folder):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder.parent.mkdir(parents=True)
    folder.symlink_to(elsewhere)
    cache = PartCache(folder)
    cache.keep_layout("k", {"pages": 3})
    cache.prune()
    assert cache.folder is None and cache.layout("k") is None and list(elsewhere.iterdir()) == []
    folder.unlink()
    PartCache(folder).keep_layout("k", {"pages": 3})
    os.rename(folder / "layout", tmp_path / "moved")
    (folder / "layout").symlink_to(tmp_path / "moved")  # a kind's folder that is a link
    cache = PartCache(folder)
    assert cache.layout("k") is None
    cache.keep_written("w", b"%PDF", {})
    assert not (tmp_path / "moved" / "w.json").exists()
    (folder / "pdf").mkdir(exist_ok=True)
    (tmp_path / "target.json").write_text('{"pages": 9}')
    (folder / "pdf" / "x.json").symlink_to(tmp_path / "target.json")  # an entry that is one
    assert PartCache(folder).written("x") is None


def test_prune_keeps_what_this_build_used_and_drops_month_old_output_folders(tmp_path, folder):
    first = PartCache(folder)
    for key in ("used", "stale"):
        first.keep_layout(key, {"pages": 1})
        first.keep_written(key, b"%PDF-" + key.encode(), {"pages": 1})
    old = folder.parent.parent / "old-place"
    old.mkdir()
    (old / "stem").mkdir()
    young = folder.parent.parent / "young-place"
    young.mkdir()
    month = time.time() - 31 * 24 * 3600
    os.utime(old, (month, month))
    os.utime(folder.parent, (month, month))
    cache = PartCache(folder)
    assert cache.layout("used") == {"pages": 1} and cache.written("used") is not None
    cache.keep("body", "kept-unread")
    cache.prune()
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == [
        "layout/used.json", "pdf/used.json", "pdf/used.pdf"]
    assert not old.exists() and young.exists()
    assert folder.parent.stat().st_mtime > month + 24 * 3600  # its own folder: just used
    PartCache(None).prune()  # no cache: nothing to do


# ---- the fixed point: a stand-in layout ----

class StandIn:
    """partlayout.Renderer's part, without WeasyPrint: a part takes the pages its first
    element's data-pages says, one more while a page number it shows (data-grows: an
    anchor) has two digits; its anchors stand on the pages their data-at says."""

    log: list[tuple[str, str, int]] = []  # (what, part, the page it starts on)

    def __init__(self):
        self.documents: dict[str, tuple] = {}

    def lay_out(self, job: PartJob, placement: Placement) -> Laid:
        body = job.html.split("<body>")[1]
        if re.match(r'"\d+" data-fail', body.split("data-pages=")[1]):
            raise ValueError("the layout cannot")
        pages = int(re.search(r'data-pages="(\d+)"', body)[1])
        grows = re.search(r'data-grows="([^"]+)"', body)
        used = {ref: placement.foreign[ref] for ref in sorted(set(
            re.findall(r'href="#([^"]+)"', body))) if ref in placement.foreign}
        if grows and placement.foreign.get(grows[1], 0) >= 10:
            pages += 1
        anchors = {name: int(at or 1) for name, at in re.findall(
            r'id="([^"]+)"(?: data-at="(\d+)")?', body)}
        loaded = {path: sha(Path(path).read_bytes())  # as ProjectFetcher notes each file
                  for path in re.findall(r'data-loads="([^"]+)"', body) if Path(path).exists()}
        laid = Laid(job.name, pages, anchors, placement, used, False, inputs=loaded,
                    strings={"part": job.name})
        self.documents[job.name] = (job, laid)
        StandIn.log.append(("lay_out", job.name, placement.start))
        return laid

    def finish(self, job, placement, identifier, created, modified, variant) -> Finished:
        held = self.documents.get(job.name)
        again = held is None or held[0] != job or needs_layout_again(held[1], placement)
        if again:
            self.lay_out(job, placement)
        job, laid = self.documents.pop(job.name)
        StandIn.log.append(("finish", job.name, placement.start))
        if "data-write-fails" in job.html:
            raise WriteError(28, "No space left on device", "part.pdf")
        pdf = f"{job.name}@{placement.start}/{placement.total}:{created}".encode()
        margins = {"laid": laid.placement.start, "start": placement.start,
                   "used": dict(laid.used), "local_refs": False}
        return Finished(job.name, pdf, laid.pages, laid.anchors,
                        [PageStart(placement.start, job.name, None, 0)], {"\u2603"},
                        [], again, b"body:" + job.name.encode(), margins,
                        {"defines": [], "wants": []})

    def renumber(self, job, placement, body, margins) -> bytes:
        StandIn.log.append(("renumber", job.name, placement.start))
        assert body == b"body:" + job.name.encode()
        return f"{job.name}@{placement.start}/{placement.total}:renumbered".encode()


@pytest.fixture
def stand_in(monkeypatch):
    StandIn.log = []
    monkeypatch.setattr(parts, "Renderer", StandIn)
    # The stand-in reaches the workers only in processes forked from this one: a thread left
    # running by an earlier test in this pytest worker would make Workers start fresh
    # processes instead (spawn), which import the real Renderer.
    monkeypatch.setattr(parts.threading, "active_count", lambda: 1)
    return StandIn


def render(html: str, cache: PartCache, jobs: int = 1, uses_total: bool = False,
           steps: list | None = None, dates=("2026-01-01", "2026-01-02")) -> parts.Written:
    def job_for(source: Source) -> PartJob:
        return PartJob(source.name, source.html, "", (), None, Path("spec.toml"), True,
                       source.shell, False, source.standin)
    return render_parts(split(html), job_for, (b"id", *dates, "pdf/ua-1"), jobs, cache,
                        uses_total, steps.append if steps is not None else parts.silent,
                        Path("spec.toml"))


def written(result: parts.Written) -> list[tuple[str, int]]:
    """Each part and the page it was written to start on."""
    return [(p.name, int(p.pdf.decode().split("@")[1].split("/")[0])) for p in result.parts]


LIBRARY = [FRONT.replace('data-pages="2"', 'data-pages="2" data-grows="e2"'),
           essay("e1", 3, '<p id="deep" data-at="3">deep</p>'), essay("e2", 2), BACK]


def settled_before_written(log: list, final: dict[str, int], refs: dict[str, list]) -> bool:
    """Whether each part was written (finished or renumbered) where it finally stands, only
    once every part before it, and every part it refers to, was laid out where they stand."""
    order = list(final)
    for index, (what, name, start) in enumerate(log):
        if what in ("finish", "renumber"):
            assert start == final[name], (name, start)
            needed = order[:order.index(name)] + refs.get(name, [])
            seen = {n for w, n, at in log[:index] if at == final[n]}
            if not set(needed) <= seen | {n for w, n, at in log[:index] if w == "finish"}:
                return False
    return True


def test_every_part_is_written_where_it_stands_once_all_is_known(stand_in, folder):
    steps = []
    result = render(book(*LIBRARY), PartCache(folder), steps=steps)
    assert written(result) == [("front", 1), ("e1", 3), ("e2", 6), ("back", 8)]
    assert result.anchors == {"front-matter": 1, "e1": 3, "e1-title": 3, "deep": 5, "e2": 6,
                              "e2-title": 6, "colophon": 8}
    assert [p.starts[0].page for p in result.parts] == [1, 3, 6, 8]
    assert result.crossing == [] and result.texts == [] and result.running == []
    log = stand_in.log
    assert sorted(name for what, name, _ in log if what == "finish") == [
        "back", "e1", "e2", "front"]  # each written once
    # each laid out once, but the contents: laid out first, before e2's page was known
    assert sorted(name for what, name, _ in log if what == "lay_out") == [
        "back", "e1", "e2", "front", "front"]
    assert settled_before_written(log, dict(written(result)), {"front": ["e2"]})
    assert {(s.kind, s.spec) for s in steps} == {("part", Path("spec.toml"))}
    assert [s.name for s in steps] == [name for what, name, _ in log if what == "lay_out"]
    assert [s.done for s in steps] == [1, 2, 3, 4, 5] and steps[-1].total == 5


def test_a_book_built_again_unchanged_is_taken_from_the_cache(stand_in, folder):
    first = render(book(*LIBRARY), PartCache(folder))
    stand_in.log = []
    again = render(book(*LIBRARY), PartCache(folder))
    assert stand_in.log == []
    assert [p.pdf for p in again.parts] == [p.pdf for p in first.parts]
    assert again.anchors == first.anchors and [p.missing_glyphs for p in again.parts] == [
        {"\u2603"}] * 4


def test_the_first_part_from_the_cache_takes_this_builds_dates(stand_in, folder, monkeypatch):
    render(book(*LIBRARY), PartCache(folder))
    dated = []
    monkeypatch.setattr(parts, "redated", lambda pdf, *dates: dated.append(dates) or pdf + b"!")
    again = render(book(*LIBRARY), PartCache(folder), dates=("2026-01-01", "2026-02-02"))
    assert dated == [("2026-01-01", "2026-02-02")] and again.parts[0].pdf.endswith(b"!")
    assert not again.parts[1].pdf.endswith(b"!")


def test_an_essay_that_grows_by_two_pages_moves_the_rest_without_laying_them_out(stand_in,
                                                                                 folder):
    render(book(*LIBRARY), PartCache(folder))
    stand_in.log = []
    grown = [LIBRARY[0], essay("e1", 5, '<p id="deep" data-at="3">deep</p>'), *LIBRARY[2:]]
    result = render(book(*grown), PartCache(folder))
    assert written(result) == [("front", 1), ("e1", 3), ("e2", 8), ("back", 10)]
    assert sorted(stand_in.log) == sorted([
        ("lay_out", "e1", 3), ("finish", "e1", 3),  # the essay that changed
        ("lay_out", "front", 1), ("finish", "front", 1),  # its contents show e2 at 8 now
        ("renumber", "e2", 8), ("renumber", "back", 10)])  # the same side: numbered again
    assert result.parts[2].pdf == b"e2@8/10:renumbered"
    assert result.parts[2].starts == [PageStart(8, "e2", None, 0)]  # moved with it
    assert result.parts[2].missing_glyphs == {"\u2603"}  # what its layout said, kept
    assert result.anchors["e2"] == 8 and result.anchors["colophon"] == 10
    stand_in.log = []
    again = render(book(*grown), PartCache(folder))  # the renumbered parts are cached too
    assert stand_in.log == [] and [p.pdf for p in again.parts] == [p.pdf for p in result.parts]


def test_an_essay_that_grows_by_one_page_lays_out_the_parts_on_the_other_side(stand_in,
                                                                             folder):
    render(book(*LIBRARY), PartCache(folder))
    stand_in.log = []
    grown = [LIBRARY[0], essay("e1", 4), *LIBRARY[2:]]
    result = render(book(*grown), PartCache(folder))
    assert written(result) == [("front", 1), ("e1", 3), ("e2", 7), ("back", 9)]
    laid = sorted(name for what, name, _ in stand_in.log if what == "lay_out")
    assert laid == ["back", "e1", "e2", "front"]
    assert not [entry for entry in stand_in.log if entry[0] == "renumber"]


def test_a_part_whose_length_depends_on_its_place_is_laid_out_until_it_stands(stand_in,
                                                                             folder):
    """The contents show e2's page; with two digits it takes a page more, which moves e2
    again: the fixed point, as LaTeX's second run."""
    long = [LIBRARY[0], essay("e1", 7), *LIBRARY[2:]]
    result = render(book(*long), PartCache(folder))
    assert written(result) == [("front", 1), ("e1", 4), ("e2", 11), ("back", 13)]
    assert result.parts[0].pages == 3


def test_a_book_that_shows_its_page_count_is_written_once_every_part_is_laid_out(stand_in,
                                                                                folder):
    result = render(book(*LIBRARY), PartCache(folder), uses_total=True)
    assert [p.pdf.decode().split("/")[1].split(":")[0] for p in result.parts] == ["8"] * 4
    finishes = [i for i, entry in enumerate(stand_in.log) if entry[0] == "finish"]
    layouts = [i for i, entry in enumerate(stand_in.log) if entry[0] == "lay_out"]
    assert min(finishes) > max(layouts)
    stand_in.log = []
    render(book(*LIBRARY[:3], BACK.replace('data-pages="1"', 'data-pages="2"')),
           PartCache(folder), uses_total=True)
    assert sorted(name for what, name, _ in stand_in.log if what in ("finish", "renumber")) \
        == ["back", "e1", "e2", "front"]  # the total changed: every part written again


def test_a_layout_that_fails_is_o503_and_a_full_disk_an_os_error(stand_in, folder):
    broken = [LIBRARY[0], essay("e1", 3).replace('data-pages="3"', 'data-pages="3" data-fail'),
              *LIBRARY[2:]]
    with pytest.raises(PamphletError) as raised:
        render(book(*broken), PartCache(folder))
    [problem] = raised.value.diagnostics
    assert problem.code == "O503" and problem.path == Path("spec.toml")
    assert problem.message == ("the part 'e1' of the PDF could not be rendered: ValueError: "
                               "the layout cannot")
    full = [LIBRARY[0], essay("e1", 3, '<i data-write-fails=""></i>'), *LIBRARY[2:]]
    with pytest.raises(OSError) as raised:
        render(book(*full), PartCache(folder.parent / "other"))
    assert raised.value.errno == 28 and raised.value.filename == "part.pdf"
    assert not isinstance(raised.value, WriteError)


def test_the_failures_the_build_is_told(stand_in):
    assert isinstance(parts._failed("e1", (28, "full", "x"), None), OSError)
    bug = parts._failed("e1", parts.BUG + "KeyError: 'x'", None)
    assert isinstance(bug, RuntimeError) and str(bug) == "in the part 'e1': KeyError: 'x'"
    layout = parts._failed("e1", "ValueError: no", Path("s.toml"))
    assert layout.diagnostics[0].code == "O503" and "images" in layout.diagnostics[0].hint


def test_workers_write_the_same_book(stand_in, folder, tmp_path):
    alone = render(book(*LIBRARY), PartCache(folder))
    together = render(book(*LIBRARY), PartCache(folder.parent.parent / "pl" / "s"), jobs=3)
    assert written(together) == written(alone) and together.anchors == alone.anchors
    assert [p.pages for p in together.parts] == [p.pages for p in alone.parts]


def test_a_bug_in_a_worker_is_the_builds_runtime_error(stand_in, folder, monkeypatch):
    def broken(self, job, placement):
        raise KeyError("x")
    monkeypatch.setattr(StandIn, "lay_out", broken)
    with pytest.raises(RuntimeError, match=r"in the part '(front|e1|e2|back)': KeyError: 'x'"):
        render(book(*LIBRARY), PartCache(folder), jobs=2)


def test_a_worker_that_dies_is_o511(stand_in, folder, monkeypatch):
    def dying(self, job, placement):
        os._exit(3)
    monkeypatch.setattr(StandIn, "lay_out", dying)
    with pytest.raises(PamphletError) as raised:
        render(book(*LIBRARY), PartCache(folder), jobs=2)
    [problem] = raised.value.diagnostics
    assert problem.code == "O511" and "exit code 3" in problem.message


def test_a_changed_file_a_cached_layout_loaded_lays_its_part_out_again(stand_in, folder,
                                                                      tmp_path):
    picture = tmp_path / "picture.png"
    picture.write_bytes(b"one")
    loads = [LIBRARY[0], essay("e1", 3, f'<img data-loads="{picture}">'), *LIBRARY[2:]]
    render(book(*loads), PartCache(folder))
    stand_in.log = []
    render(book(*loads), PartCache(folder))
    assert stand_in.log == []
    picture.write_bytes(b"two")  # the same name, another picture
    render(book(*loads), PartCache(folder))
    assert [(what, name) for what, name, _ in stand_in.log] == [
        ("lay_out", "e1"), ("finish", "e1")]  # not taken from the cache, laid out again
    picture.unlink()
    stand_in.log = []
    render(book(*loads), PartCache(folder))
    assert ("lay_out", "e1") in [(what, name) for what, name, _ in stand_in.log]


# -- waiting for the workers -------------------------------------------------------------------

class _Outbox:
    """A queue whose get() gives, in turn, each scripted outcome: a reply or an exception."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)

    def get(self, timeout):
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


class _Process:
    def __init__(self, exitcode=None):
        self.exitcode = exitcode

    def is_alive(self) -> bool:
        return self.exitcode is None


def waiting(*outcomes, processes=(None, None)) -> parts.Workers:
    """Workers (two processes) whose outbox answers with `outcomes`."""
    import queue

    workers = parts.Workers.__new__(parts.Workers)
    workers.spec, workers.results, workers.busy = Path("pamphlet.toml"), [], [True, True]
    workers.processes = [_Process(code) for code in processes]
    workers.outbox = _Outbox(*[queue.Empty() if o is None else o for o in outcomes])
    return workers


def test_the_build_waits_for_its_workers_while_they_live():
    workers = waiting(None, None, (1, ("part", "a", "laid", None)))
    assert workers.receive() == (1, ("part", "a", "laid", None))
    assert workers.busy == [True, False]


def test_what_stops_the_build_while_it_waits_stops_it():
    """The time limit is an exception raised by the alarm while the build waits for its
    workers (pipeline.time_limit), as Ctrl+C is: neither is taken for a quiet queue."""
    from pamphlet.diagnostics import fail

    for stop in (fail("O504", "the build took longer than 1 s and was stopped"),
                 KeyboardInterrupt()):
        workers = waiting(None, stop, (0, ("part", "a", "laid", None)))
        with pytest.raises(type(stop)):
            workers.receive()


def test_a_worker_that_died_is_o511_with_its_exit_code():
    workers = waiting(None, processes=(None, -9))
    with pytest.raises(PamphletError) as raised:
        workers.receive()
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.code == "O511" and "exit code -9" in diagnostic.message
