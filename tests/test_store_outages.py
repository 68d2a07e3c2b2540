"""Faults on the production profile (PostgreSQL, Redis, Rasa processes, the action server), each
under a bounded concurrent load on loopback, then every message accounted for: answered and stored
once, in order, or refused with a French message and not stored; none lost.

- PostgreSQL restarted, then Redis restarted, under a REST load (one Rasa process, two Sanic workers);
- one of two Rasa processes ("nodes") on the same stores killed with SIGKILL, then started again;
- the action server killed with SIGKILL, then started again;
- 500 socket.io connections held open at once, then closed;
- clients sending their request one byte a second, next to a normal visitor.

The figures go to docs/reliability.md."""

from __future__ import annotations

import asyncio
import os
import resource
import secrets
import select
import signal
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple, cast

import pytest
import requests
import urllib3

from bot.input_guard import NOT_RECORDED_REPLY, UNAVAILABLE_REPLY
from bot.typography import french
from launch.servers import ROOT, RasaStack, free_port, production_store_env
from launch.services import PostgresServer, RedisServer, start_postgres, start_redis
from rasa_overrides.serving.http_timeouts import REQUEST_SECONDS
from rasa_overrides.stores.lock_store import LEASE_SECONDS
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
# A fault that lasts longer than the load (a Rasa process starting again): each conversation goes
# on until the fault is over, then sends this many more, a full round of QUESTIONS on both nodes.
AFTER_FAULT = 8
# ...at most this many in all (the load stays bounded whatever happens).
MAX_MESSAGES_PER_CONVERSATION = 300
# With AFTER_FAULT, a visitor's pause between two messages while the fault lasts: visitors keep
# talking through it, not hammering a server that refuses in milliseconds.
THINK_SECONDS = 0.2
SOCKETS = 500
# Of the SOCKETS visitors connected at once, how many type a question at the same moment (each asks one).
ASKING_AT_ONCE = 25
SLOW_CLIENTS_PER_KIND = 4
# A normal visitor's turn next to the slow clients (generous: two cores also run the load).
NORMAL_TURN_SECONDS = 2.0
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
# Answers that need the previous turn's subject (the conversation's context), by message.
CONTEXT_WORDS = {"et en alternance ?": "employeur", "et la formation continue ?": "12 mois"}
REFUSALS = (NOT_RECORDED_REPLY, UNAVAILABLE_REPLY)
# What the client records when a connection broke after the request was sent (the node died).
CUT = "connection cut"
REPORT = ROOT / "docs" / "reliability.md"
RESULTS: Dict[str, "Figures"] = {}
NOTES: Dict[str, str] = {}


@dataclass
class Figures:
    sent: int = 0
    answered_and_stored: int = 0
    # A 503 with one of REFUSALS, or a connection cut by a killed node; nothing stored either way.
    refused: int = 0
    cut: int = 0  # of the refused: no answer at all, the connection died with its node
    # The connection died after the turn was stored: the visitor got no answer, the turn is whole.
    stored_unanswered: int = 0
    lost: int = 0
    slowest_answer_s: float = 0.0
    problems: List[str] = field(default_factory=list)


@dataclass
class Production:
    stack: RasaStack
    postgres: PostgresServer
    redis: RedisServer
    work: Path

    def cluster(self) -> Cluster:
        return Cluster(self.stack, (self.stack.rasa_port, self.stack.rasa_port), self.postgres, self.redis)

    def env(self) -> Dict[str, str]:
        return dict(self.stack.extra_env)


