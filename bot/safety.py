"""The safety net for urgent messages.

Whatever the classifier thinks, a message with clear words about suicide,
violence, danger or having no place to sleep gets the right number first.
Only exact phrases (with common misspellings written out) count: a fuzzy match
would turn "geslaagd" into "geslagen".

A phrase about danger or having no place to sleep does not count right after a
negation ("ze is nu niet in gevaar", "geen levensgevaar"), unless it is "nog niet"
(not yet, so maybe soon). Words about suicide and violence always count: when in
doubt, urgent wins.

The classifier also learns `urgent_help` from examples, and then sees danger in
words that only often stand next to it ("kinderen", "thuis", "geweest"). Its guess
is kept whenever the message shows any sign of urgency (`may_be_urgent`, a broad
list); only a message with none at all is a false alarm.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from bot.content.answers import Reply
from bot.content.matching import normalise
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
    "wil er nie meer zijn",
    "wil er ni meer zijn",
    "wil ni meer leven",
    "ni meer leven",
    "niet meer willen zijn",
    "zie het niet meer zitten",
    "zie het nie meer zitten",
    "zie het ni meer zitten",
    "leven beu",
    "einde aan maken",
    "eind aan maken",
    "einde aan mijn leven",
    "mezelf iets aandoen",
    "mij iets aandoen",
    "zich iets aandoen",
    "zichzelf iets aandoen",
    "zich iets aan te doen",
    "zichzelf van kant",
    "zich van kant",
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

# Kinds whose phrases a negation right before them cancels.
NEGATABLE = {UrgentKind.danger, UrgentKind.homeless}
_NEGATIONS = {"niet", "nie", "ni", "geen", "gene", "nooit"}
# Words that may stand between the negation and the phrase: "niet meer in gevaar",
# "staat niet in brand".
_FILLERS = {"in", "meer", "echt", "direct", "meteen", "acuut", "zelf", "wel"}

# Any sign that a message may be urgent, beyond the clear phrases above: a word that
# starts so. Broad on purpose; it only decides whether the classifier's own urgent
# guess stands, and every urgent training example must hold one of these.
ALARM_STARTS = (
    # danger, body, emergency services
    "gevaar", "nood", "dringend", "help", "sos", "112", "101", "politie", "ambulance",
    "ziekenwagen", "brand", "rook", "vuur", "gevallen", "valt", "bewusteloos", "flauw",
    "onwel", "reage", "adem", "bloed", "hart", "beroerte", "pijn", "gewond", "ongeval",
    "ongeluk", "overdosis", "vergiftig", "pillen", "mes", "wapen", "pistool", "verdrink",
    "stik", "dood", "sterf", "sterv", "ziek", "koorts", "bevall", "weeen", "vermist",
    "meteen", "direct", "onmiddellijk", "snel",
    # despair, suicide
    "zelfmoord", "zelfdoding", "suicid", "leven", "einde", "beu", "zitten", "kapot",
    "wanho", "hopeloos", "radeloos", "uitweg", "aandoen", "missen", "afscheid", "opgeven",
    "depressi", "slecht", "verdwijnen",
    # violence, fear, drink
    "sla", "sloeg", "geslagen", "schop", "mishandel", "misbruik", "verkracht", "geweld",
    "bedreig", "dreig", "bang", "angst", "vlucht", "opgesloten", "opsluit", "wurg", "duw",
    "stalk", "achtervolg", "agres", "agress", "dronken", "drink", "alcohol", "drugs",
    # no place to sleep
    "straat", "buiten", "slapen", "slaap", "dak", "nacht", "vannacht", "vanavond", "opvang",
    "onderdak", "uitgezet",
)  # fmt: skip
# Signs that a negation right before them cancels, as it cancels the phrases above.
NEGATABLE_ALARMS = ("gevaar", "levensgevaar", "dakloos", "brand")
# Signs of more than one word.
ALARM_PHRASES = (
    "niet meer", "nie meer", "ni meer", "kan niet meer", "alles is te veel", "roept om hulp",
    "huis uit", "uit huis", "eruit gezet", "eruit gegooid", "alleen thuis", "op de grond",
    "red mij", "red me", "is weg", "kind kwijt", "kindje kwijt",
)  # fmt: skip

# When several apply, the most life-threatening number comes first.
PRIORITY = [UrgentKind.suicide, UrgentKind.danger, UrgentKind.violence, UrgentKind.homeless]
# When the message names none, 112 leads: the resident may be in danger right now.
UNKNOWN_ORDER = [UrgentKind.danger, UrgentKind.suicide, UrgentKind.violence, UrgentKind.homeless]


def _starts(words: Sequence[str], phrase: str) -> list[int]:
    """Where the phrase (normalised) begins in the words."""
    key = phrase.split()
    size = len(key)
    return [i for i in range(len(words) - size + 1) if list(words[i : i + size]) == key]


def _negated(words: Sequence[str], start: int) -> bool:
    """Whether a negation (not "nog niet") stands right before position `start`."""
    i = start - 1
    while i >= 0 and words[i] in _FILLERS:
        i -= 1
    if i < 0 or words[i] not in _NEGATIONS:
        return False
    return not (i > 0 and words[i - 1] == "nog")


def _counts(words: Sequence[str], phrase: str, negatable: bool) -> bool:
    return any(not (negatable and _negated(words, i)) for i in _starts(words, phrase))


@cache
def _urgent_phrases() -> list[tuple[str, UrgentKind, bool]]:
    """Normalised once: every message is checked against all of them."""
    return [(normalise(p), kind, kind in NEGATABLE) for p, kind in URGENT_TERMS.items()]


def detect_urgent(text: str) -> list[UrgentKind]:
    """The kinds of urgent help the message clearly asks for, most urgent first."""
    words = normalise(text).split()
    found = {
        kind for phrase, kind, negatable in _urgent_phrases() if _counts(words, phrase, negatable)
    }
    return [kind for kind in PRIORITY if kind in found]


def may_be_urgent(text: str) -> bool:
    """False only when the message shows no sign at all of an emergency.

    The classifier's `urgent_help` guess on such a message is a false alarm ("ik heb
    kleine kinderen thuis"): the resident should get an answer or a question, not 112.
    A negated danger word is no sign ("ze is nu niet in gevaar").
    """
    words = normalise(text).split()
    if detect_urgent(text) or any(_starts(words, phrase) for phrase in ALARM_PHRASES):
        return True
    return any(
        word.startswith(ALARM_STARTS)
        and not (word.startswith(NEGATABLE_ALARMS) and _negated(words, i))
        for i, word in enumerate(words)
    )


def urgent_replies(general: General, text: str) -> list[Reply]:
    """The numbers to call: the ones the message points to, or all of them."""
    kinds = detect_urgent(text) or UNKNOWN_ORDER
    return [Reply(general.urgent[kind].text) for kind in kinds]
