"""The residents' chat page as a messaging app, in real Chromium at 320 and 360 px wide.

The page talks to the real assistant. Reading aloud is checked with a fake speechSynthesis
(injected before the page's own script) that records every utterance: a headless browser has
no voices. Screenshots go to test-artifacts/ as web-chat-*.png.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Frame, Locator, Page, Route, expect

from bot.servers import Server
from tests.bot.test_plain_language import problems
from tests.e2e.browser import serious_accessibility_problems
from tests.e2e.web import FOCUSED, shot

pytestmark = pytest.mark.e2e

SMALL = {"width": 320, "height": 640}
PHONE = {"width": 360, "height": 740}
CITY_PHONE, CITY_TEL = "0800 20 800", "tel:+3280020800"
# Three questions whose answers fill more than a screen, the last in two or more bubbles.
LONG_QUESTIONS = [
    "wat is een dienstencentrum",
    "wanneer is den abeel open en kan ik daar middageten",
    "waar is de schijf, wat kost het eten en hoe schrijf ik mij in",
]
NL_BE = {
    "name": "Vlaams",
    "lang": "nl-BE",
    "localService": True,
    "default": False,
    "voiceURI": "nl",
}
EN_US = {
    "name": "English",
    "lang": "en-US",
    "localService": True,
    "default": True,
    "voiceURI": "en",
}

# A speechSynthesis that speaks nothing: it records each utterance, starts it a tick later and
# ends it after a tick (`auto`) or when the test calls speechSynthesis.finish(); cancel() ends
# the current one at once, as browsers do. Voices can arrive late, with "voiceschanged".
FAKE_SPEECH = """
(config => {
  if (config.absent) {
    Object.defineProperty(window, "speechSynthesis", { value: undefined, configurable: true });
    return;
  }
  const spoken = [];
  class Utterance {
    constructor(text) { this.text = text; this.lang = ""; this.voice = null; }
  }
  class Synth extends EventTarget {
    constructor() {
      super();
      this.voices = config.late ? [] : config.voices;
      this.current = null;
      this.spoken = spoken;
      if (config.late) {
        setTimeout(() => {
          this.voices = config.voices;
          this.dispatchEvent(new Event("voiceschanged"));
        }, 300);
      }
    }
    get speaking() { return this.current !== null; }
    get pending() { return false; }
    getVoices() { return this.voices.slice(); }
    speak(utterance) {
      spoken.push({ text: utterance.text, lang: utterance.lang,
                    voice: utterance.voice && utterance.voice.name });
      this.current = utterance;
      setTimeout(() => {
        if (utterance.onstart) { utterance.onstart(new Event("start")); }
        if (config.auto) { setTimeout(() => this.finish(), 50); }
      }, 0);
    }
    finish() {
      const utterance = this.current;
      if (!utterance) { return; }
      this.current = null;
      if (utterance.onend) { utterance.onend(new Event("end")); }
    }
    cancel() { spoken.push({ cancel: true }); this.finish(); }
    pause() {}
    resume() {}
  }
  Object.defineProperty(window, "speechSynthesis", { value: new Synth(), configurable: true });
  window.SpeechSynthesisUtterance = Utterance;
})
"""


def fake_speech(page: Page, **config: Any) -> None:
    page.add_init_script(f"{FAKE_SPEECH}({json.dumps(config)});")


def spoken(page: Page) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.evaluate("speechSynthesis.spoken")
    return result


def newest_answer(page: Page | Frame) -> Locator:
    """The first bubble of the newest answer, where its "Lees voor" is."""
    return page.locator("#gesprek li.begin").last


def answer_texts(page: Page) -> list[str]:
    """What the newest answer says, bubble by bubble, with its choices as a listener hears
    them ("Kies: Ja, of Nee"); the controls in the bubbles left out."""
    result: list[str] = page.evaluate(
        """() => {
            const items = [...document.querySelectorAll('#gesprek li')];
            const start = items.findLastIndex(li => li.classList.contains('begin'));
            const text = li => [...li.childNodes]
                .filter(n => n.nodeType === 3 || (n.matches('a, span.code')))
                .map(n => n.textContent).join('');
            const out = [];
            for (const li of items.slice(start)) {
                if (!li.classList.contains('hulpbot')) break;
                out.push(text(li));
                const choices = [...li.querySelectorAll('.choices button')].map(b => b.textContent);
                if (choices.length) out.push('Kies: ' + choices.join(', of '));
            }
            return out;
        }"""
    )
    return result


def ask(page: Page | Frame, text: str) -> None:
    """Types a question and waits for the whole answer."""
    answers = page.locator("#gesprek li.begin")
    before = answers.count()
    page.get_by_label("Typ je vraag").fill(text)
    page.get_by_label("Typ je vraag").press("Enter")
    expect(answers).to_have_count(before + 1, timeout=30_000)


def choose(page: Page, title: str) -> None:
    answers = page.locator("#gesprek li.begin")
    before = answers.count()
    page.locator("#gesprek .choices").last.get_by_role("button", name=title, exact=True).click()
    expect(answers).to_have_count(before + 1, timeout=30_000)


# The page's geometry as the resident sees it.
LAYOUT = """() => {
    const box = e => { const r = e.getBoundingClientRect();
                       return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
                               width: r.width, height: r.height}; };
    const area = document.getElementById('berichten');
    const first = [...document.querySelectorAll('#gesprek li.begin')].pop();
    const visible = e => e.offsetParent !== null || e.getClientRects().length > 0;
    const targets = [...document.querySelectorAll('button, input, .switch')]
        .filter(e => visible(e) && !(e.type === 'checkbox'))
        .map(e => ({name: e.textContent.trim() || e.id, ...box(e)}));
    return {
        innerHeight: innerHeight, innerWidth: innerWidth,
        scrollHeight: document.documentElement.scrollHeight,
        scrollWidth: document.documentElement.scrollWidth,
        areaScrollWidth: area.scrollWidth, areaClientWidth: area.clientWidth,
        areaAtEnd: area.scrollTop >= area.scrollHeight - area.clientHeight - 1,
        area: box(area), first: box(first),
        input: box(document.getElementById('tekst')),
        send: box(document.querySelector('#vraag button[type=submit]')),
        call: box(document.querySelector('.composer .call')),
        targets: targets,
    };
}"""


def assert_messaging_layout(page: Page | Frame, answered: bool = True) -> dict[str, Any]:
    """The page is one screen: the question box, "Stuur" and "Bel mij terug" in view, the
    newest answer (when one just came) shown from its first bubble, nothing wider than the
    screen, big tap targets."""
    layout: dict[str, Any] = page.evaluate(LAYOUT)
    height, width = layout["innerHeight"], layout["innerWidth"]
    assert layout["scrollHeight"] <= height + 1, layout
    assert layout["scrollWidth"] <= width and layout["areaScrollWidth"] <= layout["areaClientWidth"]
    for name in ("input", "send", "call"):
        box = layout[name]
        assert box["top"] >= 0 and box["bottom"] <= height + 1, (name, box, height)
        assert box["left"] >= 0 and box["right"] <= width, (name, box, width)
    area, first = layout["area"], layout["first"]
    if answered:
        assert area["top"] - 1 <= first["top"] < area["bottom"], (first, area)
    if answered and not layout["areaAtEnd"]:
        # Scrolled as far as it goes, the first bubble may sit lower; otherwise it is on top.
        assert first["top"] <= area["top"] + 16, (first, area)
    small = [t for t in layout["targets"] if t["height"] < 44 or t["width"] < 44]
    assert small == [], small
    return layout


def assert_on_one_line(page: Page | Frame, selector: str) -> None:
    """Every matching element is rendered as one line box."""
    lines = page.eval_on_selector_all(selector, "els => els.map(e => e.getClientRects().length)")
    assert lines and set(lines) == {1}, lines


def only_this_site(requested: list[str], site: Server) -> None:
    outside = [url for url in requested if not url.startswith(site.url)]
    assert outside == [], outside


@pytest.mark.parametrize("size", [SMALL, PHONE], ids=["320", "360"])
def test_long_answers_keep_the_box_at_the_bottom_and_start_at_their_first_bubble(
    phone_page: tuple[Page, list[str]], site: Server, size: dict[str, int]
) -> None:
    page, requested = phone_page
    page.set_viewport_size(size)
    page.goto(f"{site.url}/chat")
    assert_messaging_layout(page, answered=False)
    name = f"chat-{size['width']}"
    shot(page, f"{name}-start")
    for question in LONG_QUESTIONS:
        ask(page, question)
        layout = assert_messaging_layout(page)
    # The conversation is far taller than its area: the view was moved, not the page.
    assert (
        page.evaluate("document.getElementById('berichten').scrollHeight")
        > 2 * (layout["area"]["height"])
    )
    shot(page, f"{name}-long-answer")
    assert serious_accessibility_problems(page) == []

    page.reload()
    expect(page.locator("#gesprek li.inwoner")).to_have_count(len(LONG_QUESTIONS))
    assert_messaging_layout(page)

    # The phone keyboard takes half the screen: the header shrinks, the box stays in view, and
    # an answer taller than what is left is shown from its start.
    page.get_by_label("Typ je vraag").focus()
    page.set_viewport_size({"width": size["width"], "height": size["height"] // 2})
    expect(page.locator("html")).to_have_class(re.compile(r"\blow\b"))
    ask(page, LONG_QUESTIONS[1])
    layout = assert_messaging_layout(page)
    assert not layout["areaAtEnd"], "the answer should be taller than the area"
    assert layout["area"]["height"] >= 100, layout["area"]
    shot(page, f"{name}-keyboard")
    assert serious_accessibility_problems(page) == []
    page.set_viewport_size(size)
    expect(page.locator("html")).not_to_have_class(re.compile(r"\blow\b"))
    expect(page.get_by_role("button", name="Begin opnieuw")).to_be_visible()
    assert_messaging_layout(page)
    only_this_site(requested, site)


def test_inside_the_widget_frame(phone_page: tuple[Page, list[str]], site: Server) -> None:
    """In a frame as small as the widget's on a 320 px phone, on a page of an allowed site."""
    page, requested = phone_page
    page.set_viewport_size(SMALL)
    host = f"{site.url}/test-host"
    page.route(
        host,
        lambda route: route.fulfill(
            content_type="text/html",
            body="<!doctype html><html lang='nl'><head><title>Stad</title></head><body>"
            "<main><h1>Stad</h1><iframe title='Chat met de Hulpbot' src='/chat?ingebed=1' "
            "width='288' height='530'></iframe></main></body></html>",
        ),
    )
    page.goto(host)
    frame = page.frame_locator("iframe[title='Chat met de Hulpbot']")
    expect(frame.get_by_label("Typ je vraag")).to_be_visible()
    chat = next(f for f in page.frames if f.url.endswith("/chat?ingebed=1"))
    for question in LONG_QUESTIONS[1:]:
        ask(chat, question)
        layout = assert_messaging_layout(chat)
        assert (layout["innerWidth"], layout["innerHeight"]) == (288, 530)
    assert chat.evaluate("document.body.classList.contains('embedded')")
    shot(page, "chat-widget-frame")
    # The frame's page on its own, as big as the frame: the conversation is back, same layout.
    page.set_viewport_size({"width": 288, "height": 530})
    page.goto(chat.url)
    expect(page.locator("#gesprek li.inwoner")).to_have_count(len(LONG_QUESTIONS) - 1)
    assert_messaging_layout(page)
    assert serious_accessibility_problems(page) == []
    only_this_site(requested, site)


