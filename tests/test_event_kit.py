"""The event kit: the calendar file, the QR code of the packet's address, and the printer
test sheet, whose marks must land on the right sides after either duplex flip."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import zoneinfo
from pathlib import Path

import icalendar
import pikepdf
import pypdfium2 as pdfium
import pytest

from pamphlet.cli import main
from pamphlet.project.eventkit import clock, duration, times
from pamphlet.project.imposition import flips_vertically
from pamphlet.outputs.testsheet import CORNERS
from test_diagnostics import GOOD_ESSAY, case, write_project
from test_diagnostics import test_bad_input as check_bad_input

URL = "https://reading.example.org/packets/fold.pdf?v=2&lang=en"
EVENT = f'''title = "Fold, Staple, Read"
essays = ["one"]
url = "{URL}"

[event]
name = "Reading group: folding"
date = 2026-12-03
time = "18:30"
duration = "2h"
timezone = "Europe/Berlin"
place = "Copy shop, back room; Hauptstr. 5"
host = "Ana Ruiz"
contact = "ana@example.org"
agenda = ["Welcome", "Read aloud, page 3", "Discuss"]
'''


def built(tmp_path: Path, text: str) -> Path:
    project = write_project(tmp_path / "project", text, {"source/one.md": GOOD_ESSAY})
    assert main(["build", str(project)]) == 0
    return project / "build"


@pytest.fixture(scope="module")
def meeting(tmp_path_factory) -> Path:
    return built(tmp_path_factory.mktemp("meeting"), EVENT)


def event_of(path: Path) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    (event,) = calendar.walk("VEVENT")
    return event


def test_the_calendar_round_trips_the_event(meeting):
    event = event_of(meeting / "pamphlet.ics")
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    assert str(event["summary"]) == "Reading group: folding"
    start = event.decoded("dtstart")
    assert start == dt.datetime(2026, 12, 3, 18, 30, tzinfo=berlin)
    assert start.utcoffset() == dt.timedelta(hours=1)
    assert event.decoded("duration") == dt.timedelta(hours=2)
    assert str(event["location"]) == "Copy shop, back room; Hauptstr. 5"
    assert str(event["url"]) == URL
    assert str(event["organizer"]) == "mailto:ana@example.org"
    assert event["organizer"].params["CN"] == "Ana Ruiz"
    description = str(event["description"])
    for line in ("Host: Ana Ruiz", "1. Welcome", "2. Read aloud, page 3", "3. Discuss",
                 f"Download the packet: {URL}"):
        assert line in description.splitlines()
    calendar = icalendar.Calendar.from_ical((meeting / "pamphlet.ics").read_bytes())
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_the_calendar_is_reproducible(tmp_path, source_date_epoch):
    first = built(tmp_path / "a", EVENT) / "pamphlet.ics"
    second = built(tmp_path / "b", EVENT) / "pamphlet.ics"
    assert first.read_bytes() == second.read_bytes()
    event = event_of(first)
    assert event.decoded("dtstamp") == dt.datetime.fromtimestamp(int(source_date_epoch),
                                                                 dt.timezone.utc)
    assert re.fullmatch(r"[0-9a-f-]{36}@pamphlet", str(event["uid"]))


@pytest.mark.parametrize("lines, start, end", [
    ('time = "18:30-20:00"', dt.datetime(2026, 12, 3, 18, 30), dt.datetime(2026, 12, 3, 20)),
    ('time = "7pm"\nend = "9:15 pm"', dt.datetime(2026, 12, 3, 19), dt.datetime(2026, 12, 3, 21, 15)),
    ('time = "22:00"\nend = "01:00"', dt.datetime(2026, 12, 3, 22), dt.datetime(2026, 12, 4, 1)),
    ("", dt.date(2026, 12, 3), None),
])
def test_end_times_and_whole_days(lines, start, end, tmp_path):
    text = f'title = "T"\nessays = ["one"]\n[event]\ndate = 2026-12-03\n{lines}\n'
    event = event_of(built(tmp_path, text) / "pamphlet.ics")
    assert event.decoded("dtstart") == start
    assert (event.decoded("dtend") if "dtend" in event else None) == end
    assert str(event["summary"]) == "T"  # no event name: the pamphlet's title


def test_clock_and_duration_readings():
    assert clock("6:30 pm") == dt.time(18, 30) and clock("12am") == dt.time(0)
    assert clock("18h30") == dt.time(18, 30) and clock("24:00") is None
    assert clock("13pm") is None and clock("soon") is None
    assert times("18:30 bis 20:00") == (dt.time(18, 30), dt.time(20))
    assert times("after dinner") is None and times(None) == (None, None)
    assert duration("1h30") == dt.timedelta(minutes=90)
    assert duration("90min") == dt.timedelta(minutes=90)
    assert duration("2 hours") == dt.timedelta(hours=2)
    assert duration("0h") is None and duration("200h") is None and duration("h") is None


def decoded(pdf: Path, index: int, tmp_path: Path) -> list[str]:
    """What zbarimg reads off page `index` of `pdf`, rasterised with pypdfium2."""
    image = tmp_path / f"page-{index}.png"
    pdfium.PdfDocument(pdf)[index].render(scale=4).to_pil().save(image)
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)],
                            capture_output=True, text=True)
    return result.stdout.splitlines()


def test_the_qr_code_decodes_on_the_title_page_and_the_back_cover(meeting, tmp_path):
    pdf = meeting / "pamphlet.pdf"
    pages = len(pdfium.PdfDocument(pdf))
    found = {index: decoded(pdf, index, tmp_path) for index in range(pages)}
    assert found[pages - 1] == [URL]  # the back cover
    title = 2  # after the cover and its blank back; the page with the event's details
    assert "Ana Ruiz" in pdfium.PdfDocument(pdf)[title].get_textpage().get_text_range()
    assert found[title] == [URL]
    assert sum(1 for codes in found.values() if codes) == 2


def test_the_qr_code_stays_vector(meeting):
    """The code is paths, not a picture: no image on those pages, and many filled rects."""
    with pikepdf.open(meeting / "pamphlet.pdf") as pdf:
        for page in (pdf.pages[2], pdf.pages[-1]):
            assert not page.get_images()
            strokes = [op for op in pikepdf.parse_content_stream(page)
                       if str(op.operator) in ("S", "f", "re", "l")]
            assert len(strokes) > 30


def test_the_event_url_wins_over_the_spec_url(tmp_path):
    own = "https://example.org/meeting"
    out = built(tmp_path, EVENT.replace('agenda = [', f'url = "{own}"\nagenda = ['))
    assert str(event_of(out / "pamphlet.ics")["url"]) == own
    assert decoded(out / "pamphlet.pdf", len(pdfium.PdfDocument(out / "pamphlet.pdf")) - 1,
                   tmp_path) == [own]


# ---- The printer test sheet ----

def words(pdf: Path) -> list[dict[str, tuple[float, float]]]:
    """For each page, the centre of each word (x right, y down from the top), by pdftotext."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        found = {}
        for x0, y0, x1, y1, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                r'([^<]*)</word>', page):
            found.setdefault(text, ((float(x0) + float(x1)) / 2, (float(y0) + float(y1)) / 2))
        pages.append(found)
    return pages


