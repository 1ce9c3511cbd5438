"""French and English texts of the product, and dates formatted for each language (Babel).

Texts live in plain dictionaries, one module per area (core, mail, public, office), each mapping
a key to {"fr": ..., "en": ...}. A test checks that every key has both languages and that both
use the same placeholders. Placeholders are str.format fields: "{date}".
"""

from __future__ import annotations

import importlib
from datetime import date
from functools import cache
from pathlib import Path

from babel.dates import format_date

LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
DOMAIN = "messages"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
# Each area's module defines MESSAGES; a module not written yet is simply absent.
CATALOG_MODULES: tuple[str, ...] = ("core", "mail", "public", "office")


@cache
def catalog() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for name in CATALOG_MODULES:
        try:
            module = importlib.import_module(f"tracker.i18n.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tracker.i18n.{name}":
                raise
            continue
        for key, texts in module.MESSAGES.items():
            if key in merged:
                raise RuntimeError(f"text key {key!r} defined twice (tracker.i18n.{name})")
            merged[key] = texts
    return merged


def normalise_language(lang: str | None) -> str:
    lang = (lang or "").strip().lower()[:2]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def gettext(key: str, lang: str | None, /, **params: object) -> str:
    """The text for `key` in `lang`; an unknown key raises, so a typo fails tests loudly."""
    texts = catalog()[key]
    text = texts[normalise_language(lang)]
    return text.format(**params) if params else text


def has_text(key: str) -> bool:
    return key in catalog()


def format_day(day: date, lang: str | None, style: str = "long") -> str:
    """'2 mars 2027' / '2 March 2027'; French writes the first of the month '1er'."""
    french = normalise_language(lang) == "fr"
    text = format_date(day, format=style, locale="fr_FR" if french else "en_GB")
    if french and day.day == 1 and style in ("long", "full"):
        text = text.replace("1 ", "1er ", 1)
    return text


def N_(key: str) -> str:
    """Marks a key for `make extract` where it is written but translated elsewhere."""
    return key
