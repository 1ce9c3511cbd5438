"""The runtime of the texts (tracker.i18n over the compiled catalogs: languages, unknown keys,
plurals, contexts, dates) and the catalog check (tracker.i18n.check), which replaces the
dictionary-shape tests: every text in both languages with the same placeholders."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import tracker.i18n
import tracker.rules.milestones
from tracker.i18n import (
    MissingCatalogError,
    format_day,
    gettext,
    has_text,
    ngettext,
    normalise_language,
    pgettext,
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
    assert gettext("flag.anef_closed", "fr") == "Accès ANEF fermé"
    assert gettext("flag.anef_closed", "en") == "ANEF access closed"
    assert gettext("flag.anef_closed", "en-GB") == "ANEF access closed"
    # Anything else falls back to French, the default.
    assert gettext("flag.anef_closed", "de") == "Accès ANEF fermé"
    assert gettext("flag.anef_closed", None) == "Accès ANEF fermé"
    assert normalise_language(" EN ") == "en"
    assert gettext("error.too_long", "en", max=12) == "This field must not exceed 12 characters."
    assert has_text("flag.anef_closed") and not has_text("no.such.key")
    with pytest.raises(KeyError):
        gettext("no.such.key", "fr")
    with pytest.raises(KeyError):
        ngettext("no.such.key", "no.such.key_plural", 2, "en")
    with pytest.raises(KeyError):
        pgettext("no.such.context", "flag.anef_closed", "fr")


@pytest.mark.parametrize(
    ("n", "fr", "en"),
    [
        (0, "0 dossier correspondant.", "0 matching cases."),
        (1, "1 dossier correspondant.", "1 matching case."),
        (2, "2 dossiers correspondants.", "2 matching cases."),
    ],
)
def test_plural_texts_follow_each_language_s_rule(n: int, fr: str, en: str) -> None:
    # French takes the singular for 0 and 1 (plural=(n > 1)); English for 1 only.
    key = ("office.worklist.result_count", "office.worklist.result_count_plural")
    assert ngettext(*key, n, "fr") == fr
    assert ngettext(*key, n, "en") == en


def test_the_reminder_subject_is_one_plural_entry() -> None:
    key = ("mail.subject.reminder_one", "mail.subject.reminder_many")
    assert ngettext(*key, 1, "fr", milestone="Fin de validité du titre", when="demain") == (
        "Titre de séjour : Fin de validité du titre, demain")
    assert ngettext(*key, 3, "fr", milestone="x", when="y") == (
        "Titre de séjour : 3 échéances à surveiller")
    assert ngettext(*key, 2, "en", milestone="x", when="y") == (
        "Residence permit: 2 deadlines to watch")


def test_a_sentence_with_several_counts_takes_one_plural_per_count() -> None:
    def part(name: str, n: int, lang: str) -> str:
        return ngettext(f"mail.digest.totals.{name}", f"mail.digest.totals.{name}_plural", n,
                        lang)

    counts = {"overdue": 1, "missed": 2, "fee": 0, "failed": 1}
    assert gettext("mail.digest.totals", "fr", **{k: part(k, n, "fr") for k, n in counts.items()}
                   ) == ("En tout : 1 rappel J+1, 2 dates limites dépassées, 0 seuil de pénalité "
                         "franchi, 1 e-mail non délivré.")
    assert gettext("mail.digest.totals", "en", **{k: part(k, n, "en") for k, n in counts.items()}
                   ) == ("In all: 1 day-after reminder, 2 missed deadlines, 0 penalty thresholds "
                         "crossed, 1 undelivered e-mail.")


def _compiled(tmp_path: Path, bodies: dict[str, str]) -> Path:
    """A translations folder with these catalogs, compiled."""
    folder = _catalogs(tmp_path, **bodies)
    for lang in ("fr", "en"):
        po = folder / lang / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as source, po.with_suffix(".mo").open("wb") as out:
            write_mo(out, read_po(source, locale=lang))
    return folder


@pytest.fixture
def tmp_translations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Points the runtime at a temporary translations folder (see _compiled)."""
    tracker.i18n.translations.cache_clear()
    monkeypatch.setattr(tracker.i18n, "TRANSLATIONS_DIR", tmp_path / "translations")
    yield tmp_path
    tracker.i18n.translations.cache_clear()


def test_a_missing_compiled_catalog_says_to_run_make_translations(tmp_translations: Path) -> None:
    with pytest.raises(MissingCatalogError, match="make translations"):
        gettext("a.plain", "fr")


def test_ngettext_and_pgettext_on_a_compiled_catalog(tmp_translations: Path) -> None:
    context = ('\nmsgctxt "filter"\nmsgid "a.plain"\nmsgstr "{}"\n')
    _compiled(tmp_translations, {"fr": GOOD["fr"] + context.format("Toutes"),
                                 "en": GOOD["en"] + context.format("Any")})
    # French: the singular for 0 and 1; English: for 1 only. `count` is n unless given.
    assert [ngettext("a.count", "a.count_plural", n, "fr") for n in (0, 1, 2)] == [
        "0 ligne", "1 ligne", "2 lignes"]
    assert [ngettext("a.count", "a.count_plural", n, "en") for n in (0, 1, 2)] == [
        "0 rows", "1 row", "2 rows"]
    assert ngettext("a.count", "a.count_plural", 3, "en", count="three") == "three rows"
    # One key, two senses: the context picks the entry.
    assert gettext("a.plain", "fr") == "Bonjour"
    assert pgettext("filter", "a.plain", "fr") == "Toutes"
    assert pgettext("filter", "a.plain", "en") == "Any"
    assert gettext("a.date", "en", date="2 March", place="Caen") == "On 2 March, in Caen"


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


def test_flask_babel_speaks_the_request_s_language(runtime) -> None:  # type: ignore[no-untyped-def]
    import flask_babel

    from tracker.web import create_app

    app = create_app(runtime=runtime)
    for query, lang, text in (("?lang=en", "en", "ANEF access closed"),
                              ("?lang=fr", "fr", "Accès ANEF fermé"),
                              ("", "fr", "Accès ANEF fermé")):
        with app.test_request_context(f"/{query}"):
            app.preprocess_request()
            assert str(flask_babel.get_locale()) == lang
            assert flask_babel.gettext("flag.anef_closed") == text
