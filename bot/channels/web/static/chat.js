// Hulpbot web chat: one conversation per browser (its id and messages in localStorage),
// answers from /api/bericht on this site, buttons as large tap targets, phone numbers as tel:
// links (phone-links.js), "Lees voor" for a whole answer with its choices. No outside requests;
// every text is put in the page as text, never as HTML.
"use strict";

(function () {
  const SESSION = "hulpbot-sessie";
  const HISTORY = "hulpbot-gesprek";
  // The code of the organisation whose link the resident opened (/chat?via=CODE), kept for the
  // next visits too, so a call-back request says who sent them.
  const VIA = "hulpbot-via";
  // "Lees elk antwoord voor": a setting of this device, so "Begin opnieuw" keeps it.
  const READ_ALL = "hulpbot-voorlezen";
  const REFERRAL_CODE = /^[A-Za-z0-9_-]{1,64}$/;
  // A call-back code as the assistant gives it ("MB-F732"); split over two lines it is misread.
  const CALLBACK_CODE = /\b[A-Z]{2}-[A-Z0-9]{4}\b/g;
  // Below this visible height (the phone keyboard is open, a small frame) a narrow header
  // shrinks to its title, so the conversation keeps some room (chat.css, html.low).
  const LOW = 480;
  // Browsers load their voices a moment after the page; longer than this means there are none.
  const VOICE_WAIT = 1500;
  const NO_VOICE = "Voorlezen lukt niet op dit toestel.";
  const GREETING = "Dag! Ik ben de Hulpbot van de stad Mechelen. Waarmee kan ik je helpen?";

  const root = document.documentElement;
  const area = document.getElementById("berichten");
  const list = document.getElementById("gesprek");
  const form = document.getElementById("vraag");
  const input = document.getElementById("tekst");
  const readAll = document.getElementById("voorlezen");
  const status = document.getElementById("melding");
  const restart = document.getElementById("opnieuw");
  const dialog = document.getElementById("wissen");
  // The city's general number, from the catalogue through the page.
  const city = { phone: document.body.dataset.phone, tel: document.body.dataset.tel };
  // Said when the server gives no usable answer; the page carries the text with the city's number.
  const SORRY = form.dataset.sorry || "Sorry, dat lukte niet. Probeer het zo meteen opnieuw.";

  // The page is as tall as what the resident sees. With the keyboard open only the visual
  // viewport shrinks on some phones (iOS), so it is measured rather than left to 100dvh;
  // pinch zoom shrinks it too, and must not squeeze the page.
  function fit() {
    const view = window.visualViewport;
    const height = view && Math.abs(view.scale - 1) < 0.01 ? view.height : window.innerHeight;
    // Scrolled to the end, the conversation stays at its end (the keyboard opens under the
    // newest message); otherwise what the resident reads stays at the top.
    const atEnd = area.scrollHeight - area.scrollTop - area.clientHeight <= 1;
    root.style.setProperty("--visible-height", Math.floor(height) + "px");
    root.classList.add("measured");
    root.classList.toggle("low", height < LOW);
    if (atEnd) { area.scrollTop = area.scrollHeight; }
    if (window.scrollY) { window.scrollTo(0, 0); }
  }

  // The conversation scrolls, never the page (nor, inside the widget, the site around it).
  function toTop(element) {
    area.scrollTop += element.getBoundingClientRect().top - area.getBoundingClientRect().top - 8;
  }

  function reveal(element) {
    const box = element.getBoundingClientRect();
    const view = area.getBoundingClientRect();
    if (box.top < view.top || box.bottom > view.bottom) { toTop(element); }
  }

  function sessionId() {
    let id = localStorage.getItem(SESSION);
    if (!id) {
      id = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2)).replace(/[^A-Za-z0-9-]/g, "");
      localStorage.setItem(SESSION, id);
    }
    return id;
  }

  function referral() {
    const given = new URLSearchParams(window.location.search).get("via");
    if (given && REFERRAL_CODE.test(given)) { localStorage.setItem(VIA, given); }
    return localStorage.getItem(VIA);
  }

  function history() {
    try { return JSON.parse(localStorage.getItem(HISTORY) || "[]"); } catch (e) { return []; }
  }

  function remember(entry) {
    const all = history();
    all.push(entry);
    localStorage.setItem(HISTORY, JSON.stringify(all.slice(-100)));
  }

  function appendPlain(parent, text) {
    if (!text) { return; }
    if (window.HulpbotPhoneLinks) {
      HulpbotPhoneLinks.appendWithPhoneLinks(parent, text);
    } else {
      parent.appendChild(document.createTextNode(text));
    }
  }

  // The assistant's text: phone numbers as tel: links, call-back codes on one line.
  function appendAnswerText(parent, text) {
    let from = 0;
    let match;
    CALLBACK_CODE.lastIndex = 0;
    while ((match = CALLBACK_CODE.exec(text)) !== null) {
      appendPlain(parent, text.slice(from, match.index));
      const code = document.createElement("span");
      code.className = "code";
      code.textContent = match[0];
      parent.appendChild(code);
      from = match.index + match[0].length;
    }
    appendPlain(parent, text.slice(from));
  }

  // "Bel gratis" and the city's number for the page's own texts, the number as a tel: link.
  function appendCallCity(parent) {
    if (!city.phone || !city.tel) { return; }
    parent.appendChild(document.createTextNode(" Wil je iemand spreken? Bel gratis "));
    const link = document.createElement("a");
    link.className = "tel";
    link.href = city.tel;
    link.textContent = city.phone;
    parent.appendChild(link);
    parent.appendChild(document.createTextNode("."));
  }

  function tellNoVoice(where) {
    where.textContent = NO_VOICE;
    appendCallCity(where);
  }

  // ---- Reading aloud: one answer at a time, bubble by bubble, with its choices.

  const speech = { run: 0, turn: null, element: null, utterance: null };

  function speaker() {
    return window.speechSynthesis && window.SpeechSynthesisUtterance ? window.speechSynthesis : null;
  }

  function dutchVoice(voices) {
    return voices.find(function (v) { return v.lang && v.lang.replace("_", "-").toLowerCase() === "nl-be"; }) ||
      voices.find(function (v) { return v.lang && v.lang.toLowerCase().startsWith("nl"); }) || null;
  }

  // Calls `then` with a Dutch voice, or with null when the device has none.
  function withDutchVoice(then) {
    const synth = speaker();
    if (!synth) { then(null); return; }
    if (synth.getVoices().length) { then(dutchVoice(synth.getVoices())); return; }
    let waiting = true;
    function decide(final) {
      const voices = synth.getVoices();
      if (!waiting || (!voices.length && !final)) { return; }
      waiting = false;
      if (synth.removeEventListener) { synth.removeEventListener("voiceschanged", changed); }
      then(dutchVoice(voices));
    }
    function changed() { decide(false); }
    // Older Safari has no "voiceschanged"; it lists its voices at once.
    if (synth.addEventListener) { synth.addEventListener("voiceschanged", changed); }
    setTimeout(function () { decide(true); }, VOICE_WAIT);
  }

  function showReading(turn, reading) {
    turn.button.textContent = reading ? "Stop voorlezen" : "Lees voor";
    turn.button.classList.toggle("stop", reading);
  }

  function stopReading() {
    const wasReading = speech.turn !== null;
    speech.run += 1;
    if (speech.element) { speech.element.classList.remove("reading"); }
    if (speech.turn) { showReading(speech.turn, false); }
    speech.turn = speech.element = speech.utterance = null;
    const synth = speaker();
    // Only when something is said: some browsers drop a speak() right after a cancel().
    if (synth && (wasReading || synth.speaking || synth.pending)) { synth.cancel(); }
  }

  // Reads the whole answer `turn`; on its own button while it is read, stops instead.
  // `where` shows that reading is not possible.
  function read(turn, where) {
    const again = speech.turn === turn;
    stopReading();
    if (again) { return; }
    const run = speech.run;
    withDutchVoice(function (voice) {
      if (run !== speech.run) { return; }
      if (!voice) { tellNoVoice(where()); return; }
      const synth = speaker();
      speech.turn = turn;
      showReading(turn, true);
      let index = 0;
      function next() {
        if (run !== speech.run) { return; }
        if (speech.element) { speech.element.classList.remove("reading"); }
        if (index >= turn.parts.length) {
          speech.turn = speech.element = speech.utterance = null;
          showReading(turn, false);
          return;
        }
        const part = turn.parts[index];
        index += 1;
        speech.element = part.element;
        part.element.classList.add("reading");
        reveal(part.element);
        const utterance = new SpeechSynthesisUtterance(part.text);
        utterance.voice = voice;
        utterance.lang = voice.lang.replace("_", "-");
        let done = false;
        utterance.onend = function () {
          if (!done) { done = true; next(); }
        };
        utterance.onerror = function (event) {
          if (done || run !== speech.run) { return; }
          done = true;
          stopReading();
          if (!event || (event.error !== "interrupted" && event.error !== "canceled")) { tellNoVoice(where()); }
        };
        // Held here: Chrome forgets the events of an utterance nothing refers to.
        speech.utterance = utterance;
        synth.speak(utterance);
      }
      next();
    });
  }

  // ---- The conversation.

  function bubble(entry) {
    const item = document.createElement("li");
    item.className = entry.from;
    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = entry.from === "inwoner" ? "Jij: " : "Hulpbot: ";
    item.appendChild(who);
    if (entry.from === "hulpbot") {
      appendAnswerText(item, entry.text);
    } else {
      item.appendChild(document.createTextNode(entry.text));
    }
    list.appendChild(item);
    return item;
  }

  // One answer: its bubbles and their choices, with one "Lees voor" at its start, where the
  // view lands. What is read: every bubble, then its choices ("Kies: Ja, of Nee").
  function showAnswer(entries) {
    const turn = { parts: [], first: null, button: document.createElement("button"), notice: null };
    entries.forEach(function (entry) {
      const item = bubble(entry);
      turn.parts.push({ element: item, text: entry.text });
      const buttons = entry.buttons || [];
      if (buttons.length) {
        const choices = document.createElement("div");
        choices.className = "choices";
        buttons.forEach(function (b) {
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = b.title;
          button.addEventListener("click", function () { say(b.payload, b.title); });
          choices.appendChild(button);
        });
        item.appendChild(choices);
        turn.parts.push({
          element: choices,
          text: "Kies: " + buttons.map(function (b) { return b.title; }).join(", of "),
        });
      }
    });
    turn.first = turn.parts[0].element;
    turn.first.classList.add("begin");
    turn.button.type = "button";
    turn.button.className = "speak";
    showReading(turn, false);
    turn.first.insertBefore(turn.button, turn.first.firstChild);
    const where = function () {
      if (!turn.notice) {
        turn.notice = document.createElement("p");
        turn.notice.className = "notice";
        turn.button.after(turn.notice);
      }
      return turn.notice;
    };
    turn.button.addEventListener("click", function () { read(turn, where); });
    return turn;
  }

  function greet() {
    return showAnswer([{ from: "hulpbot", text: GREETING, buttons: [] }]);
  }

  // The saved conversation; returns its last answer.
  function showPast(entries) {
    let answer = [];
    let last = null;
    entries.forEach(function (entry) {
      if (entry.from === "hulpbot") {
        answer.push(entry);
        return;
      }
      if (answer.length) { last = showAnswer(answer); }
      answer = [];
      bubble(entry);
    });
    if (answer.length) { last = showAnswer(answer); }
    return last;
  }

  async function say(message, shown) {
    status.textContent = "";
    stopReading();
    const question = { from: "inwoner", text: shown || message };
    remember(question);
    bubble(question);
    area.scrollTop = area.scrollHeight;
    let messages = [];
    try {
      const reply = await fetch("/api/bericht", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: sessionId(), message: message, via: referral() }),
      });
      const data = reply.ok ? await reply.json() : {};
      messages = (data.messages || []).filter(function (m) { return m.text; });
    } catch (e) {
      messages = [];
    }
    if (!messages.length) {
      messages = [{ text: SORRY, buttons: [] }];
    }
    const entries = messages.map(function (m) {
      return { from: "hulpbot", text: m.text, buttons: m.buttons || [] };
    });
    entries.forEach(remember);
    const turn = showAnswer(entries);
    toTop(turn.first);
    if (readAll.checked) { read(turn, function () { return status; }); }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    say(text);
  });

  document.querySelectorAll("[data-say]").forEach(function (button) {
    button.addEventListener("click", function () {
      say(button.getAttribute("data-say"), button.textContent.trim());
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && speech.turn) { stopReading(); }
  });

  readAll.checked = localStorage.getItem(READ_ALL) === "1";
  readAll.addEventListener("change", function () {
    status.textContent = "";
    if (!readAll.checked) {
      localStorage.removeItem(READ_ALL);
      stopReading();
      return;
    }
    withDutchVoice(function (voice) {
      if (!readAll.checked) { return; }
      if (voice) {
        localStorage.setItem(READ_ALL, "1");
        return;
      }
      readAll.checked = false;
      localStorage.removeItem(READ_ALL);
      tellNoVoice(status);
    });
  });

  // ---- "Begin opnieuw": on a shared computer the next person must not read the conversation,
  // but a tap by mistake must not lose the call-back code either, so it asks first.

  const codeLine = document.getElementById("wissen-code");

  function lastCode() {
    const codes = history().filter(function (e) { return e.from === "hulpbot"; })
      .map(function (e) { return e.text.match(CALLBACK_CODE); })
      .filter(Boolean);
    return codes.length ? codes[codes.length - 1].slice(-1)[0] : null;
  }

  function openConfirm() {
    const code = lastCode();
    codeLine.textContent = "";
    codeLine.hidden = !code;
    if (code) {
      codeLine.appendChild(document.createTextNode("Je code is "));
      appendAnswerText(codeLine, code);
      codeLine.appendChild(document.createTextNode("."));
    }
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
    // The safe answer first: Enter or a second tap does not wipe anything.
    document.getElementById("wissen-nee").focus();
  }

  function closeConfirm() {
    if (typeof dialog.close === "function") {
      dialog.close();
    } else {
      dialog.removeAttribute("open");
    }
    restart.focus();
  }

  function wipe() {
    stopReading();
    localStorage.removeItem(HISTORY);
    localStorage.removeItem(SESSION);
    localStorage.removeItem(VIA);
    list.textContent = "";
    greet();
    area.scrollTop = 0;
    closeConfirm();
    status.textContent = "Het gesprek is gewist.";
  }

  restart.addEventListener("click", openConfirm);
  document.getElementById("wissen-nee").addEventListener("click", closeConfirm);
  document.getElementById("wissen-ja").addEventListener("click", wipe);
  // Escape closes the dialog by itself; the focus goes back to where it was opened.
  dialog.addEventListener("close", function () { restart.focus(); });

  // ---- Start.

  if (speaker()) { speaker().getVoices(); }
  if (window.visualViewport) { window.visualViewport.addEventListener("resize", fit); }
  window.addEventListener("resize", fit);
  fit();
  const last = showPast(history());
  if (last) {
    toTop(last.first);
  } else {
    greet();
  }
})();
