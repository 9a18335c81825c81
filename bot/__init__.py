"""Hulpbot Mechelen: the logic behind the assistant, usable without Rasa."""
