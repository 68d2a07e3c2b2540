"""Starts the project's servers (action server, Rasa, web page) and services (PostgreSQL, Redis) on
loopback, for the tests and the benchmark; reads the held-out NLU set for both."""