def allow_many_files(at_least: int) -> None:
    """Raises this process's soft limit of open files (its servers inherit it) up to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = at_least if hard == resource.RLIM_INFINITY else min(hard, at_least)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Production]:
    # SOCKETS connections on both sides, plus Rasa's own files and the load's.
    allow_many_files(4 * SOCKETS + 1024)
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
        yield Production(stack, postgres, redis, work)
    finally:
        if stack:
            stack.stop()
        if postgres:
            postgres.stop()
        redis.stop()


@dataclass
class Node:
    """A second Rasa process on the same action server and stores, with one Sanic worker: the
    process is the server, so that SIGKILL kills the node (a Sanic main process killed alone
    would leave its workers serving)."""

    stack: RasaStack

    @property
    def url(self) -> str:
        return self.stack.url


@pytest.fixture(scope="module")
def second_node(production: Production) -> Iterator[Node]:
    first = production.stack
    env = {**production.env(), "SANIC_WORKERS": "1"}
    stack = RasaStack(free_port(), first.actions_port, first.token, production.work, extra_env=env)
    try:
        stack.start_rasa(name="rasa-node-2")
        yield Node(stack)
    finally:
        stack.stop()


class Outcome(NamedTuple):
    message: str
    status: int  # the HTTP status; 0 when no answer came back
    body: object
    sent_at: float
    answered_at: float
    node: str


def never_sent(error: requests.ConnectionError) -> bool:
    """Whether the connection was refused, so that nothing reached the node (it is down)."""
    reason = error.args[0] if error.args else None
    return isinstance(getattr(reason, "reason", reason), urllib3.exceptions.NewConnectionError)


def post_turn(http: requests.Session, nodes: Sequence[str], first: int, sender: str, message: str) -> Outcome:
    """One message, to nodes[first]; to the next node if that one refuses the connection, as a load
    balancer does with a node that is down. A connection that breaks once sent is not sent again."""
    started = time.monotonic()
    body: object
    for attempt in range(len(nodes)):
        node = nodes[(first + attempt) % len(nodes)]
        try:
            reply = http.post(f"{node}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60)
        except requests.ConnectionError as error:
            if never_sent(error) and attempt + 1 < len(nodes):
                continue
            failure = f"{CUT}: {error}" if not never_sent(error) else f"no node reachable: {error}"
            return Outcome(message, 0, failure, started, time.monotonic(), node)
        except requests.RequestException as error:
            return Outcome(message, 0, str(error), started, time.monotonic(), node)
        try:
            body = reply.json()
        except ValueError:
            body = reply.text[:200]
        if reply.status_code == 503 and reply.headers.get("Retry-After") != "5":
            body = {"missing": "Retry-After"}
        return Outcome(message, reply.status_code, body, started, time.monotonic(), node)
    raise AssertionError("unreachable")


def run_load(
    production: Production,
    fault: Callable[[], None],
    tag: str,
    nodes: Sequence[str] = (),
    after_fault: int = 0,
) -> Tuple[Dict[str, List[Outcome]], float, float]:
    """CONVERSATIONS conversations of MESSAGES_PER_CONVERSATION messages each, over REST, message
    ``turn`` of conversation ``index`` to ``nodes[(index + turn) % len(nodes)]``; ``fault`` runs in
    this thread once FAULT_AFTER of them are answered. With ``after_fault``, each conversation pauses
    THINK_SECONDS between messages while the fault lasts, goes on until it is over, then sends that many more.
    Returns each conversation's outcomes and when the fault began and ended."""
    nodes = list(nodes) or [production.stack.url]
    senders = [f"{tag}-{index}-{uuid.uuid4().hex[:6]}" for index in range(CONVERSATIONS)]
    outcomes: Dict[str, List[Outcome]] = {sender: [] for sender in senders}
    done = threading.Semaphore(0)
    fault_began, fault_over = threading.Event(), threading.Event()

    def converse(index: int, sender: str) -> None:
        sent_after = 0
        with requests.Session() as http:
            for turn in range(MAX_MESSAGES_PER_CONVERSATION):
                if turn >= MESSAGES_PER_CONVERSATION and (not after_fault or sent_after >= after_fault):
                    return
                if after_fault and fault_began.is_set() and not fault_over.is_set():
                    time.sleep(THINK_SECONDS)
                over = fault_over.is_set()
                outcomes[sender].append(post_turn(http, nodes, index + turn, sender, QUESTIONS[(index + turn) % len(QUESTIONS)]))
                sent_after += over
                done.release()

    with ThreadPoolExecutor(max_workers=CONVERSATIONS) as pool:
        futures = [pool.submit(converse, index, sender) for index, sender in enumerate(senders)]
        for _ in range(int(CONVERSATIONS * MESSAGES_PER_CONVERSATION * FAULT_AFTER)):
            done.acquire(timeout=120)
        began = time.monotonic()
        fault_began.set()
        try:
            fault()
        finally:
            ended = time.monotonic()
            fault_over.set()
        for future in futures:
            future.result()
    return outcomes, began, ended


def answer_texts(body: object) -> List[str]:
    return [m["text"] for m in body if isinstance(m, dict) and m.get("text")] if isinstance(body, list) else []


