"""Opening-hours arithmetic in the city's local time, and when staff can call back.

All "is it open" questions are answered from wall-clock time in Europe/Brussels,
so a daylight-saving change never shifts an opening hour. A call-back is promised
for a half-day of the city's office hours, never for a weekend or public holiday.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum
from functools import lru_cache

import holidays

from bot.content.models import Hours, TimeRange, Weekday

# How far ahead to look for the next opening (or a half-day to call in) before giving up.
HORIZON_DAYS = 14
NOON = time(12, 0)
# A call "in de namiddag" needs office hours after lunch.
AFTERNOON = time(13, 0)


@lru_cache(maxsize=16)
def _belgian_holidays(year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("BE", years=year, language="nl").items())


def public_holiday(day: date) -> str | None:
    """The Dutch name of the Belgian public holiday on `day`, if any."""
    return _belgian_holidays(day.year).get(day)


@dataclass(frozen=True)
class DaySchedule:
    ranges: tuple[TimeRange, ...]
    # Set when the place is closed because of a public holiday.
    holiday: str | None = None

    @property
    def open(self) -> bool:
        return bool(self.ranges)


def schedule_on(hours: Hours, day: date) -> DaySchedule | None:
    """What the place does on `day`, or None when its hours are unknown."""
    if day in hours.exceptions:
        return DaySchedule(tuple(hours.exceptions[day]))
    if hours.weekly is None:
        return None
    holiday = public_holiday(day)
    if holiday and hours.closed_on_public_holidays:
        return DaySchedule((), holiday=holiday)
    return DaySchedule(tuple(hours.weekly.get(Weekday.of(day), [])))


@dataclass(frozen=True)
class OpenNow:
    open: bool
    # While open: when it closes. While closed: when it opens next (None: not within the horizon).
    until: datetime | None


def open_now(hours: Hours, moment: datetime) -> OpenNow | None:
    """Whether the place is open at `moment`, or None if unknown.

    `moment` must be wall-clock time in the city's zone (an aware datetime there).
    """
    today = moment.date()
    schedule = schedule_on(hours, today)
    if schedule is None:
        return None
    clock = moment.time()
    for r in schedule.ranges:
        if r.start <= clock < r.end:
            return OpenNow(True, _at(moment, today, r.end))
    return OpenNow(False, next_opening(hours, moment))


def next_opening(hours: Hours, moment: datetime) -> datetime | None:
    clock = moment.time()
    for offset in range(HORIZON_DAYS + 1):
        day = moment.date() + timedelta(days=offset)
        schedule = schedule_on(hours, day)
        if schedule is None:
            return None
        for r in schedule.ranges:
            if offset > 0 or r.start > clock:
                return _at(moment, day, r.start)
    return None


def _at(moment: datetime, day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=moment.tzinfo)


class Moment(str, Enum):
    """When the resident would like to be called; the values are what staff read."""

    voormiddag = "voormiddag"
    namiddag = "namiddag"
    maakt_niet_uit = "maakt niet uit"


def working_day(day: date) -> bool:
    return day.weekday() < 5 and public_holiday(day) is None


def _left_in_part(part: str, r: TimeRange, clock: time) -> bool:
    """Whether office hours `r` still reach into the morning or the afternoon after `clock`.

    A morning ends at noon: at two o'clock "vandaag in de voormiddag" is no promise at all.
    """
    if part == Moment.voormiddag.value:
        return r.start < NOON and clock < min(r.end, NOON)
    return r.end > max(AFTERNOON, clock)


@dataclass(frozen=True)
class CallSlot:
    """The half-day we promise to call in, and when that promise runs out."""

    day: date
    part: str
    deadline: time


def call_slot(hours: Hours, moment: str, now: datetime) -> CallSlot | None:
    """The first office half-day from `now` that suits the resident; None when hours are unknown."""
    parts = (
        [Moment.voormiddag.value, Moment.namiddag.value]
        if moment == Moment.maakt_niet_uit.value
        else [moment]
    )
    if not hours.known:
        return None
    for offset in range(HORIZON_DAYS + 1):
        day = now.date() + timedelta(days=offset)
        schedule = schedule_on(hours, day)
        if schedule is None or not working_day(day):
            continue
        clock = now.time() if offset == 0 else time.min
        for part in parts:
            ranges = [r for r in schedule.ranges if _left_in_part(part, r, clock)]
            if ranges:
                last = max(r.end for r in ranges)
                limit = NOON if part == Moment.voormiddag.value and len(parts) == 1 else last
                return CallSlot(day, part, min(last, limit))
    return None


def promised_by(hours: Hours, moment: str, created_at: datetime) -> datetime:
    """When the call we promised at `created_at` is late, for the dashboard's overdue flag.

    With unknown office hours we promised "on a working day": late after the
    next working day has ended.
    """
    slot = call_slot(hours, moment, created_at)
    if slot is not None:
        return datetime.combine(slot.day, slot.deadline, tzinfo=created_at.tzinfo)
    day = created_at.date() + timedelta(days=1)
    while not working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=created_at.tzinfo)
