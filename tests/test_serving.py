"""rasa_overrides/serving/: the tuned `rasa run` validates action answers and reads events exactly as stock Rasa does."""

from __future__ import annotations

import asyncio
import gc
import inspect
import os
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import jsonschema
import pytest
import rasa.core.run
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig
from sanic.server.protocols.http_protocol import HttpProtocol

import rasa_overrides.serving.__main__ as serving_main
from launch.servers import free_port
from rasa_overrides.serving import action_outage, action_response, event_types, http_timeouts, preload
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


@pytest.mark.integration  # imports Rasa's whole command line
def test_launcher_runs_rasa_single_threaded_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: Dict[str, str] = {}

    def fake_rasa_main() -> None:
        seen.update({name: os.environ[name] for name in serving_main.SINGLE_THREADED_COMPUTE})

    monkeypatch.setattr("rasa.__main__.main", fake_rasa_main)
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RemoteAction._validate_action_result)
    monkeypatch.setattr(Event, "resolve_by_type", Event.__dict__["resolve_by_type"])
    monkeypatch.setattr(RemoteAction, "run", RemoteAction.run)
    monkeypatch.setattr(MessageProcessor, "_load_model", MessageProcessor.__dict__["_load_model"])
    monkeypatch.setattr(rasa.core.run, "serve_application", rasa.core.run.serve_application)
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
    assert MessageProcessor.__dict__["_load_model"].__func__ is preload._load_model
    assert rasa.core.run.serve_application.__wrapped__ is not None  # type: ignore[attr-defined]


@pytest.fixture
def counted_model_loads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Tuple[Path, List[str], List[Any]]]:
    """Preloading installed over a model loader and a server that record what they get, on a model file of tmp_path."""
    loads: List[str] = []

    def load(model_path: Any) -> Tuple[str, int]:
        loads.append(str(model_path))
        return (str(model_path), len(loads))

    served: List[Any] = []
    monkeypatch.setattr(MessageProcessor, "_load_model", staticmethod(load))
    monkeypatch.setattr(rasa.core.run, "serve_application", lambda model_path=None, port=5005: served.append((model_path, port)))
    monkeypatch.setattr(preload, "_preloaded", {})
    preload.install()
    model = tmp_path / "models" / "assistant.tar.gz"
    model.parent.mkdir()
    model.write_bytes(b"model")
    yield model, loads, served
    gc.unfreeze()


def test_the_model_is_loaded_before_serving_and_reused_by_the_workers(counted_model_loads: Tuple[Path, List[str], List[Any]]) -> None:
    model, loads, served = counted_model_loads
    assert inspect.signature(rasa.core.run.serve_application).parameters.keys() == {"model_path", "port"}
    rasa.core.run.serve_application(str(model.parent), port=1234)
    assert served == [(str(model.parent), 1234)]
    assert loads == [str(model.resolve())] and gc.get_freeze_count() > 0
    # A worker's processor, given the directory or the file, gets the preloaded model.
    assert MessageProcessor._load_model(str(model.parent)) == (str(model.resolve()), 1)
    assert MessageProcessor._load_model(model) == (str(model.resolve()), 1)
    assert len(loads) == 1


def test_a_changed_or_other_model_is_loaded_as_stock(counted_model_loads: Tuple[Path, List[str], List[Any]]) -> None:
    model, loads, _ = counted_model_loads
    assert preload.preload(model)
    other = model.with_name("other.tar.gz")
    other.write_bytes(b"other")
    assert MessageProcessor._load_model(other) == (str(other), 2)
    model.write_bytes(b"retrained model")
    os.utime(model, ns=(1, 1))
    assert MessageProcessor._load_model(model) == (str(model), 3)
    assert not preload.preload(model.parent / "missing.tar.gz")


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
