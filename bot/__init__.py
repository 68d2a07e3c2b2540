"""Pure-Python core of the assistant: knowledge base, answers, recommender, French parsing.

Nothing in this package imports Rasa, so it can be tested on its own.
"""
