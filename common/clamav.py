"""A virus scan through clamd's INSTREAM command (issue #18 item 5), spoken directly over its socket.

The protocol is a few lines (clamd(8), "INSTREAM"): send `zINSTREAM\0`, then chunks each prefixed with its
length as a 4-byte big-endian integer, then a zero-length chunk; clamd answers `stream: OK`, `stream: <name>
FOUND` or `... ERROR`. The `clamd` package on PyPI does the same but has not been released since 2017, so the
portal keeps these lines instead of depending on it.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import IO

from django.conf import settings

CHUNK_BYTES = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd is configured but could not be reached or did not answer sensibly."""


@dataclass(frozen=True)
class ScanResult:
    infected: bool
    signature: str = ""


def scanner_configured() -> bool:
    return bool(settings.PORTAL_CLAMD_SOCKET or settings.PORTAL_CLAMD_HOST)


def _connect() -> socket.socket:
    timeout = settings.PORTAL_CLAMD_TIMEOUT_SECONDS
    if settings.PORTAL_CLAMD_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(settings.PORTAL_CLAMD_SOCKET)
        return sock
    return socket.create_connection((settings.PORTAL_CLAMD_HOST, settings.PORTAL_CLAMD_PORT), timeout=timeout)


def clamd_scan(stream: IO[bytes]) -> ScanResult:
    """Scan the stream from its current position to its end. Raises ScannerUnavailable if clamd cannot say."""
    try:
        with _connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK_BYTES):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
    except OSError as exc:
        raise ScannerUnavailable(str(exc)) from exc
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer.endswith("OK"):
        return ScanResult(infected=False)
    if answer.endswith("FOUND"):
        signature = answer.removeprefix("stream:").removesuffix("FOUND").strip()
        return ScanResult(infected=True, signature=signature)
    # "INSTREAM size limit exceeded. ERROR" and the like: clamd could not vouch for the file.
    raise ScannerUnavailable(answer or "no answer")
