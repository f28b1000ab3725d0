"""Starting the Streamlit server on the dashboard app (``reviewlens dashboard``).

Only the standard library is imported at module level; Streamlit itself runs as the process
this one turns into (``os.execv``), so Ctrl+C and a test's ``terminate()`` reach the server
directly.

Example::

    from dashboard.serve import streamlit_command
    streamlit_command("shop.duckdb", port=8502)   # the argv that serves the app
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

APP = Path(__file__).resolve().with_name("app.py")


def streamlit_command(db: str, port: int = 8501, host: str = "127.0.0.1") -> list[str]:
    """The command line that serves the app on ``host:port`` against the store ``db``."""
    return [sys.executable, "-m", "streamlit", "run", str(APP),
            "--server.port", str(port), "--server.address", host,
            "--server.headless", "true", "--server.fileWatcherType", "none",
            "--server.runOnSave", "false", "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer", "--theme.base", "light",
            "--", "--db", db]


def serve_command(db: str, port: int = 8501, host: str = "127.0.0.1") -> None:
    """Print the URL, then become the Streamlit server (does not return)."""
    import click

    if not 0 < port < 65536:
        raise click.BadParameter(f"--port {port} is not a port number: use 1-65535, e.g. 8501")
    db = str(Path(db).resolve())
    if not Path(db).exists():
        click.echo(f"note: there is no store at {db} yet; the dashboard will say how to fill it.",
                   err=True)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"reviewlens dashboard: http://{shown}:{port}/  (store {db}; Ctrl+C stops it)")
    sys.stdout.flush()
    sys.stderr.flush()
    env = dict(os.environ, REVIEWLENS_DB=db)
    command = streamlit_command(db, port, host)
    os.execve(command[0], command, env)
