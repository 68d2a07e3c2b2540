"""Feedback and the hand-off over HTTP, against the real servers and the trained model.

This module starts its own stack, whose action server sends the hand-off e-mails to a real SMTP
server on loopback (aiosmtpd); what is stored is read back from the conversation's tracker and
from the SQL tracker store itself (the SQLite file the servers write).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time
import uuid
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any, Dict, Iterator, List, Optional

import pytest
from aiosmtpd.controller import Controller

from bot.commands import MALFORMED_COMMAND_REPLY
from bot.feedback import ALREADY_RATED_REPLY, THANKS_DOWN, THANKS_UP, UNKNOWN_ANSWER_REPLY
from bot.typography import french
from launch.servers import ROOT, VENV_BIN, RasaStack, free_port, start_stack, texts
from tests.typed_interview import BANK_EMPLOYEE

SERVICE = "orientation@exemple.fr"
EMAIL = "jean.dupont@exemple.fr"
INTERVIEW = BANK_EMPLOYEE


class Mailbox:
    """aiosmtpd's handler: every message the SMTP server accepts; the server can be stopped and started."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: List[EmailMessage] = []
        self.recipients: List[List[str]] = []
        self.controller: Optional[Controller] = None

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="module")
def smtp_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def mailbox(smtp_port: int) -> Iterator[Mailbox]:
    box = Mailbox(smtp_port)
    box.start()
    yield box
    box.stop()


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory, smtp_port: int, mailbox: Mailbox) -> Iterator[RasaStack]:
    env = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port), "SMTP_FROM": "assistant@exemple.fr", "HANDOFF_TO": SERVICE}
    running = start_stack(tmp_path_factory.mktemp("feedback-handoff"), extra_env=env)
    yield running
    running.stop()


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ").replace("’", "'")


def said(stack: RasaStack, sender: str, message: str) -> str:
    return plain(texts(stack.say(sender, message)))


def new_sender(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:10]}"


def slot_values(stack: RasaStack, sender: str, slot: str) -> List[Any]:
    return [e["value"] for e in stack.tracker(sender)["events"] if e.get("event") == "slot" and e.get("name") == slot]


def stored_slot_values(stack: RasaStack, sender: str, slot: str) -> List[Any]:
    """The slot's events as the SQL tracker store keeps them (what the dashboard reads)."""
    with sqlite3.connect(stack.log_dir / "conversations.db") as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot' ORDER BY id", (sender,)).fetchall()
    events = [json.loads(data) for (data,) in rows]
    return [e["value"] for e in events if e.get("name") == slot]


def stored_texts(stack: RasaStack, sender: str) -> List[str]:
    with sqlite3.connect(stack.log_dir / "conversations.db") as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'", (sender,)).fetchall()
    return [json.loads(data).get("text") or "" for (data,) in rows]


