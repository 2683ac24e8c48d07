"""A small asyncio HTTP/1.1 client for simulated attendees: keep-alive, and its own source address.

Each simulated person can bind a different loopback address (127.0.0.0/8), so that the app sees
them as different clients exactly as it would see different phones.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    wire_bytes: int = 0  # as received: status line, headers and the body before unpacking

    def json(self):
        return json.loads(self.body)


class HttpClient:
    """One browser's connection to the app; reconnects when the server closes it."""

    def __init__(self, base_url: str, source_address: str | None = None,
                 headers: dict[str, str] | None = None):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.source_address = source_address
        self.default_headers = headers or {}
        self.cookies: dict[str, str] = {}
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> None:
        local = (self.source_address, 0) if self.source_address else None
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port,
                                                                   local_addr=local)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            try:
                await self._writer.wait_closed()
            except OSError:
                pass
        self._reader = self._writer = None

    async def request(self, method: str, path: str, body=None,
                      headers: dict[str, str] | None = None) -> Response:
        payload = b""
        all_headers = {"Host": f"{self.host}:{self.port}", "Connection": "keep-alive",
                       "Accept": "application/json", **self.default_headers, **(headers or {})}
        if body is not None:
            payload = body if isinstance(body, bytes) else json.dumps(body).encode()
            all_headers.setdefault("Content-Type", "application/json")
            all_headers["Content-Length"] = str(len(payload))
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in all_headers.items()) + "\r\n"
        for attempt in range(2):
            if self._writer is None:
                await self._connect()
            try:
                self._writer.write(head.encode() + payload)
                await self._writer.drain()
                return await self._read_response()
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _read_response(self) -> Response:
        reader = self._reader
        status_line = await reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        wire = len(status_line)
        while True:
            line = await reader.readuntil(b"\r\n")
            wire += len(line)
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val.strip()
            headers[name] = value
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                chunks.append(await reader.readexactly(size))
                await reader.readexactly(2)
            body = b"".join(chunks)
        elif "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif status in (204, 304):
            body = b""
        else:
            body = await reader.read()
            headers["connection"] = "close"
        wire += len(body)  # chunk framing aside
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return Response(status, headers, body, wire)
