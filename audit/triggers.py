"""The append-only triggers on SQLite (the embedded `make run` default).

PostgreSQL keeps the triggers migration 0001 installs through later schema changes; SQLite does not: Django rebuilds
a table to add a constraint or a column there, and the rebuilt table has no triggers. So after every `migrate` they
are put back here (issue #16 item 5).
"""

from typing import Any

from django.db import connections

SQLITE_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END;",
    "CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END;",
)


def sqlite_triggers_ensure(*, using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver: put the triggers back on SQLite; nothing to do elsewhere."""
    connection = connections[using]
    if connection.vendor != "sqlite" or "audit_auditevent" not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)
