#!/usr/bin/env python
"""Benchmark (not a test): the conference pack (the Home Affairs report, the landscape summary table and every
person's rating form in one PDF) and the forms alone, for the 41-person demo cohort and for 400.

Usage:  .venv/bin/python scripts/bench_documents.py [--what pack|forms|both] [--write docs/benchmarks.md]

It builds a throwaway SQLite database with the demo province (and 359 more invented people for the second
cohort), then times, each in a fresh process so that peak memory (ru_maxrss) is that scenario's own:

  pack / pipeline   what the worker does: take the data (queries, cohort_standing), render the templates, lay out
                   each part as its own document (own page numbers), join them with the outline, write, store;
  *weasyprint      WeasyPrint alone on the same HTML (the parts concatenated into one document), no Django work.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(db_path: str):
    os.environ["DJANGO_SETTINGS_MODULE"] = "evaluation_portal.settings.local"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    # Everything the run writes (media, the filesystem broker's queue) stays in the throwaway folder.
    os.environ["PORTAL_VAR_DIR"] = str(Path(db_path).parent)
    os.environ["DJANGO_MEDIA_ROOT"] = str(Path(db_path).parent / "media")
    os.environ["REDIS_URL"] = ""
    os.chdir(Path(db_path).parent)  # kombu's filesystem transport puts its "control" folder in the cwd
    import django

    django.setup()


def prepare(db_path: str) -> None:
    """Migrate, load the demo, and add an invented 2026 cohort of 400 in a second cycle."""
    _setup(db_path)
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
    load_demo(papers=False)
    demo = Cycle.objects.get(year=2026)
    with transaction.atomic():
        big = cycle_create(
            year=2027,
            title="Đánh giá, xếp loại chất lượng năm 2027 (400 người, thử tải)",
            authority=demo.authority,
            chair_name=demo.chair_name,
            framework=Framework.DECREES_2026,
        )
        officials = list(Official.objects.all())
        group = PeerGroup.objects.get(code="commune_chairs")
        types = [PersonnelType.CONG_CHUC, PersonnelType.VIEN_CHUC, PersonnelType.CAN_BO]
        for i in range(400 - len(officials)):
            # Invented names; the demo's own generator has only ~140 distinct ones.
            middles, givens = FEMALE if i % 5 == 2 else MALE
            name = f"{SURNAMES[i % len(SURNAMES)]} {middles[i // 20 % len(middles)]} {givens[i // 7 % len(givens)]}"
            gender = "female" if i % 5 == 2 else "male"
            commune = Organisation.objects.create(
                name=f"UBND xã Thử {i + 1:03d}",
                abbreviation="UBND",
                kind="commune_committee",
                parent=demo.authority,
            )
            officials.append(
                Official.objects.create(
                    full_name=name,
                    gender=gender,
                    personnel_type=types[i % 3],
                    title=f"Chủ tịch UBND xã Thử {i + 1:03d}",
                    organisation=commune,
                    peer_group=group,
                    date_of_birth=date(1975, 1, 1),
                )
            )
        for order, official in enumerate(officials, start=1):
            enrolment = enrolment_create(cycle=big, official=official, agenda_order=order)
            answers, total = _demo_answers(enrolment, order)
            Evaluation.objects.filter(enrolment=enrolment).update(answers=answers, points_total=total)


def _one_document(parts: list[str]) -> str:
    """The parts' bodies one after the other in one HTML document, a page break between them; a part whose body
    is landscape (the summary table) keeps its named page through a wrapper with the same class."""
    import re

    head = parts[0].partition("<body")[0]
    bodies = []
    for part in parts:
        opening, _, rest = part.partition("<body")[2].partition(">")
        classes = re.search(r'class="([^"]*)"', opening)
        body = rest.rsplit("</body>", 1)[0]
        bodies.append(f'<div class="part {classes.group(1) if classes else ""}">{body}</div>')
    html = head + "<body>" + "".join(bodies) + "</body></html>"
    return html.replace("</head>", "<style>.part + .part { break-before: page; }</style></head>")


def scenario(db_path: str, name: str, year: int) -> dict:
    _setup(db_path)
    from cycles.models import Cycle
    from documents.models import DocumentKind
    from documents.rendering import DOCUMENT_ORIGIN, document_html, url_fetcher
    from documents.services import _parts, _prepare, document_job_run, document_request

    cycle = Cycle.objects.get(year=year)
    kind = DocumentKind.CONFERENCE_PACK if name.startswith("pack") else DocumentKind.RATING_FORMS
    import weasyprint  # imported once per worker process; not part of the timing

    weasyprint.HTML(string="<p>x</p>").write_pdf()  # warm up fontconfig and Pango
    people = cycle.enrolments.count()
    started = time.perf_counter()
    if name in ("pipeline", "pack"):
        job = document_request(kind=kind, cycle=cycle, by=None)
        outcome = document_job_run(job_id=job.pk)
        assert outcome == "done", (outcome, job.pk, job.error)
        job.refresh_from_db()
        pages = job.document.page_count
        size = job.document.size
    else:
        data = _prepare(kind=kind, evaluation=None, cycle=cycle, show_decision=True).data
        html = _one_document([document_html(template, part) for template, part in _parts(kind, data)])
        started = time.perf_counter()
        document = weasyprint.HTML(
            string=html, base_url=DOCUMENT_ORIGIN + "/", url_fetcher=url_fetcher()
        ).render()
        pdf = document.write_pdf()
        pages = len(document.pages)
        size = len(pdf)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "scenario": name,
        "people": people,
        "pages": pages,
        "seconds": round(seconds, 2),
        "pages_per_second": round(pages / seconds, 1),
        "peak_rss_mb": round(peak_kb / 1024),
        "pdf_mb": round(size / 1024 / 1024, 2),
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--write", help="write the table to this Markdown file")
    parser.add_argument(
        "--what",
        choices=("pack", "forms", "both"),
        default="both",
        help="the conference pack (report + summary table + every form), the forms alone, or both",
    )
    parser.add_argument(
        "--years",
        default="2026,2027",
        help="the cycles to time, comma-separated: 2023 (the demo's finished Decree 90 cycle, qualitative forms with "
        "their dotted lines), 2026 (the demo's 41-person points cycle), 2027 (the invented 400-person cohort)",
    )
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    parser.add_argument("--year", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(scenario(args.db, args.scenario, args.year)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-documents-") as folder:
        db = str(Path(folder) / "bench.sqlite3")
        print("Preparing the demo province and a 400-person cohort …", flush=True)
        subprocess.run(
            [sys.executable, __file__, "--scenario", "prepare", "--db", db, "--year", "0"], check=False
        )
        rows = []
        names = {
            "forms": ("pipeline", "weasyprint"),
            "pack": ("pack", "pack-weasyprint"),
            "both": ("pack", "pack-weasyprint", "pipeline", "weasyprint"),
        }[args.what]
        for year in [int(y) for y in args.years.split(",")]:
            for name in names:
                output = subprocess.run(
                    [sys.executable, __file__, "--scenario", name, "--db", db, "--year", str(year)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                row = json.loads(output.strip().splitlines()[-1])
                rows.append(row)
                print(row, flush=True)
    table = _table(rows)
    print(table)
    if args.write:
        Path(args.write).write_text(table)


def _table(rows) -> str:
    import platform

    import weasyprint

    lines = [
        "| Cohort | What is timed | Pages | Seconds | Pages/s | Peak RSS (MB) | PDF (MB) |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "pipeline": "forms: portal pipeline (data, templates, per-form layout, join, write, store)",
        "weasyprint": "forms: WeasyPrint alone, same HTML as one document",
        "pack": "conference pack: portal pipeline (report, summary, forms; per-part layout, join, store)",
        "pack-weasyprint": "conference pack: WeasyPrint alone, same HTML as one document",
    }
    for row in rows:
        lines.append(
            f"| {row['people']} | {labels[row['scenario']]} | {row['pages']} | {row['seconds']} | "
            f"{row['pages_per_second']} | {row['peak_rss_mb']} | {row['pdf_mb']} |"
        )
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}"
    return "\n".join(lines) + f"\n\nMachine: {machine}.\n"


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1:3] == ["--scenario", "prepare"]:
        prepare(sys.argv[sys.argv.index("--db") + 1])
    else:
        main()
