"""The careers service's dashboard (/admin): figures read from Rasa's SQL tracker store.

Pure Python over SQLAlchemy, no Rasa import: ``store`` reads the events and keeps the
service's marks, ``stats`` computes the figures, ``text`` masks and groups visitors' texts,
``export`` writes CSV, ``pages`` renders the French HTML and ``app`` answers the HTTP
requests that scripts/serve_web.py passes on (authentication, CSRF, routes).
"""
