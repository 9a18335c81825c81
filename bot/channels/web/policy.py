"""The Content-Security-Policy of the residents' pages: only this site's own scripts, styles and
requests, so an answer can never load or send anything elsewhere."""

from __future__ import annotations


def csp(frame_ancestors: str) -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; "
        f"frame-ancestors {frame_ancestors}"
    )
