"""E-mail snapshots: what each e-mail says, as plain text under tests/snapshots/emails/, so that
a reviewer reads a renewal reminder without running code and a change of wording shows in the
diff (tests/snapshots/emails/README.md).

Every case renders through the public functions (render_reminder, render_welcome,
render_digest) with a fixed `today`, recipient, Policy and Settings. The reminder cases are
enumerated from the code, not listed by hand: the rules engine (`evaluate`) gives the milestones
of a case of every title type, and texts._variant, the function that picks the text key of a
milestone, groups them; one case per text key it yields, before and after the milestone's date.
A new milestone kind or text variant is thus a new case, which fails until its snapshot is
written (TRACKER_UPDATE_SNAPSHOTS=1); a snapshot no case produces any more fails too.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import product
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po
from icalendar import Calendar

from tracker.i18n import LANGUAGES, format_day, gettext
from tracker.mail.message import Attachment
from tracker.reminders.emails import (
    CoveredReminder,
    DigestData,
    DigestLine,
    Rendered,
    render_digest,
    render_reminder,
    render_welcome,
)
from tracker.reminders.keys import milestone_infos
from tracker.reminders.texts import MilestoneInfo, Recipient, _variant
from tracker.rules import MILESTONE_KINDS, CaseFacts, TitleType, evaluate
from tracker.rules.dates import add_months
from tracker.rules.policy import Policy
from tracker.rules.titles import ConcoursResult
from tracker.settings import Settings, load_settings

ROOT = Path(__file__).parents[1]
SNAPSHOTS = ROOT / "tests" / "snapshots" / "emails"
UPDATE = os.environ.get("TRACKER_UPDATE_SNAPSHOTS") == "1"

TODAY = date(2026, 11, 9)
POLICY = Policy()  # the defaults: 180 € late fee, Calvados / Manche / Orne contacts
CASE_ID = 7
# The student's département: Calvados (Démarches Simplifiées), unless a case says otherwise.
CALVADOS, MANCHE, PARIS = "14", "50", "75"
# A reminder before its date: the policy's first one for that kind (e.g. E-14 for the title's
# end, 0 for the minor's window, which has that one only). After it: the policy's +1, and a
# reminder sent weeks late (after an outage), which for some kinds has its own wording.
PAST_OFFSETS = (1, 70)


def settings_for_snapshots() -> Settings:
    return load_settings({
        # Never created: with a secret key given, nothing is read from or written to it.
        "TRACKER_INSTANCE_DIR": str(SNAPSHOTS / "no-instance"),
        "TRACKER_SECRET_KEY": "snapshot-secret-key-0123456789",
        "TRACKER_BASE_URL": "https://tracker.example.org",
        "TRACKER_MAIL_FROM": "tracker@example.org",
        "TRACKER_OFFICE_EMAIL": "office@example.org",
    })


def recipient(lang: str, department: str | None = CALVADOS, given_name: str = "Amina") -> Recipient:
    # A fixed token: the real one (keys.recipient_of) is signed with a time stamp.
    return Recipient(21, "amina.benali@example.org", lang, given_name, department,
                     "https://tracker.example.org/unsubscribe?token=snapshot-token")


def infos(facts: CaseFacts) -> list[MilestoneInfo]:
    """The milestones of one case as the service passes them to the e-mails (keys.milestone_infos
    reads only the case's id and its title's type)."""
    case = SimpleNamespace(id=CASE_ID, title=SimpleNamespace(title_type=facts.title_type.value))
    return milestone_infos(case, evaluate(facts, TODAY))  # type: ignore[arg-type]


def every_case_facts() -> Iterator[CaseFacts]:
    """A case of every title type (with every entrance-exam result), nothing filed yet: entered
    in September, 18 in March (a minor), the title ending next September."""
    for title_type, result in product(TitleType, (None, *ConcoursResult)):
        yield CaseFacts(title_type=title_type, expires_on=date(2027, 9, 30),
                        valid_from=date(2026, 9, 1), entry_date=date(2026, 9, 5),
                        date_of_birth=date(2009, 3, 12), concours_result=result)


# --------------------------------------------------------------------------------------------
# The cases


@dataclass(frozen=True)
class Case:
    name: str  # the file is <name>.<lang>.txt
    render: Callable[[str, Settings], Rendered]


def reminder_case(name: str, covered: Sequence[CoveredReminder], *,
                  department: str | None = CALVADOS) -> Case:
    def render(lang: str, settings: Settings) -> Rendered:
        # The calendar gets the milestones still to come, as planning._plan_student passes them.
        upcoming = sorted((r.milestone for r in covered if r.milestone.date >= TODAY),
                          key=lambda m: m.date)
        return render_reminder(recipient(lang, department), covered, upcoming, TODAY, POLICY,
                               settings)
    return Case(name, render)


def dated(m: MilestoneInfo, offset: int) -> CoveredReminder:
    """The reminder `offset` days from milestone `m`, moved so that it is due today."""
    return CoveredReminder(replace(m, date=TODAY - timedelta(days=offset)), offset)


def variant_name(key: str) -> str:
    """`mail.todo_past.title_expires.concours` -> `title_expires.concours.past`."""
    _mail, family, kind, *variant = key.split(".")
    return ".".join([kind, *variant, *(["past"] if family.endswith("_past") else [])])


def milestone_reminders() -> list[tuple[str, CoveredReminder]]:
    """One reminder per text key that _variant gives the milestones of every title type,
    before and after the date; the first milestone found for a key stands for it."""
    found: dict[str, CoveredReminder] = {}
    for facts in every_case_facts():
        for m in infos(facts):
            first = min(POLICY.offsets[m.kind])
            for offset in (first, *PAST_OFFSETS):
                reminder = dated(m, offset)
                found.setdefault(_variant("mail.todo", reminder.milestone, TODAY), reminder)
    return sorted(found.items(), key=lambda item: (
        MILESTONE_KINDS.index(item[1].milestone.kind), variant_name(item[0])))


MILESTONE_REMINDERS = milestone_reminders()


def by_name(name: str) -> CoveredReminder:
    return next(r for key, r in MILESTONE_REMINDERS if variant_name(key) == name)


def several_milestones() -> list[CoveredReminder]:
    """An entrance-exam visa (R5, result pending) ending a month after entry: the first
    application deadline, min(entry + 2 months, E), is the visa's end, and both milestones have
    their E-7 reminder today."""
    facts = CaseFacts(title_type=TitleType.VISA_CONCOURS, expires_on=TODAY + timedelta(days=7),
                      valid_from=add_months(TODAY, -1), entry_date=add_months(TODAY, -1),
                      concours_result=ConcoursResult.PENDING)
    covered = [CoveredReminder(m, (TODAY - m.date).days) for m in infos(facts)]
    assert len(covered) == 2 and all(r.offset == -7 for r in covered), covered
    return covered


def welcome_case(name: str, facts: CaseFacts | None, *, given_name: str = "Amina") -> Case:
    def render(lang: str, settings: Settings) -> Rendered:
        milestones = infos(facts) if facts is not None else []
        return render_welcome(recipient(lang, given_name=given_name), milestones, TODAY,
                              POLICY, settings)
    return Case(name, render)


# Renewal of a student card ending in 200 days: every milestone to come.
CARD = CaseFacts(title_type=TitleType.STUDENT_CARD, expires_on=TODAY + timedelta(days=200),
                 valid_from=date(2026, 5, 28))
# A VLS-TS entered four months ago and not validated: R1's deadline has passed, the renewal
# milestones are to come.
VLS_TS = CaseFacts(title_type=TitleType.VLS_TS, expires_on=date(2027, 7, 1),
                   valid_from=date(2026, 7, 1), entry_date=add_months(TODAY, -4))
# A card that ended seven months ago: every milestone has passed, ANEF's access too (R9).
EXPIRED = CaseFacts(title_type=TitleType.STUDENT_CARD, expires_on=add_months(TODAY, -7),
                    valid_from=add_months(TODAY, -19))


def digest_case(name: str, data: Callable[[str], DigestData]) -> Case:
    def render(lang: str, settings: Settings) -> Rendered:
        return render_digest(data(lang), TODAY, lang, POLICY, settings)
    return Case(name, render)


# The lines' details, written as digest.collect_digest writes them.
def overdue_detail(kind: str, day: date, lang: str) -> str:
    name = gettext(f"milestone.{kind}", lang, late_fee=POLICY.late_fee_eur(TODAY))
    return f"{name} ({format_day(day, lang)})"


def case_detail(procedure: str, day: date, lang: str) -> str:
    return f"{gettext(f'procedure.{procedure}', lang)}, {format_day(day, lang)}"


def digest_with_sections(lang: str) -> DigestData:
    """Something new in every section since the previous digest, more failures than lines."""
    return DigestData(
        overdue_reminders=[
            DigestLine("21900001", "Amina BENALI",
                       overdue_detail("renewal_fee_free_until", date(2026, 11, 8), lang)),
            DigestLine("21900002", "Li WEI",
                       overdue_detail("title_expires", date(2026, 11, 8), lang)),
        ],
        missed_deadlines=[DigestLine("21900003", "Zoé MARTIN",
                                     case_detail("vls_ts_validation", date(2026, 11, 7), lang))],
        fee_threshold=[DigestLine("21900001", "Amina BENALI",
                                  case_detail("renewal", date(2026, 11, 8), lang))],
        failed=[DigestLine("21900004", "Kofi MENSAH",
                           "kofi@example.org: 550 5.1.1 mailbox unknown"),
                DigestLine("-", "", "office-copy@example.org: 452 4.2.2 mailbox full")],
        counts={"overdue": 2, "missed": 1, "fee": 1, "failed": 5},
        since=date(2026, 11, 6),
        standing={"missed": 4, "fee": 3},
    )


def first_digest(lang: str) -> DigestData:
    """The very first digest (no previous one): everything so far, one section."""
    return DigestData(
        overdue_reminders=[DigestLine("21900002", "Li WEI",
                                      overdue_detail("title_expires", date(2026, 10, 1), lang))],
        counts={"overdue": 1, "missed": 0, "fee": 0, "failed": 0},
        standing={"missed": 1, "fee": 0},
    )


def empty_digest(lang: str) -> DigestData:
    """Nothing new since the previous digest, cases still at risk. digest.plan_digest does not
    send it (DigestData.empty): the snapshot shows what render_digest would say."""
    return DigestData(counts={"overdue": 0, "missed": 0, "fee": 0, "failed": 0},
                      since=date(2026, 11, 8), standing={"missed": 4, "fee": 3})


CASES: list[Case] = [
    *(reminder_case(f"reminder.{variant_name(key)}", [r]) for key, r in MILESTONE_REMINDERS),
    # Where to apply for a milestone ANEF does not take (here a minor's window, R4): the
    # prefecture by e-mail (Manche), and the prefecture of a département we have no contacts for.
    reminder_case("reminder.minor_window_opens.where_prefecture_email",
                  [by_name("minor_window_opens")], department=MANCHE),
    reminder_case("reminder.minor_window_opens.where_own_prefecture",
                  [by_name("minor_window_opens")], department=PARIS),
    reminder_case("reminder.several", several_milestones()),
    welcome_case("welcome.upcoming", CARD),
    welcome_case("welcome.passed", VLS_TS),
    welcome_case("welcome.all_passed", EXPIRED),
    welcome_case("welcome.no_milestone", None),
    welcome_case("welcome.no_name", CARD, given_name=" "),
    digest_case("digest.sections", digest_with_sections),
    digest_case("digest.first", first_digest),
    digest_case("digest.empty", empty_digest),
]


def snapshot_path(case: Case, lang: str) -> Path:
    return SNAPSHOTS / f"{case.name}.{lang}.txt"


def attachment_line(attachment: Attachment) -> str:
    if attachment.subtype != "calendar":
        return attachment.filename
    # How many dates the calendar holds: the text says it "adds these dates" to the calendar.
    events = len(Calendar.from_ical(attachment.content).walk("VEVENT"))
    return f"{attachment.filename} ({events} event{'' if events == 1 else 's'})"


def snapshot_text(rendered: Rendered) -> str:
    names = ", ".join(attachment_line(a) for a in rendered.attachments) or "(none)"
    return f"Subject: {rendered.subject}\nAttachments: {names}\n\n{rendered.text}"


# --------------------------------------------------------------------------------------------
# The tests


@pytest.fixture(scope="module")
def settings() -> Settings:
    return settings_for_snapshots()


@pytest.mark.parametrize(("case", "lang"), [(c, lang) for c in CASES for lang in LANGUAGES],
                         ids=[f"{c.name}.{lang}" for c in CASES for lang in LANGUAGES])
def test_email_matches_its_snapshot(case: Case, lang: str, settings: Settings) -> None:
    actual = snapshot_text(case.render(lang, settings))
    path = snapshot_path(case, lang)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != actual:
            path.write_text(actual, encoding="utf-8", newline="\n")
        return
    expected = path.read_text(encoding="utf-8") if path.exists() else ""
    if actual != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), actual.splitlines(keepends=True),
            fromfile=str(path.relative_to(ROOT)), tofile="rendered"))
        problem = "differs from the rendered e-mail" if path.exists() else "is missing"
        pytest.fail(f"{path.name} {problem}; if the change is wanted, rerun with "
                    f"TRACKER_UPDATE_SNAPSHOTS=1 and commit the files.\n{diff}", pytrace=False)


def test_no_stale_snapshot() -> None:
    wanted = {snapshot_path(c, lang).name for c in CASES for lang in LANGUAGES}
    assert len(wanted) == len(CASES) * len(LANGUAGES), "two cases write the same file"
    stale = sorted(p for p in SNAPSHOTS.glob("*.txt") if p.name not in wanted)
    if UPDATE:
        for path in stale:
            path.unlink()
        return
    assert not stale, (f"snapshots no case produces (remove them, or rerun with "
                       f"TRACKER_UPDATE_SNAPSHOTS=1): {[p.name for p in stale]}")


def test_cases_cover_every_milestone_text() -> None:
    """Every milestone kind, before and after its date, and every text of the catalog's
    mail.todo(_past) and mail.late(_past) families has its case: a kind or variant that the
    facts above never produce would otherwise be left without a snapshot, unnoticed."""
    keys = {key for key, _ in MILESTONE_REMINDERS}
    for kind in MILESTONE_KINDS:
        assert f"mail.todo.{kind}" in keys and f"mail.todo_past.{kind}" in keys, kind
    # The same milestones give the "if late" / "what this means now" keys.
    late = {_variant("mail.late", r.milestone, TODAY) for _, r in MILESTONE_REMINDERS}
    for lang in LANGUAGES:
        path = ROOT / "tracker" / "translations" / lang / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            catalog = {m.id for m in read_po(handle) if isinstance(m.id, str)}
        assert {k for k in catalog if k.startswith(("mail.todo.", "mail.todo_past."))} == keys
        assert {k for k in catalog if k.startswith(("mail.late.", "mail.late_past."))} == late
    # The where-variants' premises: Calvados has Démarches Simplifiées, Manche an e-mail
    # address only, and Paris no contacts at all.
    calvados, manche = POLICY.contacts_for(CALVADOS), POLICY.contacts_for(MANCHE)
    assert calvados is not None and calvados.demarches_simplifiees_url
    assert manche is not None and not manche.demarches_simplifiees_url
    assert POLICY.contacts_for(PARIS) is None
