"""The safety net for urgent messages.

Whatever the classifier thinks, a message with clear words about suicide,
violence, danger or having no place to sleep gets the right number first.
Only exact phrases (with common misspellings written out) count: a fuzzy match
would turn "geslaagd" into "geslagen".
"""

from __future__ import annotations

from bot.content.answers import Reply
from bot.content.matching import find_terms
from bot.content.models import General, UrgentKind

_SUICIDE = [
    "zelfmoord",
    "zelfmoort",
    "zelmoord",
    "zelfmoordgedachten",
    "zelfdoding",
    "suicide",
    "niet meer leven",
    "nie meer leven",
    "niet meer willen leven",
    "wil niet meer leven",
    "wil dood",
    "wil sterven",
    "dood willen",
    "wil er niet meer zijn",
    "einde aan maken",
    "eind aan maken",
    "einde aan mijn leven",
    "mezelf iets aandoen",
    "mij iets aandoen",
    "mezelf van kant",
    "van kant maken",
    "leven beeindigen",
    "geen zin meer om te leven",
    "geen zin meer in het leven",
    "mezelf doden",
]
_VIOLENCE = [
    "slaat mij",
    "slaat me",
    "sloeg mij",
    "sloeg me",
    "slaagt mij",
    "slaagt me",
    "geslagen",
    "mishandeld",
    "mishandelt",
    "mishandeling",
    "kindermishandeling",
    "misbruikt",
    "misbruik",
    "verkracht",
    "verkrachting",
    "geweld",
    "huiselijk geweld",
    "schopt mij",
    "schopt me",
    "bedreigd",
    "bedreigt mij",
    "bedreigt me",
]
_DANGER = [
    "in gevaar",
    "levensgevaar",
    "ambulance",
    "ziekenwagen",
    "bewusteloos",
    "brand",
    "hartaanval",
    "kan niet ademen",
    "ademt niet",
    "overdosis",
    "bloedt",
    "met een mes",
]
_HOMELESS = [
    "geen slaapplaats",
    "nergens om te slapen",
    "nergens slapen",
    "nergens te slapen",
    "geen plek om te slapen",
    "geen plaats om te slapen",
    "buiten slapen",
    "slaap op straat",
    "slapen op straat",
    "sta op straat",
    "vannacht op straat",
    "nacht op straat",
    "woon op straat",
    "leef op straat",
    "dakloos",
    "geen dak",
    "uit huis gezet",
    "uit mijn huis gezet",
    "buitengezet",
    "buiten gezet",
    "waar kan ik slapen",
    "vannacht slapen",
]

URGENT_TERMS: dict[str, UrgentKind] = {
    **dict.fromkeys(_SUICIDE, UrgentKind.suicide),
    **dict.fromkeys(_VIOLENCE, UrgentKind.violence),
    **dict.fromkeys(_DANGER, UrgentKind.danger),
    **dict.fromkeys(_HOMELESS, UrgentKind.homeless),
}

# When several apply, the most life-threatening number comes first.
PRIORITY = [UrgentKind.suicide, UrgentKind.danger, UrgentKind.violence, UrgentKind.homeless]
# When the message names none, 112 leads: the resident may be in danger right now.
UNKNOWN_ORDER = [UrgentKind.danger, UrgentKind.suicide, UrgentKind.violence, UrgentKind.homeless]


def detect_urgent(text: str) -> list[UrgentKind]:
    """The kinds of urgent help the message clearly asks for, most urgent first."""
    found = set(find_terms(text, URGENT_TERMS, fuzzy=False))
    return [kind for kind in PRIORITY if kind in found]


def urgent_replies(general: General, text: str) -> list[Reply]:
    """The numbers to call: the ones the message points to, or all of them."""
    kinds = detect_urgent(text) or UNKNOWN_ORDER
    return [Reply(general.urgent[kind].text) for kind in kinds]
