from __future__ import annotations

from common.settings import Settings


class GatewaySettings(Settings):
    service_prefix = "GATEWAY_"

    host: str = "127.0.0.1"
    port: int = 8000
    graphiql: bool = True
    max_query_depth: int = 12
    max_query_tokens: int = 4000
    max_aliases: int = 30
    max_body_bytes: int = 1024 * 1024
    # Take the client address from X-Forwarded-For (only behind a trusted proxy/ingress).
    trust_forwarded_for: bool = False
