"""Sanic's REQUEST_TIMEOUT made a deadline for the whole request, counted from its first byte.

Sanic 21.12 (``HttpProtocol.data_received``) restarts its clock at every byte it receives:
REQUEST_TIMEOUT (60 s) bounds the pause between two bytes, not the request, and a body is
read under RESPONSE_TIMEOUT, which Rasa sets to an hour. A client sending its request one byte
a second (slowloris) then holds its connection, its task and its buffers for as long as it
likes, and enough of them exhaust the server's file descriptors. Here the clock of a request
starts at its first byte and later bytes do not restart it: the header, then the body, must
have arrived within REQUEST_SECONDS (SANIC_REQUEST_TIMEOUT), or the client gets Sanic's own
408 and the connection is closed. Sanic checks its timeouts every half of the shortest one,
so a slow request is cut between REQUEST_SECONDS and 1.5 times that.

A message to the assistant is a few hundred bytes, which a slow phone network sends well
within 10 s. The other timeouts are left as Rasa sets them: 120 s of keep-alive between two
requests (longer than a load balancer's idle timeout, so that it never reuses a connection
that the server is closing), an hour for a response, and none on a websocket, which engine.io's
pings watch.
"""

from __future__ import annotations

import os
from time import monotonic

from sanic.exceptions import RequestTimeout
from sanic.http import Http, Stage
from sanic.server.protocols.http_protocol import HttpProtocol

REQUEST_SECONDS = 10

_stock_data_received = HttpProtocol.data_received
_stock_check_timeouts = HttpProtocol.check_timeouts


def body_pending(http: Http) -> bool:
    """Whether a request body is announced and not all read yet: read before the handler runs (Rasa's
    routes do not stream), or what is left of it after an early answer, which Sanic reads then.
    (Not a wrapper of ``Http.read``: Sanic recompiles that method at start-up, in its own module.)"""
    # Sanic sets request_body (a slot) once the first header is read.
    return bool(getattr(http, "request_body", None)) and http.stage in (Stage.HANDLER, Stage.IDLE)


def data_received(self: HttpProtocol, data: bytes) -> None:
    http = getattr(self, "_http", None)  # unset until the connection's task has started
    started = self._time
    _stock_data_received(self, data)
    if http is not None and (http.stage is not Stage.IDLE or body_pending(http)):
        # Inside a request (or the rest of its body): the clock keeps running from its first byte.
        self._time = started


def check_timeouts(self: HttpProtocol) -> None:
    http = getattr(self, "_http", None)
    if self._task and http is not None and body_pending(http) and monotonic() - self._time > self.request_timeout:
        # The body is still arriving after the request's deadline: Sanic's own 408, as for a slow header.
        http.exception = RequestTimeout("Request Timeout")
        self._task.cancel()
        return
    _stock_check_timeouts(self)


def install() -> None:
    # Read by Sanic from the environment when Rasa creates its app; an explicit setting wins.
    os.environ.setdefault("SANIC_REQUEST_TIMEOUT", str(REQUEST_SECONDS))
    HttpProtocol.data_received = data_received  # type: ignore[method-assign]
    HttpProtocol.check_timeouts = check_timeouts  # type: ignore[method-assign]
