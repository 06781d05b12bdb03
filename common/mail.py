"""The SMTP backend the outbox sends through: Django's, keeping the server's reply to the message (issue #16
item 3: record what the SMTP server accepted, e.g. "250 2.0.0 Ok: queued as 4F2A1C"), read by
`common.outbox` as the backend's `last_reply`."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend


class _ReplyKept:
    last_reply = ""

    def data(self, msg: Any) -> tuple[int, bytes]:
        code, reply = super().data(msg)  # type: ignore[misc]
        self.last_reply = f"{code} {reply.decode(errors='replace')}"
        return code, reply


class _RecordingSMTP(_ReplyKept, smtplib.SMTP):
    pass


class _RecordingSMTPSSL(_ReplyKept, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoSMTPBackend):
    last_reply = ""

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return _RecordingSMTPSSL if self.use_ssl else _RecordingSMTP

    def _send(self, email_message: EmailMessage) -> bool:
        sent = bool(super()._send(email_message))  # type: ignore[misc]
        if sent:
            self.last_reply = getattr(self.connection, "last_reply", "")
        return sent
