"""Autosave under load (issue #16 item 9): N simulated officials, each logged in with their own session, autosave
their self-assessment every few seconds against gunicorn with the production settings on PostgreSQL, for each
gunicorn configuration given. Prints p50/p95/max latency, requests per second, errors and lost saves (a save
answered 200 whose text is not the one stored at the end) per configuration; figures go to docs/benchmarks.md.

    .venv/bin/python scripts/bench_load.py --people 50 --pause 3 --seconds 60 \\
        --config "sync:2:1:nopool" --config "gthread:3:8:pool"

A configuration is worker-class:workers:threads:pool|nopool. It builds a throwaway database (bench_load_<pid>)
on the PostgreSQL of DATABASE_URL, collects the static files once, and drops the database at the end.
"""

from __future__ import annotations

import argparse
import html.parser
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-mat-khau-2026"
HOST = "localhost"


def _database_url(name: str) -> str:
    base = urllib.parse.urlsplit(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    return urllib.parse.urlunsplit(base._replace(path=f"/{name}"))


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )


PREPARE = """
import django; django.setup()
from django.contrib.auth import get_user_model
from tests.factories import CycleFactory, OfficialFactory, enrol, open_self_assessment
cycle = CycleFactory()
open_self_assessment(cycle)
for i in range({people}):
    user = get_user_model().objects.create_user(f"canbo{{i:03d}}", f"canbo{{i:03d}}@example.invalid", "{password}")
    enrol(cycle, OfficialFactory(full_name=f"Cán Bộ Thử {{i:03d}}", user=user))
"""


def prepare(env: dict[str, str], people: int) -> None:
    _manage(env, "migrate", "--noinput")
    code = PREPARE.format(people=people, password=PASSWORD)
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    _manage(env, "collectstatic", "--noinput")


