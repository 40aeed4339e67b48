"""The generated GraphQL client with what it does not know: our credentials on every request
(HTTP and websocket), tokens that renew themselves, typed errors, and the plain-HTTP routes
(uploads, downloads, reports) streamed chunk by chunk."""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx

from synthetica_client import config
from synthetica_client._generated import GraphQLClient
from synthetica_client._generated.exceptions import GraphQLClientGraphQLMultiError
from synthetica_client.config import Credentials
from synthetica_client.errors import (
    ServiceUnavailable,
    SyntheticaError,
    Unauthenticated,
    from_graphql_errors,
    from_http_error,
)

# Set while logging in or refreshing: those calls carry no credentials of their own.
_anonymous: contextvars.ContextVar[bool] = contextvars.ContextVar("anonymous", default=False)
USER_AGENT = "synthetica-client/0.1"
log = logging.getLogger("synthetica_client")


def _ws_url(url: str) -> str:
    if url.startswith("https://"):
        return "wss://" + url.removeprefix("https://") + "/graphql"
    return "ws://" + url.removeprefix("http://") + "/graphql"


class Transport(GraphQLClient):
    """One connection pool to one gateway, shared by everything a client does."""

    def __init__(self, credentials: Credentials, *, timeout: float = 60.0) -> None:
        self.credentials = credentials
        http = httpx.AsyncClient(
            base_url=credentials.url,
            timeout=httpx.Timeout(timeout, connect=10.0),
            headers={"User-Agent": USER_AGENT},
        )
        super().__init__(
            url=credentials.url + "/graphql", http_client=http, ws_url=_ws_url(credentials.url)
        )
        self._refreshing: Any = None  # an asyncio.Lock, made inside the event loop

    async def aclose(self) -> None:
        await self.http_client.aclose()

    # --- GraphQL over HTTP ---------------------------------------------------------------

    async def execute(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        if _anonymous.get():
            return await self._post(query, operation_name, variables, {}, kwargs)
        await self.ensure_fresh()
        used = self.credentials.refresh_token
        response = await self._post(
            query, operation_name, variables, self.credentials.headers(), kwargs
        )
        if used and _code(response) == "UNAUTHENTICATED":
            # The access token died early (a restart of auth, a clock skew): renew it once.
            await self.refresh(stale=used)
            response = await self._post(
                query, operation_name, variables, self.credentials.headers(), kwargs
            )
        return response

    async def _post(
        self,
        query: str,
        operation_name: str | None,
        variables: dict[str, Any] | None,
        headers: dict[str, str],
        kwargs: dict[str, Any],
    ) -> httpx.Response:
        try:
            return await super().execute(
                query,
                operation_name,
                variables,
                headers={**headers, **kwargs.pop("headers", {})},
                **kwargs,
            )
        except httpx.TransportError as exc:
            raise self._unreachable(exc) from exc

    def get_data(self, response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            raise from_http_error(response.status_code, None) from None
        if isinstance(body, dict) and body.get("errors"):
            data = body.get("data")
            if not isinstance(data, dict) or not data or any(v is None for v in data.values()):
                raise from_graphql_errors(body["errors"])
            # Only nested, nullable fields failed (e.g. a batch's quality score while the
            # evaluation service is down): the rest is still worth having.
            log.warning("partial answer: %s", from_graphql_errors(body["errors"]))
            return data
        if response.status_code >= 400 or not isinstance(body, dict) or body.get("data") is None:
            raise from_http_error(response.status_code, body)
        return body["data"]

    # --- GraphQL over websockets (subscriptions) -------------------------------------------

    async def execute_ws(
        self,
        query: str,
        operation_name: str | None = None,
        variables: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        await self.ensure_fresh()
        # Websockets authenticate in connection_init, with the same headers as HTTP.
        self.ws_connection_init_payload = self.credentials.headers()
        kwargs.setdefault("open_timeout", 10)
        try:
            async for data in super().execute_ws(query, operation_name, variables, **kwargs):
                yield data
        except GraphQLClientGraphQLMultiError as exc:
            raise from_graphql_errors(
                [e.original or {"message": e.message} for e in exc.errors]
            ) from None

    # --- credentials -----------------------------------------------------------------------

    async def ensure_fresh(self) -> None:
        if self.credentials.expiring():
            await self.refresh(stale=self.credentials.refresh_token)

    async def refresh(self, *, stale: str | None) -> None:
        """Trades the refresh token for a new pair, once, however many calls ask at once.
        With credentials from the saved file, another process may have renewed them first:
        then its tokens are adopted (presenting a used refresh token would end the login)."""
        import asyncio

        if self._refreshing is None:
            self._refreshing = asyncio.Lock()
        async with self._refreshing:
            if not stale or self.credentials.refresh_token != stale:
                return  # renewed meanwhile by another call
            if self.credentials.source != "file":
                await self._renew(stale)
                return
            with config.file_lock():
                saved = config.load_saved()
                if (
                    saved
                    and config.normalize_url(saved.url) == self.credentials.url
                    and saved.refresh_token
                    and saved.refresh_token != stale
                ):
                    self._adopt(saved)
                    return
                await self._renew(stale)
                config.save(self.credentials)

    def _adopt(self, saved: Credentials) -> None:
        self.credentials.access_token = saved.access_token
        self.credentials.refresh_token = saved.refresh_token
        self.credentials.expires_at = saved.expires_at

    async def _renew(self, refresh_token: str) -> None:
        token = _anonymous.set(True)
        try:
            pair = (await self.refresh_token(refresh_token=refresh_token)).refresh_token
        except Unauthenticated as exc:
            raise Unauthenticated(
                f"{exc.message}: the login expired or was revoked; run `synthetica login` again",
                reason=exc.reason,
                extensions=exc.extensions,
            ) from None
        finally:
            _anonymous.reset(token)
        self.credentials.access_token = pair.access_token
        self.credentials.refresh_token = pair.refresh_token
        self.credentials.expires_at = time.time() + pair.expires_in

    @contextlib.contextmanager
    def anonymous(self) -> Any:
        """Calls made inside carry no credentials (login)."""
        token = _anonymous.set(True)
        try:
            yield
        finally:
            _anonymous.reset(token)

    # --- plain HTTP routes -----------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def stream(self, method: str, path: str, **kwargs: Any) -> AsyncIterator[httpx.Response]:
        """A streamed response of one of the gateway's HTTP routes; errors raised typed."""
        await self.ensure_fresh()
        headers = {**self.credentials.headers(), **kwargs.pop("headers", {})}
        try:
            async with self.http_client.stream(method, path, headers=headers, **kwargs) as response:
                if response.status_code >= 400:
                    await response.aread()
                    try:
                        body = response.json()
                    except ValueError:
                        body = None
                    raise from_http_error(response.status_code, body)
                yield response
        except httpx.TransportError as exc:
            raise self._unreachable(exc) from exc

    def _unreachable(self, exc: Exception) -> SyntheticaError:
        if isinstance(exc, httpx.TimeoutException):
            return ServiceUnavailable(
                f"{self.credentials.url} did not answer in time ({type(exc).__name__})"
            )
        return ServiceUnavailable(
            f"cannot reach {self.credentials.url}: {exc or type(exc).__name__}"
        )


def _code(response: httpx.Response) -> str:
    try:
        body = response.json()
        return str(body["errors"][0]["extensions"]["code"])
    except (ValueError, KeyError, IndexError, TypeError):
        return ""
