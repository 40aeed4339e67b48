"""Signing in and out: ``login``, ``logout``, ``whoami``."""

from __future__ import annotations

from typing import Annotated

import typer

from synthetica_client import config
from synthetica_client._sync import Client
from synthetica_client.cli._app import (
    JsonOption,
    answer,
    app,
    dump,
    err,
    example,
    out,
    state,
    value,
)
from synthetica_client.errors import SyntheticaError, Unauthenticated


def _gateway(ctx: typer.Context, url: str | None) -> str:
    """--url after the command, else before it (or SYNTHETICA_URL), else the gateway of the
    saved login (a second `synthetica login` after the first expired goes to the same
    place), else the default."""
    saved = config.load_saved()
    return config.normalize_url(
        url or state(ctx).url or (saved.url if saved else "") or config.DEFAULT_URL
    )


@app.command(
    epilog=example(
        "synthetica login --url http://127.0.0.1:8000", "synthetica login --api-key syn_..."
    )
)
def login(
    ctx: typer.Context,
    email: Annotated[str | None, typer.Option(help="Your email (asked when missing).")] = None,
    password: Annotated[
        str | None, typer.Option(help="Your password (asked, hidden, when missing).")
    ] = None,
    # Also here, not only before the command: `synthetica login --url …` is how people type it.
    url: Annotated[
        str | None, typer.Option(help="The gateway (else --url before the command, or saved).")
    ] = None,
    api_key: Annotated[
        str | None, typer.Option(help="An API key to check and save instead of a password.")
    ] = None,
) -> None:
    """Sign in; the login is saved for later commands and Python sessions.

    The file is readable by you only. With --api-key, the key is checked and saved instead.
    """
    url = _gateway(ctx, url)
    api_key = api_key or state(ctx).api_key
    if api_key:
        with Client(url, api_key=api_key) as client:
            me = client.me()
            path = config.save(config.Credentials(url, api_key=api_key, email=me.email))
    else:
        email = email or typer.prompt("Email")
        password = password or typer.prompt("Password", hide_input=True)
        with Client(url) as client:
            try:
                me = client.login(email, password, save=True)
            except Unauthenticated as exc:
                if exc.reason != "INVALID_CREDENTIALS":
                    raise
                raise Unauthenticated(
                    f"{exc.message} (no account yet? `synthetica signup --url {url}`)",
                    reason=exc.reason,
                    extensions=exc.extensions,
                ) from None
            path = config.config_path()
    out.print(f"Logged in to {url} as {me.email} (saved in {path})")


@app.command(
    epilog=example(
        "synthetica signup --url http://127.0.0.1:8000",
        "synthetica signup --email ada@example.com --name 'Ada Lovelace'",
    )
)
def signup(
    ctx: typer.Context,
    email: Annotated[str | None, typer.Option(help="Your email (asked when missing).")] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="At least 10 characters, with a letter and a digit (asked twice, hidden, "
            "when missing)."
        ),
    ] = None,
    name: Annotated[str, typer.Option(help="Your display name (optional).")] = "",
    organization: Annotated[str, typer.Option(help="Your organization (optional).")] = "",
    url: Annotated[
        str | None, typer.Option(help="The gateway (else --url before the command, or saved).")
    ] = None,
) -> None:
    """Create an account and log in with it; the login is saved as `login` saves it.

    The first account of a new installation is its admin.
    """
    url = _gateway(ctx, url)
    email = email or typer.prompt("Email")
    password = password or typer.prompt(
        "Password (10+ characters, a letter and a digit)",
        hide_input=True,
        confirmation_prompt="Repeat the password",
    )
    with Client(url) as client:
        me = client.register(
            email, password, display_name=name, organization=organization, save=True
        )
    path = config.config_path()
    out.print(f"Created the account {me.email} at {url} and logged in (saved in {path})")


@app.command(epilog=example("synthetica logout"))
def logout() -> None:
    """End the saved login, on the server too, and forget it."""
    saved = config.load_saved()
    if saved is None:
        out.print("Not logged in.")
        return
    if saved.refresh_token:
        try:
            with Client(saved.url) as client:
                client.logout()
        except SyntheticaError as exc:
            err.print(f"warning: the server did not end the session: {exc}")
    config.forget()
    out.print(f"Logged out of {saved.url}")


@app.command(epilog=example("synthetica whoami", "synthetica whoami --json"))
def whoami(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Who you are signed in as, and where; and your storage used against your quota."""
    client = state(ctx).client()
    me = client.me()
    storage = client.storage_usage()
    answer(
        {**dump(me), "url": client.url, "storage": dump(storage)},
        as_json,
        f"{me.email} ({value(me.role).lower()}) at {client.url}\n"
        f"Storage: {storage_line(storage.used_bytes, storage.quota_bytes)}",
    )


def storage_line(used: float, quota: float | None) -> str:
    """``1.5 GiB of 20 GiB used (7 %)``, or ``1.5 GiB used (no quota)``."""
    if not quota:
        return f"{human_bytes(used)} used (no quota)"
    return f"{human_bytes(used)} of {human_bytes(quota)} used ({used / quota:.0%})"


def human_bytes(size: float) -> str:
    if size < 1024:
        return f"{size:.0f} bytes"
    for unit in ("KiB", "MiB", "GiB"):
        size /= 1024
        if size < 1024:
            return f"{size:.1f} {unit}"
    return f"{size / 1024:.1f} TiB"
