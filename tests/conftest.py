from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import MODEL, RasaStack, start_stack  # noqa: E402
from bot.knowledge import KnowledgeBase, load_knowledge_base  # noqa: E402


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
