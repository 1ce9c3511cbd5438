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
from tracker.i18n.check import KEYWORDS, check, restore_flags
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


# --- the catalog check (python -m tracker.i18n.check, make check-translations) -------------

HEADER = '''msgid ""
msgstr ""
"Language: {lang}\\n"
"Plural-Forms: {plurals}\\n"
"Content-Type: text/plain; charset=utf-8\\n"

'''
PLURALS = {"fr": "nplurals=2; plural=(n > 1);", "en": "nplurals=2; plural=(n != 1);"}

GOOD = {
    "fr": '''msgid "a.plain"
msgstr "Bonjour"

#, python-format
msgid "a.date"
msgstr "Le %(date)s, à %(place)s"

#, python-format
msgid "a.count"
msgid_plural "a.count_plural"
msgstr[0] "%(count)s ligne"
msgstr[1] "%(count)s lignes"
''',
    "en": '''msgid "a.plain"
msgstr "Hello"

#, python-format
msgid "a.date"
msgstr "On %(date)s, in %(place)s"

#, python-format
msgid "a.count"
msgid_plural "a.count_plural"
msgstr[0] "%(count)s row"
msgstr[1] "%(count)s rows"
''',
}


def _catalogs(tmp_path: Path, fr: str = GOOD["fr"], en: str = GOOD["en"]) -> Path:
    for lang, body in (("fr", fr), ("en", en)):
        folder = tmp_path / "translations" / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text(
            HEADER.format(lang=lang, plurals=PLURALS[lang]) + body, encoding="utf-8")
    return tmp_path / "translations"


def _problems(tmp_path: Path, **bodies: str) -> list[str]:
    return check(_catalogs(tmp_path, **bodies), root=None)


def test_a_complete_catalog_pair_passes(tmp_path: Path) -> None:
    assert _problems(tmp_path) == []


@pytest.mark.parametrize(
    ("lang", "old", "new", "expected"),
    [
        ("en", 'msgstr "Hello"', 'msgstr ""', "en: a.plain: empty translation"),
        ("fr", 'msgstr[1] "%(count)s lignes"', 'msgstr[1] ""', "fr: a.count: empty translation"),
        ("fr", 'msgid "a.plain"\nmsgstr "Bonjour"\n', "", "fr: a.plain: missing (present in en)"),
        ("en", 'msgid "a.plain"', '#, fuzzy\nmsgid "a.plain"', "en: a.plain: fuzzy"),
        ("fr", 'msgstr "Bonjour"\n', 'msgstr "Bonjour"\n\n#~ msgid "a.gone"\n#~ msgstr "Parti"\n',
         "fr: a.gone: obsolete entry (#~)"),
        # A placeholder missing on either side fails (Babel's checker, both ways).
        ("fr", "Le %(date)s, à %(place)s", "Le %(date)s",
         "a.date: en does not match fr's placeholders: unknown named placeholder 'place'"),
        ("en", "On %(date)s, in %(place)s", "On %(date)s",
         "a.date: fr does not match en's placeholders: unknown named placeholder 'place'"),
        ("fr", "Le %(date)s, à %(place)s", "Le %(date)s, à %(lieu)s",
         "a.date: fr does not match en's placeholders: unknown named placeholder 'lieu'"),
        # ... in plural forms too.
        ("en", 'msgstr[1] "%(count)s rows"', 'msgstr[1] "rows"',
         "a.count: placeholders differ (plural form 1): fr has ['count'], en has []"),
        ("fr", 'msgstr[0] "%(count)s ligne"', 'msgstr[0] "une ligne"',
         "a.count: placeholders differ (plural form 0): fr has [], en has ['count']"),
        # Babel's checker alone lets a text without placeholders pass.
        ("en", "On %(date)s, in %(place)s", "Somewhere",
         "a.date: placeholders differ: fr has ['date', 'place'], en has []"),
        ("en", 'msgid_plural "a.count_plural"\nmsgstr[0] "%(count)s row"\n'
         'msgstr[1] "%(count)s rows"',
         'msgstr "%(count)s rows"', "a.count: plural in one language only"),
        ("fr", '#, python-format\nmsgid "a.date"', 'msgid "a.date"',
         "fr: a.date: has placeholders but no python-format flag"),
        ("fr", "Le %(date)s, à", "Le %(date)s, 100 % à", "fr: a.date: does not format"),
        ("fr", "plural=(n > 1);", "plural=(n != 1);", "fr: Plural-Forms is"),
    ],
)
def test_the_check_fails_on(tmp_path: Path, lang: str, old: str, new: str,
                            expected: str) -> None:
    bodies = {"fr": HEADER.format(lang="fr", plurals=PLURALS["fr"]) + GOOD["fr"],
              "en": HEADER.format(lang="en", plurals=PLURALS["en"]) + GOOD["en"]}
    assert old in bodies[lang]
    bodies[lang] = bodies[lang].replace(old, new)
    for code, body in bodies.items():
        folder = tmp_path / "translations" / code / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text(body, encoding="utf-8")
    problems = check(tmp_path / "translations", root=None)
    assert any(expected in p for p in problems), problems


def test_the_check_compares_the_catalogs_with_the_code(tmp_path: Path) -> None:
    translations = _catalogs(tmp_path)
    (tmp_path / "babel.cfg").write_text("[python: tracker/**.py]\n", encoding="utf-8")
    (tmp_path / "tracker").mkdir()
    (tmp_path / "tracker" / "page.py").write_text(
        'gettext("a.plain", lang)\nngettext("a.count", "a.count_plural", n, lang)\n'
        'gettext("a.typo", lang)\n', encoding="utf-8")
    problems = check(translations, root=tmp_path)
    assert "fr: a.typo: used in the code but missing" in "\n".join(problems)
    assert any(p.startswith("en: a.date: not found in the code") for p in problems)
    assert not any("a.plain" in p or "a.count" in p for p in problems)


def test_the_real_catalogs_pass_the_check() -> None:
    assert check() == []


def test_the_makefile_extracts_with_the_check_s_keywords() -> None:
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    line = next(x for x in makefile.splitlines() if x.startswith("BABEL_KEYWORDS :="))
    assert tuple(line.split(":=", 1)[1].split()[1::2]) == KEYWORDS


def test_restore_flags_puts_back_what_pybabel_update_drops(tmp_path: Path) -> None:
    translations = _catalogs(tmp_path, fr=GOOD["fr"].replace("#, python-format\n", ""))
    assert check(translations, root=None) != []
    assert restore_flags(translations) >= 1
    assert check(translations, root=None) == []
    assert restore_flags(translations) == 0
