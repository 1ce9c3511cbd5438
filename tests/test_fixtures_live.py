"""The shared test fixtures work: a real SMTP round trip and a real browser on a live server."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Any

import pytest

from tests.fixtures_smtp import SmtpServer, smtp_server  # noqa: F401
from tests.fixtures_web import (  # noqa: F401
    CspWatch,
    LiveServer,
    assert_no_csp_violations,
    browser,
    check_accessibility,
    live_server,
    page,
    screenshot,
    start_live_server,
)
from tracker.runtime import Runtime
from tracker.web import create_app


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


INLINE_SCRIPT_PAGE = ("<!doctype html><html lang=en><title>untouched</title>"
                      "<script>document.title = 'the script ran'</script></html>")


def test_a_page_breaking_the_content_security_policy_is_reported(
    runtime: Runtime, csp_watch: tuple[Any, CspWatch],
) -> None:
    """The check behind every browser test: a test-only route served with tracker's headers
    runs an inline script, which the policy blocks and the check reports."""
    app = create_app(runtime=runtime, config={"RATELIMIT_ENABLED": False})
    app.add_url_rule("/test-only/inline-script", "inline_script", lambda: INLINE_SCRIPT_PAGE)
    live = start_live_server(app)
    context, watch = csp_watch
    try:
        page = context.new_page()
        page.goto(live.url + "/test-only/inline-script")
        assert page.title() == "untouched"  # blocked
        violations = watch.wait_for_any(page)
        assert any(v.startswith("event: script-src") and "inline" in v for v in violations)
        page.wait_for_timeout(200)
        assert any(v.startswith("console:") for v in watch.violations)
        with pytest.raises(pytest.fail.Exception, match="script-src"):
            assert_no_csp_violations(watch)
        # A script injected into a served page afterwards is caught too.
        watch.violations.clear()
        page.goto(live.url + "/?lang=en")
        page.set_content("<p>x</p><script>document.title = 'injected'</script>")
        assert watch.wait_for_any(page) and page.title() != "injected"
    finally:
        live.server.shutdown()
        live.thread.join(timeout=5)
