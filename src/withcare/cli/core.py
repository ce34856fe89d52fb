"""Core commands: serve, demo, migrate, users, audit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from withcare.config import Settings, load_settings
from withcare.domain.roles import Role
from withcare.services.demo import DEMO_PASSWORD, DemoLogin, demo_present, load_demo
from withcare.services.errors import InvalidInput, WithcareError
from withcare.services.platform import Platform

console = Console()
err = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Where the embedded database lives (or WITHCARE_DATA_DIR)."),
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option("--database-url", help="A SQLAlchemy URL (or WITHCARE_DATABASE_URL)."),
]


def fail(message: str) -> typer.Exit:
    err.print(f"[bold red]Error:[/] {message}")
    return typer.Exit(code=2)


def fail_plain(*messages: str) -> typer.Exit:
    """Like `fail`, but each message a plain stderr line (no prefix, markup or wrapping)."""
    for message in messages:
        typer.echo(message, err=True)
    return typer.Exit(code=2)


def open_platform(data_dir: Path | None, database_url: str | None) -> Platform:
    try:
        settings: Settings = load_settings(data_dir, database_url)
    except OSError as error:
        raise fail(f"cannot use the data directory: {error.strerror or error}") from None
    return Platform(settings)


def migrate_with_status(platform: Platform) -> None:
    try:
        if platform.schema_is_current():
            console.print("Database schema is up to date.")
            return
        with console.status("Migrating the database..."):
            platform.migrate()
        console.print("Database migrated to the latest schema.")
    except Exception as error:  # a broken URL or server must not print a traceback
        raise fail(
            f"cannot reach or migrate the database: {type(error).__name__}: {error}"
        ) from None


def register(app: typer.Typer) -> None:
    users = typer.Typer(help="Manage accounts.", no_args_is_help=True)
    audit = typer.Typer(help="Check the audit log.", no_args_is_help=True)
    app.add_typer(users, name="users")
    app.add_typer(audit, name="audit")

    @app.command()
    def migrate(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
        """Create or upgrade the database schema (safe to run again)."""
        migrate_with_status(open_platform(data_dir, database_url))

    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
        data_dir: DataDir = None,
        database_url: DatabaseUrl = None,
    ) -> None:
        """Serve the web app (migrating the database first)."""
        platform = open_platform(data_dir, database_url)
        migrate_with_status(platform)
        _serve(platform, host, port)

    @app.command()
    def demo(
        port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        data_dir: DataDir = None,
        no_serve: Annotated[
            bool, typer.Option("--no-serve", help="Load the demo data and stop.")
        ] = False,
    ) -> None:
        """Load synthetic demo data (once) into the embedded database and serve the web app."""
        platform = open_platform(data_dir, None)
        migrate_with_status(platform)
        with platform.unit_of_work(None) as uow:
            present = demo_present(uow)
        if present:
            console.print("Demo data is already loaded; reusing it.")
            logins = _stored_logins(platform)
        else:
            with Progress(
                TextColumn("Loading synthetic demo data"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
            ) as progress:
                task = progress.add_task("demo", total=40)
                with platform.unit_of_work(None) as uow:
                    logins = load_demo(
                        uow,
                        platform.accounts.create_user,
                        lambda done, total: progress.update(task, completed=done, total=total),
                    )
            _save_logins(platform, logins)
        _print_logins(logins, host, port)
        if not no_serve:
            from withcare.services.safety_worker import start_in_background  # safety (issue 4)

            start_in_background(platform)  # escalation deadlines and notifications
            _serve(platform, host, port)

    @app.command("demo-code")
    def demo_code(
        email: Annotated[str, typer.Argument(help="The demo account's e-mail address.")],
        data_dir: DataDir = None,
    ) -> None:
        """Print a second-factor code for a demo account (demo accounts only).

        Each code works once; after use, this prints the next one and when it starts working.
        """
        platform = open_platform(data_dir, None)
        try:
            found = platform.accounts.demo_totp_code(email)
        except WithcareError as error:
            raise fail(error.message) from None
        console.print(found.code)
        if found.valid_from is not None:
            console.print(f"(valid from {found.valid_from:%H:%M:%S} UTC)")

    @users.command("create")
    def users_create(
        email: Annotated[str, typer.Option(help="Log-in e-mail address.")],
        name: Annotated[str, typer.Option(help="Name shown to others.")],
        role: Annotated[Role, typer.Option(help="The account's role.", case_sensitive=False)],
        password: Annotated[
            str,
            typer.Option(
                prompt=True,
                hide_input=True,
                confirmation_prompt=True,
                help="At least 12 characters (asked for if not given).",
            ),
        ],
        data_dir: DataDir = None,
        database_url: DatabaseUrl = None,
    ) -> None:
        """Create an account. Staff accounts get a second-factor key to add to an authenticator app."""
        platform = open_platform(data_dir, database_url)
        migrate_with_status(platform)
        try:
            with platform.unit_of_work(None) as uow:
                new = platform.accounts.create_user(
                    uow,
                    email=email,
                    display_name=name,
                    role=role,
                    password=password,
                    enrol_totp=role.is_staff,
                )
        except InvalidInput as error:
            details = "; ".join(f"{field}: {text}" for field, text in error.problems.items())
            raise fail(f"{error.message} {details}") from None
        console.print(f"Created {role.value} account {new.email}.")
        if new.totp_secret:
            console.print(f"Second-factor key (add it to an authenticator app): {new.totp_secret}")

    @audit.command("verify")
    def audit_verify(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
        """Check the audit log's hash chain; report the first altered, deleted or re-ordered entry."""
        platform = open_platform(data_dir, database_url)
        try:
            with console.status("Verifying the audit chain..."):
                report = platform.verify_audit()
        except Exception as error:
            raise fail(f"cannot read the audit log: {type(error).__name__}") from None
        if report.ok:
            console.print(f"Audit log intact: {report.checked} entries verified.")
            return
        err.print(f"[bold red]Audit log broken:[/] {report.problem}")
        err.print(f"{report.checked} entries before it verified.")
        raise typer.Exit(code=1)


