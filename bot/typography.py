"""French typography for every text the assistant sends.

Applied once, on the way out (``channels/``), to the bot's texts and button titles:

* a narrow no-break space (U+202F) before ``;``, ``?`` and ``!``;
* a no-break space (U+00A0) before ``:`` and inside « »;
* a no-break space between a number and ``€`` or ``%``, a narrow one as the thousands separator;
* ’ for the apostrophe.

It is idempotent, and leaves URLs, e-mail addresses and times (``10:30``) alone.
"""

from __future__ import annotations

import re
from typing import List

NBSP = "\u00a0"
NNBSP = "\u202f"

# Web addresses and e-mail addresses are kept exactly as they are.
_PROTECTED = re.compile(r"(https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+\.(?:fr|gouv\.fr|com|org)\b\S*)")


def _typeset(text: str) -> str:
    text = text.replace("'", "’")
    # « », : with a no-break space; ; ? ! with a narrow one (an existing space is replaced).
    text = re.sub(r"«[ \u00a0\u202f]*", "«" + NBSP, text)
    text = re.sub(r"[ \u00a0\u202f]*»", NBSP + "»", text)
    text = re.sub(r"(?<=[^\s\d:])[ \u00a0\u202f]*:(?=\s|$)", NBSP + ":", text)
    text = re.sub(r"(?<=\d)[ \u00a0\u202f]+:(?=\s|$)", NBSP + ":", text)
    text = re.sub(r"(?<=[^\s;?!])[ \u00a0\u202f]*([;?!])", NNBSP + r"\1", text)
    # Thousands: "3 000", "10 000 000" (digits grouped by three after a space).
    text = re.sub(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?!\d))", NNBSP, text)
    text = re.sub(r"(?<=\d)[ \u00a0\u202f]*(€|%)", NBSP + r"\1", text)
    # "n° 2019-774": the number stays with its sign.
    text = re.sub(r"n°[ \u00a0\u202f]*(?=\d)", "n°" + NBSP, text)
    return text


def french(text: str) -> str:
    """``text`` with French typography; URLs and e-mail addresses untouched."""
    if not text:
        return text
    kept: List[str] = []

    def hide(match: "re.Match[str]") -> str:
        kept.append(match.group(0))
        return f"\x00{len(kept) - 1}\x00"

    # Protected spans become placeholders, so that the rules still see the characters around them.
    typeset = _typeset(_PROTECTED.sub(hide, text))
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], typeset)
