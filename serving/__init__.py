"""How this project serves Rasa: ``python -m serving run ...`` is ``rasa run ...``
with per-message work moved to start-up (see ``action_response``)."""
