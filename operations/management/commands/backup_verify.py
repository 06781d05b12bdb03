"""`manage.py backup_verify [ARCHIVE]`: does this stack match the archive's manifest (after a restore), and does
every stored file match its row? Exit 1 with each difference (issue #16 item 7)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, backup_verify, manifest_read


class Command(BaseCommand):
    help = (
        "Kiểm tra dữ liệu so với bản kê của bản sao lưu (số dòng mỗi bảng, SHA-256 từng tệp) và từng tệp đã lưu so "
        "với dòng dữ liệu của nó. Không có tệp sao lưu: chỉ kiểm tra các tệp."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive", type=Path, nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = manifest_read(options["archive"]) if options["archive"] else None
            problems = backup_verify(manifest)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if problems:
            raise CommandError("Không khớp:\n" + "\n".join(problems))
        self.stdout.write("OK: dữ liệu và tệp khớp" + (" bản kê" if manifest else " các dòng dữ liệu"))
