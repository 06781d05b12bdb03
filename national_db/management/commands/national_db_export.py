from typing import Any

from django.core.management.base import BaseCommand

from national_db.services import sync_entries_reconcile, sync_send_pending


class Command(BaseCommand):
    help = (
        "Ghi nhận các kết quả xếp loại đã phê duyệt và gửi các kết quả đang chờ qua bộ chuyển đổi "
        "(mặc định: tệp JSON trong NATIONAL_DB_EXPORT_DIR)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created = sync_entries_reconcile()
        sent = sync_send_pending()
        self.stdout.write(f"created={created} sent={sent}")
