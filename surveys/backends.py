"""Pluggable senders of survey invitations and reminders to families (email and SMS).

Settings name the classes: `SURVEY_EMAIL_SENDER` (default: console in development, the
Django mail backend in production) and `SURVEY_SMS_SENDER` (default: console in
development; in production none, so sending a text is refused until one is set). An authority
plugs in its own provider (GOV.UK Notify, an SMS gateway) by subclassing `Sender`.
Messages to families go through these, not through staff notifications; they carry the
link and nothing about the case.
"""

import sys
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class OutgoingMessage:
    to: str
    subject: str
    body: str


class Sender(ABC):
    """Sends one message; raises on failure (the caller records nothing as sent)."""

    @abstractmethod
    def send(self, message: OutgoingMessage) -> None: ...


class ConsoleSender(Sender):
    """Development: writes the message to standard output."""

    channel = "message"

    def send(self, message: OutgoingMessage) -> None:
        sys.stdout.write(
            f"--- survey {self.channel} to {message.to}\n{message.subject}\n{message.body}\n---\n"
        )


class ConsoleEmailSender(ConsoleSender):
    channel = "email"


class ConsoleSmsSender(ConsoleSender):
    channel = "SMS"


class DjangoEmailSender(Sender):
    """Email through Django's configured mail backend (SMTP in production)."""

    def send(self, message: OutgoingMessage) -> None:
        send_mail(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.to],
            fail_silently=False,
        )


class LocmemSender(Sender):
    """Tests: keeps messages in a list on the class."""

    outbox: ClassVar[list[OutgoingMessage]] = []

    def send(self, message: OutgoingMessage) -> None:
        LocmemSender.outbox.append(message)


class UnconfiguredSmsSender(Sender):
    """Production without an SMS provider: refuse, so no worker believes a text went."""

    def send(self, message: OutgoingMessage) -> None:
        from qa_system.errors import ApplicationError  # noqa: PLC0415

        raise ApplicationError(
            "Text messages are not set up here. Hand the link over or send it by email."
        )


def _default_email_sender() -> str:
    if getattr(settings, "DJANGO_ENV", "development") == "production":
        return "surveys.backends.DjangoEmailSender"
    return "surveys.backends.ConsoleEmailSender"


def email_sender() -> Sender:
    path = getattr(settings, "SURVEY_EMAIL_SENDER", "") or _default_email_sender()
    sender: Sender = import_string(path)()
    return sender


def sms_sender() -> Sender:
    default = (
        "surveys.backends.UnconfiguredSmsSender"
        if getattr(settings, "DJANGO_ENV", "development") == "production"
        else "surveys.backends.ConsoleSmsSender"
    )
    path = getattr(settings, "SURVEY_SMS_SENDER", "") or default
    sender: Sender = import_string(path)()
    return sender
