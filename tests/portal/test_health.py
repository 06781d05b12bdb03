"""Liveness, readiness, metrics and request ids (issue #16 item 8), and the stack's health checks."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
import yaml
from django.urls import reverse

from common.health import heartbeat_write

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def heartbeats(settings):
    client = redis.Redis.from_url(settings.REDIS_URL)

    def clear():
        for key in client.scan_iter("portal:heartbeat:*"):
            client.delete(key)

    clear()
    yield client
    clear()


def test_liveness_checks_nothing_but_the_process(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    assert client.get(reverse("healthz")).content == b"ok"


def test_readiness_names_the_check_that_failed(client, heartbeats):
    heartbeat_write("worker")
    response = client.get(reverse("readyz"))
    checks = response.json()["checks"]
    assert response.status_code == 503
    assert checks["database"] == checks["broker"] == checks["storage"] == checks["worker"] == "ok"
    assert checks["beat"] == "RuntimeError: no heartbeat"
    heartbeat_write("beat")
    assert client.get(reverse("readyz")).status_code == 200


def test_a_stale_heartbeat_is_not_ready(client, heartbeats, settings):
    heartbeat_write("worker")
    heartbeat_write("beat")
    heartbeats.set("portal:heartbeat:beat", str(time.time() - settings.HEARTBEAT_STALE_SECONDS - 5))
    response = client.get(reverse("readyz"))
    assert response.status_code == 503 and "ago" in response.json()["checks"]["beat"]


def test_metrics_need_the_token_or_an_allowed_address(client, settings, cast):
    settings.PORTAL_METRICS_TOKEN = "mot-chuoi-bi-mat"
    assert client.get(reverse("metrics")).status_code == 404
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer sai").status_code == 404
    response = client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer mot-chuoi-bi-mat")
    assert response.status_code == 200
    text = response.content.decode()
    for metric in (
        "django_http_requests_total_by_method_total",
        'portal_queue_depth{queue="celery"}',
        'portal_document_jobs{status="failed"}',
        "portal_document_job_oldest_age_seconds",
        'portal_email_outbox_backlog{outbox="reviews.Notice"}',
        'portal_email_outbox_backlog{outbox="officials.Invitation"}',
        'portal_audit_chain_status{state="unknown"} 1.0',
        "portal_worker_heartbeat_age_seconds",
    ):
        assert metric in text, metric
    settings.PORTAL_METRICS_TOKEN = ""
    settings.PORTAL_METRICS_ALLOWED_IPS = ["127.0.0.1"]
    assert client.get(reverse("metrics")).status_code == 200


def chain_ok():
    return "ok"


def test_the_audit_helper_fills_the_chain_status_through_a_setting(client, settings):
    settings.PORTAL_METRICS_ALLOWED_IPS = ["127.0.0.1"]
    settings.PORTAL_AUDIT_CHAIN_STATUS = "tests.portal.test_health.chain_ok"
    assert 'portal_audit_chain_status{state="ok"} 1.0' in client.get(reverse("metrics")).content.decode()


def test_the_request_id_is_taken_from_the_proxy_or_made(client):
    given = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="req-7f3a")
    assert given["X-Request-ID"] == "req-7f3a"
    made = client.get(reverse("healthz"))["X-Request-ID"]
    assert len(made) == 36 and made != client.get(reverse("healthz"))["X-Request-ID"]


def test_the_stack_checks_web_worker_and_beat_and_waits_for_a_big_pack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert services["worker"]["healthcheck"]["test"][-2:] == ["scripts/healthcheck.py", "worker"]
    assert services["worker-bulk"]["healthcheck"]["test"][-2:] == ["scripts/healthcheck.py", "worker"]
    assert services["beat"]["healthcheck"]["test"][-2:] == ["scripts/healthcheck.py", "beat"]
    # A 400-person pack takes 131 s on a quiet machine (docs/benchmarks.md): the bulk worker waits for it.
    assert int(services["worker-bulk"]["stop_grace_period"].rstrip("s")) >= 4 * 131
    assert "gthread" in services["web"]["command"][-1]


def test_the_container_healthcheck_reads_this_hosts_heartbeat(settings, heartbeats):
    env = {"REDIS_URL": settings.REDIS_URL, "PATH": "/usr/bin:/bin"}
    check = [sys.executable, str(ROOT / "scripts" / "healthcheck.py"), "beat"]
    assert subprocess.run(check, env=env, capture_output=True).returncode == 1
    heartbeat_write("beat")
    assert subprocess.run(check, env=env, capture_output=True).returncode == 0
