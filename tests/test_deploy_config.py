"""deploy/ without running it: the systemd units start what the repository holds, with the environment file's
variables, and the nginx template renders for production (TLS) and for the tests (plain HTTP) from one source.
nginx itself runs the rendered file in tests/test_deploy_nginx.py."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Dict, List, Set

import pytest

from launch import nginx
from launch.servers import MODEL, ROOT

DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
ENV_EXAMPLE = DEPLOY / "env.example"
INSTALL_DIR = "/opt/assistant-medical"
# What each unit runs, from the repository: the module or script it names.
EXPECTED_TARGETS = {
    "assistant-medical-actions.service": "actions/__init__.py",
    "assistant-medical-rasa@.service": "rasa_overrides/serving/__main__.py",
    "assistant-medical-web.service": "scripts/serve_web.py",
}


def parse_unit(path: Path) -> Dict[str, Dict[str, List[str]]]:
    """A unit file's sections and their keys, each key with every value it is given, in order;
    lines ending in a backslash continue on the next one, as systemd reads them."""
    sections: Dict[str, Dict[str, List[str]]] = {}
    current: Dict[str, List[str]] = {}
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = pending + raw.strip() if pending else raw.strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def exec_start(path: Path) -> List[str]:
    (command,) = parse_unit(path)["Service"]["ExecStart"]
    return shlex.split(command)


def option(words: List[str], name: str) -> str:
    return words[words.index(name) + 1]


def env_example() -> Dict[str, str]:
    pairs = (line.split("=", 1) for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines() if re.match(r"^[A-Z_]+=", line))
    return {name: value for name, value in pairs}


def test_there_is_a_unit_for_each_server() -> None:
    assert {unit.name for unit in UNITS} == set(EXPECTED_TARGETS)


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_unit_runs_what_the_repository_holds(unit: Path) -> None:
    words = exec_start(unit)
    executable = words[0]
    assert executable.startswith(f"{INSTALL_DIR}/.venv/bin/"), executable
    # The same virtual environment as `make install`'s, one level below the checkout.
    assert (ROOT / executable.removeprefix(f"{INSTALL_DIR}/")).parent == ROOT / ".venv" / "bin"
    if "-m" in words:
        module = option(words, "-m")
        target = ROOT / module.replace(".", "/") / "__main__.py"
    elif "--actions" in words:
        target = ROOT / option(words, "--actions") / "__init__.py"
    else:
        target = ROOT / words[1]
    assert target == ROOT / EXPECTED_TARGETS[unit.name] and target.is_file(), target
    for flag in ("--endpoints", "--credentials"):
        if flag in words:
            assert (ROOT / option(words, flag)).is_file(), flag
    if "--model" in words:
        # Where `make train` writes it (the model itself is not in the repository).
        assert ROOT / option(words, "--model") == MODEL


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_unit_is_a_restarted_hardened_service_of_its_own_user(unit: Path) -> None:
    sections = parse_unit(unit)
    service = {key: values[-1] for key, values in sections["Service"].items()}
    assert service["User"] == service["Group"] == "assistant-medical"
    assert service["WorkingDirectory"] == INSTALL_DIR
    assert sections["Service"]["EnvironmentFile"] == ["/etc/assistant-medical/env"]
    assert service["Restart"] == "on-failure" and int(service["RestartSec"]) > 0
    assert sections["Unit"]["StartLimitBurst"] and sections["Install"]["WantedBy"] == ["multi-user.target"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
        "StateDirectory": "assistant-medical",
    }.items():
        assert service.get(key) == value, key
    # Rasa's and TensorFlow's files go to the state directory, the one place the user may write.
    assert "HOME=/var/lib/assistant-medical" in sections["Service"]["Environment"]


def test_rasa_unit_serves_no_api_and_takes_its_port_from_the_instance() -> None:
    words = exec_start(DEPLOY / "systemd" / "assistant-medical-rasa@.service")
    assert words[1:4] == ["-m", "rasa_overrides.serving", "run"]
    assert option(words, "--port") == "%i" and option(words, "--interface") == "${RASA_INTERFACE}"
    # Rasa's HTTP API would take a token on the command line and is not needed behind nginx.
    assert "--enable-api" not in words and not any(word.startswith("--auth-token") for word in words)


def test_every_variable_is_in_the_environment_file_and_read_by_the_project() -> None:
    example = env_example()
    used: Set[str] = set()
    for unit in UNITS:
        used |= set(re.findall(r"\$\{([A-Z_]+)\}", " ".join(exec_start(unit))))
    used |= set(re.findall(r"\$\{([A-Z_]+)\}", (ROOT / "endpoints.yml").read_text(encoding="utf-8")))
    assert used <= set(example), used - set(example)
    # No name that nothing reads (a typo would silently configure nothing).
    sources = " ".join(
        path.read_text(encoding="utf-8")
        for folder in ("bot", "actions", "admin", "rasa_overrides", "scripts", "launch")
        for path in (ROOT / folder).rglob("*.py")
    )
    sources += (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    sources += " ".join(unit.read_text(encoding="utf-8") for unit in UNITS)
    unread = [name for name in example if not re.search(rf"\b{name}\b", sources)]
    assert not unread, unread
    assert example["LOCK_STORE_TYPE"] == "redis" and example["TRACKER_STORE_URL"].startswith("postgresql://")
    # The widget's socket on nginx's origin, which the socket's origin check allows.
    assert example["RASA_PUBLIC_URL"] in example["WEB_ORIGINS"].split(",")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    """systemd's own check (unknown keys, commands that are not executable), on copies that point at this
    checkout instead of /opt/assistant-medical."""
    copies = []
    for unit in UNITS:
        name = unit.name.replace("@.service", "@5005.service")
        copy = tmp_path / name
        copy.write_text(unit.read_text(encoding="utf-8").replace(INSTALL_DIR, str(ROOT)), encoding="utf-8")
        copies.append(str(copy))
    result = subprocess.run(["systemd-analyze", "verify", *copies], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stdout + result.stderr


# --- the nginx template -------------------------------------------------------------------
PRODUCTION = nginx.Site(
    server_name="assistant.example.fr",
    rasa_servers=["10.0.0.11:5005", "10.0.0.12:5005"],
    web_server="127.0.0.1:8000",
    access_log="/var/log/nginx/assistant-medical.access.log",
    tls_certificate="/etc/ssl/assistant/fullchain.pem",
    tls_certificate_key="/etc/ssl/assistant/privkey.pem",
)
PLAIN = nginx.Site(
    server_name="127.0.0.1",
    rasa_servers=["127.0.0.1:5005", "127.0.0.1:5006"],
    web_server="127.0.0.1:8000",
    access_log="/tmp/access.log",
    tls=False,
    listen="127.0.0.1:8080",
)


def block(conf: str, opening: str) -> str:
    """The body of the last block that opens with ``opening`` (``location /socket.io/``, ``upstream x``): the
    last, since the port-80 server comes first with a ``location /`` of its own."""
    start = conf.rindex(opening + " {") + len(opening) + 2
    depth, position = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(conf[position], 0)
        position += 1
    return conf[start : position - 1]


def test_production_rendering_has_tls_and_every_part() -> None:
    conf = nginx.render(PRODUCTION)
    assert "{{" not in conf and not re.search(r"(?m)^\s*# (tls|plain):(begin|end)\s*$", conf)
    assert "listen 443 ssl http2;" in conf and "ssl_certificate /etc/ssl/assistant/fullchain.pem;" in conf
    assert "return 301 https://$host$request_uri;" in conf
    assert "root /var/www/letsencrypt;" in block(conf, "location /.well-known/acme-challenge/")
    assert "listen 127.0.0.1" not in conf
    for upstream in ("assistant_rasa_sockets", "assistant_rasa_messages"):
        servers = re.findall(r"server (\S+) ", block(conf, f"upstream {upstream}"))
        assert servers == ["10.0.0.11:5005", "10.0.0.12:5005"], upstream
    assert "hash $binary_remote_addr consistent;" in block(conf, "upstream assistant_rasa_sockets")
    assert "limit_req_status 429;" in conf
    assert re.findall(r"limit_req_zone \$binary_remote_addr zone=(\w+)", conf) == ["assistant_messages", "assistant_sockets"]
    webhook, socket = block(conf, "location /webhooks/"), block(conf, "location /socket.io/")
    assert "limit_req zone=assistant_messages " in webhook and "proxy_pass http://assistant_rasa_messages;" in webhook
    assert "limit_req zone=assistant_sockets " in socket and "proxy_pass http://assistant_rasa_sockets;" in socket
    assert "proxy_set_header Upgrade $http_upgrade;" in socket and "proxy_set_header Connection $assistant_connection;" in socket
    assert "proxy_pass http://assistant_web;" in block(conf, "location /")
    too_many = block(conf, "location @too_many_requests")
    assert "return 429 " in too_many and "Trop de messages" in too_many


def test_test_rendering_listens_on_loopback_in_plain_http() -> None:
    conf = nginx.render(PLAIN)
    assert "listen 127.0.0.1:8080;" in conf
    assert "ssl" not in conf and "443" not in conf and "return 301" not in conf
    # The rest is the production file's, line for line.
    production = nginx.render(PRODUCTION).replace("assistant.example.fr", "127.0.0.1")
    production = production.replace("10.0.0.11:5005", "127.0.0.1:5005").replace("10.0.0.12:5005", "127.0.0.1:5006")
    production = production.replace("/var/log/nginx/assistant-medical.access.log", "/tmp/access.log")
    assert set(conf.splitlines()) - set(production.splitlines()) == {"    listen 127.0.0.1:8080;"}


@pytest.mark.parametrize(
    "site, message",
    [
        (nginx.Site("a.fr", [], "127.0.0.1:8000", "/tmp/a.log", tls=False, listen="127.0.0.1:1"), "at least one Rasa"),
        (nginx.Site("a.fr", ["127.0.0.1:5005"], "127.0.0.1:8000", "/tmp/a.log"), "certificate"),
        (nginx.Site("a.fr", ["127.0.0.1:5005"], "127.0.0.1:8000", "/tmp/a.log", tls=False), "listen"),
        (nginx.Site("a.fr", ["127.0.0.1:5005; deny all"], "127.0.0.1:8000", "/tmp/a.log", tls=False, listen="1:1"), "plain"),
        (nginx.Site("a.fr }", ["127.0.0.1:5005"], "127.0.0.1:8000", "/tmp/a.log", tls=False, listen="1:1"), "plain"),
    ],
)
def test_bad_values_are_refused(site: nginx.Site, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        nginx.render(site)


@pytest.mark.parametrize(
    "template, message",
    [
        ("a\n# tls:begin\nb\n", "not closed"),
        ("# tls:end\n", "unbalanced"),
        ("# tls:begin\n# plain:begin\n# plain:end\n# tls:end\n", "unbalanced"),
        ("server {{NOWHERE}};\n", "no value"),
    ],
)
def test_broken_templates_are_refused(template: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        nginx.render(PLAIN, template)


def test_command_line_prints_the_production_configuration(capsys: pytest.CaptureFixture[str]) -> None:
    nginx.main(["--server-name", "assistant.example.fr", "--rasa", "10.0.0.11:5005", "--rasa", "10.0.0.12:5005"])
    conf = capsys.readouterr().out
    assert "ssl_certificate /etc/letsencrypt/live/assistant.example.fr/fullchain.pem;" in conf
    assert conf.count("server 10.0.0.12:5005 ") == 2 and "server 127.0.0.1:8000;" in conf
