"""Noticing a message written in another language than Dutch.

A newcomer who writes French, English, Arabic, Turkish, Polish or Romanian gets one short
fixed reply in that language: the assistant speaks Dutch, the city's number is free, and the
"Bel mij terug" button still works. Getting this wrong the other way is worse: a Flemish
resident who gets a reply in French for "ok merci" loses trust. So the detector leans hard
towards Dutch:

- Arabic script is recognised by its Unicode range, even in a single word; no statistics
  are needed and none would help on one word.
- Words that Flemish residents use every day although they come from French or English
  ("merci", "sorry", "please", "allez", "cava"), interjections, and place names say nothing
  about the writer's language. They are set aside before anything is counted.
- One distinctly Dutch or Flemish word ("ik", "wa", "ge", "hoeveel", "nen") or pair ("is da")
  keeps the message Dutch. The word lists leave out words that are also common in one of the
  other languages ("da" is Romanian for yes, "nie" Polish for not, "ben" Turkish for I).
- What remains must be at least `MIN_WORDS` words, and two signals must agree. The
  statistical detector (lingua, restricted to these languages plus Dutch; its models ship
  inside the wheel) ranks one language first, and the words include everyday words of that
  language: one is enough when lingua's confidence is at least `MIN_CONFIDENCE`, otherwise
  `MIN_WORDS` are needed ("can you help me": lingua hesitates on short English, as English
  and Dutch share so many letter sequences). Names alone ("Fatma Yilmaz", "Ion Popescu")
  have no everyday words, so an answer to "Hoe heet je?" never counts as another language.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from lingua import Language, LanguageDetectorBuilder

LANGUAGES: tuple[str, ...] = ("fr", "en", "ar", "tr", "pl", "ro")

# Fewer words than this (after setting aside loanwords and names) stay Dutch: "ok merci".
MIN_WORDS = 2
# lingua's confidences add up to 1 over the seven languages. Short Flemish without any of the
# Dutch words below scores up to about 0.5 for a wrong language ("mama is dement": 0.47
# French); a newcomer's short question 0.5-1.0. With a single everyday word of the language
# as the second signal, 0.6 keeps a margin on the Flemish side.
MIN_CONFIDENCE = 0.6
# Longer messages add nothing to the decision and only cost time.
MAX_CHARS = 500

_LINGUA_CODES: dict[Language, str] = {
    Language.FRENCH: "fr",
    Language.ENGLISH: "en",
    Language.TURKISH: "tr",
    Language.POLISH: "pl",
    Language.ROMANIAN: "ro",
}

_ARABIC_RANGES = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# All word lists are lowercase without accents ("oke" matches "oké", "lazim" "lazım").
_NEUTRAL_PHRASES = tuple(
    tuple(phrase.split())
    for phrase in (
        "thank you",
        "thanks a lot",
        "no problem",
        "my bad",
        "oh my god",
        "never mind",
        "see you",
        "you too",
        "good job",
        "c est bon",
        "c est la vie",
        "merci beaucoup",
        "bon appetit",
        "ca va",
        "a demain",
        "a plus",
        "s il vous plait",
        "s il te plait",
    )
)
_NEUTRAL_WORDS = _words(
    # Loanwords every Flemish resident uses.
    "merci mercikes sorry sori sorryy please pls plz ok oke okay okey okido okidoki oki "
    "allez allee alle allei bon cava sava salut salu salukes ciao tchao hallo hello allo alo "
    "hi hey hoi yes yep yup jep jup thanks thx tnx super top nice cool perfect chapeau "
    "madame mevrouw meneer monsieur pardon excuse excuseer voila bye daag dag check nope "
    "sure problem probleem appetit beaucoup trop "
    # Interjections and laughter.
    "ah aha oh oei oeps oef eh he hey ha haha hahaha hihi hm hmm pff pfff lol xd mmm amai "
    "amaai wauw wow "
    # Names that belong to no language.
    "mechelen malines mecheln belgie belgium belgique belcika belgia antwerpen anvers "
    "antwerp brussel bruxelles brussels"
)
# Pairs that only Dutch has, although each word alone is common elsewhere ("da" is Romanian).
_DUTCH_PHRASES = tuple(
    tuple(phrase.split())
    for phrase in ("is da", "da is", "da was", "was da", "is de", "in de", "van de", "en de")
)
# Distinctly Dutch or Flemish words, none common in the other five languages.
_DUTCH_WORDS = _words(
    "ik ge gij gy jij hij zij wij mij mijn mijne zijn zijt zen bent hebt heb heeft hebben "
    "hebde hedde hadde kun kunt kunde kunnen moet moete moeten mag magge mogen wil wilt "
    "willen zal zult zou zoude gaat gaan doe doen weet weten zeg zegt zegde zie zien wadde "
    "hoe wat wa waar wanneer hoeveel welke waarom het een nen dat deze die niet niks niets "
    "geen gene iets iemand niemand ook nog wel maar dus als naar voor bij uit aan met tot op "
    "zonder terug vandaag morgen gisteren straks graag aub ajb alstublieft alsjeblieft "
    "astemblieft asjeblieft dank danku dankuwel dankjewel bedankt nee neen neeje goed goe "
    "goede goeie goeiedag goeiemorgen goeiemiddag goedemorgen goedendag allemaal tis kweet "
    "kheb kben kzal kga kzen kzit ewa awel efkes eens daar kom komt komen nodig moeder vader "
    "hoeft hoef zit zitte zitten staat huis huren woning bellen terugbellen nummer uur uren "
    "prijs kost kosten betalen helpen hulp vraag vragen spreken praten zoek zoeken ons onze "
    "hun zo mensen mens plezant veel klopt natuurlijk juist juiste ziek laat duur goedkoop "
    "dokter ziekenhuis wachten dienst stad gemeente kind kinderen vrouw zoon dochter oma "
    "opa buren geld werk trein fiets"
)
# Everyday words of each language that Dutch and Flemish do not use ("my" is left out: it is
# a common spelling of "mij"; so are "je", "pas", "nu", "na", "ben", "is" and "ne", all
# Dutch words too). A name such as "Fatma Yilmaz" has none, so it never counts as Turkish.
_FOREIGN_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "you your the what where how when who why can cannot could would should will dont "
        "don doesnt does did need want speak understand know someone somebody anyone "
        "nobody talk person people this that there they them she his her our with about "
        "english dutch language free call back live living stay find get got give take just "
        "arrived moved here today tomorrow time hours closed address phone number money pay "
        "bill cost price food house home job work doctor hospital city office mother father "
        "mom dad son daughter wife husband child children kids old sick walk ride car "
        "register apply question something im it not and for from new am are to"
    ),
    "fr": _words(
        "vous tu il elle nous ils est es suis sommes etes sont ai avez avons une le des du "
        "et avec pour dans sur que qui quoi quand comment pourquoi quel quelle quelles ou "
        "moi mon ton votre notre mes pere mere fils fille femme mari enfant enfants personne "
        "quelqu rien tout tres bien oui non veux voudrais peux peut pouvez dois doit fait "
        "faire sais dire parle parlez parler comprends comprend aide aidez besoin cherche "
        "viens arrive arriver ici aussi mais demain heure heures ouvert ouverture ferme "
        "adresse telephone numero argent loyer travail medecin hopital svp bonjour bonsoir "
        "gratuit combien francais anglais arabe neerlandais flamand appeler appelez "
        "logement maison nouveau nouvelle"
    ),
    "ro": _words(
        "sunt esti este suntem aveti avem am vreau vrea pot poti poate puteti trebuie stiu "
        "caut cu pentru si la ce cum cand unde cine cineva nimeni ceva foarte bine aici acum "
        "azi maine seara dimineata ora deschide deschis inchis casa chirie inchiriat lucrez "
        "lucru munca bani tata tatal meu mea fiul fiica sotia sotul copil copii spital "
        "adresa numar suna sunati inapoi intrebare va rog sa se multumesc mersi buna ziua "
        "vorbi vorbesc vorbeste vorbiti inteleg intelege romana romaneste engleza olandeza "
        "flamanda nevoie ajutor costa nou noua"
    ),
    "pl": _words(
        "jest jestem jestes sa mam masz mamy chce chcialbym chcialabym moge mozna moze czy "
        "gdzie kiedy dlaczego co jak tak prosze dziekuje dzien dobry dobrze bardzo tutaj "
        "teraz dzisiaj jutro ktorej godzina godziny otwarte zamkniete otwieracie pieniadze "
        "czynsz mieszkanie mieszkania praca pracuje pytanie lekarz szpital tata ojciec matka "
        "moja moj syn corka zona maz dziecko dzieci telefon numer mowie mowi mowisz polsku "
        "angielsku rozumiem pomocy pomoc potrzebuje szukam darmo ktos mnie mi sie ty ona po "
        "do od dla bez przez nowy nowa zadzwonic kosztuje chodzic"
    ),
    "tr": _words(
        "bir bu su ve var yok mi mu musunuz misiniz miyim sen biz siz bana beni benim sana "
        "annem babam esim oglum kizim cocuk cocugum doktor hastane hastaneye ev evi kira "
        "kirasi para calisiyorum telefon numara numarasi nerede nasil neden kim zaman simdi "
        "bugun yarin saat kacta acik kapali yeni geldim cok tesekkurler tesekkur ederim "
        "sagol evet hayir lutfen yardim yardima ihtiyacim lazim istiyorum ariyorum "
        "biliyor bilmiyorum anlamiyorum konusuyor konusan konusabilir turkce hollandaca "
        "felemenkce flamanca arayin arayabilir geri merhaba kolay gelsin ucretsiz kadar icin"
    ),
}


class LanguageDetector:
    """Says which of `LANGUAGES` a message is clearly written in; Dutch or unsure is None.

    Building one loads lingua's low-accuracy models for six languages (about 12 MB; the
    high-accuracy ones cost 200 MB in the Rasa process for a few more short foreign messages
    recognised), so build it once, when the process starts, and share it; `detect` takes
    about 0.1 ms.
    `names` are extra words that say nothing about the language, such as the catalogue's
    place and service names ("Den Abeel", "Nekkerspoel").
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        self._detector = (
            LanguageDetectorBuilder.from_languages(Language.DUTCH, *_LINGUA_CODES)
            .with_preloaded_language_models()
            .with_low_accuracy_mode()
            .build()
        )
        self._neutral = _NEUTRAL_WORDS | {folded for name in names for _, folded in _tokens(name)}

    def detect(self, text: str) -> str | None:
        text = text[:MAX_CHARS]
        arabic = sum(1 for char in text if char.isalpha() and _is_arabic(char))
        if arabic and arabic >= sum(1 for char in text if char.isalpha() and char.isascii()):
            return "ar"
        tokens = _tokens(text)
        folded = [plain for _, plain in tokens]
        if _phrase_positions(folded, _DUTCH_PHRASES):
            return None
        in_phrase = _phrase_positions(folded, _NEUTRAL_PHRASES)
        words = [
            (word, plain)
            for position, (word, plain) in enumerate(tokens)
            if position not in in_phrase and plain not in self._neutral
        ]
        if any(plain in _DUTCH_WORDS for _, plain in words):
            return None
        if sum(1 for _, plain in words if len(plain) > 1) < MIN_WORDS:
            return None
        # Only the words that are left, so "Mechelen" or "merci" do not pull either way.
        best = self._detector.compute_language_confidence_values(
            " ".join(word for word, _ in words)
        )[0]
        code = _LINGUA_CODES.get(best.language)
        if code is None:
            return None
        everyday = sum(1 for _, plain in words if len(plain) > 1 and plain in _FOREIGN_WORDS[code])
        if everyday >= MIN_WORDS or (everyday and best.value >= MIN_CONFIDENCE):
            return code
        return None


