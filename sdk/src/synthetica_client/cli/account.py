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
from synthetica_client.errors import SyntheticaError


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
    st = state(ctx)
    url = config.normalize_url(url or st.url or config.DEFAULT_URL)
    api_key = api_key or st.api_key
    if api_key:
        with Client(url, api_key=api_key) as client:
            me = client.me()
            path = config.save(config.Credentials(url, api_key=api_key, email=me.email))
    else:
        email = email or typer.prompt("Email")
        password = password or typer.prompt("Password", hide_input=True)
        with Client(url) as client:
            me = client.login(email, password, save=True)
            path = config.config_path()
    out.print(f"Logged in to {url} as {me.email} (saved in {path})")


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
    """Who you are signed in as, and where."""
    client = state(ctx).client()
    me = client.me()
    answer(
        {**dump(me), "url": client.url},
        as_json,
        f"{me.email} ({value(me.role).lower()}) at {client.url}",
    )
