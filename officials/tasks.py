"""Invitations are outbox rows (`officials.models.Invitation`) sent by `common.tasks.outbox_send`
(common/outbox.py, issue #16): this app has no task of its own."""
