"""Running the office behind a reverse proxy and with several workers: the rate-limit storage
and trusted-proxy settings, what Flask-Limiter and Werkzeug's ProxyFix make of them, HSTS,
and language links that keep the page's query string."""

from __future__ import annotations

import importlib.util
import re
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from limits.storage import MemoryStorage

from tests.fixtures_office import (  # noqa: F401
    add_staff,
    app,
    office_app,
    sign_in,
    staff_client,
)
from tracker.runtime import Runtime
from tracker.settings import SettingsError, load_settings
from tracker.web import limiter
from tracker.web.office.account import LOGIN_LIMIT

LOGIN_LIMIT_COUNT = int(LOGIN_LIMIT.split()[0])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"TRACKER_INSTANCE_DIR": str(tmp_path / "instance")}


def test_defaults_trust_no_proxy_and_count_in_memory(env: dict[str, str]) -> None:
    settings = load_settings(env)
    assert settings.ratelimit_storage == "memory://"
    assert settings.trusted_proxies == 0


@pytest.mark.parametrize("value", ["mysql://db.example.org/limits", "memory", "redis:/x",
                                   "file:///tmp/limits"])
def test_an_unknown_rate_limit_storage_stops_start_up(env: dict[str, str], value: str) -> None:
    with pytest.raises(SettingsError, match="TRACKER_RATELIMIT_STORAGE") as error:
        load_settings(dict(env, TRACKER_RATELIMIT_STORAGE=value))
    assert "redis://" in str(error.value)  # says what it accepts


def test_a_redis_storage_needs_the_redis_package(env: dict[str, str]) -> None:
    url = "redis://:s3cret-password@cache.internal:6379/0"
    if importlib.util.find_spec("redis") is None:
        with pytest.raises(SettingsError, match="TRACKER_RATELIMIT_STORAGE") as error:
            load_settings(dict(env, TRACKER_RATELIMIT_STORAGE=url))
        assert "`redis` Python package" in str(error.value)
        assert "s3cret" not in str(error.value)  # the message may end up in a log
    else:
        assert load_settings(dict(env, TRACKER_RATELIMIT_STORAGE=url)).ratelimit_storage == url


@pytest.mark.parametrize("value", ["-1", "yes", "1.5", "11"])
def test_a_bad_trusted_proxies_count_stops_start_up(env: dict[str, str], value: str) -> None:
    with pytest.raises(SettingsError, match="TRACKER_TRUSTED_PROXIES"):
        load_settings(dict(env, TRACKER_TRUSTED_PROXIES=value))


def test_trusted_proxies_is_read(env: dict[str, str]) -> None:
    assert load_settings(dict(env, TRACKER_TRUSTED_PROXIES=" 2 ")).trusted_proxies == 2


def _app(runtime: Runtime, **changes: object) -> Flask:
    """The office app with settings changed, rate limits on (one fresh store per app)."""
    settings = replace(runtime.settings, **changes)  # type: ignore[arg-type]
    return office_app(replace(runtime, settings=settings), RATELIMIT_ENABLED=True)


def test_the_storage_setting_reaches_flask_limiter(runtime: Runtime) -> None:
    limited = _app(runtime, ratelimit_storage="memory://")
    assert limited.config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert isinstance(limiter.storage, MemoryStorage)


def _login_codes(web: Flask, forwarded_for: str, count: int) -> list[int]:
    client = web.test_client()
    return [client.post("/office/login", data={"email": "x@example.org", "password": "x"},
                        environ_base={"REMOTE_ADDR": "127.0.0.1"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code
            for _ in range(count)]


def test_behind_a_trusted_proxy_limits_count_per_real_client(runtime: Runtime) -> None:
    proxied = _app(runtime, trusted_proxies=1)
    first = _login_codes(proxied, "203.0.113.10", LOGIN_LIMIT_COUNT + 1)
    assert first[:LOGIN_LIMIT_COUNT] == [200] * LOGIN_LIMIT_COUNT and first[-1] == 429
    # Another client behind the same proxy is not blocked by the first one's attempts.
    assert _login_codes(proxied, "203.0.113.11", 1) == [200]


def test_without_trusted_proxies_a_forged_header_does_not_escape_the_limit(
    runtime: Runtime,
) -> None:
    direct = _app(runtime, trusted_proxies=0)
    codes = [_login_codes(direct, f"198.51.100.{n}", 1)[0]
             for n in range(LOGIN_LIMIT_COUNT + 1)]
    assert codes[-1] == 429


@pytest.mark.parametrize(("proxies", "hsts"), [(1, True), (0, False)])
def test_https_at_a_trusted_proxy_means_hsts(
    runtime: Runtime, proxies: int, hsts: bool
) -> None:
    web = _app(runtime, trusted_proxies=proxies, base_url="https://tracker.example.org")
    response = web.test_client().get(
        "/office/login", headers={"X-Forwarded-Proto": "https",
                                  "X-Forwarded-Host": "tracker.example.org"})
    assert response.status_code == 200
    assert ("Strict-Transport-Security" in response.headers) is hsts
    assert web.config["SESSION_COOKIE_SECURE"] is True


def test_a_secure_session_cookie_is_set_behind_the_proxy(runtime: Runtime) -> None:
    add_staff(runtime, "agent@example.org", "staff")
    web = _app(runtime, trusted_proxies=1, base_url="https://tracker.example.org")
    client = web.test_client()
    response = client.post("/office/login", data={"email": "agent@example.org",
                                                  "password": "correct horse battery staple"},
                           headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert "Strict-Transport-Security" in response.headers


def _language_links(html: str) -> dict[str, str]:
    return {lang: unescape(href) for href, lang in re.findall(
        r'<a href="([^"]*)" lang="(fr|en)" hreflang', html)}


def test_language_links_keep_the_filters(staff_client: FlaskClient) -> None:  # noqa: F811
    query = "/office/?urgency=act_now&department=14&q=Nguy%C3%AAn&page=1"
    links = _language_links(staff_client.get(query).get_data(as_text=True))
    assert set(links) == {"fr", "en"}
    english = staff_client.get("/office/" + links["en"])
    html = english.get_data(as_text=True)
    assert 'lang="en"' in html
    # Still filtered after switching: the filter form shows the same values.
    assert '<option value="act_now" selected>' in html
    assert 'value="14"' in html and 'value="Nguyên"' in html
    # Switching back replaces the language, it does not pile up ?lang= arguments.
    back = _language_links(html)["fr"]
    assert back.count("lang=") == 1 and "urgency=act_now" in back


def test_language_links_on_a_page_without_query(staff_client: FlaskClient) -> None:  # noqa: F811
    links = _language_links(staff_client.get("/office/stats").get_data(as_text=True))
    assert links == {"fr": "?lang=fr", "en": "?lang=en"}
