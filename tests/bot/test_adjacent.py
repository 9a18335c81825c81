"""Adjacent social questions are recognised, and never taken for a service question.

The examples are written the way residents of Mechelen write: short, Flemish, with
typos. They are not copied from the training data.
"""

from __future__ import annotations

import re
import time

import pytest
import yaml

from bot.adjacent import TOPICS, adjacent_reply, find_adjacent
from bot.content.answers import CALLBACK_BUTTON
from bot.content.loader import Catalogue, load_catalogue
from bot.content.models import General
from bot.settings import PROJECT_ROOT
from tests.bot.test_plain_language import problems

CONTENT = PROJECT_ROOT / "data" / "content"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(CONTENT)


@pytest.fixture(scope="module")
def service_words(catalogue: Catalogue) -> list[str]:
    """What ties a message to a service: its words, its name, its places and their aliases."""
    return [
        word
        for service in catalogue.services.values()
        for word in (
            service.name,
            *service.words,
            *(name for loc in service.locations for name in (loc.name, *loc.aliases)),
        )
    ]


ADJACENT = {
    "huur": [
        "ik kan mijn huur ni meer betalen",
        "kan het ocmw mijn huur betaalen deze maand",
        "geld voor de huur",
        "hoe krijg ik een huurwaarborg",
        "waar vraag ik de huurwaarbog aan",
        "heb geen geld voor de waarborg van mijn appartement",
        "krijg ik een huurpremie",
        "huur premie aanvragen aub",
        "mijn huur is te duur geworden",
        "ik heb huurachterstal en de verhuurder is kwaad",
        "de huurprijs is omhoog en ik kan da ni betalen",
        "wie schiet mijn huur voor",
        "Mijn huur niet betaald, wat nu?",
    ],
    "sociale_woning": [
        "ik wil een sociale woning",
        "hoe lang is de wachtlijst voor een sociale woning",
        "inschrijven voor sociaal appartement",
        "ik sta al 5 jaar op de wachtlijst voor een woning",
        "socialewoning aanvragen",
        "hoe kom ik aan een sociale huurwoning",
        "woonpunt mechelen adres",
        "kan ik bij het sociaal verhuurkantoor terecht",
        "zijn er sociale woningen vrij in mechelen",
    ],
    "pensioen": [
        "wanneer komt mijn pensioen",
        "mijn pensioen is nog ni gestort",
        "mijne pensjoen is te laag",
        "hoeveel pensioen krijg ik",
        "ik ben 66 wanneer ga ik op pensioen",
        "waar vraag ik mijn rustpensioen aan",
        "weduwepensioen aanvragen",
        "krijg ik de inkomensgarantie voor ouderen",
        "vraag over mijn pensioenen",
        "pensioun van mijn man",
    ],
    "eten": [
        "ik heb honger",
        "kheb honger en geen geld",
        "waar is de voedselbank",
        "hoe krijg ik een voedselpakket",
        "voedselpakketten mechelen",
        "waar is de sociale kruidenier",
        "ik heb niks te eten voor mijn kinderen",
        "k heb geen eten meer",
        "wij hebben niets meer te eten",
        "geen geld om eten te kopen",
        "mijn frigo is leeg",
        "waar wordt er eten uitgedeeld",
    ],
    "dokter": [
        "ik zoek een huisarts",
        "ik zoek een nieuwe huisdokter",
        "ik heb geen dokter",
        "mijn medicijnen zijn te duur",
        "wie betaalt mijn medicatie",
        "welke apotheek is van wacht",
        "ik heb een rekening van het ziekenhuis die ik ni kan betalen",
        "ziekenhuisfactuur betalen in schijven",
        "hoe word ik lid van een ziekenfonds",
        "mutualiteit betaalt niet terug",
        "ik heb een tandarts nodig maar het is te duur",
        "kan ik een medische kaart krijgen",
        "dokteur zegt ik moet rusten",
    ],
    "schulden": [
        "ik heb veel schulden",
        "ik heb veel schulden en de deurwaarder is geweest",
        "de deurwaader staat aan de deur",
        "ik kan mijn rekeningen ni meer betalen",
        "wie kan mij helpen met budgetbeheer",
        "ik wil in budgetbegeleiding",
        "collectieve schuldenregeling aanvragen",
        "ik kreeg een aanmaning van een incassobureau",
        "er ligt beslag op mijn loon",
        "ik wil een afbetalingsplan",
        "schulde bij de bank",
    ],
    "energie": [
        "mijn elektriciteit wordt afgesloten",
        "ik kan mijn energiefactuur ni betalen",
        "mijn gas is afgesloten",
        "fluvius wil een budgetmeter plaatsen",
        "de elektriek is te duur",
        "waterfactuur veel te hoog",
        "ze gaan mijn water afsluiten",
        "geen verwarming in de winter",
        "hoe krijg ik het sociaal tarief",
        "stookolie is te duur",
    ],
    "groeipakket": [
        "wanneer komt het groeipakket",
        "mijn kindergeld is niet gestort",
        "kinderbijslag aanvraag",
        "ik heb geen groeipaket gekregen",
        "schooltoeslag voor mijn zoon",
        "geboortepremie aanvragen",
    ],
    "studie": [
        "hoe vraag ik een studietoelage aan",
        "studiebeurs voor mijn dochter",
        "ik kan de schoolrekening niet betalen",
        "schooltoelage aanvragen",
    ],
    "werk": [
        "ik ben werkloos",
        "ik ben mijn werk kwijt",
        "hoe schrijf ik mij in bij de vdab",
        "mijn uitkering van de rva is niet betaald",
        "ik zoek werk",
        "ik zoek een job als poetsvrouw",
        "ik ben ontslagen wat nu",
        "waar vind ik een interimkantoor",
        "ik wil solliciteren",
    ],
    "papieren": [
        "mijn verblijfskaart is vervallen",
        "hoe verleng ik mijn verblijfsvergunning",
        "ik ben mijn identiteitskaart kwijt",
        "nieuwe id kaart aanvragen",
        "mijn paspoort is gestolen",
        "ik heb geen papieren",
        "ik wil de belgische nationaliteit",
        "gezinshereniging voor mijn vrouw",
        "ik heb een attest van gezinssamenstelling nodig",
        "rijbewijs verloren",
    ],
    "brief": [
        "ik heb een brief van de belastingen gekregen",
        "ik snap die brief niet",
        "brief van de stad wat moet ik doen",
        "wie kan mijn belastingbrief invullen",
        "ik moet mijn belastingaangifte doen",
        "ik kreeg een gas boete",
        "parkeerboete betalen",
        "ik heb een boete gekregen voor te snel rijden",
        "aanslagbiljet niet begrepen",
        "kan iemand mij helpen met een formulier",
    ],
    "openbaar_vervoer": [
        "hoeveel kost een busabonnement",
        "krijg ik korting op de bus",
        "is de bus gratis voor 65 plussers",
        "hoe laat komt de bus naar het station",
        "abonnement van de lijn",
        "treinkaart goedkoper",
    ],
    "advocaat": [
        "ik zoek een advocaat",
        "kan ik een pro deo advocaat krijgen",
        "ik moet naar de rechtbank",
        "ik wil scheiden",
        "ik kreeg een dagvaarding",
        "juridisch advies nodig",
    ],
    "geld": [
        "kan ik geld krijgen van het ocmw",
        "hoe vraag ik leefloon aan",
        "mijn leeflon is nog niet gestort",
        "ik heb geen geld meer",
        "kheb gene geld meer tot het einde van de maand",
        "ik kom ni rond",
        "ik heb geld nodig",
        "waar is het sociaal huis",
        "ik heb financiele hulp nodig",
        "ocmw afspraak maken",
        "wij zitten zonder geld",
        "ik heb een lening nodig",
        "ik heb geen inkomen",
        "wie betaalt de begrafenis van mijn man",
    ],
}

