"""`manage.py backup_create --output DIR`: one archive of the database and the stored files (issue #16 item 7)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from operations.backup import BackupError, backup_create, file_sha256


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu và mọi tệp đã lưu (minh chứng, bản scan, văn bản PDF đã ban hành) vào một tệp tar "
        "có bản kê (số dòng mỗi bảng, SHA-256 từng tệp). Mã thoát 1 nếu có tệp bị thiếu."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--output", required=True, help="thư mục (tạo tên theo thời điểm) hoặc tên tệp .tar"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.is_dir():
            output = output / f"portal-{timezone.now():%Y%m%d-%H%M%S}.tar"
        try:
            manifest = backup_create(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{output}: {len(manifest['tables'])} bảng, {rows} dòng, {len(manifest['files'])} tệp, "
            f"chuỗi nhật ký {manifest['audit_chain']['length']} sự kiện ({manifest['audit_chain']['head_hash']}); "
            f"SHA-256 của bản sao lưu {file_sha256(output)}"
        )
        if not manifest["audit_chain"]["ok"]:
            self.stderr.write(
                "Cảnh báo: chuỗi nhật ký kiểm tra bị đứt (manage.py audit_verify cho biết chỗ đứt)"
            )
        if manifest["missing"]:
            raise CommandError(
                "Các tệp sau có trong cơ sở dữ liệu nhưng không có trên đĩa:\n"
                + "\n".join(manifest["missing"])
            )
