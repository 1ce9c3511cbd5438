"""A live tracker web server in a thread and a real browser (Debian's chromium via Playwright).

Registered for the whole suite by tests/conftest.py (pytest_plugins). Screenshots go to
test-output/screenshots/; `check_accessibility(page)` injects axe-core (npm package installed by
`make test` into tests/e2e/node_modules) and returns the WCAG 2.1 A/AA violations. The `page`
fixture fails its test on any Content-Security-Policy violation (`watch_csp`).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from tracker.runtime import Runtime
from tracker.web import create_app

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("TRACKER_TEST_CHROMIUM", "/usr/bin/chromium")
AXE_JS = REPO / "tests" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "test-output" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
# Flags from the machine notes: without them chromium tries to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass
class LiveServer:
    app: Flask
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"


def start_live_server(app: Flask) -> LiveServer:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return LiveServer(app, server, thread)


@pytest.fixture
def live_server(runtime: Runtime) -> Iterator[LiveServer]:
    """The app on the test database; the tests' Runtime is shared, so the test can read the
    database the browser writes to."""
    app = create_app(runtime=runtime, config={"RATELIMIT_ENABLED": False})
    live = start_live_server(app)
    try:
        yield live
    finally:
        live.server.shutdown()
        live.thread.join(timeout=5)


_SHARED_BROWSER: dict[str, Any] = {}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One chromium per test process. Every test module that imports this fixture gets a
    fixture definition of its own; a second sync Playwright started while the first runs fails
    ("Sync API inside the asyncio loop"), so the definitions share one instance, stopped when
    the last of them is torn down."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    if not _SHARED_BROWSER:
        playwright = sync_playwright().start()
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _SHARED_BROWSER.update(playwright=playwright, browser=chromium, users=0)
    _SHARED_BROWSER["users"] += 1
    try:
        yield _SHARED_BROWSER["browser"]
    finally:
        _SHARED_BROWSER["users"] -= 1
        if _SHARED_BROWSER["users"] == 0:
            _SHARED_BROWSER["browser"].close()
            _SHARED_BROWSER["playwright"].stop()
            _SHARED_BROWSER.clear()


# Runs in every document before its own scripts. Init scripts and bindings go through the
# DevTools protocol, so the page's policy neither blocks them nor is loosened by them.
_CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__trackerCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}` +
    ` on ${e.documentURI}` + (e.sample ? `: ${e.sample}` : ''));
});
"""


@dataclass
class CspWatch:
    """Content-Security-Policy violations seen by one browser context: the pages' own
    `securitypolicyviolation` events and chromium's console messages about the policy."""

    violations: list[str] = field(default_factory=list)

    def wait_for_any(self, page: Any, timeout_ms: int = 5000) -> list[str]:
        """The violations once there is one (events arrive asynchronously), or [] at timeout."""
        waited = 0
        while not self.violations and waited < timeout_ms:
            page.wait_for_timeout(50)
            waited += 50
        return self.violations


def watch_csp(context: Any) -> CspWatch:
    watch = CspWatch()
    context.expose_binding("__trackerCspViolation",
                           lambda _source, text: watch.violations.append(f"event: {text}"))
    context.add_init_script(_CSP_LISTENER)

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            watch.violations.append(f"console: {message.text}")

    context.on("console", on_console)
    return watch


def assert_no_csp_violations(watch: CspWatch) -> None:
    if watch.violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(watch.violations))


@pytest.fixture
def csp_watch(browser: Any) -> Iterator[tuple[Any, CspWatch]]:
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    watch = watch_csp(context)
    yield context, watch
    context.close()


@pytest.fixture
def page(csp_watch: tuple[Any, CspWatch]) -> Iterator[Any]:
    """A fresh page; the test fails if any page it opened broke the Content-Security-Policy
    (an inline script or style, an asset from elsewhere)."""
    context, watch = csp_watch
    page = context.new_page()
    yield page
    if not page.is_closed():
        page.evaluate("() => new Promise((done) => setTimeout(done, 50))")  # late events
    assert_no_csp_violations(watch)


def screenshot(page: Any, name: str) -> None:
    """Save the page at desktop and phone width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    original = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{safe}-{label}.png"), full_page=True)
    page.set_viewport_size(original)


def check_accessibility(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.1 A and AA violations on the current page (empty list: none).

    The script is evaluated through the DevTools protocol, so the page's Content-Security-Policy
    (no inline scripts) stays in force and is tested at the same time."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: `make test` installs axe-core with npm")
    page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' '))}));
        }"""
    )
    return list(result)
