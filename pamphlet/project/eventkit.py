"""The event kit's spec keys: the meeting's times and time zone, and the web addresses.

Pure reading and checking; the calendar file is written by outputs/calendar.py and the QR
code drawn by outputs/qr.py.

Diagnostic codes: P172 a `url` that is not an http(s) address, P173 an event `time` that
cannot be read (warning, from the build: the calendar event lasts the whole day), P174 an `end` or
`duration` that cannot be read, or both given, P175 an unknown time zone, P176 an event
date that is no calendar date, like "Spring 2026" (warning, from the build: no calendar
file).
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

from ..diagnostics import Diagnostics, shorten

MAX_URL = 2000  # characters; a QR code of version 40 holds some 2,900 bytes
# A time, a range of times or a length of time is a few words: longer text is none of them,
# and is not searched (the patterns below may try each way of cutting a text in two).
LONGEST_TIME = 60
# Each space between the parts is taken whole (possessive), never shared between two parts.
_CLOCK = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*+(am|pm|a\.m\.|p\.m\.)?", re.IGNORECASE)
_RANGE = re.compile(r"(\S(?:.*?\S)?)\s*+(?:-|–|—|to|bis)\s*+(\S.*)", re.IGNORECASE)
_DURATION = re.compile(r"(?:(\d{1,2})\s*+h(?:ours?)?)?\s*+(?:(\d{1,4})\s*+m(?:in(?:utes?)?)?)?",
                       re.IGNORECASE)
_HOURS_MINUTES = re.compile(r"(\d{1,2})\s*+h\s*+(\d{2})", re.IGNORECASE)  # 1h30


def clock(text: str) -> dt.time | None:
    """'18:30', '18.30', '6:30 pm', '7pm' as a time of day; None when it is not one."""
    match = _CLOCK.fullmatch(text.strip()) if len(text) <= LONGEST_TIME else None
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[3].lower().startswith("p") else 0)
    return dt.time(hour, minute) if hour < 24 and minute < 60 else None


def times(text: str | None) -> tuple[dt.time | None, dt.time | None] | None:
    """The start and (if the text gives a range, '18:30-20:00') the end; None if unreadable."""
    if not text:
        return None, None
    if (start := clock(text)) is not None:
        return start, None
    match = _RANGE.fullmatch(text.strip()) if len(text) <= LONGEST_TIME else None
    if match and (start := clock(match[1])) is not None and (end := clock(match[2])) is not None:
        return start, end
    return None


def duration(text: str) -> dt.timedelta | None:
    """'2h', '90min', '1h30', '1 hour 30 minutes' as a length of time; None when unreadable."""
    text = text.strip() if len(text) <= LONGEST_TIME else ""
    match = _DURATION.fullmatch(text) or _HOURS_MINUTES.fullmatch(text)
    if not match or not (match[1] or match[2]):
        return None
    length = dt.timedelta(hours=int(match[1] or 0), minutes=int(match[2] or 0))
    return length if dt.timedelta(0) < length <= dt.timedelta(days=7) else None


def event_day(value) -> dt.date | None:
    """The event's date as a date; None for free text like 'Spring 2026'."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def web_address(text: str) -> str | None:
    """Why `text` is not an http(s) address a phone can open; None when it is one."""
    if len(text) > MAX_URL:
        return f"it is {len(text):,} characters long, more than a QR code holds well"
    if re.search(r"[\s\x00-\x1f\x7f]", text):
        return "it contains spaces or control characters"
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "it is not an http:// or https:// address"
    return None


def check_event_kit(values: dict, path: Path, locator, diagnostics: Diagnostics) -> None:
    """Report the event kit's keys that cannot be used (a checked spec's values)."""
    for where in (("url",), ("event", "url")):
        text = values.get(where[0]) if len(where) == 1 else (values.get("event") or {}).get("url")
        if text and (problem := web_address(text)):
            diagnostics.error("P172", f"'{'.'.join(where)}' cannot be used: {problem}", path,
                              locator.line_of(*where),
                              hint='write the whole address, like "https://example.org/packet.pdf"')
    event = values.get("event") or {}
    if not event:
        return
    _check_times(event, path, locator, diagnostics)


def event_warnings(spec, diagnostics: Diagnostics) -> None:
    """What the build says about an event it can only put in the calendar in part."""
    event = spec.event
    if event is None:
        return
    if event.date and event_day(event.date) is None:
        diagnostics.warning("P176", f"the event date '{shorten(str(event.date), 40)}' is no "
                            "calendar date, so no calendar file is made", spec.path,
                            spec.line_of("event", "date"),
                            hint="write the date as YYYY-MM-DD, like 2026-05-14")
    elif event.date and times(event.time) is None:
        diagnostics.warning("P173", f"cannot read the time '{shorten(event.time, 40)}'; the "
                            "calendar event lasts the whole day", spec.path,
                            spec.line_of("event", "time"),
                            hint='write a time like "18:30", "6:30 pm" or "18:30-20:00"')


def _check_times(event: dict, path: Path, locator, diagnostics: Diagnostics) -> None:
    if event.get("end") and event.get("duration"):
        diagnostics.error("P174", "'event.end' and 'event.duration' are both given", path,
                          locator.line_of("event", "duration"), hint="keep one of the two")
    if event.get("end") and clock(event["end"]) is None:
        diagnostics.error("P174", f"cannot read the end time '{shorten(event['end'], 40)}'",
                          path, locator.line_of("event", "end"), hint='write a time like "20:30"')
    if event.get("duration") and duration(event["duration"]) is None:
        diagnostics.error("P174", f"cannot read the duration '{shorten(event['duration'], 40)}'",
                          path, locator.line_of("event", "duration"),
                          hint='write a length up to a week, like "2h", "90min" or "1h30"')
    if event.get("timezone"):
        try:
            zoneinfo.ZoneInfo(event["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            diagnostics.error("P175", f"unknown time zone '{shorten(event['timezone'], 40)}'",
                              path, locator.line_of("event", "timezone"),
                              hint='write an IANA time zone name, like "Europe/Berlin" or '
                                   '"America/New_York"')
