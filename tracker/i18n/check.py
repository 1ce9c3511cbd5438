"""The catalog check: `make check-translations`, run by CI (python -m tracker.i18n.check).

Fails (exit status 1, one line per problem) when, in tracker/translations/{fr,en}:
- a catalog is missing, unreadable, or has another plural rule than tracker's;
- a message is missing from either language, or has an empty translation (or plural form);
- a message is fuzzy, or obsolete (#~);
- the placeholders of fr and en differ: Babel's python_format checker is run both ways (en as
  the id and fr as the translation, then the reverse), on each plural form too, and the names
  are compared (Babel lets a text without any placeholder pass), so a placeholder missing on
  either side fails; a text with placeholders must be flagged
  `#, python-format` and format cleanly (a literal percent sign is written %%);
- the code uses a key that the catalogs lack (the keys `make extract` finds), or a catalog has
  a key that the extraction does not find (`make update-translations` would obsolete it: a key
  built at run time belongs in tracker/i18n/dynamic_keys.py).

Babel decides python-format from the msgid, and tracker's msgids are keys without
placeholders: Babel's reader drops the flag, so `pybabel update` writes the catalogs without
it. `python -m tracker.i18n.check --restore-flags` (run by `make update-translations`) puts it
back on every text with placeholders, and this check reads the flags from the file itself.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message, TranslationError
from babel.messages.checkers import python_format
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, unescape, write_po

from tracker.i18n import DOMAIN, LANGUAGES, TRANSLATIONS_DIR

SOURCE_ROOT = Path(__file__).resolve().parents[2]
# The same keywords as the Makefile's BABEL_KEYWORDS (a test compares them).
KEYWORDS: tuple[str, ...] = ("_", "gettext", "ngettext:1,2", "pgettext:1c,2", "N_", "t")
PLURAL_FORMS = {"fr": "nplurals=2; plural=(n > 1);", "en": "nplurals=2; plural=(n != 1);"}

Key = str | tuple[str, str]  # a msgid, or (msgid, msgctxt)
_NAMED_PLACEHOLDER = re.compile(r"%\(([A-Za-z_]\w*)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")


class _AnyParams(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "X"


def _key(message: Message) -> Key:
    msgid = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return (msgid, message.context) if message.context else msgid


def _name(key: Key) -> str:
    return key if isinstance(key, str) else f"{key[0]} (context {key[1]})"


def _forms(message: Message) -> tuple[str, ...]:
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return tuple(text or "" for text in strings)


def load_catalog(path: Path, lang: str) -> Catalog:
    with path.open("rb") as fp:
        return read_po(fp, locale=lang, domain=DOMAIN)


def _po_string(lines: list[str], i: int, prefix: str) -> tuple[str, int]:
    """The string that starts on line i after `prefix` and goes on over the "..." lines."""
    parts = [unescape(lines[i][len(prefix):].strip())]
    i += 1
    while i < len(lines) and lines[i].startswith('"'):
        parts.append(unescape(lines[i].strip()))
        i += 1
    return "".join(parts), i


def file_flags(path: Path) -> dict[Key, set[str]]:
    """The `#,` flags written before each entry of a .po file (Babel's reader drops
    python-format on keys: see the module's docstring). Obsolete (#~) entries are left out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: dict[Key, set[str]] = {}
    flags: set[str] = set()
    context: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
        elif line.startswith("msgctxt "):
            context, i = _po_string(lines, i, "msgctxt ")
            continue
        elif line.startswith("msgid "):
            msgid, i = _po_string(lines, i, "msgid ")
            found[(msgid, context) if context else msgid] = flags
            flags, context = set(), None
            continue
        elif not line.strip():
            flags, context = set(), None
        i += 1
    return found


def restore_flags(translations_dir: Path = TRANSLATIONS_DIR) -> int:
    """Flag python-format every text with placeholders (after `pybabel update`); returns how
    many catalogs changed."""
    changed = 0
    for lang in LANGUAGES:
        path = translations_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        catalog = load_catalog(path, lang)
        for message in catalog:
            if message.id and any(_has_placeholders(form) for form in _forms(message)):
                message.flags.add("python-format")
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as out:
            write_po(out, catalog)
        written = Path(out.name)
        if written.read_bytes() == path.read_bytes():
            written.unlink()
        else:
            written.replace(path)
            changed += 1
    return changed


def check_catalogs(catalogs: dict[str, Catalog],
                   flags: dict[str, dict[Key, set[str]]] | None = None) -> list[str]:
    """Problems of the catalogs themselves and between the two languages; `flags` are the
    files' own flags (file_flags), by language."""
    problems: list[str] = []
    entries: dict[str, dict[Key, Message]] = {}
    for lang, catalog in catalogs.items():
        if catalog.plural_forms != PLURAL_FORMS[lang]:
            problems.append(f"{lang}: Plural-Forms is {catalog.plural_forms!r}, "
                            f"expected {PLURAL_FORMS[lang]!r}")
        if catalog.fuzzy:
            problems.append(f"{lang}: the catalog header is marked fuzzy")
        for message in catalog.obsolete.values():
            problems.append(f"{lang}: {_name(_key(message))}: obsolete entry (#~)")
        entries[lang] = {}
        for message in catalog:
            if not message.id:
                continue
            key = _key(message)
            entries[lang][key] = message
            if message.fuzzy:
                problems.append(f"{lang}: {_name(key)}: fuzzy")
            if not all(form.strip() for form in _forms(message)):
                problems.append(f"{lang}: {_name(key)}: empty translation")
            written = (flags or {}).get(lang, {}).get(key, message.flags)
            problems += _format_problems(lang, key, message, "python-format" in written)
    fr, en = entries["fr"], entries["en"]
    for key in sorted(fr.keys() - en.keys(), key=_name):
        problems.append(f"en: {_name(key)}: missing (present in fr)")
    for key in sorted(en.keys() - fr.keys(), key=_name):
        problems.append(f"fr: {_name(key)}: missing (present in en)")
    for key in sorted(fr.keys() & en.keys(), key=_name):
        problems += _agreement_problems(key, fr[key], en[key])
    return problems


def _format_problems(lang: str, key: Key, message: Message, flagged: bool) -> list[str]:
    problems = []
    for form in _forms(message):
        if not flagged:
            if _has_placeholders(form):
                problems.append(f"{lang}: {_name(key)}: has placeholders but no "
                                f"python-format flag (make update-translations restores it)")
            continue
        try:
            form % _AnyParams()
        except (ValueError, TypeError) as exc:
            problems.append(f"{lang}: {_name(key)}: does not format ({exc}); "
                            f"a literal percent sign is written %%")
    return problems


def _has_placeholders(text: str) -> bool:
    return _NAMED_PLACEHOLDER.search(text) is not None


def _placeholder_names(text: str) -> set[str]:
    return {match.group(1) for match in _NAMED_PLACEHOLDER.finditer(text)}


def _agreement_problems(key: Key, fr: Message, en: Message) -> list[str]:
    if fr.pluralizable != en.pluralizable or (fr.pluralizable and fr.id != en.id):
        return [f"{_name(key)}: plural in one language only, or with another msgid_plural"]
    problems = []
    fr_forms, en_forms = _forms(fr), _forms(en)
    if fr.pluralizable:
        if len(fr_forms) != 2 or len(en_forms) != 2:
            return [f"{_name(key)}: expected 2 plural forms in each language"]
        directions: tuple[tuple[str, str, Any, Any], ...] = (
            ("en", "fr", en_forms, fr_forms), ("fr", "en", fr_forms, en_forms))
    else:
        directions = (("en", "fr", en_forms[0], fr_forms[0]), ("fr", "en", fr_forms[0],
                                                               en_forms[0]))
    # Babel's checker passes a text without any placeholder against one with some (it only
    # checks the names a text uses): compare the names too.
    for form, (fr_text, en_text) in enumerate(zip(fr_forms, en_forms, strict=False)):
        fr_names, en_names = _placeholder_names(fr_text), _placeholder_names(en_text)
        if fr_names != en_names:
            which = f" (plural form {form})" if fr.pluralizable else ""
            problems.append(f"{_name(key)}: placeholders differ{which}: fr has "
                            f"{sorted(fr_names)}, en has {sorted(en_names)}")
    for id_lang, string_lang, msgid, msgstr in directions:
        # The message's own id is a symbolic key: compare the two languages' texts instead.
        probe = Message(msgid, msgstr, flags={"python-format"})
        try:
            python_format(None, probe)
        except TranslationError as exc:
            problems.append(f"{_name(key)}: {string_lang} does not match {id_lang}'s "
                            f"placeholders: {exc}")
    return problems


def extracted_messages(root: Path = SOURCE_ROOT) -> Catalog:
    """What `make extract` finds: babel.cfg's files, with KEYWORDS."""
    config = root / "babel.cfg"
    if not config.is_file():
        raise FileNotFoundError(f"{config} is missing: run the check from a source checkout")
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        args = ["pybabel", "-q", "extract", "-F", str(config), "-o", str(pot), "--no-location"]
        for keyword in KEYWORDS:
            args += ["-k", keyword]
        # Babel warns on stderr of each f-string call (f"milestone.{kind}"): those are the
        # keys dynamic_keys.py lists.
        with contextlib.redirect_stderr(io.StringIO()):
            CommandLineInterface().run([*args, str(root)])
        with pot.open("rb") as fp:
            return read_po(fp)


def check_extraction(catalogs: dict[str, Catalog], extracted: Catalog) -> list[str]:
    problems = []
    found = {_key(m): m for m in extracted if m.id}
    for lang, catalog in catalogs.items():
        keys = {_key(m): m for m in catalog if m.id}
        for key in sorted(found.keys() - keys.keys(), key=_name):
            problems.append(f"{lang}: {_name(key)}: used in the code but missing from the "
                            f"catalog (make update-translations, then translate it)")
        for key in sorted(keys.keys() - found.keys(), key=_name):
            problems.append(f"{lang}: {_name(key)}: not found in the code (make extract); a key "
                            f"built at run time goes in tracker/i18n/dynamic_keys.py")
        for key in sorted(found.keys() & keys.keys(), key=_name):
            if found[key].pluralizable != keys[key].pluralizable:
                problems.append(f"{lang}: {_name(key)}: the code and the catalog disagree on "
                                f"whether it is a plural (ngettext)")
    return problems


def check(translations_dir: Path = TRANSLATIONS_DIR, root: Path | None = SOURCE_ROOT,
          languages: Iterable[str] = LANGUAGES) -> list[str]:
    """Every problem found; `root` None skips the comparison with the code."""
    catalogs: dict[str, Catalog] = {}
    flags: dict[str, dict[Key, set[str]]] = {}
    problems: list[str] = []
    for lang in languages:
        path = translations_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        try:
            catalogs[lang] = load_catalog(path, lang)
            flags[lang] = file_flags(path)
        except (OSError, ValueError) as exc:
            problems.append(f"{lang}: cannot read {path}: {exc}")
    if problems:
        return problems
    problems += check_catalogs(catalogs, flags)
    if root is not None:
        problems += check_extraction(catalogs, extracted_messages(root))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tracker.i18n.check", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--translations", type=Path, default=TRANSLATIONS_DIR)
    parser.add_argument("--root", type=Path, default=SOURCE_ROOT,
                        help="the source checkout whose babel.cfg names the files to extract")
    parser.add_argument("--restore-flags", action="store_true",
                        help="flag python-format the texts with placeholders, then check")
    args = parser.parse_args(argv)
    if args.restore_flags:
        changed = restore_flags(args.translations)
        print(f"python-format flags restored in {changed} catalog(s)")
    problems = check(args.translations, args.root)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the catalogs", file=sys.stderr)
        return 1
    counts = {lang: len(load_catalog(args.translations / lang / "LC_MESSAGES"
                                     / f"{DOMAIN}.po", lang)) for lang in LANGUAGES}
    print("catalogs OK: " + ", ".join(f"{lang} {n} messages" for lang, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
