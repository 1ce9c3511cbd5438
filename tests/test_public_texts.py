"""The e-mails of the public pages render in both languages (the texts themselves are checked
by tracker.i18n.check)."""

from __future__ import annotations

import pytest
from flask import Flask, render_template

from tracker.i18n import gettext
from tracker.runtime import Runtime
from tracker.web import create_app


@pytest.mark.parametrize("template", ["verification", "access_link"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_public_emails_render_in_both_languages(
    runtime: Runtime, template: str, lang: str,
) -> None:
    app: Flask = create_app(runtime=runtime)
    context = {"_": lambda key, **p: gettext(key, lang, **p), "lang": lang,
               "link": "https://tracker.example.org/x/TOKEN", "minutes": 30, "hours": 48,
               "name": "Amina", "home": "https://tracker.example.org/",
               "access": "https://tracker.example.org/access"}
    with app.test_request_context("/"):
        text = render_template(f"emails/{template}.{lang}.txt", **context)
        html = render_template(f"emails/{template}.{lang}.html", **context)
    assert "https://tracker.example.org/x/TOKEN" in text
    assert 'href="https://tracker.example.org/x/TOKEN"' in html
    assert f'<html lang="{lang}">' in html
    assert "Amina" in text and "Amina" in html
    assert gettext("app.footer_disclaimer", lang) in text
