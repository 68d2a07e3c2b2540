"""Rasa custom actions: thin adapters over the pure-Python core in ``bot/``."""
