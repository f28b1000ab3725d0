"""A loopback web site for crawl tests: each GET answered by a route function, every request
logged. Started and stopped by the test (``crawler.demo_shop.server.running``); traffic stays on
127.0.0.1.

Example::

    with loopback_site(lambda path, host: (200, {}, b"<html></html>")) as (base, log):
        ...   # crawl base; log holds (monotonic time, host, path) per request
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

from crawler.demo_shop.server import running


@contextmanager
def loopback_site(route):
    """A loopback HTTP server answering each GET with ``route(path, host) -> (status, headers,
    body)``. Yields ``(base URL, log)``, the log holding ``(monotonic time, host, path)`` per
    request. It also answers as an HTTP proxy (absolute URLs), for host names other than
    127.0.0.1."""
    log: list[tuple[float, str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

        def do_GET(self):
            host, path = self.headers.get("Host", ""), self.path
            if path.startswith("http://"):  # a proxied request
                host, _, rest = path[len("http://"):].partition("/")
                path = "/" + rest
            log.append((time.monotonic(), host, path))
            status, headers, body = route(path, host)
            self.send_response(status)
            for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    with running(Handler) as url:
        yield url, log
