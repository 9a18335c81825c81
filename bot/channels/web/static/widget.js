// Hulpbot widget: <script src="https://HULPBOT/widget.js" defer></script> on any page of a site
// on the allow-list adds a "Chat met de Hulpbot" button that opens the chat in a frame.
// Elsewhere the chat would refuse to show in the frame (its frame-ancestors policy), so the
// script adds nothing there and says why in one console line.
"use strict";

(function () {
  const origin = "__HULPBOT_ORIGIN__";
  const allowed = "__HULPBOT_ALLOWED__";
  if (allowed.indexOf(window.location.origin) < 0) {
    console.info("__HULPBOT_REFUSED__");
    return;
  }
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "Chat met de Hulpbot";
  button.setAttribute("aria-expanded", "false");
  button.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483000;font:700 20px system-ui,sans-serif;" +
    "padding:14px 20px;border-radius:28px;border:0;background:#0a4a8f;color:#fff;cursor:pointer;min-height:56px";
  const frame = document.createElement("iframe");
  frame.title = "Chat met de Hulpbot";
  frame.hidden = true;
  frame.style.cssText = "position:fixed;right:16px;bottom:84px;z-index:2147483000;width:min(420px,calc(100vw - 32px));" +
    "height:min(640px,calc(100vh - 110px));border:2px solid #0a4a8f;border-radius:12px;background:#fff";
  button.addEventListener("click", function () {
    if (!frame.src) { frame.src = origin + "/chat?ingebed=1"; }
    frame.hidden = !frame.hidden;
    button.setAttribute("aria-expanded", String(!frame.hidden));
    button.textContent = frame.hidden ? "Chat met de Hulpbot" : "Sluit de chat";
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
