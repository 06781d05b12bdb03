from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from common.encryption import blind_index
from officials.models import Official


class Command(BaseCommand):
    help = (
        "Mã hóa lại số định danh cá nhân bằng khóa mới nhất (khóa đầu tiên của FIELD_ENCRYPTION_KEYS); "
        "--reindex tính lại chỉ mục khi đổi FIELD_BLIND_INDEX_KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reindex", action="store_true")

    def handle(self, *args: Any, reindex: bool = False, **options: Any) -> None:
        done = 0
        with transaction.atomic():
            for official in Official.objects.select_for_update().exclude(identification_number=""):
                # Reading decrypted it with whichever key opens it; writing encrypts it with the first key.
                fields = ["identification_number"]
                if reindex:
                    official.identification_index = blind_index(official.identification_number)
                    fields.append("identification_index")
                official.save(update_fields=fields)
                done += 1
        self.stdout.write(f"{done}")
