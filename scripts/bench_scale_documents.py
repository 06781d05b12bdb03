#!/usr/bin/env python
"""Benchmark (not a test) for issue #15: asking for a document, the Excel export, and a long paper rendered in
parts by 1, 2 and 4 worker processes.

Usage:  .venv/bin/python scripts/bench_scale_documents.py [--sizes 41,400,5000] [--workers 1,2,4] [--write FILE]

Needs PostgreSQL and Redis (DATABASE_URL's server, REDIS_URL); it creates and drops its own database
`<name>_bench`. Cohorts are the demo's 41-person 2026 cycle and invented cohorts of 400 and 5,000 (cycles 2027 and
2028), every form filled and proposed. Figures:

  request     `document_request` for the report, the conference pack, all forms and one person's form: median of
              7 (ms), with the one-query baseline (`Cycle.objects.filter(pk=…).exists()`) timed alternately; and
              what the request did before issue #15 (take the whole snapshot and its SHA-256, without writing the
              row), on the same data in the same run;
  export      the compilation workbook (the worker's job: standing, sheets, row heights, bytes), with the row
              heights computed in one pass (now) and row by row through `ws[row]` (before);
  parts       the conference pack of the 400-person cohort rendered by a real Celery worker with 1, 2, 4 processes
              (`DOCUMENTS_PART_SIZE` forms per slice) and, as the reference, in one piece by one process: wall time
              from the request to the stored PDF, pages per second, and the peak RSS of each worker process.
"""

import argparse
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_url() -> str:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ep")
    if base.endswith("_bench"):
        return base
    return base.rsplit("/", 1)[0] + "/" + base.rsplit("/", 1)[1].split("?")[0] + "_bench"


