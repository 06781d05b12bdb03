from django.core.management.base import BaseCommand

from documents.services import document_jobs_reconcile


class Command(BaseCommand):
    help = "Gửi lại cho máy xử lý các yêu cầu tạo văn bản bị treo hoặc chưa được gửi (Redis ngừng, máy xử lý bị dừng)."

    def handle(self, *args, **options):
        sent = document_jobs_reconcile()
        self.stdout.write(f"{sent}")
