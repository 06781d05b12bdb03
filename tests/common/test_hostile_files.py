"""Hostile uploads (issue #18 items 4, 5): an Excel zip bomb and a file carrying the EICAR test string."""

import io
import os
import shutil
import socket
import subprocess
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import Action, AuditEvent
from common.spreadsheets import open_workbook
from common.uploads import upload_checked
from reviews.errors import ReviewError

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _excel_bomb(megabytes=150):
    """An .xlsx whose shared-strings part inflates to `megabytes` MB (like the one in the issue)."""
    buffer = io.BytesIO()
    row = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            chunk = row * 1024
            for _ in range(megabytes * 1024 * 1024 // len(chunk)):
                part.write(chunk)
            part.write(b"</sst>")
    return buffer.getvalue()


def test_an_excel_zip_bomb_is_refused_in_under_a_second_with_bounded_memory():
    data = _excel_bomb(150)
    assert len(data) < 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ReviewError, match="bất thường"):
        open_workbook(data, error=ReviewError)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"zip bomb: {len(data) / 1024:.0f} KB upload, refused in {elapsed * 1000:.1f} ms, peak {peak / 1024:.0f} KB"
    )
    assert elapsed < 1.0
    assert peak < 5 * 1024 * 1024


def test_an_archive_with_too_many_members_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(500):
            archive.writestr(f"x/{n}.xml", "<a/>")
    with pytest.raises(ReviewError, match="bất thường"):
        open_workbook(buffer.getvalue(), error=ReviewError)


def test_the_portals_own_template_still_opens():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["Mã", "Họ và tên"])
    workbook.save(buffer)
    assert open_workbook(buffer.getvalue(), error=ReviewError) is not None


# --- ClamAV ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clamd_socket():
    """A real clamd with a signature database of one line (the EICAR test string), in a temporary folder."""
    clamd = shutil.which("clamd") or ("/usr/sbin/clamd" if Path("/usr/sbin/clamd").exists() else None)
    if clamd is None:
        pytest.skip("clamd is not installed (Debian: apt-get install clamav-daemon)")
    folder = Path(tempfile.mkdtemp(prefix="clamd-test-"))
    database = folder / "db"
    database.mkdir()
    (database / "eicar.ndb").write_text("Portal-Test-EICAR:0:*:" + EICAR.hex() + "\n")
    sock = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text(
        f"LocalSocket {sock}\nDatabaseDirectory {database}\nForeground yes\nLogFile {folder / 'clamd.log'}\n"
        f"PidFile {folder / 'clamd.pid'}\nTemporaryDirectory {folder}\nUser {os.environ.get('USER', 'root')}\n"
    )
    process = subprocess.Popen(
        [clamd, "--config-file", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if sock.exists():
            try:
                with socket.socket(socket.AF_UNIX) as probe:
                    probe.connect(str(sock))
                    probe.sendall(b"zPING\0")
                    if probe.recv(16).startswith(b"PONG"):
                        break
            except OSError:
                pass
        if process.poll() is not None:
            pytest.skip(f"clamd did not start: {process.stderr.read().decode()[-300:]}")
        time.sleep(0.2)
    else:
        process.kill()
        pytest.skip("clamd did not answer within 30 s")
    yield str(sock)
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(folder, ignore_errors=True)


class UploadRefused(Exception):
    pass


@pytest.mark.django_db
def test_a_pdf_carrying_eicar_is_refused_and_quarantined(clamd_socket, settings, tmp_path):
    settings.PORTAL_CLAMD_SOCKET = clamd_socket
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("minh-chung.pdf", b"%PDF-1.4\n" + EICAR + b"\n%%EOF\n")
    with pytest.raises(UploadRefused, match="mã độc"):
        upload_checked(upload, error=UploadRefused)
    quarantined = list((tmp_path / "quarantine").iterdir())
    assert len(quarantined) == 1 and EICAR in quarantined[0].read_bytes()
    event = AuditEvent.objects.get(action=Action.UPLOAD_QUARANTINED)
    assert event.target == "minh-chung.pdf" and "EICAR" in event.after["signature"]


@pytest.mark.django_db
def test_a_clean_pdf_passes_the_scan(clamd_socket, settings):
    settings.PORTAL_CLAMD_SOCKET = clamd_socket
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\nclean\n%%EOF\n")
    assert upload_checked(upload, error=UploadRefused) == "application/pdf"


def test_a_configured_clamd_that_is_down_refuses_the_upload(settings, tmp_path):
    settings.PORTAL_CLAMD_SOCKET = str(tmp_path / "nobody-listens.sock")
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\nclean\n%%EOF\n")
    with pytest.raises(UploadRefused, match="Chưa kiểm tra được virus"):
        upload_checked(upload, error=UploadRefused)


def test_without_clamd_configured_uploads_are_not_scanned(settings):
    settings.PORTAL_CLAMD_SOCKET = ""
    settings.PORTAL_CLAMD_HOST = ""
    upload = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n" + EICAR)
    assert upload_checked(upload, error=UploadRefused) == "application/pdf"
