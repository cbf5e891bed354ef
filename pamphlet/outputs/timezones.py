"""A time zone as a calendar's VTIMEZONE that every client reads alike: written with rules.

A VTIMEZONE that lists its changes of daylight-saving time as one RDATE with many dates is
read by Mozilla's ical.js (Thunderbird) only at its first date, so an event in summer opens
an hour off; and a list ends somewhere (icalendar's stops in 2038). Calendars written by
Apple, Google and Microsoft give each change a rule instead (RRULE: "the last Sunday of
March"), good for any year. This module does that: the rules come from the zone's TZif
file, whose last line is a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3") saying how the
zone's clocks change from its last listed change on. Where those rules do not give the
offset the zone really has at the event (an event in a year before they were made, a zone
that changes by decree), the changes around the event are written one by one instead, each
observance with its own start: still no list of dates to misread.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib.resources
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import icalendar

DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # POSIX's d: 0 is Sunday
_NAME = r"(?:<[^>]+>|[A-Za-z]{3,})"
_OFFSET = r"[+-]?\d{1,3}(?::\d{2}){0,2}"
_RULE = r"M(\d{1,2})\.([1-5])\.([0-6])(?:/(" + _OFFSET + "))?"
_POSIX = re.compile(rf"({_NAME})({_OFFSET})(?:({_NAME})({_OFFSET})?,{_RULE},{_RULE})?")
AROUND = dt.timedelta(days=400)  # how far from the event the changes are written one by one


@dataclass(frozen=True)
class Change:
    """A yearly change of the clocks: in `month`, the `week`-th (5: last) `day` (0: Sunday),
    at `hours` past that day's midnight (local time before the change; may be under 0 or
    over 24), to `offset` with the name `name`."""

    month: int
    week: int
    day: int
    hours: dt.timedelta
    offset: dt.timedelta  # the UTC offset from this change on
    before: dt.timedelta  # the UTC offset until it
    name: str

    def onset(self, year: int) -> dt.datetime:
        """The change in `year`, in local time before it."""
        weeks = calendar.monthcalendar(year, self.month)
        column = (self.day - 1) % 7  # monthcalendar's weeks start on Monday
        days = [week[column] for week in weeks if week[column]]
        day = days[-1] if self.week == 5 else days[self.week - 1]
        return dt.datetime(year, self.month, day) + self.hours

    def rrule(self) -> dict | None:
        """The change as an RRULE, or None where RRULE cannot say it."""
        shift, _ = divmod(self.hours, dt.timedelta(days=1))
        weekday = DAYS[(self.day + shift) % 7]
        if shift == 0:
            return {"freq": "yearly", "bymonth": self.month,
                    "byday": f"{-1 if self.week == 5 else self.week}{weekday}"}
        last = calendar.monthrange(2001, self.month)[1]  # a year that is no leap year
        first = (last - 6 if self.week == 5 else 7 * self.week - 6) + shift
        if self.month == 2 and self.week == 5 or first < 1 or first + 6 > last:
            return None  # the window of days would leave the month, or move in leap years
        return {"freq": "yearly", "bymonth": self.month, "byday": weekday,
                "bymonthday": list(range(first, first + 7))}


def vtimezone(key: str, moments: list[dt.datetime]) -> icalendar.Timezone:
    """The VTIMEZONE of the IANA zone `key`, right at each of `moments` (aware datetimes):
    with yearly rules where the zone's rules give its offsets there, else its changes
    around them one by one."""
    zone = zoneinfo.ZoneInfo(key)
    rules = _rules(key)
    first = min(moments).replace(tzinfo=None).year - 1
    instants = [moment.astimezone(dt.timezone.utc) for moment in moments]
    if rules is not None and _sayable(rules) and all(
            _offset_by(rules, instant) == instant.astimezone(zone).utcoffset()
            for instant in instants):
        return _with_rules(key, rules, first)
    return _one_by_one(key, zone, min(moments) - AROUND, max(moments) + AROUND)


def _rules(key: str) -> tuple[Change, ...] | tuple[str, dt.timedelta] | None:
    """The zone's rules from its POSIX TZ string: two Changes (to daylight time, back to
    standard time), or (name, offset) for a zone without daylight time; None when the
    string cannot be read."""
    text = _posix_string(key)
    match = _POSIX.fullmatch(text or "")
    if not match:
        return None
    std_name, std, dst_name, dst = match.group(1, 2, 3, 4)
    standard = -_duration(std)  # POSIX counts west of Greenwich as positive
    if dst_name is None:
        return _name(std_name), standard
    daylight = -_duration(dst) if dst else standard + dt.timedelta(hours=1)
    start = match.group(5, 6, 7, 8)
    end = match.group(9, 10, 11, 12)
    return (_change(start, daylight, standard, dst_name),
            _change(end, standard, daylight, std_name))


def _change(rule, offset: dt.timedelta, before: dt.timedelta, name: str) -> Change:
    month, week, day, hours = rule
    return Change(int(month), int(week), int(day),
                  _duration(hours) if hours else dt.timedelta(hours=2), offset, before,
                  _name(name))


def _duration(text: str) -> dt.timedelta:
    """'-5:30' as a timedelta."""
    sign = -1 if text.startswith("-") else 1
    parts = [int(part) for part in text.lstrip("+-").split(":")] + [0, 0]
    return sign * dt.timedelta(hours=parts[0], minutes=parts[1], seconds=parts[2])


def _name(text: str) -> str:
    return text.strip("<>")


def _posix_string(key: str) -> str | None:
    """The last line of the zone's TZif file (RFC 8536: the rule after its last change)."""
    data = None
    for folder in zoneinfo.TZPATH:
        path = Path(folder, key)
        if path.is_file():
            data = path.read_bytes()
            break
    else:
        try:  # the tzdata package, where zoneinfo itself finds zones without a system copy
            package, _, name = f"tzdata.zoneinfo.{key}".replace("/", ".").rpartition(".")
            data = importlib.resources.files(package).joinpath(name).read_bytes()
        except (ModuleNotFoundError, FileNotFoundError, OSError):
            return None
    if not data.startswith(b"TZif") or data[4:5] < b"2" or not data.endswith(b"\n"):
        return None
    return data[:-1].rsplit(b"\n", 1)[-1].decode("ascii", "replace")