class _Form(html.parser.HTMLParser):
    """The self-assessment form's fields with their current values (what the browser would post)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        kind = a.get("type", "text")
        plain = kind not in ("file", "submit", "button", "checkbox", "radio")
        if tag == "input" and name and (plain or (kind == "radio" and "checked" in a)):
            self.fields[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in a or self._select not in self.fields):
            self.fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        if tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data


class Official:
    """One person in a browser: a session (cookies), then an autosave every `pause` seconds."""

    def __init__(self, port: int, username: str) -> None:
        self.port, self.username = port, username
        self.cookies: dict[str, str] = {}
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.last_saved = ""

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        data = urllib.parse.urlencode(body) if body is not None else None
        headers = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **headers,
        }
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{HOST}{path}"
            headers["Origin"] = f"https://{HOST}"
        connection.request(method, path, data, headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, response.getheader("Location", ""), text

    def log_in(self) -> None:
        _, _, page = self.request("GET", "/login/")
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, "no CSRF token on the login page"
        token = found.group(1)
        status, location, _ = self.request(
            "POST", "/login/", {"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD}
        )
        assert status == 302, (self.username, status)
        _, location, _ = self.request("GET", "/")
        status, _, page = self.request("GET", self.edit_path)
        assert status == 200, (status, self.edit_path)
        form = _Form()
        form.feed(page)
        self.fields = form.fields
        self.text_field = next(name for name in self.fields if name.startswith("text__"))

    def run(
        self, edit_path: str, pause: float, seconds: float, start_delay: float, ready: threading.Barrier
    ) -> None:
        self.edit_path = edit_path
        try:
            self.log_in()
        except Exception as exc:
            self.errors.append(f"login: {exc!r}")
        # Everyone logs in first (Argon2 hashing is deliberately slow); only the autosaves are measured.
        ready.wait()
        if self.errors:
            return
        until = time.monotonic() + seconds
        time.sleep(start_delay)
        counter = 0
        while time.monotonic() < until:
            counter += 1
            text = f"Giải trình lần {counter} của {self.username}"
            body = self.fields | {self.text_field: text, "autosave": "1"}
            started = time.perf_counter()
            try:
                status, _, page = self.request(
                    "POST",
                    edit_path,
                    body,
                    **{"HX-Request": "true", "X-CSRFToken": self.cookies.get(CSRF, "")},
                )
            except Exception as exc:
                self.errors.append(repr(exc))
                time.sleep(pause)
                continue
            self.latencies.append(time.perf_counter() - started)
            version = re.search(r'name="version" value="(\d+)"', page)
            if status == 200 and version:
                self.fields["version"] = version.group(1)
                self.last_saved = text
            else:
                self.errors.append(f"HTTP {status}")
            time.sleep(pause)


CSRF = "__Host-csrftoken"


def _edit_paths(env: dict[str, str]) -> dict[str, str]:
    code = (
        "import django; django.setup()\n"
        "from reviews.models import Evaluation\n"
        "for e in Evaluation.objects.select_related('enrolment__official__user'):\n"
        "    print(e.enrolment.official.user.username, e.pk)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return {
        u: f"/evaluations/{pk}/self-assessment/"
        for u, pk in (line.split() for line in out.stdout.splitlines())
    }


def _stored_texts(env: dict[str, str]) -> dict[str, str]:
    code = (
        "import django, json; django.setup()\n"
        "from reviews.models import Evaluation\n"
        "for e in Evaluation.objects.select_related('enrolment__official__user'):\n"
        "    print(e.enrolment.official.user.username, json.dumps(e.answers, ensure_ascii=False))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return dict(line.split(" ", 1) for line in out.stdout.splitlines())


def run(config: str, env: dict[str, str], args: argparse.Namespace, port: int) -> dict[str, object]:
    worker_class, workers, threads, pool = config.split(":")
    server_env = env | {
        "DJANGO_DB_POOL": "true" if pool == "pool" else "false",
        "GUNICORN_THREADS": threads,
    }
    command = [
        sys.executable, "-m", "gunicorn", "evaluation_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--worker-class", worker_class, "--workers", workers, "--threads", threads, "--timeout", "60",
        "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=server_env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/healthz", headers={"Host": HOST, "X-Forwarded-Proto": "https"})
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        paths = _edit_paths(env)
        people = [Official(port, username) for username in sorted(paths)[: args.people]]
        ready = threading.Barrier(len(people))
        threads_ = [
            threading.Thread(
                target=p.run,
                args=(paths[p.username], args.pause, args.seconds, i * args.pause / len(people), ready),
            )
            for i, p in enumerate(people)
        ]
        for thread in threads_:
            thread.start()
        for thread in threads_:
            thread.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    stored = _stored_texts(env)
    lost = sum(1 for p in people if p.last_saved and p.last_saved not in stored.get(p.username, ""))
    latencies = sorted(x for p in people for x in p.latencies)
    errors = [e for p in people for e in p.errors]
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "config": config,
        "requests": len(latencies),
        "rps": len(latencies) / args.seconds,
        "p50": quantiles[49],
        "p95": quantiles[94],
        "max": latencies[-1] if latencies else 0.0,
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "lost": lost,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--pause", type=float, default=3.0)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--config", action="append", default=[])
    args = parser.parse_args()
    configs = args.config or ["sync:2:1:nopool", "gthread:3:8:pool"]
    name = f"bench_load_{os.getpid()}"
    admin = _database_url("postgres")
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
    static = tempfile.mkdtemp(prefix="bench-static-")
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "evaluation_portal.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DATABASE_URL": _database_url(name),
        "DJANGO_STATIC_ROOT": static,
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    try:
        prepare(env, args.people)
        results = [run(config, env, args, 8790 + i) for i, config in enumerate(configs)]
    finally:
        subprocess.run(["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)
    print(
        f"\n{args.people} officials, an autosave every {args.pause:g} s each, {args.seconds} s once all are logged in"
    )
    print(
        "| gunicorn (class:workers:threads:db pool) | requests | req/s | p50 s | p95 s | max s | errors | lost saves |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['config']} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.2f} | {r['p95']:.2f} | {r['max']:.2f} "
            f"| {r['errors']} | {r['lost']} |"
        )
        if r["error_kinds"]:
            print(f"|  errors: {r['error_kinds']} |")


if __name__ == "__main__":
    main()
