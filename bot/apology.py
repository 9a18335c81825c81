"""What a resident reads when something of ours fails: never silence, always a way to a person.

Built from the catalogue source the caller has (the files in the Rasa process, the live
catalogue in the web app, which keeps its last facts), with a fixed number as the last resort,
so it works while the database or the action server is down.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.content.live import CatalogueSource

log = logging.getLogger(__name__)

SORRY = "Sorry, er ging iets mis bij mij. Probeer het zo meteen opnieuw."
# Until the catalogue can be read; the city's free number (FACTS.md).
FALLBACK_PHONE = "0800 20 800"


def apology_text(phone: str, reference: str | None = None) -> str:
    text = f"{SORRY} Of bel gratis {phone}."
    if reference:
        text += f" Je vraag om terug te bellen is bewaard. Je code is {reference}."
    return text


async def city_phone(catalogue: CatalogueSource) -> str:
    """The city's general number as the catalogue has it; a safe default when it is unreadable,
    because this number is what a resident needs most when something of ours fails."""
    try:
        phone = (await catalogue.current()).general.contact.phone.text
    except Exception:
        log.exception("No catalogue for the city's number")
        phone = None
    return phone or FALLBACK_PHONE


async def apology(catalogue: CatalogueSource, reference: str | None = None) -> str:
    """The apology with the city's number from the catalogue (a safe default if unreadable)."""
    return apology_text(await city_phone(catalogue), reference)
