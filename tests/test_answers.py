"""Answers: composed from the knowledge base, short, sourced, leading with what was asked."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path
from typing import List

import pytest
import yaml

from bot.answers import (
    KNOWLEDGE_INTENTS,
    MAX_ANSWER_CHARS,
    MAX_BULLETS,
    ROUTE_INTENTS,
    Question,
    answer,
    compose,
    every_answer,
    follow_up_intent,
)
from bot.context import Context, resolve
from bot.cues import is_yes_no_question
from bot.knowledge import Fact, KnowledgeBase
from bot.measures import measure_asked
from bot.ranker import fact_places, rank
from bot.reading import read
from bot.typography import french
from launch.heldout import load_heldout

TODAY = dt.date(2026, 12, 1)
ROOT = Path(__file__).resolve().parent.parent
SOURCE_DOCUMENTS = sorted((ROOT.parent / "shared" / "sources").glob("*.txt"))


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ").replace("’", "'")


def ask(kb: KnowledgeBase, intent: str, text: str = "", **kwargs: str) -> str:
    return plain(compose(kb, Question(intent, text=text, **kwargs), TODAY).text)


def domain_texts() -> List[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    texts = []
    for variants in domain["responses"].values():
        for variant in variants:
            texts.append(variant["text"])
            texts += [b["title"] for b in variant.get("buttons", [])]
    return texts


def shingles(text: str, size: int = 8) -> set:
    words = re.findall(r"\w+", plain(text).lower())
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


# --- every answer -------------------------------------------------------------------------


@pytest.mark.parametrize("intent", KNOWLEDGE_INTENTS)
def test_every_knowledge_intent_has_a_sourced_answer_with_next_steps(kb: KnowledgeBase, intent: str) -> None:
    reply = answer(kb, intent, today=TODAY)
    assert len(reply.text) > 60
    assert reply.buttons, "quick replies suggest the next questions"
    if intent != "ask_definition":
        assert re.search(r"\n\nSources? : .+\.$", reply.text) and reply.sources
        links = reply.custom["sources"]
        assert [link["title"] for link in links] == [kb.sources[s].title for s in reply.sources]


def test_every_composed_answer_fits_a_phone_bubble(kb: KnowledgeBase) -> None:
    answers = every_answer(kb, TODAY)
    assert len(answers) > 100
    too_long = [(name, len(french(r.text))) for name, r in answers if len(french(r.text)) > MAX_ANSWER_CHARS]
    assert not too_long, too_long
    too_many = [name for name, r in answers if r.text.count("\n• ") > MAX_BULLETS]
    assert not too_many, too_many
    assert all(len(r.buttons) <= 6 for _, r in answers)


def test_official_sources_come_with_their_page(kb: KnowledgeBase) -> None:
    links = answer(kb, "ask_salary", today=TODAY).custom["sources"]
    assert links == [
        {
            "label": "Onisep",
            "title": kb.sources["onisep_met7819"].title,
            "url": "https://www.onisep.fr/http/redirection/metier/slug/MET.7819",
        }
    ]
    documents = answer(kb, "ask_skills", today=TODAY).custom["sources"]
    assert all(link["url"] is None for link in documents), "the project's documents have no public page"


def test_two_sources_of_one_publisher_are_told_apart(kb: KnowledgeBase) -> None:
    links = answer(kb, "ask_training_paths", facet="framework", today=TODAY).custom["sources"]
    labels = [link["label"] for link in links]
    assert len(labels) == len(set(labels)) == 2 and all(label.startswith("Légifrance, ") for label in labels)


def test_no_answer_or_response_copies_eight_words_of_the_documents(kb: KnowledgeBase) -> None:
    ours = {name: shingles(r.text) for name, r in every_answer(kb, TODAY)}
    ours.update({f"domain: {t[:40]}": shingles(t) for t in domain_texts()})
    for path in SOURCE_DOCUMENTS:
        theirs = shingles(path.read_text(encoding="utf-8"))
        copied = {name: sorted(runs & theirs)[:2] for name, runs in ours.items() if runs & theirs}
        assert not copied, f"copied from {path.name}: {copied}"


def test_typography_is_complete_on_every_text(kb: KnowledgeBase) -> None:
    texts = [r.text for _, r in every_answer(kb, TODAY)] + [b.title for _, r in every_answer(kb, TODAY) for b in r.buttons]
    texts += domain_texts()
    for text in texts:
        out = french(text)
        assert "'" not in out, out
        assert not re.search(r"[ \S](?<![\u202f\u00a0])[;?!]", out.replace("https://", "")), out
        assert not re.search(r"(?<![\u00a0\s]):\s", out), out
        assert not re.search(r"«(?!\u00a0)|(?<!\u00a0)»", out), out
        assert not re.search(r"\d[ ]?€|\d \d{3}\b", out), out


def test_answers_never_speak_of_a_document_the_visitor_has_not_read(kb: KnowledgeBase) -> None:
    subjects = re.compile(r"\b(le guide|l'article|du guide|de l'article|ce guide|cet article)\b", re.I)
    texts = [f.text for f in kb.facts()] + [plain(r.text).split("\n\nSource")[0] for _, r in every_answer(kb, TODAY)]
    texts += domain_texts()
    assert not [t for t in texts if subjects.search(plain(t))]


def test_lists_read_as_french(kb: KnowledgeBase) -> None:
    for name, reply in every_answer(kb, TODAY):
        text = plain(reply.text)
        assert "« «" not in text and not re.search(r"«[^»]*«", text), f"nested guillemets in {name}"
        for item in re.findall(r"\n• (.+)", text):
            assert not item.endswith(";") or text.count(item) == 1, item
        assert not re.search(r"\n• [^\n]+;\n\n", text), f"a list ends with ';' in {name}"


# --- what leads the answer -----------------------------------------------------------------


def test_a_question_on_computer_skills_gets_its_yes_first(kb: KnowledgeBase) -> None:
    reply = compose(kb, Question("ask_skills", text="Faut-il être bon en informatique ?"), TODAY)
    assert plain(reply.text).startswith("Oui, il faut être à l'aise avec les logiciels")
    assert reply.custom["facet"] == "digital"
    assert "Côté humain" in [b.title for b in reply.buttons], "the other facets are one button away"


def test_a_shy_visitor_is_told_about_the_human_side(kb: KnowledgeBase) -> None:
    reply = compose(kb, Question("ask_skills", text="je suis timide, est-ce un problème ?"), TODAY)
    text = plain(reply.text)
    assert text.startswith("Nos sources ne parlent pas de timidité") and "écoute" in text
    assert reply.custom["facet"] == "human" and "gestes de base" not in text


def test_blood_tests_are_not_invented(kb: KnowledgeBase) -> None:
    text = ask(kb, "ask_missions", "est-ce qu'on fait des prises de sang ?")
    assert text.startswith("Nos sources ne mentionnent ni prises de sang") and not text.startswith("Oui")
    assert "constantes" in text


def test_a_facet_button_shows_that_facet(kb: KnowledgeBase) -> None:
    text = ask(kb, "ask_missions", facet="admin")
    assert text.startswith("Côté administratif") and "rendez-vous" in text


def test_the_default_answer_is_the_overview_of_the_topic(kb: KnowledgeBase) -> None:
    text = ask(kb, "ask_skills", "quelles compétences faut-il ?")
    assert all(side in text for side in ("Côté technique", "Côté humain", "Côté numérique"))


def test_workplaces_say_yes_to_a_place_of_the_list(kb: KnowledgeBase) -> None:
    text = ask(kb, "ask_workplaces", "on peut bosser en EHPAD ?")
    assert text.startswith("Oui, un assistant médical peut travailler en établissement pour personnes âgées")


# --- routes, schemes, terms ------------------------------------------------------------------


@pytest.mark.parametrize("intent", ROUTE_INTENTS)
def test_route_answers_name_the_route(kb: KnowledgeBase, intent: str) -> None:
    for route in kb.routes.values():
        reply = answer(kb, intent, formation_type=route.id, today=TODAY)
        noun = re.sub(r"^(le |la |les |l')", "", plain(route.the))
        assert noun in plain(reply.text), (intent, route.id)
        assert any(route.id in b.payload for b in reply.buttons)


def test_cost_of_the_private_course_only(kb: KnowledgeBase) -> None:
    text = ask(kb, "ask_cost", route="formation_privee")
    assert "5 000 € à 10 000 €" in text and "3 000" not in text and "indicati" in text


def test_cost_overview_lists_the_four_routes_of_the_guide(kb: KnowledgeBase) -> None:
    text = ask(kb, "ask_cost")
    for route in kb.core_routes:
        assert f"{route.short_name} : {plain(route.cost.text)}" in text
    assert text.count("\n• ") == 4 and plain(kb.disclaimer.text) in text


def test_free_is_answered_with_a_yes(kb: KnowledgeBase) -> None:
    assert ask(kb, "ask_cost", "c'est gratuit ?").startswith("Oui, deux voies ne vous coûtent rien")


def test_duration_of_formation_continue_gives_both_sources(kb: KnowledgeBase) -> None:
    reply = answer(kb, "ask_duration", formation_type="formation_continue", today=TODAY)
    assert "6 à 12 mois" in reply.text and "279" in reply.text
    assert len(reply.sources) >= 2


def test_free_route_needs_no_financing(kb: KnowledgeBase) -> None:
    text = ask(kb, "ask_financing", route="lycee_pro")
    assert text.startswith("Coût du bac pro ASSP : gratuit") and "Aucun financement" in text
    assert "«" not in text.split("\n\nSource")[0], "no guillemets around a route's name"


def test_a_route_financing_lists_its_schemes_in_lower_case(kb: KnowledgeBase) -> None:
    text = ask(kb, "ask_financing", route="formation_continue")
    assert text.startswith("Pour financer la formation continue (3 000 € à 6 000 €), vous pouvez vous tourner vers :")
    assert "• le compte personnel de formation (CPF) ;" in text


@pytest.mark.parametrize(
    "scheme, figures",
    [
        ("cpf", ["500 €", "5 000 €", "100 €", "moncompteformation.gouv.fr"]),
        ("france_travail", ["aide individuelle à la formation", "conseiller France Travail"]),
        ("transitions_pro", ["salaire est maintenu", "24 mois"]),
        ("alternance", ["27 %", "43 %", "53 %", "100 %", "16 à 29 ans"]),
        ("vae", ["expérience", "CQP", "ARM"]),
        ("employer", ["employeur"]),
        ("region", ["région"]),
    ],
)
def test_each_scheme_is_answered_for_itself(kb: KnowledgeBase, scheme: str, figures: List[str]) -> None:
    text = ask(kb, "ask_financing", scheme=scheme)
    assert text.startswith(plain(kb.financing[scheme].the[:1].upper() + kb.financing[scheme].the[1:]))
    for figure in figures:
        assert figure in text, (figure, text)


@pytest.mark.parametrize(
    "term",
    [
        "dmp",
        "dpi",
        "dse",
        "telemedecine",
        "teleconsultation",
        "tele_expertise",
        "telesurveillance",
        "e_parcours",
        "via_trajectoire",
        "donnees_sante",
    ],
)
def test_every_term_is_defined(kb: KnowledgeBase, term: str) -> None:
    reply = answer(kb, "ask_definition", term=term, today=TODAY)
    assert reply.text.startswith(kb.terms[term].label)
    assert kb.terms[term].definition.text in reply.text


def test_patients_consult_their_own_dmp(kb: KnowledgeBase) -> None:
    text = ask(kb, "ask_definition", term="dmp")
    assert "du patient" in text and "Mon espace santé" in text and "seuls" not in text


def test_telemedicine_gives_the_five_acts_and_the_three_families_with_their_sources(kb: KnowledgeBase) -> None:
    assert "cinq actes" in ask(kb, "ask_definition", term="telemedecine")
    text = ask(kb, "ask_definition", term="teleconsultation")
    assert "cinq actes" in text and "trois grandes familles" in text and "AP-HP" in text and "article" in text


def test_digital_role_is_honest_about_the_title(kb: KnowledgeBase) -> None:
    text = ask(kb, "ask_digital_role").lower()
    assert "pas un titre officiel" in text and "cqp" in text


def test_salary_gives_the_onisep_range(kb: KnowledgeBase) -> None:
    text = ask(kb, "ask_salary")
    assert "1 801 € à 2 118 € brut" in text


# --- true today ---------------------------------------------------------------------------------


def test_the_arm_diploma_is_mandatory_in_the_tense_of_the_day(kb: KnowledgeBase) -> None:
    before = plain(compose(kb, Question("ask_certification", route="arm"), dt.date(2025, 6, 1)).text)
    after = plain(compose(kb, Question("ask_certification", route="arm"), dt.date(2026, 1, 1)).text)
    assert "devient obligatoire pour les ARM en poste le 1er janvier 2026" in before
    assert "est obligatoire pour les ARM en poste depuis le 1er janvier 2026" in after


def test_a_past_target_is_said_in_the_past(kb: KnowledgeBase) -> None:
    before = plain(compose(kb, Question("ask_job_outlook"), dt.date(2025, 3, 1)).text)
    after = plain(compose(kb, Question("ask_job_outlook"), TODAY).text)
    assert "vise 10 000 assistants médicaux en 2025" in before
    assert "visait 10 000 assistants médicaux en 2025 ; elle en vise 15 000 en 2029" in after


# --- context -------------------------------------------------------------------------------------


def test_follow_up_repeats_the_previous_topic() -> None:
    assert follow_up_intent("ask_cost", "alternance", None) == "ask_cost"
    assert follow_up_intent("ask_salary", "alternance", None) == "ask_training_paths"
    assert follow_up_intent("ask_definition", None, "dpi") == "ask_definition"


@pytest.mark.parametrize(
    "intent, text, routes, scheme, last, expected",
    [
        (
            "ask_followup",
            "et en alternance ?",
            ["alternance"],
            None,
            Context("ask_cost", "formation_continue"),
            ("ask_cost", "alternance", None),
        ),
        (
            "ask_cost",
            "et en alternance ?",
            ["alternance"],
            None,
            Context("ask_duration", "formation_continue"),
            ("ask_duration", "alternance", None),
        ),
        (
            "ask_duration",
            "et ça dure combien de temps ?",
            [],
            None,
            Context("ask_cost", "alternance"),
            ("ask_duration", "alternance", None),
        ),
        (
            "ask_cost",
            "combien coûte le bac pro ?",
            ["lycee_pro"],
            None,
            Context("ask_duration", "alternance"),
            ("ask_cost", "lycee_pro", None),
        ),
        (
            "ask_cost",
            "quels sont les tarifs de toutes les formations pour adultes ?",
            [],
            None,
            Context("ask_duration", "alternance"),
            ("ask_cost", None, None),
        ),
        # A subject of its own replaces the last one.
        ("ask_financing", "et le cpf ça marche comment ?", [], "cpf", Context("ask_cost", "alternance"), ("ask_financing", None, "cpf")),
        ("ask_followup", "et le cpf ?", [], "cpf", Context("ask_cost", "alternance"), ("ask_financing", None, "cpf")),
        ("ask_followup", "et le salaire ?", [], None, Context("ask_cost", "formation_privee"), ("ask_salary", None, None)),
        ("ask_cost", "et la durée ?", [], None, Context("ask_cost", "formation_continue"), ("ask_duration", "formation_continue", None)),
        ("ask_financing", "quels financements existent ?", [], None, Context("ask_cost", "alternance"), ("ask_financing", None, None)),
        ("ask_job_outlook", "ça recrute dans ma région ?", [], "region", Context("ask_cost", None), ("ask_job_outlook", None, None)),
        ("ask_training_paths", "c'est quoi la vae ?", [], "vae", Context("ask_cost", "alternance"), ("ask_financing", None, "vae")),
        # The last subject goes on when the words name one of its facts.
        ("bot_challenge", "y a un plafond ?", [], None, Context("ask_financing", scheme="cpf"), ("ask_financing", None, "cpf")),
        (
            "nlu_fallback",
            "elle est versée à qui ?",
            [],
            None,
            Context("ask_financing", scheme="france_travail"),
            ("ask_financing", None, "france_travail"),
        ),
        ("ask_financing", "qui le gère ?", [], None, Context("ask_definition", term="via_trajectoire"), ("ask_definition", None, None)),
        (
            "ask_financing",
            "et ça marche aussi pour le diplome d'ARM ?",
            ["arm"],
            None,
            Context("ask_financing", scheme="vae"),
            ("ask_financing", None, "vae"),
        ),
        (
            "nlu_fallback",
            "a partir de quel age on peut commencer ?",
            [],
            None,
            Context("ask_cost", "alternance"),
            ("ask_training_paths", "alternance", None),
        ),
        # The topic of the conversation, when the words name its facets more than the NLU's topic.
        ("ask_missions", "ses missions c'est quoi ?", [], None, Context("ask_digital_role"), ("ask_digital_role", None, None)),
        ("ask_duration", "et a partir de 26 ans ?", [], None, Context("ask_salary", facet="apprentice"), ("ask_salary", None, None)),
        # A route named after a topic with a facet about it: that facet ("et un apprenti de 22 ans ?" after the pay).
        (
            "ask_followup",
            "et un apprenti de 22 ans ?",
            ["alternance"],
            None,
            Context("ask_salary", facet="apprentice"),
            ("ask_salary", None, None),
        ),
        ("ask_followup", "et en alternance ?", ["alternance"], None, Context("ask_salary"), ("ask_salary", None, None)),
        ("ask_followup", "et en alternance ?", ["alternance"], None, Context("ask_workplaces"), ("ask_training_paths", "alternance", None)),
        ("ask_job_outlook", "c'est lié à ma santé 2022 ?", [], None, Context("ask_job_outlook"), ("ask_training_paths", None, None)),
        ("nlu_fallback", "sdfsdf qsdqsd", [], None, Context("ask_cost", "alternance"), ("nlu_fallback", None, None)),
        ("out_of_scope", "quel temps fait-il demain ?", [], None, Context("ask_financing", scheme="cpf"), ("out_of_scope", None, None)),
    ],
)
def test_context_resolution(kb: KnowledgeBase, intent, text, routes, scheme, last, expected) -> None:
    term = "via_trajectoire" if "gère" in text else None
    question = resolve(kb, intent, text, routes, None, scheme, None, last)
    assert (question.intent, question.route, question.scheme) == expected
    if term:
        assert question.term == term


def test_a_continuation_keeps_the_facet_of_the_last_answer(kb: KnowledgeBase) -> None:
    question = resolve(kb, "ask_duration", "et a partir de 26 ans ?", [], None, None, None, Context("ask_salary", facet="apprentice"))
    assert "100 %" in plain(compose(kb, question, TODAY).text)


def test_a_route_fact_the_question_names_leads(kb: KnowledgeBase) -> None:
    text = ask(kb, "ask_skills", "faut il le bac pour etre ARM ?", route="arm")
    assert text.startswith("Pour accéder au diplôme d'État d'ARM : au moins 18 ans, et le bac")
    assert "Durée : environ 1 an" in text


def test_a_scheme_detail_the_question_names_comes_first(kb: KnowledgeBase) -> None:
    text = ask(kb, "ask_financing", "elle est versée à qui ?", scheme="france_travail")
    assert text.split("\n")[1].startswith("On la demande à son conseiller France Travail")


@pytest.mark.parametrize("spelling", ["assistant médical", "assistant medical", "assistante medicale", "AM"])
@pytest.mark.parametrize("intent", [i for i in KNOWLEDGE_INTENTS if i not in ("ask_followup", "ask_definition", "ask_digital_role")])
def test_naming_the_job_does_not_change_the_subject(kb: KnowledgeBase, intent: str, spelling: str) -> None:
    """Every question names the job; its name alone must never pull the answer to a term or another topic."""
    question = resolve(kb, intent, f"et pour un {spelling}, qu'en est-il ?", [], None, None, None, Context())
    assert question.intent == intent and question.term is None


def test_cached_cue_words_are_the_words_of_each_cue(kb: KnowledgeBase) -> None:
    """bot/cues.py caches the words of cues: the cache gives what words() gives, for every cue."""
    from bot.cues import cue_words, words

    cues = {c for topic in kb.topics.values() for facet in topic.facets for c in facet.cues}
    cues |= {c for topic in kb.topics.values() for facet in topic.facets for fact in facet.facts for c in fact.cues}
    assert len(cues) > 50
    for cue in cues:
        assert cue_words(cue) == tuple(words(cue)), cue


@pytest.mark.parametrize(
    "text, route, lead",
    [
        ("un apprenti paie l'école ?", "alternance", "Non."),
        ("en alternance c'est gratuit ?", "alternance", "Oui."),
        ("la formation continue c'est payant ?", "formation_continue", "Oui."),
        ("la formation continue c'est gratuit ?", "formation_continue", "Non."),
        ("combien coûte l'alternance ?", "alternance", "Coût indicatif"),
    ],
)
def test_a_yes_no_question_on_a_route_cost_leads_with_its_word(kb: KnowledgeBase, text: str, route: str, lead: str) -> None:
    assert ask(kb, "ask_cost", text, route=route).startswith(lead)


def test_no_bac_is_answered_with_a_yes(kb: KnowledgeBase) -> None:
    assert ask(kb, "ask_training_paths", "on peut entrer en formation sans le bac ?").startswith("Oui, sans le bac")


@pytest.mark.parametrize("text", ["et le salaire ?", "la VAE ?", "salaire ?", "et pour les adultes ?"])
def test_a_subject_named_without_a_verb_is_not_a_yes_no_question(text: str) -> None:
    assert not is_yes_no_question(text)


def test_yes_or_no_never_leads_an_answer_to_another_kind_of_question(kb: KnowledgeBase) -> None:
    questions = [(intent, text) for intent, text, _ in load_heldout() if intent in KNOWLEDGE_INTENTS and not is_yes_no_question(text)]
    assert len(questions) > 250
    led = [text for intent, text in questions if re.match(r"(Oui|Non|Pas forcément)\b", ask(kb, intent, text))]
    assert not led, led


AFTER_ALTERNANCE = Context("ask_cost", route="alternance")


@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_salary", "quel est le salaire ?"),
        ("ask_salary", "combien gagne un assistant médical ?"),
        ("ask_certification", "faut-il le bac ?"),
        ("ask_duration", "combien de temps dure la formation d'assistante médicale ?"),
    ],
)
def test_a_question_with_a_subject_of_its_own_lets_the_context_go(kb: KnowledgeBase, intent: str, text: str) -> None:
    question = resolve(kb, intent, text, [], None, None, None, AFTER_ALTERNANCE)
    assert question.route is None and not question.inherited
    assert "apprenti" not in plain(compose(kb, question, TODAY).text)


@pytest.mark.parametrize(
    "intent, text, general",
    [("ask_duration", "ça dure combien ?", "/ask_duration"), ("ask_salary", "et le salaire ?", "/ask_salary")],
)
def test_an_answer_that_rests_on_the_context_says_so(kb: KnowledgeBase, intent: str, text: str, general: str) -> None:
    question = resolve(kb, intent, text, [], None, None, None, AFTER_ALTERNANCE)
    assert question.route == "alternance" and question.inherited
    reply = compose(kb, question, TODAY)
    assert "alternance" in plain(reply.text).split("\n")[0].lower()
    assert reply.buttons[0].payload == general and reply.buttons[0].title.endswith("en général")


@pytest.mark.parametrize(
    "route, intent, text",
    [
        ("arm", "ask_certification", "le diplome est obligatoire ?"),
        ("arm", "ask_certification", "ce diplôme est-il reconnu ?"),
        ("formation_continue", "ask_duration", "la formation dure combien ?"),
    ],
)
def test_the_last_routes_own_noun_points_back_to_it(kb: KnowledgeBase, route: str, intent: str, text: str) -> None:
    """« le diplôme », « cette formation » after a route: that route, not the job in general."""
    question = resolve(kb, intent, text, [], None, None, None, Context("ask_duration", route=route))
    assert question.route == route and question.inherited


def test_a_yes_no_lead_holds_only_from_the_day_the_fact_does(kb: KnowledgeBase) -> None:
    question = resolve(kb, "ask_certification", "le diplome est obligatoire ?", [], None, None, None, Context("ask_duration", route="arm"))
    assert plain(compose(kb, question, TODAY).text).startswith("Oui, ")
    before = plain(compose(kb, question, dt.date(2025, 12, 1)).text)
    assert not before.startswith("Oui") and "devient obligatoire" in before


def test_a_continuation_naming_a_fact_of_another_topic_goes_to_that_fact(kb: KnowledgeBase) -> None:
    """« et les comptes rendus ? » after a term's definition: the fact that names them, not the glossary."""
    last = Context("ask_definition", term="teleconsultation")
    question = resolve(kb, "ask_curriculum", "et les comptes rendus ?", [], None, None, None, last)
    assert "comptes rendus" in plain(compose(kb, question, TODAY).text)


