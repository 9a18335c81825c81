"""What a resident reads when something of ours fails: never silence, always a way to a person.

Built from the catalogue files alone, so it works while the database or the action server
is down.
"""

from __future__ import annotations

import logging

from bot.content.loader import CatalogueStore

log = logging.getLogger(__name__)

SORRY = "Sorry, er ging iets mis bij mij. Probeer het zo meteen opnieuw."
# Until the catalogue can be read; the city's free number (FACTS.md).
FALLBACK_PHONE = "0800 20 800"


def apology_text(phone: str | None, reference: str | None = None) -> str:
    text = f"{SORRY} Of bel gratis {phone or FALLBACK_PHONE}."
    if reference:
        text += f" Je vraag om terug te bellen is bewaard. Je code is {reference}."
    return text


async def apology(catalogue: CatalogueStore, reference: str | None = None) -> str:
    """The apology with the city's number from the catalogue (a safe default if unreadable)."""
    try:
        phone = (await catalogue.current()).general.contact.phone.text
    except Exception:
        log.exception("No catalogue for the apology")
        phone = None
    return apology_text(phone, reference)
