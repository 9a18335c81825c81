"""The ways residents reach the assistant besides REST: Telegram, SMS and the web widget."""
