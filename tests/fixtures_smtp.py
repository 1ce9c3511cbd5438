"""A real SMTP server for the tests: aiosmtpd on a free local port.

Registered for the whole suite by tests/conftest.py (pytest_plugins). Messages are parsed
back with the stdlib so tests check what a mail client would see. `replies` lets a test make
the server answer a given SMTP code to the next DATA commands (e.g. 451, then accept).
"""

from __future__ import annotations

import socket
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    # Replies to give to the next DATA commands instead of accepting ("451 ...", "550 ...").
    replies: deque[str] = field(default_factory=deque)
    # Drop the connection (no reply at all) at DATA after this many more accepted messages;
    # None: never. Set again to drop again.
    drop_after: int | None = None
    drops: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.drop_after is not None:
                if self.drop_after == 0:
                    self.drop_after = None
                    self.drops += 1
                    # The client sees the connection vanish in the middle of its DATA.
                    server.transport.abort()
                    return "421 connection dropped"
                self.drop_after -= 1
            if self.replies:
                return self.replies.popleft()
            parsed = message_from_bytes(envelope.original_content or envelope.content,
                                        policy=default_policy)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          parsed))  # type: ignore[arg-type]
        return "250 Message accepted"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received]


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: RecordingHandler
    controller: Controller
    running: bool = True
    # RFC 6531: the server offers SMTPUTF8 (non-ASCII addresses) only when asked.
    smtputf8: bool = False

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages()

    def stop(self) -> None:
        """Take the server down (connections are refused until `start`)."""
        self.controller.stop()
        self.running = False

    def start(self) -> None:
        """Bring it back on the same port, keeping what it received."""
        self.controller = Controller(self.handler, hostname=self.host, port=self.port,
                                     enable_SMTPUTF8=self.smtputf8)
        self.controller.start()
        self.running = True

    def env(self) -> dict[str, str]:
        """Settings that point tracker at this server."""
        return {"TRACKER_SMTP_HOST": self.host, "TRACKER_SMTP_PORT": str(self.port),
                "TRACKER_SMTP_SECURITY": "none"}


def start_smtp_server(*, smtputf8: bool = False) -> SmtpServer:
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    controller.start()
    return SmtpServer("127.0.0.1", port, handler, controller, smtputf8=smtputf8)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = start_smtp_server()
    try:
        yield server
    finally:
        if server.running:  # the test may have stopped it
            server.controller.stop()
