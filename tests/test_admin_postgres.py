"""The dashboard on PostgreSQL: the same real conversations and checks as
tests/test_admin_e2e.py, with the servers' tracker store (and the dashboard's marks) in a
throw-away PostgreSQL server (launch/services.py, as tests/test_scale_out.py)."""

from __future__ import annotations

from typing import Iterator

import pytest

from launch.servers import MODEL, RasaStack, start_stack
from launch.services import PostgresServer, have_postgres, start_postgres
from tests.admin_helpers import PASSWORD
from tests.test_admin_e2e import check_dashboard, converse


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    if not have_postgres():
        pytest.fail("PostgreSQL is missing: run `make system-deps` (make test does it)")
    server = start_postgres(tmp_path_factory.mktemp("admin-postgres"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def postgres_stack(tmp_path_factory: pytest.TempPathFactory, postgres: PostgresServer) -> Iterator[RasaStack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    running = start_stack(
        tmp_path_factory.mktemp("admin-postgres-servers"),
        with_web=True,
        extra_env={"ADMIN_PASSWORD": PASSWORD, "TRACKER_STORE_URL": postgres.url},
    )
    yield running
    running.stop()


def test_dashboard_on_real_conversations_postgresql(postgres_stack: RasaStack, postgres: PostgresServer) -> None:
    scenario = converse(postgres_stack)
    check_dashboard(postgres_stack, scenario, postgres.url)
