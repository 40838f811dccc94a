"""A real HTTP server on 127.0.0.1 for tests, with a route table set per test.

Usage, as a context manager::

    from tests.support.http_server import LocalHTTPServer, Route

    with LocalHTTPServer() as server:
        url = server.route("/story", body="<html>...</html>")
        server.route("/old", Route.redirect("/story", status=301))
        server.route("/slow", delay=10)
        server.route("/bomb", gzip_bomb=100_000_000)
        fetch(server.url("/old"))
        server.requests[-1].headers   # what the client sent, in order

or as the pytest fixture ``http_server`` (a fresh, running server per test), made
available to a test module with::

    pytest_plugins = ["tests.support.fixtures"]

API

``LocalHTTPServer(routes=None)``
    Binds 127.0.0.1 on a free port when started (``start()`` or ``with``) and serves from
    a daemon thread; ``stop()`` (or leaving the ``with``) shuts it down without waiting
    for stalled responses. HTTP/1.1 with keep-alive.
``server.base_url``, ``server.port``, ``server.url(path="/")``
    Where it listens; ``url`` joins a path onto ``base_url``.
``server.route(path, route=None, **fields) -> str``
    Serves ``route`` (or ``Route(**fields)``) at ``path`` and returns its full URL.
    ``path`` may include a query string; a request matches the exact path-and-query
    first, then the path alone. Unknown paths get a 404 HTML page.
``server.routes``
    The route table itself, a dict ``path -> Route``; edit it freely.
``server.requests``
    Every request received, in order, as ``Request(method, path, headers, client_port)``
    where ``headers`` is the list of ``(name, value)`` pairs as sent and
    ``client_port`` tells kept-alive connections apart.

``Route`` fields (all optional)

``status`` (200), ``reason`` (standard phrase), ``body`` (bytes or str, UTF-8),
``content_type`` ("text/html; charset=utf-8"; None sends no Content-Type),
``headers`` (extra ``(name, value)`` pairs, sent in order after Content-Type),
``location`` (a Location header, for redirects; see ``Route.redirect``),
``delay`` (seconds to wait before the status line), ``encoding`` ("gzip" or
"deflate": compress the body and send Content-Encoding), ``gzip_bomb`` (send a gzip
body that inflates to this many zero bytes, with Content-Encoding: gzip),
``chunked`` (send the body with chunked transfer coding), ``length`` (False: no
Content-Length, body ends when the connection closes), ``endless`` (a chunked body of
``b"<p>more</p>"`` blocks that never ends, one block every ``trickle`` seconds, until
the client hangs up), ``raw`` (bytes written to the socket as the whole response,
for malformed replies; with ``drip``, one byte of it every ``drip`` seconds, status line
and headers included), ``etag`` and ``last_modified`` (sent as ETag and Last-Modified;
a request whose If-None-Match or If-Modified-Since matches gets a 304 with no body).

``server.sequence(path, routes) -> str``
    Serves ``routes`` in turn, one per request, then the last one for ever (a 429 and
    then the page; a page that changes between runs).

``unused_port()`` returns a port on 127.0.0.1 that nothing listens on (for
"connection refused").
"""

from __future__ import annotations

import functools
import gzip
import socket
import threading
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["LocalHTTPServer", "Request", "Route", "gzip_bomb", "unused_port"]


@dataclass(frozen=True)
class Route:
    """What the server answers at one path (see the module docstring)."""

    status: int = 200
    body: bytes | str = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: Sequence[tuple[str, str]] = ()
    reason: str | None = None
    location: str | None = None
    delay: float = 0.0
    encoding: str | None = None
    gzip_bomb: int = 0
    chunked: bool = False
    length: bool = True
    endless: bool = False
    trickle: float = 0.0
    raw: bytes | None = None
    drip: float = 0.0
    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def redirect(cls, location: str, status: int = 302, **fields: Any) -> Route:
        """A redirect to ``location`` with an empty body."""
        return cls(status=status, location=location, content_type=None, **fields)

    @classmethod
    def html(cls, body: str, **fields: Any) -> Route:
        """A 200 page with ``body`` as UTF-8 HTML."""
        return cls(body=body, **fields)


@dataclass(frozen=True)
class Request:
    """One request as the server received it."""

    method: str
    path: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    client_port: int = 0  # the same port for requests on one kept-alive connection

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None


