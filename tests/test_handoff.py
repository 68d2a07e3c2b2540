"""The hand-off to the careers service, without a server: the contact's reading, the consent, what is
sent, the e-mail, and the actions on tracker fixtures, event by event."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import socket
from dataclasses import replace
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import bot.handoff as handoff
from actions.conversation import ActionRequestHuman, ActionSessionStart
from actions.handoff import ActionAskHandoffConsent, ActionAskHandoffContact, ActionSubmitHandoff, ValidateHandoffForm, conversation_of
from actions.interview import ValidateOrientationForm
from bot.handoff import (
    CANCELLED,
    INVALID,
    UNCLEAR,
    Contact,
    Conversation,
    HandoffRequest,
    SmtpSettings,
    compose_mail,
    consent_question,
    last_questions,
    notify,
    read_consent,
    read_contact,
    settings,
)
from bot.typography import french

PHONE = "06 12 34 56 78"
EMAIL = "jean.dupont@exemple.fr"


# ---- the contact ----------------------------------------------------------------------------

GOOD_CONTACTS = [
    ("06 12 34 56 78", "phone", PHONE),
    ("+33 6 12 34 56 78", "phone", PHONE),
    ("0612345678", "phone", PHONE),
    ("06.12.34.56.78", "phone", PHONE),
    ("06-12-34-56-78", "phone", PHONE),
    ("+33 (0)6 12 34 56 78", "phone", PHONE),
    ("+33612345678", "phone", PHONE),
    ("0033 6 12 34 56 78", "phone", PHONE),
    ("01 23 45 67 89", "phone", "01 23 45 67 89"),
    ("+262 692 12 34 56", "phone", "06 92 12 34 56"),
    ("mon numéro : 06 12 34 56 78, après 18 h", "phone", PHONE),
    ("jean.dupont@exemple.fr", "email", EMAIL),
    ("c'est jean.dupont@exemple.fr merci", "email", EMAIL),
    ("Jean.Dupont@Exemple.FR", "email", "Jean.Dupont@exemple.fr"),
    ("<jean.dupont@exemple.fr>.", "email", EMAIL),
    ("mailto:jean.dupont@exemple.fr", "email", EMAIL),
    ("camille+orientation@mail.exemple.gouv.fr", "email", "camille+orientation@mail.exemple.gouv.fr"),
]

BAD_CONTACTS = [
    "06 12 34 56",  # eight digits
    "06 12 34 56 78 9",  # eleven
    "12 34 56 78 90",  # no leading 0
    "00 00 00 00 00",
    "+44 20 7946 0958",  # not a French number
    "+33 6 12 34 56",
    "06 12 34 56 78 ou 07 12 34 56 78",  # two numbers
    "06 12 3A 56 78",
    "jean.dupont@",
    "@exemple.fr",
    "jean.dupont@exemple",
    "jean.dupont@exemple.f",
    "jean..dupont@exemple.fr",
    "jean,dupont@exemple.fr",
    "jean@-exemple.fr",
    "jean@exemple.fr, paul@exemple.fr",  # two addresses
    "jean.dupont(at)exemple.fr",
    "demain matin",
    "",
]


@pytest.mark.parametrize("text, kind, value", GOOD_CONTACTS)
def test_good_contacts_are_read_and_normalised(text: str, kind: str, value: str) -> None:
    assert read_contact(text) == Contact(kind, value)


@pytest.mark.parametrize("text", BAD_CONTACTS)
def test_malformed_contacts_are_refused(text: str) -> None:
    assert read_contact(text) is None


@pytest.mark.parametrize(
    "text, intent, consent",
    [
        ("oui", "affirm", True),
        ("/affirm", "affirm", True),
        ("non merci", "deny", False),
        ("annuler", "stop_interview", False),
        ("annuler", "nlu_fallback", False),
        ("laisse tomber", "out_of_scope", False),
        ("au revoir", "goodbye", False),
        ("ouais vas-y", "nlu_fallback", True),
        ("bof", "nlu_fallback", UNCLEAR),
        ("hmm", "affirm", UNCLEAR),  # the classifier's yes is not the visitor's
        ("je réfléchis", "affirm", UNCLEAR),
        ("/restart_interview", "restart_interview", UNCLEAR),
        ("bonjour", "greet", UNCLEAR),
        ("combien coûte la formation continue ?", "ask_cost", None),  # a question: answered first
        ("j'ai de la fièvre, je fais quoi ?", "ask_medical_advice", None),
    ],
)
def test_consent_is_explicit(text: str, intent: str, consent: Any) -> None:
    assert read_consent(text, intent) == consent


# ---- what is sent, the e-mail ---------------------------------------------------------------


def test_last_questions_are_typed_questions_never_health_or_payloads() -> None:
    messages = [
        ("Combien coûte la formation continue ?", "ask_cost"),
        ("/ask_duration", "ask_duration"),
        ("je suis salariée", "inform"),
        ("j'ai de la fièvre depuis hier, que faire ?", "ask_cost"),
        ("tu connais le foot ?", "out_of_scope"),
    ] + [(f"question {i} sur le salaire ?", "ask_salary") for i in range(6)]
    questions = last_questions(messages)
    assert len(questions) == handoff.MAX_QUESTIONS
    assert questions[-1] == "question 5 sur le salaire ?"
    assert not any("fièvre" in q or q.startswith("/") or "salariée" in q for q in last_questions(messages[:5]))
    assert last_questions(messages[:5]) == ("Combien coûte la formation continue ?", "tu connais le foot ?")


SMTP = SmtpSettings(host="127.0.0.1", port=2525, sender="assistant@exemple.fr", recipient="orientation@exemple.fr")
REQUEST = HandoffRequest(
    request_id="0123456789abcdef0123456789abcdef",
    contact=Contact("email", EMAIL),
    conversation=Conversation(
        recap=("salarié", "42 ans", "budget 3 000 €"),
        recommendation="Formation continue",
        last_questions=("Combien coûte l'alternance ?", "et le CPF ?"),
    ),
    requested_at="2026-12-01T09:30:00+00:00",
)


def test_the_mail_carries_the_contact_the_recap_the_recommendation_and_the_questions() -> None:
    mail = compose_mail(REQUEST, SMTP, "sous deux jours ouvrés", conversation_id="abc123")
    assert mail["To"] == "orientation@exemple.fr" and mail["From"] == "assistant@exemple.fr"
    assert mail["Reply-To"] == EMAIL
    assert "01234567" in mail["Subject"]
    body = mail.get_content()
    for expected in (
        f"Contact (courriel)\u00a0: {EMAIL}",
        "sous deux jours ouvrés",
        "- salarié",
        "- 42 ans",
        "- budget 3\u202f000\u00a0€",
        "Parcours conseillé\u00a0: Formation continue",
        "- Combien coûte l'alternance ?",  # the visitor's words as typed
        "- et le CPF ?",
        "Conversation\u00a0: abc123",
        "01/12/2026 à 09:30 (UTC)",
        REQUEST.request_id,
    ):
        assert expected in body, (expected, body)
    # The mail goes through an SMTP server as bytes, and reads back the same.
    parsed = message_from_bytes(mail.as_bytes(), policy=default_policy)
    assert "Formation continue" in parsed.get_content()


def test_a_phone_contact_has_no_reply_to_and_an_empty_conversation_says_so() -> None:
    request = HandoffRequest("f" * 32, Contact("phone", PHONE), Conversation(), "2026-12-01T09:30:00+00:00")
    mail = compose_mail(request, SMTP, "sous deux jours ouvrés")
    body = mail.get_content()
    assert mail["Reply-To"] is None
    assert f"Contact (téléphone)\u00a0: {PHONE}" in body
    assert "(pas d’entretien)" in body and "(aucun conseil donné)" in body and "(aucune question)" in body


def test_the_request_as_stored_is_the_dashboards_contract() -> None:
    request = HandoffRequest.new(Contact("phone", PHONE), REQUEST.conversation, now=dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone.utc))
    value = request.as_slot()
    assert set(value) == {"request_id", "contact_kind", "contact", "recap", "recommendation", "last_questions", "requested_at"}
    assert value["contact_kind"] == "phone" and value["contact"] == PHONE
    assert value["recap"] == ["salarié", "42 ans", "budget 3 000 €"] and value["recommendation"] == "Formation continue"
    assert value["last_questions"] == ["Combien coûte l'alternance ?", "et le CPF ?"]
    assert dt.datetime.fromisoformat(value["requested_at"]) == dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone.utc)
    assert len(value["request_id"]) == 32 and HandoffRequest.new(Contact("phone", PHONE), Conversation()).request_id != request.request_id


def test_smtp_settings_come_from_the_environment_only() -> None:
    assert SmtpSettings.from_env({}) is None
    assert SmtpSettings.from_env({"SMTP_HOST": "smtp.exemple.fr", "SMTP_FROM": "a@exemple.fr"}) is None  # no recipient
    env = {"SMTP_HOST": "smtp.exemple.fr", "SMTP_FROM": "a@exemple.fr", "HANDOFF_TO": "b@exemple.fr"}
    assert SmtpSettings.from_env(env) == SmtpSettings("smtp.exemple.fr", 25, "a@exemple.fr", "b@exemple.fr")
    full = SmtpSettings.from_env({**env, "SMTP_PORT": "587", "SMTP_USER": "u", "SMTP_PASSWORD": "p", "SMTP_STARTTLS": "oui"})
    assert full is not None and (full.port, full.user, full.starttls) == (587, "u", True)
    assert "password" not in repr(full)  # never in a log line or a traceback
    assert SmtpSettings.from_env({**env, "SMTP_PORT": "vingt-cinq"}) is None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("configured", [False, True], ids=["not configured", "server down"])
def test_without_smtp_nothing_fails_and_the_log_has_no_personal_data(configured: bool, caplog: pytest.LogCaptureFixture) -> None:
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(_closed_port()), "SMTP_FROM": "a@exemple.fr", "HANDOFF_TO": "b@exemple.fr"}
    with caplog.at_level(logging.DEBUG):
        assert notify(REQUEST, "sous deux jours ouvrés", "abc123", env=env if configured else {}) is False
    logged = caplog.text
    assert REQUEST.request_id in logged
    for personal in (EMAIL, "42 ans", "alternance", "abc123"):
        assert personal not in logged


def test_the_reply_time_is_the_services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings().reply_time == "sous deux jours ouvrés"
    mine = tmp_path / "handoff.yml"
    mine.write_text('reply_time: "dans la journée"\n', encoding="utf-8")
    monkeypatch.setenv("HANDOFF_FILE", str(mine))
    assert settings().reply_time == "dans la journée"
    mine.write_text("reply_time: ''\n", encoding="utf-8")
    with pytest.raises(ValueError, match="reply_time"):
        settings()


# ---- the actions, on tracker fixtures -------------------------------------------------------


def user(text: str, intent: str, confidence: float = 1.0) -> Dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []},
    }


def tracker_of(events: List[Dict[str, Any]], requested: Optional[str] = None, form: Optional[str] = None, **slots: Any) -> Tracker:
    latest = next((e["parse_data"] for e in reversed(events) if e["event"] == "user"), {})
    return Tracker(
        sender_id="unit-test",
        slots={"requested_slot": requested, **slots},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": form} if form else {},
        latest_action_name="action_listen",
    )


def run(action: Any, tracker: Tracker, domain: Dict[str, Any]) -> tuple:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return dispatcher.messages, events


def validate(text: str, intent: str, requested: str, domain: Dict[str, Any], **slots: Any) -> List[Dict[str, Any]]:
    tracker = tracker_of([user(text, intent)], requested=requested, form="handoff_form", **slots)
    return run(ValidateHandoffForm(), tracker, domain)[1]


def test_asking_for_an_adviser_lists_the_contacts_and_starts_the_hand_off_afresh(domain: dict) -> None:
    tracker = tracker_of([user("je veux un conseiller", "request_human")], handoff_consent=True, reasked_slot="handoff_contact")
    messages, events = run(ActionRequestHuman(), tracker, domain)
    assert "monorientationenligne.fr" in messages[0]["text"] and "Je reste disponible" not in messages[0]["text"]
    assert events == [SlotSet("handoff_consent", None), SlotSet("handoff_contact", None), SlotSet("reasked_slot", None)]
    # The interview's own question asked again is left alone.
    events = run(ActionRequestHuman(), tracker_of([user("un humain", "request_human")], reasked_slot="age"), domain)[1]
    assert events == [SlotSet("handoff_consent", None), SlotSet("handoff_contact", None)]


def test_the_consent_question_says_what_will_be_sent(domain: dict) -> None:
    events = [
        user("Combien coûte la formation continue ?", "ask_cost"),
        {"event": "bot", "text": "…", "data": {"custom": {"type": "pathway_recommendation", "top": {"name": "Formation continue"}}}},
        user("je veux parler à un conseiller", "request_human"),
    ]
    tracker = tracker_of(events, situation="salarie", age=42.0, recommendation_given=True)
    messages, _ = run(ActionAskHandoffConsent(), tracker, domain)
    text = messages[0]["text"]
    assert "sous deux jours ouvrés" in text and "42 ans" in text and "(Formation continue)" in text
    assert "votre dernière question" in text and "Voulez-vous que je transmette votre demande ?" in text
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert "{" not in text and "}" not in text
    # Nothing said yet: the request alone.
    alone = run(ActionAskHandoffConsent(), tracker_of([user("un conseiller", "request_human")]), domain)[0][0]["text"]
    assert "votre demande seule" in alone
    again = run(ActionAskHandoffConsent(), tracker_of([user("bof", "nlu_fallback")], reasked_slot="handoff_consent"), domain)[0][0]
    assert again["text"].startswith("Je n'ai pas compris votre réponse.")


def test_the_consent_question_fits_a_bubble_with_every_answer_given() -> None:
    everything = Conversation(
        recap=(
            "en reconversion ou demandeur d'emploi",
            "42 ans",
            "baccalauréat",
            "budget 10 000 €",
            "pas de limite de durée",
            "besoin d'un revenu pendant la formation",
            "financement : le CPF, votre employeur, France Travail, la région ou Transitions Pro",
            "intérêt : la régulation des appels d'urgence",
            "pas d'alternance",
        ),
        recommendation="Diplôme d'État d'assistant de régulation médicale (ARM)",
        last_questions=("a ?", "b ?", "c ?", "d ?", "e ?"),
    )
    text = french(consent_question(everything, "sous deux jours ouvrés").text)
    assert len(text) <= handoff.MAX_BUBBLE_CHARS, len(text)
    assert text.count("•") == 3 and "vos 5 dernières questions." in text
    assert re.search(r"\(en reconversion ou demandeur d’emploi, 42 ans, .* et \d autres\)\s;", text), text
    # A shorter recap is named in full.
    short = replace(everything, recap=everything.recap[:3])
    assert "(en reconversion ou demandeur d'emploi, 42 ans, baccalauréat)" in consent_question(short, "sous deux jours ouvrés").text


def test_consent_yes_asks_for_the_contact(domain: dict) -> None:
    assert validate("oui", "affirm", "handoff_consent", domain) == [SlotSet("handoff_consent", True), SlotSet("reasked_slot", None)]
    message = run(ActionAskHandoffContact(), tracker_of([user("oui", "affirm")]), domain)[0][0]
    assert EMAIL in message["text"] and PHONE in message["text"] and message["buttons"][0]["payload"] == "/deny"


def test_consent_no_ends_the_form(domain: dict) -> None:
    assert validate("non", "deny", "handoff_consent", domain) == [
        SlotSet("handoff_consent", False),
        SlotSet("reasked_slot", None),
        SlotSet("requested_slot", None),
    ]


def test_an_unclear_consent_is_asked_again_once_then_taken_as_a_no(domain: dict) -> None:
    assert validate("bof", "nlu_fallback", "handoff_consent", domain) == [
        SlotSet("handoff_consent", None),
        SlotSet("reasked_slot", "handoff_consent"),
        SlotSet("requested_slot", "handoff_consent"),
    ]
    assert validate("hmm", "nlu_fallback", "handoff_consent", domain, reasked_slot="handoff_consent") == [
        SlotSet("handoff_consent", False),
        SlotSet("reasked_slot", None),
        SlotSet("requested_slot", None),
    ]


@pytest.mark.parametrize("requested", ["handoff_consent", "handoff_contact"])
def test_a_question_or_a_rating_in_the_middle_is_not_an_answer(requested: str, domain: dict) -> None:
    # No answer (at most the pending question again, which Rasa ignores): the form is rejected,
    # a story answers the question, a rule records the rating.
    consent = {"handoff_consent": True} if requested == "handoff_contact" else {}
    pending = [] if consent else [SlotSet("requested_slot", requested)]
    assert (
        validate('/give_feedback{"feedback_answer": "a1", "feedback_rating": "up"}', "give_feedback", requested, domain, **consent)
        == pending
    )
    assert validate("j'ai mal au ventre, je fais quoi ?", "ask_medical_advice", requested, domain, **consent) == pending
    assert validate("combien coûte la formation ?", "ask_cost", requested, domain, **consent) == pending
    if requested == "handoff_contact":
        # Words that are no question are a contact that could not be read, whatever the NLU says.
        assert SlotSet("reasked_slot", "handoff_contact") in validate("le salaire", "ask_salary", requested, domain, **consent)


def test_a_contact_is_kept(domain: dict) -> None:
    events = validate("c'est jean.dupont@exemple.fr", "inform", "handoff_contact", domain, handoff_consent=True)
    assert events == [SlotSet("handoff_contact", {"kind": "email", "value": EMAIL}), SlotSet("reasked_slot", None)]
    # Whatever the NLU called it.
    events = validate("+33 6 12 34 56 78", "ask_salary", "handoff_contact", domain, handoff_consent=True)
    assert SlotSet("handoff_contact", {"kind": "phone", "value": PHONE}) in events


def test_a_malformed_contact_is_asked_again_once_then_the_request_is_dropped(domain: dict) -> None:
    assert validate("06 12 34", "inform", "handoff_contact", domain, handoff_consent=True) == [
        SlotSet("handoff_contact", None),
        SlotSet("reasked_slot", "handoff_contact"),
    ]
    message = run(ActionAskHandoffContact(), tracker_of([user("06 12 34", "inform")], reasked_slot="handoff_contact"), domain)[0][0]
    assert message["text"].startswith("Je n'ai pas pu lire une adresse électronique ou un numéro de téléphone français.")
    assert validate("jean@", "inform", "handoff_contact", domain, handoff_consent=True, reasked_slot="handoff_contact") == [
        SlotSet("handoff_contact", INVALID),
        SlotSet("reasked_slot", None),
    ]


@pytest.mark.parametrize(
    "text, intent", [("annuler", "stop_interview"), ("non", "deny"), ("/deny", "deny"), ("laisse tomber", "nlu_fallback")]
)
def test_the_hand_off_can_be_stopped_at_the_contact(text: str, intent: str, domain: dict) -> None:
    events = validate(text, intent, "handoff_contact", domain, handoff_consent=True)
    assert SlotSet("handoff_contact", CANCELLED) in events


def test_a_request_with_consent_and_contact_is_stored_mailed_and_confirmed(domain: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list = []
    monkeypatch.setattr(
        "actions.handoff.notify", lambda request, reply_time, conversation_id: sent.append((request, conversation_id)) or True
    )
    events = [
        user("Combien coûte la formation continue ?", "ask_cost"),
        user("je veux parler à un conseiller", "request_human"),
        user("oui", "affirm"),
        user(PHONE, "inform"),
    ]
    tracker = tracker_of(events, handoff_consent=True, handoff_contact={"kind": "phone", "value": PHONE}, situation="salarie")
    messages, out = run(ActionSubmitHandoff(), tracker, domain)
    assert [e["name"] for e in out] == ["handoff_request", "handoff_consent", "handoff_contact"]
    value = out[0]["value"]
    assert value["contact_kind"] == "phone" and value["contact"] == PHONE
    assert value["recap"] == ["en poste"] and value["recommendation"] is None
    # The questions before the request, not the hand-off's own answers.
    assert value["last_questions"] == ["Combien coûte la formation continue ?"]
    assert out[1:] == [SlotSet("handoff_consent", None), SlotSet("handoff_contact", None)]
    assert sent[0][0].request_id == value["request_id"] and sent[0][1] == "unit-test"
    assert messages[0]["text"] == (
        f"C'est transmis : le service orientation vous rappellera sous deux jours ouvrés au {PHONE}. "
        "Je reste disponible ici si vous avez d'autres questions."
    )


@pytest.mark.parametrize(
    "slots, reply",
    [
        ({"handoff_consent": False}, "D'accord, je ne transmets rien."),
        ({"handoff_consent": True, "handoff_contact": CANCELLED}, "D'accord, je ne transmets rien."),
        ({"handoff_consent": True, "handoff_contact": INVALID}, "Je n'arrive toujours pas à lire une adresse ou un numéro"),
    ],
)
def test_no_consent_or_no_contact_stores_nothing(slots: dict, reply: str, domain: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("actions.handoff.notify", lambda *args: pytest.fail("nothing may be sent"))
    messages, events = run(ActionSubmitHandoff(), tracker_of([user("non", "deny")], **slots), domain)
    assert messages[0]["text"].startswith(reply)
    assert "handoff_request" not in [e["name"] for e in events]


def test_a_hand_off_in_the_middle_of_the_interview_offers_to_take_it_up_again(domain: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("actions.handoff.notify", lambda *args: True)
    tracker = tracker_of([user("non", "deny")], handoff_consent=False, interview_started=True, situation="salarie")
    message = run(ActionSubmitHandoff(), tracker, domain)[0][0]
    assert "Vos réponses à l'entretien sont gardées" in message["text"]
    assert message["buttons"] == [{"title": "Reprendre l'entretien", "payload": "/resume_interview"}]
    done = tracker_of([user("non", "deny")], handoff_consent=False, interview_started=True, recommendation_given=True)
    message = run(ActionSubmitHandoff(), done, domain)[0][0]
    assert "entretien" not in message["text"] and not message["buttons"]


def test_the_recommendation_sent_is_the_last_one_shown() -> None:
    card = {"type": "pathway_recommendation", "top": {"name": "Alternance"}}
    events = [{"event": "bot", "text": "…", "data": {"custom": card}}, user("un conseiller", "request_human")]
    assert conversation_of(tracker_of(events, recommendation_given=True)).recommendation == "Alternance"
    # Restarted since: no recommendation stands.
    assert conversation_of(tracker_of(events, recommendation_given=None)).recommendation is None


def test_the_interview_lets_a_rating_go(form_tracker, dispatcher, domain) -> None:
    tracker = form_tracker(
        '/give_feedback{"feedback_answer": "a1", "feedback_rating": "down"}', "age", intent="give_feedback", confidence=1.0
    )
    assert asyncio.run(ValidateOrientationForm().run(dispatcher, tracker, domain)) == []


def test_a_new_session_does_not_copy_ratings_requests_or_contacts(domain: dict) -> None:
    events = [
        {"event": "slot", "name": "situation", "value": "salarie"},
        {"event": "slot", "name": "feedback", "value": {"answer_id": "a1"}},
        {"event": "slot", "name": "handoff_request", "value": {"request_id": "r1"}},
        {"event": "slot", "name": "handoff_contact", "value": {"kind": "phone", "value": PHONE}},
        {"event": "slot", "name": "handoff_consent", "value": True},
        user("bonjour", "greet"),
    ]
    out = run(ActionSessionStart(), tracker_of(events), domain)[1]
    assert [e.get("name") for e in out if e.get("event") == "slot"] == ["situation"]
