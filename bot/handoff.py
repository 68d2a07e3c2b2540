"""The hand-off to the careers service: what is sent, the visitor's consent and contact, the e-mail.

« Parler à un conseiller » lists the public contacts (settings/contact.yml), then offers to send
the conversation to the careers service: the recap of the interview's answers, the recommended
pathway if any, and the visitor's last questions. With the visitor's explicit consent and an
e-mail address or a French phone number, the request is stored as the ``handoff_request`` slot's
event of the conversation (Rasa's tracker store, nothing else) and notified by e-mail through
SMTP, configured by the environment (:meth:`SmtpSettings.from_env`). Without SMTP, or when it
fails, the request stays stored and the visitor is still told when to expect an answer
(settings/handoff.yml). Nothing here logs the contact or the conversation's texts.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

import yaml

from bot.answers import ANSWERED_INTENTS, BULLET
from bot.conversation import message
from bot.parsing import parse_yes_no
from bot.reply import Reply
from bot.safety import is_personal_health_question
from bot.typography import french
from bot.vocabulary import normalize

logger = logging.getLogger(__name__)

SETTINGS_FILE = Path(__file__).resolve().parent.parent / "settings" / "handoff.yml"
# The slots of the hand-off (domain.yml): the form's two answers, and the request stored.
CONSENT_SLOT, CONTACT_SLOT, REQUEST_SLOT = "handoff_consent", "handoff_contact", "handoff_request"
FORM_SLOTS = (CONSENT_SLOT, CONTACT_SLOT)
# The contact's kinds, stored as ids, and their French names in the e-mail.
CONTACT_KINDS: Dict[str, str] = {"email": "courriel", "phone": "téléphone"}
# What the contact slot holds when there is no contact to keep.
CANCELLED, MALFORMED, INVALID = "cancelled", "malformed", "invalid"
# An unclear answer to the consent question (asked again once, then taken as a no).
UNCLEAR = "unclear"
MAX_QUESTIONS = 5
# As every bubble of the assistant (bot/answers.py): readable on a phone.
MAX_BUBBLE_CHARS = 600
# The visitor's messages that are questions worth passing on (never a personal health question).
QUESTION_INTENTS = ANSWERED_INTENTS + ("out_of_scope", "nlu_fallback")
# Questions that interrupt the hand-off: answered, then the pending question asked again
# (data/stories/handoff.yml).
INTERRUPTING_INTENTS = ANSWERED_INTENTS + ("ask_medical_advice",)
YES_INTENTS, NO_INTENTS = ("affirm",), ("deny", "stop_interview", "goodbye")
_CANCEL = re.compile(
    r"^(annule\w*|annulation|stop|arrete\w*|laisse tomber|laissez tomber|non merci|rien|abandon\w*|je renonce|pas maintenant)\b"
)
SMTP_TIMEOUT_S = 10.0


# ---- the contact ----------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?P<local>[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*)@"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})"
)
_EDGES = "<>()[]{}«»\"'“”‘’,;:!?."
# A phone number as people write it: digits with spaces, dots, dashes, « (0) », « +33 » or « 0033 ».
_PHONE = re.compile(r"(?:\+|\b00)?\d[\d\s./()-]{7,}\d")
# Overseas departments dial their own country code, then the national number without its 0.
_COUNTRY_CODES = ("33", "262", "590", "594", "596")


@dataclass(frozen=True)
class Contact:
    kind: str  # a key of CONTACT_KINDS
    value: str  # normalised: the address, or "06 12 34 56 78"

    def as_slot(self) -> Dict[str, str]:
        return {"kind": self.kind, "value": self.value}

    @classmethod
    def from_slot(cls, value: Any) -> Optional["Contact"]:
        if isinstance(value, Mapping) and value.get("kind") in CONTACT_KINDS and isinstance(value.get("value"), str):
            return cls(str(value["kind"]), str(value["value"]))
        return None


def read_email(text: str) -> Optional[str]:
    """The e-mail address ``text`` is (surrounding punctuation and « mailto: » aside), normalised."""
    candidate = text.strip().strip(_EDGES)
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[len("mailto:") :]
    match = _EMAIL.fullmatch(candidate)
    if not match or len(candidate) > 254 or len(match.group("local")) > 64:
        return None
    return f"{match.group('local')}@{match.group('domain').lower()}"


def read_phone(text: str) -> Optional[str]:
    """The French phone number ``text`` is, as « 06 12 34 56 78 »; None if it is not one."""
    candidate = text.strip().replace("(0)", "")
    if not re.fullmatch(r"(?:\+|00)?[\d\s./()-]+", candidate):
        return None
    digits = re.sub(r"\D", "", candidate)
    international = candidate.startswith("+") or candidate.startswith("00")
    if international:
        digits = digits[2:] if candidate.startswith("00") else digits
        code = next((c for c in _COUNTRY_CODES if digits.startswith(c)), None)
        if code is None:
            return None
        rest = digits[len(code) :]
        rest = rest[1:] if len(rest) == 10 and rest.startswith("0") else rest  # « +33 06… »
        if len(rest) != 9:
            return None
        digits = "0" + rest
    if not re.fullmatch(r"0[1-9]\d{8}", digits):
        return None
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


def read_contact(text: str) -> Optional[Contact]:
    """The e-mail address or French phone number a message gives (« c'est jean.dupont@exemple.fr »,
    « 06 12 34 56 78 après 18 h », « +33 6 12 34 56 78 »); None when it gives none, several
    (« 06… ou 07… »), or a malformed one."""
    words = text.split()
    at_words = [w for w in words if "@" in w]
    if at_words:
        if len(at_words) > 1:
            return None
        email = read_email(at_words[0])
        return Contact("email", email) if email else None
    numbers = _PHONE.findall(text)
    if len(numbers) != 1:
        return None
    phone = read_phone(numbers[0])
    return Contact("phone", phone) if phone else None


def cancels(text: str) -> bool:
    """« annuler », « stop », « laisse tomber »: the visitor gives up the hand-off."""
    return bool(_CANCEL.match(normalize(text)))


def read_consent(text: str, intent: str) -> Any:
    """True, False, UNCLEAR, or None when the message is a question of its own (answered first).

    A yes must be said: the « Oui, transmettre » button, or words that mean yes (« oui », « d'accord »,
    « ok vas-y »); « hmm » or « je réfléchis », which the classifier may take for a yes, are unclear.
    A no, a « non merci », « annuler » or « au revoir » is taken at its word, whatever says it."""
    if text.startswith("/"):  # a button
        return True if intent in YES_INTENTS else False if intent in NO_INTENTS else UNCLEAR
    answer = parse_yes_no(text)
    if intent in NO_INTENTS or cancels(text) or answer is False:
        return False
    if intent in INTERRUPTING_INTENTS:
        return None
    return UNCLEAR if answer is None else answer


# ---- what is sent ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Conversation:
    """What the careers service receives besides the contact."""

    recap: Tuple[str, ...] = ()
    recommendation: Optional[str] = None
    last_questions: Tuple[str, ...] = ()


def last_questions(messages: Sequence[Tuple[str, str]]) -> Tuple[str, ...]:
    """The visitor's last questions, from ``(text, intent)`` pairs in order: typed questions only
    (no button payload, no interview answer), never a personal health question."""
    questions = [
        text.strip()
        for text, intent in messages
        if intent in QUESTION_INTENTS and text.strip() and not text.startswith("/") and not is_personal_health_question(text)
    ]
    return tuple(questions[-MAX_QUESTIONS:])


@dataclass(frozen=True)
class HandoffRequest:
    request_id: str
    contact: Contact
    conversation: Conversation
    requested_at: str  # ISO 8601, UTC

    @classmethod
    def new(cls, contact: Contact, conversation: Conversation, now: Optional[dt.datetime] = None) -> "HandoffRequest":
        moment = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
        return cls(uuid.uuid4().hex, contact, conversation, moment.isoformat(timespec="seconds"))

    def as_slot(self) -> Dict[str, Any]:
        """The ``handoff_request`` slot's value: the contract the dashboard reads."""
        return {
            "request_id": self.request_id,
            "contact_kind": self.contact.kind,
            "contact": self.contact.value,
            "recap": list(self.conversation.recap),
            "recommendation": self.conversation.recommendation,
            "last_questions": list(self.conversation.last_questions),
            "requested_at": self.requested_at,
        }