def is_answer(outcome: Outcome) -> bool:
    answer = answer_texts(outcome.body)
    return outcome.status == 200 and bool(answer) and answer[0] not in {french(r) for r in REFUSALS}


def stored_as(results: List[Outcome], number: int, next_stored: Optional[Tuple[str, List[str]]]) -> bool:
    """Whether the next stored turn is that of message ``number`` (refused or cut): it has its text, and
    is not the turn of the next answered message (the same question comes round again every 8 messages)."""
    if next_stored is None or next_stored[0] != results[number].message:
        return False
    later = next((r for r in results[number + 1 :] if is_answer(r)), None)
    return later is None or (later.message, answer_texts(later.body)) != next_stored


def account(production: Production, outcomes: Dict[str, List[Outcome]]) -> Figures:
    """Each message against the conversation as stored in PostgreSQL, in order: answered (a 200 with a
    real answer) and stored with exactly that answer; refused (a 503 with a French reason, or a
    connection cut by a dead node) and not stored; or, for a cut connection only, stored whole (the
    node died between its save and its answer). Anything else is lost, as is a stored turn that no
    message accounts for (a duplicate)."""
    figures = Figures()
    for sender, results in outcomes.items():
        stored = [(user, [french(text) for text in bot]) for user, bot in turns(stored_events(production.cluster(), sender))]
        position = 0  # the next stored turn
        answered_before = False
        for number, outcome in enumerate(results):
            figures.sent += 1
            figures.slowest_answer_s = max(figures.slowest_answer_s, outcome.answered_at - outcome.sent_at)
            answer = answer_texts(outcome.body)
            # The welcome belongs to the first recorded turn only: later, it would be an empty tracker's.
            welcome_again = answered_before and any(WELCOME in text for text in answer)
            next_stored = stored[position] if position < len(stored) else None
            here = f"{sender} #{number} ({outcome.message!r})"
            if is_answer(outcome) and not welcome_again:
                if next_stored == (outcome.message, answer):
                    figures.answered_and_stored += 1
                    position += 1
                    answered_before = True
                else:
                    figures.lost += 1
                    figures.problems.append(f"{here}: answered, but stored next: {str(next_stored)[:200]}")
            elif outcome.status == 503 and isinstance(outcome.body, dict) and outcome.body.get("reason") in REFUSALS:
                if stored_as(results, number, next_stored):
                    figures.lost += 1
                    figures.problems.append(f"{here}: refused, yet stored")
                else:
                    figures.refused += 1
            elif outcome.status == 0 and str(outcome.body).startswith(CUT):
                if next_stored is not None and stored_as(results, number, next_stored):
                    # Stored by the node before it died, with its whole answer (a turn is saved at once).
                    if next_stored[1]:
                        figures.stored_unanswered += 1
                        answered_before = True
                    else:
                        figures.lost += 1
                        figures.problems.append(f"{here}: stored half (no answer)")
                    position += 1
                else:
                    figures.refused += 1
                    figures.cut += 1
            else:
                figures.lost += 1
                figures.problems.append(f"{here}: {outcome.status} {str(outcome.body)[:200]}")
        if position < len(stored):
            figures.lost += len(stored) - position
            figures.problems.append(f"{sender}: {len(stored) - position} stored turns not accounted for: {stored[position:][:3]}")
    return figures


def check(figures: Figures, outcomes: Dict[str, List[Outcome]], began: float, ended: float, expected_sent: Optional[int] = None) -> None:
    """No message lost, the load across the fault; for a store outage (``expected_sent``: a load of fixed
    size), most messages waited the outage out."""
    assert figures.lost == 0, figures.problems[:10]
    assert figures.answered_and_stored + figures.refused + figures.stored_unanswered == figures.sent
    # The load ran across the fault: turns in flight during it, and after.
    results = [result for conversation in outcomes.values() for result in conversation]
    assert any(r.sent_at < ended and r.answered_at > began for r in results)
    assert any(r.sent_at > ended for r in results)
    if expected_sent is not None:
        assert figures.sent == expected_sent
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
    check(figures, outcomes, began, ended, CONVERSATIONS * MESSAGES_PER_CONVERSATION)
    assert figures.cut == figures.stored_unanswered == 0


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
    check(figures, outcomes, began, ended, CONVERSATIONS * MESSAGES_PER_CONVERSATION)
    assert figures.cut == figures.stored_unanswered == 0

    replies = widget["replies"]
    assert isinstance(replies, list) and len(replies) == 1, replies
    assert replies[0]["text"] == french(NOT_RECORDED_REPLY)
    assert replies[0]["custom"] == {"type": "not_recorded"}
    assert not [e for e in stored_events(production.cluster(), str(widget["session"])) if e[0] == "user"]
    NOTES["redis"] = (
        "During the Redis outage, a widget message (socket.io) got only the « not recorded » message, marked "
        "`not_recorded` so that the widget offers « Renvoyer », and nothing of it was stored."
    )
    write_report()


