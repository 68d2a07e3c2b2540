"""Personal health questions and emergencies, recognised by their words whatever the classifier says.

The bot never gives medical advice: a visitor whose father "fait un malaise" right now, or who
asks how many tablets to take, must get the doctor, 15 and 112 at once, even when the intent
classifier, trained on questions about a job, reads the message as something else. Questions
about the job that use health words ("on prend la tension des patients ?") are not caught:
the patterns need a person who is unwell, an emergency, or a dose to take.
"""

from __future__ import annotations

import re

from bot.vocabulary import normalize

_EMERGENCY = re.compile(
    r"\b(fait un malaise|fait une crise|a fait un malaise|s est evanoui\w*|evanoui\w* (la|maintenant)|inconscient\w*|"
    r"ne respire plus|respire (mal|plus)|n arrive plus a respirer|etouff\w*|saigne (beaucoup|abondamment|fort)|hemorragie|"
    # « avc » is also how « avec » is typed on a phone: « avc mon CPF », « avc chatgpt ».
    r"avc(?! (le|la|les|l|mon|ma|mes|ton|ta|tes|son|sa|ses|notre|nos|votre|vos|leur|leurs|un|une|des|du|moi|toi|lui|eux|"
    r"ca|ce|cette|ces|qui|quoi|chatgpt|l ia|ia|les)\b)|crise cardiaque|arret cardiaque|convulsion\w*|overdose|intoxiqu\w*|empoisonn\w*|"
    r"a avale (du|de la|des|un|une)|j ai avale (du|de la|des|un|une)|envie de mourir|me suicider|me tuer|"
    r"(il|elle) est tombee? (par terre|dans|et)|faut il appeler le 15|dois je appeler le 15|appeler les pompiers)\b"
)
_PERSON = (
    r"(j ai|jai|g|j avais|je me sens|je me suis|je suis malade|jsuis malade|chui malade|moi|mon fils|ma fille|mon pere|ma mere|mon papa|ma maman|"
    r"mon mari|ma femme|mon copain|ma copine|mon enfant|mon bebe|ma grand mere|mon grand pere|mon frere|ma soeur|"
    r"il a|elle a|on a)"
)
_SYMPTOM = (
    r"((?<!du )(?<!de )mal (a|au|aux|a la|dans|de)|de la fievre|une fievre|fievre|douleur\w*|nausee\w*|vomi\w*|tousse|toux|vertige\w*|"
    r"migraine\w*|saigne\w*|brule\w*|allergi\w*|eruption\w*|boutons|la diarrhee|diarrhee|grippe|covid|angine|"
    r"infection|enceinte|tension (trop|haute|basse|a)|palpitation\w*|essouffl\w*|crampe\w*|malaise\w*)"
)
_UNWELL = re.compile(rf"\b{_PERSON}\b.{{0,40}}\b{_SYMPTOM}")
_DOSE = re.compile(
    r"\b(doliprane|dafalgan|efferalgan|paracetamol|ibuprofene|advil|aspirine|antibiotique\w*|antidepresseur\w*|"
    r"somnifere\w*|medicament\w*|cachet\w*|comprime\w*|sirop)\b"
    r".{0,60}\b(prendre|prends|combien|dose|par jour|je peux|on peut|dois je|faut il|en meme temps|melanger)\b"
    r"|\b(prendre|combien de|quelle dose de|je peux prendre|dois je prendre)\b.{0,40}\b(doliprane|dafalgan|efferalgan|"
    r"paracetamol|ibuprofene|advil|aspirine|antibiotique\w*|medicament\w*|cachet\w*|comprime\w*|sirop)\b"
)
_ALWAYS_PERSONAL = re.compile(r"\b(posologie|medicament contre|quel medicament pour|ma tension est|mon taux de|mes resultats d analyse)\b")
_WHAT_TO_DO = re.compile(
    r"\b(que faire|qu est ce que je (fais|dois faire)|je fais quoi|je dois faire quoi|aller aux urgences|appeler le 15|appeler les pompiers)\b"
)


# The same in English: visitors who do not write French may be unwell too.
_ENGLISH_EMERGENCY = re.compile(
    r"\b(heart attack|stroke|can t breathe|cannot breathe|not breathing|unconscious|passed out|fainted|overdose|"
    r"bleeding (a lot|heavily)|chest pain|kill myself|suicid\w*|call an ambulance)\b"
)
_ENGLISH_UNWELL = re.compile(
    r"\b(i ve|i have|i ve had|i had|i feel|i m|my (son|daughter|child|baby|father|mother|husband|wife|dad|mum|mom)( has| is)?)\b.{0,40}"
    r"\b(headache|pain|hurts?|fever|sick(?! of)|ill|nause\w*|vomit\w*|cough\w*|dizz\w*|rash|bleeding|infection|migraine|flu|sore)\b"
)
_ENGLISH_DOSE = re.compile(
    r"\b(what should i take|which (pill|medicine|medication|drug)|how many (pills|tablets)|can i take|dose of|"
    r"paracetamol|ibuprofen|aspirin|antibiotics?)\b"
)


def is_personal_health_question(text: str) -> bool:
    """An emergency, a person who is unwell, or a question about a dose to take (in French or English)."""
    normalized = normalize(text)
    if _EMERGENCY.search(normalized) or _DOSE.search(normalized) or _ALWAYS_PERSONAL.search(normalized):
        return True
    if _ENGLISH_EMERGENCY.search(normalized) or _ENGLISH_UNWELL.search(normalized) or _ENGLISH_DOSE.search(normalized):
        return True
    if _UNWELL.search(normalized):
        return True
    return bool(_WHAT_TO_DO.search(normalized) and re.search(_SYMPTOM, normalized))
