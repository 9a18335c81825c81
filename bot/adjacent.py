"""The social questions next to the four services, which the assistant must not answer.

Residents ask most often about money from the OCMW, rent, pensions, food, doctors,
letters, debts, energy bills, papers or work. The assistant knows nothing about those,
and a service's facts given to such a question do harm ("Het is gratis" to someone who
is hungry). So these questions are recognised by their words, and the resident is told
plainly that the assistant cannot help, and where a person can.

The rule, when a message holds both kinds of words:

- an adjacent topic counts only through its own phrases (lists below, with common
  misspellings and Flemish forms), never through one loose word that a service question
  also uses ("geld" alone may ask what a ride costs; "geen geld meer" does not);
- a service word outside those phrases means the service is the answer ("geen geld voor
  maandverband", "vervoer naar de dokter"), and `find_adjacent` gives None;
- a service word inside an adjacent phrase does not count ("geld voor de huur",
  "sociale woning"), and neither do the words a topic naturally comes with, such as a
  flat or a landlord in a question about the rent deposit;
- when several topics match, the first in `TOPICS` wins: specific topics come first.

Topic phrases match whole words of the normalised message (`matching.normalise`), and
common misspellings are written out: a near match would turn "telefoon" into "leefloon",
"dochter" into "docteur" and "waarvoor" into "waarborg". A phrase word may be `word*`
(starts so), `*word` (ends so) or `*word*` (contains it), for Dutch compounds such as
"rustpensioen" and "energiefactuur"; `a + b` asks for both parts anywhere in the message;
a topic's `unless` phrases cancel it. Service words are matched with `matching.find_term`,
forgiving a typo only in long words (see `_MIN_FUZZY_SINGLE`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from bot.content.answers import CALLBACK_BUTTON, Reply, contact_reply
from bot.content.matching import find_term, normalise
from bot.content.models import General

# A service word may differ by a typo only when it is this long (one word), or when every
# word of a phrase is this long (several words): shorter words become everyday words
# with a letter or two changed ("regels" and "regelen", "vervoeren" and "verloren").
_MIN_FUZZY_SINGLE = 10
_MIN_FUZZY_WORD = 6


@dataclass(frozen=True)
class Topic:
    # How a sentence names it: "Over {name} weet ik niets."
    name: str
    # Phrases separated by "|"; see the module docstring for `*` and `+`.
    phrases: str
    # Service words that come with this topic and do not point to a service here.
    context: tuple[str, ...] = ()
    # Phrases that make the topic's words mean something else: "naar de dokter" asks
    # for a ride, "identiteitskaart meebrengen" what a service asks for.
    unless: str = ""


_HOME = (
    "huis",
    "huurhuis",
    "woning",
    "appartement",
    "studio",
    "kot",
    "huur",
    "huren",
    "verhuurder",
    "eigenaar",
    "huisbaas",
    "kamer",
    "makelaar",
    "immoweb",
    "huurcontract",
    "woonst",
    "immo",
    "immokantoor",
)

# The order matters: the first topic found names the reply, so specific topics come first.
TOPICS: dict[str, Topic] = {
    "huur": Topic(
        "hulp met de huur",
        """
        huurwaarborg* | huurwaarbog* | huurwaaborg* | huurwarborg* | huur waarborg* | huurborg* |
        waarborg* | waarbog* | warborg* | huurgarantie* | borg + huur | huurpremie* | huurpremi |
        huurpermie* | huur premie* | huursubsidie* | huur subsidie* | huurtoelage* | huurtoeslag* |
        huur toelage* | huurachterstal* | huurachterstand* | huurschuld* | huurgeld* | huishuur* |
        uithuiszetting* | uitzetting* | huur + betalen | huur + betaal | huur + betaald |
        huur + betaalen | huur + betale | huur + geld | huur + ocmw | huur + cpas |
        huur + sociaal huis | huur + achterstal | huur + achterstand | huur + voorschiet* |
        huur + voorgeschoten | huur + schiet* + voor | huur + voorschot | huur + te duur |
        huur + te hoog | huren + betalen | huurprijs + betalen | huurprijs + betaal |
        huurprijs + te duur | huurprijs + te hoog | huurprijs + geld
        """,
        _HOME,
    ),
    "sociale_woning": Topic(
        "sociale woningen",
        """
        sociale woning* | sociaal woning* | socialewoning* | sociale wooning* | sociale wonig* |
        sociale woonst* | sociale huurwoning* | sociale huur woning* | sociaal appartement* |
        sociale appartement* | sociale flat* | sociale huisvesting* | sociaal wonen |
        sociale huur | sociale huurder* | sociaal huurder* | sociaal verhuurkantoor* |
        sociale verhuurkantoor* | svk | woonpunt* | huisvestingsmaatschappij* |
        huisvesting maatschappij* | woonmaatschappij* | wachtlijst* + woning* |
        wachtlijst* + huis | wachtlijst* + appartement* | wachtlijst* + woonst |
        wachtlijst* + sociale | wachtlyst* + woning* | op de wachtlijst* + sta |
        op de wachtlijst* + staan | wachtlijst* + jaren
        """,
        _HOME,
    ),
    "dokter": Topic(
        "dokters en medicijnen",
        """
        dokter* | doktor* | docter* | doktur* | dokteur* | docteur* | dockter* | huisarts* |
        huisdokter* | huisdoktor* | tandarts* | oogarts* | kinderarts* | arts | artsen |
        wachtdienst* | wachtpost* | medicijn* | medecijn* | medicyn* | medisijn* | medicament* |
        medicatie* | pillen | apotheek* | apoteek* | apotheker* | voorschrift* | ziekenfonds* |
        mutualiteit* | mutualitijt* | mutualitet* | mutuel* | ziekteverzekering* |
        ziekenhuisfactu* | ziekenhuisrekening* | ziekenhuis + factu* | ziekenhuis + rekening* |
        ziekenhuis + betalen | medische kaart* | medische kosten | dringende medische hulp |
        verhoogde tegemoetkoming | remgeld | terugbetaling* | ziektebriefje* | omnio*
        """,
        unless="""
        naar de dokter* | naar den dokter* | naar dokter* | naar de docter* | naar de doktor* |
        naar de dokteur* | naar de huisarts* | naar den huisarts* | naar huisarts* |
        naar de huisdokter* | naar den huisdokter* | naar de tandarts* | naar den tandarts* |
        naar de oogarts* | naar den oogarts* | naar de kinderarts* | naar de arts |
        naar de apotheek* | naar den apotheker* | naar de apotheker* | naar het ziekenhuis |
        naar de wachtpost*
        """,
    ),
    "pensioen": Topic(
        "je pensioen",
        """
        pensio* | pensjo* | pensoen* | pensiun* | pensieon* | penshioen* | pentsioen* | *pensioen |
        *pensioenen | gepensioneerd* | gepensionneerd* | inkomensgarantie* | igo | grapa |
        inkomensgarantie voor ouderen | ouderdomsuitkering* | mypension | sfpd
        """,
    ),
    "eten": Topic(
        "hulp met eten",
        """
        honger* | honnger* | hongr* | voedsel* | voedsl* | voedingspakket* | voedingsbank* |
        voedselhulp | sociale kruidenier* | sociaale kruidenier* | sociale kruidenir* |
        kruidenier* | kruidenir* | sociale supermarkt* | sociale winkel* | restjesmarkt* |
        heb geen eten | kheb geen eten | k heb geen eten | hebben geen eten | heb gene eten |
        heb niks te eten | niks te eten | niets te eten | nix te eten | niks om te eten |
        niets om te eten | niks meer te eten | niets meer te eten | geen eten meer |
        gene eten meer | geen eten in huis | geen eten thuis | eten kopen | eten te kopen |
        geld voor eten | frigo is leeg | frigo leeg | koelkast is leeg | ijskast is leeg |
        eten + uitdelen | eten + uitgedeeld | eten + delen + uit
        """,
        ("huis",),
    ),
    "schulden": Topic(
        "schulden",
        """
        schulden* | schulde | schuldn | schullden | heb een schuld | een schuld van | schuld bij |
        schuldbemiddel* | schuldenregeling* | schuldhulp* | schuldeiser* | deurwaarder* |
        deurwaader* | deuwaarder* | deurwarder* | deurwaardr* | huissier* | loonbeslag* | beslag |
        beslagname | incasso* | aanmaning* | ingebrekestelling* | afbetaling* | budgetbeheer* |
        budget beheer* | budgetbegeleiding* | budget begeleiding* | budgethulp |
        rekeningen niet betalen | rekeningen nie betalen | rekeningen ni betalen |
        rekeningen niet meer betalen | rekeningen ni meer betalen | rekeningen nie meer betalen |
        facturen niet betalen | facturen ni betalen | facturen niet meer betalen |
        openstaande rekening* | openstaande factu* | achterstallige rekening* |
        achterstallige factu* | sta rood | rood staan
        """,
    ),
    "groeipakket": Topic(
        "kindergeld",
        """
        groeipakket* | groeipaket* | groepakket* | groei pakket* | groeipakt | kindergel* |
        kinder geld | kinderbijslag* | kinderbyslag* | kinderbijslach | schooltoeslag* |
        school toeslag | geboortepremie* | geboortepakket* | kraamgeld | startbedrag* |
        kinderpremie* | infino | kidslife | myfamily | parentia | geld voor mijn kinderen |
        geld voor de kinderen | geld voor mijn kind | kinderopvangtoeslag*
        """,
    ),
    "studie": Topic(
        "geld voor school of studie",
        """
        studietoelage* | studie toelage* | studiebeurs* | studie beurs* | studiebeurzen |
        schooltoelage* | school toelage* | studiefinanciering | schoolrekening* | schoolfactu* |
        schoolkosten | schoolgeld | inschrijvingsgeld | beurs voor school |
        beurs voor mijn studie* | beurs + studeren | studeren + geld | studie + geld
        """,
    ),
    "werk": Topic(
        "werk en werkloosheid",
        """
        werkloos* | werkloze* | werklozen | vdab | rva | onem | stempelgeld | stempelen | dop |
        c4 | ontslag* | ontslaan | werk zoeken | werk zoek | zoek werk | zoek een werk |
        zoek ander werk | werk vinden | geen werk | gene werk | werk kwijt | werk verloren | job* |
        sollicit* | solicit* | interim* | uitzendkantoor* | uitzendbureau* | werkgever* |
        mijn loon | loon niet betaald | artikel 60 | art 60 | kan niet werken | kan nie werken |
        kan ni werken | kan niet meer werken | kan ni meer werken
        """,
    ),
    "papieren": Topic(
        "je papieren",
        """
        mijn papieren | mijn papiere | mijne papieren | men papieren | me papieren |
        geen papieren | zonder papieren | papieren in orde | papieren + gemeente |
        papieren van de stad | papier van de stad | paperassen | verblijfs* | verblyfs* |
        verblijfkaart* | verblijfvergunning* | identiteitskaart* | identiteitkaart* |
        identieteitskaart* | identiteits* | identiteit | id kaart* | idkaart* | e id | eid kaart* |
        eidkaart* | pincode + eid | kids id | paspoort* | pasport* | rijbewijs* |
        rijbewys* | oranje kaart | vreemdelingen* | dvz | asiel* | nationaliteit* |
        naturalisatie* | gezinshereniging* | gezinsherening* | regularisatie* | domicilie* |
        adreswijziging* | adres veranderen | adres wijzigen | geboorteakte* | huwelijksakte* |
        trouwboekje* | attest* | uittreksel* | gezinssamenstelling*
        """,
        unless="""
        meebrengen | meenemen | mee brengen | mee nemen | meepakken | tonen | laten zien |
        bijhebben | bij hebben
        """,
    ),
    "openbaar_vervoer": Topic(
        "bus, tram en trein",
        """
        delijn | de lijn + bus | de lijn + tram* | de lijn + abonnement* | de lijn + korting |
        de lijn + gratis | de lijn + kaart* | de lijn + ticket* | met de lijn | van de lijn |
        bij de lijn | busabonnement* | bus abonnement* | buskaart* | busticket* | bus ticket* |
        buzzy pazz | buzzypazz | buzzy pass | omnipas* | mobib* | treinkaart* | treinticket* |
        treinabonnement* | nmbs | sncb | tramkaart* | dienstregeling* | uurrooster* + bus |
        uurrooster* + tram | uurrooster* + trein* | bus + korting | bus + kost | bus + kosten |
        bus + prijs | bus + gratis | bus + abonnement* | bus + ticket* | bus + geld |
        bus + betalen | bus + hoe laat | bus + welke | bus + lijn | tram + korting | tram + kost |
        tram + gratis | tram + hoe laat | trein* + korting | trein* + kost | trein* + gratis |
        trein* + hoe laat | trein* + ticket* | trein* + abonnement*
        """,
        ("bus", "tram"),
    ),
    "advocaat": Topic(
        "advocaten en de rechter",
        """
        advocaat* | advokaat* | avocaat* | advocaten | pro deo | prodeo | juridisch* | juridies* |
        rechtshulp* | rechtsbijstand* | justitiehuis | vrederechter* | vredegerecht* | rechtbank* |
        rechter | rechters | dagvaarding* | jurist* | wetswinkel* | scheiden | scheiding |
        echtscheiding* | voogdij* | omgangsrecht*
        """,
    ),
    # Before energy: a letter about the gas bill is still a letter, and "GAS-boete" a fine.
    "brief": Topic(
        "brieven, belastingen en boetes",
        """
        brief* | breif* | brieven | brievn | *belasting | *belastingen | belasting* | belastinge* |
        belasing* | belastig* | taks | taxen | tax on web | taxonweb | aanslagbiljet* | aangifte* |
        fod financien | financien | boete* | *boete | *boetes | boet | pv | proces verbaal |
        formulier* | onroerende voorheffing | voorheffing | kadaster | snelheidsboete* |
        boete* + rijden | boete* + gereden | boete* + auto | boete* + parkeren |
        boete* + geparkeerd | boete* + bus
        """,
    ),
    "energie": Topic(
        "gas, stroom en water",
        """
        energie* | enrgie* | energy | elektriciteit* | electriciteit* | elektrisiteit* |
        electrisiteit* | elektriciteid | elektriek* | electriek* | stroom | stroomfactu* |
        stroomrekening* | gas | gaz | gasfactu* | gasrekening* | gasmeter* | geen water |
        water + factu* | water + rekening* | water + afgesloten | water + afsluiten |
        water + betalen | water + meter* | waterfactu* | waterrekening* | watermeter* |
        licht + afgesloten | licht + afsluiten | geen licht | budgetmeter* | fluvius | eandis |
        engie | electrabel | luminus | totalenergies | pidpa | farys | water link | waterlink |
        watergroep | verwarming* | chauffage | stookolie* | mazout* | sociaal tarief | meterstand*
        """,
    ),
    # Last: money in general, when nothing more specific was named.
    "geld": Topic(
        "hulp met geld",
        """
        ocmw* | o c m w | ocwm | ocmv | cpas | sociaal huis | sociale huis | sociaal huus |
        sociale dienst* | leefloon* | leeflon* | leefloom | lefloon* | leefgeld | bestaansminimum |
        uitkering* | uitkeering* | uitkerin | noodfonds | armoede | geldzorgen | geldproblemen |
        geld problemen | geldprobleem | financiele hulp | financiele steun | financiele problemen |
        financieel | financiel | financiele | lening* | krediet* | geld lenen | ik heb geen geld |
        heb geen geld | heb gene geld | kheb geen geld | k heb geen geld | hebben geen geld |
        geen geld meer | gene geld meer | geen geld voor | gene geld voor | geen geld om |
        heb geen cent | heb geen centen | geen cent meer | heb geen rooie cent | niet genoeg geld |
        nie genoeg geld | ni genoeg geld | te weinig geld | heb weinig geld | zit zonder geld |
        zitten zonder geld | sta zonder geld | geld tekort | geld te kort | tekort aan geld |
        ik heb geld nodig | heb geld nodig | kheb geld nodig | hebben geld nodig |
        heb dringend geld nodig | geld van de stad | hulp met geld | hulp bij geld | rondkomen |
        rond te komen | kom niet rond | kom nie rond | kom ni rond | komen niet rond |
        komen nie rond | komen ni rond | tussenkomst | geen inkomen | gene inkomen |
        zonder inkomen | laag inkomen | klein inkomen | inkomen te laag | krijg ik geld |
        kan ik geld krijgen | geld krijgen | begrafenis* + betalen | begrafenis* + betaalt |
        begrafenis* + kosten | begrafenis* + geld
        """,
    ),
}


@dataclass(frozen=True)
class _Word:
    """One word of a phrase: the word itself, or a word that starts, ends or contains so."""

    text: str
    front: bool = False
    back: bool = False

    @classmethod
    def parse(cls, raw: str) -> _Word:
        return cls(raw.strip("*"), front=raw.startswith("*"), back=raw.endswith("*"))

    def fits(self, word: str) -> bool:
        if self.front and self.back:
            return self.text in word
        if self.back:
            return word.startswith(self.text)
        if self.front:
            return word.endswith(self.text)
        return word == self.text


@dataclass(frozen=True)
class _Phrase:
    words: tuple[_Word, ...]
    # Its whole words, to skip a message that lacks one without scanning it.
    plain: frozenset[str]

    @classmethod
    def parse(cls, raw: str) -> _Phrase:
        # normalise() would drop the stars, so each word is normalised on its own.
        parsed = (_Word.parse(w) for w in raw.split())
        words = tuple(_Word(normalise(w.text), w.front, w.back) for w in parsed)
        return cls(words, frozenset(w.text for w in words if not (w.front or w.back)))

    def spans(self, words: Sequence[str], present: frozenset[str]) -> list[range]:
        """Where the phrase occurs, as ranges of word positions."""
        if not self.plain <= present:
            return []
        size = len(self.words)
        if size == 1:
            only = self.words[0]
            return [range(i, i + 1) for i, word in enumerate(words) if only.fits(word)]
        return [
            range(i, i + size)
            for i in range(len(words) - size + 1)
            if all(p.fits(w) for p, w in zip(self.words, words[i : i + size], strict=True))
        ]


def _fuzzy_allowed(key: str) -> bool:
    words = key.split()
    if len(words) == 1:
        return len(key) >= _MIN_FUZZY_SINGLE
    return all(len(word) >= _MIN_FUZZY_WORD for word in words)


def _parse(phrases: str) -> list[list[_Phrase]]:
    """Each phrase as the list of parts that must all occur."""
    found = (phrase.strip() for phrase in phrases.split("|"))
    return [[_Phrase.parse(part) for part in phrase.split(" + ")] for phrase in found if phrase]


@cache
def _compiled() -> dict[str, tuple[list[list[_Phrase]], list[list[_Phrase]]]]:
    """Per topic, its phrases and its `unless` phrases."""
    return {key: (_parse(topic.phrases), _parse(topic.unless)) for key, topic in TOPICS.items()}


def _topic_spans(
    words: Sequence[str], present: frozenset[str], phrases: list[list[_Phrase]]
) -> list[range]:
    """The words the topic's matching phrases cover; empty when none matches."""
    covered: list[range] = []
    for parts in phrases:
        found: list[range] = []
        for part in parts:
            spans = part.spans(words, present)
            if not spans:
                break
            found += spans
        else:
            covered += found
    return covered


