"""Every product text exists in French and English with the same placeholders, and the
vocabulary of the rules engine has a text for each of its values."""

from __future__ import annotations

import ast
import importlib
import string
from datetime import date
from pathlib import Path

import pytest

import tracker.rules.milestones
from tracker.i18n import (
    CATALOG_MODULES,
    LANGUAGES,
    catalog,
    format_day,
    gettext,
    has_text,
    normalise_language,
)
from tracker.rules import CASE_STATUSES, MILESTONE_KINDS, PROCEDURES, TITLE_TYPES, URGENCIES

# Flags that tracker.rules.milestones.evaluate may set (DESIGN 5 names the first five).
RULE_FLAGS = (
    "entry_date_missing", "visa_ends_before_majority", "born_29_february", "not_renewable",
    "anef_closed", "title_expired", "late_fee_applies", "escalate_to_office",
    "concours_result_pending", "date_of_birth_missing",
)


def _flags_in_code() -> set[str]:
    """The string literals the rules engine appends to `flags`."""
    tree = ast.parse(Path(tracker.rules.milestones.__file__).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        values: list[ast.expr] = []
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "flags"):
            values = list(node.args)
        elif (isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name)
              and node.target.id == "flags" and isinstance(node.value, ast.List)):
            values = list(node.value.elts)
        found |= {v.value for v in values if isinstance(v, ast.Constant)}
    return found


def test_rule_flags_list_matches_the_engine() -> None:
    assert _flags_in_code() == set(RULE_FLAGS)


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _modules() -> list[str]:
    found = []
    for name in CATALOG_MODULES:
        try:
            importlib.import_module(f"tracker.i18n.{name}")
        except ModuleNotFoundError:
            continue
        found.append(name)
    return found


def test_catalog_is_not_empty_and_merges_every_module() -> None:
    assert "core" in _modules()
    total = sum(len(importlib.import_module(f"tracker.i18n.{m}").MESSAGES) for m in _modules())
    assert len(catalog()) == total > 0  # no key defined twice


@pytest.mark.parametrize("key", sorted(catalog()))
def test_every_key_has_both_languages_with_the_same_placeholders(key: str) -> None:
    texts = catalog()[key]
    assert set(texts) == set(LANGUAGES), key
    for lang in LANGUAGES:
        assert isinstance(texts[lang], str) and texts[lang].strip(), (key, lang)
    assert _placeholders(texts["fr"]) == _placeholders(texts["en"]), key
    # Formatting with every placeholder filled works in both languages.
    params = {name: "X" for name in _placeholders(texts["fr"])}
    for lang in LANGUAGES:
        gettext(key, lang, **params)


def test_vocabulary_of_the_rules_has_texts() -> None:
    missing = [
        key
        for key in (
            *(f"milestone.{k}" for k in MILESTONE_KINDS),
            *(f"procedure.{p}" for p in PROCEDURES),
            *(f"status.{s}" for s in CASE_STATUSES),
            *(f"urgency.{u}" for u in URGENCIES),
            *(f"flag.{f}" for f in RULE_FLAGS),
            *(f"title.{t}" for t in TITLE_TYPES),
        )
        if not has_text(key)
    ]
    assert missing == []


def test_gettext_languages_and_unknown_keys() -> None:
    assert gettext("flag.anef_closed", "fr") == catalog()["flag.anef_closed"]["fr"]
    assert gettext("flag.anef_closed", "en") == catalog()["flag.anef_closed"]["en"]
    assert gettext("flag.anef_closed", "en-GB") == catalog()["flag.anef_closed"]["en"]
    # Anything else falls back to French, the default.
    assert gettext("flag.anef_closed", "de") == catalog()["flag.anef_closed"]["fr"]
    assert gettext("flag.anef_closed", None) == catalog()["flag.anef_closed"]["fr"]
    assert normalise_language(" EN ") == "en"
    with pytest.raises(KeyError):
        gettext("no.such.key", "fr")


@pytest.mark.parametrize(
    ("day", "fr", "en"),
    [
        (date(2027, 3, 2), "2 mars 2027", "2 March 2027"),
        (date(2028, 2, 29), "29 février 2028", "29 February 2028"),
        (date(2026, 8, 31), "31 août 2026", "31 August 2026"),
        (date(2026, 12, 1), "1er décembre 2026", "1 December 2026"),
    ],
)
def test_format_day(day: date, fr: str, en: str) -> None:
    assert format_day(day, "fr") == fr
    assert format_day(day, "en") == en
    assert format_day(day, None) == fr


def test_format_day_short() -> None:
    assert format_day(date(2027, 3, 2), "fr", "short") == "02/03/2027"
    assert format_day(date(2027, 3, 2), "en", "short") == "02/03/2027"
