#!/usr/bin/env python
"""Benchmark (not a test) of the cohort pages (issue #15): how each page's time grows with the cohort.

Usage:  .venv/bin/python scripts/bench_pages.py [--sizes 41,400,5000] [--runs 7] [--keep] [--pages a,b]

It builds, in its own PostgreSQL database (`ep_bench_pages` on the server of DATABASE_URL, or --db), one cycle
per cohort size through the test factories (tests/factories.py: organisations, peer groups, officials, each
enrolled through the enrolment service) with the states a cohort has at the conference: most forms handed in
with a self-rating and a points total, comment meetings and party opinions recorded, Home Affairs' proposals for
most, the chair's decisions for some, and the year tracked monthly (twelve periods, the first four sent and the
first three confirmed). `--keep` reuses that database when it already holds the cohorts (building 5,000 takes
a few minutes); without it the database is rebuilt.

Settings are production-like: `evaluation_portal.settings.test` (DEBUG off, so Django's cached template loader)
with the real middleware stack. Each page is requested through Django's test client, logged in, `runs` times
alternated with a baseline page (a view with one query of its own rendering the base template, through the same
middleware and session); the table gives each page's median, its ratio to the baseline's median in the same run,
and the HTML size (and the size sent with `Accept-Encoding: gzip`).
"""

import argparse
import gzip
import os
import statistics
import sys
import time
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARKER_TITLE = "Thử tải %d người"
PAGES = [
    "compilation",
    "decision_board",
    "progress_board",
    "progress_refresh",
    "cycle_page",
    "tracking_board",
    "proposal_click",
    "decision_click",
]


def _setup(db_name: str) -> None:
    import dj_database_url

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    config = dj_database_url.parse(base)
    os.environ["DATABASE_URL"] = (
        f"postgres://{config['USER'] or 'postgres'}@{config['HOST'] or '127.0.0.1'}:{config['PORT'] or 5432}/{db_name}"
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "evaluation_portal.settings.test"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")


def _database_exists(db_name: str) -> bool:
    import psycopg

    admin = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone() is not None


def _recreate_database(db_name: str) -> None:
    import psycopg

    admin = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db_name}"')
        conn.execute(f'CREATE DATABASE "{db_name}"')


