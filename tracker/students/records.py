"""A student's data as one flat record (the CSV columns of DESIGN section 4), parsed from text
and validated the same way for the CSV import, the registration form and the office's edits."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from typing import Any, TypedDict, cast

from babel import Locale
from email_validator import EmailNotValidError, validate_email

from tracker.i18n import gettext
from tracker.rules.checks import title_problems
from tracker.rules.departments import is_department, normalise_department
from tracker.rules.titles import CONCOURS_RESULTS, TITLE_TYPES, ConcoursResult, TitleType

CSV_COLUMNS: tuple[str, ...] = (
    "student_number",
    "family_name",
    "given_name",
    "email",
    "date_of_birth",
    "nationality",
    "department",
    "language",
    "title_type",
    "title_valid_from",
    "title_expires_on",
    "entry_date",
    "validated_on",
    "application_submitted_on",
    "concours_result",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("student_number", "email")
DATE_COLUMNS = frozenset(
    {"date_of_birth", "title_valid_from", "title_expires_on", "entry_date", "validated_on",
     "application_submitted_on"}
)
MAX_LENGTHS = {"student_number": 32, "family_name": 200, "given_name": 200, "email": 320}
# Codes Babel knows as territories that are not ISO 3166-1 countries a passport is issued by:
# groupings and private-use codes, and the "exceptionally reserved" codes of territories that
# belong to a country (Ascension, Clipperton, Sark, Diego Garcia, Ceuta and Melilla, the Canary
# Islands, Tristan da Cunha). XK (Kosovo) stays: it is user-assigned but in general use.
_NOT_COUNTRIES = frozenset({
    "EU", "EZ", "UN", "QO", "XA", "XB", "ZZ",
    "AC", "CP", "CQ", "DG", "EA", "IC", "TA",
})


@cache
def country_codes() -> frozenset[str]:
    territories = Locale("en").territories
    return frozenset(
        code for code in territories
        if isinstance(code, str) and len(code) == 2 and code.isalpha()
    ) - _NOT_COUNTRIES


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def message(self, lang: str | None) -> str:
        return gettext(self.code, lang, **dict(self.params))

    def describe(self, lang: str | None = "en") -> str:
        """'Valid until: The expiry date is before ...', for reports that list many fields."""
        return f"{self.field}: {self.message(lang)}"


def field_error(field: str, code: str, **params: object) -> FieldError:
    return FieldError(field, code, tuple((k, str(v)) for k, v in params.items()))


@dataclass(frozen=True)
class StudentRecord:
    student_number: str | None
    email: str
    family_name: str = ""
    given_name: str = ""
    date_of_birth: date | None = None
    nationality: str | None = None
    department: str | None = None
    # None: not given (a partial row keeps the stored language; a new student gets French).
    language: str | None = None
    title_type: TitleType | None = None
    title_valid_from: date | None = None
    title_expires_on: date | None = None
    entry_date: date | None = None
    validated_on: date | None = None
    application_submitted_on: date | None = None
    concours_result: ConcoursResult | None = None

    def as_csv_row(self) -> dict[str, str]:
        row: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                row[f.name] = ""
            elif isinstance(value, date):
                row[f.name] = value.isoformat()
            else:
                row[f.name] = str(value)
        return row


def parse_date(raw: str) -> date | None:
    """ISO YYYY-MM-DD or French DD/MM/YYYY; None when the text is no date that exists."""
    text = raw.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    french = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if french:
            return date(int(french.group(3)), int(french.group(2)), int(french.group(1)))
    except ValueError:
        return None
    return None


def normalise_email(raw: str) -> str:
    """The address as validated (domain lower-cased, IDN normalised); raises EmailNotValidError."""
    return validate_email(raw.strip(), check_deliverability=False).normalized


def email_key(address: str) -> str:
    return address.strip().lower()


def search_key(*parts: str | None) -> str:
    """Lower-case and accent-free, so the office finds "Hélène" by typing "helene"."""
    text = " ".join(p for p in parts if p)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class _RecordValues(TypedDict, total=False):
    """StudentRecord's fields as parse_record collects them, one checked column at a time."""

    student_number: str | None
    email: str
    family_name: str
    given_name: str
    date_of_birth: date | None
    nationality: str | None
    department: str | None
    language: str | None
    title_type: TitleType | None
    title_valid_from: date | None
    title_expires_on: date | None
    entry_date: date | None
    validated_on: date | None
    application_submitted_on: date | None
    concours_result: ConcoursResult | None


