"""rasa-sdk actions: each translates between Rasa and plain functions in `bot`."""
