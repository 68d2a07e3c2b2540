"""Starts the project's servers (action server, Rasa, web page) for `make run` (``python -m launch``), the
tests and the benchmark, and services (PostgreSQL, Redis, nginx) on loopback for the last two; reads the
held-out NLU set for both. ``python -m launch.nginx`` renders the production nginx configuration."""
