"""Fault-test fixtures (issue #16): a Redis of the test's own on port 6392 that it may stop and start, and a real
Celery beat next to the real workers of tests/worker.py."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import redis
from django.db import connection
from kombu import pools

from evaluation_portal.celery import app

PRIVATE_REDIS_PORT = 6392
PRIVATE_REDIS_URL = f"redis://127.0.0.1:{PRIVATE_REDIS_PORT}/0"


def wait_for(condition, what, timeout=90.0, every=0.25):
    """Wait on a state, with room for a loaded 2-core machine; returns the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(every)
    raise AssertionError(f"{what}: not within {timeout} s")


class PrivateRedis:
    def __init__(self, folder):
        self.folder = folder
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(PRIVATE_REDIS_PORT),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.answers, "the private Redis did not start", timeout=20)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()  # as a crash: what was queued is gone
            self.process.wait(timeout=10)
        self.process = None

    def answers(self):
        try:
            return redis.Redis.from_url(PRIVATE_REDIS_URL, socket_timeout=1).ping()
        except redis.exceptions.ConnectionError:
            return False


def _point_celery_at(url):
    """The test process publishes through the same Celery app as the web: point it at a broker."""
    app.conf.broker_url = url
    pools.reset()  # kombu's pools are global, one per broker URL
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_redis(settings, tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    previous = app.conf.broker_url
    settings.CELERY_BROKER_URL = settings.REDIS_URL = PRIVATE_REDIS_URL
    _point_celery_at(PRIVATE_REDIS_URL)
    yield server
    server.stop()
    _point_celery_at(previous)


@pytest.fixture
def ops_worker(private_redis, start_worker):
    """tests/worker.py's workers, on the private Redis (this fixture orders them after it)."""
    return start_worker


@pytest.fixture
def start_beat(private_redis, settings, tmp_path):
    db = connection.settings_dict
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "evaluation_portal.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": PRIVATE_REDIS_URL,
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    processes = []

    def _start():
        log = (tmp_path / "beat.log").open("a")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "evaluation_portal",
                "beat",
                "-l",
                "info",
                "--schedule",
                str(tmp_path / "beat-schedule"),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=settings.BASE_DIR,
            start_new_session=True,
        )
        processes.append(process)
        return process

    yield _start
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
