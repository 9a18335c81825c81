"""How requests look to staff: labels, ages, the overdue flag, phone numbers, the question in
short, the log in Dutch. Pure functions, tested alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot import senders
from bot.content.hours import promised_by
from bot.content.models import Hours, ServiceId
from bot.phone import dial_link, display, mask_phones
from bot.store.conversations import SOME_BUTTON
from bot.store.repository import OPEN_STATUSES, AuditEntry, CallbackRecord, Status
from bot.topics import OTHER_TOPIC

TOPIC_LABELS = {
    ServiceId.dienstencentrum.value: "Dienstencentrum",
    ServiceId.minder_mobielen.value: "Minder Mobielen Centrale",
    ServiceId.menstruatie.value: "Gratis maandverband",
    ServiceId.woonclub.value: "Woonclub",
    OTHER_TOPIC: "Iets anders",
}
# Only these are ever shown: a stored channel is data that may once have come from a caller.
CHANNEL_LABELS = {
    senders.WEB: "web",
    senders.TELEGRAM: "Telegram",
    senders.SMS: "SMS",
    senders.OTHER: "anders",
}
# What a button did, for a tapped button whose title is no longer in the conversation
# (a Telegram command, an old keyboard): by the intent its payload starts.
INTENT_LABELS = {
    "request_callback": "Bel mij terug",
    "greet": "Start",
    "help": "Help",
    "affirm": "Ja",
    "deny": "Nee",
    "thank": "Bedankt",
    "goodbye": "Dag",
}
TIME_FORMAT = "%d-%m-%Y %H:%M"
DATE_FORMAT = "%d-%m-%Y"
# The question in the inbox list: about one line on a tablet.
QUESTION_LENGTH = 80
# What `bot.callback.excerpt` puts between the resident's messages.
MESSAGE_SEPARATOR = " | "


def topic_label(topic: str) -> str:
    return TOPIC_LABELS.get(topic, topic)


def channel_name(channel: str | None) -> str:
    """One of senders.CHANNELS, or senders.OTHER for anything else."""
    return channel if channel in senders.CHANNELS else senders.OTHER


def channel_label(channel: str | None) -> str:
    return CHANNEL_LABELS[channel_name(channel)]


def local_time(value: datetime | None, zone: tzinfo) -> str:
    """A moment as every screen shows it: in the city's time, "24-11-2026 10:00"."""
    return "" if value is None else value.astimezone(zone).strftime(TIME_FORMAT)


def day_text(value: date | None) -> str:
    return "" if value is None else value.strftime(DATE_FORMAT)


def read_day(text: str | None) -> date | None:
    """A day from a form: "2026-11-28" from a date field, or typed as "28-11-2026" or
    "28/11/2026" where a browser has no date field. None for anything else."""
    raw = (text or "").strip()
    for form in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(raw, form).date()
        except ValueError:
            continue
    return None


def age_text(since: datetime, now: datetime) -> str:
    """'12 min', '5 u', '3 d': short enough for a table column on a tablet."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} u"
    return f"{minutes // (24 * 60)} d"


def short_question(excerpt: str | None, limit: int = QUESTION_LENGTH) -> str:
    """What the resident wrote, on one line without phone numbers, cut at a word."""
    text = " ".join(mask_phones(excerpt or "").replace(MESSAGE_SEPARATOR, " · ").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ·,.") + "…"


def payload_label(payload: str) -> str:
    """A Dutch word for a tapped button's payload ("/request_callback" → "Bel mij terug")."""
    intent = payload.removeprefix("/").split("{", 1)[0]
    service = intent.removeprefix("ask_")
    if service != intent and service in TOPIC_LABELS:
        return TOPIC_LABELS[service]
    return INTENT_LABELS.get(intent, SOME_BUTTON)


