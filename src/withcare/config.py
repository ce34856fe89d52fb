"""Settings from the environment, with safe defaults for a single machine.

Everything is read once at start-up into an immutable :class:`Settings`, so a running process never
changes behaviour because an environment variable changed underneath it.

Environment variables:
    WITHCARE_DATA_DIR       where the embedded database and keys live (default: the user's data dir)
    WITHCARE_DATABASE_URL   a SQLAlchemy URL; PostgreSQL in production (default: SQLite in the data dir)
    WITHCARE_SECRET_KEY     key for signing CSRF tokens (default: generated once into the data dir)
    WITHCARE_SECURE_COOKIES "1" forces Secure cookies (default: Secure whenever the request is HTTPS)
    WITHCARE_SMTP_HOST/PORT mail server for alerts (default: none; e-mails are written to the log only)
    WITHCARE_INSTRUMENT_TRANSLATIONS  folder of validated questionnaire translations the service
                            holds (default: ``instrument-translations`` in the data dir, if present)
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


def default_data_dir() -> Path:
    """The per-user data directory (XDG on Linux), so the demo never writes into the checkout."""
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "withcare"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: bytes
    secure_cookies: bool = False
    session_hours: int = 12
    max_failed_logins: int = 5
    lockout_minutes: int = 15
    smtp_host: str | None = None
    smtp_port: int = 25
    mail_from: str = "withcare@localhost"
    service_name: str = "Withcare"
    instrument_translations_dir: Path | None = None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _secret_key(data_dir: Path) -> bytes:
    env = os.environ.get("WITHCARE_SECRET_KEY")
    if env:
        return env.encode()
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_bytes().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def load_settings(data_dir: Path | None = None, database_url: str | None = None) -> Settings:
    """Read settings from the environment; explicit arguments win (tests and the CLI use them)."""
    env_dir = os.environ.get("WITHCARE_DATA_DIR")
    resolved_dir = Path(data_dir or env_dir or default_data_dir()).expanduser()
    resolved_dir.mkdir(parents=True, exist_ok=True)
    url = (
        database_url
        or os.environ.get("WITHCARE_DATABASE_URL")
        or f"sqlite:///{resolved_dir / 'withcare.sqlite'}"
    )
    smtp_port = os.environ.get("WITHCARE_SMTP_PORT", "25")
    return Settings(
        data_dir=resolved_dir,
        database_url=url,
        secret_key=_secret_key(resolved_dir),
        secure_cookies=os.environ.get("WITHCARE_SECURE_COOKIES") == "1",
        smtp_host=os.environ.get("WITHCARE_SMTP_HOST") or None,
        smtp_port=int(smtp_port) if smtp_port.isdigit() else 25,
        mail_from=os.environ.get("WITHCARE_MAIL_FROM", "withcare@localhost"),
        service_name=os.environ.get("WITHCARE_SERVICE_NAME", "Withcare"),
        instrument_translations_dir=Path(
            os.environ.get("WITHCARE_INSTRUMENT_TRANSLATIONS")
            or resolved_dir / "instrument-translations"
        ).expanduser(),
    )
