"""The office's reminder policy file (TRACKER_POLICY_FILE, TOML) over the defaults of
tracker.rules.policy (DESIGN 6: offsets; RULES.md: contacts, fees).

Every key is checked: an unknown key or milestone kind, or a value of the wrong type, raises
SettingsError naming the file and the key, so start-up stops before a typo silently changes
who is warned when. Example:

    renewal_safety_margin_days = 1
    office_email = "intl.spi@unicaen.fr"

    [offsets]                       # per milestone kind; kinds not named keep their default
    renewal_fee_free_until = [-45, -30, -14, -7, -2, 0, 1]

    [contacts."50"]                 # per département (INSEE code); others keep their default
    prefecture_name = "Préfecture de la Manche"
    prefecture_email = "pref-etrangers@manche.gouv.fr"

    [[fees]]                        # when present, replaces the whole dated fee table
    name = "late_renewal"           # (rules.policy.DEFAULT_FEES is the default);
    amount_eur = 200                # here a made-up new amount from a made-up date
    since = 2027-07-01
    confirmed = false
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from tracker.rules.departments import is_department, normalise_department
from tracker.rules.milestones import MILESTONE_KINDS
from tracker.rules.policy import (
    DEFAULT_CONTACTS,
    DEFAULT_OFFSETS,
    DEFAULT_POLICY,
    Contacts,
    Fee,
    Policy,
)
from tracker.settings import SettingsError

TOP_LEVEL_KEYS = frozenset({
    "offsets", "contacts", "fees", "renewal_safety_margin_days", "anef_url", "anef_hotline",
    "office_email",
})
CONTACT_KEYS = frozenset({"prefecture_name", "prefecture_email", "demarches_simplifiees_url"})
FEE_KEYS = frozenset({"name", "amount_eur", "since", "confirmed"})
# A reminder more than a year away from its milestone is a typo, not a policy.
MAX_OFFSET_DAYS = 366
_EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
_URL = re.compile(r"https?://[^\s]+")


class _Checker:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, expected: str, value: object = None) -> SettingsError:
        shown = "" if value is None else f" (got {value!r})"
        return SettingsError(f"TRACKER_POLICY_FILE {self.path}: {key}: expected {expected}{shown}")

    def table(self, key: str, value: object) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, "a table", value)
        return value

    def text(self, key: str, value: object, pattern: re.Pattern[str] | None = None,
             what: str = "a non-empty string") -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, what, value)
        if pattern is not None and not pattern.fullmatch(value.strip()):
            raise self.fail(key, what, value)
        return value.strip()

    def integer(self, key: str, value: object, low: int, high: int) -> int:
        # bool is an int in Python; `true` is never a number of days.
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, f"a whole number from {low} to {high}", value)
        return value

    def unknown(self, key: str, given: dict[str, Any], allowed: frozenset[str]) -> None:
        extra = sorted(set(given) - allowed)
        if extra:
            prefix = f"{key}." if key else ""
            raise SettingsError(
                f"TRACKER_POLICY_FILE {self.path}: {prefix}{extra[0]}: unknown key "
                f"(known: {', '.join(sorted(allowed))})"
            )


def _offsets(check: _Checker, raw: object) -> dict[str, tuple[int, ...]]:
    table = check.table("offsets", raw)
    check.unknown("offsets", table, frozenset(MILESTONE_KINDS))
    offsets = dict(DEFAULT_OFFSETS)
    for kind, values in table.items():
        key = f"offsets.{kind}"
        if not isinstance(values, list):
            raise check.fail(key, "a list of whole numbers of days, e.g. [-7, 0, 1]", values)
        days = [check.integer(f"{key}[{i}]", v, -MAX_OFFSET_DAYS, MAX_OFFSET_DAYS)
                for i, v in enumerate(values)]
        if len(set(days)) != len(days):
            raise check.fail(key, "each offset once", values)
        offsets[kind] = tuple(sorted(days))
    return offsets


def _contacts(check: _Checker, raw: object) -> dict[str, Contacts]:
    table = check.table("contacts", raw)
    contacts = dict(DEFAULT_CONTACTS)
    for code, entry in table.items():
        department = normalise_department(str(code))
        key = f"contacts.{code}"
        if not is_department(department):
            raise check.fail(key, "an INSEE département code such as 14, 50 or 61", code)
        fields = check.table(key, entry)
        check.unknown(key, fields, CONTACT_KEYS)
        base = contacts.get(department)
        name = fields.get("prefecture_name", base.prefecture_name if base else None)
        email = fields.get("prefecture_email", base.prefecture_email if base else None)
        url = fields.get("demarches_simplifiees_url",
                         base.demarches_simplifiees_url if base else None)
        contacts[department] = Contacts(
            prefecture_name=check.text(f"{key}.prefecture_name", name),
            prefecture_email=check.text(f"{key}.prefecture_email", email, _EMAIL,
                                        "an e-mail address"),
            demarches_simplifiees_url=None if url in (None, "") else check.text(
                f"{key}.demarches_simplifiees_url", url, _URL, "an http(s):// URL"),
        )
    return contacts


def _fees(check: _Checker, raw: object) -> tuple[Fee, ...]:
    if not isinstance(raw, list) or not raw:
        raise check.fail("fees", "a non-empty array of tables ([[fees]])", raw)
    fees = []
    for i, entry in enumerate(raw):
        key = f"fees[{i}]"
        fields = check.table(key, entry)
        check.unknown(key, fields, FEE_KEYS)
        missing = sorted(FEE_KEYS - set(fields) - {"confirmed"})
        if missing:
            raise check.fail(f"{key}.{missing[0]}", "a value (required)")
        since = fields["since"]
        if not isinstance(since, date) or hasattr(since, "hour"):
            raise check.fail(f"{key}.since", "a TOML date, e.g. 2021-05-01", since)
        confirmed = fields.get("confirmed", True)
        if not isinstance(confirmed, bool):
            raise check.fail(f"{key}.confirmed", "true or false", confirmed)
        fees.append(Fee(
            name=check.text(f"{key}.name", fields["name"]),
            amount_eur=check.integer(f"{key}.amount_eur", fields["amount_eur"], 0, 100_000),
            since=since,
            confirmed=confirmed,
        ))
    if not any(f.name == "late_renewal" for f in fees):
        # Messages quote the R7 late fee: a table without it would make them lie.
        raise check.fail("fees", "an entry named late_renewal (the R7 fee)")
    return tuple(fees)


def load_policy(path: Path | str) -> Policy:
    """Read the policy file; raise SettingsError naming the file and the key on any problem."""
    path = Path(path)
    check = _Checker(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"TRACKER_POLICY_FILE {path}: cannot be read ({exc.strerror})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"TRACKER_POLICY_FILE {path}: not valid TOML: {exc}") from exc
    check.unknown("", raw, TOP_LEVEL_KEYS)
    policy = DEFAULT_POLICY
    if "offsets" in raw:
        policy = replace(policy, offsets=_offsets(check, raw["offsets"]))
    if "contacts" in raw:
        policy = replace(policy, contacts=_contacts(check, raw["contacts"]))
    if "fees" in raw:
        policy = replace(policy, fees=_fees(check, raw["fees"]))
    if "renewal_safety_margin_days" in raw:
        policy = replace(policy, renewal_safety_margin_days=check.integer(
            "renewal_safety_margin_days", raw["renewal_safety_margin_days"], 0, 59))
    if "anef_url" in raw:
        policy = replace(policy, anef_url=check.text("anef_url", raw["anef_url"], _URL,
                                                     "an http(s):// URL"))
    if "anef_hotline" in raw:
        policy = replace(policy, anef_hotline=check.text("anef_hotline", raw["anef_hotline"]))
    if "office_email" in raw:
        policy = replace(policy, office_email=check.text("office_email", raw["office_email"],
                                                         _EMAIL, "an e-mail address"))
    return policy
