"""The meeting as an iCalendar event (`build/<stem>.ics`), written with the icalendar library.

Reproducible: the UID comes from the pamphlet's identifier and DTSTAMP from the build's
time (SOURCE_DATE_EPOCH when it is set).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import icalendar

from .. import __version__
from ..store.atomic import atomic_output
from ..project.clock import build_time
from ..project.eventkit import clock, duration, event_day, times
from ..project.spec import Spec
from .timezones import vtimezone
from ..locale.words import Words

PRODID = f"-//pamphlet//pamphlet {__version__}//EN"


def calendar(spec: Spec, identifier: str, words: Words = Words()) -> icalendar.Calendar:
    """The calendar holding the spec's event (which has a calendar date), described in the
    book's language."""
    event = spec.event
    entry = icalendar.Event()
    entry.add("uid", f"{identifier.removeprefix('urn:uuid:')}@pamphlet")
    entry.add("dtstamp", build_time())
    entry.add("summary", event.name or spec.title)
    start, end = _span(spec)
    entry.add("dtstart", start)
    if isinstance(end, dt.timedelta):
        entry.add("duration", end)
    elif end is not None:
        entry.add("dtend", end)
    for key, value in (("location", event.place), ("description", _description(spec, words))):
        if value:
            entry.add(key, value)
    if event.contact and re.fullmatch(r"[^@\s:/]+@[^@\s:/]+", event.contact):
        entry.add("organizer", f"mailto:{event.contact}",
                  parameters={"CN": event.host} if event.host else None)
    if url := event.url or spec.url:
        entry.add("url", url)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if isinstance(start, dt.datetime) and start.tzinfo is not None:
        # RFC 5545: a TZID names a VTIMEZONE in the same file; ours is written with rules
        finish = end if isinstance(end, dt.datetime) else start + (end or dt.timedelta())
        cal.add_component(vtimezone(spec.event.timezone, [start, finish]))
    cal.add_component(entry)
    return cal


def write_calendar(spec: Spec, identifier: str, target: Path, words: Words = Words()) -> None:
    """Write the spec's event to `target` (atomically)."""
    data = calendar(spec, identifier, words).to_ical()
    with atomic_output(target) as temporary:
        Path(temporary).write_bytes(data)


def _span(spec: Spec):
    """(start, end): dates for a whole-day event, else times in the event's zone (floating
    local time without one); the end a time, a duration, or None."""
    event = spec.event
    day = event_day(event.date)
    start, end = times(event.time) or (None, None)
    if start is None:
        return day, None
    zone = zoneinfo.ZoneInfo(event.timezone) if event.timezone else None
    begin = dt.datetime.combine(day, start, zone)
    if event.duration:
        return begin, duration(event.duration)
    if event.end:
        end = clock(event.end)
    if end is None:
        return begin, None
    finish = dt.datetime.combine(day, end, zone)
    return begin, finish if finish > begin else finish + dt.timedelta(days=1)


def _description(spec: Spec, words: Words) -> str:
    """The agenda and the packet, as the event's plain-text description."""
    event, lines = spec.event, []
    for label, value in ((words.pgettext("event_host", "Host"), event.host),
                         (words.pgettext("event_contact", "Contact"), event.contact)):
        if value:
            lines.append(words.pgettext("label_value", "%(label)s: %(value)s", label=label,
                                        value=value))
    if event.agenda:
        # TRANSLATORS: in the calendar event's description, before the numbered agenda.
        lines += ["", words.pgettext("ics_agenda", "Agenda:"),
                  *(f"{n}. {item}" for n, item in enumerate(event.agenda, 1))]
    lines += ["", words.pgettext("ics_reading", "Reading: %(title)s", title=spec.title)]
    if spec.url:
        lines.append(words.pgettext("ics_download", "Download the packet: %(url)s",
                                    url=spec.url))
    return "\n".join(lines).strip()
