"""French and English texts of the product, and dates formatted for each language (Babel).

Texts live in two gettext catalogs, tracker/translations/{fr,en}/LC_MESSAGES/messages.po, whose
message ids are tracker's symbolic keys ("mail.subject.welcome", "error.date_invalid"): code,
tests and stored error codes name texts by these keys. `make translations` compiles the
catalogs to .mo files, loaded here once per language; `make check-translations` checks that
both catalogs are complete and agree (tracker.i18n.check). Placeholders are Python's
"%(date)s"; a text with placeholders writes a literal percent sign "%%".
"""

from __future__ import annotations

import gettext as _gettext
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from babel.dates import format_date
from babel.support import Translations

LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
DOMAIN = "messages"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


class MissingCatalogError(RuntimeError):
    """A compiled catalog (.mo) is not there: the .po files have not been compiled."""


class _UnknownKey(_gettext.NullTranslations):
    """The fallback of every catalog: a key that neither catalog has raises, so a typo (or a
    key missing from a catalog) fails tests loudly instead of showing the key."""

    def gettext(self, message: str) -> str:
        raise KeyError(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        raise KeyError(msgid1)

    def pgettext(self, context: str, message: str) -> str:
        raise KeyError(f"{context}|{message}")

    def npgettext(self, context: str, msgid1: str, msgid2: str, n: int) -> str:
        raise KeyError(f"{context}|{msgid1}")


def catalog_path(lang: str) -> Path:
    return TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


@cache
def translations(lang: str) -> Translations:
    """The compiled catalog of `lang` (one of LANGUAGES), read once per process."""
    path = catalog_path(lang)
    try:
        with path.open("rb") as fp:
            loaded = Translations(fp, domain=DOMAIN)
    except FileNotFoundError:
        raise MissingCatalogError(
            f"{path} is missing: compile the catalogs with `make translations` "
            f"(pybabel compile -d {TRANSLATIONS_DIR})") from None
    loaded.add_fallback(_UnknownKey())
    return loaded


def normalise_language(lang: str | None) -> str:
    lang = (lang or "").strip().lower()[:2]
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def gettext(key: str, lang: str | None, /, **params: object) -> str:
    """The text for `key` in `lang`; an unknown key raises KeyError."""
    text = translations(normalise_language(lang)).gettext(key)
    return text % params if params else text


def ngettext(key: str, plural_key: str, n: int, lang: str | None, /, **params: object) -> str:
    """The form of the text for `n` (French: one for 0 and 1; English: one for 1 only).
    `count` is n unless given: plural texts write the number as "%(count)s"."""
    text = translations(normalise_language(lang)).ngettext(key, plural_key, n)
    params.setdefault("count", n)
    return text % params


def pgettext(context: str, key: str, lang: str | None, /, **params: object) -> str:
    """The text for `key` in `context` (msgctxt): one key, two senses."""
    text = str(translations(normalise_language(lang)).pgettext(context, key))
    return text % params if params else text


def has_text(key: str) -> bool:
    try:
        translations(DEFAULT_LANGUAGE).gettext(key)
    except KeyError:
        return False
    return True


def N_(key: str) -> str:
    """Marks a key for `make extract` where it is written but translated elsewhere."""
    return key


def format_day(day: date, lang: str | None, style: str = "long") -> str:
    """'2 mars 2027' / '2 March 2027'; French writes the first of the month '1er'."""
    french = normalise_language(lang) == "fr"
    text = format_date(day, format=style, locale="fr_FR" if french else "en_GB")
    if french and day.day == 1 and style in ("long", "full"):
        text = text.replace("1 ", "1er ", 1)
    return text


# How far a day is from today, in the words every surface uses; each surface has its own
# family of keys (`days.<form>` on the student's page, `office.days.<form>`, `mail.when.<form>`).
RelativeDay = Literal["today", "tomorrow", "yesterday", "in", "ago"]


def relative_day(delta: int) -> tuple[RelativeDay, int]:
    """For a day `delta` days from today: ("in", 12) for 12 days ahead, ("ago", 3) for 3 days
    back; 1, 0 and -1 have their own words. The count is never negative."""
    if delta == 0:
        return "today", 0
    if delta == 1:
        return "tomorrow", 1
    if delta == -1:
        return "yesterday", 1
    return ("in", delta) if delta > 0 else ("ago", -delta)
