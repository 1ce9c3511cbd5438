"""The shared test fixtures work: a real SMTP round trip and a real browser on a live server."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Any

from tests.fixtures_smtp import SmtpServer, smtp_server  # noqa: F401
from tests.fixtures_web import (  # noqa: F401
    LiveServer,
    browser,
    check_accessibility,
    live_server,
    page,
    screenshot,
)


def test_smtp_server_receives_and_can_refuse(smtp_server: SmtpServer) -> None:  # noqa: F811
    message = EmailMessage()
    message["From"] = "tracker@example.org"
    message["To"] = "student@example.org"
    message["Subject"] = "Essai"
    message.set_content("Bonjour")
    smtp_server.handler.replies.append("451 4.3.0 try again later")
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client:
        try:
            client.send_message(message)
            raise AssertionError("the server was told to answer 451")
        except smtplib.SMTPDataError as exc:
            assert exc.smtp_code == 451
        client.send_message(message)
    assert [m["Subject"] for m in smtp_server.messages] == ["Essai"]


def test_home_page_in_browser_is_accessible(live_server: LiveServer, page: Any) -> None:  # noqa: F811
    page.goto(live_server.url + "/?lang=en")
    assert page.locator("h1").inner_text() == "Never miss a residence-permit deadline"
    assert check_accessibility(page) == []
    screenshot(page, "home-en")
