"""Store outages on the production profile (two Sanic workers, PostgreSQL, Redis): a REST load runs
across a PostgreSQL restart and across a Redis restart, then every message is accounted for:
answered and stored once, in order, or refused with the French 503; none lost.
The figures go to docs/reliability.md."""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import pytest
import requests

from bot.input_guard import NOT_RECORDED_REPLY
from bot.typography import french
from launch.servers import ROOT, RasaStack, free_port, production_store_env
from launch.services import PostgresServer, RedisServer, start_postgres, start_redis
from tests.socketio_client import SocketIOTestClient
from tests.test_scale_out import Cluster, stored_events, turns

CONVERSATIONS = 10
MESSAGES_PER_CONVERSATION = 40
DOWN_SECONDS = 3.0
# Shorter than the outage, so that one restart shows both outcomes: turns that waited the
# store out, and turns refused once their budget was spent (the default is 4 s).
RETRY_SECONDS = 2.0
# The fault starts once this share of the load has been answered: the load runs across it.
FAULT_AFTER = 0.25
WELCOME = "assistant virtuel d"
QUESTIONS = [
    "Combien coûte la formation continue ?",
    "et en alternance ?",
    "Quelle est la durée de l'alternance ?",
    "et la formation continue ?",
    "Quel est le salaire d'un assistant médical ?",
    "Quelles sont ses missions ?",
    "C'est quoi le DMP ?",
    "Où peut-on travailler ?",
]
REPORT = ROOT / "docs" / "reliability.md"
RESULTS: Dict[str, "Figures"] = {}
WIDGET_REFUSED: List[bool] = []


@dataclass
class Figures:
    sent: int = 0
    answered_and_stored: int = 0
    refused: int = 0
    lost: int = 0
    slowest_answer_s: float = 0.0
    problems: List[str] = field(default_factory=list)


@dataclass
class Production:
    stack: RasaStack
    postgres: PostgresServer
    redis: RedisServer

    def cluster(self) -> Cluster:
        return Cluster(self.stack, (self.stack.rasa_port, self.stack.rasa_port), self.postgres, self.redis)


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Production]:
    work = tmp_path_factory.mktemp("outages")
    redis = start_redis(work / "redis")
    postgres: Optional[PostgresServer] = None
    stack: Optional[RasaStack] = None
    try:
        postgres = start_postgres(work / "postgres")
        env = {
            **production_store_env(postgres.url, redis.port),
            "SANIC_WORKERS": "2",
            "STORE_RETRY_SECONDS": str(RETRY_SECONDS),
        }
        stack = RasaStack(free_port(), free_port(), secrets.token_urlsafe(16), work, extra_env=env)
        stack.start_actions()
        stack.start_rasa()
        yield Production(stack, postgres, redis)
    finally:
        if stack:
            stack.stop()
        if postgres:
            postgres.stop()
        redis.stop()


Outcome = Tuple[str, int, object, float, float]  # message, HTTP status, JSON body, sent at, answered at


def run_load(production: Production, fault: Callable[[], None], tag: str) -> Tuple[Dict[str, List[Outcome]], float, float]:
    """The load, with ``fault`` run in this thread once FAULT_AFTER of it is answered.
    Returns each conversation's outcomes and when the fault began and ended."""
    url = f"{production.stack.url}/webhooks/rest/webhook"
    senders = [f"{tag}-{index}-{uuid.uuid4().hex[:6]}" for index in range(CONVERSATIONS)]
    outcomes: Dict[str, List[Outcome]] = {sender: [] for sender in senders}
    done = threading.Semaphore(0)

    def converse(index: int, sender: str) -> None:
        with requests.Session() as http:
            for turn in range(MESSAGES_PER_CONVERSATION):
                message = QUESTIONS[(index + turn) % len(QUESTIONS)]
                started = time.monotonic()
                try:
                    reply = http.post(url, json={"sender": sender, "message": message}, timeout=60)
                    body: object = reply.json()
                    status = reply.status_code
                    if status == 503 and reply.headers.get("Retry-After") != "5":
                        body = {"missing": "Retry-After"}
                except (requests.RequestException, ValueError) as error:
                    status, body = 0, str(error)
                outcomes[sender].append((message, status, body, started, time.monotonic()))
                done.release()

    with ThreadPoolExecutor(max_workers=CONVERSATIONS) as pool:
        futures = [pool.submit(converse, index, sender) for index, sender in enumerate(senders)]
        for _ in range(int(CONVERSATIONS * MESSAGES_PER_CONVERSATION * FAULT_AFTER)):
            done.acquire(timeout=120)
        began = time.monotonic()
        fault()
        ended = time.monotonic()
        for future in futures:
            future.result()
    return outcomes, began, ended


def account(production: Production, outcomes: Dict[str, List[Outcome]]) -> Figures:
    """Answered (200 with a real answer) and stored once in order, refused (the 503), or lost."""
    figures = Figures()
    for sender, results in outcomes.items():
        answered: List[Tuple[str, List[str]]] = []
        for position, (message, status, body, started, finished) in enumerate(results):
            figures.sent += 1
            figures.slowest_answer_s = max(figures.slowest_answer_s, finished - started)
            answer = [m["text"] for m in body if isinstance(m, dict) and m.get("text")] if isinstance(body, list) else []
            # The welcome belongs to the first recorded turn only: later, it would be an empty tracker's.
            welcome_again = bool(answered) and any(WELCOME in text for text in answer)
            if status == 200 and answer and not welcome_again:
                answered.append((message, answer))
            elif status == 503 and isinstance(body, dict) and body.get("reason") == NOT_RECORDED_REPLY:
                figures.refused += 1
            else:
                figures.lost += 1
                figures.problems.append(f"{sender} #{position}: {status} {str(body)[:200]}")
        stored = turns(stored_events(production.cluster(), sender))
        expected = [(message, answer) for message, answer in answered]
        got = [(user, [french(text) for text in bot]) for user, bot in stored]
        if got == expected:
            figures.answered_and_stored += len(answered)
        else:
            kept = sum(1 for item in expected if item in got)
            figures.answered_and_stored += kept
            figures.lost += len(answered) - kept
            figures.problems.append(f"{sender}: stored {len(got)} turns, {len(expected)} answered, not the same sequence")
    return figures


