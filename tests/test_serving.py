"""rasa_overrides/serving/: the tuned `rasa run` validates action answers and reads events exactly as stock Rasa does."""

from __future__ import annotations

import asyncio
import os
from typing import Any, Dict, List

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig
from sanic.server.protocols.http_protocol import HttpProtocol

import rasa_overrides.serving.__main__ as serving_main
from launch.servers import free_port
from rasa_overrides.serving import action_outage, action_response, event_types, http_timeouts
from rasa_overrides.stores.outage import ActionServerUnavailable, channel_turn, current_turn

VALID_ANSWERS: List[Dict[str, Any]] = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "route", "value": "alternance", "timestamp": None}],
        "responses": [{"text": "L'alternance est gratuite pour l'apprenti."}],
    },
    {
        "events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "action_listen"}],
        "responses": [{"custom": {"pathway": {"cost": 0}}, "buttons": [{"title": "Oui", "payload": "/affirm"}]}],
    },
    {"responses": [{"response": "utter_greet"}]},
]
INVALID_ANSWERS: List[Dict[str, Any]] = [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": [{"name": "route", "value": "x"}], "responses": []},
    {"events": {"event": "slot"}, "responses": []},
    {"events": [], "responses": "Bonjour"},
    {"events": [], "responses": ["Bonjour"]},
]


def stock_verdict(answer: Dict[str, Any]) -> bool:
    try:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
        return True
    except jsonschema.ValidationError:
        return False


@pytest.mark.parametrize("answer", VALID_ANSWERS)
def test_valid_answers_pass_as_with_stock_rasa(answer: Dict[str, Any]) -> None:
    assert stock_verdict(answer)
    assert action_response.validate_action_result(RemoteAction("action_x", None), answer)


@pytest.mark.parametrize("answer", INVALID_ANSWERS)
def test_invalid_answers_fail_as_with_stock_rasa(answer: Dict[str, Any]) -> None:
    assert not stock_verdict(answer)
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action_response.validate_action_result(RemoteAction("action_x", None), answer)


def test_install_replaces_the_per_call_schema_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    action_response.install()
    action = RemoteAction("action_x", None)
    with pytest.raises(jsonschema.ValidationError):
        action._validate_action_result(INVALID_ANSWERS[0])
    assert action._validate_action_result(VALID_ANSWERS[1])
    assert action_response.action_response_validator() is action_response.action_response_validator()


def test_launcher_runs_rasa_single_threaded_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: Dict[str, str] = {}

    def fake_rasa_main() -> None:
        seen.update({name: os.environ[name] for name in serving_main.SINGLE_THREADED_COMPUTE})

    monkeypatch.setattr("rasa.__main__.main", fake_rasa_main)
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    monkeypatch.setattr(RemoteAction, "run", RemoteAction.run)
    for name in ("data_received", "check_timeouts"):
        monkeypatch.setattr(HttpProtocol, name, getattr(HttpProtocol, name))
    monkeypatch.delenv("SANIC_REQUEST_TIMEOUT", raising=False)
    for name in serving_main.SINGLE_THREADED_COMPUTE:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    monkeypatch.setattr("sys.argv", ["python -m rasa_overrides.serving", "run"])
    serving_main.main()
    assert seen == {"TF_INTER_OP_PARALLELISM_THREADS": "1", "TF_INTRA_OP_PARALLELISM_THREADS": "1", "OMP_NUM_THREADS": "4"}
    assert RemoteAction._validate_action_result is action_response.validate_action_result
    assert Event.resolve_by_type is event_types.resolve_by_type
    assert RemoteAction.run is action_outage.run_or_refuse
    assert HttpProtocol.data_received is http_timeouts.data_received
    assert os.environ["SANIC_REQUEST_TIMEOUT"] == str(http_timeouts.REQUEST_SECONDS)


def run_unreachable_action(before: int | None) -> List[Event]:
    """A custom action whose action server is not there, in a channel's turn (after ``before`` actions that ran) or not."""
    action = RemoteAction("action_answer", EndpointConfig(f"http://127.0.0.1:{free_port()}/webhook"))
    tracker = DialogueStateTracker.from_events("visitor", [])

    async def go() -> List[Event]:
        if before is None:
            return await action_outage.run_or_refuse(action, CollectingOutputChannel(), None, tracker, Domain.empty())
        with channel_turn():
            turn = current_turn()
            assert turn is not None
            turn.remote_actions_run = before
            return await action_outage.run_or_refuse(action, CollectingOutputChannel(), None, tracker, Domain.empty())

    return asyncio.run(go())


def test_an_unreachable_action_server_refuses_a_channel_turn_before_anything_ran() -> None:
    with pytest.raises(ActionServerUnavailable):
        run_unreachable_action(before=0)


def test_after_an_action_ran_or_outside_a_channel_turn_the_failure_is_rasas_own() -> None:
    # An action of this turn ran (its side effects are done): stock Rasa stores the turn as it went.
    with pytest.raises(RasaException):
        run_unreachable_action(before=1)
    # The HTTP API, scripts: unchanged.
    with pytest.raises(RasaException):
        run_unreachable_action(before=None)


def test_event_classes_are_found_by_name_as_rasa_finds_them(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.shared.utils.common import all_subclasses

    names = {event_class.type_name for event_class in all_subclasses(Event)}
    stock = {name: Event.resolve_by_type(name) for name in names}
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    event_types.install()
    assert len(names) > 20
    assert {name: Event.resolve_by_type(name) for name in names} == stock
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=Event) is Event
    with pytest.raises(ValueError, match="no_such_event"):
        Event.resolve_by_type("no_such_event")
    parsed = Event.from_parameters({"event": "bot", "text": "Bonjour"})
    assert parsed.type_name == "bot" and parsed.text == "Bonjour"


def test_an_action_that_ran_is_counted_for_the_rest_of_the_turn_the_session_start_aside(monkeypatch: pytest.MonkeyPatch) -> None:
    async def answered(*_: Any) -> List[Event]:
        return []

    monkeypatch.setattr(action_outage, "_stock_run", answered)
    action = RemoteAction("action_answer", EndpointConfig("http://127.0.0.1:1/webhook"))

    session_start = RemoteAction("action_session_start", EndpointConfig("http://127.0.0.1:1/webhook"))

    async def go() -> int:
        with channel_turn():
            # The session start only writes the tracker, which a refused turn does not save: not counted.
            await action_outage.run_or_refuse(session_start, CollectingOutputChannel(), None, None, None)
            await action_outage.run_or_refuse(action, CollectingOutputChannel(), None, None, None)
            turn = current_turn()
            assert turn is not None
            return turn.remote_actions_run

    assert asyncio.run(go()) == 1