def card_of(messages: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    return next((m["custom"] for m in messages if (m.get("custom") or {}).get("type") == "pathway_recommendation"), None)


def interview_to_the_end(stack: RasaStack, sender: str) -> Dict[str, Any]:
    messages = stack.say(sender, "bonjour, tu peux m'aider a choisir une formation ?")
    for answer in INTERVIEW:
        card = card_of(messages)
        if card:
            return card
        messages = stack.say(sender, answer)
    card = card_of(messages)
    assert card, texts(messages)
    return card


def wait_for_mail(mailbox: Mailbox, count: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while len(mailbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(mailbox.messages) >= count, f"{len(mailbox.messages)} mail(s) received, {count} expected"


def logs(stack: RasaStack) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in stack.log_dir.glob("*.log"))


# ---- the hand-off ---------------------------------------------------------------------------


def test_consent_and_an_address_send_the_conversation_to_the_service(own_stack: RasaStack, mailbox: Mailbox) -> None:
    sender = new_sender("handoff")
    card = interview_to_the_end(own_stack, sender)
    recommended = card["top"]["name"]
    assert "employeur" in said(own_stack, sender, "et ça coûte combien l'alternance ?")

    offer = said(own_stack, sender, "je voudrais parler à un conseiller")
    assert "monorientationenligne.fr" in offer  # the public contacts, still
    for what in ("service orientation", "sous deux jours ouvrés", "42 ans", f"({recommended})", "votre dernière question", "Voulez-vous"):
        assert what in offer, (what, offer)
    assert "À quelle adresse électronique, ou à quel numéro de téléphone" in said(own_stack, sender, "oui")
    before = len(mailbox.messages)
    confirmed = said(own_stack, sender, f"c'est {EMAIL}")
    assert f"C'est transmis : le service orientation vous répondra sous deux jours ouvrés à l'adresse {EMAIL}." in confirmed

    # Stored as the conversation's event, in the tracker and in the SQL store.
    requests = slot_values(own_stack, sender, "handoff_request")
    assert len(requests) == 1 and stored_slot_values(own_stack, sender, "handoff_request") == requests
    request = requests[0]
    assert set(request) == {"request_id", "contact_kind", "contact", "recap", "recommendation", "last_questions", "requested_at"}
    assert (request["contact_kind"], request["contact"], request["recommendation"]) == ("email", EMAIL, recommended)
    assert "42 ans" in request["recap"] and request["last_questions"] == ["et ça coûte combien l'alternance ?"]

    # The careers service's mail: the contact, the recap, the recommendation, the last question.
    wait_for_mail(mailbox, before + 1)
    mail = mailbox.messages[before]
    assert mailbox.recipients[before] == [SERVICE] and mail["Reply-To"] == EMAIL
    body = mail.get_content()
    for what in (
        EMAIL,
        "- 42 ans",
        f"Parcours conseillé\u00a0: {recommended}",
        "- et ça coûte combien l'alternance ?",
        request["request_id"],
        sender,
    ):
        assert what in body, (what, body)
    # The contact is in the conversation's events only: no log line has it.
    assert EMAIL not in logs(own_stack)


def test_a_phone_number_as_people_write_it(own_stack: RasaStack, mailbox: Mailbox) -> None:
    sender = new_sender("handoff-phone")
    said(own_stack, sender, "Combien coûte la formation continue ?")
    said(own_stack, sender, "un humain svp")
    said(own_stack, sender, "/affirm")  # the « Oui, transmettre » button
    confirmed = said(own_stack, sender, "+33 6 12 34 56 78")
    assert "vous rappellera sous deux jours ouvrés au 06 12 34 56 78" in confirmed
    request = slot_values(own_stack, sender, "handoff_request")[0]
    assert (request["contact_kind"], request["contact"], request["recap"], request["recommendation"]) == (
        "phone",
        "06 12 34 56 78",
        [],
        None,
    )
    assert request["last_questions"] == ["Combien coûte la formation continue ?"]


def test_a_malformed_address_is_refused_then_the_request_dropped(own_stack: RasaStack, mailbox: Mailbox) -> None:
    sender = new_sender("handoff-bad")
    said(own_stack, sender, "je veux parler à un conseiller")
    said(own_stack, sender, "oui")
    before = len(mailbox.messages)
    assert "Je n'ai pas pu lire une adresse électronique ou un numéro de téléphone français" in said(
        own_stack, sender, "jean.dupont@exemple"
    )
    assert "Je n'arrive toujours pas à lire une adresse ou un numéro : je n'ai donc rien transmis." in said(own_stack, sender, "06 12 34")
    assert slot_values(own_stack, sender, "handoff_request") == []
    # The conversation goes on.
    assert "6 000" in said(own_stack, sender, "Combien coûte la formation continue ?")
    time.sleep(1)
    assert len(mailbox.messages) == before


def test_a_malformed_address_then_a_good_one(own_stack: RasaStack) -> None:
    sender = new_sender("handoff-retry")
    said(own_stack, sender, "je veux parler à un conseiller")
    said(own_stack, sender, "oui")
    said(own_stack, sender, "06 12 34 56")
    assert "C'est transmis" in said(own_stack, sender, "0612345678")
    assert slot_values(own_stack, sender, "handoff_request")[0]["contact"] == "06 12 34 56 78"


@pytest.mark.parametrize("answers", [["non merci"], ["oui", "annuler"], ["hmm", "je réfléchis"]], ids=["no", "cancelled", "unclear twice"])
def test_no_consent_nothing_stored(own_stack: RasaStack, mailbox: Mailbox, answers: List[str]) -> None:
    sender = new_sender("handoff-no")
    said(own_stack, sender, "je voudrais être rappelée par un conseiller")
    before = len(mailbox.messages)
    for answer in answers:
        last = said(own_stack, sender, answer)
    assert "D'accord, je ne transmets rien." in last
    assert slot_values(own_stack, sender, "handoff_request") == [] and stored_slot_values(own_stack, sender, "handoff_request") == []
    assert not [v for v in slot_values(own_stack, sender, "handoff_contact") if isinstance(v, dict)]
    time.sleep(1)
    assert len(mailbox.messages) == before


def test_a_question_during_the_hand_off_is_answered_then_the_pending_question_asked_again(own_stack: RasaStack) -> None:
    sender = new_sender("handoff-question")
    said(own_stack, sender, "je veux parler à un conseiller")
    reply = said(own_stack, sender, "elle coûte combien la formation continue ?")
    assert "6 000" in reply and "Voulez-vous que je transmette votre demande ?" in reply
    assert "adresse électronique" in said(own_stack, sender, "oui")
    # At the contact too.
    reply = said(own_stack, sender, "au fait, combien gagne un assistant médical ?")
    assert "Source" in reply and "À quelle adresse électronique, ou à quel numéro de téléphone" in reply
    assert "C'est transmis" in said(own_stack, sender, "07 11 22 33 44")


def test_asking_for_an_adviser_during_the_interview(own_stack: RasaStack) -> None:
    sender = new_sender("handoff-interview")
    said(own_stack, sender, "conseille-moi une formation")
    said(own_stack, sender, "je suis salariée")
    messages = own_stack.say(sender, "je préfère parler à un conseiller")
    offer = plain(texts(messages))
    assert "monorientationenligne.fr" in offer and "vos réponses à l'entretien (en poste)" in offer
    assert own_stack.tracker(sender)["active_loop"]["name"] == "handoff_form"
    last = own_stack.say(sender, "non")
    assert "Vos réponses à l'entretien sont gardées" in plain(texts(last))
    assert ("Reprendre l'entretien", "/resume_interview") in [(plain(b["title"]), b["payload"]) for m in last for b in m.get("buttons", [])]
    # Taken up again where it was: the situation is kept, the next question comes.
    said(own_stack, sender, "/resume_interview")
    tracker = own_stack.tracker(sender)
    assert tracker["active_loop"]["name"] == "orientation_form"
    assert tracker["slots"]["situation"] == "salarie" and tracker["slots"]["requested_slot"] == "age"


def test_without_an_smtp_server_the_request_is_still_stored_and_confirmed(own_stack: RasaStack, mailbox: Mailbox) -> None:
    mailbox.stop()
    try:
        sender = new_sender("handoff-nosmtp")
        said(own_stack, sender, "je veux parler à un conseiller")
        said(own_stack, sender, "oui")
        assert "C'est transmis" in said(own_stack, sender, "camille.martin@exemple.fr")
        request = slot_values(own_stack, sender, "handoff_request")[0]
        log = logs(own_stack)
        assert f"Hand-off request {request['request_id']} stored; the e-mail could not be sent" in log
        assert "camille.martin@exemple.fr" not in log
    finally:
        mailbox.start()


def test_forgetting_a_conversation_deletes_its_hand_off_request(own_stack: RasaStack) -> None:
    sender = new_sender("handoff-forget")
    said(own_stack, sender, "je veux parler à un conseiller")
    said(own_stack, sender, "oui")
    said(own_stack, sender, "06 98 76 54 32")
    assert stored_slot_values(own_stack, sender, "handoff_request")
    done = subprocess.run(
        [str(VENV_BIN / "python"), str(ROOT / "scripts" / "forget_conversations.py"), sender],
        env=own_stack.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert stored_slot_values(own_stack, sender, "handoff_request") == [] and stored_texts(own_stack, sender) == []


# ---- feedback -------------------------------------------------------------------------------


def rating(answer_id: str, rating: str, **more: str) -> str:
    return "/give_feedback" + json.dumps({"feedback_answer": answer_id, "feedback_rating": rating, **more}, ensure_ascii=False)


def rated(messages: List[Dict[str, Any]]) -> Dict[str, str]:
    marks = [m["custom"]["feedback"] for m in messages if "feedback" in (m.get("custom") or {})]
    assert len(marks) == 1, messages
    return marks[0]


def test_a_rating_over_rest_is_stored_and_changes_nothing(own_stack: RasaStack) -> None:
    sender = new_sender("feedback")
    mark = rated(own_stack.say(sender, "Combien coûte la formation continue ?"))
    assert mark["topic"] == "ask_cost"
    reply = own_stack.say(
        sender, rating(mark["answer_id"], "down", feedback_reason="pas_clair", feedback_comment="Et les frais d'examen ?")
    )
    assert [m.get("text") for m in reply] == [french(THANKS_DOWN)]
    assert reply[0]["custom"] == {"type": "feedback_ack", "answer_id": mark["answer_id"], "recorded": True}
    expected = {
        "answer_id": mark["answer_id"],
        "topic": "ask_cost",
        "rating": "down",
        "reason": "pas_clair",
        "comment": "Et les frais d'examen ?",
    }
    assert slot_values(own_stack, sender, "feedback") == [expected]
    assert stored_slot_values(own_stack, sender, "feedback") == [expected]
    # The dialogue goes on as if nothing had been said: the follow-up keeps the cost topic.
    assert "employeur" in said(own_stack, sender, "et en alternance ?")
    # Once per answer.
    again = own_stack.say(sender, rating(mark["answer_id"], "up"))
    assert plain(again[0]["text"]) == plain(ALREADY_RATED_REPLY) and len(slot_values(own_stack, sender, "feedback")) == 1


def test_a_rating_of_the_recommendation_in_the_middle_of_nothing(own_stack: RasaStack) -> None:
    sender = new_sender("feedback-card")
    card = interview_to_the_end(own_stack, sender)
    reply = own_stack.say(sender, rating(card["feedback"]["answer_id"], "up"))
    assert [m.get("text") for m in reply] == [french(THANKS_UP)]
    assert slot_values(own_stack, sender, "feedback")[0]["topic"] == "request_pathway"


def test_a_rating_in_the_middle_of_the_interview_leaves_the_question_pending(own_stack: RasaStack) -> None:
    sender = new_sender("feedback-interview")
    mark = rated(own_stack.say(sender, "Quel est le salaire d'un assistant médical ?"))
    said(own_stack, sender, "conseille-moi une formation")
    assert own_stack.tracker(sender)["slots"]["requested_slot"] == "situation"
    reply = own_stack.say(sender, rating(mark["answer_id"], "up"))
    assert [m.get("text") for m in reply] == [french(THANKS_UP)]  # the question is not asked again
    tracker = own_stack.tracker(sender)
    assert tracker["active_loop"]["name"] == "orientation_form" and tracker["slots"]["requested_slot"] == "situation"
    assert slot_values(own_stack, sender, "feedback")[0]["topic"] == "ask_salary"
    said(own_stack, sender, "je suis salariée")
    tracker = own_stack.tracker(sender)
    assert tracker["slots"]["situation"] == "salarie" and tracker["slots"]["requested_slot"] == "age"


def test_malformed_or_unknown_ratings_are_refused_politely(own_stack: RasaStack) -> None:
    sender = new_sender("feedback-bad")
    mark = rated(own_stack.say(sender, "Combien coûte la formation continue ?"))
    broken = '/give_feedback{"feedback_answer": "' + mark["answer_id"] + '", "feedback_rating": "down"'
    assert plain(texts(own_stack.say(sender, broken))) == plain(MALFORMED_COMMAND_REPLY)
    assert broken not in stored_texts(own_stack, sender)  # refused before Rasa: not stored
    assert plain(texts(own_stack.say(sender, rating("inconnu", "up")))) == plain(UNKNOWN_ANSWER_REPLY)
    too_long = own_stack.say(sender, rating(mark["answer_id"], "down", feedback_comment="x" * 301))
    assert "300 caractères" in plain(texts(too_long))
    assert slot_values(own_stack, sender, "feedback") == []
    assert "Je ne connais pas cette commande" in said(own_stack, sender, "/pirater")
    assert broken not in logs(own_stack)
