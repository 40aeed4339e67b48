"""Every ``extensions.code`` the gateway sends becomes its own exception, with the server's
message and details (the live tests meet the common ones; these are the rest)."""

from __future__ import annotations

import pytest

from gateway.http import HTTP_STATUS
from synthetica_client import errors


@pytest.mark.parametrize("code", sorted(HTTP_STATUS))
def test_each_gateway_code_has_its_exception(code):
    error = errors.from_graphql_errors([{"message": "why", "extensions": {"code": code}}])
    assert type(error) is not errors.InternalError
    assert error.code == code and str(error) == "why"


def test_details_travel_with_the_exception():
    rate = errors.from_graphql_errors(
        [{"message": "slow down", "extensions": {"code": "RATE_LIMITED", "retryAfterSeconds": 42}}]
    )
    assert isinstance(rate, errors.RateLimited) and rate.retry_after == 42
    bad = errors.from_graphql_errors(
        [
            {
                "message": "invalid input",
                "extensions": {
                    "code": "BAD_USER_INPUT",
                    "reason": "INVALID",
                    "fields": [{"field": "count", "message": "must be positive"}],
                },
            }
        ]
    )
    assert isinstance(bad, errors.BadUserInput) and bad.reason == "INVALID"
    assert bad.fields == [{"field": "count", "message": "must be positive"}]
    assert str(bad) == "invalid input (count: must be positive)"


def test_plain_http_routes_errors_and_bare_statuses():
    too_big = errors.from_http_error(
        413, {"error": {"code": "BAD_USER_INPUT", "message": "over 2 GiB", "reason": "TOO_LARGE"}}
    )
    assert isinstance(too_big, errors.BadUserInput) and too_big.reason == "TOO_LARGE"
    assert isinstance(errors.from_http_error(413, None), errors.PayloadTooLarge)
    assert isinstance(errors.from_http_error(502, None), errors.ServiceUnavailable)
    masked = errors.from_graphql_errors([{"message": "internal error"}])
    assert isinstance(masked, errors.InternalError) and "unexpectedly" in str(masked)
    drifted = errors.from_graphql_errors([{"message": "Cannot query field 'rows' on 'Dataset'."}])
    assert "client older than the server" in str(drifted)


def test_a_field_message_the_error_already_says_is_not_said_twice():
    said = "origin 'EWR' and dest 'BGR' never occur together in the training rows"
    bad = errors.from_graphql_errors(
        [
            {
                "message": said,
                "extensions": {
                    "code": "BAD_USER_INPUT",
                    "fields": [{"field": "conditions.dest", "message": said}],
                },
            }
        ]
    )
    assert str(bad) == f"{said} (conditions.dest)"
