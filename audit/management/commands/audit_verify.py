"""`manage.py audit_verify`: walk the audit trail's hash chain; exit 1 at the first broken link (issue #16 item 5)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.selectors import audit_chain_status


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi băm của nhật ký kiểm tra: báo sự kiện đầu tiên bị sửa, xóa hoặc chèn "
        "(mã thoát khác 0 nếu chuỗi bị đứt)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        status = audit_chain_status()
        if status.broken is not None:
            link = status.broken
            raise CommandError(
                f"Chuỗi bị đứt tại sự kiện id={link.event_id} (sau {status.length} sự kiện hợp lệ): "
                f"mã băm đúng phải là {link.expected}, trong bảng là {link.found or '(trống)'}"
            )
        if status.head_mismatch:
            raise CommandError(
                f"Đầu chuỗi không khớp sự kiện cuối cùng ({status.length} sự kiện, {status.head_hash}): "
                "sự kiện cuối có thể đã bị xóa"
            )
        self.stdout.write(f"OK: {status.length} sự kiện, đầu chuỗi {status.head_hash}")
