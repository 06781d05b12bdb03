"""Signals other apps listen to. officials sits below the audit trail and the mail, so a role change is
announced here and recorded by `audit.receivers` and mailed by `accounts.receivers` (issue #18 item 3)."""

from django.dispatch import Signal

# Sent inside the transaction of a role change with `assignment` (a RoleAssignment, already deleted for a
# revoke), `change` ("granted", "revoked" or "confirmed") and `by` (the user who made it, None for set-up).
role_changed = Signal()

# Sent inside the transaction that sets a person's identification number (issue #17) with `official`, `change`
# ("set", "changed" or "cleared") and `by`. It carries no digits: the audit trail records only that it changed.
identification_number_changed = Signal()
