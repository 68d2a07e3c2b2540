"""Benchmark: this assistant's setup against Rasa's default one, on this machine.

    make bench                       # trains both models, measures, writes docs/benchmark.md
    .venv/bin/python scripts/bench.py --skip-train --duration 10

Setups, all on the same training data, domain and action server:
- ours, production: config.yml, `python -m rasa_overrides.serving`, SANIC_WORKERS=2, PostgreSQL tracker store, Redis lock store;
- ours, one process: config.yml, `python -m rasa_overrides.serving`, SQLite tracker store (what `make run` starts);
- Rasa default: the pipeline and policies of `rasa init` (bench/default-config.yml), stock `rasa run`, SQLite.

Measured: training time, model size, start time, resident memory, /model/parse latency,
whole-turn latency over the REST webhook (with actions), throughput with 1, 10 and 50
concurrent conversations (closed loop, bounded in time), CPU per message of each process,
held-out intent accuracy.
Everything listens on loopback and is stopped by PID (process group for Sanic workers).
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from launch.fact_tables import load_table, score, tables  # noqa: E402
from launch.heldout import load_heldout  # noqa: E402
from launch.servers import free_port, store_env, wait_until_up  # noqa: E402
from launch.services import start_postgres, start_redis  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
WORK = ROOT / ".state" / "bench"
REPORT = ROOT / "docs" / "benchmark.md"
CONCURRENCY = (1, 10, 50)
# One conversation this long: the turn's cost at its start and at its end (LONG_SPANS, 1-based).
LONG_TURNS = 400
LONG_SPANS = {"long_start_ms": (1, 20), "long_end_ms": (381, 400)}
SERVING = (str(VENV_BIN / "python"), "-m", "rasa_overrides.serving")
# A realistic visit: greeting, questions, follow-ups that need the context, typos, thanks.
CONVERSATION = [
    "Bonjour",
    "Combien coûte la formation continue ?",
    "et en alternance ?",
    "Quelle est la durée de l'alternance ?",
    "c koi le dmp",
    "combien gagne un assistant medical",
    "Quelles sont les missions au quotidien ?",
    "merci beaucoup",
]


@dataclass
class Setup:
    name: str
    config: Path
    model_name: str
    workers: int = 1
    production_stores: bool = False
    # ours: `python -m rasa_overrides.serving` (rasa_overrides/serving/); default: stock `rasa run`.
    launcher: Sequence[str] = (str(VENV_BIN / "rasa"),)
    endpoints: str = "endpoints.yml"
    results: Dict[str, float] = field(default_factory=dict)
    turn_latencies: Dict[int, List[float]] = field(default_factory=dict)


# ---- processes -----------------------------------------------------------------------------
def spawn(args: List[str], env: Dict[str, str], log: Path) -> subprocess.Popen:
    # Own process group: Sanic workers are stopped with their parent.
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True)


def stop_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def descendants(pid: int) -> List[int]:
    """A process and all its descendants (alive ones)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        found.append(current)
        pending.extend(int(c) for c in children)
    return found


