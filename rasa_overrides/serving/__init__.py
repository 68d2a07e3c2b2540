"""How this project serves Rasa: ``python -m rasa_overrides.serving run ...`` is ``rasa run ...``
with work Rasa 3.6 repeats for every message done once at start-up
(``action_response``, ``event_types``) and one compute thread per worker."""
