"""The student e-mails (welcome, reminder) and the office digest: subject, text and HTML
bodies from the Jinja templates in templates/emails/, headers of DESIGN 6 and the .ics file.

Nothing here touches the database or the clock: callers pass the student, the milestones and
`today`. Templates are looked up as `emails/<name>.<lang>.<ext>` first (a translator may write
a whole message by hand), then `emails/<name>.<ext>`, which takes every sentence from
the catalogs (tracker/translations, keys mail.*).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from functools import cache, lru_cache
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    Template,
    pass_eval_context,
    select_autoescape,
)
from jinja2.nodes import EvalContext
from markupsafe import Markup

from tracker import resource_dir
from tracker.i18n import gettext, ngettext, normalise_language
from tracker.mail.message import Attachment, header_safe
from tracker.reminders.calendar import milestone_calendar
from tracker.reminders.texts import (
    MilestoneInfo,
    Recipient,
    describe,
    format_day,
    reminder_header,
)
from tracker.rules.policy import Policy
from tracker.settings import Settings


@dataclass(frozen=True)
class CoveredReminder:
    """A reminder (DESIGN 6 rule 1) that an e-mail covers."""

    milestone: MilestoneInfo
    offset: int

    @property
    def header(self) -> str:
        return reminder_header(self.milestone.kind, self.milestone.date, self.offset)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    headers: tuple[tuple[str, str], ...] = ()
    attachments: tuple[Attachment, ...] = ()


@dataclass
class DigestLine:
    student_number: str
    name: str
    detail: str


@dataclass
class DigestData:
    overdue_reminders: list[DigestLine] = field(default_factory=list)
    missed_deadlines: list[DigestLine] = field(default_factory=list)
    fee_threshold: list[DigestLine] = field(default_factory=list)
    failed: list[DigestLine] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # The day of the previous digest; None for the first one, which covers everything.
    since: date | None = None
    # Open cases at risk today, whatever the delta: "missed" (past a deadline), "fee" (past
    # the R7 threshold without filing).
    standing: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        # The standing totals alone are no news: a digest goes out when something changed.
        return not any(self.counts.values())


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(str(resource_dir("templates"))),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["urlize"] = _cached_urlize(environment.filters["urlize"])
    return environment


def _cached_urlize(urlize: Callable[..., str]) -> Callable[..., str]:
    """Jinja's urlize, remembered: it runs its regexes over every word, and its inputs (the
    "where" line of a département, the done hint of a language) recur in thousands of
    e-mails. Same output: urlize escapes what is not markup already whatever the template,
    whose autoescaping only decides whether the result is marked safe."""
    @lru_cache(maxsize=2048)
    def remembered(text: str, is_markup: bool) -> str:
        return str(urlize(EvalContext(_environment()), Markup(text) if is_markup else text))

    @pass_eval_context
    def cached(eval_ctx: EvalContext, value: str, *args: Any, **kwargs: Any) -> str:
        if args or kwargs or eval_ctx.volatile:
            return urlize(eval_ctx, value, *args, **kwargs)
        out = remembered(str(value), isinstance(value, Markup))
        return Markup(out) if eval_ctx.autoescape else out

    return cached


@cache
def _template(name: str, ext: str, lang: str) -> Template:
    # Resolved once per process: select_template asks the loader for the missing
    # per-language file (a failed file lookup) on every call otherwise.
    return _environment().select_template(
        [f"emails/{name}.{lang}.{ext}", f"emails/{name}.{ext}"]
    )


def _render(name: str, ext: str, lang: str, context: dict[str, Any]) -> str:
    return _template(name, ext, lang).render(**context)


def _common(recipient: Recipient, today: date, policy: Policy, settings: Settings,
            lang: str) -> dict[str, Any]:
    late_fee = policy.late_fee_eur(today)

    def t(key: str, **params: object) -> str:
        return gettext(key, lang, **({"late_fee": late_fee} | params))

    return {
        "t": t,
        "lang": lang,
        "today": today,
        "greeting": t("mail.greeting", name=header_safe(recipient.given_name))
        if recipient.given_name.strip() else t("mail.greeting_anonymous"),
        "help": t("mail.help", office=policy.office_email, hotline=policy.anef_hotline),
        "page_url": f"{settings.base_url}/access?lang={lang}",
        "unsubscribe_url": recipient.unsubscribe_url,
    }


def render_reminder(recipient: Recipient, covered: Sequence[CoveredReminder],
                    upcoming: Sequence[MilestoneInfo], today: date, policy: Policy,
                    settings: Settings) -> Rendered:
    lang = normalise_language(recipient.language)
    recipient = _with_lang(recipient, lang)
    items = [describe(r.milestone, lang, recipient.department, today, policy) for r in covered]
    calendar = _calendar_file(recipient, upcoming, today, policy, settings)
    context = _common(recipient, today, policy, settings, lang) | {
        "items": items, "calendar": bool(calendar)}
    # One reminder: its name and date; several: how many (a reminder covers at least one).
    first = items[0] if items else {"name": "", "when": ""}
    subject = ngettext("mail.subject.reminder_one", "mail.subject.reminder_many", len(items),
                       lang, milestone=first["name"], when=first["when"])
    headers = [("X-Tracker-Reminder", r.header) for r in covered]
    headers += [
        ("List-Unsubscribe", f"<{context['unsubscribe_url']}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    ]
    return Rendered(
        subject=subject,
        text=_render("reminder", "txt", lang, context),
        html=_render("reminder", "html", lang, context),
        headers=tuple(headers),
        attachments=calendar,
    )


def render_welcome(recipient: Recipient, milestones: Sequence[MilestoneInfo], today: date,
                   policy: Policy, settings: Settings) -> Rendered:
    lang = normalise_language(recipient.language)
    recipient = _with_lang(recipient, lang)
    items = [describe(m, lang, recipient.department, today, policy) for m in milestones]
    upcoming = [i for i in items if not i["past"]]
    calendar = _calendar_file(recipient, milestones, today, policy, settings)
    context = _common(recipient, today, policy, settings, lang) | {
        "calendar": bool(calendar),
        "items": items, "next": upcoming[0] if upcoming else None,
        "passed": [i for i in items if i["past"]],
        "passed_help": gettext("mail.welcome_passed_help", lang, office=policy.office_email),
    }
    headers = (
        ("List-Unsubscribe", f"<{context['unsubscribe_url']}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )
    return Rendered(
        subject=gettext("mail.subject.welcome", lang),
        text=_render("welcome", "txt", lang, context),
        html=_render("welcome", "html", lang, context),
        headers=headers,
        attachments=calendar,
    )


def render_digest(data: DigestData, today: date, lang: str, policy: Policy,
                  settings: Settings) -> Rendered:
    lang = normalise_language(lang)

    late_fee = policy.late_fee_eur(today)

    def t(key: str, **params: object) -> str:
        return gettext(key, lang, **({"late_fee": late_fee} | params))

    since = format_day(data.since, lang) if data.since else None
    overdue_title = (t("mail.digest.overdue_since", date=since) if since
                     else t("mail.digest.overdue_so_far"))
    sections = [
        (overdue_title, data.overdue_reminders, data.counts.get("overdue", 0)),
        (t("mail.digest.missed_deadlines"), data.missed_deadlines, data.counts.get("missed", 0)),
        (t("mail.digest.fee_threshold"), data.fee_threshold,
         data.counts.get("fee", 0)),
        (t("mail.digest.failed"), data.failed, data.counts.get("failed", 0)),
    ]
    context = {
        "t": t, "lang": lang, "date_text": format_day(today, lang),
        "sections": [(title, lines, total - len(lines)) for title, lines, total in sections
                     if total],
        "totals": t(
            "mail.digest.totals",
            overdue=ngettext("mail.digest.totals.overdue", "mail.digest.totals.overdue_plural",
                             data.counts.get("overdue", 0), lang),
            missed=ngettext("mail.digest.totals.missed", "mail.digest.totals.missed_plural",
                            data.counts.get("missed", 0), lang),
            fee=ngettext("mail.digest.totals.fee", "mail.digest.totals.fee_plural",
                         data.counts.get("fee", 0), lang),
            failed=ngettext("mail.digest.totals.failed", "mail.digest.totals.failed_plural",
                            data.counts.get("failed", 0), lang)),
        "office_url": f"{settings.base_url}/office/",
        "scope": (t("mail.digest.scope_since", date=since) if since
                  else t("mail.digest.scope_first")),
        "standing": t(
            "mail.digest.standing",
            missed=ngettext("mail.digest.standing.missed", "mail.digest.standing.missed_plural",
                            data.standing.get("missed", 0), lang),
            fee=ngettext("mail.digest.standing.fee", "mail.digest.standing.fee_plural",
                         data.standing.get("fee", 0), lang, late_fee=late_fee),
            url=f"{settings.base_url}/office/"),
    }
    return Rendered(
        subject=t("mail.subject.digest", date=format_day(today, lang)),
        text=_render("digest", "txt", lang, context),
        html=_render("digest", "html", lang, context),
    )


def _calendar_file(recipient: Recipient, milestones: Sequence[MilestoneInfo], today: date,
                   policy: Policy, settings: Settings) -> tuple[Attachment, ...]:
    """The milestones still ahead as an .ics attachment, or none when there are none: a
    calendar must hold at least one event (RFC 5545 3.6), and the e-mail then says nothing
    about one. DTSTAMP is the start of `today` (the e-mail's day), not the clock's moment:
    this module reads no clock, and the same e-mail renders the same file."""
    ahead = [m for m in milestones if m.date >= today]
    if not ahead:
        return ()
    content = milestone_calendar(
        ahead, lang=recipient.language, department=recipient.department, today=today,
        policy=policy, host=settings.public_host,
        stamp=datetime.combine(today, time(0), settings.zone).astimezone(UTC))
    return (Attachment(
        filename=gettext("mail.calendar_file", recipient.language), content=content,
        maintype="text", subtype="calendar",
        params=(("method", "PUBLISH"), ("charset", "utf-8")),
    ),)


def _with_lang(recipient: Recipient, lang: str) -> Recipient:
    if recipient.language == lang:
        return recipient
    return replace(recipient, language=lang)
