"""Synthetic, realistic students for trying tracker and for benchmarks (`tracker demo`).

Rows are generated as CSV text and go through the import, so they pass the same validation as
real data (valid by construction: a row that fails is a bug in this module). The same seed and
the same `today` give the same students; demo student numbers start with 9 and addresses use
example.org, which never receives mail.

The dates are spread around `today` so that every procedure, milestone and urgency occurs:
VLS-TS to validate (on time, close to the deadline, late), first applications, minors turning
18, entrance-exam visas (passed, failed, pending), renewals before the window, in the window,
late-fee period, expired, and past the end of ANEF access.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TextIO

from sqlalchemy.orm import Session

from tracker.rules.dates import add_days, add_months, add_years
from tracker.students.csv_import import ImportReport, import_rows
from tracker.students.records import CSV_COLUMNS


@dataclass(frozen=True)
class Origin:
    country: str
    weight: int
    french_speaking: bool
    # (family, given) names; some in the script of the country, some transliterated.
    families: tuple[str, ...]
    givens: tuple[str, ...]


ORIGINS: tuple[Origin, ...] = (
    Origin("MA", 14, True, ("Benali", "El Amrani", "Tazi", "Alaoui", "Bennani", "العلوي"),
           ("Amina", "Youssef", "Salma", "Mehdi", "Imane", "يوسف")),
    Origin("DZ", 12, True, ("Benaissa", "Khelifi", "Bouzid", "Haddad", "Mansouri", "بن عيسى"),
           ("Karim", "Lina", "Sofiane", "Yasmine", "Rayan", "ليلى")),
    Origin("TN", 6, True, ("Trabelsi", "Ben Salah", "Jaziri", "Gharbi"),
           ("Nour", "Aymen", "Rania", "Skander")),
    Origin("SN", 6, True, ("Diop", "Ndiaye", "Fall", "Sow", "Diallo"),
           ("Awa", "Moussa", "Fatou", "Cheikh", "Aminata")),
    Origin("CI", 5, True, ("Kouassi", "Konan", "Traoré", "Yao"),
           ("Aya", "Serge", "Marie-Ange", "Koffi")),
    Origin("CM", 5, True, ("Mbarga", "Ngono", "Fotso", "Tchoumi"),
           ("Brice", "Christelle", "Junior", "Estelle")),
    Origin("CN", 8, False, ("Wang", "Li", "Zhang", "Liu", "王", "李", "张"),
           ("Wei", "Fang", "Jing", "Hao", "伟", "芳", "静")),
    Origin("VN", 5, False, ("Nguyễn", "Trần", "Lê", "Phạm"),
           ("Thị Lan", "Văn Minh", "Hoàng Anh", "Ngọc Ánh")),
    Origin("IN", 4, False, ("Sharma", "Patel", "Iyer", "Reddy"),
           ("Priya", "Arjun", "Ananya", "Rohan")),
    Origin("LB", 3, True, ("Khoury", "Haddad", "Nassar", "خوري"),
           ("Rami", "Maya", "Joëlle", "رامي")),
    Origin("BR", 3, False, ("Silva", "Oliveira", "Gonçalves", "Araújo"),
           ("João", "Beatriz", "Letícia", "Thiago")),
    Origin("CO", 2, False, ("García", "Rodríguez", "Martínez"), ("Andrés", "Valentina", "Sofía")),
    Origin("US", 2, False, ("Smith", "Johnson", "O'Brien"), ("Emily", "Michael", "Grace")),
    Origin("RU", 2, False, ("Иванова", "Петров", "Smirnova"), ("Анна", "Dmitri", "Ольга")),
    Origin("TR", 2, False, ("Yılmaz", "Kaya", "Çelik", "Şahin"), ("Elif", "Mehmet", "Zeynep")),
    Origin("IR", 2, False, ("Ahmadi", "Hosseini", "Karimi"), ("Sara", "Reza", "Maryam")),
    Origin("GA", 2, True, ("Mba", "Ondo", "Nzé"), ("Ornella", "Loïc", "Dimitri")),
    Origin("ML", 2, True, ("Keïta", "Coulibaly", "Touré"), ("Mariam", "Ibrahim", "Oumou")),
    Origin("MG", 2, True, ("Rakotomalala", "Randriamampionona", "Rasoanaivo"),
           ("Hery", "Fanja", "Tiana")),
    Origin("DE", 1, False, ("Müller", "Schäfer", "Groß"), ("Jürgen", "Lena", "Jörg")),
)
_ORIGIN_WEIGHTS = [o.weight for o in ORIGINS]

# Most students of a Normandy university live in Calvados, Manche or Orne.
DEPARTMENTS = ("14", "50", "61", "76", "27", "72", "53", "35", "75", "971")
DEPARTMENT_WEIGHTS = (62, 14, 10, 4, 2, 2, 2, 2, 1, 1)

# Title types by weight; Algerians (R3) draw from their own list.
TITLE_WEIGHTS = {
    "vls-ts": 30, "student-card": 24, "multi-year-card": 12, "visa-csa": 6,
    "visa-concours": 5, "visa-minor": 4, "talent": 4, "rece": 5,
}
ALGERIAN_TITLE_WEIGHTS = {"algerian-certificate": 60, "visa-csa": 30, "visa-minor": 4,
                          "student-card": 3, "talent": 3}

DEMO_NUMBER_PREFIX = "9"


def _ascii(text: str, fallback: str) -> str:
    """A plausible mailbox name: the Latin letters of `text`, else `fallback`."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in " -'"))
    cleaned = letters.lower().replace(" ", "-").replace("'", "")
    return cleaned.strip("-") or fallback