@pytest.mark.parametrize(
    "text, measure",
    [
        ("combien d'heures dure le CQP ?", "hours"),
        ("c'est payé combien, une assistante médicale ?", "euros"),
        ("le cpf est crédité de combien par an ?", "euros"),
        ("combien il y a d'assistants médicaux en France ?", "people"),
        ("ça dure combien ?", "duration"),
        ("quel pourcentage du SMIC pour un apprenti ?", "percent"),
        ("depuis quand le diplôme d'ARM est obligatoire ?", "date"),
        ("jusqu'à quel âge peut-on être apprenti ?", "age"),
        ("et quand il aura 19 ans ?", None),
        ("les prix changent selon les régions ?", None),
    ],
)
def test_what_a_question_measures(text: str, measure: str) -> None:
    assert measure_asked(text) == measure


@pytest.mark.parametrize(
    "intent, text, expected",
    [
        ("ask_duration", "le CQP c'est combien d'heures ?", "279 heures"),
        ("ask_job_outlook", "bonjour je voudrais savoir combien il y a d assistants médicaux en france", "7 240"),
        ("ask_cost", "le cpf c'est crédité de combien par an ?", "500 € par an"),
    ],
)
def test_a_figure_asked_leads_the_answer(kb: KnowledgeBase, intent: str, text: str, expected: str) -> None:
    answer = ask(kb, intent, text)
    assert expected in " ".join(answer.split("\n")[:2]), answer