def _setup(media: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "evaluation_portal.settings.local"
    os.environ["DATABASE_URL"] = _bench_url()
    os.environ["DJANGO_MEDIA_ROOT"] = media
    import django

    django.setup()


def _recreate_database() -> None:
    url = _bench_url()
    server, name = url.rsplit("/", 1)
    import psycopg

    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(sizes: list[int]) -> dict[int, int]:
    """Migrate, load the demo (41 people in 2026) and add invented cohorts; returns {size: cycle pk}."""
    from datetime import date

    from django.core.management import call_command
    from django.db import transaction

    from cycles.models import Cycle
    from cycles.rulebooks import Framework
    from cycles.services import cycle_create
    from officials.models import Official, Organisation, PeerGroup, PersonnelType
    from portal.demo import FEMALE, MALE, SURNAMES, _demo_answers, load_demo
    from reviews.models import Evaluation
    from reviews.services import enrolment_create

    call_command("migrate", verbosity=0)
    load_demo()
    demo = Cycle.objects.get(year=2026)
    cycles = {41: demo.pk}
    Evaluation.objects.filter(enrolment__cycle=demo, proposed_not_rated=False, proposed_level="").update(
        proposed_level="httnv", proposal_reason="Đạt."
    )
    group = PeerGroup.objects.get(code="commune_chairs")
    types = [PersonnelType.CONG_CHUC, PersonnelType.VIEN_CHUC, PersonnelType.CAN_BO]
    from django.utils import timezone

    submitted_at = timezone.now()
    for offset, size in enumerate(s for s in sizes if s != 41):
        with transaction.atomic():
            cycle = cycle_create(
                year=2027 + offset,
                title=f"Đánh giá, xếp loại chất lượng năm {2027 + offset} ({size} người, thử tải)",
                authority=demo.authority,
                chair_name=demo.chair_name,
                framework=Framework.DECREES_2026,
            )
            for i in range(size):
                middles, givens = FEMALE if i % 5 == 2 else MALE
                name = f"{SURNAMES[i % len(SURNAMES)]} {middles[i // 20 % len(middles)]} {givens[i // 7 % len(givens)]}"
                commune = Organisation.objects.create(
                    name=f"UBND xã Thử {size}-{i + 1:04d}",
                    abbreviation="UBND",
                    kind="commune_committee",
                    parent=demo.authority,
                )
                official = Official.objects.create(
                    full_name=name,
                    gender="female" if i % 5 == 2 else "male",
                    personnel_type=types[i % 3],
                    title=f"Chủ tịch UBND xã Thử {i + 1:04d}",
                    organisation=commune,
                    peer_group=group,
                    date_of_birth=date(1975, 1, 1),
                )
                enrolment = enrolment_create(cycle=cycle, official=official, agenda_order=i + 1)
                answers, total = _demo_answers(enrolment, i + 1)
                Evaluation.objects.filter(enrolment=enrolment).update(
                    answers=answers,
                    points_total=total,
                    status="submitted",
                    submitted_at=submitted_at,
                    self_proposed_level="httnv",
                    proposed_level="httnv",
                    proposal_reason="Hoàn thành tốt nhiệm vụ được giao.",
                )
        cycles[size] = cycle.pk
    return cycles


def _median_ms(
    action: Callable[[], None],
    baseline: Callable[[], None],
    runs: int = 7,
    after: Callable[[], None] | None = None,
) -> tuple[float, float]:
    times, bases = [], []
    for _ in range(runs):
        if after is not None:
            after()
        started = time.perf_counter()
        baseline()
        bases.append(time.perf_counter() - started)
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    if after is not None:
        after()
    return statistics.median(times) * 1000, statistics.median(bases) * 1000


def requests_bench(cycles: dict[int, int], *, before: bool = True) -> list[dict[str, Any]]:
    from cycles.models import Cycle
    from documents.models import DocumentJob, DocumentKind
    from documents.selectors import checksum_of
    from documents.services import _prepare, document_request
    from reviews.models import Evaluation

    rows = []
    asked: list[int] = []
    for size, pk in sorted(cycles.items()):
        cycle = Cycle.objects.get(pk=pk)
        person = Evaluation.objects.filter(enrolment__cycle=cycle).order_by("pk").first()

        def baseline(pk: int = pk) -> None:
            Cycle.objects.filter(pk=pk).exists()

        for kind, subject in (
            (
                DocumentKind.REPORT,
                {"cycle": cycle, "options": {"remarks": "", "signer_name": "A", "signing": "director"}},
            ),
            (DocumentKind.CONFERENCE_PACK, {"cycle": cycle}),
            (DocumentKind.RATING_FORMS, {"cycle": cycle}),
            (DocumentKind.RATING_FORM, {"evaluation": person}),
        ):

            def ask(kind: str = kind, subject: dict[str, Any] = subject) -> None:
                asked.append(document_request(kind=kind, by=None, **subject).pk)

            def forget() -> None:
                # So that the next request is a new one too (not timed).
                DocumentJob.objects.filter(pk__in=asked).delete()
                asked.clear()

            def old(kind: str = kind, subject: dict[str, Any] = subject) -> None:
                data = _prepare(
                    kind=kind,
                    evaluation=subject.get("evaluation"),
                    cycle=subject.get("cycle"),
                    show_decision=True,
                    options=subject.get("options"),
                ).data
                checksum_of(data)

            now_ms, base_ms = _median_ms(ask, baseline, after=forget)
            before_ms = (
                _median_ms(old, baseline, runs=3 if size >= 5000 else 7)[0] if before else float("nan")
            )
            rows.append(
                {
                    "size": size,
                    "kind": str(kind),
                    "now_ms": now_ms,
                    "before_ms": before_ms,
                    "baseline_ms": base_ms,
                }
            )
            print(rows[-1], flush=True)
    return rows


def _row_heights_fit_before(ws: Any, first_row: int, last_row: int) -> None:
    """The row heights as they were before issue #15: `ws[row]` for each row (openpyxl rescans every cell)."""
    from openpyxl.utils import get_column_letter

    from reviews.spreadsheets.workbook import LINE_POINTS

    spans: dict[tuple[int, int], Any] = {}
    for merged in ws.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = range(merged.min_col, merged.max_col + 1)
    for row in range(first_row, last_row + 1):
        lines = 1
        for cell in ws[row]:
            if cell.value is None or not isinstance(cell.value, str):
                continue
            columns = spans.get((row, cell.column), [cell.column])
            width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in columns)
            per_line = max(int(width * (0.95 if cell.font and cell.font.bold else 1.1)) - 1, 1)
            needed = sum(max(1, math.ceil(len(part) / per_line)) for part in cell.value.split("\n"))
            lines = max(lines, needed)
        if lines > 1:
            ws.row_dimensions[row].height = lines * LINE_POINTS