def _serve(platform: Platform, host: str, port: int) -> None:
    import uvicorn

    from withcare.web.app import create_app

    console.print(f"Serving Withcare on http://{host}:{port}  (Ctrl+C to stop)")
    try:
        uvicorn.run(
            create_app(platform),
            host=host,
            port=port,
            access_log=False,
            log_level="warning",
            proxy_headers=True,
        )
    except OSError as error:
        raise fail(f"cannot listen on {host}:{port}: {error.strerror}") from None


def _logins_path(platform: Platform) -> Path:
    return platform.settings.data_dir / "demo-logins.txt"


def _save_logins(platform: Platform, logins: list[DemoLogin]) -> None:
    lines = ["\t".join([x.role, x.email, x.password, x.totp_secret or "", x.note]) for x in logins]
    _logins_path(platform).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _stored_logins(platform: Platform) -> list[DemoLogin]:
    path = _logins_path(platform)
    if not path.exists():
        return []
    out: list[DemoLogin] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 5:
            out.append(DemoLogin(parts[0], parts[1], parts[2], parts[3] or None, parts[4]))
    return out


def _print_logins(logins: list[DemoLogin], host: str, port: int) -> None:
    """Plain lines, not a table: e-mail addresses and keys must never be cut to fit a terminal."""

    console.print(f"\nDemo log-ins (synthetic accounts; the password for all is {DEMO_PASSWORD}):")
    for login in logins:
        key = f"  second-factor key {login.totp_secret}" if login.totp_secret else ""
        note = f"  ({login.note})" if login.note else ""
        console.print(f"  {login.role:<21} {login.email}{key}{note}", soft_wrap=True)
    console.print(
        "\nStaff accounts also need a 6-digit code: add the key to an authenticator app, or run\n"
        "  .venv/bin/withcare demo-code EMAIL\n"
        f"Open http://{host}:{port} in a browser.",
        soft_wrap=True,
    )
    sys.stdout.flush()
