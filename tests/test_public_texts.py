"""The public texts exist in French and English with the same placeholders, and the e-mails
of the public pages render in both languages."""

from __future__ import annotations

import string

import pytest
from flask import Flask, render_template

from tracker.i18n import gettext
from tracker.i18n.public import MESSAGES
from tracker.runtime import Runtime
from tracker.web import create_app


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_public_text_has_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = MESSAGES[key]
    assert set(texts) == {"fr", "en"}
    assert texts["fr"].strip() and texts["en"].strip()
    assert _fields(texts["fr"]) == _fields(texts["en"])


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
