"""The application's database role cannot rewrite the audit trail (issue #16 item 5).

End to end, as docker-compose.yml does it: a fresh database, `db_roles` as the superuser, `migrate` as the owner,
`db_roles` again; then the application role, connected on its own, is refused every way of rewriting history the
superuser had, while the portal's ordinary work goes through.
"""

import psycopg
import pytest
from psycopg import errors, sql

from .conftest import manage, unique

ATTACKS = [
    "TRUNCATE audit_auditevent",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_no_update_or_delete",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "SET session_replication_role = replica",
    "DROP TRIGGER audit_auditevent_no_update_or_delete ON audit_auditevent",
    "DROP TABLE audit_auditevent",
    "UPDATE audit_auditevent SET note = 'rewritten'",
    "DELETE FROM audit_auditevent",
    "ALTER TABLE audit_auditevent ADD COLUMN forged text",
    "DROP FUNCTION audit_auditevent_append_only() CASCADE",
    "CREATE TABLE audit_shadow (id int)",
    "UPDATE audit_auditchainhead SET last_hash = 'x' WHERE false; TRUNCATE audit_auditchainhead",
    "INSERT INTO django_migrations (app, name, applied) VALUES ('audit', 'forged', now())",
]


PORTAL_WORK = (
    "from django.contrib.auth import get_user_model\n"
    "from audit.models import Action\n"
    "from audit.services import audit_record\n"
    "from officials.models import Organisation\n"
    "user = get_user_model().objects.create(username='role-probe')\n"
    "user.first_name = 'Probe'\n"
    "user.save(update_fields=['first_name'])\n"
    "organisation = Organisation.objects.create(name='Sở Thử', abbreviation='ST')\n"
    "organisation.delete()\n"
    "audit_record(action=Action.LOGIN_FAILED, actor_name='role-probe')\n"
    "audit_record(action=Action.LOGIN_FAILED, actor_name='role-probe', note='second')\n"
    "print('written', get_user_model().objects.filter(first_name='Probe').count())\n"
)


@pytest.fixture(scope="module")
def stack(server):
    """A migrated database with its two roles, some work done as the application role; all dropped at the end."""
    database, owner, app = unique("ep_roles"), unique("ep_owner"), unique("ep_app")
    with server.admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        admin_url = server.url(database)
        first = manage("db_roles", "--owner", owner, "--app", app, database_url=admin_url)
        manage("migrate", "--noinput", database_url=server.url(database, owner))
        second = manage("db_roles", "--owner", owner, "--app", app, database_url=admin_url)
        work = manage("shell", "-c", PORTAL_WORK, database_url=server.url(database, app))
        yield {
            "database": database,
            "owner": owner,
            "app": app,
            "outputs": (first.stdout, second.stdout),
            "work": work.stdout,
        }
    finally:
        with server.admin() as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
            for role in (owner, app):
                admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def _connect(server, stack, role):
    return psycopg.connect(server.url(stack["database"], stack[role]), autocommit=True)


def test_the_command_is_idempotent_and_says_what_it_did(stack):
    first, second = stack["outputs"]
    assert first.startswith("OK:") and second.startswith("OK:")


def test_the_application_role_is_no_superuser_and_owns_nothing(server, stack):
    with _connect(server, stack, "app") as conn:
        (superuser,) = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
        owned = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
        ).fetchone()[0]
        tables_of_the_owner = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", [stack["owner"]]
        ).fetchone()[0]
    assert superuser is False and owned == 0 and tables_of_the_owner > 30


@pytest.mark.parametrize("statement", ATTACKS)
def test_the_application_role_cannot_rewrite_the_audit_trail(server, stack, statement):
    with _connect(server, stack, "app") as conn:
        before = conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0]
        assert before >= 2
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == before
        assert conn.execute("SHOW session_replication_role").fetchone()[0] == "origin"
        triggers = conn.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_auditevent_no_update_or_delete'"
        ).fetchall()
    assert triggers == [("O",)]


def test_the_portal_works_as_the_application_role(server, stack):
    """Ordinary writes (create, update, delete) and audit events through audit_record; the chain verifies green."""
    assert "written 1" in stack["work"]
    url = server.url(stack["database"], stack["app"])
    verify = manage("audit_verify", database_url=url)
    assert verify.stdout.startswith("OK: 2 ")


def test_the_owner_role_is_no_superuser_either(server, stack):
    with _connect(server, stack, "owner") as conn:
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("SET session_replication_role = replica")
        (superuser,) = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
    assert superuser is False


def test_an_event_inserted_behind_audit_record_is_flagged_by_the_chain(server, stack):
    """INSERT is allowed (the portal must record events), but a row that skipped audit_record does not chain."""
    with _connect(server, stack, "app") as conn:
        (forged,) = conn.execute(
            "INSERT INTO audit_auditevent (at, actor_name, acting_as, action, target, note, chain_hash) "
            "VALUES (now(), 'forger', 'system', 'login.failed', '', '', '') RETURNING id"
        ).fetchone()
    verify = manage("audit_verify", database_url=server.url(stack["database"], stack["app"]), check=False)
    assert verify.returncode == 1 and f"id={forged}" in verify.stderr