def audit_text(entry: AuditEntry, record: CallbackRecord) -> str:
    """One line of a request's log in staff's words; the stored channel is never shown as is
    ("aangemaakt: via rest" became "Verzoek gemaakt via anders")."""
    detail = entry.detail or ""
    if entry.action == "aangemaakt":
        urgent = ", dringend" if detail.endswith("dringend") else ""
        return f"Verzoek gemaakt via {channel_label(record.channel)}{urgent}"
    if entry.action == "ik bel":
        return f"Ik bel ({detail})" if detail else "Ik bel"
    if entry.action == "status gewijzigd":
        return f"Status: {detail}"
    if entry.action == "moment gewijzigd":
        return f"Inwoner koos een ander moment: {detail}"
    text = entry.action[:1].upper() + entry.action[1:]
    return f"{text}: {detail}" if detail else text


# The one-click status buttons on a request: value and label.
OPEN_BUTTONS = (
    (Status.gebeld, "Gebeld"),
    (Status.niet_bereikbaar, "Niet bereikbaar"),
    (Status.afgesloten, "Afsluiten"),
)
REOPEN_BUTTON = (Status.in_behandeling, "Opnieuw openen")


def can_claim(record: CallbackRecord, staff: str) -> bool:
    """The button "Ik bel" shows while the request is open, unless this staff member is
    already calling."""
    calling = record.status == Status.in_behandeling.value and record.assigned_to == staff
    return record.status in OPEN_STATUSES and not calling


def status_buttons(record: CallbackRecord) -> tuple[tuple[Status, str], ...]:
    """What staff can do next with one click; "opnieuw bellen" has its own form (a day)."""
    if record.status in OPEN_STATUSES:
        return OPEN_BUTTONS
    if record.status == Status.gebeld.value:
        return (REOPEN_BUTTON, OPEN_BUTTONS[-1])
    return (REOPEN_BUTTON,)


@dataclass(frozen=True)
class Row:
    record: CallbackRecord
    age: str
    # The promised call moment (or the day to call again) has passed and nobody has reached
    # the resident yet.
    overdue: bool
    promised: datetime
    # The masked, shortened question; the number as read aloud, and its tel: link.
    question: str = ""
    phone: str = ""
    dial: str = ""

    @property
    def late_text(self) -> str:
        """Why the request is late, for the detail page."""
        again = self.record.call_again_on
        if self.record.status == Status.opnieuw_bellen.value and again is not None:
            return f"Te laat: je wou opnieuw bellen op {day_text(again)}."
        return f"Te laat: we beloofden te bellen vóór {self.promised.strftime(TIME_FORMAT)}."


def late_from(hours: Hours, moment: str, oldest: datetime, now: datetime, zone: tzinfo) -> datetime:
    """The first creation time from `oldest` on whose promised call (`promised_by`) is not yet
    late at `now`: every open request with `moment` made before it is late.

    A request made later is never promised an earlier call (the next slot, or the next working
    day, of a later moment), so the late ones are exactly those made before one point in time,
    found by halving [oldest, now] down to a microsecond: about 40 promises instead of one per
    open request on every dashboard page.
    """

    def late(created: datetime) -> bool:
        return now > promised_by(hours, moment, created.astimezone(zone))

    low, high = oldest, now
    if not late(low):
        return low
    if late(high):
        return high + timedelta(microseconds=1)
    # late(low) and not late(high): keep it so until they are a microsecond apart.
    while high - low > timedelta(microseconds=1):
        middle = low + (high - low) / 2
        if late(middle):
            low = middle
        else:
            high = middle
    return high


def row(record: CallbackRecord, office_hours: Hours, now: datetime, zone: tzinfo) -> Row:
    created = record.created_at.astimezone(zone)
    again = record.call_again_on
    if record.status == Status.opnieuw_bellen.value and again is not None:
        promised = datetime.combine(again + timedelta(days=1), time(0, 0), tzinfo=zone)
    else:
        promised = promised_by(office_hours, record.preferred_moment, created)
    return Row(
        record,
        age_text(record.created_at, now),
        record.status in OPEN_STATUSES and now > promised,
        promised,
        short_question(record.excerpt),
        display(record.phone) if record.phone else "",
        dial_link(record.phone) if record.phone else "",
    )
