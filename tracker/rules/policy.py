"""Reminder policy, fees and contacts: configuration data with defaults (DESIGN 6, RULES.md).

These are defaults the office can override in the TOML file named by TRACKER_POLICY_FILE
(loaded by tracker.policy). Nothing here is read from disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# DESIGN section 6: days relative to the milestone date.
DEFAULT_OFFSETS: dict[str, tuple[int, ...]] = {
    "vls_ts_validation_deadline": (-60, -30, -14, -7, -2, 0, 1),
    "first_application_deadline": (-45, -30, -14, -7, -2, 0, 1),
    "minor_window_opens": (0,),
    "minor_window_closes": (-7, 0),
    "minor_legal_deadline": (-30, -14, -7, -2, 0, 1),
    "renewal_window_opens": (0,),
    "renewal_fee_free_until": (-30, -14, -7, -2, 0, 1),
    "title_expires": (-14, -7, 0, 1),
    "anef_access_ends": (-30, -7),
}


@dataclass(frozen=True)
class Fee:
    """A dated amount: the one in force on a day is the latest whose `since` is not after it."""

    name: str
    amount_eur: int
    since: date
    confirmed: bool


# RULES.md "Fees": dated configuration, never constants in messages.
DEFAULT_FEES: tuple[Fee, ...] = (
    Fee("late_renewal", 180, date(2021, 5, 1), True),
    Fee("vls_ts_validation_tax", 50, date(2020, 1, 2), True),
    Fee("vls_ts_validation_tax", 100, date(2026, 1, 1), False),
    Fee("student_card_tax", 50, date(2020, 1, 2), True),
    Fee("student_card_stamp", 25, date(2020, 1, 2), True),
    Fee("student_card_stamp", 50, date(2026, 1, 1), False),
)


@dataclass(frozen=True)
class Contacts:
    """Where a student of one département turns for cases ANEF does not take (R9, R4, R5)."""

    prefecture_name: str
    prefecture_email: str
    demarches_simplifiees_url: str | None = None  # only where the prefecture uses it


ANEF_URL = "https://administration-etrangers-en-france.interieur.gouv.fr"
ANEF_HOTLINE = "0806 001 620"
OFFICE_EMAIL = "intl.spi@unicaen.fr"
DS_CALVADOS_URL = (
    "https://www.demarches-simplifiees.fr/commencer/pref14-sejour-etudiant-autre-etablissement"
)

DEFAULT_CONTACTS: dict[str, Contacts] = {
    "14": Contacts("Préfecture du Calvados", "pref-etrangers@calvados.gouv.fr", DS_CALVADOS_URL),
    "50": Contacts("Préfecture de la Manche", "pref-etrangers@manche.gouv.fr"),
    "61": Contacts("Préfecture de l'Orne", "pref-etrangers@orne.gouv.fr"),
}


@dataclass(frozen=True)
class Policy:
    offsets: dict[str, tuple[int, ...]] = field(default_factory=lambda: dict(DEFAULT_OFFSETS))
    fees: tuple[Fee, ...] = DEFAULT_FEES
    contacts: dict[str, Contacts] = field(default_factory=lambda: dict(DEFAULT_CONTACTS))
    anef_url: str = ANEF_URL
    anef_hotline: str = ANEF_HOTLINE
    office_email: str = OFFICE_EMAIL
    # RULES ambiguity 2: E-60 is the last on-time day, but messages advise filing by E-61.
    renewal_safety_margin_days: int = 1

    def fee(self, name: str, on: date) -> Fee | None:
        in_force = [f for f in self.fees if f.name == name and f.since <= on]
        return max(in_force, key=lambda f: f.since) if in_force else None

    def late_fee_eur(self, on: date) -> int:
        """R7/R8: the late-renewal fee in force on `on`. Every text that states the amount takes
        it from here (the `late_fee` parameter of the catalogs), so the fee table is its only
        source; before the first dated fee, the first one applies."""
        fee = self.fee("late_renewal", on)
        if fee is None:
            dated = sorted((f for f in self.fees if f.name == "late_renewal"),
                           key=lambda f: f.since)
            fee = dated[0] if dated else next(
                f for f in DEFAULT_FEES if f.name == "late_renewal")
        return fee.amount_eur

    def contacts_for(self, department: str | None) -> Contacts | None:
        """The contacts of the student's own prefecture, or None when we have none for their
        département (or it is unknown). RULES "Platforms and contacts": the prefecture of the
        département of residence is competent, so another prefecture's address (e.g.
        Calvados's) would send the student to the wrong place; callers then say "the
        prefecture of your département of residence" and point to the office."""
        return self.contacts.get(department or "")


DEFAULT_POLICY = Policy()
