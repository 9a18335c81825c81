"""Custom Rasa NLU components; the logic they call lives in plain modules of `bot`."""
