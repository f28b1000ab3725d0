"""Serving a generated demo shop on the loopback interface, with small hooks for robustness tests."""
from __future__ import annotations

import io
import mimetypes
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, unquote

from .pages import BASE_PLACEHOLDER


@dataclass
class Fault:
    status: int
    times: int
    retry_after: int | None


@dataclass
class Canned:
    body: bytes
    status: int
    headers: dict


@dataclass
class DemoShopServer:
    """A running demo shop. `url` is the base URL, e.g. "http://127.0.0.1:53211".

    `requests` lists every request as (method, path with query, status), so a test can check
    that robots.txt was obeyed. `fail(path, status=500, times=1, retry_after=None)` makes the next
    `times` requests for `path` answer `status` (with a Retry-After header when given, e.g. 429).
    `respond(path, body, status=200, headers=None)` serves fixed bytes for `path` (a broken page,
    a wrong charset) until the server stops. Paths match with their query string when they have
    one, e.g. "/products/x/?page=2", otherwise on the path alone.
    """
    url: str
    root: Path
    requests: list = field(default_factory=list)
    _faults: dict = field(default_factory=dict)
    _canned: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, path: str, status: int = 500, times: int = 1, retry_after: int | None = None) -> None:
        """Answer the next `times` requests for `path` with `status`."""
        with self._lock:
            self._faults[path] = Fault(status, times, retry_after)

    def respond(self, path: str, body: bytes | str, status: int = 200, headers: dict | None = None) -> None:
        """Serve `body` for `path` instead of the file."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._canned[path] = Canned(data, status, dict(headers or {"Content-Type": "text/html; charset=utf-8"}))

    def hits(self, path_prefix: str) -> int:
        """How many requests asked for a path starting with `path_prefix`."""
        return sum(1 for _, p, _ in self.requests if p.startswith(path_prefix))

    def _take_fault(self, full: str, path: str) -> Fault | None:
        with self._lock:
            for key in (full, path):
                fault = self._faults.get(key)
                if fault and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None


_PAGE = re.compile(r"^\d+$")


def _handler(shop: DemoShopServer):
    class Handler(SimpleHTTPRequestHandler):
        server_version = "DemoShop/1.0"

        def log_message(self, format, *args):   # tests and the demo stay quiet
            pass

        def _send(self, status: int, body: bytes, content_type: str, extra: dict | None = None):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            return io.BytesIO(body)

        def _error(self, full: str, status: int, extra: dict | None = None):
            shop.requests.append((self.command, full, status))
            body = f"<!DOCTYPE html><html><body><h1>{status}</h1></body></html>".encode()
            return self._send(status, body, "text/html; charset=utf-8", extra)

        def send_head(self):
            full = self.path
            path, _, query = full.partition("?")
            path = unquote(path)
            canned = shop._canned.get(full) or shop._canned.get(path)
            if canned:
                shop.requests.append((self.command, full, canned.status))
                self.send_response(canned.status)
                for name, value in canned.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(canned.body)))
                self.end_headers()
                return io.BytesIO(canned.body)
            fault = shop._take_fault(full, path)
            if fault:
                extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
                return self._error(full, fault.status, extra)
            target = (shop.root / path.lstrip("/")).resolve()
            if shop.root not in (target, *target.parents):
                return self._error(full, 404)
            if target.is_dir():
                if not path.endswith("/"):
                    shop.requests.append((self.command, full, 301))
                    location = path + "/" + (f"?{query}" if query else "")
                    return self._send(301, b"", "text/html", {"Location": location})
                page = parse_qs(query).get("page", ["1"])[0]
                if not _PAGE.match(page):
                    return self._error(full, 404)
                target = target / ("index.html" if int(page) <= 1 else f"page-{int(page)}.html")
            if not target.is_file() or target.name.endswith(".tmp"):
                return self._error(full, 404)
            body = target.read_bytes()
            if target.name in ("robots.txt", "sitemap.xml"):
                host = self.headers.get("Host") or shop.url.split("//", 1)[1]
                body = body.replace(BASE_PLACEHOLDER.encode(), f"http://{host}".encode())
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind.endswith("xml"):
                kind += "; charset=utf-8"
            shop.requests.append((self.command, full, 200))
            return self._send(200, body, kind)

    return Handler


@contextmanager
def serve(out_dir, host: str = "127.0.0.1", port: int = 0) -> Iterator[DemoShopServer]:
    """Serve a generated shop folder in a background thread; stops when the block ends.

    >>> import tempfile, urllib.request
    >>> from crawler.demo_shop import generate
    >>> path = generate(tempfile.mkdtemp(), seed=1, reviews_per_product=(5, 8), products=2)
    >>> with serve(path) as shop:
    ...     urllib.request.urlopen(shop.url + "/robots.txt").status
    200
    """
    root = Path(out_dir).resolve()
    if not (root / "index.html").is_file():
        raise FileNotFoundError(f"no demo shop at {out_dir} (index.html missing): "
                                f"run `python -m crawler.demo_shop generate {out_dir}` first")
    shop = DemoShopServer(url="", root=root)
    with running(_handler(shop), host, port, name="demo-shop") as shop.url:
        yield shop


@contextmanager
def running(handler, host: str = "127.0.0.1", port: int = 0, name: str = "loopback-site") -> Iterator[str]:
    """Serve ``handler`` (a ``BaseHTTPRequestHandler`` class) in a background thread; yields the
    base URL (``http://host:port``, the port the system picked for 0) and stops when the block
    ends. The demo shop runs on it, and so do the tests' small sites with their own handlers.

    Example::

        with running(MyHandler) as url:
            urllib.request.urlopen(url + "/robots.txt")
    """
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
