"""Production profile: two Rasa processes on a real PostgreSQL tracker store and a
real Redis lock store (Debian's packages, on loopback), sharing the conversations."""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Dict, Iterator, List, Tuple

import psycopg2
import pytest

from bot.typography import french
from launch.servers import RasaStack, free_port, production_store_env, texts
from launch.services import PostgresServer, RedisServer, start_postgres, start_redis

CONVERSATIONS = 10
MESSAGES_PER_CONVERSATION = 6
BURST = 16
BURST_ROUNDS = 3
# A realistic conversation: questions, follow-ups that need the context, small talk.
SCRIPT = [
    "Bonjour",
    "Combien coûte la formation continue ?",
    "et en alternance ?",
    "Quelle est la durée de l'alternance ?",
    "et la formation continue ?",
    "merci, au revoir",
]


@dataclass
class Cluster:
    stack: RasaStack
    ports: Tuple[int, int]
    postgres: PostgresServer
    redis: RedisServer


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    work = tmp_path_factory.mktemp("cluster")
    redis = start_redis(work / "redis")
    postgres = None
    stack = None
    try:
        postgres = start_postgres(work / "postgres")
        env = production_store_env(postgres.url, redis.port)
        stack = RasaStack(free_port(), free_port(), secrets.token_urlsafe(16), work, extra_env=env)
        stack.start_actions()
        second_port = free_port()
        # Both Rasa processes load at the same time; the second creates nothing the first has not.
        first = stack.start_rasa(wait=False)
        second = stack.start_rasa(port=second_port, name="rasa-2", wait=False)
        stack.wait_for_rasa(first)
        stack.wait_for_rasa(second, second_port)
        yield Cluster(stack, (stack.rasa_port, second_port), postgres, redis)
    finally:
        if stack:
            stack.stop()
        if postgres:
            postgres.stop()
        redis.stop()


def stored_events(cluster: Cluster, sender: str) -> List[Tuple[str, Dict]]:
    """The events of one conversation, read straight from PostgreSQL."""
    with psycopg2.connect(cluster.postgres.url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        return [(row[0], json.loads(row[1])) for row in cursor.fetchall()]


def turns(events: List[Tuple[str, Dict]]) -> List[Tuple[str, List[str]]]:
    """(user text, bot texts of its turn) for each user message, in stored order.

    The welcome is stored just before the first user message (the session starts
    first) but is part of that message's answer.
    """
    result: List[Tuple[str, List[str]]] = []
    before_first: List[str] = []
    for kind, data in events:
        if kind == "user":
            result.append((data.get("text", ""), before_first if not result else []))
        elif kind == "bot" and data.get("text"):
            (result[-1][1] if result else before_first).append(data["text"])
    return result


def test_one_conversation_alternating_between_the_two_processes(cluster: Cluster) -> None:
    stack, (a, b) = cluster.stack, cluster.ports
    sender = f"alt-{uuid.uuid4().hex[:8]}"
    assert "3 000" in texts(stack.say(sender, "Combien coûte la formation continue ?", port=a)).replace("\u202f", " ")
    assert "employeur" in texts(stack.say(sender, "et en alternance ?", port=b))
    assert "1 à 2 ans" in texts(stack.say(sender, "Quelle est la durée de l'alternance ?", port=a))
    assert "12 mois" in texts(stack.say(sender, "et la formation continue ?", port=b))
    # The guided interview too: the form's state lives in the tracker store, not in a process.
    stack.say(sender, "Je voudrais un conseil de parcours adapté à ma situation", port=a)
    stack.say(sender, "je suis en reconversion", port=b)
    tracker = stack.tracker(sender, port=a)
    assert tracker["slots"].get("situation") == "reconversion"
    assert tracker["active_loop"].get("name") == "orientation_form"


def test_concurrent_conversations_answered_once_each_in_order(cluster: Cluster) -> None:
    stack, ports = cluster.stack, cluster.ports
    senders = [f"load-{i}-{uuid.uuid4().hex[:6]}" for i in range(CONVERSATIONS)]
    replies: Dict[str, List[List[str]]] = {s: [] for s in senders}
    failures: List[str] = []
    lock = threading.Lock()

    def converse(index: int, sender: str) -> None:
        for turn, message in enumerate(SCRIPT[:MESSAGES_PER_CONVERSATION]):
            port = ports[(index + turn) % 2]  # alternate processes within each conversation
            try:
                answer = [m["text"] for m in stack.say(sender, message, port=port) if m.get("text")]
            except Exception as error:  # collected, so that one failure does not hide the others
                with lock:
                    failures.append(f"{sender} turn {turn}: {error}")
                return
            replies[sender].append(answer)

    with ThreadPoolExecutor(max_workers=CONVERSATIONS) as pool:
        for future in [pool.submit(converse, i, s) for i, s in enumerate(senders)]:
            future.result()
    assert not failures, failures

    for sender in senders:
        stored = turns(stored_events(cluster, sender))
        sent = SCRIPT[:MESSAGES_PER_CONVERSATION]
        assert [user for user, _ in stored] == sent, sender
        for (user, bot_texts), answer in zip(stored, replies[sender], strict=False):
            assert answer, f"no answer to {user!r} in {sender}"
            # Exactly the answer the visitor received, once, right after the message.
            assert [french(t) for t in bot_texts] == answer, (sender, user)
        assert "employeur" in " ".join(replies[sender][2])  # the follow-up kept its context


@pytest.mark.parametrize("round_number", range(BURST_ROUNDS))
def test_burst_from_one_sender_across_both_processes(cluster: Cluster, round_number: int) -> None:
    """Messages of one conversation arriving at once on both processes: the lock store serialises them."""
    stack, ports = cluster.stack, cluster.ports
    sender = f"burst-{round_number}-{uuid.uuid4().hex[:8]}"
    messages = [f"Quelle est la durée de la formation continue ? ({i})" for i in range(BURST)]
    with ThreadPoolExecutor(max_workers=BURST) as pool:
        answers = list(pool.map(lambda im: stack.say(sender, im[1], port=ports[im[0] % 2]), enumerate(messages)))
    assert all(texts(answer) for answer in answers)
    stored = turns(stored_events(cluster, sender))
    assert sorted(user for user, _ in stored) == sorted(messages)
    received = {m: [r["text"] for r in a if r.get("text")] for m, a in zip(messages, answers, strict=False)}
    for user, bot_texts in stored:
        # The lock kept the turns whole: each message's answer follows it, not another's.
        assert [french(t) for t in bot_texts] == received[user], user