def test_numbers_and_codes_in_answers_and_in_the_apology(
    phone_page: tuple[Page, list[str]], site: Server
) -> None:
    page, requested = phone_page
    page.set_viewport_size(SMALL)
    page.goto(f"{site.url}/chat")
    ask(page, "wat is het telefoonnummer van den abeel")
    expect(page.locator("#gesprek li.hulpbot a[href^='tel:+32']").first).to_be_visible()
    assert_on_one_line(page, "#gesprek a.tel")

    # When the assistant does not answer, the page's own apology, with the city's number.
    def broken(route: Route) -> None:
        route.fulfill(status=500, body="")

    page.route("**/api/bericht", broken)
    ask(page, "hallo")
    sorry = page.eval_on_selector("#vraag", "f => f.dataset.sorry")
    assert sorry.count(CITY_PHONE) == 1
    assert answer_texts(page) == [sorry]
    apology = newest_answer(page).get_by_role("link", name=CITY_PHONE)
    expect(apology).to_have_attribute("href", CITY_TEL)
    shot(page, "chat-apology")
    assert serious_accessibility_problems(page) == []
    page.unroute("**/api/bericht", broken)
    # The page reads the city's number from the catalogue, never from the script itself.
    script = page.request.get(f"{site.url}/static/chat.js").text()
    assert "0800" not in script and "80020800" not in script
    only_this_site(requested, site)