# Service questions, some with words an adjacent topic also uses: never a topic.
SERVICE_QUESTIONS = [
    # the precedence examples of the issue
    "geen geld voor maandverband",
    "vervoer naar de dokter",
    "warm eten in het dienstencentrum",
    "ik zoek een huis om te huren",
    # free menstrual products
    "ik heb geen geld voor tampons",
    "zijn er gratis maandverbanden in het sociaal huis",
    "liggen er tampons bij het ocmw",
    "mag ik maandverband nemen als ik geen papieren heb",
    "ik heb weinig geld, waar vind ik gratis maandverband",
    "moet ik mijn identiteitskaart tonen",
    # rides
    "kan iemand mij naar de dokter voeren",
    "kan er iemand mijn moeder naar de huisarts brengen",
    "wie brengt mij naar het ziekenhuis",
    "ik moet naar de tandarts maar ik kan ni stappen",
    "rit naar de apotheek",
    "kan ik een rit krijgen, ik heb een klein pensioen",
    "mag ik bij de minder mobielen centrale als ik leefloon heb",
    "chauffeur nodig voor mijn controle in het ziekenhuis",
    "ik kan de bus niet nemen",
    # service centres
    "mag ik met mijn pensioen in het dienstencentrum komen eten",
    "is er een dienstencentrum in de buurt",
    "waar is den abeel",
    "ik ben eenzaam sinds mijn pensioen",
    "kan ik goedkoop warm eten als ik weinig geld heb in den deigem",
    "is de maaltijd duur",
    # Woonclub
    "ik zoek een appartement",
    "kan de woonclub mij helpen, ik heb een leefloon",
    "helpt de woonclub ook als ik een ocmw uitkering heb",
    "ik zoek een huurhuis met de woonclub, de huur mag niet te duur zijn",
    "kunnen ze mijn huurcontract lezen",
    "woonklub telefoon",
    # follow-ups and other words that are no topic
    "hoeveel kost dat",
    "kost da geen geld",
    "is het gratis",
    "hoe werkt dat",
    "hoe werk dat",
    "wat is hun telefoon",
    "waarvoor dient dat",
    "mijn dochter ook",
    "moet ik papieren meebrengen",
    "moet ik mijn identiteitskaart meebrengen",
    "en morgen",
    "waar is da",
    "goedemorgen",
    "ik wil iemand aan de lijn",
    "ik wil een echte mens spreken",
    "is het later open",
    "iemand jonger mag ook komen",
    "moet ik dat regelen",
    "",
    "!!!",
]


