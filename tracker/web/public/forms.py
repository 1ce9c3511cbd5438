"""The public forms. WTForms carries the CSRF token and renders what the student typed back;
the validation itself is tracker.students.details.check_student_fields (the CSV
import's parse_record plus the checks only a form asks), so messages come from tracker.i18n in
the page's language. Choice fields do not check their choices here: parse_record reports a bad
value with a message naming it."""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

from babel import Locale
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.fields import EmailField

from tracker.i18n import gettext
from tracker.rules.departments import DEPARTMENTS
from tracker.rules.titles import CONCOURS_RESULTS, TITLE_TYPES
from tracker.students.records import country_codes
from tracker.students.registration import CARD_TYPES

# Western Normandy first: the university's students live there.
LOCAL_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("14", "14 — Calvados"), ("50", "50 — Manche"), ("61", "61 — Orne"),
)

try:  # WTForms >= 3.3 declares options as SelectChoice; tuples are deprecated there.
    # types-WTForms 3.2.1 predates SelectChoice (added in WTForms 3.3): the stubs lag the library.
    from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None


def options(items: list[tuple[str, str, str | None]]) -> Any:
    """(value, label, optgroup) triples as the installed WTForms wants them."""
    if SelectChoice is not None:
        return [SelectChoice(value, label, optgroup=group) for value, label, group in items]
    if any(group for _, _, group in items):
        grouped: dict[str, list[tuple[str, str]]] = {}
        for value, label, group in items:
            grouped.setdefault(group or "", []).append((value, label))
        return grouped
    return [(value, label) for value, label, _ in items]


def _sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def country_choices(lang: str) -> tuple[tuple[str, str], ...]:
    names = Locale(lang).territories
    return tuple(sorted(((code, names.get(code, code)) for code in country_codes()),
                        key=lambda item: _sort_key(item[1])))


def language_options(lang: str) -> Any:
    return options([(code, gettext(f"language.{code}", lang), None) for code in ("fr", "en")])


def concours_options(lang: str) -> Any:
    # "pending" first: the default while the result is not known.
    ordered = sorted(CONCOURS_RESULTS, key=lambda r: r != "pending")
    return options([(r, gettext(f"concours.{r}", lang), None) for r in ordered])


def department_codes() -> list[str]:
    def order(code: str) -> tuple[int, str]:
        return (int(code[:2]) if code[:2].isdigit() else 20, code)

    local = {code for code, _ in LOCAL_DEPARTMENTS}
    return sorted((c for c in DEPARTMENTS if c not in local), key=order)


def date_field() -> StringField:
    # A text box, not <input type=date>: a browser's date picker silently empties a date that
    # does not exist (31/02), so the student would lose what they typed. parse_record accepts
    # DD/MM/YYYY and YYYY-MM-DD.
    return StringField()


class StudentFieldsForm(FlaskForm):
    """What a student tells about themselves and their title: /register and /me/details."""

    family_name = StringField()
    given_name = StringField()
    student_number = StringField()
    date_of_birth = date_field()
    nationality = SelectField(validate_choice=False)
    department = SelectField(validate_choice=False)
    title_type = RadioField(validate_choice=False,
                            choices=options([(t, t, None) for t in TITLE_TYPES]))
    title_valid_from = date_field()
    title_expires_on = date_field()
    entry_date = date_field()
    validated_on = date_field()

    def localise(self, lang: str) -> None:
        choose = ("", gettext("register.choose", lang), None)
        self.nationality.choices = options(
            [choose, *((code, name, None) for code, name in country_choices(lang))])
        local = gettext("register.local_departments", lang)
        other = gettext("register.other_departments", lang)
        self.department.choices = options([
            choose, *((code, label, local) for code, label in LOCAL_DEPARTMENTS),
            *((code, code, other) for code in department_codes()),
        ])


class RegisterForm(StudentFieldsForm):
    email = EmailField()
    language = SelectField(validate_choice=False)
    concours_result = SelectField(validate_choice=False)
    consent = BooleanField()

    def localise(self, lang: str) -> None:
        super().localise(lang)
        self.language.choices = language_options(lang)
        self.concours_result.choices = concours_options(lang)
        if not self.language.data:
            self.language.data = lang


class DetailsForm(StudentFieldsForm):
    """/me/details: the address is shown, not edited (the office changes it); the language
    and the concours result are set on /me."""


class AccessForm(FlaskForm):
    email = EmailField()


class ButtonForm(FlaskForm):
    """A form that is only a button (confirm, sign in, sign out, reminders): its CSRF token."""


class StepForm(FlaskForm):
    on = date_field()


class CardForm(FlaskForm):
    on = date_field()
    new_title_type = RadioField(validate_choice=False,
                                choices=options([(t.value, t.value, None) for t in CARD_TYPES]))
    new_title_valid_from = date_field()
    new_title_expires_on = date_field()


class ConcoursForm(FlaskForm):
    concours_result = SelectField(validate_choice=False)

    def localise(self, lang: str) -> None:
        self.concours_result.choices = concours_options(lang)


class LanguageForm(FlaskForm):
    language = SelectField(validate_choice=False)

    def localise(self, lang: str) -> None:
        self.language.choices = language_options(lang)


class DeleteForm(FlaskForm):
    confirm = BooleanField()
