"""Rasa input channels used by this assistant (registered in credentials.yml).

Both check every message with ``bot.input_guard`` before NLU and make sure a
turn never ends in silence: if Rasa produced no reply (the action server is
down, an action failed), the visitor is told so. Both send each bot utterance as
one message in French typography (``rasa_overrides.channels.guarded.one_message``).
"""
