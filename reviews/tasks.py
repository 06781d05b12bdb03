"""The e-mails of evaluations (notices, reminders, answers to objections) are outbox rows sent by
`common.tasks.outbox_send` (common/outbox.py, issue #16): this app has no task of its own."""
