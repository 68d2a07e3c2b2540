"""Find an event's class by its type name in a table, not by walking the classes.

Rasa 3.6 (``Event.resolve_by_type``) walks every subclass of ``Event``,
recursively, for each event it reads back from the tracker store or from the
action server, several times per turn (its cost is in bench/choices.md).
The table gives the class the walk would have found first; a name it does not
know (an event class imported later, a wrong name) goes to Rasa's own walk.
"""

from __future__ import annotations

from typing import Dict, Optional, Text, Type

from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

_stock_resolve_by_type = Event.resolve_by_type
_classes_by_type: Dict[Text, Type[Event]] = {}


def _table() -> Dict[Text, Type[Event]]:
    if not _classes_by_type:
        for event_class in all_subclasses(Event):
            _classes_by_type.setdefault(event_class.type_name, event_class)
    return _classes_by_type


def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    known = _table().get(type_name)
    if known is not None:
        return known
    return _stock_resolve_by_type(type_name, default)


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[assignment]
