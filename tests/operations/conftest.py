"""Scratch databases for the operations tests: created by the test on the real PostgreSQL, dropped after it, and
`manage.py` run against them in a child process, as an operator would."""

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Server:
    host: str
    port: str
    superuser: str

    def url(self, database: str, user: str | None = None) -> str:
        return f"postgres://{user or self.superuser}@{self.host}:{self.port}/{database}"

    def admin(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(self.url(database), autocommit=True)


@pytest.fixture(scope="session")
def server() -> Server:
    default = settings.DATABASES["default"]
    return Server(
        host=default["HOST"] or "127.0.0.1", port=str(default["PORT"] or 5432), superuser=default["USER"]
    )


def unique(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


@pytest.fixture
def scratch_database(server):
    """An empty database of its own, dropped (whoever is still connected) at the end."""
    name = unique("ep_scratch")
    with server.admin() as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield name
    with server.admin() as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def manage(
    *args: str, database_url: str, media_root: Path | None = None, check: bool = True, timeout: int = 600
):
    """`python manage.py ...` in a child process with its own DATABASE_URL (and media folder)."""
    env = dict(
        os.environ, DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="evaluation_portal.settings.test"
    )
    if media_root is not None:
        env["PORTAL_TEST_MEDIA_ROOT"] = str(media_root)
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result
