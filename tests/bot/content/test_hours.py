from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.content.hours import (
    CallSlot,
    Moment,
    call_slot,
    next_opening,
    open_now,
    promised_by,
    public_holiday,
    schedule_on,
    working_day,
)
from bot.content.models import Hours, TimeRange
from tests.helpers import TEST_HOURS

BRUSSELS = ZoneInfo("Europe/Brussels")


def hours(**overrides: object) -> Hours:
    return Hours.parse_obj({**TEST_HOURS, **overrides})


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 23), [(time(9), time(16))]),  # maandag
        (date(2026, 11, 24), [(time(9), time(16))]),  # dinsdag
        (date(2026, 11, 25), [(time(9), time(12)), (time(13, 30), time(16))]),  # woensdag
        (date(2026, 11, 26), [(time(9), time(16))]),  # donderdag
        (date(2026, 11, 27), [(time(9), time(12, 30))]),  # vrijdag
        (date(2026, 11, 28), []),  # zaterdag
        (date(2026, 11, 29), []),  # zondag
    ],
)
def test_every_weekday(day: date, expected: list[tuple[time, time]]) -> None:
    schedule = schedule_on(hours(), day)
    assert schedule is not None
    assert [(r.start, r.end) for r in schedule.ranges] == expected
    assert schedule.holiday is None


def test_public_holiday_closes_the_place() -> None:
    easter_monday = date(2026, 4, 6)
    assert public_holiday(easter_monday) == "Paasmaandag"
    schedule = schedule_on(hours(), easter_monday)
    assert schedule is not None and not schedule.open
    assert schedule.holiday == "Paasmaandag"


def test_place_that_stays_open_on_holidays() -> None:
    schedule = schedule_on(hours(closed_on_public_holidays=False), date(2026, 4, 6))
    assert schedule is not None and schedule.open and schedule.holiday is None


def test_exception_wins_over_week_and_holiday() -> None:
    h = hours(exceptions={"2026-12-25": ["10:00-12:00"], "2026-11-24": []})
    christmas = schedule_on(h, date(2026, 12, 25))
    assert christmas is not None
    assert [(r.start, r.end) for r in christmas.ranges] == [(time(10), time(12))]
    closed_tuesday = schedule_on(h, date(2026, 11, 24))
    assert closed_tuesday is not None and not closed_tuesday.open


def test_unknown_hours_stay_unknown() -> None:
    h = hours(weekly=None)
    assert schedule_on(h, date(2026, 11, 24)) is None
    assert open_now(h, local(2026, 11, 24, 10, 0)) is None


def test_open_now_and_closing_time() -> None:
    state = open_now(hours(), local(2026, 11, 25, 11, 0))
    assert state is not None and state.open
    assert state.until == local(2026, 11, 25, 12, 0)


def test_lunch_break_points_to_the_afternoon() -> None:
    state = open_now(hours(), local(2026, 11, 25, 12, 15))
    assert state is not None and not state.open
    assert state.until == local(2026, 11, 25, 13, 30)


def test_closed_on_friday_evening_opens_on_monday() -> None:
    state = open_now(hours(), local(2026, 11, 27, 18, 0))
    assert state is not None and not state.open
    assert state.until == local(2026, 11, 30, 9, 0)


def test_closing_time_itself_counts_as_closed() -> None:
    state = open_now(hours(), local(2026, 11, 24, 16, 0))
    assert state is not None and not state.open


def test_daylight_saving_change_keeps_wall_clock_hours() -> None:
    """Brussels moves to summer time on Sunday 29 March 2026; 07:30 UTC is 08:30, then 09:30."""
    h = hours(weekly={"vrijdag": ["09:00-16:00"], "maandag": ["09:00-16:00"]})
    before = datetime(2026, 3, 27, 7, 30, tzinfo=timezone.utc).astimezone(BRUSSELS)
    after = datetime(2026, 3, 30, 7, 30, tzinfo=timezone.utc).astimezone(BRUSSELS)
    state_before, state_after = open_now(h, before), open_now(h, after)
    assert state_before is not None and not state_before.open
    assert state_after is not None and state_after.open
    # The next opening seen from Friday evening is Monday 09:00 local, in summer time.
    friday_evening = local(2026, 3, 27, 20, 0)
    opening = next_opening(h, friday_evening)
    assert opening == local(2026, 3, 30, 9, 0)
    assert opening is not None and opening.utcoffset() is not None
    assert opening.astimezone(timezone.utc).hour == 7