def export_bench(cycles: dict[int, int], *, before: bool = True) -> list[dict[str, Any]]:
    from cycles.models import Cycle
    from reviews.selectors import LevelSource, cohort_standing
    from reviews.spreadsheets import export, workbook

    rows = []
    for size, pk in sorted(cycles.items()):
        cycle = Cycle.objects.get(pk=pk)
        result: dict[str, Any] = {"size": size}
        fits = [("now", workbook.row_heights_fit), ("before", _row_heights_fit_before)][: 2 if before else 1]
        result["before_s"] = float("nan")
        for label, fit in fits:
            export.row_heights_fit = fit  # type: ignore[attr-defined]
            started = time.perf_counter()
            standing = cohort_standing(cycle, LevelSource.PROPOSED)
            content = export.compilation_workbook(cycle=cycle, standing=standing)
            result[f"{label}_s"] = time.perf_counter() - started
            result["mb"] = len(content) / 1024 / 1024
        rows.append(result)
        print(result, flush=True)
    return rows


def _worker_peaks(parent: int) -> list[int]:
    """Peak RSS (VmHWM, MB) of the worker's pool processes."""
    peaks = []
    for child in Path(f"/proc/{parent}/task/{parent}/children").read_text().split():
        status = Path(f"/proc/{child}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) // 1024)
    return peaks


def parts_bench(cycle_pk: int, workers: list[int], media: str, part_size: int = 25) -> list[dict[str, Any]]:
    from django.db import connection

    from cycles.models import Cycle
    from documents.models import Document, DocumentJob, DocumentKind, JobStatus
    from documents.services import document_request

    cycle = Cycle.objects.get(pk=cycle_pk)
    rows = []
    for processes, slice_size in [(1, 100000), *((n, part_size) for n in workers)]:
        env = os.environ | {
            "DATABASE_URL": _bench_url(),
            "DJANGO_MEDIA_ROOT": media,
            "DOCUMENTS_PART_SIZE": str(slice_size),
        }
        worker = subprocess.Popen(
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
                "warning",
                "--concurrency",
                str(processes),
                "-n",
                f"bench-{processes}-{os.getpid()}@%h",
            ],
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        time.sleep(8)  # the pool is up
        from django.conf import settings

        settings.DOCUMENTS_PART_SIZE = slice_size
        # Nothing left over from an interrupted run (its message may be gone with its worker).
        DocumentJob.objects.filter(cycle=cycle).exclude(status=JobStatus.DONE).delete()
        started = time.perf_counter()
        job = document_request(kind=DocumentKind.CONFERENCE_PACK, cycle=cycle, by=None)
        connection.close()
        while True:
            job.refresh_from_db()
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                break
            time.sleep(0.5)
        seconds = time.perf_counter() - started
        assert job.status == JobStatus.DONE, job.error
        document = Document.objects.get(job=job)
        peaks = _worker_peaks(worker.pid)
        row = {
            "people": cycle.enrolments.count(),
            "processes": processes,
            "parts": job.parts.count() or 1,
            "pages": document.page_count,
            "seconds": seconds,
            "pages_per_second": document.page_count / seconds,
            "peak_rss_mb": peaks,
        }
        rows.append(row)
        print(row, flush=True)
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
        # The next run renders it anew (the same data would be the same job).
        Document.objects.filter(job=job).delete()
        job.parts.all().delete()
        DocumentJob.objects.filter(pk=job.pk).delete()
    return rows


def _table(requests: list[dict[str, Any]], exports: list[dict[str, Any]], parts: list[dict[str, Any]]) -> str:
    lines = ["### Asking for a document (ms, median of 7; the one-query baseline in brackets)", ""]
    lines += [
        "| Cohort | Document | Now | Before (snapshot + checksum in the request) |",
        "|---:|---|---:|---:|",
    ]
    for r in requests:
        lines.append(
            f"| {r['size']} | {r['kind']} | {r['now_ms']:.1f} ({r['now_ms'] / r['baseline_ms']:.0f}× of "
            f"{r['baseline_ms']:.1f}) | {r['before_ms']:.0f} |"
        )
    lines += ["", "### The compilation workbook (seconds, built by the worker)", ""]
    lines += [
        "| Cohort | Now | Before (row heights through `ws[row]`) | Size (MB) |",
        "|---:|---:|---:|---:|",
    ]
    for r in exports:
        lines.append(f"| {r['size']} | {r['now_s']:.2f} | {r['before_s']:.2f} | {r['mb']:.2f} |")
    if parts:
        lines += ["", f"### The {parts[0]['people']}-person conference pack across worker processes", ""]
        lines += [
            "| Worker processes | Slices | Pages | Seconds | Pages/s | Peak RSS per process (MB) |",
            "|---:|---:|---:|---:|---:|---|",
        ]
        for r in parts:
            label = f"{r['processes']} (in slices)" if r["parts"] > 1 else f"{r['processes']} (one piece)"
            lines.append(
                f"| {label} | {r['parts']} | {r['pages']} | {r['seconds']:.1f} | {r['pages_per_second']:.1f} | "
                f"{', '.join(str(p) for p in r['peak_rss_mb'])} |"
            )
    return "\n".join(lines) + f"\n\nMachine: {os.cpu_count()} CPUs (shared with other work while measured).\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="41,400,5000")
    parser.add_argument(
        "--workers", default="1,2,4", help="worker processes for the pack in slices; '' to skip"
    )
    parser.add_argument(
        "--pack-size", type=int, default=400, help="the cohort whose pack is rendered in slices"
    )
    parser.add_argument("--part-size", type=int, default=25, help="forms per slice (DOCUMENTS_PART_SIZE)")
    parser.add_argument("--write", help="append the tables to this Markdown file")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of the last run (cohorts built)"
    )
    parser.add_argument("--only", choices=("requests", "export", "parts"), help="time one thing only")
    parser.add_argument("--skip-before", action="store_true", help="do not time things as they were before")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if not args.reuse:
        _recreate_database()
    media = tempfile.mkdtemp(prefix="bench-scale-")
    _setup(media)
    if args.reuse:
        from cycles.models import Cycle

        cycles = {c.enrolments.count(): c.pk for c in Cycle.objects.filter(year__gte=2026)}
    else:
        cycles = prepare(sizes)
    print("cohorts:", cycles, flush=True)
    requests = requests_bench(cycles, before=not args.skip_before) if args.only in (None, "requests") else []
    exports = export_bench(cycles, before=not args.skip_before) if args.only in (None, "export") else []
    workers = [int(w) for w in args.workers.split(",") if w]
    parts = (
        parts_bench(cycles[args.pack_size], workers, media, args.part_size)
        if workers and args.only in (None, "parts")
        else []
    )
    table = _table(requests, exports, parts)
    print(table)
    (Path(media) / "bench-scale.json").write_text(
        json.dumps({"requests": requests, "exports": exports, "parts": parts})
    )
    if args.write:
        with open(args.write, "a") as handle:
            handle.write("\n" + table)


if __name__ == "__main__":
    main()
