"""`manage.py db_roles --owner portal_owner --app portal_app`: create or correct the two database roles (issue #16
item 5). Runs as a superuser; idempotent, so it runs before and after every `migrate` (docker-compose.yml)."""

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from operations.roles import RolesError, RoleSpec, roles_apply


class Command(BaseCommand):
    help = (
        "Tạo hoặc sửa hai vai trò cơ sở dữ liệu: vai trò sở hữu (chạy migrate) và vai trò ứng dụng (gunicorn, "
        "worker, beat: chỉ đọc và ghi dữ liệu, chỉ thêm vào nhật ký kiểm tra). Mật khẩu lấy từ biến môi trường "
        "DATABASE_OWNER_PASSWORD và DATABASE_APP_PASSWORD nếu có. Chạy bằng tài khoản quản trị PostgreSQL."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--owner", required=True, help="vai trò sở hữu lược đồ và các bảng")
        parser.add_argument("--app", required=True, help="vai trò mà ứng dụng kết nối")

    def handle(self, *args: Any, **options: Any) -> None:
        # Passwords from the environment, never the command line (which `ps` shows to everyone on the host).
        owner = RoleSpec(options["owner"], os.environ.get("DATABASE_OWNER_PASSWORD") or None)
        app = RoleSpec(options["app"], os.environ.get("DATABASE_APP_PASSWORD") or None)
        try:
            with connection.cursor():
                problems = roles_apply(connection, owner=owner, app=app)
        except RolesError as error:
            raise CommandError(str(error)) from error
        if problems:
            raise CommandError("Vai trò ứng dụng chưa đúng:\n" + "\n".join(problems))
        self.stdout.write(f"OK: {owner.name} sở hữu lược đồ, {app.name} chỉ đọc và ghi dữ liệu")
