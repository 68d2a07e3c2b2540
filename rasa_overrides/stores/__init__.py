"""Rasa store classes selected in endpoints.yml (see stores/lock_store.py for why)."""
