"""CSV exports that a spreadsheet opens safely.

UTF-8 with a byte-order mark and semicolons, which French Excel expects; a cell that a
spreadsheet would read as a formula (=, +, -, @, or a tab or carriage return first) is
prefixed with an apostrophe, as OWASP recommends against CSV injection.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Iterable, List, Sequence, Tuple, Union

from admin import labels
from admin.stats import Dashboard
from admin.text import mask_personal_data

Cell = Union[str, int, float, None]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(cell: Cell) -> str:
    """The cell as text; one a spreadsheet would run as a formula is made plain text."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "oui" if cell else "non"
    if isinstance(cell, (int, float)):
        # Our own figures, never negative: written the French way, never prefixed.
        return str(cell) if isinstance(cell, int) else f"{cell:.1f}".replace(".", ",")
    text = str(cell)
    # Spreadsheets skip leading spaces before reading a formula.
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


# --- the dashboard's tables ----------------------------------------------------------------

EXPORTS = ("activite", "sujets", "questions", "entretien", "parcours", "avis", "avis-negatifs", "contacts")


def _moment(timestamp: float, zone: dt.tzinfo) -> str:
    return dt.datetime.fromtimestamp(timestamp, zone).strftime("%Y-%m-%d %H:%M")


def dashboard_table(data: Dashboard, name: str) -> Tuple[List[str], List[List[Cell]]]:
    """The header and rows of one of the dashboard's tables (``name`` in EXPORTS).

    Visitors' texts are masked (e-mail addresses, phone numbers), contacts included: an
    export leaves the dashboard, and the page is where an adviser reads a contact."""
    zone = data.period.zone
    if name == "activite":
        return ["Jour", "Conversations", "Messages des visiteurs"], [[d.day.isoformat(), d.conversations, d.messages] for d in data.days]
    if name == "sujets":
        return ["Sujet", "Code", "Messages"], [[t.label, t.topic, t.messages] for t in data.topics]
    if name == "questions":
        return (
            ["Message du visiteur (masqué)", "Autres formulations", "Type", "Messages", "Conversations", "Dernière fois", "Statut"],
            [
                [
                    g.text,
                    " | ".join(g.variants),
                    ", ".join(g.kinds),
                    g.messages,
                    g.conversations,
                    _moment(g.last_seen, zone),
                    labels.INBOX_STATUSES.get(g.status, g.status),
                ]
                for g in data.inbox
            ],
        )
    if name == "entretien":
        return ["Étape de l’entretien", "Conversations"], [[label, n] for label, n in data.funnel.rows()]
    if name == "parcours":
        return ["Parcours conseillé", "Conversations"], [[p, n] for p, n in data.pathways]
    if name == "avis":
        return (
            ["Sujet", "Code", "Utile", "Pas utile", "Part d’avis positifs (%)"],
            [[f.label, f.topic, f.up, f.down, f.rate * 100] for f in data.feedback],
        )
    if name == "avis-negatifs":
        return (
            ["Date", "Sujet", "Raison", "Commentaire (masqué)", "Message du visiteur (masqué)"],
            [[_moment(n.timestamp, zone), n.label, n.reason, n.comment, n.question] for n in data.negative],
        )
    if name == "contacts":
        return (
            [
                "Reçue le",
                "Type de contact",
                "Contact (masqué)",
                "Réponses",
                "Parcours conseillé",
                "Dernières questions (masquées)",
                "Statut",
            ],
            [
                [
                    _moment(h.timestamp, zone),
                    "téléphone" if h.contact_kind == "phone" else "e-mail",
                    mask_personal_data(h.contact),
                    " | ".join(mask_personal_data(r) for r in h.recap),
                    h.recommendation,
                    " | ".join(mask_personal_data(q) for q in h.last_questions),
                    labels.HANDOFF_STATUSES.get(h.status, h.status),
                ]
                for h in data.handoffs
            ],
        )
    raise KeyError(name)