def _unmasked_runs(words: Sequence[str], covered: Iterable[range]) -> list[list[str]]:
    """The stretches of the message outside the adjacent phrases."""
    masked = {i for span in covered for i in span}
    runs: list[list[str]] = [[]]
    for i, word in enumerate(words):
        if i in masked:
            runs.append([])
        else:
            runs[-1].append(word)
    return [run for run in runs if run]


def _names_service(runs: list[list[str]], service_words: Iterable[str], context: set[str]) -> bool:
    keys = {normalise(word) for word in service_words} - context - {""}
    fuzzy = {key: True for key in keys if _fuzzy_allowed(key)}
    exact = {key: True for key in keys if key not in fuzzy}
    texts = [" ".join(run) for run in runs]
    return any(find_term(text, fuzzy) or find_term(text, exact, fuzzy=False) for text in texts)


def find_adjacent(text: str, service_words: Iterable[str] = ()) -> str | None:
    """The adjacent topic the message is about (a key of `TOPICS`), or None.

    None also when a service word stands outside the topic's phrases: then that
    service is the answer (see the module docstring for the whole rule).
    """
    words = normalise(text).split()
    if not words:
        return None
    present = frozenset(words)
    matched: list[str] = []
    covered: list[range] = []
    for key, (phrases, unless) in _compiled().items():
        spans = _topic_spans(words, present, phrases)
        if spans and not _topic_spans(words, present, unless):
            matched.append(key)
            covered.extend(spans)
    if not matched:
        return None
    context = {normalise(word) for key in matched for word in TOPICS[key].context}
    if _names_service(_unmasked_runs(words, covered), service_words, context):
        return None
    return matched[0]


def adjacent_reply(general: General, topic: str) -> list[Reply]:
    """Two short messages: the assistant cannot help with this, and where a person can.

    The Sociaal Huis is named with what is known of it (never a guessed number), then
    the city's free number and the call-back button.
    """
    known = TOPICS.get(topic)
    cannot = f"Over {known.name} weet ik niets. " if known else ""
    office = general.social
    where = f"Ga langs bij {office.name}"
    where += f": {office.address.text}." if office.address.known else "."
    if office.phone.known:
        where += f" Je kan hen ook bellen: {office.phone.text}."
    contact = contact_reply(general)
    buttons = contact.buttons if CALLBACK_BUTTON in contact.buttons else (CALLBACK_BUTTON,)
    return [
        Reply(f"{cannot}Daar kan ik je niet mee helpen."),
        Reply(f"{where} {contact.text}", buttons),
    ]
