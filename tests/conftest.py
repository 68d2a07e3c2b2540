from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge import KnowledgeBase, load_knowledge_base  # noqa: E402
from launch.servers import MODEL, RasaStack, start_stack  # noqa: E402


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaStack]:
    """The real action server, Rasa server and web page, with the trained model, on free loopback ports."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    running = start_stack(tmp_path_factory.mktemp("servers"), with_web=True)
    yield running
    running.stop()


# Test tiers (pyproject.toml's markers), by module: `make test-fast` runs the unit tier alone.
BROWSER_MODULES = {"test_admin_browser", "test_deploy_nginx", "test_feedback_widget", "test_rasa_webchat", "test_web_widget"}
SERVICES_MODULES = {"test_admin_postgres", "test_deploy_nginx", "test_scale_out", "test_store_outages"}
INTEGRATION_MODULES = (
    {
        "test_admin_e2e",
        "test_admin_http",
        "test_conversations",
        "test_e2e_http",
        "test_e2e_interview",
        "test_feedback_handoff_http",
        "test_hostile_input",
        "test_interview_personas",
        "test_launch_run",
        "test_long_conversation",
        "test_nlu_heldout",
        "test_rasa_data",
        "test_resilience",
        "test_socketio_channel",
    }
    | BROWSER_MODULES
    | SERVICES_MODULES
)


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        # A test of a unit module may say it needs more (spaCy's model, Rasa's command line).
        if module in INTEGRATION_MODULES or item.get_closest_marker("integration"):
            item.add_marker(pytest.mark.integration)
            if module in BROWSER_MODULES:
                item.add_marker(pytest.mark.browser)
            if module in SERVICES_MODULES:
                item.add_marker(pytest.mark.services)
        else:
            item.add_marker(pytest.mark.unit)


# Sara-style fixtures (RasaHQ/rasa-demo's tests/conftest.py) for the actions' unit tests.
@pytest.fixture(scope="session")
def domain() -> dict:
    """domain.yml as the action server receives it."""
    import yaml

    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def dispatcher():
    from rasa_sdk.executor import CollectingDispatcher

    return CollectingDispatcher()


@pytest.fixture
def form_tracker():
    """A tracker in the interview: ``form_tracker("16", "age", intent="ask_salary", confidence=0.49, **slots)``."""
    from rasa_sdk import Tracker

    def make(
        text: str, requested: str | None, intent: str = "inform", confidence: float = 0.9, mapped: dict | None = None, **slots: object
    ) -> Tracker:
        # ``mapped``: what Rasa's own slot mappings (domain.yml) set from the message before validation.
        message = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": []}
        mapped = mapped or {}
        return Tracker(
            sender_id="unit-test",
            slots={"requested_slot": requested, **slots, **mapped},
            latest_message=message,
            events=[{"event": "user", "text": text, "parse_data": message}]
            + [{"event": "slot", "name": k, "value": v} for k, v in mapped.items()],
            paused=False,
            followup_action=None,
            active_loop={"name": "orientation_form"} if requested else {},
            latest_action_name="action_listen",
        )

    return make