def test_a_figure_asked_of_the_last_facet_comes_from_it(kb: KnowledgeBase) -> None:
    """« ça dure combien ? » after the CQP: its 279 hours, not the table of the routes."""
    question = resolve(kb, "ask_duration", "ça dure combien ?", [], None, None, None, Context("ask_certification", facet="cqp"))
    assert "279 heures" in plain(compose(kb, question, TODAY).text).split("\n")[0]


def test_the_job_named_is_the_subject_whatever_the_pronoun(kb: KnowledgeBase) -> None:
    question = resolve(
        kb, "ask_salary", "Et un assistant médical diplômé, il gagne combien par mois ?", [], None, None, None, AFTER_ALTERNANCE
    )
    assert question.route is None and "1 801" in plain(compose(kb, question, TODAY).text)


# --- the facts' asked questions (bot/ranker.py) and a choice when unsure ---------------------


def _ranked_facts(kb: KnowledgeBase) -> List[Fact]:
    facts = [fact for topic in kb.topics.values() for facet in topic.facets for fact in facet.facts]
    facts += [
        fact for route in kb.routes.values() for fact in (route.summary, route.entry, route.certification, *route.suits, *route.notes)
    ]
    facts += [fact for option in kb.financing.values() for fact in (option.summary, *option.details)]
    facts += [fact for term in kb.terms.values() for fact in (term.definition, *term.details)]
    return list({fact.text: fact for fact in facts}.values())