def _summed_kib(pid: int, proc_file: str, field: str) -> int:
    """A ``field:  N kB`` line of /proc/<pid>/<proc_file>, summed over the process and its descendants."""
    total = 0
    for current in descendants(pid):
        try:
            for line in Path(f"/proc/{current}/{proc_file}").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    total += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MiB."""
    return _summed_kib(pid, "status", "VmRSS") / 1024


def pss_mib(pid: int) -> float:
    """Proportional memory of a process and its descendants, in MiB.

    Resident memory counts a page shared by forked workers once per worker; the
    proportional set size splits it between them, so the sum is the memory used.
    """
    return _summed_kib(pid, "smaps_rollup", "Pss") / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its descendants (alive ones)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for current in descendants(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return total


# ---- measurements --------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def train(setup: Setup, skip: bool) -> None:
    model = WORK / f"{setup.model_name}.tar.gz"
    # The training time is kept beside the model so that a model trained alone on an idle
    # machine (--train-only) keeps its measured time when the servers are measured later.
    seconds_file = WORK / f"{setup.model_name}.train_s"
    if skip and model.exists():
        print(f"[{setup.name}] reusing {model.name}")
        setup.results["train_s"] = float(seconds_file.read_text()) if seconds_file.exists() else float("nan")
    else:
        print(f"[{setup.name}] training with {setup.config.name} ...", flush=True)
        started = time.monotonic()
        subprocess.run(
            [
                str(VENV_BIN / "rasa"),
                "train",
                "--config",
                str(setup.config),
                "--fixed-model-name",
                setup.model_name,
                "--out",
                str(WORK),
                "--quiet",
                "--force",
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        setup.results["train_s"] = time.monotonic() - started
        seconds_file.write_text(f"{setup.results['train_s']:.1f}\n")
    setup.results["model_mib"] = model.stat().st_size / 2**20


def parse_accuracy_and_latency(url: str, token: str) -> Dict[str, float]:
    examples = load_heldout()
    session = requests.Session()
    latencies, correct = [], 0
    for intent, text, _ in examples:
        started = time.perf_counter()
        response = session.post(f"{url}/model/parse", params={"token": token}, json={"text": text}, timeout=30)
        latencies.append(time.perf_counter() - started)
        correct += response.json()["intent"]["name"] == intent
    return {
        "accuracy": correct / len(examples),
        "parse_p50_ms": percentile(latencies, 50) * 1000,
        "parse_p95_ms": percentile(latencies, 95) * 1000,
    }


def fact_top1(url: str) -> Dict[str, float]:
    """Top-1 fact accuracy on each question → fact table of tests/ranker/ (launch/fact_tables.py)."""

    def say(sender: str, text: str) -> List[Dict[str, object]]:
        response = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
        response.raise_for_status()
        return response.json()

    return {f"top1_{path.stem}": score(say, load_table(path))[0] for path in tables()}


def turn(session: requests.Session, url: str, sender: str, message: str) -> float:
    started = time.perf_counter()
    response = session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60)
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or not response.json():
        raise RuntimeError(f"turn failed: {response.status_code} {response.text[:200]}")
    return elapsed


def long_conversation(url: str, turns: int = LONG_TURNS) -> List[float]:
    """One visitor who never leaves: ``turns`` sequential messages in one conversation."""
    session = requests.Session()
    sender = f"long-{uuid.uuid4().hex[:8]}"
    return [turn(session, url, sender, CONVERSATION[index % len(CONVERSATION)]) for index in range(turns)]


def closed_loop(url: str, conversations: int, duration: float) -> Dict[str, object]:
    """`conversations` visitors each send their next message as soon as the last is answered."""
    deadline = time.monotonic() + duration
    latencies: List[float] = []
    errors: List[str] = []
    lock = threading.Lock()

    def visitor(index: int) -> None:
        session = requests.Session()
        while time.monotonic() < deadline:
            sender = f"bench-{index}-{uuid.uuid4().hex[:8]}"
            for message in CONVERSATION:
                if time.monotonic() >= deadline:
                    return
                try:
                    elapsed = turn(session, url, sender, message)
                except Exception as error:  # counted, the run goes on
                    with lock:
                        errors.append(str(error))
                    continue
                with lock:
                    latencies.append(elapsed)

    started = time.monotonic()
    threads = [threading.Thread(target=visitor, args=(i,)) for i in range(conversations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return {"throughput": len(latencies) / wall, "latencies": latencies, "errors": len(errors)}


def measure(
    setup: Setup, duration: float, redis_port: Optional[int], postgres_url: Optional[str], service_pids: Optional[Dict[str, int]] = None
) -> None:
    model = WORK / f"{setup.model_name}.tar.gz"
    rasa_port, actions_port = free_port(), free_port()
    token = secrets.token_urlsafe(16)
    state = WORK / f"state-{setup.model_name}-{setup.workers}"
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SANIC_HOST": "127.0.0.1",
        "ACTIONS_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "SANIC_WORKERS": str(setup.workers),
    }
    env.update(store_env(state))
    if setup.production_stores:
        env.update(TRACKER_STORE_URL=str(postgres_url), LOCK_STORE_TYPE="redis", LOCK_STORE_PORT=str(redis_port))
    actions = spawn(
        [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(actions_port)],
        {**env, "SANIC_WORKERS": "1"},
        state / "actions.log",
    )
    rasa: Optional[subprocess.Popen] = None
    try:
        wait_until_up(f"http://127.0.0.1:{actions_port}/health", actions)
        started = time.monotonic()
        rasa = spawn(
            [
                *setup.launcher,
                "run",
                "--model",
                str(model),
                "--endpoints",
                setup.endpoints,
                "--credentials",
                "credentials.yml",
                "--interface",
                "127.0.0.1",
                "--port",
                str(rasa_port),
                "--enable-api",
                f"--auth-token={token}",
            ],
            env,
            state / "rasa.log",
        )
        url = f"http://127.0.0.1:{rasa_port}"
        wait_until_up(f"{url}/status?token={token}", rasa)
        if setup.workers > 1:
            # /status answers as soon as one worker is up: wait until every worker has loaded the model.
            deadline = time.monotonic() + 240
            while (state / "rasa.log").read_text(errors="replace").count("Rasa server is up and running") < setup.workers:
                if time.monotonic() > deadline:
                    raise TimeoutError("not every Sanic worker started")
                time.sleep(0.2)
        setup.results["start_s"] = time.monotonic() - started
        print(f"[{setup.name}] up in {setup.results['start_s']:.1f} s; parsing the held-out set ...", flush=True)
        setup.results.update(parse_accuracy_and_latency(url, token))
        setup.results.update(fact_top1(url))
        watched = {"rasa": rasa.pid, "actions": actions.pid, **(service_pids or {})}

        # Whole turns, one at a time (latency without queueing).
        session = requests.Session()
        sequential: List[float] = []
        for index in range(25):
            sender = f"latency-{index}-{uuid.uuid4().hex[:6]}"
            sequential += [turn(session, url, sender, message) for message in CONVERSATION]
        for name, q in (("turn_p50_ms", 50), ("turn_p95_ms", 95), ("turn_p99_ms", 99)):
            setup.results[name] = percentile(sequential, q) * 1000

        print(f"[{setup.name}] one conversation of {LONG_TURNS} turns ...", flush=True)
        long = long_conversation(url)
        for key, (first, last) in LONG_SPANS.items():
            setup.results[key] = statistics.median(long[first - 1 : last]) * 1000

        for conversations in CONCURRENCY:
            print(f"[{setup.name}] {conversations} concurrent conversations for {duration:.0f} s ...", flush=True)
            cpu_before = {name: cpu_seconds(pid) for name, pid in watched.items()}
            client_before = sum(os.times()[:2])
            run = closed_loop(url, conversations, duration)
            if conversations == 10:
                # Where the two cores go: CPU milliseconds per answered message, per process.
                answered = max(1, len(run["latencies"]))  # type: ignore[arg-type]
                for name, pid in watched.items():
                    setup.results[f"cpu_{name}_ms"] = (cpu_seconds(pid) - cpu_before[name]) * 1000 / answered
                setup.results["cpu_client_ms"] = (sum(os.times()[:2]) - client_before) * 1000 / answered
            setup.results[f"throughput_{conversations}"] = float(run["throughput"])  # type: ignore[arg-type]
            setup.results[f"p95_at_{conversations}_ms"] = percentile(run["latencies"], 95) * 1000  # type: ignore
            setup.results[f"errors_{conversations}"] = float(run["errors"])  # type: ignore[arg-type]
        setup.results["rss_rasa_mib"] = rss_mib(rasa.pid)
        setup.results["pss_rasa_mib"] = pss_mib(rasa.pid)
        setup.results["rss_actions_mib"] = rss_mib(actions.pid)
    finally:
        if rasa is not None:
            stop_group(rasa)
        stop_group(actions)


# ---- report ------------------------------------------------------------------------------
ROWS = [
    ("Training time (s)", "train_s", "{:.0f}", "lower"),
    ("Model size (MiB)", "model_mib", "{:.1f}", "lower"),
    ("Server start (s)", "start_s", "{:.1f}", "lower"),
    ("Resident memory, Rasa, shared pages counted in each process (MiB)", "rss_rasa_mib", "{:.0f}", "lower"),
    ("Memory used, Rasa, shared pages counted once (PSS, MiB)", "pss_rasa_mib", "{:.0f}", "lower"),
    ("Resident memory, action server (MiB)", "rss_actions_mib", "{:.0f}", "lower"),
    ("/model/parse p50 (ms)", "parse_p50_ms", "{:.1f}", "lower"),
    ("/model/parse p95 (ms)", "parse_p95_ms", "{:.1f}", "lower"),
    ("Whole turn p50 (ms)", "turn_p50_ms", "{:.1f}", "lower"),
    ("Whole turn p95 (ms)", "turn_p95_ms", "{:.1f}", "lower"),
    ("Whole turn p99 (ms)", "turn_p99_ms", "{:.1f}", "lower"),
    ("Whole turn p50 in one long conversation, turns 1–20 (ms)", "long_start_ms", "{:.1f}", "lower"),
    ("Whole turn p50 in one long conversation, turns 381–400 (ms)", "long_end_ms", "{:.1f}", "lower"),
    ("Throughput, 1 conversation (msg/s)", "throughput_1", "{:.1f}", "higher"),
    ("Throughput, 10 conversations (msg/s)", "throughput_10", "{:.1f}", "higher"),
    ("Whole turn p95 at 10 conversations (ms)", "p95_at_10_ms", "{:.0f}", "lower"),
    ("Throughput, 50 conversations (msg/s)", "throughput_50", "{:.1f}", "higher"),
    ("Whole turn p95 at 50 conversations (ms)", "p95_at_50_ms", "{:.0f}", "lower"),
    ("CPU per message at 10 conversations, Rasa (ms)", "cpu_rasa_ms", "{:.1f}", "lower"),
    ("CPU per message at 10 conversations, action server (ms)", "cpu_actions_ms", "{:.1f}", "lower"),
    ("CPU per message at 10 conversations, PostgreSQL + Redis (ms)", "cpu_stores_ms", "{:.1f}", "lower"),
    ("CPU per message at 10 conversations, load client (ms)", "cpu_client_ms", "{:.1f}", "lower"),
    ("Failed turns under load", "errors_total", "{:.0f}", "lower"),
    ("Held-out intent accuracy", "accuracy", "{:.3f}", "higher"),
    *[(f"Top-1 fact, {path.stem} table ({len(load_table(path))} questions)", f"top1_{path.stem}", "{:.3f}", "higher") for path in tables()],
]


def table(setups: List[Setup]) -> str:
    ours, single, default = setups
    header = f"| measure | {ours.name} | {single.name} | {default.name} | ratio ({ours.name} / default) |"
    lines = [header, "|---|---:|---:|---:|---:|"]
    for label, key, fmt, _ in ROWS:
        values = [s.results.get(key, float("nan")) for s in setups]
        known = all(v == v for v in (values[0], values[2])) and values[2] != 0  # v == v: not NaN
        cells = [fmt.format(v) if v == v else "n/a" for v in values]
        ratio = f"{values[0] / values[2]:.2f}×" if known else "n/a"
        lines.append(f"| {label} | {' | '.join(cells)} | {ratio} |")
    return "\n".join(lines)


def targets(setups: List[Setup]) -> List[str]:
    """Issue 13's targets, as ratios against the default setup measured in the same run."""
    ours, _, default = setups
    r, d = ours.results, default.results
    memory_ratio = r["pss_rasa_mib"] / d["pss_rasa_mib"]
    checks = [
        (
            f"throughput at 10 conversations ≥ 6× the default ({r['throughput_10']:.1f} vs 6 × {d['throughput_10']:.1f} msg/s)",
            r["throughput_10"] >= 6 * d["throughput_10"],
        ),
        (f"p95 whole turn at 10 conversations ≤ 150 ms ({r['p95_at_10_ms']:.0f} ms)", r["p95_at_10_ms"] <= 150),
        (
            f"Rasa CPU per message ≤ 0.25× the default's ({r['cpu_rasa_ms']:.1f} vs {d['cpu_rasa_ms']:.1f} ms)",
            r["cpu_rasa_ms"] <= 0.25 * d["cpu_rasa_ms"],
        ),
        (f"memory of the two workers ≤ 1.2× one default process (PSS, {memory_ratio:.2f}×)", memory_ratio <= 1.2),
        (f"start ≤ 0.4× the default's ({r['start_s']:.1f} vs {d['start_s']:.1f} s)", r["start_s"] <= 0.4 * d["start_s"]),
        (
            f"training ≤ 0.2× the default's time ({r['train_s']:.0f} vs {d['train_s']:.0f} s)",
            r["train_s"] <= 0.2 * d["train_s"],
        ),
        (
            f"a turn at 381–400 within 1.5× a turn at 1–20 of one conversation ({r['long_end_ms']:.1f} vs {r['long_start_ms']:.1f} ms)",
            r["long_end_ms"] <= 1.5 * r["long_start_ms"],
        ),
        (f"no accuracy loss ({r['accuracy']:.3f} vs {d['accuracy']:.3f})", r["accuracy"] >= d["accuracy"]),
    ]
    return [f"- [{'x' if ok else ' '}] {text}" for text, ok in checks]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}), {memory} RAM, Python {platform.python_version()}"