def _tokens(text: str) -> list[tuple[str, str]]:
    """Each word as typed (lowercase) and folded; an apostrophe splits ("c'est": "c", "est")."""
    words = "".join(char if char.isalpha() else " " for char in text.lower()).split()
    return [(word, _fold(word)) for word in words]


def _fold(word: str) -> str:
    """Without accents, so "oké" is "oke" and "lazım" is "lazim"."""
    decomposed = unicodedata.normalize("NFD", word)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return plain.replace("ı", "i").replace("ł", "l")


def _phrase_positions(words: list[str], phrases: Iterable[tuple[str, ...]]) -> set[int]:
    """The positions of `words` that belong to one of `phrases` (whole words only)."""
    positions: set[int] = set()
    for phrase in phrases:
        for start in range(len(words) - len(phrase) + 1):
            if tuple(words[start : start + len(phrase)]) == phrase:
                positions.update(range(start, start + len(phrase)))
    return positions


def _is_arabic(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _ARABIC_RANGES)


_I_SPEAK_DUTCH = {
    "fr": "Désolé, je parle seulement néerlandais. "
    "Appelez la ville gratuitement au {phone}. "
    'Ou appuyez sur "Bel mij terug" : quelqu\'un vous rappellera.',
    "en": "Sorry, I only speak Dutch. "
    "Call the city for free on {phone}. "
    'Or tap "Bel mij terug" and someone will call you back.',
    # The number is isolated left-to-right (U+2066 … U+2069), or "0800 20 800" would show
    # its groups in reverse order inside Arabic text.
    "ar": "عذرًا، أنا أتكلم الهولندية فقط. "
    "اتصل بالبلدية مجانًا على الرقم \u2066{phone}\u2069. "
    'أو اضغط على "Bel mij terug" وسيتصل بك أحد الموظفين.',
    "tr": "Üzgünüm, sadece Hollandaca konuşuyorum. "
    "Belediyeyi ücretsiz arayın: {phone}. "
    'Ya da "Bel mij terug" düğmesine basın, biri sizi geri arar.',
    "pl": "Przepraszam, mówię tylko po niderlandzku. "
    "Zadzwoń za darmo do urzędu miasta: {phone}. "
    'Albo naciśnij "Bel mij terug", a ktoś do Ciebie oddzwoni.',
    "ro": "Îmi pare rău, vorbesc doar olandeză. "
    "Sunați gratuit la primărie: {phone}. "
    'Sau apăsați pe "Bel mij terug" și vă sună cineva înapoi.',
}


def reply_text(language: str, phone: str) -> str:
    """The one fixed reply in `language` (one of `LANGUAGES`); KeyError for any other."""
    return _I_SPEAK_DUTCH[language].format(phone=phone)
