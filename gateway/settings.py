from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field

from common.settings import Settings


class CookieSecure(StrEnum):
    """When the dashboard's session cookies get ``Secure``: ``auto`` follows the request's
    scheme (or a trusted ingress's ``X-Forwarded-Proto``)."""

    AUTO = "auto"
    ALWAYS = "always"
    NEVER = "never"


class GatewaySettings(Settings):
    service_prefix = "GATEWAY_"

    host: str = "127.0.0.1"
    port: int = 8000
    # GraphiQL at GET /graphql and schema introspection: handy in development, off in the
    # prod overlay (a production schema need not describe itself to strangers).
    graphiql: bool = True
    introspection: bool = True
    # Where clients reach the gateway, e.g. https://synthetica.example.com: signed links
    # (downloads, reports) are built on it, never on a request's Host header, which a client
    # chooses. Unset, links are paths (/downloads/...) relative to the gateway's address.
    public_base_url: str = ""
    max_query_depth: int = 12
    max_query_tokens: int = 4000
    max_aliases: int = 30
    # Fields times requested page sizes (gateway/cost.py).
    max_query_cost: int = 20_000
    # Pairs of fields asked under the same name in one selection set (gateway/field_repeats.py).
    max_repeated_field_pairs: int = 200
    max_body_bytes: int = 1024 * 1024
    # Dataset uploads (multipart GraphQL and /upload/datasets) are not held to max_body_bytes;
    # the datasets service enforces its own size limit while the bytes stream. This only
    # refuses a multipart request whose declared length is already over it.
    max_upload_bytes: int = 2 * 1024 * 1024 * 1024
    # A zip of tables (gateway/zip_uploads.py): its members' uncompressed sizes together;
    # each member is held to max_upload_bytes.
    upload_zip_max_total_bytes: int = 4 * 1024 * 1024 * 1024
    # How long an upload waits for ingestion before answering with the dataset INGESTING.
    upload_wait_seconds: int = 120
    # Uploads one user may have streaming into this gateway at once (gateway/upload_slots.py).
    max_uploads_per_user: int = Field(default=3, ge=1, le=1000)
    upload_timeout_seconds: float = 3600.0
    # Take the client address from X-Forwarded-For (only behind a trusted proxy/ingress).
    trust_forwarded_for: bool = False
    # The built dashboard (gateway/web.py); `make web` writes it, the image copies it here.
    web_dir: Path = Path(__file__).resolve().parent.parent / "web" / "dist"
    # The read cache of dataset(id) and project(id) (gateway/read_cache.py): how long an
    # answer may be kept at most (0 turns the cache off), and how many of each kind.
    read_cache_seconds: float = Field(default=30.0, ge=0, le=3600)
    read_cache_entries: int = Field(default=1_000, ge=1, le=100_000)
    # ... and how many megabytes of dataset answers (as sent; 2-5 times that in memory).
    read_cache_megabytes: float = Field(default=32.0, gt=0, le=65_536)
    # A live jobUpdates subscription asks again, before sending an update, whether its
    # subscriber may still see the job (credentials with auth, the job with training) once
    # this long has passed since it last did: a member removed from the project, a revoked API
    # key or an expired token stops the stream within it. 0: before every update.
    subscription_recheck_seconds: float = Field(default=30.0, ge=0, le=3600)
    # Live subscriptions (jobUpdates, notifications) one websocket, and one user over all of
    # theirs, may hold open in this gateway at once (gateway/subscription_slots.py).
    max_subscriptions_per_connection: int = Field(default=50, ge=1, le=1000)
    max_subscriptions_per_user: int = Field(default=100, ge=1, le=100_000)
    # Secure flag of the dashboard's session cookies: auto (https requests), always, never.
    cookie_secure: CookieSecure = CookieSecure.AUTO
