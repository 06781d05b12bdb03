"""A small real SMTP server for the fault tests: it speaks enough of RFC 5321 for smtplib, keeps every message
it accepted, answers "250 2.0.0 Ok: queued as N", and can hang a connection (no greeting) to hold a worker
mid-send while the test kills it."""

import socket
import threading


class SmtpSink:
    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.messages: list[bytes] = []
        self.connections = 0
        self.hang = threading.Event()
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self):
        self._stop.set()
        self.server.close()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn):
        with conn:
            if self.hang.is_set():
                self._stop.wait()  # never greets: the client waits until it is killed
                return
            reader = conn.makefile("rb")
            conn.sendall(b"220 sink ESMTP\r\n")
            for line in reader:
                command = line.strip().upper()
                if command.startswith((b"EHLO", b"HELO")):
                    conn.sendall(b"250 sink\r\n")
                elif command == b"DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    data = []
                    for body_line in reader:
                        if body_line in (b".\r\n", b".\n"):
                            break
                        data.append(body_line)
                    self.messages.append(b"".join(data))
                    conn.sendall(f"250 2.0.0 Ok: queued as Q{len(self.messages)}\r\n".encode())
                elif command == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 ok\r\n")
