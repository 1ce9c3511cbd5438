"""The office's policy file (TRACKER_POLICY_FILE): overrides, and a bad file stops start-up
with a message naming the file and the key."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tracker.policy import load_policy
from tracker.rules.policy import DEFAULT_OFFSETS
from tracker.settings import SettingsError

GOOD = """
renewal_safety_margin_days = 3
office_email = "international@example.org"

[offsets]
renewal_fee_free_until = [-45, -30, -7, 0, 1]
title_expires = [-21, 0]

[contacts.50]
prefecture_email = "etrangers@example.org"

[contacts.76]
prefecture_name = "Préfecture de la Seine-Maritime"
prefecture_email = "pref-etrangers@example.org"

[[fees]]
name = "late_renewal"
amount_eur = 200
since = 2027-01-01

[[fees]]
name = "late_renewal"
amount_eur = 180
since = 2021-05-01
confirmed = true
"""


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_overrides_merge_with_defaults(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, GOOD))
    assert policy.offsets["renewal_fee_free_until"] == (-45, -30, -7, 0, 1)
    assert policy.offsets["title_expires"] == (-21, 0)
    assert policy.offsets["anef_access_ends"] == DEFAULT_OFFSETS["anef_access_ends"]
    assert policy.renewal_safety_margin_days == 3
    assert policy.office_email == "international@example.org"
    manche = policy.contacts_for("50")
    assert manche.prefecture_email == "etrangers@example.org"
    assert manche.prefecture_name == "Préfecture de la Manche"  # kept from the default
    assert policy.contacts_for("76").prefecture_name == "Préfecture de la Seine-Maritime"
    assert policy.contacts_for("14").demarches_simplifiees_url is not None
    fee = policy.fee("late_renewal", date(2027, 3, 1))
    assert fee is not None and fee.amount_eur == 200
    fee = policy.fee("late_renewal", date(2026, 3, 1))
    assert fee is not None and fee.amount_eur == 180


@pytest.mark.parametrize(("body", "named"), [
    ("color = 'blue'", "color: unknown key"),
    ("[offsets]\nrenewal_deadline = [-7]", "offsets.renewal_deadline: unknown key"),
    ("[offsets]\ntitle_expires = -7", "offsets.title_expires: expected a list"),
    ("[offsets]\ntitle_expires = [-7, 'x']", "offsets.title_expires[1]: expected a whole number"),
    ("[offsets]\ntitle_expires = [-7, true]", "offsets.title_expires[1]"),
    ("[offsets]\ntitle_expires = [-7, -7]", "offsets.title_expires: expected each offset once"),
    ("[offsets]\ntitle_expires = [-700]", "offsets.title_expires[0]: expected a whole number"),
    ("[contacts.99]\nprefecture_name = 'x'", "contacts.99: expected an INSEE"),
    ("[contacts.14]\nprefecture_email = 'nope'", "contacts.14.prefecture_email: expected an e"),
    ("[contacts.14]\nphone = '02'", "contacts.14.phone: unknown key"),
    ("[contacts.76]\nprefecture_name = 'x'", "contacts.76.prefecture_email: expected"),
    ("[[fees]]\nname = 'late_renewal'\namount_eur = 180", "fees[0].since: expected a value"),
    ("[[fees]]\nname = 'late_renewal'\namount_eur = 'x'\nsince = 2021-05-01",
     "fees[0].amount_eur: expected a whole number"),
    ("[[fees]]\nname = 'stamp'\namount_eur = 25\nsince = 2021-05-01",
     "fees: expected an entry named late_renewal"),
    ("renewal_safety_margin_days = 90", "renewal_safety_margin_days: expected a whole number"),
    ("[offsets\n", "not valid TOML"),
])
def test_bad_file_names_file_and_key(tmp_path: Path, body: str, named: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(SettingsError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert str(path) in message and named in message, message


def test_bad_policy_file_stops_the_command(tracker_env: dict[str, str], tmp_path: Path) -> None:
    path = write(tmp_path, "[offsets]\ntitle_expire = [-7]\n")
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "reminders", "run", "--today", "2026-09-01"],
        env=tracker_env | {"TRACKER_POLICY_FILE": str(path)}, capture_output=True, text=True,
        timeout=120, check=False)
    assert result.returncode == 2
    assert "offsets.title_expire: unknown key" in result.stderr
    assert str(path) in result.stderr


def test_runtime_policy_drives_arming(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from sqlalchemy import select

    from tests.fixtures_reminders import add_student
    from tracker.models import Reminder
    from tracker.runtime import build_runtime

    runtime = build_runtime(replace(settings, policy_file=write(tmp_path, GOOD)))
    try:
        with runtime.session() as session:
            add_student(session, date(2026, 9, 1))
        with runtime.session() as session:
            offsets = session.scalars(select(Reminder.offset_days).where(
                Reminder.milestone_kind == "renewal_fee_free_until")
                .order_by(Reminder.offset_days)).all()
        assert offsets == [-45, -30, -7, 0, 1]
    finally:
        runtime.dispose()
