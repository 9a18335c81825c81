// The share page for social workers: "Kopieer" puts a link on the clipboard (or selects it where
// the browser allows no clipboard), "Deel" opens the phone's own share menu where the browser has
// one, "Druk de flyer af" prints. Without this script the links are still there to select.
"use strict";

(function () {
  // Said again with each click: an empty live region first, so the same words are announced twice.
  function tell(button, words) {
    const status = document.getElementById(button.dataset.status);
    status.textContent = "";
    window.setTimeout(function () { status.textContent = words; }, 100);
  }

  function select(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function selectInstead(button, element) {
    select(element);
    let copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    tell(button, copied ? "Gekopieerd" : "De tekst is geselecteerd. Kopieer hem nu zelf.");
  }

  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      const element = document.getElementById(button.dataset.copy);
      const text = element.textContent.trim();
      if (!navigator.clipboard || !navigator.clipboard.writeText) {
        selectInstead(button, element);
        return;
      }
      navigator.clipboard.writeText(text).then(
        function () { tell(button, "Gekopieerd"); },
        function () { selectInstead(button, element); }
      );
    });
  });

  if (typeof navigator.share === "function") {
    document.querySelectorAll("button.share-button").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        const data = { title: "De Hulpbot", text: button.dataset.text };
        if (button.dataset.url) { data.url = button.dataset.url; }
        navigator.share(data).catch(function (error) {
          // Closing the share menu is no failure.
          if (error && error.name !== "AbortError") {
            tell(button, "Delen lukte niet. Kopieer de link.");
          }
        });
      });
    });
  }

  const print = document.getElementById("druk");
  print.hidden = false;
  print.addEventListener("click", function () { window.print(); });
})();