# ---- the service's settings -----------------------------------------------------------------


@dataclass(frozen=True)
class HandoffSettings:
    reply_time: str  # « sous deux jours ouvrés »


def settings(path: Optional[Path] = None) -> HandoffSettings:
    """settings/handoff.yml (or $HANDOFF_FILE), read at each request."""
    path = path or Path(os.environ.get("HANDOFF_FILE", SETTINGS_FILE))
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    reply_time = data.get("reply_time") if isinstance(data, dict) else None
    if not isinstance(reply_time, str) or not reply_time.strip():
        raise ValueError(f"{path.name}: reply_time must be a non-empty text, such as « sous deux jours ouvrés »")
    return HandoffSettings(reply_time=reply_time.strip())


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    recipient: str
    user: Optional[str] = None
    password: Optional[str] = field(default=None, repr=False)
    starttls: bool = False

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> Optional["SmtpSettings"]:
        """SMTP_HOST, SMTP_PORT (25), SMTP_FROM, HANDOFF_TO, and optionally SMTP_USER, SMTP_PASSWORD,
        SMTP_STARTTLS (1, true, yes or oui); None when the first ones are not all set."""
        env = os.environ if env is None else env
        host, sender, recipient = (env.get(k, "").strip() for k in ("SMTP_HOST", "SMTP_FROM", "HANDOFF_TO"))
        if not (host and sender and recipient):
            return None
        port_text = env.get("SMTP_PORT", "").strip() or "25"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            logger.warning("SMTP_PORT is not a port number: hand-off e-mails are not sent")
            return None
        return cls(
            host=host,
            port=int(port_text),
            sender=sender,
            recipient=recipient,
            user=env.get("SMTP_USER") or None,
            password=env.get("SMTP_PASSWORD") or None,
            starttls=env.get("SMTP_STARTTLS", "").strip().lower() in ("1", "true", "yes", "oui"),
        )


