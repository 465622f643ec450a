"""A local SMTP server (aiosmtpd) that keeps every message: for the demo and the tests.

Each accepted message is written once per recipient to ``folder`` as ``NNNN-<rcpt>.eml``
and kept in ``messages``; ``refuse`` makes it reject chosen recipients with a 550.
"""

from __future__ import annotations

import re
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    """One message as the server accepted it."""

    sender: str
    recipients: list[str]
    data: bytes


@dataclass
class _Handler:
    folder: Path | None
    refuse: set[str] = field(default_factory=set)
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        data = envelope.original_content or envelope.content
        with self.lock:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), data))
            n = len(self.messages)
        if self.folder is not None:
            for rcpt in envelope.rcpt_tos:
                safe = re.sub(r"[^A-Za-z0-9@._-]", "_", rcpt)
                (self.folder / f"{n:04d}-{safe}.eml").write_bytes(data)
        return "250 Message accepted"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class MailSink:
    """Context manager running the SMTP sink on 127.0.0.1 in a background thread."""

    def __init__(
        self, folder: Path | None = None, *, refuse: set[str] | None = None, port: int | None = None
    ) -> None:
        self.handler = _Handler(folder, {r.lower() for r in (refuse or set())})
        self.port = port or free_port()
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[Received]:
        """Every message accepted so far."""
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def count(self) -> int:
        """How many messages were accepted."""
        return len(self.messages)

    def __enter__(self) -> MailSink:
        self._controller.start()
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self._controller.stop()