def turned_over(point, width: float, height: float, vertical: bool):
    """Where a point of the back, as read, lies on the front when the sheet is turned
    over about its vertical or its horizontal axis."""
    x, y = point
    return (width - x, y) if vertical else (x, height - y)


def sheet(tmp_path: Path, duplex: str, scheme: str = "saddle") -> tuple[Path, float, float]:
    out = tmp_path / f"test-{duplex}-{scheme}.pdf"
    assert main(["impose", "--test-sheet", "-o", str(out), "--duplex", duplex,
                 "--scheme", scheme]) == 0
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 2
        box = [float(v) for v in pdf.pages[0].MediaBox]
    return out, box[2], box[3]


@pytest.mark.parametrize("scheme", ["saddle", "cutstack"])  # landscape and portrait sheets
@pytest.mark.parametrize("duplex", ["long-edge", "short-edge"])
def test_test_sheet_marks_land_behind_each_other_after_the_flip(duplex, scheme, tmp_path):
    path, width, height = sheet(tmp_path, duplex, scheme)
    front, back = words(path)
    assert (width > height) == (scheme == "saddle")
    vertical = flips_vertically(duplex, width > height)
    for letter in CORNERS:
        fx, fy = front[letter]
        bx, by = turned_over(back[letter], width, height, vertical)
        assert abs(fx - bx) < 20 and abs(fy - by) < 20, (letter, front[letter], back[letter])
    # A copier set to the other flip turns the back upside down: the letters miss.
    for letter in CORNERS:
        fx, fy = front[letter]
        bx, by = turned_over(back[letter], width, height, not vertical)
        assert abs(fx - bx) > 100 or abs(fy - by) > 100
    for side, name in ((front, "FRONT"), (back, "BACK")):
        assert side["THIS"][1] < height / 4 and name in side  # "this side up" at the top
    assert front["1"][1] < front["2"][1] or "side" in front  # the page-order line