def check(figures: Figures, outcomes: Dict[str, List[Outcome]], began: float, ended: float) -> None:
    assert figures.sent == CONVERSATIONS * MESSAGES_PER_CONVERSATION
    assert figures.lost == 0, figures.problems[:10]
    assert figures.answered_and_stored + figures.refused == figures.sent
    # The load ran across the outage: turns in flight while the store was down, and after.
    results = [result for conversation in outcomes.values() for result in conversation]
    assert any(sent < ended and answered > began for _, _, _, sent, answered in results)
    assert any(sent > ended for _, _, _, sent, _ in results)
    assert figures.answered_and_stored > figures.sent // 2


def test_two_workers_offer_the_websocket_only(production: Production) -> None:
    """Polling would reach either worker, and only one knows the session: the handshake is refused, the
    websocket works (the widget's turn during the Redis outage uses it)."""
    origin = production.stack.web_origins[0]
    polling = requests.get(f"{production.stack.url}/socket.io/?EIO=4&transport=polling", headers={"Origin": origin}, timeout=10)
    assert polling.status_code == 400 and "Invalid transport" in polling.text
    assert polling.raw.headers.getlist("Access-Control-Allow-Origin") == [origin]


def test_postgresql_restarted_under_load(production: Production) -> None:
    def restart() -> None:
        production.postgres.stop_fast()
        time.sleep(DOWN_SECONDS)
        production.postgres.start_again()

    outcomes, began, ended = run_load(production, restart, "pg")
    figures = account(production, outcomes)
    RESULTS["PostgreSQL (tracker store) stopped 3 s, then started"] = figures
    write_report()
    check(figures, outcomes, began, ended)


def test_redis_restarted_under_load(production: Production) -> None:
    widget: Dict[str, object] = {}

    def restart() -> None:
        production.redis.stop()
        stopped = time.monotonic()
        # A widget's message while Redis is down, longer than the retry budget: refused, said so.
        widget.update(asyncio.run(widget_turn(production.stack)))
        time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - stopped)))
        production.redis.start_again()

    outcomes, began, ended = run_load(production, restart, "redis")
    figures = account(production, outcomes)
    RESULTS["Redis (lock store) stopped 3 s, then started"] = figures
    write_report()
    check(figures, outcomes, began, ended)

    replies = widget["replies"]
    assert isinstance(replies, list) and len(replies) == 1, replies
    assert replies[0]["text"] == french(NOT_RECORDED_REPLY)
    assert replies[0]["custom"] == {"type": "not_recorded"}
    assert not [e for e in stored_events(production.cluster(), str(widget["session"])) if e[0] == "user"]
    WIDGET_REFUSED.append(True)
    write_report()


async def widget_turn(stack: RasaStack) -> Dict[str, object]:
    client = SocketIOTestClient(stack.url, origin=stack.web_origins[0])
    await client.connect()
    try:
        session = await client.start_session(None)
        replies = await client.turn(session, "Combien coûte la formation continue ?", timeout=30)
    finally:
        await client.close()
    return {"session": session, "replies": replies}


def write_report() -> None:
    """docs/reliability.md, from this run: the faults measured so far."""
    lines = [
        "# Reliability: store outages under load",
        "",
        "Written by `tests/test_store_outages.py` (part of `make test`). Production profile: one Rasa",
        "process with two Sanic workers (`SANIC_WORKERS=2`), PostgreSQL tracker store, Redis lock",
        f"store, on loopback. {CONVERSATIONS} conversations send {MESSAGES_PER_CONVERSATION} messages each over REST, one",
        f"after the other within a conversation, all conversations at once; after {FAULT_AFTER:.0%} of the messages",
        f"are answered, the store is stopped for {DOWN_SECONDS:.0f} s and started again. Each turn retries an",
        f"unreachable store for {RETRY_SECONDS:.0f} s (`STORE_RETRY_SECONDS`; 4 s by default), then is refused.",
        "",
        "- **answered and stored**: a 200 with a real answer (never the welcome again), and the message with",
        "  exactly that answer in PostgreSQL, once, in the order sent;",
        "- **refused**: a 503 with `Retry-After: 5` and « " + NOT_RECORDED_REPLY + " », and nothing stored;",
        "- **lost**: anything else (an answer not stored, stored twice or out of order, an error): must be 0.",
        "",
        "| fault | sent | answered and stored | refused (503) | lost | slowest answer |",
        "|---|---|---|---|---|---|",
    ]
    for fault, figures in RESULTS.items():
        lines.append(
            f"| {fault} | {figures.sent} | {figures.answered_and_stored} | {figures.refused} | {figures.lost} "
            f"| {figures.slowest_answer_s:.1f} s |"
        )
    if WIDGET_REFUSED:
        lines += [
            "",
            "During the Redis outage, a widget message (socket.io) got only the message above, marked",
            "`not_recorded` so that the widget offers « Renvoyer », and nothing of it was stored.",
        ]
    lines.append("")
    Path(REPORT).write_text("\n".join(lines), encoding="utf-8")
