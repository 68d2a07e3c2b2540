"""nginx in front of the assistant, from the one template deploy/nginx/assistant-medical.conf.

``render`` fills the template in: for production (TLS on 443, the port-80 redirect), or with a plain-HTTP
listen for the tests. ``start_nginx`` runs Debian's nginx with Debian's nginx.conf around it, on loopback, on
a free port, in a directory of its own (pid, logs, temp files), as a child process stopped by its PID; as
root, it drops to www-data first.

    python -m launch.nginx --server-name assistant.example.fr --rasa 10.0.0.11:5005 --rasa 10.0.0.12:5005

prints the production configuration (README, « Déployer en production »).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import requests

from launch.servers import ROOT, free_port
from launch.services import Service, as_user, hand_over, launch_and_wait

TEMPLATE = ROOT / "deploy" / "nginx" / "assistant-medical.conf"
DEBIAN_CONF = Path("/etc/nginx/nginx.conf")
PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")
BLOCKS = ("tls", "plain")
# Rasa's socket.io pings every 25 s; a node that fails twice is left alone this long.
SERVER_OPTIONS = "max_fails=2 fail_timeout=10s"
# Debian's nginx runs its workers as this user; the tests run the whole server as it.
NGINX_USER = "www-data"
# A value goes into one nginx directive: nothing that would end it or open another.
SAFE_VALUE = re.compile(r"^[A-Za-z0-9_.:/\[\]@*-]+$")


@dataclass(frozen=True)
class Site:
    """What the template needs. ``listen`` is the plain-HTTP listen (tests); with ``tls``, 443 and 80."""

    server_name: str
    rasa_servers: Sequence[str]
    web_server: str
    access_log: str
    tls: bool = True
    listen: str = ""
    tls_certificate: str = ""
    tls_certificate_key: str = ""

    def values(self) -> Dict[str, str]:
        if not self.rasa_servers:
            raise ValueError("at least one Rasa server (host:port) is needed")
        if self.tls and not (self.tls_certificate and self.tls_certificate_key):
            raise ValueError("TLS needs a certificate and its key")
        if not self.tls and not self.listen:
            raise ValueError("without TLS, a listen address (host:port) is needed")
        values = {
            "SERVER_NAME": self.server_name,
            "WEB_SERVER": self.web_server,
            "ACCESS_LOG": self.access_log,
            "LISTEN": self.listen,
            "TLS_CERTIFICATE": self.tls_certificate,
            "TLS_CERTIFICATE_KEY": self.tls_certificate_key,
        }
        for name, value in [*values.items(), *(("RASA_SERVERS", server) for server in self.rasa_servers)]:
            if value and not SAFE_VALUE.match(value):
                raise ValueError(f"{name}: {value!r} is not a plain address, name or path")
        values["RASA_SERVERS"] = "\n".join(f"    server {server} {SERVER_OPTIONS};" for server in self.rasa_servers)
        return values


def _keep_blocks(template: str, tls: bool) -> List[str]:
    """The template's lines without the markers, and without the block that does not apply."""
    kept: List[str] = []
    inside: Optional[str] = None
    for number, line in enumerate(template.splitlines(), start=1):
        marker = re.fullmatch(r"\s*# (tls|plain):(begin|end)\s*", line)
        if marker:
            block, edge = marker.groups()
            if (edge == "begin") != (inside is None) or (edge == "end" and block != inside):
                raise ValueError(f"line {number}: unbalanced block marker {line.strip()!r}")
            inside = block if edge == "begin" else None
            continue
        if inside is None or inside == ("tls" if tls else "plain"):
            kept.append(line)
    if inside is not None:
        raise ValueError(f"block {inside!r} is not closed")
    return kept


def render(site: Site, template: Optional[str] = None) -> str:
    """The configuration for ``site``; every placeholder of the kept lines must be filled."""
    text = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    values = site.values()

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if not values.get(name):
            raise ValueError(f"no value for {{{{{name}}}}}")
        return values[name]

    return "\n".join(PLACEHOLDER.sub(fill, line) for line in _keep_blocks(text, site.tls)) + "\n"


def main_conf(prefix: Path, site_conf: Path) -> str:
    """Debian's own /etc/nginx/nginx.conf, the file that includes ours in production, with ours in the place of
    conf.d's files and every path it names moved into ``prefix``: the production setting, without root."""
    if not DEBIAN_CONF.is_file():
        raise RuntimeError(f"{DEBIAN_CONF} is missing: install Debian's nginx (`make system-deps`)")
    text = DEBIAN_CONF.read_text(encoding="utf-8")
    temp_paths = "".join(
        f"\n    {kind}_temp_path {prefix / 'temp' / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    for old, new in (
        ("include /etc/nginx/conf.d/*.conf;", f"include {site_conf};"),
        ("include /etc/nginx/sites-enabled/*;", ""),
        ("http {", "http {" + temp_paths),
        ("/run/nginx.pid", str(prefix / "nginx.pid")),
        ("/var/log/nginx/", f"{prefix}/"),
    ):
        if old not in text:
            raise RuntimeError(f"{DEBIAN_CONF} has no {old!r}: not Debian's file")
        text = text.replace(old, new)
    # Only a master running as root may switch users.
    return re.sub(r"(?m)^user\s[^;]*;", "", text)


