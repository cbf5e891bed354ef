"""Calendar files that every client reads alike: time zones written with rules (RRULE), for
any year, read back by Mozilla's ical.js (Thunderbird's, from npm) and by icalendar from
the file's own VTIMEZONE, in summer and winter, across a change of daylight-saving time, in
both hemispheres and in zones without one; and every other field of the event (summary,
organizer, location, address, description in the book's language) as icalendar reads it."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import zoneinfo
from pathlib import Path

import icalendar
import pytest

import system
from pamphlet.outputs.calendar import calendar
from pamphlet.project.spec import parse_spec
from test_event_kit import EVENT as MEETING  # the meeting test_event_kit.py builds whole
from test_event_kit import URL as PACKET

CLIENTS = Path(__file__).parent / "clients"
# (zone, date, start, end): each event's local times, as the spec gives them.
EVENTS = [
    ("Europe/Berlin", "2026-07-14", "19:00", "21:00"),     # summer: 17:00 UTC, not 18:00
    ("Europe/Berlin", "2026-12-08", "19:00", "21:00"),     # winter
    ("Europe/Berlin", "2026-10-24", "23:00", "05:00"),     # across the night clocks go back
    ("Europe/Berlin", "2026-03-28", "22:00", "06:00"),     # across the night they go forward
    ("Europe/Berlin", "2045-07-14", "19:00", "21:00"),     # after 2038
    ("Europe/Berlin", "1985-10-10", "19:00", "21:00"),     # before today's rules (Oct, not Sep)
    ("Australia/Sydney", "2026-01-15", "18:30", "20:30"),  # southern summer
    ("Australia/Sydney", "2026-07-15", "18:30", "20:30"),  # southern winter
    ("Australia/Sydney", "2026-04-04", "22:00", "04:00"),  # across the autumn change
    ("America/New_York", "2026-11-01", "00:30", "03:30"),  # the hour that comes twice
    ("America/Sao_Paulo", "2026-01-15", "19:00", "21:00"),  # no daylight time (any more)
    ("Asia/Kolkata", "2026-06-01", "19:00", "21:00"),      # none, and half an hour off
    ("America/Santiago", "2026-09-05", "22:00", "03:00"),  # a change at 24:00
    ("America/Nuuk", "2026-03-28", "21:00", "01:00"),      # across a change at -1:00
    ("Africa/Casablanca", "2026-03-01", "19:00", "21:00"),  # clocks changed by decree
]


def expected(zone: str, day: str, start: str, end: str) -> tuple[int, int]:
    """The event's start and end as UTC seconds, as zoneinfo reckons them."""
    tz = zoneinfo.ZoneInfo(zone)
    begin = dt.datetime.fromisoformat(f"{day}T{start}").replace(tzinfo=tz)
    finish = dt.datetime.fromisoformat(f"{day}T{end}").replace(tzinfo=tz)
    if finish <= begin:
        finish = (dt.datetime.fromisoformat(f"{day}T{end}") + dt.timedelta(days=1)).replace(
            tzinfo=tz)
    return int(begin.timestamp()), int(finish.timestamp())


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> list[Path]:
    """Each event's calendar file, as the build writes it."""
    folder = tmp_path_factory.mktemp("calendars")
    paths = []
    for number, (zone, day, start, end) in enumerate(EVENTS):
        spec = parse_spec(f'title = "Readers"\n[event]\nname = "Readers"\ndate = {day}\n'
                          f'time = "{start}"\nend = "{end}"\ntimezone = "{zone}"\n',
                          folder / "pamphlet.toml")
        path = folder / f"event-{number}.ics"
        path.write_bytes(calendar(spec, f"urn:uuid:{number:08d}-0000-4000-8000-000000000000")
                         .to_ical())
        paths.append(path)
    return paths


