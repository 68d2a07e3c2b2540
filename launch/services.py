"""Throw-away PostgreSQL and Redis servers for tests and the benchmark.

Debian's packages, started as child processes on loopback, on free ports, in a
given directory, and stopped by their PID. No Rasa import.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional

from launch.servers import free_port, stop

START_TIMEOUT = 60


def postgres_bindir() -> Optional[Path]:
    """The newest PostgreSQL server binaries (Debian keeps them out of the PATH)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("postgres")
    return Path(found).parent if found else None


def have_redis() -> bool:
    return shutil.which("redis-server") is not None


def have_postgres() -> bool:
    return postgres_bindir() is not None


def _wait(check: Callable[[], bool], process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} during start-up")
        if check():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} did not start within {START_TIMEOUT} s")


@dataclass
class Service:
    """One server process, which the fault tests may stop and start again on the same port and data."""

    name: str
    command: List[str]
    log_path: Path
    answers: Callable[[], bool]
    process: subprocess.Popen
    preexec: Optional[Callable[[], None]] = None

    def stop(self) -> None:
        stop(self.process)

    def start_again(self) -> None:
        """Starts the stopped server with the same command line, and waits until it answers."""
        if self.process.poll() is None:
            raise RuntimeError(f"{self.name} is still running")
        self.process = launch_and_wait(self.command, self.log_path, self.answers, self.name, self.preexec)


def _launch(command: List[str], log_path: Path, preexec: Optional[Callable[[], None]] = None) -> subprocess.Popen:
    with open(log_path, "ab") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, preexec_fn=preexec)


def launch_and_wait(
    command: List[str], log_path: Path, answers: Callable[[], bool], what: str, preexec: Optional[Callable[[], None]] = None
) -> subprocess.Popen:
    """Starts a server and waits until it answers; stops it if it does not."""
    process = _launch(command, log_path, preexec)
    try:
        _wait(answers, process, what)
    except Exception:
        stop(process)
        raise
    return process


@dataclass
class RedisServer(Service):
    port: int = 0


def start_redis(workdir: Path) -> RedisServer:
    import redis

    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)]
    log_path = workdir / "redis.log"

    def answers() -> bool:
        try:
            return bool(redis.Redis(host="127.0.0.1", port=port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    process = launch_and_wait(command, log_path, answers, "redis-server")
    return RedisServer("redis-server", command, log_path, answers, process, port=port)


@dataclass
class PostgresServer(Service):
    port: int = 0
    url: str = ""

    def stop_fast(self) -> None:
        """PostgreSQL's fast shutdown (SIGINT): open sessions are ended, as in a restart by the
        operator. stop()'s SIGTERM is the smart shutdown, which waits for every client to leave."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=30)


def as_user(name: str) -> Optional[Callable[[], None]]:
    """For a server that refuses to run as root (PostgreSQL) or needs no root (nginx): drops to the user
    ``name`` in the child itself, so that the PID we hold is the server's. None when we are not root."""
    if os.geteuid() != 0:
        return None
    user = pwd.getpwnam(name)

    def demote() -> None:
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)

    return demote


def hand_over(name: str, workdir: Path, *paths: Path) -> None:
    """Gives ``workdir`` and ``paths`` to the user ``name``, and lets that user through (not read) the
    parents of ``workdir``: tmp_path's parents are private to root. Nothing to do when we are not root."""
    if os.geteuid() != 0:
        return
    user = pwd.getpwnam(name)
    for path in (workdir, *paths):
        os.chown(path, user.pw_uid, user.pw_gid)
    for parent in workdir.parents:
        if parent == Path("/"):
            break
        mode = parent.stat().st_mode
        if not mode & 0o001:
            os.chmod(parent, mode | 0o001)


def start_postgres(workdir: Path) -> PostgresServer:
    import psycopg2

    bindir = postgres_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found: run `make system-deps`")
    data = workdir / "data"
    data.mkdir(parents=True, exist_ok=True)
    demote = as_user("postgres")
    hand_over("postgres", workdir, data)
    password = secrets.token_hex(12)
    pwfile = workdir / "pwfile"
    pwfile.write_text(password)
    if demote is not None:
        os.chown(pwfile, pwd.getpwnam("postgres").pw_uid, -1)
    initdb: List[str] = [
        str(bindir / "initdb"),
        "-D",
        str(data),
        "-U",
        "rasa",
        "--pwfile",
        str(pwfile),
        "-A",
        "scram-sha-256",
        "-E",
        "UTF8",
        "--locale",
        "C",
    ]
    subprocess.run(initdb, check=True, capture_output=True, preexec_fn=demote, timeout=120)
    pwfile.unlink()
    port = free_port()
    command = [
        str(bindir / "postgres"),
        "-D",
        str(data),
        "-p",
        str(port),
        "-k",
        str(workdir),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "fsync=off",
    ]
    log_path = workdir / "postgres.log"
    process = _launch(command, log_path, demote)
    admin_url = f"postgresql://rasa:{password}@127.0.0.1:{port}/postgres"

    def answers() -> bool:
        try:
            psycopg2.connect(admin_url, connect_timeout=2).close()
            return True
        except psycopg2.OperationalError:
            return False

    try:
        _wait(answers, process, "postgres")
        connection = psycopg2.connect(admin_url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("CREATE DATABASE rasa")
        connection.close()
    except Exception:
        stop(process)
        raise
    url = f"postgresql://rasa:{password}@127.0.0.1:{port}/rasa"
    return PostgresServer("postgres", command, log_path, answers, process, demote, port=port, url=url)
