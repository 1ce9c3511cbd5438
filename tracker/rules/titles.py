"""Title types, procedures and case statuses: the vocabulary every other layer shares."""

from __future__ import annotations

from enum import StrEnum


class TitleType(StrEnum):
    VLS_TS = "vls-ts"
    VISA_CSA = "visa-csa"  # long-stay visa "carte de séjour à solliciter"
    VISA_CONCOURS = "visa-concours"  # short-stay entrance-exam visa
    VISA_MINOR = "visa-minor"
    STUDENT_CARD = "student-card"
    MULTI_YEAR_CARD = "multi-year-card"
    ALGERIAN_CERTIFICATE = "algerian-certificate"
    TALENT = "talent"
    RECE = "rece"


TITLE_TYPES: tuple[str, ...] = tuple(t.value for t in TitleType)

# R6: titles renewed on ANEF between E-120 and E-60. RECE is renewed in the sense of R6 (a change
# of status is filed the same way) but is itself not renewable (R11).
RENEWABLE_TITLES: frozenset[TitleType] = frozenset(
    {
        TitleType.VLS_TS,
        TitleType.STUDENT_CARD,
        TitleType.MULTI_YEAR_CARD,
        TitleType.ALGERIAN_CERTIFICATE,
        TitleType.TALENT,
        TitleType.RECE,
    }
)

# R3: under the 1968 Franco-Algerian agreement an Algerian national does not get a VLS-TS and is
# not eligible for the multi-year card, the RECE or the entrance-exam visa.
ALGERIAN_FORBIDDEN_TITLES: frozenset[TitleType] = frozenset(
    {
        TitleType.VLS_TS,
        TitleType.MULTI_YEAR_CARD,
        TitleType.RECE,
        TitleType.VISA_CONCOURS,
    }
)
ALGERIA = "DZ"

# Titles that are a visa to turn into a first residence permit: their own end date matters less
# than the deadline to file the first application.
FIRST_APPLICATION_TITLES: frozenset[TitleType] = frozenset(
    {TitleType.VISA_CSA, TitleType.VISA_CONCOURS}
)


class Procedure(StrEnum):
    VLS_TS_VALIDATION = "vls_ts_validation"
    FIRST_APPLICATION = "first_application"
    MINOR_AT_18 = "minor_at_18"
    RENEWAL = "renewal"
    # R5, exam failed: no permit can be had in France; the student must leave before E or apply
    # for a study visa at the consulate.
    EXAM_FAILED = "exam_failed"


PROCEDURES: tuple[str, ...] = tuple(p.value for p in Procedure)


class CaseStatus(StrEnum):
    """R10: an ANEF application's steps are events, not deadlines: submitted (attestation de
    dépôt) → ADF received (attestation de décision favorable) → card collected (a new title with
    its own E, which starts a new R6 cycle); or refused / closed."""

    TODO = "todo"
    SUBMITTED = "submitted"
    ADF_RECEIVED = "adf_received"
    CARD_COLLECTED = "card_collected"
    REFUSED = "refused"
    CLOSED = "closed"


CASE_STATUSES: tuple[str, ...] = tuple(s.value for s in CaseStatus)
# Once filed, the student has done their part: reminders stop (DESIGN 6, rule 2).
FILED_STATUSES: frozenset[CaseStatus] = frozenset(
    {CaseStatus.SUBMITTED, CaseStatus.ADF_RECEIVED, CaseStatus.CARD_COLLECTED}
)
CLOSED_STATUSES: frozenset[CaseStatus] = frozenset(
    {CaseStatus.CARD_COLLECTED, CaseStatus.REFUSED, CaseStatus.CLOSED}
)


class ConcoursResult(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    PENDING = "pending"


CONCOURS_RESULTS: tuple[str, ...] = tuple(r.value for r in ConcoursResult)


def algerian_may_hold(title_type: TitleType) -> bool:
    """R3."""
    return title_type not in ALGERIAN_FORBIDDEN_TITLES
