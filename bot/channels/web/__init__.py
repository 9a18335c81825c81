"""The web channel: a chat page and embeddable widget for residents, and a share page."""
