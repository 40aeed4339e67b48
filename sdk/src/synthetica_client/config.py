"""Where the client's address and credentials come from, in this order:

1. arguments: ``Client(url, api_key=...)`` or ``token=...``;
2. the environment: ``SYNTHETICA_URL`` and ``SYNTHETICA_API_KEY``;
3. what ``synthetica login`` saved: ``credentials.json`` in the user's config folder
   (``~/.config/synthetica`` on Linux; ``SYNTHETICA_CONFIG_DIR`` moves it), readable by its
   owner only (mode 0600). Saved credentials are only ever sent to the server they came from.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

import platformdirs

from synthetica_client.errors import BadUserInput

DEFAULT_URL = "http://127.0.0.1:8000"
ENV_URL = "SYNTHETICA_URL"
ENV_API_KEY = "SYNTHETICA_API_KEY"
ENV_CONFIG_DIR = "SYNTHETICA_CONFIG_DIR"
FILE_NAME = "credentials.json"


@dataclass
class Credentials:
    """A server address and what to present to it: an API key, or an access token with
    (after a login) the refresh token that renews it."""

    url: str
    api_key: str | None = None
    access_token: str | None = None
    refresh_token: str | None = None
    # When the access token expires (seconds since the epoch), if known.
    expires_at: float | None = None
    email: str | None = None
    # arguments, environment, file or none: where these came from (a file is written back
    # when its tokens are refreshed).
    source: str = field(default="none", compare=False)

    @property
    def present(self) -> bool:
        return bool(self.api_key or self.access_token)

    def headers(self) -> dict[str, str]:
        if self.api_key:
            return {"X-API-Key": self.api_key}
        if self.access_token:
            return {"Authorization": f"Bearer {self.access_token}"}
        return {}

    def expiring(self, margin_seconds: float = 30.0) -> bool:
        """Whether the access token is about to expire and can be renewed."""
        return bool(
            self.refresh_token
            and self.expires_at is not None
            and self.expires_at - margin_seconds <= time.time()
        )


def normalize_url(url: str) -> str:
    """The gateway's address without a trailing ``/graphql``; ``http://`` when no scheme is
    given. Anything but an http(s) address with a host is refused, and so is one with a
    user name or password in it: it would be printed and saved as it is, and the gateway
    takes credentials only as an API key or a login."""
    given = url
    url = url.strip().rstrip("/")
    if url.endswith("/graphql"):
        url = url.removesuffix("/graphql")
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if "@" in parts.netloc:
        shown = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        raise BadUserInput(
            f"{shown}: a URL with a user name or password is refused; "
            "sign in with `synthetica login` or an API key",
            reason="INVALID_URL",
        )
    if parts.scheme.lower() not in ("http", "https") or not _has_host(parts):
        raise BadUserInput(
            f"{given!r} is not the address of a gateway: give http://host:port or https://host",
            reason="INVALID_URL",
        )
    return url


def _has_host(parts: SplitResult) -> bool:
    try:
        return bool(parts.hostname) and (parts.port or 0) >= 0
    except ValueError:  # a port that is not a number, or out of range
        return False


def config_dir() -> Path:
    return Path(os.environ.get(ENV_CONFIG_DIR) or platformdirs.user_config_dir("synthetica"))


def config_path() -> Path:
    return config_dir() / FILE_NAME


def load_saved() -> Credentials | None:
    """What ``synthetica login`` saved, or None."""
    try:
        raw = json.loads(config_path().read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("url"), str):
        return None
    known = {k: raw.get(k) for k in Credentials.__dataclass_fields__ if k != "source"}
    return Credentials(**known, source="file")


def save(credentials: Credentials) -> Path:
    """Writes the credentials file atomically, readable by its owner only."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = {k: v for k, v in asdict(credentials).items() if k != "source" and v is not None}
    tmp = path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=2)
    os.chmod(tmp, 0o600)  # whatever the umask said
    os.replace(tmp, path)
    return path


def forget() -> bool:
    """Deletes the saved credentials; whether there were any."""
    try:
        config_path().unlink()
    except FileNotFoundError:
        return False
    return True


@contextlib.contextmanager
def file_lock() -> Iterator[None]:
    """Serialises token refreshes between processes sharing the credentials file: refresh
    tokens rotate, and presenting a used one revokes the whole login."""
    path = config_path().with_name(FILE_NAME + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
        except ImportError:  # Windows: no flock; refreshes are rare enough
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def resolve(
    url: str | None = None, *, api_key: str | None = None, token: str | None = None
) -> Credentials:
    """The address and credentials to use (see the module's docstring for the order)."""
    saved = load_saved()
    chosen = normalize_url(
        url or os.environ.get(ENV_URL) or (saved.url if saved else "") or DEFAULT_URL
    )
    if api_key:
        return Credentials(chosen, api_key=api_key, source="arguments")
    if token:
        return Credentials(chosen, access_token=token, source="arguments")
    env_key = os.environ.get(ENV_API_KEY)
    if env_key:
        return Credentials(chosen, api_key=env_key, source="environment")
    if saved and normalize_url(saved.url) == chosen and saved.present:
        saved.url = chosen
        return saved
    return Credentials(chosen)
