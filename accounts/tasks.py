"""Security e-mails are outbox rows (`accounts.models.SecurityEmail`, built by `services.security_email_message`)
sent by `common.tasks.outbox_send` (common/outbox.py, issue #16): this app has no task of its own."""
