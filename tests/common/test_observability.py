"""Observability end to end with real servers: Prometheus metrics scraped over HTTP, and one
trace followed from a GraphQL request through the gateway, the auth service, its outbox and
NATS into a pull consumer, with the trace id in every JSON log line on the way."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import uuid
from collections.abc import Callable, Iterator
from typing import TypeVar

import httpx
import pytest
from nats.js.api import DeliverPolicy
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families

from common import jetstream
from common.jetstream import Outcome, PullConsumer
from common.logs import JsonFormatter
from common.metrics import start_metrics_server
from common.tracing import configure_tracing
from synthetica.auth.v1 import auth_pb2
from synthetica.events.v1 import events_pb2
from tests.support import PASSWORD, AuthCaller, graphql, unique_email

REGISTER = """
mutation Register($email: String!, $password: String!) {
  register(input: {email: $email, password: $password}) { user { id } }
}"""
AUTH = "synthetica.auth.v1.AuthService"
T = TypeVar("T")


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    """The production TracerProvider set-up, with an in-memory exporter beside it."""
    exporter = InMemorySpanExporter()
    configure_tracing("tests", processors=[SimpleSpanProcessor(exporter)])
    return exporter


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """What the gateway's access log and the services' RPC log write, as JSON lines."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter("tests"))
    loggers = [logging.getLogger(n) for n in ("gateway.http", "common.interceptors", "consumer")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
    yield out
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


@pytest.fixture(scope="module")
def metrics_url() -> Iterator[str]:
    """This process's /metrics port, served as run_cli serves it for a service."""
    server = start_metrics_server(0)
    yield f"http://127.0.0.1:{server.port}/metrics"
    server.stop()


async def scrape(url: str) -> dict[tuple[str, frozenset], float]:
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def eventually(probe: Callable[[], T | None], timeout: float = 5.0) -> T:
    """Spans and log lines of a response are finished just after the client has it."""
    for _ in range(int(timeout / 0.05)):
        found = probe()
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError("not seen in time")


def log_lines(out: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def find_span(exporter: InMemorySpanExporter, name: str, **attributes: object) -> ReadableSpan:
    for span in exporter.get_finished_spans():
        if span.name == name and all(span.attributes.get(k) == v for k, v in attributes.items()):
            return span
    return None  # type: ignore[return-value]


def hex_trace(span: ReadableSpan) -> str:
    return format(span.context.trace_id, "032x")


async def test_graphql_request_is_counted_and_traced_through_gateway_and_auth(
    spans, json_logs, metrics_url, gateway, auth_server
):
    before_auth = await scrape(metrics_url)
    before_gateway = await scrape(f"{gateway}/metrics")
    spans.clear()

    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        result = await graphql(client, REGISTER, {"email": unique_email(), "password": PASSWORD})
    assert "errors" not in result, result

    http = await eventually(lambda: find_span(spans, "POST /graphql"))
    operation = find_span(spans, "graphql mutation register")
    rpc = find_span(spans, f"{AUTH}/Register")
    assert http.kind is SpanKind.SERVER and rpc.kind is SpanKind.SERVER
    # One trace: HTTP request -> GraphQL operation -> (gRPC metadata) -> auth's server span.
    assert http.parent is None
    assert rpc.parent.span_id == operation.context.span_id
    assert rpc.context.trace_id == operation.context.trace_id == http.context.trace_id
    assert rpc.attributes["rpc.grpc.status_code"] == 0

    trace_id = hex_trace(http)
    lines = await eventually(lambda: [e for e in log_lines(json_logs) if e["message"] == "http"])
    assert [e["trace_id"] for e in lines] == [trace_id]
    rpc_lines = [e for e in log_lines(json_logs) if e.get("method") == f"/{AUTH}/Register"]
    assert [e["trace_id"] for e in rpc_lines] == [trace_id]
    assert rpc_lines[0]["request_id"] == lines[0]["request_id"]

    after_auth = await scrape(metrics_url)
    labels = {"service": AUTH, "method": "Register"}
    assert value(after_auth, "grpc_server_handled_total", **labels, code="OK") == (
        value(before_auth, "grpc_server_handled_total", **labels, code="OK") + 1
    )
    assert value(after_auth, "grpc_server_handling_seconds_count", **labels) == (
        value(before_auth, "grpc_server_handling_seconds_count", **labels) + 1
    )
    after_gateway = await scrape(f"{gateway}/metrics")
    http_ok = {"method": "POST", "route": "/graphql", "status": "200"}
    assert value(after_gateway, "http_requests_total", **http_ok) == (
        value(before_gateway, "http_requests_total", **http_ok) + 1
    )
    register_ok = {"type": "mutation", "field": "register", "outcome": "ok"}
    assert value(after_gateway, "graphql_operations_total", **register_ok) == (
        value(before_gateway, "graphql_operations_total", **register_ok) + 1
    )


async def test_failed_calls_are_counted_by_status_code_and_rejected_queries_apart(
    metrics_url, gateway
):
    labels = {"service": AUTH, "method": "Register", "code": "INVALID_ARGUMENT"}
    before_auth = await scrape(metrics_url)
    before = await scrape(f"{gateway}/metrics")
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        bad_email = await graphql(client, REGISTER, {"email": "nope", "password": PASSWORD})
        invalid = await graphql(client, "{ noSuchField }")
    assert bad_email["errors"] and invalid["errors"]

    after_auth = await scrape(metrics_url)
    assert value(after_auth, "grpc_server_handled_total", **labels) == (
        value(before_auth, "grpc_server_handled_total", **labels) + 1
    )
    after = await scrape(f"{gateway}/metrics")
    failed = {"type": "mutation", "field": "register", "outcome": "error"}
    assert value(after, "graphql_operations_total", **failed) == (
        value(before, "graphql_operations_total", **failed) + 1
    )
    # An unknown field is not a label: a client cannot mint time series.
    rejected = {"type": "query", "field": "", "outcome": "rejected"}
    assert value(after, "graphql_operations_total", **rejected) == (
        value(before, "graphql_operations_total", **rejected) + 1
    )
    assert not any(("noSuchField" in str(key)) for key in after)


async def test_auth_continues_the_trace_a_caller_sends_in_grpc_metadata(
    spans, json_logs, auth_server, service_token
):
    trace_id, parent_id = uuid.uuid4().hex, uuid.uuid4().hex[:16]
    caller = AuthCaller(auth_server.address, service_token)
    try:
        await caller.stub.GetJwks(
            auth_pb2.GetJwksRequest(),
            metadata=(*caller.service_md, ("traceparent", f"00-{trace_id}-{parent_id}-01")),
        )
    finally:
        await caller.close()

    rpc = await eventually(
        lambda: next((s for s in spans.get_finished_spans() if hex_trace(s) == trace_id), None)
    )
    assert rpc.name == f"{AUTH}/GetJwks"
    assert rpc.parent.is_remote and format(rpc.parent.span_id, "016x") == parent_id
    logged = [e for e in log_lines(json_logs) if e.get("method") == f"/{AUTH}/GetJwks"]
    assert [e["trace_id"] for e in logged] == [trace_id]


async def test_trace_of_a_graphql_request_reaches_the_consumer_of_its_event(
    spans, json_logs, metrics_url, gateway, nats_url
):
    nc = await jetstream.connect(nats_url, name="observability-test")
    js = nc.jetstream()
    durable = "obs-" + uuid.uuid4().hex[:8]
    subject = "synthetica.events.user.registered"
    await jetstream.ensure_consumer(
        js, "EVENTS", durable=durable, filter_subject=subject, deliver_policy=DeliverPolicy.NEW
    )
    email = unique_email()
    seen: asyncio.Queue[str] = asyncio.Queue()

    async def handler(msg) -> Outcome:
        event = events_pb2.Event.FromString(msg.data)
        if event.user_registered.email == email:
            logging.getLogger("consumer").info("event handled")
            await seen.put(event.user_id)
        return Outcome.ACK

    consumer = PullConsumer(js, stream="EVENTS", durable=durable, subject=subject, handler=handler)
    running = asyncio.create_task(consumer.run())
    before = await scrape(metrics_url)
    try:
        spans.clear()
        async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
            result = await graphql(client, REGISTER, {"email": email, "password": PASSWORD})
        user_id = await asyncio.wait_for(seen.get(), 15)
    finally:
        consumer.stop()
        await running
        await js.delete_consumer("EVENTS", durable)
        await nc.close()
    assert user_id == result["data"]["register"]["user"]["id"]

    rpc = find_span(spans, f"{AUTH}/Register")
    processed = await eventually(lambda: find_span(spans, f"{subject} process"))
    assert processed.kind is SpanKind.CONSUMER
    # The outbox row kept the context of the RPC that wrote it; the relay sent it on.
    assert processed.parent.span_id == rpc.context.span_id
    assert processed.context.trace_id == rpc.context.trace_id
    handled = [e for e in log_lines(json_logs) if e["message"] == "event handled"]
    assert [e["trace_id"] for e in handled] == [hex_trace(rpc)]
    after = await scrape(metrics_url)
    assert value(after, "synthetica_messages_handled_total", consumer=durable, outcome="ack") >= 1
    assert value(before, "synthetica_messages_handled_total", consumer=durable, outcome="ack") == 0
