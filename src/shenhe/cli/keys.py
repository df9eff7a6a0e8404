"""``shenhe keys rotate``: a new PII master key, and every sealed value re-sealed under it.

With a key file (``SHENHE_PII_KEY_FILE``), the command puts a new key in front of the file's
keys (the old ones stay, retired, so everything keeps opening meanwhile) and re-seals in
batches. Run it again after an interruption: while anything is not yet under the current key
it resumes instead of making another key. With ``SHENHE_PII_KEY``, set the new key there
(``SHENHE_PII_KEY_ID`` a new id, the old key in ``SHENHE_PII_RETIRED_KEYS``), restart the
servers, then run the command: it re-seals under the key the environment names.

``shenhe keys retire KEY_ID`` drops an old key once nothing is sealed under it any more.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

import typer

from shenhe.adapters.keyfile import add_key, remove_key
from shenhe.bootstrap import build_database, build_keyring, build_unit_of_work
from shenhe.cli.db import DatabaseOption
from shenhe.cli.errors import reporting
from shenhe.cli.options import JsonOption, cli_actor, settings_from
from shenhe.services import keys

app = typer.Typer(help="The PII master keys: rotate them, retire old ones.", no_args_is_help=True)


@app.command()
def retire(
    key_id: Annotated[str, typer.Argument(metavar="KEY_ID", help="A retired key, e.g. k1.")],
    database: DatabaseOption = None,
) -> None:
    """Drop an old key from the key file once nothing is sealed under it any more (after a
    finished rotation): backups sealed under it can then no longer be opened."""
    with reporting():
        settings = settings_from(database_url=database)
        with build_database(settings) as db:
            keys.retirable(build_unit_of_work(db, read_only=True), build_keyring(settings), key_id)
        if settings.pii_key is not None:
            typer.echo(f"nothing is sealed under {key_id}: remove it from SHENHE_PII_RETIRED_KEYS")
            return
        remove_key(settings.pii_key_file, key_id)
    typer.echo(f"key {key_id} removed from {settings.pii_key_file}")


@app.command()
def rotate(
    batch: Annotated[
        int, typer.Option("--batch", min=1, help="Values re-sealed per transaction.")
    ] = keys.DEFAULT_BATCH,
    as_json: JsonOption = False,
    database: DatabaseOption = None,
) -> None:
    """Rotate the PII master key: re-seal every identity value (accounts, principals, the
    blacklist) under a new key, in batches, without downtime; resumable."""
    with reporting():
        settings = settings_from(database_url=database)
        with build_database(settings) as db:
            uow = build_unit_of_work(db)
            keyring = build_keyring(settings)
            added = None
            if settings.pii_key is None and not keys.pending(uow, keyring.current.key_id):
                added = add_key(settings.pii_key_file)
                keyring = build_keyring(settings)
            report = keys.rotate(
                uow, keyring, now=datetime.now(UTC), actor=cli_actor(), batch=batch
            )
    data = {**report.to_dict(), "new_key": added}
    if as_json:
        typer.echo(json.dumps(data))
        return
    counts = ", ".join(f"{n} {kind}" for kind, n in report.counts.items())
    head = f"new key {added}; " if added else ("resumed; " if report.resumed else "")
    typer.echo(f"{head}re-sealed under {report.key_id}: {counts}")