async def widget_turn(stack: RasaStack, message: str = "Combien coûte la formation continue ?") -> Dict[str, object]:
    """A new widget connection's first message: its session id and the replies of its turn."""
    client = SocketIOTestClient(stack.url, origin=stack.web_origins[0])
    await client.connect()
    try:
        session = await client.start_session(None)
        replies = await client.turn(session, message, timeout=30)
    finally:
        await client.close()
    return {"session": session, "replies": replies}


def context_kept_after(outcomes: Dict[str, List[Outcome]], ended: float) -> int:
    """Asserts that every follow-up answered after the fault used the previous answer's subject,
    answered by the other node (the load alternates); returns how many there were."""
    checked = 0
    for sender, results in outcomes.items():
        for previous, outcome in zip(results, results[1:], strict=False):
            if outcome.sent_at > ended and outcome.message in CONTEXT_WORDS and previous.status == outcome.status == 200:
                answer = " ".join(answer_texts(outcome.body))
                assert CONTEXT_WORDS[outcome.message] in answer, (sender, outcome.message, answer)
                assert previous.node != outcome.node, (sender, outcome.message)
                checked += 1
    return checked


def test_a_rasa_node_killed_under_load_and_started_again(production: Production, second_node: Node) -> None:
    nodes = [production.stack.url, second_node.url]
    killed: Dict[str, float] = {}

    def kill_and_restart() -> None:
        process = second_node.stack.processes.pop()
        process.send_signal(signal.SIGKILL)  # no shutdown: its tickets stay in Redis, its turns die
        process.wait(timeout=30)
        killed["at"] = time.monotonic()
        second_node.stack.start_rasa(name="rasa-node-2")  # as a supervisor would; waits until it answers
        killed["back"] = time.monotonic()

    outcomes, began, ended = run_load(production, kill_and_restart, "node", nodes, after_fault=AFTER_FAULT)
    figures = account(production, outcomes)
    RESULTS["one of two Rasa nodes killed (SIGKILL), then started"] = figures
    follow_ups = context_kept_after(outcomes, ended)
    NOTES["node"] = (
        f"The killed node was down {killed['back'] - killed['at']:.0f} s (loading its model); meanwhile its share "
        "of the load went to the other node. A turn in flight on the killed node got no answer (its connection "
        f"died: « cut »); its conversation's ticket in Redis is a lease of {LEASE_SECONDS:.0f} s that only a live "
        "process renews, so the next message, on the other node, waited for it at most that long (the slowest "
        f"answer). After the restart, {follow_ups} follow-ups that need the previous answer's subject were "
        "answered with it, each by the other node than the one that gave the previous answer."
    )
    write_report()
    check(figures, outcomes, began, ended)
    assert figures.cut + figures.stored_unanswered >= 1  # the kill hit turns in flight
    assert follow_ups >= CONVERSATIONS
    # The restarted node took its share again.
    assert any(r.node == second_node.url and r.status == 200 for results in outcomes.values() for r in results if r.sent_at > ended)
    # A dead node's ticket blocks its conversation for one lease at most (plus the turn itself).
    assert figures.slowest_answer_s < LEASE_SECONDS + 5, figures.slowest_answer_s


