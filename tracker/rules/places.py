"""Where a student files for a milestone: ANEF, their prefecture, the consulate or the office.

One decision for every surface: the student's page (tracker.cases.guidance), the e-mails
(tracker.reminders.texts) and the calendars ask `place_for`. Platforms and contacts are
configuration data of the policy (RULES.md "Platforms and contacts"), not code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tracker.rules.policy import Contacts, Policy
from tracker.rules.titles import Procedure, TitleType

# "own_prefecture": the prefecture of the student's département when we have no contacts for
# it (outside 14/50/61, or unknown); `email` is then the office's, to ask which and how.
PlaceKind = Literal["anef", "demarches", "prefecture", "own_prefecture", "consulate", "office"]


@dataclass(frozen=True)
class Place:
    kind: PlaceKind
    url: str | None = None
    email: str | None = None
    name: str | None = None


def own_prefecture(policy: Policy) -> Place:
    return Place("own_prefecture", email=policy.office_email)


def local_place(contacts: Contacts | None, policy: Policy) -> Place:
    """For the cases ANEF does not take: Démarches Simplifiées where the prefecture uses it,
    otherwise the prefecture by e-mail (R4, R5, R9); without contacts for the student's
    département, their own prefecture, with the office to ask."""
    if contacts is None:
        return own_prefecture(policy)
    if contacts.demarches_simplifiees_url:
        return Place("demarches", url=contacts.demarches_simplifiees_url,
                     name=contacts.prefecture_name)
    return Place("prefecture", email=contacts.prefecture_email, name=contacts.prefecture_name)


def place_for(kind: str, procedure: Procedure, title_type: TitleType, policy: Policy,
              contacts: Contacts | None, *, past: bool) -> Place:
    """Where the step of milestone `kind` is done; `past`: the milestone's date has gone by."""
    if procedure is Procedure.EXAM_FAILED:
        return Place("consulate")  # R5 failed: a study visa from the consulate abroad
    if past and kind == "vls_ts_validation_deadline":
        # RULES ambiguity 3: no official late-validation procedure: the office acts.
        return Place("office", email=policy.office_email)
    if (kind.startswith("minor_") or procedure is Procedure.MINOR_AT_18
            or title_type is TitleType.VISA_CONCOURS):
        return local_place(contacts, policy)  # R4 (at 18) and R5 (concours): not on ANEF
    if past and kind == "anef_access_ends":
        return local_place(contacts, policy)  # R9: once ANEF access ends, the prefecture
    return Place("anef", url=policy.anef_url)