def nginx_binary() -> Optional[str]:
    # /usr/sbin is not on every user's PATH.
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def have_nginx() -> bool:
    return nginx_binary() is not None


def _prepare(workdir: Path, site_text: str) -> List[str]:
    """Writes the two files into ``workdir`` (given to www-data as root) and returns nginx's command."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx not found: run `make system-deps`")
    workdir.mkdir(parents=True, exist_ok=True)
    temp = workdir / "temp"
    temp.mkdir(exist_ok=True)
    site_conf = workdir / "assistant-medical.conf"
    site_conf.write_text(site_text, encoding="utf-8")
    conf = workdir / "nginx.conf"
    conf.write_text(main_conf(workdir, site_conf), encoding="utf-8")
    # Everything in it, the files a test adds (a certificate) included.
    hand_over(NGINX_USER, workdir, *workdir.rglob("*"))
    # -e: the error log before the configuration is read (the compiled-in one is /var/log/nginx's).
    return [binary, "-p", str(workdir), "-c", str(conf), "-e", str(workdir / "error.log")]


def check_config(workdir: Path, site_text: str) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on ``site_text``, with nginx's own words. nginx binds every listen address to test them,
    and only root binds 80 and 443: as root, then, in a network namespace of its own, so that no port of this
    machine is touched or in the way."""
    if os.geteuid() != 0:
        raise PermissionError("nginx -t on ports 80 and 443 needs root")
    command = _prepare(workdir, site_text)
    return subprocess.run(["unshare", "--net", *command, "-t"], capture_output=True, text=True, timeout=60)


@dataclass
class NginxServer(Service):
    port: int = 0
    access_log: Path = Path()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def start_nginx(workdir: Path, rasa_servers: Sequence[str], web_server: str, port: Optional[int] = None) -> NginxServer:
    """nginx on 127.0.0.1:``port`` (a free one by default), plain HTTP, in front of the given servers."""
    port = port or free_port()
    access_log = workdir / "assistant-medical.access.log"
    site = Site(
        server_name="127.0.0.1",
        rasa_servers=rasa_servers,
        web_server=web_server,
        access_log=str(access_log),
        tls=False,
        listen=f"127.0.0.1:{port}",
    )
    command = [*_prepare(workdir, render(site)), "-g", "daemon off;"]
    demote = as_user(NGINX_USER)
    log_path = workdir / "nginx.log"

    def answers() -> bool:
        try:
            # Any answer is nginx's own, even a 502 while nothing is behind it yet.
            requests.get(f"http://127.0.0.1:{port}/", timeout=2)
            return True
        except requests.RequestException:
            return False

    process = launch_and_wait(command, log_path, answers, "nginx", demote)
    return NginxServer("nginx", command, log_path, answers, process, demote, port=port, access_log=access_log)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description="Prints the production nginx configuration (deploy/nginx/assistant-medical.conf).")
    parser.add_argument("--server-name", required=True, help="the site's host name, e.g. assistant.example.fr")
    parser.add_argument("--rasa", action="append", required=True, metavar="HOST:PORT", help="a Rasa process; once per process")
    parser.add_argument("--web", default="127.0.0.1:8000", metavar="HOST:PORT", help="the web page (scripts/serve_web.py)")
    parser.add_argument("--certificate", help="default: /etc/letsencrypt/live/SERVER_NAME/fullchain.pem")
    parser.add_argument("--certificate-key", help="default: /etc/letsencrypt/live/SERVER_NAME/privkey.pem")
    parser.add_argument("--access-log", default="/var/log/nginx/assistant-medical.access.log")
    args = parser.parse_args(argv)
    live = f"/etc/letsencrypt/live/{args.server_name}"
    site = Site(
        server_name=args.server_name,
        rasa_servers=args.rasa,
        web_server=args.web,
        access_log=args.access_log,
        tls_certificate=args.certificate or f"{live}/fullchain.pem",
        tls_certificate_key=args.certificate_key or f"{live}/privkey.pem",
    )
    try:
        sys.stdout.write(render(site))
    except ValueError as error:
        sys.exit(f"launch.nginx: {error}")


if __name__ == "__main__":
    main()