def test_the_action_server_killed_under_load_and_started_again(production: Production) -> None:
    stack = production.stack

    def kill_and_restart() -> None:
        actions = next(p for p in stack.processes if "actions" in cast(List[str], p.args))
        stack.processes.remove(actions)
        actions.send_signal(signal.SIGKILL)
        actions.wait(timeout=30)
        stack.start_actions()  # as a supervisor would; waits until it answers

    outcomes, began, ended = run_load(production, kill_and_restart, "actions", after_fault=AFTER_FAULT)
    figures = account(production, outcomes)
    RESULTS["action server killed (SIGKILL), then started"] = figures
    unavailable = sum(
        1 for results in outcomes.values() for r in results if isinstance(r.body, dict) and r.body.get("reason") == UNAVAILABLE_REPLY
    )
    NOTES["actions"] = (
        f"While the action server was down, {unavailable} messages got the 503 with « {UNAVAILABLE_REPLY} » and "
        "nothing of them was stored (no unanswered message in the conversation: sent again, it is stored once)."
    )
    write_report()
    check(figures, outcomes, began, ended)
    assert figures.cut == figures.stored_unanswered == 0
    assert unavailable >= 1
    # Answers resumed: every message sent once the action server was back was answered.
    after = [r for results in outcomes.values() for r in results if r.sent_at > ended]
    assert after and all(r.status == 200 for r in after)


# --- many connections, slow clients --------------------------------------------------------------


def server_processes(stack: RasaStack) -> List[int]:
    """The Rasa process of ``stack`` (the first one started) and the Sanic workers it forked."""
    main = next(p.pid for p in stack.processes if "rasa_overrides.serving" in cast(List[str], p.args))
    pids = [main]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == main:
                pids.append(int(entry))
    return pids


def open_files(pids: Sequence[int]) -> int:
    return sum(len(os.listdir(f"/proc/{pid}/fd")) for pid in pids)