def write_report(setups: List[Setup], duration: float, choices: str) -> str:
    for setup in setups:
        if "cpu_postgres_ms" in setup.results:
            setup.results["cpu_stores_ms"] = setup.results["cpu_postgres_ms"] + setup.results["cpu_redis_ms"]
        setup.results["errors_total"] = sum(setup.results.get(f"errors_{c}", 0.0) for c in CONCURRENCY)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body = f"""# Benchmark

Written by `make bench` (`scripts/bench.py`) on {when}, on {machine()}.
Client and servers share the machine (loopback). Throughput is a closed loop: each simulated visitor
sends its next message as soon as the previous one is answered, for {duration:.0f} s per level, going
through an {len(CONVERSATION)}-message conversation (greeting, questions, follow-ups, typos, thanks).

Setups, all trained on the same data with the same domain, action server and stores' URLs:
- **{setups[0].name}**: `config.yml`, served by `python -m rasa_overrides.serving` (rasa_overrides/serving/), `SANIC_WORKERS=2`,
  PostgreSQL tracker store, Redis lock store (production profile);
- **{setups[1].name}**: `config.yml`, `python -m rasa_overrides.serving`, one process, SQLite tracker store (what `make run` starts);
- **{setups[2].name}**: the pipeline and policies of `rasa init` (`bench/default-config.yml`), stock `rasa run`,
  one process, Rasa's stock SQL tracker store on SQLite and in-memory lock store (`bench/default-endpoints.yml`).

{table(setups)}

## Targets
{chr(10).join(targets(setups))}

{choices}
"""
    REPORT.write_text(body, encoding="utf-8")
    return body


