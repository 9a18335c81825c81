"""`make shell`: talk to the running assistant from a terminal, as a resident would.

Buttons are shown with numbers; typing the number presses the button.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


def send(url: str, token: str | None, sender: str, message: str) -> list[dict[str, Any]]:
    """Through the web channel, as the web app does (it needs the internal token)."""
    request = urllib.request.Request(
        f"{url}/webhooks/web/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        messages: list[dict[str, Any]] = json.load(response)
        return messages


def chat(url: str, token: str | None, sender: str) -> int:
    print(f"Hulpbot at {url}. Type a message; Ctrl-D stops.")
    buttons: list[dict[str, str]] = []
    while True:
        try:
            line = input("jij> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if line.isdigit() and 0 < int(line) <= len(buttons):
            line = buttons[int(line) - 1]["payload"]
        try:
            messages = send(url, token, sender, line)
        except (urllib.error.URLError, ConnectionError) as exc:
            print(f"The assistant does not answer at {url} ({exc}). Is `make run` running?")
            continue
        buttons = []
        for message in messages:
            print(f"bot> {message.get('text', '')}")
            for button in message.get("buttons", []):
                buttons.append(button)
                print(f"     {len(buttons)}. {button['title']}")
