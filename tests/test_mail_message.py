"""The outbox writes messages with `render_message`, straight to text; `build_message` builds
the same message with the stdlib's MIME classes. Both must give the same bytes for every
shape of message the product sends, and the result must parse back to what was put in."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_string
from email.policy import default as default_policy

import pytest

from tracker.mail.message import Attachment, build_message, render_message, serialise

DATE = datetime(2026, 11, 16, 7, 30, tzinfo=UTC)
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + b"X-LONG:" + b"x" * 200 + b"\r\nEND:VCALENDAR\r\n"
CALENDAR = Attachment("echeances-titre-de-sejour.ics", ICS, "text", "calendar",
                      (("method", "PUBLISH"), ("charset", "utf-8")))

SHAPES = {
    "text only, ASCII": dict(subject="Your access link", text="Hello\nclick here\n"),
    "text and HTML": dict(subject="Bienvenue", text="Bonjour Zoé,\n\n— l'équipe",
                          html="<p>Bonjour Zoé,</p>\r\n<p>l'équipe</p>"),
    "reminder with calendar": dict(
        subject="Rappel : votre titre de séjour expire dans 14 jours (le 2 mars 2027)",
        text="Bonjour,\n" + "Une ligne très longue " * 30 + "\n.\nFrom here\n",
        html="<p>" + "é" * 300 + "</p>", attachments=(CALENDAR,),
        headers=(("X-Tracker-Reminder", "title_expires 2027-03-02 -14"),
                 ("X-Tracker-Reminder", "anef_access_ends 2027-03-02 +1"),
                 ("List-Unsubscribe", "<https://tracker.example.org/unsubscribe?token="
                                      + "A" * 150 + ">"),
                 ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"))),
    "attachment without HTML, odd file name": dict(
        subject="x", text="", attachments=(
            Attachment("échéances 2027.ics", b"no final newline", "text", "calendar"),)),
    "non-ASCII address, CR/LF in values": dict(
        to="josé@example.org", subject="Line\r\nBcc: evil@example.org", text="t\r\n",
        headers=(("X-Tracker-Reminder", "a\nb"),)),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_render_message_writes_what_the_stdlib_builds(shape: str) -> None:
    arguments = {"sender": "Tracker <tracker@example.org>", "to": "a@example.org",
                 "message_id": f"<{abs(hash(shape))}@example.org>", "language": "fr",
                 "kind": "reminder", "date": DATE, **SHAPES[shape]}
    written = render_message(**arguments)  # type: ignore[arg-type]
    assert written == serialise(build_message(**arguments))  # type: ignore[arg-type]
    parsed = message_from_string(written, policy=default_policy)
    assert parsed["Message-ID"] == arguments["message_id"]
    assert "\n" not in str(parsed["Subject"]) and parsed["Bcc"] is None
    plain = parsed.get_body(("plain",))
    assert plain is not None
    assert plain.get_content() == str(arguments["text"]).replace("\r\n", "\n")
    for part, attachment in zip(parsed.iter_attachments(),
                                arguments.get("attachments", ()), strict=True):
        assert part.get_payload(decode=True) == attachment.content  # type: ignore[union-attr]
        assert part.get_filename() == attachment.filename  # type: ignore[union-attr]


def test_a_message_serialises_the_same_twice() -> None:
    """Boundaries come from the Message-ID: a stored message can be rebuilt identically."""
    arguments = {"sender": "tracker@example.org", "to": "a@example.org", "subject": "s",
                 "text": "t", "html": "<p>t</p>", "message_id": "<1@example.org>",
                 "language": "en", "kind": "welcome", "date": DATE,
                 "attachments": (CALENDAR,)}
    assert render_message(**arguments) == render_message(**arguments)  # type: ignore[arg-type]
    other = render_message(**{**arguments, "message_id": "<2@example.org>"})  # type: ignore[arg-type]
    assert other.split("\n", 1)[0] != render_message(**arguments).split("\n", 1)[0]  # type: ignore[arg-type]


@pytest.mark.parametrize("autoescape", [True, False])
def test_remembered_urlize_gives_jinjas_output(autoescape: bool) -> None:
    """The e-mail templates' urlize is cached per text: a second call, markup or not, in an
    escaping template or not, must give what Jinja's own filter gives."""
    from jinja2 import Environment
    from markupsafe import Markup

    from tracker.reminders.emails import _environment

    source = f"{{% autoescape {str(autoescape).lower()} %}}{{{{ v | urlize }}}}" \
             "{% endautoescape %}"
    ours, jinjas = _environment().from_string(source), Environment().from_string(source)
    for value in ("Sur https://example.org/a?b=1&c=2 avant <b>le 2 mars</b>, ou a@b.fr.",
                  Markup("<i>déjà sûr</i> www.example.org"), "rien à lier"):
        expected = jinjas.render(v=value)
        assert ours.render(v=value) == expected
        assert ours.render(v=value) == expected  # from the cache
