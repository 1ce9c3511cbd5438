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
from datetime import UTC, date, datetime, timedelta
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
from tracker.i18n import format_day as _format_day
from tracker.i18n import gettext, ngettext, normalise_language
from tracker.mail.message import Attachment, header_safe
from tracker.rules.milestones import HARD_DEADLINE_KINDS, renewal_fee_free_until
from tracker.rules.policy import Policy
from tracker.settings import Settings

NON_ANEF_KINDS = frozenset({"minor_window_opens", "minor_window_closes", "minor_legal_deadline"})


@dataclass(frozen=True)
class MilestoneInfo:
    """One milestone of a student's case, as the e-mails need it."""

    case_id: int
    kind: str
    date: date
    procedure: str
    title_type: str
    hard: bool = False


@dataclass(frozen=True)
class CoveredReminder:
    """A reminder (DESIGN 6 rule 1) that an e-mail covers."""

    milestone: MilestoneInfo
    offset: int

    @property
    def header(self) -> str:
        """`renewal_fee_free_until 2027-03-02 -7` (offset signed, 0 unsigned)."""
        offset = f"{self.offset:+d}" if self.offset else "0"
        return f"{self.milestone.kind} {self.milestone.date.isoformat()} {offset}"


@dataclass(frozen=True)
class Recipient:
    student_id: int
    email: str
    language: str
    given_name: str
    department: str | None
    # Signed one-click link (made by the service: this module knows no secrets).
    unsubscribe_url: str


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


# Babel formatting costs tens of microseconds a call and the same days recur across thousands
# of students in one run.
format_day = lru_cache(maxsize=8192)(_format_day)


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


def when_text(day: date, today: date, lang: str) -> str:
    delta = (day - today).days
    shown = format_day(day, lang)
    if delta > 1:
        return gettext("mail.when.future", lang, days=delta, date=shown)
    if delta == 1:
        return gettext("mail.when.tomorrow", lang, date=shown)
    if delta == 0:
        return gettext("mail.when.today", lang, date=shown)
    if delta == -1:
        return gettext("mail.when.yesterday", lang, date=shown)
    return gettext("mail.when.past", lang, days=-delta, date=shown)


def _late_fee(policy: Policy, today: date) -> int:
    return policy.late_fee_eur(today)


def _title_variant(m: MilestoneInfo) -> str | None:
    """Which "title expires" text fits the title (RULES R4, R5, R2/R3 vs R6/R8): only a
    renewable title is renewed on ANEF, late with the R7/R8 late fee and six months of ANEF."""
    if m.kind != "title_expires":
        return None
    if m.procedure == "exam_failed":
        return "exam_failed"  # R5 failed: a study visa from the consulate, before the end
    if m.title_type == "visa-concours":
        return "concours"  # R5 passed or pending: the first application, not a renewal
    if m.title_type == "visa-minor" or m.procedure == "minor_at_18":
        return "minor"  # R4: the application at 18, not on ANEF
    if m.title_type == "visa-csa":
        return "visa"  # R2/R3: the first application on ANEF; no renewal fee applies
    return None


def _non_anef(m: MilestoneInfo) -> bool:
    """The same split as tracker.cases.guidance.place_for (the student's page)."""
    return (m.kind in NON_ANEF_KINDS or m.procedure == "minor_at_18"
            or m.title_type in ("visa-concours", "visa-minor"))


def _where(m: MilestoneInfo, recipient: Recipient, policy: Policy, today: date) -> str | None:
    lang = recipient.language
    if m.procedure == "exam_failed":
        return None  # R5 failed: the consulate abroad, said in the text itself.
    past = m.date < today
    if past and m.kind == "vls_ts_validation_deadline":
        # RULES ambiguity 3: no official late-validation procedure: the office acts.
        return gettext("mail.where.office", lang, office=policy.office_email)
    # R9: once ANEF access has ended, the prefecture takes the application.
    local = _non_anef(m) or (past and m.kind == "anef_access_ends")
    if not local:
        return gettext("mail.where.anef", lang, url=policy.anef_url)
    contacts = policy.contacts_for(recipient.department)
    if contacts is None:
        # RULES: the student's own prefecture is competent; we do not know its address, so
        # neither Calvados's nor its Démarches Simplifiées procedure: the office helps.
        return gettext("mail.where.own_prefecture", lang, office=policy.office_email)
    if contacts.demarches_simplifiees_url:
        return gettext("mail.where.ds", lang, prefecture=contacts.prefecture_name,
                       url=contacts.demarches_simplifiees_url)
    return gettext("mail.where.prefecture", lang, prefecture=contacts.prefecture_name,
                   email=contacts.prefecture_email)


