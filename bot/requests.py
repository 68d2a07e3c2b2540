"""Requests told apart by their grammar where the classifier goes by their words.

« Vous pouvez me conseiller une formation ? » asks for advice (the interview), « je veux
parler à un conseiller » for a person: the same word, a verb in one, a noun in the other.
"""

from __future__ import annotations

import re

from bot.vocabulary import normalize

# "me conseiller", "m'orienter", "conseillez-moi", "que me recommandez-vous".
_ADVICE_VERB = re.compile(r"\b(me|m|nous)\s+(conseill|recommand|orient|guid|aigu)\w*|\b(conseill|recommand|orient|guid)\w*\s+moi\b")
# A person asked for: "un conseiller", "quelqu'un", "parler", "rappeler", "rendez-vous".
_PERSON = re.compile(
    r"\b(un|une|le|la|les|des|votre|vos|mon|ma|d un|d une|a un|a une|avec un|avec une|vrai|vraie)\s+(vrai\s+|vraie\s+)?"
    r"(conseill(er|ere|ers|eres)|humain|humaine|personne|interlocut\w*)\b"
    # (Calling someone, not "les appels d'urgence" of the SAMU.)
    r"|\b(quelqu un|parler|rappel\w*|m appel\w*|appelez|rendez vous|rdv|telephon\w*|contact\w*|joindre|humain|en vrai|en personne)\b"
)


# « je veux faire valider mon expérience », « faire reconnaître ce que je fais depuis des années ».
_RECOGNITION = re.compile(
    r"\b(faire |de |pour )?(valider|reconnaitre|valoir|certifier)\b.{0,40}\b(experience|acquis|annees|ce que je fais|ce travail|ce metier|"
    r"mon travail|mon metier|mes competences|le faire|les faire)\b"
    r"|\b(le|les|la|l) faire (valider|reconnaitre|certifier)\b|\b(faire|passer) (une|la|ma) vae\b"
)
_FIRST_PERSON = re.compile(r"\b(je|j|moi|mon|ma|mes|me|m)\b")


def wants_experience_recognised(text: str) -> bool:
    """Whether the person says they want their own experience recognised (a wish, not a question about the VAE)."""
    plain = normalize(text)
    return bool(_RECOGNITION.search(plain) and _FIRST_PERSON.search(plain)) and not plain.startswith(("c est quoi", "qu est ce"))


def asks_for_advice_not_a_person(text: str) -> bool:
    """Whether ``text`` asks to be advised (the verb) without asking for a person."""
    plain = normalize(text)
    return bool(_ADVICE_VERB.search(plain)) and not _PERSON.search(plain)


# « où je peux faire la formation ? », « c'est quoi les formations ? »: a question about the trainings,
# which the classifier may take for a request for advice because of the words « formation » or « je veux ».
_ABOUT_TRAININGS = re.compile(
    r"\b(ou (je peux|peut on|on peut|puis je|faire|suivre|trouver|se former|me former|la faire|passer)|c est quoi les|"
    r"quelles sont les|quels sont les|ca existe|existe t il|y a t il)\b"
)
_ADVICE_WORDS = re.compile(r"\b(conseill|recommand|orient|guid|aide[rz]? moi|pour moi|mon cas|ma situation|mon profil)\w*")


def asks_about_trainings_not_advice(text: str) -> bool:
    """Whether ``text`` asks where or what the trainings are, without asking to be advised."""
    plain = normalize(text)
    return bool(_ABOUT_TRAININGS.search(plain)) and not _ADVICE_WORDS.search(plain)
