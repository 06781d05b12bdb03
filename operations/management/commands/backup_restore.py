"""`manage.py backup_restore ARCHIVE`: into an empty database and an empty media folder, then verified (issue #16
item 7). On PostgreSQL run it as the owner role, then `db_roles` to grant the application role."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = "Phục hồi bản sao lưu vào cơ sở dữ liệu trống và thư mục tệp trống, rồi kiểm tra (số dòng, SHA-256 từng tệp)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(options["archive"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        problems = backup_verify(manifest)
        if problems:
            raise CommandError("Phục hồi xong nhưng kiểm tra không khớp:\n" + "\n".join(problems))
        self.stdout.write(
            f"OK: {len(manifest['tables'])} bảng, {len(manifest['files'])} tệp đã phục hồi và khớp bản kê"
        )
