"""One real-browser test: `reviewlens dashboard` on a loopback port, the product page in
headless Chromium (Debian's package) driven by Playwright, a screenshot kept as an artifact."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard import sample_data
from data import store

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_health(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"`reviewlens dashboard` exited with {server.returncode}: "
                                 f"{server.stdout.read() if server.stdout else ''}")
        try:
            with urllib.request.urlopen(url + "_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the dashboard at {url} did not come up within {timeout} s")


@pytest.fixture
def served_store(tmp_path):
    db = sample_data.build(tmp_path / "browser.duckdb", reviews=3000, products=6)
    port = _free_port()
    reviewlens = Path(sys.executable).with_name("reviewlens")
    server = subprocess.Popen([str(reviewlens), "--db", db, "dashboard", "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        first_line = server.stdout.readline()
        url = f"http://127.0.0.1:{port}/"
        assert url in first_line, first_line  # the command prints where to go
        _wait_for_health(url, server)
        yield db, url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.mark.skipif(not Path(CHROMIUM).exists() and not shutil.which("chromium"),
                    reason="Debian's chromium is not installed (`make chromium` or "
                           "`apt-get install -y chromium`); the browser test needs it")
def test_product_page_renders_in_chromium(served_store, artifacts_dir):
    from playwright.sync_api import sync_playwright

    db, url = served_store
    top = store.query(db, """
        SELECT p.product_id, p.title, i.name FROM product_insights i JOIN products p USING (product_id)
        WHERE i.kind = 'strength' AND i.rank = 1 ORDER BY p.product_id LIMIT 1""").first()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists()
                                     else shutil.which("chromium"), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2600})
            page.goto(f"{url}product?product={top['product_id']}", wait_until="domcontentloaded")
            # Streamlit draws after a websocket round trip: wait for the product's name as a heading.
            page.wait_for_selector(f"h1:has-text('{top['title']}')", timeout=45_000)
            page.wait_for_selector("text=Strengths", timeout=20_000)
            page.wait_for_selector(".rl-quote mark", timeout=20_000)
            page.wait_for_selector(".js-plotly-plot", timeout=30_000)
            page.wait_for_timeout(800)  # let plotly finish drawing the charts for the screenshot
            shot = artifacts_dir / "dashboard_product.png"
            page.screenshot(path=str(shot), full_page=True)
            main = page.inner_text("section.stMain") if page.query_selector("section.stMain") else page.inner_text("body")
            assert top["title"] in page.title()
        finally:
            browser.close()
    assert top["title"] in main
    strengths = main.split("Strengths", 1)[1].split("Weaknesses", 1)[0]
    assert f"1. {top['name']}" in strengths
    assert shot.stat().st_size > 20_000
