"""Debian's Chromium for the real-browser tests, and the accessibility check with axe-core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from bot.settings import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_RULES = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
# As the machine's own check starts it: no sandbox as root, no background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def serious_accessibility_problems(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.1 AA).

    The script is evaluated by the test driver, so the page's CSP stays as it is.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(f"axe.run(document, {{runOnly: {list(AXE_RULES)}}})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
