"""Notification channels: how the worker tells a human that an escalation needs them (P3).

A channel is a plug-in with a ``name`` and a ``send`` that returns on success and raises on failure;
the worker records every attempt and retries failures with back-off. Built in: ``in_app`` (the
notification appears in the clinician's inbox), ``email`` over SMTP, and a console fallback for
``email`` when no SMTP server is configured. An SMS or pager channel is one more class here.

Messages carry a link, the urgency and the deadline: never the person's words, answers or name (H16).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from withcare.config import Settings
    from withcare.services.safety import ClaimedNotification

BASE_URL_ENV = "WITHCARE_BASE_URL"


class DeliveryFailed(Exception):
    """The channel could not deliver; the worker records it and tries again later."""


class Channel(Protocol):
    name: str

    def send(self, note: ClaimedNotification) -> None: ...


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    message_id: str


_URGENCY = {
    "high": "HIGH urgency",
    "moderate": "Moderate urgency",
    "low": "Low urgency",
    "contact_request": "Request to talk to a person",
}
_REASON = {
    "raised": "A new escalation needs you.",
    "escalated": "An escalation was not acknowledged in time and is now yours.",
    "still_unacknowledged": "An escalation is still not acknowledged.",
    "handed_over": "An escalation was handed over to you.",
}


def compose(note: ClaimedNotification, service_name: str = "Withcare") -> Message:
    """The text of a notification: link, urgency, deadline; no personal content."""
    base = os.environ.get(BASE_URL_ENV, "http://localhost:8000").rstrip("/")
    urgency = _URGENCY.get(note.urgency, note.urgency)
    deadline = note.deadline.strftime("%d/%m/%Y %H:%M UTC") if note.deadline else "now"
    lines = [
        _REASON.get(note.reason, "An escalation needs you."),
        "",
        f"Urgency: {urgency}",
        f"Acknowledge by: {deadline}",
    ]
    if note.overdue_since is not None:
        lines.append(f"The previous deadline was {note.overdue_since:%d/%m/%Y %H:%M UTC}.")
    lines += [
        "",
        f"Open it (log in first): {base}/escalations/{note.escalation_id}",
        "",
        f"This message is from {service_name}. It contains no personal details on purpose.",
    ]
    return Message(
        subject=f"[{service_name}] {urgency}: please acknowledge by {deadline}",
        body="\n".join(lines) + "\n",
        message_id=f"<{note.id}.{note.sequence}@withcare>",
    )


class InAppChannel:
    """In-app delivery: the stored notification is the message; marking it sent shows it."""

    name = "in_app"

    def send(self, note: ClaimedNotification) -> None:
        if not note.recipient_id:
            raise DeliveryFailed("no recipient")


class SmtpChannel:
    name = "email"

    def __init__(self, host: str, port: int, sender: str, service_name: str) -> None:
        self.host, self.port, self.sender, self.service_name = host, port, sender, service_name

    def send(self, note: ClaimedNotification) -> None:
        if not note.recipient_email:
            raise DeliveryFailed("the recipient has no e-mail address")
        self.deliver(note.recipient_email, compose(note, self.service_name))

    def deliver(self, to: str, message: Message) -> None:
        """Send one composed message (escalations and questionnaire reminders share this)."""
        import smtplib
        from email.message import EmailMessage

        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = to
        email["Subject"] = message.subject
        email["Message-ID"] = message.message_id
        email.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
                smtp.send_message(email)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(f"{type(error).__name__}: {error}"[:250]) from error


class ConsoleChannel:
    """``email`` when no SMTP server is configured (the demo): written to standard error."""

    name = "email"

    def __init__(self, service_name: str = "Withcare") -> None:
        self.service_name = service_name

    def send(self, note: ClaimedNotification) -> None:
        self.deliver(note.recipient_email or note.recipient_id, compose(note, self.service_name))

    def deliver(self, to: str, message: Message) -> None:
        import sys

        sys.stderr.write(
            f"--- e-mail (no SMTP server configured) to {to}"
            f"\nSubject: {message.subject}\n\n{message.body}---\n"
        )
        sys.stderr.flush()


def reminder_message(reminder_id: str, service_name: str = "Withcare") -> Message:
    """A questionnaire reminder that says nothing about the person's health or the questionnaire."""
    base = os.environ.get(BASE_URL_ENV, "http://localhost:8000").rstrip("/")
    body = (
        "Your care team has asked you to fill in a short questionnaire.\n\n"
        f"Log in to see it: {base}/\n\n"
        "If you would rather answer by phone or on paper, reply to your care team or call them.\n"
        "If you need help now, call 999, NHS 111 (option 2) or Samaritans on 116 123.\n"
    )
    return Message(
        subject=f"[{service_name}] A questionnaire is waiting for you",
        body=body,
        message_id=f"<reminder.{reminder_id}@withcare>",
    )


def default_channels(settings: Settings) -> dict[str, Channel]:
    email: Channel = (
        SmtpChannel(
            settings.smtp_host, settings.smtp_port, settings.mail_from, settings.service_name
        )
        if settings.smtp_host
        else ConsoleChannel(settings.service_name)
    )
    return {"in_app": InAppChannel(), "email": email}


__all__ = [
    "Channel",
    "ConsoleChannel",
    "DeliveryFailed",
    "InAppChannel",
    "Message",
    "SmtpChannel",
    "compose",
    "default_channels",
]