def _sayable(rules) -> bool:
    """Whether RRULE can say each of the rules' changes."""
    return not isinstance(rules[0], Change) or all(change.rrule() for change in rules)


def _offset_by(rules, moment: dt.datetime) -> dt.timedelta:
    """The UTC offset the rules give at `moment`."""
    if not isinstance(rules[0], Change):
        return rules[1]
    at = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    onsets = sorted((change.onset(year) - change.before, change) for change in rules
                    for year in range(at.year - 1, at.year + 2))
    return [change for when, change in onsets if when <= at][-1].offset


def _with_rules(key: str, rules, year: int) -> icalendar.Timezone:
    """The zone as observances that begin in `year` and recur by rule."""
    timezone = icalendar.Timezone()
    timezone.add("tzid", key)
    if not isinstance(rules[0], Change):  # no daylight time: one observance, for ever
        name, offset = rules
        timezone.add_component(_observance(icalendar.TimezoneStandard, dt.datetime(year, 1, 1),
                                           offset, offset, name))
        return timezone
    for change in rules:
        kind = icalendar.TimezoneDaylight if change.offset > change.before else \
            icalendar.TimezoneStandard
        observance = _observance(kind, change.onset(year), change.before, change.offset,
                                 change.name)
        observance.add("rrule", change.rrule())
        timezone.add_component(observance)
    return timezone


def _one_by_one(key: str, zone, start: dt.datetime, end: dt.datetime) -> icalendar.Timezone:
    """The zone as the observance in effect at `start` and each change until `end`."""
    timezone = icalendar.Timezone()
    timezone.add("tzid", key)
    utc = start.astimezone(dt.timezone.utc)
    offset = utc.astimezone(zone).utcoffset()
    timezone.add_component(_observance(_kind(zone, utc), (utc + offset).replace(tzinfo=None),
                                       offset, offset, utc.astimezone(zone).tzname()))
    for moment in _changes(zone, utc, end.astimezone(dt.timezone.utc)):
        before = (moment - dt.timedelta(seconds=1)).astimezone(zone).utcoffset()
        after = moment.astimezone(zone)
        timezone.add_component(_observance(_kind(zone, moment), (moment + before).replace(
            tzinfo=None), before, after.utcoffset(), after.tzname()))
    return timezone


def _changes(zone, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """Each moment (UTC) from `start` to `end` at which the zone's offset changes."""
    found, step = [], dt.timedelta(days=1)
    moment = start
    while moment < end:
        later = moment + step
        if later.astimezone(zone).utcoffset() != moment.astimezone(zone).utcoffset():
            low, high = moment, later
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                same = middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset()
                low, high = (middle, high) if same else (low, middle)
            found.append(high.replace(microsecond=0))
        moment = later
    return found


def _kind(zone, moment: dt.datetime):
    return icalendar.TimezoneDaylight if moment.astimezone(zone).dst() else \
        icalendar.TimezoneStandard


def _observance(kind, start: dt.datetime, before: dt.timedelta, after: dt.timedelta,
                name: str | None):
    observance = kind()
    observance.add("dtstart", start)
    if name:
        observance.add("tzname", name)
    observance.add("tzoffsetfrom", before)
    observance.add("tzoffsetto", after)
    return observance