def test_nothing_within_two_weeks_means_unknown() -> None:
    assert next_opening(hours(weekly={}), local(2026, 11, 24, 10, 0)) is None


def test_time_ranges_are_validated() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        TimeRange.parse("16:00-09:00")
    with pytest.raises(ValueError, match="not a time range"):
        TimeRange.parse("9 tot 5")


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 27), True),  # vrijdag
        (date(2026, 11, 28), False),  # zaterdag
        (date(2026, 11, 29), False),  # zondag
        (date(2026, 4, 6), False),  # paasmaandag
        (date(2026, 11, 11), False),  # Wapenstilstand, a Wednesday
    ],
)
def test_working_days_skip_weekends_and_public_holidays(day: date, working: bool) -> None:
    assert working_day(day) is working


@pytest.mark.parametrize(
    ("moment", "now", "slot"),
    [
        # Still morning hours left today; a morning promise runs out at noon.
        (
            Moment.voormiddag,
            local(2026, 11, 24, 10, 0),
            CallSlot(date(2026, 11, 24), "voormiddag", time(12)),
        ),
        # Wednesday's afternoon starts after the lunch break.
        (
            Moment.namiddag,
            local(2026, 11, 25, 10, 0),
            CallSlot(date(2026, 11, 25), "namiddag", time(16)),
        ),
        # Friday closes at 12:30: too early for an afternoon call, so Monday.
        (
            Moment.namiddag,
            local(2026, 11, 27, 9, 0),
            CallSlot(date(2026, 11, 30), "namiddag", time(16)),
        ),
        # The morning is over at two: not "vandaag in de voormiddag" but tomorrow morning.
        (
            Moment.voormiddag,
            local(2026, 11, 24, 14, 0),
            CallSlot(date(2026, 11, 25), "voormiddag", time(12)),
        ),
        # Any time: the first half-day left, up to the end of those office hours.
        (
            Moment.maakt_niet_uit,
            local(2026, 11, 24, 14, 0),
            CallSlot(date(2026, 11, 24), "namiddag", time(16)),
        ),
        # After closing time: the next working day.
        (
            Moment.voormiddag,
            local(2026, 11, 24, 16, 0),
            CallSlot(date(2026, 11, 25), "voormiddag", time(12)),
        ),
        # The exception on 24 December (morning only) counts; Christmas is a holiday.
        (
            Moment.namiddag,
            local(2026, 12, 24, 8, 0),
            CallSlot(date(2026, 12, 28), "namiddag", time(16)),
        ),
    ],
    ids=[
        "morning-today",
        "wednesday-afternoon",
        "friday-afternoon",
        "morning-over",
        "any-time",
        "after-hours",
        "christmas",
    ],
)
def test_call_slot_is_a_half_day_of_office_hours(
    moment: Moment, now: datetime, slot: CallSlot
) -> None:
    assert call_slot(hours(), moment.value, now) == slot


def test_no_call_slot_without_known_hours() -> None:
    assert call_slot(hours(weekly=None), "voormiddag", local(2026, 11, 24, 10, 0)) is None


@pytest.mark.parametrize(
    ("moment", "created", "late_after"),
    [
        ("voormiddag", local(2026, 11, 24, 10, 0), local(2026, 11, 24, 12, 0)),
        ("namiddag", local(2026, 11, 24, 10, 0), local(2026, 11, 24, 16, 0)),
        ("maakt niet uit", local(2026, 11, 24, 10, 0), local(2026, 11, 24, 16, 0)),
        ("voormiddag", local(2026, 11, 27, 15, 0), local(2026, 11, 30, 12, 0)),
        ("voormiddag", local(2026, 11, 24, 14, 0), local(2026, 11, 25, 12, 0)),
    ],
    ids=["morning", "afternoon", "any-time", "friday-after-hours", "morning-over"],
)
def test_promise_runs_out_at_the_end_of_the_promised_half_day(
    moment: str, created: datetime, late_after: datetime
) -> None:
    assert promised_by(hours(), moment, created) == late_after


def test_promise_with_unknown_hours_runs_out_after_the_next_working_day() -> None:
    friday = local(2026, 11, 27, 10, 0)
    assert promised_by(hours(weekly=None), "voormiddag", friday) == local(2026, 12, 1, 0, 0)
