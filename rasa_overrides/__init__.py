"""Every change this project makes to stock Rasa 3.6, in one place: see README.md here."""