def test_every_ranked_fact_has_questions_a_visitor_asks(kb: KnowledgeBase) -> None:
    few = [fact.text for fact in _ranked_facts(kb) if len(fact.asked) < 3]
    assert not few, few


def test_each_asked_question_leads_to_its_own_fact(kb: KnowledgeBase) -> None:
    """The asked questions are consistent: each, asked of its fact's subject (its route, scheme or
    term), finds its own fact first, but for a few that two facts answer (0.9 or more)."""
    places = {place.text: place for place in fact_places(kb)}
    found = []
    for fact in _ranked_facts(kb):
        place = places[fact.text]
        for question in fact.asked:
            ranked = rank(kb, read(question, kb.words), place.topic, place.route, place.scheme, place.term)
            found.append([c.text for c in ranked][:1] == [fact.text])
    assert sum(found) / len(found) >= 0.9, sum(found) / len(found)


def test_an_unsure_reading_asks_which_one_was_meant(kb: KnowledgeBase) -> None:
    # The NLU says the programme, unsure; the ranker prefers the routes' way of mixing theory and practice.
    question = Question("ask_curriculum", text="c'est théorique ou y a du concret ?", confidence=0.5)
    reply = compose(kb, question, TODAY)
    assert reply.custom and reply.custom["type"] == "which_one"
    assert reply.text.endswith("?") and len(reply.buttons) == 2
    assert reply.buttons[0].payload == '/ask_training_paths{"facet": "routes"}'
    assert reply.buttons[1].payload.startswith("/ask_curriculum")
    # A sure NLU keeps its topic.
    sure = compose(kb, replace(question, confidence=0.99), TODAY)
    assert sure.custom and sure.custom["type"] == "answer" and sure.custom["topic"] == "ask_curriculum"


