"""``withcare worker``: acts on escalation deadlines and delivers notifications (P3)."""

from __future__ import annotations

import logging
import os
import signal
import threading
from typing import Annotated

import typer

from withcare.cli.core import DatabaseUrl, DataDir, console, migrate_with_status, open_platform
from withcare.clock import CLOCK_FILE_ENV
from withcare.services.safety_worker import new_worker_id, run_forever


def register(app: typer.Typer) -> None:
    @app.command()
    def worker(
        data_dir: DataDir = None,
        database_url: DatabaseUrl = None,
        interval: Annotated[
            float, typer.Option(min=0.1, max=300, help="Seconds between passes.")
        ] = 2.0,
        worker_id: Annotated[
            str | None, typer.Option("--id", help="A name for this worker (default: host:pid).")
        ] = None,
    ) -> None:
        """Escalate overdue work and send notifications until stopped (safe to run several)."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        platform = open_platform(data_dir, database_url)
        migrate_with_status(platform)
        name = worker_id or new_worker_id()
        stop = threading.Event()

        def _stop(_signum: int, _frame: object) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        if os.environ.get(CLOCK_FILE_ENV):
            console.print(f"[bold red]Warning:[/] time comes from {CLOCK_FILE_ENV} (tests only).")
        console.print(f"Worker {name} running (every {interval:g}s). Ctrl+C to stop.")
        try:
            run_forever(platform, name, stop, interval)
        finally:
            platform.close()
        console.print(f"Worker {name} stopped.")
