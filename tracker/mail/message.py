"""Building RFC 5322 messages with the stdlib `email` package.

Header values never carry CR or LF from user data: `header_safe` folds them to spaces before
anything reaches a header, and the stdlib policy would refuse them anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")


def header_safe(value: str) -> str:
    return _LINE_BREAKS.sub(" ", value).strip()


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: tuple[tuple[str, str], ...] = ()


def new_message_id(sender: str) -> str:
    """A globally unique Message-ID on the sender's domain, e.g. <...@university.example>."""
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "tracker.localdomain"
    return make_msgid(domain=header_safe(domain))


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
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = header_safe(sender)
    message["To"] = header_safe(to)
    message["Subject"] = header_safe(subject)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id
    message["X-Tracker-Kind"] = kind
    for name, value in headers:
        message[name] = header_safe(value)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for item in attachments:
        message.add_attachment(
            item.content, maintype=item.maintype, subtype=item.subtype,
            filename=item.filename, params=dict(item.params),
        )
    # Set last: set_content() and add_attachment() drop every Content-* header set before.
    message["Content-Language"] = header_safe(language)
    return message
