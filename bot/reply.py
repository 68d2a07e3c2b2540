"""What the bot sends back, independent of Rasa: text, quick-reply buttons, an optional card."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    @classmethod
    def for_intent(cls, title: str, intent: str, **entities: str) -> "Button":
        """A button that triggers ``intent`` directly (Rasa's ``/intent{...}`` payload)."""
        suffix = json.dumps(entities, ensure_ascii=False) if entities else ""
        return cls(title=title, payload=f"/{intent}{suffix}")


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: Tuple[Button, ...] = ()
    custom: Optional[Dict[str, Any]] = None
    sources: Tuple[str, ...] = field(default=())