def test_call_back_code_on_one_line_and_begin_opnieuw_asks_first(
    phone_page: tuple[Page, list[str]], site: Server
) -> None:
    page, requested = phone_page
    page.set_viewport_size(SMALL)
    page.goto(f"{site.url}/chat")
    ask(page, "ik zoek een huis om te huren")
    call = page.locator(".composer").get_by_role("button", name="Bel mij terug")
    answers = page.locator("#gesprek li.begin")
    before = answers.count()
    call.click()
    expect(answers).to_have_count(before + 1, timeout=30_000)
    choose(page, "Ja")
    for answer in ("0470 12 34 56", "Fatima", "voormiddag"):
        ask(page, answer)
    choose(page, "Ja")  # the topic: the Woonclub
    choose(page, "Ja")  # the summary is right
    done = newest_answer(page)
    expect(done).to_contain_text("Gelukt! Je code is MB-")
    code = done.locator("span.code")
    expect(code).to_have_text(re.compile(r"^MB-[A-Z0-9]{4}$"))
    assert_on_one_line(page, "#gesprek span.code")
    shot(page, "chat-code")

    # "Begin opnieuw" is far from "Bel mij terug": at the top of the page, not under it.
    restart = page.get_by_role("button", name="Begin opnieuw")
    restart_box, call_box = restart.bounding_box(), call.bounding_box()
    assert restart_box is not None and call_box is not None
    assert restart_box["y"] + restart_box["height"] + 200 < call_box["y"]

    questions = page.locator("#gesprek li.inwoner")
    kept = questions.count()
    restart.click()
    dialog = page.get_by_role("dialog", name="Opnieuw beginnen?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("code om terug te bellen")
    expect(dialog.locator(".code")).to_have_text(code.inner_text())
    assert page.evaluate(FOCUSED) == "Nee, ga terug"
    shot(page, "chat-restart-confirm")
    assert serious_accessibility_problems(page) == []
    assert (
        problems(dialog.inner_text().replace("Nee, ga terug", "").replace("Ja, wis alles", ""))
        == []
    )

    page.get_by_role("button", name="Nee, ga terug").click()
    expect(dialog).to_be_hidden()
    assert page.evaluate(FOCUSED) == "Begin opnieuw"
    expect(questions).to_have_count(kept)
    restart.click()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(questions).to_have_count(kept)
    assert page.evaluate("localStorage.getItem('hulpbot-gesprek')") is not None

    restart.click()
    page.get_by_role("button", name="Ja, wis alles").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#gesprek li")).to_have_count(1)
    expect(page.get_by_role("status")).to_have_text("Het gesprek is gewist.")
    stored = page.evaluate(
        "['hulpbot-gesprek', 'hulpbot-sessie', 'hulpbot-via'].map(k => localStorage.getItem(k))"
    )
    assert stored == [None, None, None]
    assert page.evaluate(FOCUSED) == "Begin opnieuw"
    shot(page, "chat-restart-done")
    assert serious_accessibility_problems(page) == []
    page.reload()
    expect(page.locator("#gesprek li")).to_have_count(1)
    hint = page.locator(".hint")
    expect(hint).to_contain_text("Begin opnieuw")
    assert problems(hint.inner_text()) == []
    only_this_site(requested, site)


def test_lees_voor_reads_the_whole_answer_with_its_choices_and_can_stop(
    phone_page: tuple[Page, list[str]], site: Server
) -> None:
    page, requested = phone_page
    fake_speech(page, voices=[EN_US, NL_BE], late=True, auto=False)
    page.goto(f"{site.url}/chat")
    ask(page, "ik zoek een huis om te huren")
    ask(page, "bel mij terug")
    expected = answer_texts(page)
    assert expected[-1] == "Kies: Ja, of Nee"
    read = newest_answer(page).get_by_role("button", name="Lees voor")
    read.click()
    stop = newest_answer(page).get_by_role("button", name="Stop voorlezen")
    expect(stop).to_be_visible()
    reading = page.locator("#gesprek .reading")
    expect(reading).to_have_count(1)
    expect(reading).to_have_css("outline-style", "dashed")
    shot(page, "chat-reading-aloud")
    assert serious_accessibility_problems(page) == []
    # The fake says one part at a time: the page goes on when one ends.
    for _ in expected:
        expect(stop).to_be_visible()
        page.evaluate("speechSynthesis.finish()")
    expect(read).to_be_visible()
    expect(reading).to_have_count(0)
    said = [u for u in spoken(page) if "text" in u]
    assert [u["text"] for u in said] == expected
    assert {(u["lang"], u["voice"]) for u in said} == {("nl-BE", "Vlaams")}

    # Stop halfway.
    read.click()
    expect(stop).to_be_visible()
    stop.click()
    expect(read).to_be_visible()
    expect(reading).to_have_count(0)
    assert spoken(page)[-1] == {"cancel": True}
    page.evaluate("speechSynthesis.spoken.length = 0")
    page.wait_for_timeout(200)
    assert spoken(page) == []
    only_this_site(requested, site)


def test_every_answer_read_aloud_when_the_option_is_on(
    phone_page: tuple[Page, list[str]], site: Server
) -> None:
    page, requested = phone_page
    fake_speech(page, voices=[NL_BE], late=False, auto=True)
    page.goto(f"{site.url}/chat")
    option = page.get_by_label("Lees elk antwoord voor")
    expect(option).to_be_visible()
    option.check()
    assert page.evaluate("localStorage.getItem('hulpbot-voorlezen')") == "1"
    ask(page, "wanneer is den abeel open")
    expected = answer_texts(page)
    # A function, not an expression: polling an expression needs eval, which the page's CSP
    # forbids.
    page.wait_for_function("n => speechSynthesis.spoken.length >= n", arg=len(expected))
    expect(newest_answer(page).get_by_role("button", name="Lees voor")).to_be_visible()
    assert [u["text"] for u in spoken(page) if "text" in u] == expected
    page.reload()
    expect(page.get_by_label("Lees elk antwoord voor")).to_be_checked()
    assert serious_accessibility_problems(page) == []
    page.get_by_label("Lees elk antwoord voor").uncheck()
    assert page.evaluate("localStorage.getItem('hulpbot-voorlezen')") is None
    only_this_site(requested, site)


@pytest.mark.parametrize(
    ("name", "speech"), [("english", {"voices": [EN_US], "late": True}), ("none", {"absent": True})]
)
def test_no_dutch_voice_is_said_plainly(
    phone_page: tuple[Page, list[str]], site: Server, name: str, speech: dict[str, Any]
) -> None:
    page, requested = phone_page
    page.set_viewport_size(SMALL)
    fake_speech(page, auto=True, **speech)
    page.goto(f"{site.url}/chat")
    newest_answer(page).get_by_role("button", name="Lees voor").click()
    notice = newest_answer(page).locator(".notice")
    expect(notice).to_contain_text("Voorlezen lukt niet op dit toestel.")
    expect(notice.get_by_role("link", name=CITY_PHONE)).to_have_attribute("href", CITY_TEL)
    assert problems(notice.inner_text()) == []
    if not speech.get("absent"):
        assert spoken(page) == []
    option = page.get_by_label("Lees elk antwoord voor")
    option.click()
    expect(option).not_to_be_checked()
    expect(page.get_by_role("status")).to_contain_text("Voorlezen lukt niet op dit toestel.")
    assert page.evaluate("localStorage.getItem('hulpbot-voorlezen')") is None
    assert_messaging_layout(page, answered=False)
    shot(page, f"chat-no-voice-{name}")
    assert serious_accessibility_problems(page) == []
    only_this_site(requested, site)