@pytest.mark.parametrize(
    ("text", "topic"),
    [(text, topic) for topic, texts in ADJACENT.items() for text in texts],
)
def test_adjacent_questions_get_their_topic(
    text: str, topic: str, service_words: list[str]
) -> None:
    assert find_adjacent(text, service_words) == topic


@pytest.mark.parametrize("text", SERVICE_QUESTIONS)
def test_service_questions_get_no_topic(text: str, service_words: list[str]) -> None:
    assert find_adjacent(text, service_words) is None


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        # A specific adjacent phrase beats a generic service word inside it.
        ("geld voor de huur van mijn appartement", "huur"),
        ("huur niet betalen", "huur"),
        ("ik heb geen geld voor de huurwaarborg van mijn nieuw huis", "huur"),
        ("krijg ik huurpremie voor mijn studio", "huur"),
        ("ik wil een sociale woning", "sociale_woning"),
        ("hoe lang duurt de wachtlijst voor een sociaal appartement", "sociale_woning"),
        ("rekening van het ziekenhuis", "dokter"),
        ("krijg ik korting op de bus", "openbaar_vervoer"),
        ("ik heb geen eten meer in huis", "eten"),
        # "huisdokter" is one word: no "huis" of the Woonclub in it.
        ("ik zoek een huisdokter", "dokter"),
        ("mijne huisdokter is met pensioen", "dokter"),
    ],
)
def test_adjacent_phrase_beats_service_word_inside_it(
    text: str, topic: str, service_words: list[str]
) -> None:
    assert find_adjacent(text, service_words) == topic


def test_the_service_words_decide() -> None:
    # Without the catalogue's words the topic stands; with them the service answers.
    assert find_adjacent("geen geld voor maandverband") == "geld"
    assert find_adjacent("geen geld voor maandverband", ["maandverband"]) is None
    assert find_adjacent("pensioen en dienstencentrum", ["dienstencentrum"]) is None