def test_ical_js_opens_every_event_at_its_time(written):
    library = system.npm_file("ical.js")
    run = subprocess.run(["node", str(CLIENTS / "ical.mjs"), str(library), *map(str, written)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    read = json.loads(run.stdout)
    for path, event in zip(written, EVENTS):
        (found,) = read[str(path)]
        assert (found["start"], found["end"]) == expected(*event), event
        assert found["zone"] == event[0]


def test_icalendar_reads_the_same_times_from_the_files_own_time_zone(written):
    for path, (zone, day, start, end) in zip(written, EVENTS):
        parsed = icalendar.Calendar.from_ical(path.read_bytes())
        (timezone,) = parsed.walk("VTIMEZONE")
        tz = timezone.to_tz(lookup_tzid=False)  # the file's rules, not the system's zone
        (event,) = parsed.walk("VEVENT")
        begin = event["dtstart"].dt.replace(tzinfo=tz)
        finish = event["dtend"].dt.replace(tzinfo=tz)
        assert (int(begin.timestamp()), int(finish.timestamp())) == \
            expected(zone, day, start, end), (zone, day)


def test_time_zones_are_written_with_rules_not_lists_of_dates(written):
    for path, (zone, day, *_) in zip(written, EVENTS):
        text = path.read_text()
        assert "RDATE" not in text and "2038" not in text
        observances = icalendar.Calendar.from_ical(text).walk("VTIMEZONE")[0].subcomponents
        if zone in ("America/Sao_Paulo", "Asia/Kolkata"):
            assert [o.name for o in observances] == ["STANDARD"] and "RRULE" not in text
        elif zone == "Africa/Casablanca" or day.startswith("1985"):
            assert "RRULE" not in text  # no rule the zone keeps: its changes one by one
        else:
            assert sorted(o.name for o in observances) == ["DAYLIGHT", "STANDARD"]
            assert all("RRULE" in o for o in observances), zone


# Below, each field as icalendar reads it back from calendar(), without a build.
IDENTIFIER = "urn:uuid:0f0e0d0c-0000-4000-8000-000000000000"


def read_back(text: str, tmp_path: Path, lang: str = "en") -> icalendar.Calendar:
    from pamphlet.locale.words import Words
    from pamphlet.outputs.calendar import write_calendar

    target = tmp_path / "event.ics"
    write_calendar(parse_spec(text, tmp_path / "pamphlet.toml"), IDENTIFIER, target,
                   Words.for_language(lang))
    return icalendar.Calendar.from_ical(target.read_bytes())


def test_every_field_of_the_meeting_as_a_client_reads_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    cal = read_back(MEETING, tmp_path)
    assert (str(cal["version"]), str(cal["prodid"]).split("//")[1]) == ("2.0", "pamphlet")
    [zone] = cal.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Berlin"
    [event] = cal.walk("VEVENT")
    assert str(event["uid"]) == "0f0e0d0c-0000-4000-8000-000000000000@pamphlet"
    assert event.decoded("dtstamp") == dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    assert str(event["summary"]) == "Reading group: folding"
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 3, 18, 30,
                                                   tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("duration") == dt.timedelta(hours=2) and "dtend" not in event
    assert str(event["location"]) == "Copy shop, back room; Hauptstr. 5"
    assert str(event["organizer"]) == "mailto:ana@example.org"
    assert event["organizer"].params["CN"] == "Ana Ruiz"
    assert str(event["url"]) == PACKET
    assert str(event["description"]) == (
        "Host: Ana Ruiz\nContact: ana@example.org\n\nAgenda:\n1. Welcome\n"
        "2. Read aloud, page 3\n3. Discuss\n\nReading: Fold, Staple, Read\n"
        f"Download the packet: {PACKET}")


def test_a_whole_day_without_a_zone_name_contact_or_address(tmp_path):
    cal = read_back('title = "Readers"\n[event]\ndate = 2026-12-03\n'
                    'contact = "ana@example.org or at the counter"\nplace = ""\n', tmp_path)
    assert cal.walk("VTIMEZONE") == []
    [event] = cal.walk("VEVENT")
    assert event.decoded("dtstart") == dt.date(2026, 12, 3)
    assert "dtend" not in event and "duration" not in event
    assert str(event["summary"]) == "Readers"
    for absent in ("organizer", "url", "location"):
        assert absent not in event
    assert str(event["description"]) == ("Contact: ana@example.org or at the counter\n\n"
                                         "Reading: Readers")  # not an address: no organizer


@pytest.mark.parametrize("lines, start, end", [
    ('time = "22:00"\nend = "01:00"', (22, 0), (2026, 12, 4, 1, 0)),  # past midnight
    ('time = "18:30-20:00"', (18, 30), (2026, 12, 3, 20, 0)),
    ('time = "19:00"\nend = "19:00"', (19, 0), (2026, 12, 4, 19, 0)),  # a day long
])
def test_an_end_time_in_the_events_zone(tmp_path, lines, start, end):
    cal = read_back(f'title = "T"\n[event]\ndate = 2026-12-03\ntimezone = "Asia/Kolkata"\n'
                    f'{lines}\n', tmp_path)
    [event] = cal.walk("VEVENT")
    zone = zoneinfo.ZoneInfo("Asia/Kolkata")
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 3, *start, tzinfo=zone)
    assert event.decoded("dtend") == dt.datetime(*end, tzinfo=zone)
    assert [str(z["tzid"]) for z in cal.walk("VTIMEZONE")] == ["Asia/Kolkata"]


def test_a_time_without_a_zone_is_floating_local_time(tmp_path):
    cal = read_back('title = "T"\nurl = "https://example.org/p.pdf"\n[event]\n'
                    'date = 2026-12-03\ntime = "18:30"\nhost = "Ana"\n'
                    'contact = "ana@example.org"\nagenda = ["Un"]\n', tmp_path, lang="fr")
    [event] = cal.walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 3, 18, 30)  # no tzinfo
    assert cal.walk("VTIMEZONE") == [] and "dtend" not in event
    assert str(event["url"]) == "https://example.org/p.pdf"
    assert str(event["description"]) == (  # in the book's language
        "Animation\xa0: Ana\nContact\xa0: ana@example.org\n\nProgramme\xa0:\n1. Un\n\n"
        "Lecture\xa0: T\nTélécharger le dossier\xa0: https://example.org/p.pdf")


def test_an_address_without_a_host_is_the_organizer_without_a_name(tmp_path):
    cal = read_back('title = "T"\n[event]\ndate = 2026-12-03\ncontact = "ana@example.org"\n',
                    tmp_path, lang="de")
    [event] = cal.walk("VEVENT")
    assert str(event["organizer"]) == "mailto:ana@example.org"
    assert dict(event["organizer"].params) == {}
    assert str(event["description"]) == "Kontakt: ana@example.org\n\nLektüre: T"