def _fee_free_date(m: MilestoneInfo) -> date:
    return renewal_fee_free_until(m.kind, m.date)


def _safe_date(m: MilestoneInfo, policy: Policy) -> date:
    """RULES ambiguity 2: E-60 is the last on-time day; advise filing a margin earlier."""
    return _fee_free_date(m) - timedelta(days=policy.renewal_safety_margin_days)


def _variant(prefix: str, m: MilestoneInfo, today: date) -> str:
    """The text key for a milestone. A milestone whose date is before the day of the e-mail
    has its own wording (`mail.todo_past.*`, `mail.late_past.*`): what it means now, never
    "do it by <a past date>"."""
    past = m.date < today
    key = f"{prefix}_past.{m.kind}" if past else f"{prefix}.{m.kind}"
    variant = _title_variant(m)
    if variant is not None:
        return f"{key}.{variant}"
    if past and m.kind == "renewal_window_opens" and _fee_free_date(m) < today:
        return f"{key}.fee_passed"  # sent late (an outage): the fee-free days are over too
    return key


# describe() results, by what they depend on. Thousands of students of one run share a few
# hundred (milestone, date, language, département) combinations; the policy is compared by
# identity (it is not hashable) and kept in the entry so that its id is not reused.
_DESCRIBED: dict[tuple[Any, ...], tuple[Policy, dict[str, Any]]] = {}
_DESCRIBED_MAX = 20_000


def describe(m: MilestoneInfo, recipient: Recipient, today: date, policy: Policy) -> dict[str, Any]:
    """Everything a template shows about one milestone, in the recipient's language."""
    key = (m.kind, m.date, m.procedure, m.title_type, recipient.language,
           recipient.department, today, id(policy))
    hit = _DESCRIBED.get(key)
    if hit is not None and hit[0] is policy:
        return dict(hit[1])
    described = _describe(m, recipient, today, policy)
    if len(_DESCRIBED) >= _DESCRIBED_MAX:
        _DESCRIBED.clear()
    _DESCRIBED[key] = (policy, described)
    return dict(described)


def _describe(m: MilestoneInfo, recipient: Recipient, today: date,
              policy: Policy) -> dict[str, Any]:
    lang = recipient.language
    fee = _late_fee(policy, today)
    past = m.date < today
    params = {"fee": fee, "late_fee": fee, "date": format_day(m.date, lang),
              "safe_date": format_day(_safe_date(m, policy), lang),
              "fee_free_date": format_day(_fee_free_date(m), lang),
              "office": policy.office_email}
    late = gettext(_variant("mail.late", m, today), lang, **params)
    return {
        "kind": m.kind,
        "name": gettext(f"milestone.{m.kind}", lang, late_fee=fee),
        "date": m.date,
        "date_text": format_day(m.date, lang),
        "when": when_text(m.date, today, lang),
        "todo": gettext(_variant("mail.todo", m, today), lang, **params),
        "late": late,
        # Before the date: what happens if it is missed; after it: what it means now.
        "late_line": (gettext("mail.now", lang, text=late) if past
                      else gettext("mail.if_late", lang, text=late)),
        "where": _where(m, recipient, policy, today),
        "hard": m.kind in HARD_DEADLINE_KINDS,
        "past": past,
    }


def _ics_text(value: str) -> str:
    """RFC 5545 3.3.11 escaping of a TEXT value."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\n").replace("\n", "\\n"))


def _ics_fold(line: str) -> str:
    """RFC 5545 3.1: lines of at most 75 octets, continued with CRLF and a space, never
    cutting a UTF-8 character in two."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[bytes] = []
    start, limit = 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: back off to the start
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74  # continuation lines begin with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


def _ics_lines(*lines: str) -> str:
    return "".join(_ics_fold(line) + "\r\n" for line in lines)