class _Generator:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today

    def day(self, low: int, high: int) -> date:
        """A day from today+low to today+high (inclusive)."""
        return self.today + timedelta(days=self.rng.randint(low, high))

    def adult_birth(self, entry: date | None) -> date:
        reference = entry or self.today
        return add_days(add_years(reference, -self.rng.randint(18, 34)),
                        -self.rng.randint(0, 364))

    def row(self, index: int) -> dict[str, str]:
        rng = self.rng
        origin = rng.choices(ORIGINS, weights=_ORIGIN_WEIGHTS)[0]
        family = rng.choice(origin.families)
        given = rng.choice(origin.givens)
        number = f"{DEMO_NUMBER_PREFIX}{index:07d}"
        mailbox = f"{_ascii(given, 'etudiant')}.{_ascii(family, 'demo')}.{index}"
        weights = ALGERIAN_TITLE_WEIGHTS if origin.country == "DZ" else TITLE_WEIGHTS
        title_type = rng.choices(list(weights), weights=list(weights.values()))[0]
        row: dict[str, str] = dict.fromkeys(CSV_COLUMNS, "")
        row.update(
            student_number=number,
            family_name=family,
            given_name=given,
            email=f"{mailbox}@example.org",
            nationality=origin.country,
            department=rng.choices(DEPARTMENTS, weights=DEPARTMENT_WEIGHTS)[0],
            language="fr" if origin.french_speaking or rng.random() < 0.2 else "en",
            title_type=title_type,
        )
        dates = getattr(self, "_" + title_type.replace("-", "_"))()
        for name, value in dates.items():
            row[name] = value.isoformat() if isinstance(value, date) else str(value)
        if "date_of_birth" not in dates:
            entry = dates.get("entry_date")
            row["date_of_birth"] = self.adult_birth(entry if isinstance(entry, date) else None)\
                .isoformat()
        if rng.random() < 0.15:
            # French spreadsheets write dates day first; the import reads both.
            for name in ("date_of_birth", "title_valid_from", "title_expires_on"):
                if row[name]:
                    row[name] = date.fromisoformat(row[name]).strftime("%d/%m/%Y")
        return row

    # One method per title type: dates relative to today, valid by construction.

    def _vls_ts(self) -> dict[str, date | str]:
        rng = self.rng
        valid_from = self.day(-330, -1)
        expires = add_days(add_years(valid_from, 1), -1)
        entry = min(add_days(valid_from, rng.randint(0, 25)), self.today)
        out: dict[str, date | str] = {"title_valid_from": valid_from, "title_expires_on": expires}
        if rng.random() < 0.95:
            out["entry_date"] = entry
        deadline = add_months(entry, 3)
        # Most validate within the 3 months; some have not yet, a few are late (R1).
        if rng.random() < (0.9 if deadline < self.today else 0.4):
            validated = add_days(entry, rng.randint(3, 80))
            if validated <= self.today:
                out["validated_on"] = validated
                window = add_days(expires, -120)
                if window <= self.today and rng.random() < 0.4:
                    out["application_submitted_on"] = min(
                        self.today, add_days(window, rng.randint(0, 70)))
        return out

    def _card(self, years: int) -> dict[str, date | str]:
        rng = self.rng
        # Expiry from ~8 months ago (past ANEF access) to ~14 months ahead: every R6-R9 stage.
        expires = self.day(-250, 430)
        valid_from = add_days(add_years(expires, -years), 1)
        out: dict[str, date | str] = {"title_valid_from": valid_from, "title_expires_on": expires}
        if rng.random() < 0.7:
            out["entry_date"] = add_days(valid_from, -rng.randint(30, 900))
        window = add_days(expires, -120)
        if window <= self.today and rng.random() < 0.45:
            out["application_submitted_on"] = min(self.today,
                                                  add_days(window, rng.randint(0, 150)))
        return out

    def _student_card(self) -> dict[str, date | str]:
        return self._card(1)

    def _multi_year_card(self) -> dict[str, date | str]:
        return self._card(self.rng.choice((2, 3, 4)))

    def _algerian_certificate(self) -> dict[str, date | str]:
        return self._card(1)

    def _talent(self) -> dict[str, date | str]:
        return self._card(self.rng.choice((1, 4)))

    def _rece(self) -> dict[str, date | str]:
        return self._card(1)

    def _visa_csa(self) -> dict[str, date | str]:
        rng = self.rng
        valid_from = self.day(-150, -1)
        expires = add_days(add_years(valid_from, 1), -1)
        entry = min(add_days(valid_from, rng.randint(0, 20)), self.today)
        out: dict[str, date | str] = {"title_valid_from": valid_from, "title_expires_on": expires}
        if rng.random() < 0.92:
            out["entry_date"] = entry
        if rng.random() < 0.35:
            out["application_submitted_on"] = min(self.today, add_days(entry, rng.randint(1, 70)))
        return out

    def _visa_concours(self) -> dict[str, date | str]:
        rng = self.rng
        valid_from = self.day(-85, -1)
        expires = add_days(valid_from, rng.randint(60, 89))
        entry = min(add_days(valid_from, rng.randint(0, 5)), self.today, expires)
        out: dict[str, date | str] = {
            "title_valid_from": valid_from, "title_expires_on": expires,
            "concours_result": rng.choice(("passed", "passed", "failed", "pending", "")),
        }
        if rng.random() < 0.9:
            out["entry_date"] = entry
        return out

    def _visa_minor(self) -> dict[str, date | str]:
        rng = self.rng
        if rng.random() < 0.02:
            # R4: born on 29 February, flagged for manual review.
            year = self.today.year - 18 + rng.choice((0, 1))
            while not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
                year -= 1
            birth = date(year, 2, 29)
        else:
            birthday = self.day(-70, 240)
            birth = add_years(birthday, -18)
        # A minor's visa is used to arrive before the 18th birthday (the entry below comes at
        # most 20 days after the start).
        valid_from = min(self.day(-300, -20), add_days(add_years(birth, 18), -21))
        # A visa of one year: some end before the 18th birthday (R4 "visa ends before
        # majority"), most after.
        expires = add_days(add_years(valid_from, 1), -1)
        entry = min(add_days(valid_from, rng.randint(0, 20)), self.today, expires)
        out: dict[str, date | str] = {
            "date_of_birth": birth, "title_valid_from": valid_from, "title_expires_on": expires,
            "entry_date": entry,
        }
        if add_years(birth, 18) <= add_months(self.today, 2) and rng.random() < 0.3:
            out["application_submitted_on"] = max(entry, add_days(self.today,
                                                                   -rng.randint(0, 30)))
        return out


def demo_rows(count: int, *, seed: int, today: date) -> Iterator[dict[str, str]]:
    """`count` students as CSV rows ({column: text}), the same for the same seed and today."""
    generator = _Generator(seed, today)
    for index in range(1, count + 1):
        yield generator.row(index)


def write_demo_csv(stream: TextIO, count: int, *, seed: int, today: date,
                   delimiter: str = ",") -> None:
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, delimiter=delimiter,
                            lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(demo_rows(count, seed=seed, today=today))


def create_demo_students(
    session: Session, count: int, *, seed: int, today: date
) -> ImportReport:
    """Import `count` demo students (upsert: running it twice changes nothing)."""
    # Line numbers as if the rows were a file with a header: a rejection points at a row.
    rows = ((index, row) for index, row in enumerate(demo_rows(count, seed=seed, today=today),
                                                      start=2))
    return import_rows(session, rows, today=today, dry_run=False, actor="cli",
                       action="students.demo")
