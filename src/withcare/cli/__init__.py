"""The `withcare` command-line tool (Typer).

Commands: serve, demo, migrate, users create, audit verify, plus the capability groups registered
by their own modules (score, outcomes, sensing, registry). Every command has --help; errors are
printed as one plain sentence and exit with status 2, never as a traceback.
"""

from __future__ import annotations

import typer

from withcare.cli import instruments, registry, score, sensing, sensing_platform, worker
from withcare.cli.core import register as register_core
from withcare.cli.keys import register as register_keys

app = typer.Typer(
    name="withcare",
    help="Withcare: technology-assisted mental healthcare that keeps choice, safety and privacy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
register_core(app)
score.register(app)
instruments.register(app)  # validated questionnaire translations (issue 3)
registry.register(app)
register_keys(app)  # encryption keys (issue 5)
worker.register(app)  # safety deadline and notification worker (issue 4)
sensing.register(app)  # smartphone-sensing feature pipeline (issue 7)
sensing_platform.register(app)  # sensing in the platform: consent-gated ingest (issue 7)


def main() -> None:
    app()