CHOICES_FILE = ROOT / "bench" / "choices.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-train", action="store_true", help="reuse the models already in .state/bench")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per concurrency level")
    parser.add_argument(
        "--only",
        type=int,
        choices=(0, 1, 2),
        action="append",
        help="measure only this setup (0: ours production, 1: ours one process, 2: default); "
        "prints the figures, leaves docs/benchmark.md alone",
    )
    parser.add_argument("--train-only", action="store_true", help="train the setups (all, or those of --only) and stop")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    setups = [
        Setup("ours (2 workers, PostgreSQL, Redis)", ROOT / "config.yml", "ours", workers=2, production_stores=True, launcher=SERVING),
        Setup("ours (1 process, SQLite)", ROOT / "config.yml", "ours", launcher=SERVING),
        Setup("Rasa default", ROOT / "bench" / "default-config.yml", "default", endpoints="bench/default-endpoints.yml"),
    ]
    measured = set(args.only or (0, 1, 2))
    if measured & {0, 1}:
        train(setups[0], args.skip_train)
        setups[1].results.update(train_s=setups[0].results["train_s"], model_mib=setups[0].results["model_mib"])
    if 2 in measured:
        train(setups[2], args.skip_train)
    if args.train_only:
        for index in sorted(measured):
            print(setups[index].name, "trained in", round(setups[index].results["train_s"], 1), "s")
        return

    services = Path(tempfile.mkdtemp(prefix="bench-services-"))
    redis = start_redis(services / "redis")
    postgres = None
    try:
        postgres = start_postgres(services / "postgres")
        for index, setup in enumerate(setups):
            if args.only and index not in args.only:
                continue
            pids = {"postgres": postgres.process.pid, "redis": redis.process.pid} if setup.production_stores else {}
            measure(setup, args.duration, redis.port, postgres.url, pids)
    finally:
        if postgres:
            postgres.stop()
        redis.stop()
        shutil.rmtree(services, ignore_errors=True)
    if args.only:
        for index in args.only:
            print(setups[index].name, {k: round(v, 2) for k, v in setups[index].results.items()})
        return
    choices = CHOICES_FILE.read_text(encoding="utf-8") if CHOICES_FILE.exists() else ""
    print(write_report(setups, args.duration, choices))


if __name__ == "__main__":
    main()