@lru_cache(maxsize=4096)
def _event_body(day: date, name: str, description: str) -> str:
    """The lines of an event that students share (the same milestone, day and texts):
    escaped and folded once per run, not once per e-mail."""
    return _ics_lines(
        f"DTSTART;VALUE=DATE:{day.strftime('%Y%m%d')}",
        f"DTEND;VALUE=DATE:{(day + timedelta(days=1)).strftime('%Y%m%d')}",
        f"SUMMARY:{_ics_text(name)}",
        f"DESCRIPTION:{_ics_text(description)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    )


def calendar_file(recipient: Recipient, milestones: Sequence[MilestoneInfo], today: date,
                  policy: Policy, settings: Settings) -> Attachment:
    """An .ics file (RFC 5545) with the upcoming milestones: all-day events with stable UIDs,
    so that a calendar updates them instead of adding duplicates.

    Serialised here rather than with the icalendar package, which costs milliseconds per file
    (the daily run attaches one to thousands of e-mails); the tests parse the result back with
    icalendar."""
    lang = recipient.language
    domain = settings.mail_from.rsplit("@", 1)[-1]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = _ics_lines(
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tracker//residence-permit deadlines//EN",
        "METHOD:PUBLISH", "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:" + _ics_text(gettext("mail.calendar_name", lang)),
    )
    disclaimer = gettext("mail.disclaimer", lang)
    for m in milestones:
        if m.date < today:
            continue
        info = describe(m, recipient, today, policy)
        description = [info["todo"], *([info["where"]] if info["where"] else []), disclaimer]
        text += _ics_lines(
            "BEGIN:VEVENT",
            f"UID:tracker-{m.case_id}-{m.kind}-{m.date.isoformat()}@{domain}",
            f"DTSTAMP:{stamp}",
        ) + _event_body(m.date, info["name"], "\n".join(description))
    text += _ics_lines("END:VCALENDAR")
    content = text.encode("utf-8")
    return Attachment(
        filename=gettext("mail.calendar_file", lang), content=content,
        maintype="text", subtype="calendar",
        params=(("method", "PUBLISH"), ("charset", "utf-8")),
    )


def _common(recipient: Recipient, today: date, policy: Policy, settings: Settings,
            lang: str) -> dict[str, Any]:
    late_fee = _late_fee(policy, today)

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
    items = [describe(r.milestone, recipient, today, policy) for r in covered]
    context = _common(recipient, today, policy, settings, lang) | {"items": items}
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
        attachments=(calendar_file(recipient, upcoming, today, policy, settings),),
    )


def render_welcome(recipient: Recipient, milestones: Sequence[MilestoneInfo], today: date,
                   policy: Policy, settings: Settings) -> Rendered:
    lang = normalise_language(recipient.language)
    recipient = _with_lang(recipient, lang)
    items = [describe(m, recipient, today, policy) for m in milestones]
    upcoming = [i for i in items if not i["past"]]
    context = _common(recipient, today, policy, settings, lang) | {
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
        attachments=(calendar_file(recipient, milestones, today, policy, settings),),
    )


def render_digest(data: DigestData, today: date, lang: str, policy: Policy,
                  settings: Settings) -> Rendered:
    lang = normalise_language(lang)

    late_fee = _late_fee(policy, today)

    def t(key: str, **params: object) -> str:
        return gettext(key, lang, **({"late_fee": late_fee} | params))

    since = format_day(data.since, lang) if data.since else None
    overdue_title = (t("mail.digest.overdue_since", date=since) if since
                     else t("mail.digest.overdue_so_far"))
    sections = [
        (overdue_title, data.overdue_reminders, data.counts.get("overdue", 0)),
        (t("mail.digest.missed_deadlines"), data.missed_deadlines, data.counts.get("missed", 0)),
        (t("mail.digest.fee_threshold", fee=_late_fee(policy, today)), data.fee_threshold,
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
        "standing": t("mail.digest.standing", missed=data.standing.get("missed", 0),
                      fee=data.standing.get("fee", 0), amount=_late_fee(policy, today),
                      url=f"{settings.base_url}/office/"),
    }
    return Rendered(
        subject=t("mail.subject.digest", date=format_day(today, lang)),
        text=_render("digest", "txt", lang, context),
        html=_render("digest", "html", lang, context),
    )


def _with_lang(recipient: Recipient, lang: str) -> Recipient:
    if recipient.language == lang:
        return recipient
    return replace(recipient, language=lang)
