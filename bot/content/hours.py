"""Opening-hours arithmetic in the city's local time.

All "is it open" questions are answered from wall-clock time in Europe/Brussels,
so a daylight-saving change never shifts an opening hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from bot.content.models import Hours, TimeRange, Weekday

# How far ahead to look for the next opening before saying we do not know.
HORIZON_DAYS = 14


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
