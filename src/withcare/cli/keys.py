"""`withcare keys`: rotate the service key that wraps every person's data key, without downtime."""

from __future__ import annotations

from typing import Annotated

import typer

from withcare.cli.core import DatabaseUrl, DataDir, console, fail, open_platform


def register(app: typer.Typer) -> None:
    keys = typer.Typer(
        help="Manage the encryption keys of sensitive free text.", no_args_is_help=True
    )
    app.add_typer(keys, name="keys")

    @keys.command()
    def rotate(
        data_dir: DataDir = None,
        database_url: DatabaseUrl = None,
        retire: Annotated[
            bool, typer.Option(help="Remove old service keys that no data key needs any more.")
        ] = True,
    ) -> None:
        """Add a new service key, make it current, and re-wrap every data key with it.

        Running servers keep working throughout: they re-read the keyring when it changes, and
        each data key names the service key that opens it. Safe to run again if interrupted.
        """
        platform = open_platform(data_dir, database_url)
        try:
            new_id = platform.crypto.add_service_key()
            count = platform.crypto.rewrap()
            retired = platform.crypto.retire_unused() if retire else []
        except (ValueError, OSError) as error:
            raise fail(str(error)) from None
        finally:
            platform.close()
        console.print(f"New service key {new_id} is current; {count} data keys re-wrapped.")
        if retired:
            console.print(f"Retired old service keys: {', '.join(retired)}.")

    @keys.command()
    def status(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
        """How many data keys each service key wraps."""
        platform = open_platform(data_dir, database_url)
        try:
            current = platform.crypto.keyring().current_key_id
            counts = platform.crypto.keys_in_use()
        finally:
            platform.close()
        console.print(f"Current service key: {current}")
        for key_id, count in sorted(counts.items()):
            console.print(f"  {key_id}: {count} data keys")
