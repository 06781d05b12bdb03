"""Look inside a zip archive (an .xlsx is one) before anything parses it (issue #18 item 4).

An "Excel bomb" is a small upload whose members inflate to hundreds of megabytes (repeated shared strings
compress over 300 : 1). The central directory states every member's sizes, so the archive can be judged in
milliseconds without inflating anything (OWASP File Upload Cheat Sheet, "zip bombs"; ASVS 5.0 5.2.3).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int
    max_member_bytes: int
    max_total_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> ArchiveLimits:
        return cls(
            max_members=settings.PORTAL_ARCHIVE_MAX_MEMBERS,
            max_member_bytes=settings.PORTAL_ARCHIVE_MAX_MEMBER_BYTES,
            max_total_bytes=settings.PORTAL_ARCHIVE_MAX_TOTAL_BYTES,
            max_ratio=settings.PORTAL_ARCHIVE_MAX_RATIO,
        )


def zip_archive_refusal(stream: IO[bytes], limits: ArchiveLimits | None = None) -> str | None:
    """Why this archive must not be opened (a message for the user), or None. Reads the central directory only."""
    limits = limits or ArchiveLimits.from_settings()
    refused = _("Tệp Excel có cấu trúc bất thường (quá lớn khi giải nén) nên không được xử lý.")
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return _("Tệp tải lên không phải tệp Excel (.xlsx) hợp lệ.")
    finally:
        stream.seek(0)
    if len(members) > limits.max_members:
        return refused
    total = 0
    for member in members:
        if member.file_size > limits.max_member_bytes:
            return refused
        total += member.file_size
        # A member that declares more than it may is refused by its ratio; one that lies about its size is
        # stopped later by zipfile itself, which never inflates past the declared file_size.
        if member.file_size > 1024 * 1024 and member.file_size > limits.max_ratio * max(
            member.compress_size, 1
        ):
            return refused
    if total > limits.max_total_bytes:
        return refused
    return None