def resident_mib(pids: Sequence[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


async def fresh_visitor(stack: RasaStack) -> float:
    """A new widget connection's first question: seconds until its turn ends with a real answer."""
    started = time.monotonic()
    replies = (await widget_turn(stack, "Quelle est la durée de la formation continue ?"))["replies"]
    assert isinstance(replies, list) and any("12 mois" in str(r.get("text", "")) for r in replies if isinstance(r, dict)), replies
    return time.monotonic() - started


def socketio_outcome(message: str, replies: List[object], started: float, node: str) -> Outcome:
    """A widget's turn as REST would have given it: a refusal (``not_recorded``) as the 503 with its reason."""
    messages = [r for r in replies if isinstance(r, dict)]
    refused = [m for m in messages if isinstance(m.get("custom"), dict) and m["custom"].get("type") == "not_recorded"]
    if refused:
        reason = next((r for r in REFUSALS if french(r) == refused[0].get("text")), refused[0].get("text"))
        return Outcome(message, 503, {"reason": reason, "replies": messages}, started, time.monotonic(), node)
    return Outcome(message, 200, messages, started, time.monotonic(), node)


def test_500_socketio_connections_held_open_at_once_then_closed(production: Production) -> None:
    stack = production.stack
    pids = server_processes(stack)
    files_before, memory_before = open_files(pids), resident_mib(pids)
    outcomes: Dict[str, List[Outcome]] = {}
    measures: Dict[str, float] = {}

    async def scenario() -> None:
        clients = [SocketIOTestClient(stack.url, origin=stack.web_origins[0]) for _ in range(SOCKETS)]
        opening = asyncio.Semaphore(50)  # connections opened 50 at a time, under Sanic's listen backlog

        async def open_one(client: SocketIOTestClient) -> str:
            async with opening:
                await client.connect()
                return await client.start_session(None)

        sessions = await asyncio.gather(*(open_one(client) for client in clients))
        try:
            assert len(set(sessions)) == SOCKETS
            measures["files_open"] = open_files(pids)

            asking = asyncio.Semaphore(ASKING_AT_ONCE)

            # Every connection asks one question, ASKING_AT_ONCE at a time, while all stay open.
            async def ask(index: int, client: SocketIOTestClient, session: str) -> None:
                message = QUESTIONS[index % len(QUESTIONS)]
                async with asking:
                    started = time.monotonic()
                    try:
                        outcome = socketio_outcome(message, await client.turn(session, message, timeout=120), started, stack.url)
                    except (asyncio.TimeoutError, ConnectionError) as error:
                        outcome = Outcome(message, 0, f"{type(error).__name__}: {error}", started, time.monotonic(), stack.url)
                outcomes[session] = [outcome]

            await asyncio.gather(*(ask(i, c, s) for i, (c, s) in enumerate(zip(clients, sessions, strict=True))))
            # All still open: none dropped while the others were served.
            assert all(not c.ws.closed for c in clients)
            measures["fresh_while_open_s"] = await fresh_visitor(stack)
        finally:
            await asyncio.gather(*(client.close() for client in clients))

    asyncio.run(scenario())
    deadline = time.monotonic() + 20
    while open_files(pids) > files_before + 20 and time.monotonic() < deadline:
        time.sleep(0.5)
    files_after, memory_after = open_files(pids), resident_mib(pids)
    fresh_after = asyncio.run(fresh_visitor(stack))
    figures = account(production, outcomes)
    RESULTS[f"{SOCKETS} socket.io connections held open at once, one question each, then closed"] = figures
    NOTES["sockets"] = (
        f"{SOCKETS} widget connections were opened (50 at a time) and held open at once; each asked one question, "
        f"{ASKING_AT_ONCE} at a time. With the {SOCKETS} connections open, the Rasa process and its workers held {measures['files_open']:.0f} "
        f"open files ({files_before} before, {files_after} once they were closed); resident memory "
        f"{memory_before:.0f} MiB before, {memory_after:.0f} MiB after. A fresh visitor's first question was "
        f"answered in {measures['fresh_while_open_s']:.1f} s with the {SOCKETS} connections open, "
        f"{fresh_after:.1f} s after they were closed."
    )
    write_report()
    assert figures.sent == SOCKETS and figures.lost == 0, figures.problems[:10]
    assert figures.answered_and_stored == SOCKETS, figures
    assert measures["files_open"] >= files_before + SOCKETS - 10  # they really were open at once
    assert files_after <= files_before + 20
    assert memory_after <= memory_before + 300
    assert measures["fresh_while_open_s"] < 5 and fresh_after < 5


@dataclass
class SlowClient:
    """A client that sends its HTTP request one byte a second, and notes when the server closed it."""

    kind: str
    head: bytes
    body: bytes = b""
    seconds_until_closed: Optional[float] = None
    answer: bytes = b""

    def run(self, port: int, give_up_after: float) -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            started = time.monotonic()
            # A slow header, or a header at once and then a slow body.
            if self.body:
                sock.sendall(self.head)
            pending = self.body or self.head
            while time.monotonic() - started < give_up_after:
                readable, _, _ = select.select([sock], [], [], 1.0)
                if readable:
                    try:
                        self.answer = sock.recv(4096)
                    except OSError:
                        self.answer = b""
                    self.seconds_until_closed = time.monotonic() - started
                    return
                if pending:
                    try:
                        sock.send(pending[:1])
                    except OSError:
                        self.seconds_until_closed = time.monotonic() - started
                        return
                    pending = pending[1:]


def slow_clients(stack: RasaStack) -> List[SlowClient]:
    host = f"Host: 127.0.0.1:{stack.rasa_port}\r\n".encode()
    body = b'{"sender": "lent", "message": "Combien co\\u00fbte la formation continue ?"}'
    rest_head = b"POST /webhooks/rest/webhook HTTP/1.1\r\n" + host + b"Content-Type: application/json\r\n"
    rest_head += b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    socketio_head = (
        b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n" + host + b"Upgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        b"Origin: " + stack.web_origins[0].encode() + b"\r\n\r\n"
    )
    clients: List[SlowClient] = []
    for _ in range(SLOW_CLIENTS_PER_KIND):
        clients.append(SlowClient("REST, header one byte a second", rest_head + body))
        clients.append(SlowClient("REST, body one byte a second", rest_head, body))
        clients.append(SlowClient("socket.io, header one byte a second", socketio_head))
    return clients


def test_slow_clients_do_not_hold_up_others_and_are_cut_off(production: Production) -> None:
    stack = production.stack
    clients = slow_clients(stack)
    # Sanic checks its timeouts every half of the shortest one: a slow request is cut by 1.5 times its deadline.
    cut_by = REQUEST_SECONDS * 1.5 + 2
    threads = [threading.Thread(target=c.run, args=(stack.rasa_port, cut_by + 5), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    sender = f"normal-{uuid.uuid4().hex[:6]}"
    outcomes: Dict[str, List[Outcome]] = {sender: []}
    socketio_turns: List[float] = []
    started = time.monotonic()
    with requests.Session() as http:
        turn = 0
        while any(thread.is_alive() for thread in threads) and time.monotonic() - started < cut_by + 10:
            outcomes[sender].append(post_turn(http, [stack.url], 0, sender, QUESTIONS[turn % len(QUESTIONS)]))
            turn += 1
            if turn % 5 == 0:
                socketio_turns.append(asyncio.run(fresh_visitor(stack)))
            time.sleep(0.5)
    for thread in threads:
        thread.join(timeout=10)
    figures = account(production, outcomes)
    RESULTS[f"{len(clients)} clients sending one byte a second; one normal visitor's messages"] = figures
    closed = [c.seconds_until_closed for c in clients if c.seconds_until_closed is not None]
    NOTES["slow"] = (
        f"{len(clients)} slow clients ({SLOW_CLIENTS_PER_KIND} of each: a REST header, a REST body and a socket.io "
        "handshake sent one byte a second) were each cut off with a 408 after "
        f"{min(closed or [0]):.0f} to {max(closed or [0]):.0f} s (`SANIC_REQUEST_TIMEOUT`, {REQUEST_SECONDS} s from "
        "the request's first byte: stock Sanic restarts it at every byte, and would have waited for ever). "
        f"Meanwhile the normal visitor's {figures.sent} REST turns took at most {figures.slowest_answer_s:.1f} s, and "
        f"{len(socketio_turns)} new widget connections got their first answer in at most "
        f"{max(socketio_turns or [0]):.1f} s."
    )
    write_report()
    assert figures.lost == 0 and figures.refused == 0, figures.problems[:10]
    assert figures.sent >= 10 and figures.answered_and_stored == figures.sent
    assert figures.slowest_answer_s < NORMAL_TURN_SECONDS, figures.slowest_answer_s
    assert socketio_turns and max(socketio_turns) < NORMAL_TURN_SECONDS * 2
    for client in clients:
        assert client.seconds_until_closed is not None, f"{client.kind}: still open after {cut_by + 5:.0f} s"
        assert REQUEST_SECONDS - 1 <= client.seconds_until_closed <= cut_by, (client.kind, client.seconds_until_closed)
        assert client.answer.startswith(b"HTTP/1.1 408"), (client.kind, client.answer[:80])


def write_report() -> None:
    """docs/reliability.md, from this run: the faults measured so far."""
    lines = [
        "# Reliability: faults under load",
        "",
        "Written by `tests/test_store_outages.py` (part of `make test`), on loopback. Production profile: a Rasa",
        "process with two Sanic workers (`SANIC_WORKERS=2`), PostgreSQL tracker store, Redis lock store; for the",
        "node fault, a second Rasa process (one worker) on the same stores and action server, the load spread over",
        f"both. {CONVERSATIONS} conversations send {MESSAGES_PER_CONVERSATION} messages each over REST, one after the other",
        f"within a conversation, all conversations at once; after {FAULT_AFTER:.0%} of the messages are answered, the",
        f"fault. A store is stopped for {DOWN_SECONDS:.0f} s and started again; each turn retries an unreachable store for",
        f"{RETRY_SECONDS:.0f} s (`STORE_RETRY_SECONDS`; 4 s by default), then is refused. A killed process is started",
        f"again at once, as a supervisor would; the conversations go on until it answers, then send {AFTER_FAULT} more.",
        "",
        "- **answered and stored**: a 200 with a real answer (never the welcome again), and the message with",
        "  exactly that answer in PostgreSQL, once, in the order sent;",
        "- **refused**: a 503 with `Retry-After: 5` and « " + NOT_RECORDED_REPLY + " » (a store down) or",
        "  « " + UNAVAILABLE_REPLY + " » (the action server down), or no answer at all",
        "  because the Rasa process died with the connection (**cut**); nothing of the message stored;",
        "- **stored, not answered**: the connection died after the turn was saved (the process was killed between",
        "  its save and its answer): the message and its whole answer are stored once, in order; the visitor got none;",
        "- **lost**: anything else (an answer not stored, stored twice, half or out of order, an error): must be 0.",
        "",
        "| fault | sent | answered and stored | refused | of which cut | stored, not answered | lost | slowest answer |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for fault, figures in RESULTS.items():
        lines.append(
            f"| {fault} | {figures.sent} | {figures.answered_and_stored} | {figures.refused} | {figures.cut} "
            f"| {figures.stored_unanswered} | {figures.lost} | {figures.slowest_answer_s:.1f} s |"
        )
    if NOTES:
        lines.append("")
        for note in NOTES.values():
            lines += [note, ""]
    else:
        lines.append("")
    Path(REPORT).write_text("\n".join(lines), encoding="utf-8")
