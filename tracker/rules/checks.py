"""Cross-field checks of a title's facts, shared by the CSV import, the forms and the services.

Each check returns (field, error code, params); the caller turns the code into a message in the
user's language (tracker.i18n). Field names are the CSV column names of DESIGN section 4.
"""

from __future__ import annotations

from datetime import date

from tracker.rules.dates import eighteenth_birthday
from tracker.rules.titles import ALGERIA, TitleType, algerian_may_hold

VISA_TITLES = frozenset(
    {TitleType.VLS_TS, TitleType.VISA_CSA, TitleType.VISA_CONCOURS, TitleType.VISA_MINOR}
)

Problem = tuple[str, str, dict[str, str]]


def title_problems(
    *,
    title_type: TitleType | None,
    valid_from: date | None,
    expires_on: date | None,
    entry_date: date | None,
    nationality: str | None,
    date_of_birth: date | None,
    validated_on: date | None = None,
    submitted_on: date | None = None,
    today: date | None = None,
) -> list[Problem]:
    """What is inconsistent in these facts. With `today`, dates that cannot lie in the future
    are checked too (the caller that knows the day passes it)."""
    problems: list[Problem] = []
    if valid_from and expires_on and expires_on < valid_from:
        problems.append(("title_expires_on", "error.expiry_before_start",
                         {"start": valid_from.isoformat()}))
    if entry_date and expires_on and entry_date > expires_on:
        problems.append(("entry_date", "error.entry_after_expiry",
                         {"end": expires_on.isoformat()}))
    # A visa is used to enter France: the entry must fall within its validity. A card is issued
    # in France, long after the entry, so only the upper bound applies to it.
    if (entry_date and valid_from and title_type in VISA_TITLES and entry_date < valid_from):
        problems.append(("entry_date", "error.entry_before_start",
                         {"start": valid_from.isoformat()}))
    if (
        title_type is not None
        and (nationality or "").upper() == ALGERIA
        and not algerian_may_hold(title_type)
    ):
        problems.append(("title_type", "error.algerian_title", {"title_type": title_type.value}))
    if date_of_birth and entry_date and date_of_birth > entry_date:
        problems.append(("date_of_birth", "error.born_after_entry", {}))
    if (
        title_type is TitleType.ALGERIAN_CERTIFICATE
        and nationality
        and nationality.upper() != ALGERIA
    ):
        # R3: the certificate exists only under the Franco-Algerian agreement.
        problems.append(("title_type", "error.certificate_not_algerian",
                         {"nationality": nationality.upper()}))
    if title_type is TitleType.VISA_MINOR and date_of_birth is None:
        problems.append(("date_of_birth", "error.required_for_minor", {}))
    arrival = entry_date or valid_from
    # R4 is about a student who arrived as a minor: someone already 18 on arrival holds some
    # other visa, and R4's dates would be meaningless for them.
    if (title_type is TitleType.VISA_MINOR and date_of_birth and arrival
            and eighteenth_birthday(date_of_birth) <= arrival):
        problems.append(("date_of_birth", "error.minor_visa_adult",
                         {"date": arrival.isoformat()}))
    if validated_on and arrival and validated_on < arrival:
        # R1's validation is done online after the entry into France.
        problems.append(("validated_on", "error.validated_before_arrival",
                         {"date": arrival.isoformat()}))
    if today is not None:
        for field, day in (("date_of_birth", date_of_birth), ("validated_on", validated_on),
                           ("application_submitted_on", submitted_on)):
            if day is not None and day > today:
                problems.append((field, "error.date_after_today", {"today": today.isoformat()}))
    return problems