def parse_record(
    raw: Mapping[str, str | None],
    *,
    required: tuple[str, ...] = REQUIRED_COLUMNS,
) -> tuple[StudentRecord | None, list[FieldError]]:
    """Parse one row of text values (missing keys are empty) and validate it completely.

    Every problem is reported, not only the first, so a person can fix a row in one go.
    `required`: the self-registration form passes ("email",): a new student may not know their
    student number yet."""
    errors: list[FieldError] = []
    text = {name: (raw.get(name) or "").strip() for name in CSV_COLUMNS}
    values: dict[str, object] = {}

    for name in CSV_COLUMNS:
        value = text[name]
        if name in MAX_LENGTHS and len(value) > MAX_LENGTHS[name]:
            errors.append(field_error(name, "error.too_long", max=MAX_LENGTHS[name]))
            continue
        if not value:
            values[name] = None
            continue
        if name in DATE_COLUMNS:
            parsed = parse_date(value)
            if parsed is None:
                errors.append(field_error(name, "error.date_invalid", value=value))
            values[name] = parsed
        elif name == "email":
            try:
                values[name] = normalise_email(value)
            except EmailNotValidError:
                errors.append(field_error(name, "error.email_invalid", value=value))
        elif name == "nationality":
            if value.upper() not in country_codes():
                errors.append(field_error(name, "error.nationality_invalid", value=value))
            values[name] = value.upper()
        elif name == "department":
            code = normalise_department(value)
            if not is_department(code):
                errors.append(field_error(name, "error.department_invalid", value=value))
            values[name] = code
        elif name == "language":
            if value.lower() not in ("fr", "en"):
                errors.append(field_error(name, "error.language_invalid", value=value))
            values[name] = value.lower()
        elif name == "title_type":
            if value.lower() not in TITLE_TYPES:
                errors.append(field_error(name, "error.title_type_invalid", value=value,
                                          choices=", ".join(TITLE_TYPES)))
            else:
                values[name] = TitleType(value.lower())
        elif name == "concours_result":
            if value.lower() not in CONCOURS_RESULTS:
                errors.append(field_error(name, "error.concours_result_invalid", value=value))
            else:
                values[name] = ConcoursResult(value.lower())
        else:
            values[name] = value

    for name in required:
        if not text[name]:
            errors.append(field_error(name, "error.required"))
    # A title is described by its type and its end date; one without the other is incomplete.
    if values.get("title_type") and not text["title_expires_on"]:
        errors.append(field_error("title_expires_on", "error.required"))
    if text["title_expires_on"] and not text["title_type"]:
        errors.append(field_error("title_type", "error.required"))
    elif not text["title_type"]:
        # Without the title they belong to, these dates would be dropped without a word.
        for name in ("title_valid_from", "entry_date"):
            if text[name]:
                errors.append(field_error(name, "error.title_dates_without_title"))

    if errors:
        return None, errors

    def get(name: str) -> Any:
        return values.get(name)

    for field, code, params in title_problems(
        title_type=get("title_type"),
        valid_from=get("title_valid_from"),
        expires_on=get("title_expires_on"),
        entry_date=get("entry_date"),
        nationality=get("nationality"),
        date_of_birth=get("date_of_birth"),
    ):
        errors.append(field_error(field, code, **params))
    if errors:
        return None, errors

    values["family_name"] = get("family_name") or ""
    values["given_name"] = get("given_name") or ""
    # Each column's value was parsed to its field's type above (keyed by column name).
    return StudentRecord(**cast(_RecordValues, values)), []
