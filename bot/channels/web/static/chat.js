// Hulpbot web chat: one conversation per browser (its id and messages in localStorage),
// answers from /api/bericht on this site, buttons as large tap targets, "Lees voor" on every
// answer, phone numbers in answers as tel: links (phone-links.js). No outside requests.
"use strict";

(function () {
  const SESSION = "hulpbot-sessie";
  const HISTORY = "hulpbot-gesprek";
  // The code of the organisation whose link the resident opened (/chat?via=CODE), kept for the
  // next visits too, so a call-back request says who sent them.
  const VIA = "hulpbot-via";
  const REFERRAL_CODE = /^[A-Za-z0-9_-]{1,64}$/;
  const list = document.getElementById("gesprek");
  const form = document.getElementById("vraag");
  const input = document.getElementById("tekst");

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

  function dutchVoice() {
    const voices = window.speechSynthesis ? speechSynthesis.getVoices() : [];
    return voices.find(function (v) { return v.lang === "nl-BE"; }) ||
      voices.find(function (v) { return v.lang && v.lang.toLowerCase().startsWith("nl"); }) || null;
  }

  function readAloud(text) {
    if (!window.speechSynthesis) { return; }
    speechSynthesis.cancel();
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "nl-BE";
    const voice = dutchVoice();
    if (voice) { utterance.voice = voice; }
    speechSynthesis.speak(utterance);
  }

  function show(entry) {
    const item = document.createElement("li");
    item.className = entry.from;
    const who = document.createElement("span");
    who.className = "visually-hidden";
    who.textContent = entry.from === "inwoner" ? "Jij: " : "Hulpbot: ";
    item.appendChild(who);
    if (entry.from === "hulpbot" && window.HulpbotPhoneLinks) {
      HulpbotPhoneLinks.appendWithPhoneLinks(item, entry.text);
    } else {
      item.appendChild(document.createTextNode(entry.text));
    }
    if (entry.from === "hulpbot") {
      if (entry.buttons && entry.buttons.length) {
        const choices = document.createElement("div");
        choices.className = "choices";
        entry.buttons.forEach(function (b) {
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = b.title;
          button.addEventListener("click", function () { say(b.payload, b.title); });
          choices.appendChild(button);
        });
        item.appendChild(choices);
      }
      const speak = document.createElement("button");
      speak.type = "button";
      speak.className = "speak";
      speak.textContent = "Lees voor";
      speak.setAttribute("aria-label", "Lees voor: " + entry.text.slice(0, 60));
      speak.addEventListener("click", function () { readAloud(entry.text); });
      item.appendChild(speak);
    }
    list.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
  }

  function add(entry) {
    remember(entry);
    show(entry);
  }

  // Said when the server gives no usable answer; the page carries the text with the city's number.
  const SORRY = form.dataset.sorry || "Sorry, dat lukte niet. Probeer het zo meteen opnieuw.";

  async function say(message, shown) {
    add({ from: "inwoner", text: shown || message });
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
    messages.forEach(function (m) {
      add({ from: "hulpbot", text: m.text, buttons: m.buttons || [] });
    });
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

  // On a shared computer the next person must not read the conversation.
  document.getElementById("opnieuw").addEventListener("click", function () {
    localStorage.removeItem(HISTORY);
    localStorage.removeItem(SESSION);
    window.location.reload();
  });

  const past = history();
  past.forEach(function (entry) { show(entry); });
  if (!past.length) {
    show({ from: "hulpbot", text: "Dag! Ik ben de Hulpbot van de stad Mechelen. Waarmee kan ik je helpen?", buttons: [] });
  }
})();