def test_a_typo_in_a_long_service_word_still_counts() -> None:
    assert find_adjacent("geen geld voor maandverbanden", ["maandverband"]) is None
    # A short word only counts exactly: "regelen" is not the menstruation word "regels".
    assert find_adjacent("ik moet mijn pensioen regelen", ["regels"]) == "pensioen"


def test_specific_topics_come_before_money() -> None:
    assert list(TOPICS)[-1] == "geld"
    assert find_adjacent("ik heb geen geld voor eten") == "eten"
    assert find_adjacent("het ocmw wil mijn huur niet betalen") == "huur"


def test_the_issue_names_these_topics() -> None:
    expected = {"geld", "pensioen", "eten", "dokter", "brief", "sociale_woning", "papieren"}
    expected |= {"schulden", "energie", "groeipakket", "werk"}
    assert expected <= set(TOPICS)


def _examples(intent_prefix: str) -> list[str]:
    found = []
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if str(item.get("intent", "")).startswith(intent_prefix):
                for line in item["examples"].splitlines():
                    text = re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", line.strip()[2:])
                    found.append(text)
    return found


def test_no_service_training_example_is_taken_for_an_adjacent_question(
    service_words: list[str],
) -> None:
    examples = _examples("ask_")
    assert len(examples) > 100
    wrong = {text: topic for text in examples if (topic := find_adjacent(text, service_words))}
    assert not wrong


# What a resident reads.


def _with_social_phone(general: General, number: str | None) -> General:
    phone = general.social.phone.copy(update={"text": number})
    return general.copy(update={"social": general.social.copy(update={"phone": phone})})


def test_reply_says_it_cannot_help_and_where_a_person_can(catalogue: Catalogue) -> None:
    replies = adjacent_reply(catalogue.general, "pensioen")
    assert len(replies) <= 2
    assert replies[0].text.startswith("Over je pensioen weet ik niets.")
    assert "niet mee helpen" in replies[0].text
    last = replies[-1]
    assert "Sociaal Huis" in last.text and "Lange Schipstraat 27" in last.text
    assert "0800 20 800" in last.text
    assert CALLBACK_BUTTON in last.buttons
    # No age note on the city's own number, and no made-up number for the Sociaal Huis.
    everything = " ".join(r.text for r in replies)
    assert "Let op" not in everything
    assert re.findall(r"\d[\d ]{5,}\d", everything) == ["0800 20 800"]


def test_reply_gives_the_sociaal_huis_number_once_it_is_known(catalogue: Catalogue) -> None:
    general = _with_social_phone(catalogue.general, "015 00 00 00")
    text = adjacent_reply(general, "schulden")[-1].text
    assert "015 00 00 00" in text and "0800 20 800" in text


def test_an_unknown_topic_still_gets_the_way_to_a_person(catalogue: Catalogue) -> None:
    replies = adjacent_reply(catalogue.general, "iets anders")
    assert replies[0].text == "Daar kan ik je niet mee helpen."
    assert CALLBACK_BUTTON in replies[-1].buttons


@pytest.mark.parametrize("number", [None, "015 00 00 00"])
def test_every_reply_is_plain_dutch(catalogue: Catalogue, number: str | None) -> None:
    general = _with_social_phone(catalogue.general, number)
    texts = [r.text for topic in [*TOPICS, "iets anders"] for r in adjacent_reply(general, topic)]
    failing = {text: found for text in texts if (found := problems(text))}
    assert not failing
    # One idea per message and short sentences: at most four sentences in a bubble.
    assert all(len(re.findall(r"[.?!](?:\s|$)", text)) <= 4 for text in texts)


def test_catalogue_keeps_the_sociaal_huis_phone_unknown(catalogue: Catalogue) -> None:
    social = catalogue.general.social
    assert social.name == "het Sociaal Huis"
    assert social.address.text == "Lange Schipstraat 27"
    assert not social.phone.known and "not found" in social.phone.source


def test_speed(service_words: list[str]) -> None:
    # Runs on every message; a slow matcher would show in the response time.
    texts = [t for ts in ADJACENT.values() for t in ts] + SERVICE_QUESTIONS
    start = time.perf_counter()
    for text in texts:
        find_adjacent(text, service_words)
    assert (time.perf_counter() - start) / len(texts) < 0.02