@functools.lru_cache(maxsize=4)
def gzip_bomb(size: int) -> bytes:
    """A gzip stream that inflates to ``size`` zero bytes (cached)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1 << 20)
    parts = []
    remaining = size
    while remaining > 0:
        chunk = block if remaining >= len(block) else bytes(remaining)
        parts.append(compressor.compress(chunk))
        remaining -= len(chunk)
    parts.append(compressor.flush())
    return b"".join(parts)


def unused_port() -> int:
    """A TCP port on 127.0.0.1 with nothing listening on it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, owner: LocalHTTPServer) -> None:
        super().__init__(("127.0.0.1", owner.wanted_port), _Handler)
        self.owner = owner

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up mid-response is what many tests do on purpose


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # close idle keep-alive connections
    disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms stalls
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, *, send_body: bool) -> None:
        owner = self.server.owner
        owner.requests.append(
            Request(self.command, self.path, list(self.headers.items()), self.client_address[1])
        )
        route = owner.lookup(self.path)
        if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
            route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified
        ):
            route = Route(status=304, content_type=None, headers=route.headers)
        stop = owner.stopping
        if route.delay and stop.wait(route.delay):
            self.close_connection = True
            return
        if route.raw is not None and route.drip:
            # The whole response, status line and headers too, one byte at a time.
            try:
                for index in range(len(route.raw)):
                    self.wfile.write(route.raw[index : index + 1])
                    self.wfile.flush()
                    if stop.wait(route.drip):
                        break
            except OSError:
                pass  # the client gave up
            self.close_connection = True
            return
        if route.raw is not None:
            self.wfile.write(route.raw)
            self.close_connection = True
            return
        body = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
        extra: list[tuple[str, str]] = []
        if route.gzip_bomb:
            body = gzip_bomb(route.gzip_bomb)
            extra.append(("Content-Encoding", "gzip"))
        elif route.encoding == "gzip":
            body = gzip.compress(body, mtime=0)
            extra.append(("Content-Encoding", "gzip"))
        elif route.encoding == "deflate":
            body = zlib.compress(body)
            extra.append(("Content-Encoding", "deflate"))
        elif route.encoding:
            extra.append(("Content-Encoding", route.encoding))

        self.send_response_only(route.status, route.reason)
        if route.content_type is not None:
            self.send_header("Content-Type", route.content_type)
        if route.location is not None:
            self.send_header("Location", route.location)
        if route.etag:
            extra.append(("ETag", route.etag))
        if route.last_modified:
            extra.append(("Last-Modified", route.last_modified))
        for name, value in (*extra, *route.headers):
            self.send_header(name, value)
        chunked = route.chunked or route.endless
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif route.status == 304:
            body = b""
        elif route.length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if not send_body:
            return
        try:
            if route.endless:
                self.close_connection = True
                block = b"<p>more</p>\n" * 100
                while not stop.is_set():
                    self._chunk(block)
                    if route.trickle and stop.wait(route.trickle):
                        break
            elif chunked:
                for start in range(0, len(body), 1000):
                    self._chunk(body[start : start + 1000])
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()


class LocalHTTPServer:
    """A threaded HTTP server on 127.0.0.1 with a per-test route table."""

    def __init__(self, routes: Mapping[str, Route] | None = None, *, port: int = 0) -> None:
        #: The port to listen on; 0 (the default) for a free one.
        self.wanted_port = port
        self.routes: dict[str, Route] = dict(routes or {})
        self.sequences: dict[str, list[Route]] = {}
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ---------------------------------------------------------------

    def start(self) -> LocalHTTPServer:
        if self._server is None:
            self.stopping.clear()
            self._server = _Server(self)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="local-http-server",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses and routes -----------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not running; call start() first")
        port: int = self._server.server_address[1]
        return port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(self, path: str, route: Route | None = None, **fields: Any) -> str:
        """Serve ``route`` (or ``Route(**fields)``) at ``path``; return its URL."""
        if route is None:
            route = Route(**fields)
        elif fields:
            route = replace(route, **fields)
        if route.gzip_bomb:
            gzip_bomb(route.gzip_bomb)  # build it now, not while a client waits
        self.routes[path] = route
        return self.url(path)

    def sequence(self, path: str, routes: Sequence[Route]) -> str:
        """Serve ``routes`` one per request, then the last one for every request after."""
        self.sequences[path] = list(routes)
        self.routes.pop(path, None)
        return self.url(path)

    def lookup(self, path: str) -> Route:
        with self._lock:
            queue = self.sequences.get(path)
            if queue:
                return queue.pop(0) if len(queue) > 1 else queue[0]
        route = self.routes.get(path) or self.routes.get(path.split("?", 1)[0])
        if route is not None:
            return route
        return Route(
            status=404,
            body=f"<html><body><h1>Not found</h1><p>{path}</p></body></html>",
            reason=HTTPStatus.NOT_FOUND.phrase,
        )

    def __iter__(self) -> Iterator[Request]:
        return iter(self.requests)