def build_cohort(size: int, users: dict[str, Any]) -> None:
    """One cycle of `size` people through the factories, at the conference's stage (see the module's doc)."""
    from datetime import date, timedelta
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from cycles.models import AgencyRating, Enrolment, PhaseKind
    from officials.models import OrganisationKind, PersonnelType
    from reviews.models import CommentMeeting, Decision, Evaluation, EvaluationStatus, PartyOpinion
    from tests.factories import (
        CycleFactory,
        OfficialFactory,
        OrganisationFactory,
        PeerGroupFactory,
        enrol,
        open_phase,
    )
    from tracking import services as tracking_services
    from tracking.models import PeriodRecord, PeriodStatus, TrackingPeriod

    started = time.monotonic()
    with transaction.atomic():
        authority = OrganisationFactory(
            name=f"UBND tỉnh Thử {size}", kind=OrganisationKind.PROVINCIAL_COMMITTEE
        )
        cycle = CycleFactory(title=MARKER_TITLE % size, authority=authority)
        for kind in PhaseKind:
            if kind != PhaseKind.OBJECTIONS:
                open_phase(cycle, kind)
        groups = [
            PeerGroupFactory(code="vice_chairs", name="Phó Chủ tịch UBND tỉnh", sort_order=1),
            PeerGroupFactory(code="directors", name="Giám đốc sở và tương đương", sort_order=2),
            PeerGroupFactory(code="unit_heads", name="Người đứng đầu đơn vị sự nghiệp", sort_order=3),
            PeerGroupFactory(code="commune_chairs", name="Chủ tịch UBND xã, phường", sort_order=4),
        ]
        # About five people per agency, so that the agency filter has something to narrow.
        organisations = [
            OrganisationFactory(name=f"Cơ quan thử {size}-{i:04d}") for i in range(size // 5 + 1)
        ]
        for i in range(size):
            group = groups[0] if i < 3 else groups[1 + i % 3]
            official = OfficialFactory(
                full_name=f"Người Thử {size}-{i:04d}",
                organisation=organisations[i // 5],
                peer_group=group,
                personnel_type=PersonnelType.CONG_CHUC if i % 4 else PersonnelType.VIEN_CHUC,
                title="Giám đốc" if i % 5 == 0 else "Phó Giám đốc",
            )
            enrol(cycle, official, agenda_order=i + 1)
        AgencyRating.objects.bulk_create(
            AgencyRating(cycle=cycle, organisation=organisation, level="htxsnv")
            for organisation in organisations
        )
        evaluations = list(
            Evaluation.objects.filter(enrolment__cycle=cycle).order_by("enrolment__agenda_order")
        )
        now = timezone.now()
        levels = ["htxsnv", "httnv", "httnv", "htnv"]
        meetings, opinions, decisions = [], [], []
        for i, evaluation in enumerate(evaluations):
            if i % 10 == 9:
                continue  # one in ten has not handed in a form
            evaluation.status = EvaluationStatus.SUBMITTED
            evaluation.submitted_at = now - timedelta(days=i % 9)
            evaluation.self_proposed_level = levels[i % 4]
            evaluation.points_total = Decimal(92 - (i % 4) * 7)
            if i % 10 < 7:  # seven in ten proposed
                evaluation.status = EvaluationStatus.PROPOSED
                evaluation.proposed_level = levels[(i + 1) % 4]
                evaluation.proposal_reason = "Theo kết quả theo dõi trong năm."
            if i % 10 < 3:  # three in ten decided (drafts)
                evaluation.status = EvaluationStatus.DECIDED
                evaluation.final_level = evaluation.proposed_level
                decisions.append(
                    Decision(evaluation=evaluation, level=evaluation.final_level, comments="Nhận xét thử.")
                )
            if i % 10 < 8:
                meetings.append(
                    CommentMeeting(
                        evaluation=evaluation,
                        held_on=date(cycle.year, 11, 20),
                        place="Phòng họp",
                        chaired_by="Chủ trì thử",
                        minutes_by="Thư ký thử",
                        invited_count=15,
                        attended_count=14,
                        conclusion="Thống nhất.",
                        meeting_level=evaluation.self_proposed_level,
                        minutes_adopted=True,
                    )
                )
                opinions.append(
                    PartyOpinion(
                        evaluation=evaluation,
                        body="Đảng ủy",
                        given_on=date(cycle.year, 11, 25),
                        text="Đồng ý.",
                    )
                )
        Evaluation.objects.bulk_update(
            evaluations,
            ["status", "submitted_at", "self_proposed_level", "points_total", "proposed_level"]
            + ["proposal_reason", "final_level"],
            batch_size=1000,
        )
        CommentMeeting.objects.bulk_create(meetings, batch_size=1000)
        PartyOpinion.objects.bulk_create(opinions, batch_size=1000)
        Decision.objects.bulk_create(decisions, batch_size=1000)
        tracking_services.tracking_set_up(cycle=cycle, frequency="monthly", by=users["home_affairs"])
        periods = list(TrackingPeriod.objects.filter(cycle=cycle).order_by("number"))
        records = []
        for enrolment_pk in Enrolment.objects.filter(cycle=cycle).values_list("pk", flat=True):
            for period in periods[:4]:
                confirmed = period.number <= 3
                records.append(
                    PeriodRecord(
                        enrolment_id=enrolment_pk,
                        period=period,
                        months_worked=1,
                        status=PeriodStatus.CONFIRMED if confirmed else PeriodStatus.SUBMITTED,
                        self_score=Decimal("85.00"),
                        confirmed_score=Decimal("84.00") if confirmed else None,
                        submitted_at=now,
                        confirmed_at=now if confirmed else None,
                    )
                )
        PeriodRecord.objects.bulk_create(records, batch_size=2000)
    print(f"built the cohort of {size} in {time.monotonic() - started:.0f} s", flush=True)


def build(sizes: list[int]) -> None:
    from django.core.management import call_command

    from officials.models import Role
    from officials.services import role_grant
    from tests.factories import UserFactory

    call_command("migrate", verbosity=0)
    users = {}
    for key, role in [("home_affairs", Role.HOME_AFFAIRS), ("chair", Role.CHAIR)]:
        users[key] = UserFactory(username=f"bench_{key}")
        role_grant(user=users[key], role=role)
    for size in sizes:
        build_cohort(size, users)


def _baseline_urls(project_urls: str) -> types.ModuleType:
    """The project's URLs plus the baseline: one query of its own, the base template, the same middleware."""
    from importlib import import_module

    from django.shortcuts import render
    from django.urls import path

    from cycles.models import Cycle

    def baseline(request: Any) -> Any:
        cycle = Cycle.objects.order_by("pk").first()
        return render(request, "base.html", {"cycle": cycle})

    module = types.ModuleType("bench_pages_urls")
    module.urlpatterns = [path("bench-baseline", baseline), *import_module(project_urls).urlpatterns]  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    return module


class Target:
    """How to ask for one page of one cohort; `data` may be a function called before each request."""

    def __init__(
        self, method: str, url: str, user: str, data: Any = None, htmx: bool = False, headers: Any = None
    ) -> None:
        self.method, self.url, self.user, self.data = method, url, user, data
        self.htmx, self.headers = htmx, headers or {}


def targets(size: int) -> dict[str, Target]:
    from django.urls import reverse

    from cycles.models import Cycle
    from reviews.models import Evaluation, EvaluationStatus

    cycle = Cycle.objects.get(title=MARKER_TITLE % size)
    evaluations = Evaluation.objects.filter(enrolment__cycle=cycle).order_by("enrolment__agenda_order")
    # The middle of the agenda, so a page that shows a window of rows has to find it.
    proposed = evaluations.filter(status=EvaluationStatus.PROPOSED)[size // 3 // 2]
    decided = evaluations.filter(status=EvaluationStatus.DECIDED)[size // 10 // 2]
    flip = {"n": 0}

    def proposal_data() -> dict[str, str]:
        flip["n"] += 1
        return {"proposal": "httnv" if flip["n"] % 2 else "htnv", "reason": "Thử.", "comments": ""}

    def decision_data() -> dict[str, str]:
        flip["n"] += 1
        version = Evaluation.objects.values_list("version", flat=True).get(pk=decided.pk)
        return {
            "decision": "httnv" if flip["n"] % 2 else "htnv",
            "comments": "Nhận xét thử.",
            "version": str(version),
        }

    progress = reverse("reviews:progress_board", kwargs={"pk": cycle.pk})
    return {
        "compilation": Target(
            "get", reverse("reviews:compilation", kwargs={"cycle_pk": cycle.pk}), "home_affairs"
        ),
        "decision_board": Target(
            "get", reverse("reviews:decision_board", kwargs={"cycle_pk": cycle.pk}), "chair"
        ),
        "progress_board": Target("get", progress, "home_affairs"),
        "progress_refresh": Target("get", progress, "home_affairs", htmx=True),
        "cycle_page": Target("get", reverse("portal:cycle_detail", kwargs={"pk": cycle.pk}), "home_affairs"),
        "tracking_board": Target("get", reverse("tracking:board", kwargs={"pk": cycle.pk}), "home_affairs"),
        "proposal_click": Target(
            "post",
            reverse("reviews:proposal_edit", kwargs={"pk": proposed.pk}),
            "home_affairs",
            proposal_data,
            True,
        ),
        "decision_click": Target(
            "post",
            reverse("reviews:decision_record", kwargs={"pk": decided.pk}),
            "chair",
            decision_data,
            True,
        ),
    }


def _request(client: Any, target: Target) -> tuple[float, int, int, Any]:
    headers = {"HTTP_ACCEPT_ENCODING": "gzip", **target.headers}
    if target.htmx:
        headers["HTTP_HX_REQUEST"] = "true"
    data = target.data() if callable(target.data) else target.data
    started = time.perf_counter()
    response = (
        getattr(client, target.method)(target.url, data, **headers)
        if data
        else client.get(target.url, **headers)
    )
    body = b"".join(response.streaming_content) if response.streaming else response.content
    elapsed = time.perf_counter() - started
    assert response.status_code in (200, 204, 304), (target.url, response.status_code)
    raw = gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body
    return elapsed, len(raw), len(body), response


def measure(sizes: list[int], runs: int, pages: list[str]) -> list[dict[str, Any]]:
    from django.test import Client
    from django.test.utils import override_settings

    from officials.models import Role, RoleAssignment

    _baseline_urls("evaluation_portal.urls")
    results = []
    with override_settings(ROOT_URLCONF="bench_pages_urls", ALLOWED_HOSTS=["testserver"]):
        clients = {}
        for key, role in [("home_affairs", Role.HOME_AFFAIRS), ("chair", Role.CHAIR)]:
            client = Client()
            client.force_login(RoleAssignment.objects.filter(role=role).select_related("user").get().user)
            clients[key] = client
        baseline = Target("get", "/bench-baseline", "home_affairs")
        for size in sizes:
            # The progress refresh asks "anything new since what I have?" the way the page's poll does: with the
            # validator of the previous answer, when the page gives one.
            wanted = targets(size)
            if "progress_refresh" in pages:
                first = _request(clients["home_affairs"], wanted["progress_refresh"])[3]
                if first.get("ETag"):
                    wanted["progress_refresh"].headers = {"HTTP_IF_NONE_MATCH": first["ETag"]}
            for name in pages:
                target = wanted[name]
                client = clients[target.user]
                _request(client, target)  # warm-up: caches, connections
                _request(clients["home_affairs"], baseline)
                page_times, base_times = [], []
                for _run in range(runs):
                    base_times.append(_request(clients["home_affairs"], baseline)[0])
                    elapsed, raw, sent, response = _request(client, target)
                    page_times.append(elapsed)
                page, base = statistics.median(page_times), statistics.median(base_times)
                row = {
                    "size": size,
                    "page": name,
                    "ms": page * 1000,
                    "baseline_ms": base * 1000,
                    "ratio": page / base,
                    "html_kb": raw / 1024,
                    "sent_kb": sent / 1024,
                    "status": response.status_code,
                }
                results.append(row)
                print(
                    f"{size:>5} {name:<17} {row['ms']:9.1f} ms  {row['ratio']:7.1f}×  (baseline {row['baseline_ms']:.1f} ms)"
                    f"  HTML {row['html_kb']:9.1f} KB  sent {row['sent_kb']:9.1f} KB  [{row['status']}]",
                    flush=True,
                )
    return results


def table(results: list[dict[str, Any]], sizes: list[int]) -> str:
    lines = [
        "| Page | " + " | ".join(f"{size}" for size in sizes) + f" | HTML at {sizes[-1]} (sent gzip) |",
        "|---|" + "---:|" * len(sizes) + "---:|",
    ]
    for name in dict.fromkeys(row["page"] for row in results):
        cells = []
        last = None
        for size in sizes:
            row = next((r for r in results if r["page"] == name and r["size"] == size), None)
            cells.append(f"{row['ms']:.0f} ms ({row['ratio']:.1f}×)" if row else "—")
            last = row or last
        size_cell = f"{last['html_kb']:.0f} KB ({last['sent_kb']:.0f} KB)" if last else "—"
        lines.append(f"| {name.replace('_', ' ')} | " + " | ".join(cells) + f" | {size_cell} |")
    base = ", ".join(
        f"{statistics.median(r['baseline_ms'] for r in results if r['size'] == s):.1f}" for s in sizes
    )
    lines.append("")
    lines.append(f"Baseline medians (ms, per cohort): {base}.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="41,400,5000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", default="ep_bench_pages")
    parser.add_argument("--keep", action="store_true", help="reuse the database if it holds the cohorts")
    parser.add_argument("--pages", default=",".join(PAGES))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    pages = args.pages.split(",")
    _setup(args.db)
    fresh = not (args.keep and _database_exists(args.db))
    if fresh:
        _recreate_database(args.db)
    import django

    django.setup()
    from cycles.models import Cycle

    if fresh:
        build(sizes)
    else:
        missing = [s for s in sizes if not Cycle.objects.filter(title=MARKER_TITLE % s).exists()]
        if missing:
            from officials.models import RoleAssignment

            users = {a.role: a.user for a in RoleAssignment.objects.select_related("user")}
            for size in missing:
                build_cohort(size, {"home_affairs": users["home_affairs"], "chair": users["chair"]})
    results = measure(sizes, args.runs, pages)
    print()
    print(table(results, sizes))


if __name__ == "__main__":
    main()
