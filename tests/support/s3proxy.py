"""An HTTP proxy in front of a test S3 server: counts what reaches the server, and can
answer SlowDown (a fault the real server does not produce on demand)."""

from __future__ import annotations

import threading
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

SLOW_DOWN = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
    b"<Message>Please reduce your request rate.</Message></Error>"
)


class S3Proxy:
    """An HTTP proxy on 127.0.0.1 in front of the S3 server that notes every request it
    is sent ('METHOD key', in ``sent``), answers 503 SlowDown to the first ``first``
    requests and to every ``every``th after them (none by default), and forwards the
    rest."""

    def __init__(self, upstream: str, first: int = 0, every: int = 0) -> None:
        self.upstream = upstream.removeprefix("http://")
        self.first, self.every = first, every
        self.requests = 0
        self.refused = 0
        self.sent: list[str] = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with proxy.lock:
                    proxy.requests += 1
                    proxy.sent.append(f"{self.command} {unquote(self.path.split('?')[0][1:])}")
                    n = proxy.requests
                    fail = n <= proxy.first or (
                        proxy.every > 0 and (n - proxy.first) % proxy.every == 0
                    )
                    proxy.refused += fail
                if fail:
                    self.send_response(503)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(SLOW_DOWN)))
                    self.end_headers()
                    self.wfile.write(SLOW_DOWN if self.command != "HEAD" else b"")
                    return
                conn = HTTPConnection(proxy.upstream, timeout=30)
                conn.request(self.command, self.path, body=body, headers=dict(self.headers))
                response = conn.getresponse()
                data = response.read()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> S3Proxy:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
