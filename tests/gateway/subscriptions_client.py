"""A small GraphQL-over-websocket client for the tests, speaking graphql-transport-ws or the
legacy graphql-ws protocol."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import websockets

# Per protocol: the message types for subscribe, a result, and the end of a stream.
MESSAGES = {
    "graphql-transport-ws": {"subscribe": "subscribe", "next": "next", "stop": "complete"},
    "graphql-ws": {"subscribe": "start", "next": "data", "stop": "stop"},
}


class Rejected(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(f"connection closed with code {code}")
        self.code = code


class GraphQLWs:
    def __init__(self, socket: Any, protocol: str) -> None:
        self.socket = socket
        self.protocol = protocol
        self.messages = MESSAGES[protocol]
        self._ids = 0

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(
        cls, http_url: str, payload: dict | None, *, protocol: str = "graphql-transport-ws"
    ) -> AsyncIterator[GraphQLWs]:
        url = http_url.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(url, subprotocols=[protocol]) as socket:
            await socket.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
            try:
                ack = json.loads(await asyncio.wait_for(socket.recv(), 10))
            except websockets.ConnectionClosed as exc:
                raise Rejected(exc.rcvd.code if exc.rcvd else 0) from exc
            assert ack["type"] == "connection_ack", ack
            yield cls(socket, protocol)

    async def subscribe(self, query: str, variables: dict | None = None) -> str:
        self._ids += 1
        op_id = str(self._ids)
        message = {"query": query, "variables": variables or {}}
        await self.socket.send(
            json.dumps({"id": op_id, "type": self.messages["subscribe"], "payload": message})
        )
        return op_id

    async def next(self, op_id: str, *, timeout: float = 10.0) -> dict | None:
        """The next result of the operation (``{"data": ...}`` or ``{"errors": [...]}``), or
        None when the server completed it."""
        while True:
            raw = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            if raw.get("id") != op_id:
                continue  # keep-alives and other operations
            if raw["type"] == self.messages["next"]:
                return raw["payload"]
            if raw["type"] == "error":
                errors = raw["payload"]
                return {"errors": errors if isinstance(errors, list) else [errors]}
            if raw["type"] == "complete":
                return None

    async def results(self, op_id: str, *, timeout: float = 10.0) -> list[dict]:
        """Every result until the server completes the operation."""
        found = []
        while (result := await self.next(op_id, timeout=timeout)) is not None:
            found.append(result)
        return found

    async def stop(self, op_id: str) -> None:
        await self.socket.send(json.dumps({"id": op_id, "type": self.messages["stop"]}))
