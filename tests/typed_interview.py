"""One interview typed as people type, shared by the tests that walk it through a real client.

A bank employee of 42 with the bac, no experience in care, 3 000 € on her CPF, a year at most,
no need to be paid while training, drawn to the administrative side. One answer per question
the interview asks an adult, in its order; a new question means a new answer here, once.
"""

BANK_EMPLOYEE = [
    "je suis salariee dans une banque",
    "42 ans",
    "bac",
    "non",
    "3000 euros",
    "un an max",
    "non",
    "mon cpf",
    "l'administratif",
]
