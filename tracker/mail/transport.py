"""Transports: SMTP (one connection reused for a batch) or, without an SMTP host, .eml files.

A transport raises `TransportError` with `permanent` telling delivery what to do: a permanent
error (an SMTP 5xx about the recipient or the message) fails the message at once; anything
else (4xx, a dropped connection, a timeout, a server that is down) is retried later.

Addresses with non-ASCII characters (RFC 6531, e.g. josé@example.org, which the registration
form accepts) need the server's SMTPUTF8 extension: with it they go out as they are; without
it a non-ASCII domain is sent in its ASCII (IDNA) form, and a non-ASCII local part cannot be
sent at all: the message fails for good, as a server would refuse it (553 5.6.7).
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Protocol

from tracker.settings import Settings

DEFAULT_TIMEOUT_SECONDS = 30.0


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool, code: int | None = None,
                 connection_lost: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.code = code
        # The connection is unusable: the rest of the batch needs a new one (or must wait).
        self.connection_lost = connection_lost


def _ascii_address(address: str) -> str | None:
    """The address in a form that needs no SMTPUTF8, or None when there is none (a non-ASCII
    local part has no ASCII spelling; a domain has one, its IDNA A-label)."""
    if address.isascii():
        return address
    local, _, domain = address.rpartition("@")
    if not local or not local.isascii():
        return None
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return None


class Transport(Protocol):
    def send(self, *, sender: str, recipient: str, raw: str, name: str) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Transport: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...


class FileTransport:
    """Writes each message to `<outbox_dir>/<name>.eml` (local use without SMTP)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __enter__(self) -> FileTransport:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        pass

    def send(self, *, sender: str, recipient: str, raw: str, name: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:150] or "message"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            final = self.directory / f"{safe}.eml"
            partial = self.directory / f".{safe}.eml.part"
            # Written then renamed: a reader never sees half a message.
            partial.write_bytes(raw.encode("utf-8"))
            os.replace(partial, final)
        except OSError as exc:
            raise TransportError(f"cannot write {self.directory}: {exc}", permanent=False) from exc


def _with_to_header(data: bytes, written: str, ascii_address: str) -> bytes:
    """The message with its To header changed from `written` to its ASCII form: without
    SMTPUTF8 the headers must be ASCII as well as the envelope (BODY=8BITMIME covers bodies,
    not headers, RFC 6152). The header block is written by tracker.mail.message, one
    `To: address` line; the body is left as it is."""
    if written == ascii_address:
        return data
    head, separator, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    old, new = f"To: {written}".encode(), f"To: {ascii_address}".encode("ascii")
    return b"\r\n".join(new if line == old else line for line in lines) + separator + body


