"""The embedded default (`make run`: SQLite) keeps the audit trail append-only and chained, and backs up and restores
(issue #16 items 5 and 7). Run in child processes on SQLite files of their own."""

import sqlite3

import pytest

from .conftest import manage

EVENTS = (
    "from audit.models import Action\n"
    "from audit.services import audit_record\n"
    "from django.contrib.auth import get_user_model\n"
    "get_user_model().objects.create(username='sqlite-probe')\n"
    "audit_record(action=Action.LOGIN_FAILED, actor_name='a', ip='::ffff:10.0.0.1',"
    " after={'điểm': 85.0, 'list': [1, 2], 'nested': {'b': None}})\n"
    "audit_record(action=Action.LOGIN_FAILED, actor_name='b', before={'x': 0.1}, note='Ghi chú')\n"
)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embedded")
    url = f"sqlite:///{folder / 'portal.sqlite3'}"
    manage("migrate", "--noinput", database_url=url, media_root=folder / "media")
    manage("shell", "-c", EVENTS, database_url=url, media_root=folder / "media")
    return folder, url


def test_the_audit_trail_stays_append_only_on_sqlite_after_every_migration(embedded):
    folder, _ = embedded
    with sqlite3.connect(folder / "portal.sqlite3") as conn:
        for statement in ("UPDATE audit_auditevent SET note = 'x'", "DELETE FROM audit_auditevent"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(statement)
        assert conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == 2


def test_the_chain_verifies_on_sqlite(embedded):
    _, url = embedded
    assert manage("audit_verify", database_url=url).stdout.startswith("OK: 2 ")


def test_a_sqlite_backup_restores_into_a_fresh_file(embedded, tmp_path):
    folder, url = embedded
    archive = tmp_path / "portal.tar"
    manage("backup_create", "--output", str(archive), database_url=url, media_root=folder / "media")
    fresh = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    media = tmp_path / "media"
    assert manage("backup_restore", str(archive), database_url=fresh, media_root=media).stdout.startswith(
        "OK:"
    )
    original = manage("audit_verify", database_url=url).stdout
    assert manage("audit_verify", database_url=fresh).stdout == original
    script = "from django.contrib.auth import get_user_model; print(get_user_model().objects.get().username)"
    assert manage("shell", "-c", script, database_url=fresh).stdout.splitlines()[-1] == "sqlite-probe"
