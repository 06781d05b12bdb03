"""Real Celery workers for the tests that go through Redis (no eager mode): `start_worker` starts as many as a
test needs, `mail_worker` one whose e-mails land in files. Both fixtures are registered in tests/conftest.py."""

import os
import signal
import subprocess
import sys

import pytest
import redis
from django.db import connection

# The worker's clock for claims, short so the tests do not wait minutes; the test process uses the same.
TIMINGS = {
    "DOCUMENTS_HEARTBEAT_SECONDS": "1",
    "DOCUMENTS_STALE_AFTER_SECONDS": "4",
    "DOCUMENTS_RESEND_AFTER_SECONDS": "1",
}


@pytest.fixture(name="start_worker")
def worker_starter(tmp_path, settings):
    """Start real Celery workers on the test database and a clean Redis database; `start(name, **env)`."""
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    for name, value in TIMINGS.items():
        setattr(settings, name, int(value))
    db = connection.settings_dict
    env = (
        os.environ
        | TIMINGS
        | {
            "DJANGO_SETTINGS_MODULE": "evaluation_portal.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        }
    )
    processes = []

    def _start(name="a", **extra_env):
        log = (tmp_path / f"worker-{name}.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "evaluation_portal",
                "worker",
                "-Q",
                "celery,documents_bulk",
                "-l",
                "info",
                "--concurrency",
                "1",
                "-n",
                f"docs-{name}-{os.getpid()}@%h",
            ],
            env=env | extra_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=settings.BASE_DIR,
            start_new_session=True,
        )
        processes.append((process, log))
        return process

    yield _start
    for process, log in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.fixture
def mail_worker(start_worker, tmp_path):
    """One worker whose e-mails are written as files into the returned folder (Django's file backend)."""
    mail_dir = tmp_path / "mail"
    start_worker(
        "mail",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        DJANGO_EMAIL_FILE_PATH=str(mail_dir),
        PORTAL_BASE_URL="https://danhgia.example.invalid",
    )
    return mail_dir
