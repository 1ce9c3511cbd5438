"""Building RFC 5322 messages with the stdlib `email` package.

Header values never carry CR or LF from user data: `header_safe` folds them to spaces before
anything reaches a header.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import charset as _charset
from email import encoders
from email.header import Header
from email.message import Message, _formatparam  # type: ignore[attr-defined]
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.policy import compat32
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache
from typing import cast

_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")
_UTF8_QP = _charset.Charset("utf-8")
_UTF8_QP.header_encoding = _charset.BASE64  # no per-character cost comparison (SHORTEST)
_UTF8_QP.body_encoding = _charset.QP


class _Utf8Addresses(type(compat32)):  # type: ignore[misc]
    """compat32, except that a non-ASCII address header is written as UTF-8 (RFC 6532).

    compat32 would turn `To: josé@example.org` into an RFC 2047 encoded word, which is not
    allowed in an address: mail clients show it quoted or not at all. Such a message only goes
    out over SMTPUTF8 (tracker.mail.transport), where UTF-8 headers are the rule."""

    def _fold(self, name: str, value: object, sanitize: bool) -> str:
        if isinstance(value, str):
            if not value.isascii():
                if name.lower() in _ADDRESS_HEADERS:
                    return f"{name}: {value}{self.linesep}"
            elif not _LINE_BREAKS.search(value) and (
                    len(name) + 2 + len(value) <= (self.max_line_length or _MAX_LINE)
                    or (not self.max_line_length and value == value.strip())):
                # What compat32's Header.encode gives an ASCII line that needs no folding (a
                # short one, or any when folding is off, as in Message.as_string()), without
                # building a Header object: most of the serialising time went there.
                return f"{name}: {value}{self.linesep}"
        return str(super()._fold(name, value, sanitize))


_ADDRESS_HEADERS = frozenset({"from", "to"})
_SERIALISE = _Utf8Addresses()
_MAX_LINE = _SERIALISE.max_line_length or 78


def serialise(message: Message) -> str:
    """The message as stored in the outbox and sent."""
    return message.as_string(policy=_SERIALISE)


def header_safe(value: str) -> str:
    return _LINE_BREAKS.sub(" ", value).strip()


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: tuple[tuple[str, str], ...] = ()


def _boundary(message_id: str, n: int) -> str:
    """The n-th MIME boundary of a message, chosen here rather than by the generator, which
    would search the whole message for it with a freshly compiled regex (a millisecond per
    part). Derived from the Message-ID, so a message serialises the same way twice. It
    cannot occur in the body: the parts are quoted-printable (where "=" is always followed
    by hex digits or ends a line, never "==") or base64 (no "-" or "=" at a line's start)."""
    digest = hashlib.sha256(message_id.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return f"==============={digest}.{n}=="


def new_message_id(sender: str) -> str:
    """A globally unique Message-ID on the sender's domain, e.g. <...@university.example>."""
    address = parseaddr(sender)[1]
    domain = address.rsplit("@", 1)[-1] if "@" in address else "tracker.localdomain"
    return make_msgid(domain=header_safe(domain))


def _quoted_printable(body: str) -> str:
    """UTF-8 in quoted-printable, by binascii (C), three times faster than the pure-Python
    encoder MIMEText uses; both keep lines under 76 characters and decode to the same text."""
    return binascii.b2a_qp(body.encode("utf-8"), istext=True).decode("ascii")


def _text_part(body: str, subtype: str) -> Message:
    part = MIMENonMultipart("text", subtype, charset="utf-8")
    part.set_payload(_quoted_printable(body))
    part["Content-Transfer-Encoding"] = "quoted-printable"
    return part


def _header(value: str) -> str | Header:
    value = header_safe(value)
    # Non-ASCII goes out as RFC 2047 encoded words; ASCII stays readable as it is.
    return value if value.isascii() else Header(value, _UTF8_QP)


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    message_id: str,
    language: str,
    kind: str,
    html: str | None = None,
    headers: Iterable[tuple[str, str]] = (),
    attachments: Sequence[Attachment] = (),
    date: datetime | None = None,
) -> Message:
    """The message as it will be stored and sent, as a stdlib Message (compat32); the
    outbox writes the same text directly with `render_message`.

    Built with the stdlib's MIME classes (compat32), which are about ten times faster than
    EmailMessage's header registry: the daily run builds thousands of these. Bodies are UTF-8
    in quoted-printable, so every line stays 7-bit and short whatever the text."""
    body: Message = _text_part(text, "plain")
    if html is not None:
        alternative = MIMEMultipart("alternative", boundary=_boundary(message_id, 1))
        alternative.attach(body)
        alternative.attach(_text_part(html, "html"))
        body = alternative
    if attachments:
        message: Message = MIMEMultipart("mixed", boundary=_boundary(message_id, 0))
        message.attach(body)
        for item in attachments:
            part = MIMEBase(item.maintype, item.subtype, policy=None, **dict(item.params))
            part.set_payload(item.content)
            encoders.encode_base64(part)
            part.add_header("Content-Disposition", "attachment",
                            filename=header_safe(item.filename))
            message.attach(part)
    else:
        message = body
    # compat32 messages take a Header as a header value (typeshed types Message's values as
    # str only, its default type parameter).
    headed = cast("Message[str, str | Header]", message)
    for name, value in _top_headers(sender, to, subject, message_id, language, kind, headers,
                                    date):
        headed[name] = value
    return message


def _top_headers(sender: str, to: str, subject: str, message_id: str, language: str,
                 kind: str, headers: Iterable[tuple[str, str]],
                 date: datetime | None) -> list[tuple[str, str | Header]]:
    return [
        ("From", header_safe(sender)),
        ("To", header_safe(to)),
        ("Subject", _header(subject)),
        ("Date", format_datetime(date or datetime.now(UTC))),
        ("Message-ID", header_safe(message_id)),
        ("Content-Language", header_safe(language)),
        ("X-Tracker-Kind", header_safe(kind)),
        *((header_safe(name), _header(value)) for name, value in headers),
    ]


# --------------------------------------------------------------------------------------------
# The same text, written directly. The stdlib's objects and generator cost about as much as
# rendering the templates (parameter parsing, charset bookkeeping, a Header per header); the
# daily run writes thousands of messages. tests/test_mail_message.py checks that
# render_message gives exactly serialise(build_message(...)) for every shape of message.

_HEADER_WRITER = _SERIALISE.clone(max_line_length=0)  # what Message.as_string() folds with
_NEWLINES = re.compile(r"\r\n|\r|\n")
_Part = tuple[list[tuple[str, "str | Header"]], str]  # headers, body


@lru_cache(maxsize=4096)
def _encoded_line(name: str, value: str) -> str:
    # Non-ASCII values (subjects, mostly) recur across students: encode each once.
    return str(_HEADER_WRITER.fold(name, _header(value)))


def _header_line(name: str, value: str | Header) -> str:
    if isinstance(value, Header):
        return _encoded_line(name, str(value))
    if value.isascii() and value == value.strip() and not _LINE_BREAKS.search(value):
        return f"{name}: {value}\n"  # _Utf8Addresses._fold's answer, without the dispatch
    return str(_HEADER_WRITER.fold(name, value))


def _flatten(part: _Part) -> str:
    part_headers, body = part
    return "".join(_header_line(name, value) for name, value in part_headers) + "\n" + body


def _lines(payload: str) -> str:
    """The payload with "\n" line ends, as the generator writes it."""
    return "\n".join(_NEWLINES.split(payload))


def _text_body(body: str, subtype: str) -> _Part:
    return ([("Content-Type", f'text/{subtype}; charset="utf-8"'), ("MIME-Version", "1.0"),
             ("Content-Transfer-Encoding", "quoted-printable")],
            _lines(_quoted_printable(body)))


def _multipart(subtype: str, boundary: str, parts: Sequence[_Part]) -> _Part:
    body = f"--{boundary}\n" + f"\n--{boundary}\n".join(_flatten(p) for p in parts) \
        + f"\n--{boundary}--\n"
    return ([("Content-Type", f'multipart/{subtype}; boundary="{boundary}"'),
             ("MIME-Version", "1.0")], body)


def _attachment(item: Attachment) -> _Part:
    params = "".join(f"; {_formatparam(name, value)}" for name, value in item.params)
    encoded = base64.encodebytes(item.content).decode("ascii")  # as encoders.encode_base64
    disposition = f"attachment; {_formatparam('filename', header_safe(item.filename))}"
    return ([("Content-Type", f"{item.maintype}/{item.subtype}{params}"),
             ("MIME-Version", "1.0"), ("Content-Transfer-Encoding", "base64"),
             ("Content-Disposition", disposition)], _lines(encoded))


def render_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    message_id: str,
    language: str,
    kind: str,
    html: str | None = None,
    headers: Iterable[tuple[str, str]] = (),
    attachments: Sequence[Attachment] = (),
    date: datetime | None = None,
) -> str:
    """serialise(build_message(...)) with the same arguments, without the Message objects."""
    body = _text_body(text, "plain")
    if html is not None:
        body = _multipart("alternative", _boundary(message_id, 1),
                          [body, _text_body(html, "html")])
    if attachments:
        body = _multipart("mixed", _boundary(message_id, 0),
                          [body, *(_attachment(item) for item in attachments)])
    part_headers, payload = body
    return _flatten((part_headers + _top_headers(sender, to, subject, message_id, language,
                                                 kind, headers, date), payload))
