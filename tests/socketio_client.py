"""A minimal socket.io v5 (engine.io v4) client over a raw websocket, for tests.

The python-socketio client in this venv needs a newer aiohttp than Rasa allows;
the protocol needed here is small: open, connect, emit, receive, ping/pong.
Also lets a test send what no well-behaved client would (huge or odd packets).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Optional, Tuple

import websockets

from rasa_overrides.channels.socketio import COMBINED_FORMAT_AUTH


class SocketIOTestClient:
    """Connects as our widget does (``auth`` asking for one message per utterance); ``auth=None``
    connects as any other socket.io client."""

    def __init__(self, base_url: str, origin: Optional[str] = None, auth: Optional[Dict[str, str]] = COMBINED_FORMAT_AUTH) -> None:
        self.url = base_url.replace("http://", "ws://").rstrip("/") + "/socket.io/?EIO=4&transport=websocket"
        self.origin = origin
        self.auth = auth
        self.ws: Any = None
        self.events: "asyncio.Queue[Tuple[str, Any]]" = asyncio.Queue()
        self._reader: Optional[asyncio.Task] = None

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.url, origin=self.origin, max_size=None, open_timeout=10)
        opening = await asyncio.wait_for(self.ws.recv(), 10)
        if not opening.startswith("0"):
            raise ConnectionError(f"unexpected engine.io opening: {opening[:80]}")
        await self.ws.send("40" + (json.dumps(self.auth) if self.auth else ""))
        answer = await asyncio.wait_for(self.ws.recv(), 10)
        if not answer.startswith("40"):
            raise ConnectionError(f"socket.io connection refused: {answer[:200]}")
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for packet in self.ws:
                if packet == "2":
                    await self.ws.send("3")
                elif packet.startswith("42"):
                    name, *args = json.loads(packet[2:])
                    await self.events.put((name, args[0] if args else None))
        except websockets.ConnectionClosed:
            pass
        await self.events.put(("__closed__", None))

    async def emit(self, event: str, data: Any) -> None:
        await self.ws.send("42" + json.dumps([event, data]))

    async def send_raw(self, packet: str) -> None:
        await self.ws.send(packet)

    async def next_event(self, timeout: float = 60) -> Tuple[str, Any]:
        return await asyncio.wait_for(self.events.get(), timeout)

    async def start_session(self, session_id: Optional[str]) -> str:
        await self.emit("session_request", {"session_id": session_id})
        while True:
            name, data = await self.next_event(10)
            if name == "session_confirm":
                return str(data)

    async def turn(self, session_id: str, message: Any, timeout: float = 60) -> List[Any]:
        """Sends one message, returns the bot messages up to the end of the turn."""
        await self.emit("user_uttered", {"message": message, "session_id": session_id})
        return await self.until_turn_end(timeout)

    async def until_turn_end(self, timeout: float = 60) -> List[Any]:
        replies: List[Any] = []
        while True:
            name, data = await self.next_event(timeout)
            if name == "bot_uttered":
                replies.append(data)
            elif name == "bot_turn_end":
                return replies
            elif name == "__closed__":
                raise ConnectionError("the server closed the connection")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.wait([self._reader], timeout=5)