def test_a_term_answer_leads_with_the_detail_the_ranker_chose(kb: KnowledgeBase) -> None:
    detail = kb.terms["telemedecine"].details[-1]
    question = Question("ask_definition", term="telemedecine", text="et pour une assistante au quotidien ?", lead=detail.text)
    assert compose(kb, question, TODAY).text.split("\n")[1] == detail.text[:1].upper() + detail.text[1:]


@pytest.mark.parametrize("continues", [True, False])
def test_a_list_entry_said_first_reads_as_a_sentence(kb: KnowledgeBase, continues: bool) -> None:
    """« il s'occupe de : » + « l'accueil » reads « il s'occupe de l'accueil »; « ce qui compte le
    plus : » keeps its colon before « l'empathie »."""
    facets = [(t, f) for t in kb.topics.values() for f in t.facets if f.lead.endswith(":") and f.lead_continues == continues]
    assert facets
    for topic, facet in facets:
        entry = next(f for f in facet.facts if f.text[:1].islower())
        first = compose(kb, Question(topic.id, text="?", lead=entry.text), TODAY).text.split("\n")[0]
        opening = facet.lead[:-1].rstrip()
        if continues:
            assert first.startswith(opening.removesuffix(" de")) and not first.startswith(facet.lead), first
        else:
            assert first.startswith(facet.lead + " "), first