# ---- the e-mail -----------------------------------------------------------------------------


def compose_mail(request: HandoffRequest, smtp: SmtpSettings, reply_time: str, conversation_id: str = "") -> EmailMessage:
    """The notification to the careers service: the contact, the recap, the recommendation and the
    last questions, in plain French text."""
    kind = CONTACT_KINDS[request.contact.kind]
    said = request.conversation
    # Typography on the bot's own lines (bot/typography.py); the visitor's questions as typed.
    lines = [
        french(line)
        for line in [
            "Une personne demande à être recontactée par le service orientation, depuis l'assistant d'orientation "
            "vers le métier d'assistant médical. Elle a accepté que cette demande vous soit transmise.",
            "",
            f"Contact ({kind}) : {request.contact.value}",
            f"Délai de réponse annoncé : {reply_time}",
            f"Demande faite le : {_french_time(request.requested_at)}",
            f"Référence de la demande : {request.request_id}",
            *([f"Conversation : {conversation_id}"] if conversation_id else []),
            "",
            "Ses réponses à l'entretien d'orientation :",
            *([f"- {item}" for item in said.recap] or ["- (pas d'entretien)"]),
            "",
            f"Parcours conseillé : {said.recommendation or '(aucun conseil donné)'}",
            "",
            "Ses dernières questions :",
        ]
    ]
    lines += [f"- {q}" for q in said.last_questions] or [french("- (aucune question)")]
    lines += [
        "",
        french("Ces informations restent dans la base des conversations de l'assistant et sont effacées avec elle."),
    ]
    message = EmailMessage()
    message["Subject"] = f"Demande de contact depuis l'assistant d'orientation ({request.request_id[:8]})"
    message["From"] = smtp.sender
    message["To"] = smtp.recipient
    if request.contact.kind == "email":
        message["Reply-To"] = request.contact.value
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=smtp.sender.rsplit("@", 1)[-1] or None)
    message.set_content("\n".join(lines) + "\n")
    return message


