"""A throwaway PostgreSQL server from Debian's binaries, on loopback, in a temporary directory.

``initdb`` refuses to run as root, so as root the server runs as the ``postgres`` system user in a
directory it owns. Under ``CI=true`` a missing PostgreSQL is an error, never a skip.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def find_bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    bin_dir: Path
    root: Path
    port: int
    user: str = "withcare"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        done = self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-A",
            "trust",
            "-U",
            self.user,
            "-E",
            "UTF8",
            "--no-sync",
        )
        if done.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {done.stderr.strip()[:500]}")
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        done = self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "-l",
            str(self.root / "server.log"),
            "start",
        )
        if done.returncode != 0:
            log = (self.root / "server.log").read_text(errors="replace")[-800:]
            raise PostgresUnavailable(f"pg_ctl start failed: {done.stderr.strip()} {log}")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self, name: str, template: str | None = None) -> str:
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres", autocommit=True
        ) as connection:
            suffix = f" TEMPLATE {template}" if template else ""
            connection.execute(f'CREATE DATABASE "{name}"{suffix}')  # type: ignore[arg-type]
        return self.url(name)


def start_server() -> PostgresServer:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise PostgresUnavailable(
            "PostgreSQL binaries not found (run 'make system-deps' as root to install them)"
        )
    root = Path(tempfile.mkdtemp(prefix="withcare-pg-"))
    os.chmod(root, 0o755)
    server = PostgresServer(bin_dir, root, free_port())
    deadline = time.monotonic() + 5
    while True:
        try:
            server.start()
            return server
        except PostgresUnavailable:
            if time.monotonic() > deadline:
                shutil.rmtree(root, ignore_errors=True)
                raise
            server.port = free_port()