@pytest.mark.parametrize("duplex", ["long-edge", "short-edge"])
def test_test_sheet_marks_the_jobs_flip_and_has_rulers(duplex, tmp_path):
    path, width, height = sheet(tmp_path, duplex)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert f"{duplex} flip - THIS JOB" in text
    other = "short-edge" if duplex == "long-edge" else "long-edge"
    assert f"{other} flip" in text and f"{other} flip - THIS JOB" not in text
    front = words(path)[0]
    # The millimetre ruler: 0 and 100 stand 100 mm apart at the sheet's own scale.
    assert front["100"][0] - front["0"][0] == pytest.approx(100 * 72 / 25.4, abs=4)
    assert "mm" in front and "in" in front


def test_a_spec_asks_for_the_test_sheet(tmp_path):
    out = built(tmp_path, 'title = "T"\nessays = ["one"]\n[print]\nscheme = "cutstack"\n'
                          'duplex = "long-edge"\ntest_sheet = true\n')
    path = out / "pamphlet-test-sheet.pdf"
    with pikepdf.open(path) as pdf:
        box = [float(v) for v in pdf.pages[0].MediaBox]
    assert box[2] < box[3]  # cutstack prints on portrait sheets
    assert "long-edge flip - THIS JOB" in subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


def test_impose_without_a_pdf_or_test_sheet_is_a_usage_error(tmp_path, capsys):
    status = main(["impose", "-o", str(tmp_path / "x.pdf")])
    err = capsys.readouterr().err
    assert status == 2 and "O563" in err and "--test-sheet" in err
    assert not (tmp_path / "x.pdf").exists()


KIT = 'title = "T"\nessays = ["one"]\n'
CORPUS = [
    case("url not http", "P172", "pamphlet.toml", 3, "not an http:// or https:// address",
         spec=KIT + 'url = "javascript:alert(1)"\n'),
    case("url with spaces", "P172", "pamphlet.toml", 3, "spaces",
         spec=KIT + 'url = "https://example.org/a packet"\n'),
    case("event url too long", "P172", "pamphlet.toml", 5, "more than a QR code holds",
         spec=KIT + '[event]\ndate = 2026-12-03\nurl = "https://example.org/' + "a" * 2100 + '"\n'),
    case("time unreadable", "P173", "pamphlet.toml", 5, "lasts the whole day", error=False,
         spec=KIT + '[event]\ndate = 2026-12-03\ntime = "after dinner"\n'),
    case("duration unreadable", "P174", "pamphlet.toml", 5, "cannot read the duration",
         spec=KIT + '[event]\ndate = 2026-12-03\nduration = "a while"\n'),
    case("end unreadable", "P174", "pamphlet.toml", 6, "cannot read the end time",
         spec=KIT + '[event]\ndate = 2026-12-03\ntime = "18:00"\nend = "25:00"\n'),
    case("end and duration", "P174", "pamphlet.toml", 6, "both given",
         spec=KIT + '[event]\ndate = 2026-12-03\nend = "20:00"\nduration = "2h"\n'),
    case("unknown time zone", "P175", "pamphlet.toml", 5, "'Mars/Olympus'",
         spec=KIT + '[event]\ndate = 2026-12-03\ntimezone = "Mars/Olympus"\n'),
    case("time zone that is a path", "P175", "pamphlet.toml", 5, "unknown time zone",
         spec=KIT + '[event]\ndate = 2026-12-03\ntimezone = "../../../etc/passwd"\n'),
    case("free-text date", "P176", "pamphlet.toml", 4, "no calendar file", error=False,
         spec=KIT + '[event]\ndate = "Spring 2026"\n'),
    case("url in the wrong table", "P102", "pamphlet.toml", 4, "unknown key 'print.url'",
         spec=KIT + '[print]\nurl = "https://example.org"\n'),
]


@pytest.mark.parametrize("spec, files, code, file, line, words, error", CORPUS)
def test_bad_event_kit_keys(spec, files, code, file, line, words, error, tmp_path, capsys):
    check_bad_input(spec, files, code, file, line, words, error, tmp_path, capsys)


def test_a_free_text_date_makes_no_calendar(tmp_path):
    out = built(tmp_path, KIT + '[event]\ndate = "Spring 2026"\n')
    assert not (out / "pamphlet.ics").exists()