def _french_time(iso: str) -> str:
    moment = dt.datetime.fromisoformat(iso)
    return moment.strftime("%d/%m/%Y à %H:%M (UTC)")


def send_mail(message: EmailMessage, smtp: SmtpSettings, timeout: float = SMTP_TIMEOUT_S) -> None:
    """Sends ``message`` through the SMTP server (STARTTLS and login when configured)."""
    with smtplib.SMTP(smtp.host, smtp.port, timeout=timeout) as client:
        if smtp.starttls:
            client.starttls(context=ssl.create_default_context())
        if smtp.user and smtp.password:
            client.login(smtp.user, smtp.password)
        client.send_message(message)


def notify(request: HandoffRequest, reply_time: str, conversation_id: str = "", env: Optional[Mapping[str, str]] = None) -> bool:
    """E-mails the request to the careers service; False (and a warning without personal data)
    when SMTP is not configured or fails. Never raises."""
    smtp = SmtpSettings.from_env(env)
    if smtp is None:
        logger.warning(
            "Hand-off request %s stored; SMTP is not configured (SMTP_HOST, SMTP_FROM, HANDOFF_TO): no e-mail sent", request.request_id
        )
        return False
    try:
        send_mail(compose_mail(request, smtp, reply_time, conversation_id), smtp)
    except (OSError, smtplib.SMTPException, ValueError) as error:
        # The class of the error only: its text may quote an address.
        logger.warning("Hand-off request %s stored; the e-mail could not be sent (%s)", request.request_id, type(error).__name__)
        return False
    return True


# ---- what the visitor reads -----------------------------------------------------------------


def _what_is_sent(conversation: Conversation, shown: Optional[int] = None) -> str:
    """The list of what will be sent; ``shown``: how many of the interview's answers are named."""
    items = []
    recap = list(conversation.recap)
    if recap:
        if shown is None or shown >= len(recap):
            said = ", ".join(recap)
        else:
            others = len(recap) - shown
            said = f"{', '.join(recap[:shown])} et {others} {'autres' if others > 1 else 'autre'}"
        items.append(f"vos réponses à l'entretien ({said})")
    if conversation.recommendation:
        items.append(f"le parcours que je vous ai conseillé ({conversation.recommendation})")
    count = len(conversation.last_questions)
    if count:
        items.append("votre dernière question" if count == 1 else f"vos {count} dernières questions")
    if not items:
        return f"{BULLET}votre demande seule : vous n'avez encore ni répondu à l'entretien ni posé de question."
    return "\n".join(f"{BULLET}{item}{' ;' if i < len(items) - 1 else '.'}" for i, item in enumerate(items))


def consent_question(conversation: Conversation, reply_time: str, again: bool = False) -> Reply:
    """What will be sent, and the request for consent (asked again once after an unclear answer).
    The interview's answers are all named while the bubble stays under MAX_BUBBLE_CHARS."""
    if again:
        return message("handoff_consent_again")
    offer = message("handoff_consent")
    for shown in [None] + list(range(len(conversation.recap) - 1, 0, -1)):
        text = offer.text.format(reply_time=reply_time, items=_what_is_sent(conversation, shown))
        if len(french(text)) <= MAX_BUBBLE_CHARS:
            break
    return Reply(text=text, buttons=offer.buttons)


def contact_question(again: bool = False) -> Reply:
    return message("handoff_contact_again" if again else "handoff_contact")


def outcome(contact_slot: Any, reply_time: str, interview_paused: bool) -> Reply:
    """The last reply of the hand-off: sent (with when and where the answer comes), declined or
    cancelled, or dropped after a contact that could not be read twice. When the interview was
    left unfinished for it, how to take it up again."""
    contact = Contact.from_slot(contact_slot)
    if contact is not None:
        sent = message(f"handoff_sent_{contact.kind}")
        reply = Reply(text=sent.text.format(reply_time=reply_time, contact=contact.value))
    elif contact_slot == INVALID:
        reply = message("handoff_dropped")
    else:
        reply = message("handoff_declined")
    if not interview_paused:
        return reply
    kept = message("handoff_interview_kept")
    return Reply(text=f"{reply.text}\n{kept.text}", buttons=reply.buttons + kept.buttons)