class SmtpTransport:
    """One SMTP connection, opened on the first message and reused for the whole batch; a
    dropped connection is reopened once for the message that noticed it."""

    def __init__(self, settings: Settings, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        assert settings.smtp_host is not None
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.security = settings.smtp_security
        self.user = settings.smtp_user
        self.password = settings.smtp_password
        self.timeout = timeout
        self._client: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context() if self.security != "none" else None
        try:
            client: smtplib.SMTP
            if self.security == "ssl":
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                          context=context)
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            client.ehlo()
            if self.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if self.user:
                client.login(self.user, self.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            # Our configuration, not the recipient: retry later, the office sees the error.
            raise TransportError(f"SMTP login refused: {exc.smtp_code}", permanent=False,
                                 code=exc.smtp_code, connection_lost=True) from exc
        except smtplib.SMTPResponseException as exc:
            raise TransportError(f"SMTP server answered {exc.smtp_code} on connect",
                                 permanent=False, code=exc.smtp_code,
                                 connection_lost=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportError(f"cannot connect to {self.host}:{self.port}: {exc}",
                                 permanent=False, connection_lost=True) from exc
        return client

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()

    def send(self, *, sender: str, recipient: str, raw: str, name: str) -> None:
        # SMTP lines end in CRLF (RFC 5321); stored messages use "\n".
        data = raw.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")
        for attempt in (1, 2):
            if self._client is None:
                self._client = self._connect()
            try:
                self._send_once(self._client, sender, recipient, data)
                return
            except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError) as exc:
                self._drop()
                if attempt == 2:
                    raise TransportError(f"connection lost: {exc}", permanent=False,
                                         connection_lost=True) from exc
                # Reconnect once: the server may have closed an idle connection.
            except TransportError:
                raise
            except Exception:
                # Anything unforeseen may leave the SMTP dialogue half-way (e.g. after MAIL
                # FROM): the next message gets a fresh connection.
                self._drop()
                raise

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def _send_once(self, client: smtplib.SMTP, sender: str, recipient: str,
                   data: bytes) -> None:
        options: list[str] = []
        if not (sender.isascii() and recipient.isascii()):
            if client.has_extn("smtputf8"):
                options.append("SMTPUTF8")
            else:
                original = recipient
                sender, recipient = self._without_smtputf8(sender, recipient)
                data = _with_to_header(data, original, recipient)
        if not data.isascii() and client.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
        try:
            refused = client.sendmail(sender, [recipient], data, mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            self._reset(client)
            raise TransportError(f"{code} {_reply(reply)}", permanent=code >= 500,
                                 code=code) from exc
        except smtplib.SMTPSenderRefused as exc:
            self._reset(client)
            # Refusing our sender is about our configuration: never suppress the student.
            raise TransportError(f"sender refused: {exc.smtp_code} {_reply(exc.smtp_error)}",
                                 permanent=False, code=exc.smtp_code) from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:
                self._drop()
                raise TransportError(f"421 {_reply(exc.smtp_error)}", permanent=False,
                                     code=421, connection_lost=True) from exc
            self._reset(client)
            raise TransportError(f"{exc.smtp_code} {_reply(exc.smtp_error)}",
                                 permanent=exc.smtp_code >= 500, code=exc.smtp_code) from exc
        finally:
            # smtplib keeps UTF-8 commands after an SMTPUTF8 transaction until RSET: back to
            # plain ASCII for the next message on this connection.
            client.command_encoding = "ascii"
        if refused:
            code, reply = next(iter(refused.values()))
            raise TransportError(f"{code} {_reply(reply)}", permanent=code >= 500, code=code)

    def _without_smtputf8(self, sender: str, recipient: str) -> tuple[str, str]:
        """ASCII envelope addresses for a server without SMTPUTF8, or a TransportError before
        anything is sent (smtplib would raise UnicodeEncodeError in the middle of RCPT TO)."""
        ascii_sender = _ascii_address(sender)
        if ascii_sender is None:
            # Our own configuration, not the student's address: retried, never suppressed.
            raise TransportError(
                f"sender {sender} has non-ASCII characters and {self.host} does not offer "
                "SMTPUTF8", permanent=False)
        ascii_recipient = _ascii_address(recipient)
        if ascii_recipient is None:
            raise TransportError(
                f"553 5.6.7 address {recipient} cannot be delivered without SMTPUTF8, which "
                f"{self.host} does not offer (non-ASCII characters before the @)",
                permanent=True, code=553)
        return ascii_sender, ascii_recipient

    def _reset(self, client: smtplib.SMTP) -> None:
        try:
            client.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()


def _reply(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())[:300]


def make_transport(settings: Settings) -> SmtpTransport | FileTransport:
    if settings.smtp_host:
        return SmtpTransport(settings)
    return FileTransport(settings.outbox_dir)


@dataclass(frozen=True)
class MailSender:
    """What delivery needs to send: the envelope sender and a way to open a transport (one
    SMTP connection, or the outbox folder, per delivery run)."""

    mail_from: str
    open_transport: Callable[[], Transport]


def mail_sender(settings: Settings) -> MailSender:
    return MailSender(settings.mail_from, lambda: make_transport(settings))
